"""Library dataset loaders whose rows are people, with the columns they return.

`fetch_openml("adult")` gives census respondents with `race` and `sex`; a
linter cannot see those columns in the code, so they are written down here,
one entry per dataset, with where the column list comes from. A dataset
that is not listed is unknown (never reported): most bundled datasets are
flowers, digits or houses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PeopleDataset:
    """A dataset about people: who its rows are, and its columns."""

    people: str
    columns: tuple[str, ...]


# OpenML (scikit-learn's `fetch_openml(name)`; columns as OpenML publishes them).
OPENML: Mapping[str, PeopleDataset] = {
    # UCI Adult / census income, OpenML 1590.
    "adult": PeopleDataset(
        "census respondents",
        (
            "age",
            "workclass",
            "fnlwgt",
            "education",
            "education-num",
            "marital-status",
            "occupation",
            "relationship",
            "race",
            "sex",
            "capital-gain",
            "capital-loss",
            "hours-per-week",
            "native-country",
            "class",
        ),
    ),
    # Titanic passengers, OpenML 40945 (names, ages, sex, cabins, home towns).
    "titanic": PeopleDataset(
        "passengers",
        (
            "pclass",
            "survived",
            "name",
            "sex",
            "age",
            "sibsp",
            "parch",
            "ticket",
            "fare",
            "cabin",
            "embarked",
            "boat",
            "body",
            "home.dest",
        ),
    ),
    # German credit, OpenML 31.
    "credit-g": PeopleDataset(
        "credit applicants",
        (
            "checking_status",
            "duration",
            "credit_history",
            "purpose",
            "credit_amount",
            "savings_status",
            "employment",
            "installment_commitment",
            "personal_status",
            "other_parties",
            "residence_since",
            "property_magnitude",
            "age",
            "other_payment_plans",
            "housing",
            "existing_credits",
            "job",
            "num_dependents",
            "own_telephone",
            "foreign_worker",
            "class",
        ),
    ),
}

# PyCaret's `pycaret.datasets.get_data(name)` (columns of its bundled CSV files).
PYCARET: Mapping[str, PeopleDataset] = {
    # Default of credit card clients (Taiwan), UCI 350.
    "credit": PeopleDataset(
        "credit card clients",
        (
            "LIMIT_BAL",
            "SEX",
            "EDUCATION",
            "MARRIAGE",
            "AGE",
            "PAY_1",
            "BILL_AMT1",
            "PAY_AMT1",
            "default",
        ),
    ),
    # Medical insurance charges per insured person.
    "insurance": PeopleDataset(
        "insured people", ("age", "sex", "bmi", "children", "smoker", "region", "charges")
    ),
    # IBM HR attrition: one row per employee.
    "employee": PeopleDataset(
        "employees",
        (
            "Age",
            "Attrition",
            "Department",
            "EmployeeNumber",
            "Gender",
            "MaritalStatus",
            "MonthlyIncome",
            "JobRole",
        ),
    ),
}

LOADERS: Mapping[str, Mapping[str, PeopleDataset]] = {
    "sklearn.datasets.fetch_openml": OPENML,
    "pycaret.datasets.get_data": PYCARET,
}


def people_dataset(api: str, name: str | None) -> PeopleDataset | None:
    """The listed dataset `api(name)` loads, if its rows are people."""
    table = LOADERS.get(api)  # a loader outside the table, or no name: unknown
    if table is None or name is None:
        return None
    return table.get(name.lower())
