"""Name evidence: flag and no-flag examples side by side, including the 60 tricky cases.

Expected values: "high" / "medium" / "low" are exact confidences; None means not
personal; "flag" means reported (medium or high); "weak" means not reported
(low or None; pii-evidence.md accepts either).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from logmask.evidence.names import (
    NameClassifier,
    NameEvidence,
    classify_name,
    free_text_name,
    is_masker_name,
    is_person_context,
)
from logmask.evidence.tokens import tokenize

REPO = Path(__file__).resolve().parents[2]


def verdict(name: str, owner: str | None = None) -> str | None:
    evidence = classify_name(name, owner)
    return None if evidence is None else evidence.confidence


def assert_verdict(name: str, owner: str | None, expected: str | None) -> None:
    got = verdict(name, owner)
    where = f"{name!r} (owner={owner!r}) -> {classify_name(name, owner)}"
    if expected == "flag":
        assert got in ("medium", "high"), where
    elif expected == "weak":
        assert got in ("low", None), where
    else:
        assert got == expected, where


# --------------------------------------------------------------------------- tokenize

TOKENS = [
    ("user_email", ("user", "email")),
    ("userEmail", ("user", "email")),
    ("UserEmail", ("user", "email")),
    ("user-email", ("user", "email")),
    ("user.email", ("user", "email")),
    ("user email", ("user", "email")),
    ("USER_EMAIL", ("user", "email")),
    ("userIPAddress", ("user", "ip", "address")),
    ("IPAddress", ("ip", "address")),
    ("creditCardNumber", ("credit", "card", "number")),
    ("dateOfBirth", ("date", "of", "birth")),
    ("HTTPServer", ("http", "server")),
    ("sha256", ("sha", "256")),
    ("address_line1", ("address", "line", "1")),
    ("cifar10_train", ("cifar", "10", "train")),
    ("mobilenet_v2", ("mobilenet", "v", "2")),
    ("e_mail", ("e", "mail")),
    ("E-Mail", ("e", "mail")),
    ("EMail", ("e", "mail")),
    ("client_ipv4", ("client", "ipv4")),
    ("IPv6Address", ("ipv6", "address")),
    ("iPhone", ("iphone",)),
    ("__init__", ("init",)),
    ("_mask", ("mask",)),
    ("hex(id(x))", ("hex", "id", "x")),
    ("part-0000.parquet", ("part", "0000", "parquet")),
    ("s3://b/leads/2024.parquet", ("s", "3", "b", "leads", "2024", "parquet")),
    ("", ()),
    ("___", ()),
    ("42", ("42",)),
    # fused forms
    ("emailaddress", ("email", "address")),
    ("EMAILADDRESS", ("email", "address")),
    ("phonenumber", ("phone", "number")),
    ("phoneNumbers", ("phone", "numbers")),
    ("dateofbirth", ("date", "of", "birth")),
    ("firstname", ("first", "name")),
    ("lastname", ("last", "name")),
    ("Lastname", ("last", "name")),
    ("zipcode", ("zip", "code")),
    ("ipaddress", ("ip", "address")),
    ("creditcard", ("credit", "card")),
    ("creditcardnumber", ("credit", "card", "number")),
    ("username", ("user", "name")),
    ("usernames", ("user", "names")),
    ("avg_username_length", ("avg", "user", "name", "length")),
    ("userid", ("user", "id")),
    ("birthdate", ("birth", "date")),
    ("latlng", ("lat", "lng")),
    # words that must stay whole
    ("classname", ("classname",)),
    ("filename", ("filename",)),
    ("hostname", ("hostname",)),
    ("phoneme", ("phoneme",)),
    ("cardinality", ("cardinality",)),
    ("uncertainty", ("uncertainty",)),
    ("skip_connections", ("skip", "connections")),
]


@pytest.mark.parametrize(("name", "expected"), TOKENS)
def test_tokenize(name: str, expected: tuple[str, ...]) -> None:
    assert tokenize(name) == expected


# --------------------------------------------------------------------------- the 60 cases

# (case number, name, owner, expected). Rows 53-57 are about literal values (the value
# recognizers); here only the *names* they come with are checked (version, loss, ts, ...).
TRICKY = [
    (1, "user_email", None, "high"),
    (1, "userEmail", None, "high"),
    (2, "email_count", None, None),
    (2, "num_emails", None, None),
    (3, "email_col", None, None),
    (4, "hashed_email", None, None),
    (4, "phone_number_sha256", None, None),
    (5, "masked_ssn", None, None),
    (5, "ssn_redacted", None, None),
    (6, "anonymized_phone_number", None, None),
    (7, "is_email_valid", None, None),
    (7, "email_verified", None, None),
    (7, "email_enabled", None, None),
    (8, "email_template", None, None),
    (8, "email_subject", None, "weak"),
    (9, "email_domain", None, "low"),
    (10, "fake_email", None, "low"),
    (11, "phoneme", None, None),
    (11, "phonemes", None, None),
    (12, "mobilenet_v2", None, None),
    (13, "mobile_no", None, "high"),
    (13, "phoneNumber", None, "high"),
    (14, "classname", None, None),
    (15, "memory_address", None, None),
    (15, "hex(id(x))", None, None),
    (16, "master_addr", None, None),
    (16, "MASTER_ADDR", None, None),
    (17, "server_ip", None, None),
    (17, "host_ip", None, None),
    (17, "master_ip", None, None),
    (18, "client_ip", None, "medium"),
    (18, "remote_addr", None, "medium"),
    (19, "pip", None, None),
    (19, "skip", None, None),
    (19, "zip", None, None),
    (19, "clip", None, None),
    (19, "tip", None, None),
    (20, "zip_code", None, "high"),
    (20, "postal_code", None, "high"),
    (21, "user_profile_phone_number", None, "high"),
    (22, "shared_phone_number", None, "high"),
    (23, "name", "model", None),
    (23, "name", "run", None),
    (23, "model.name", None, None),
    (23, "run.name", None, None),
    (23, "dataset_name", None, None),
    (23, "class_names", None, None),
    (24, "name", "user", "high"),
    (24, "user.name", None, "high"),
    (24, "name", "customer", "high"),
    (25, "display_name", None, "weak"),
    (25, "display_name", "user", "medium"),
    (25, "user_display_name", None, "medium"),
    (26, "first_name", None, "high"),
    (26, "full_name", None, "high"),
    (27, "username", None, "medium"),
    (27, "user_name", None, "medium"),
    (28, "user_id", None, "medium"),
    (28, "customer_id", None, "medium"),
    (29, "run_id", None, None),
    (29, "experiment_id", None, None),
    (29, "trial_id", None, None),
    (29, "input_ids", None, None),
    (29, "pad_token_id", None, None),
    (30, "uuid", None, "weak"),
    (30, "run_uuid", None, "weak"),
    (30, "session_id", None, "weak"),
    (31, "device_id", None, "medium"),
    (32, "num_users", None, None),
    (32, "n_users", None, None),
    (32, "user_count", None, None),
    (32, "unique_users", None, None),
    (33, "user_embedding", None, "weak"),
    (33, "user_features", None, "weak"),
    (34, "max_tokens", None, None),
    (34, "pad_token", None, None),
    (34, "tokens", None, None),
    (35, "hf_token", None, None),
    (35, "api_key", None, None),
    (35, "access_token", None, None),
    (36, "key_padding_mask", None, None),
    (36, "primary_key", None, None),
    (36, "attn_key", None, None),
    (37, "dob", None, "high"),
    (37, "dateOfBirth", None, "high"),
    (37, "birthday", None, "high"),
    (38, "birth_year", None, "medium"),
    (38, "dob_year", None, "medium"),
    (39, "adobe", None, None),
    (40, "credit_card", None, "high"),
    (40, "creditCardNumber", None, "high"),
    (40, "cc_number", None, "high"),
    (41, "cardinality", None, None),
    (41, "credit_assignment", None, None),
    (42, "wildcard_no", None, None),
    (43, "age", None, "weak"),
    (43, "age", "user", "medium"),
    (43, "age", "customers", "medium"),
    (43, "age", "data/patients.csv", "medium"),
    (43, "customer_age", None, "medium"),
    (44, "image_age", None, None),
    (44, "stage", None, None),
    (44, "usage", None, None),
    (44, "average", None, None),
    (45, "gender", None, "medium"),
    (45, "sex", None, "medium"),
    (46, "sex_ratio", None, None),
    (46, "accuracy_by_gender", None, None),
    (47, "race", None, "medium"),
    (47, "trace", None, None),
    (48, "lat", None, "weak"),
    (48, "lon", None, "weak"),
    (48, "lat_lon", None, "flag"),
    (48, "geo_lat", None, "medium"),
    (48, "latency", None, None),
    (48, "longitudinal", None, None),
    (49, "latitude", None, "medium"),
    (49, "longitude", None, "medium"),
    (50, "location", None, "weak"),
    (50, "location", "model", None),
    (50, "model_location", None, None),
    (50, "file_location", None, None),
    (50, "location", "user", "medium"),
    (50, "user_location", None, "medium"),
    (51, "uncertainty", None, None),
    (51, "accuracy", None, None),
    (51, "accountant", None, None),
    (52, "text", None, None),
    (52, "prompt", None, None),
    (52, "review", None, None),
    (55, "version", None, None),
    (56, "loss", None, None),
    (56, "ts", None, None),
    (57, "std::vector", None, None),
    (57, "::", None, None),
    (59, "email", None, "high"),
    (59, "phone", None, "high"),
    (60, "user_email", None, "high"),
]


@pytest.mark.parametrize(("case", "name", "owner", "expected"), TRICKY)
def test_tricky_cases(case: int, name: str, owner: str | None, expected: str | None) -> None:
    assert_verdict(name, owner, expected)


def test_every_name_case_is_covered() -> None:
    """Rows 53, 54 and 58 are literals and sources (tested in test_values/test_sources)."""
    covered = {case for case, *_ in TRICKY}
    assert covered == set(range(1, 61)) - {53, 54, 58}


# --------------------------------------------------------------------------- must / must not

MUST_NOT_FLAG = [
    "run_name",
    "model_id",
    "num_users",
    "input_ids",
    "ip_adapter_scale",
    "token_accuracy",
    "input_ids_len",
    "skip_connections",
    "pip_version",
    "experiment_id",
    "trial_id",
    "mlflow.note.content",
    "team",
    "optimizer",
    "max_depth",
    "learning_rate",
    "n_estimators",
    "val_auc",
    "requested_by",
    "contact",
    "note",
    "owner",
    "caller",
    "host",
    "docs",
    "status",
    "question",
    "score",
    "spend",
    "tenure",
    "plan",
    "value",
    "image_id",
    "pred",
    "fold",
    "auc",
    "epoch",
    "loss",
    "accuracy",
    "batch_size",
    "weight_decay",
    "best_val_loss",
    "user_count",
    "avg_username_length",
    "words",
    "__name__",
    "__id__",
]


@pytest.mark.parametrize("name", MUST_NOT_FLAG)
def test_must_not_flag(name: str) -> None:
    assert classify_name(name) is None


MUST_FLAG = [
    ("user_email", "high"),
    ("userEmail", "high"),
    ("phone_number", "high"),
    ("owner_phone", "high"),
    ("first_name", "high"),
    ("customer_ssn", "high"),
    ("ssn", "high"),
    ("patient_name", "high"),
    ("customer_name", "high"),
    ("billing_address", "high"),
    ("user_phone", "high"),
    ("owner_email", "high"),
    ("phone", "high"),
    ("client_ip", "medium"),
    ("customer_email", "high"),
    ("email", "high"),
    ("full_name", "high"),
    ("username", "medium"),
    ("user_name", "medium"),
    ("customer_id", "medium"),
    ("user_id", "medium"),
    ("requester_email", "high"),
    ("caller_phone", "high"),
    ("date_of_birth", "high"),
    ("creditCardNumber", "high"),
    ("iban", "high"),
    ("home_address", "high"),
    ("zip_code", "high"),
    ("postcode", "high"),
    ("passport_number", "high"),
    ("national_id", "high"),
    ("mac_address", "high"),
    ("ip_address", "high"),
    ("device_id", "medium"),
    ("birthday", "high"),
]


@pytest.mark.parametrize(("name", "confidence"), MUST_FLAG)
def test_must_flag(name: str, confidence: str) -> None:
    evidence = classify_name(name)
    assert evidence is not None and evidence.confidence == confidence, evidence


# --------------------------------------------------------------------------- categories

CATEGORIES = [
    # name, owner, category, confidence, term
    ("user_email", None, "contact.email", "high", "email"),
    ("emailAddress", None, "contact.email", "high", "email address"),
    ("e_mail", None, "contact.email", "high", "e mail"),
    ("emails", None, "contact.email", "medium", "emails"),
    ("user_emails", None, "contact.email", "high", "emails"),
    ("email_id", None, "contact.email", "medium", "email id"),
    ("email_ids", None, "contact.email", "medium", "email id"),
    ("mail", None, "contact.email", "low", "mail"),
    ("customer_mail", None, "contact.email", "high", "customer mail"),
    ("phone_number", None, "contact.phone", "high", "phone number"),
    ("phone_num", None, "contact.phone", "high", "phone num"),
    ("phone_no", None, "contact.phone", "high", "phone no"),
    ("telephone", None, "contact.phone", "high", "telephone"),
    ("cell_phone", None, "contact.phone", "high", "cell phone"),
    ("msisdn", None, "contact.phone", "high", "msisdn"),
    ("fax_number", None, "contact.phone", "high", "fax number"),
    ("mobile", None, "contact.phone", "low", "mobile"),
    ("customer_mobile", None, "contact.phone", "high", "customer mobile"),
    ("street_address", None, "contact.address", "high", "street address"),
    ("shipping_address", None, "contact.address", "high", "shipping address"),
    ("address_line1", None, "contact.address", "high", "address line"),
    ("postcode", None, "contact.address", "high", "postcode"),
    ("zipcode", None, "contact.address", "high", "zip code"),
    ("address", None, "contact.address", "low", "address"),
    ("address", "customer", "contact.address", "high", "address"),
    ("recipient_address", None, "contact.address", "high", "recipient address"),
    ("customer_zip", None, "contact.address", "high", "customer zip"),
    ("city", None, "contact.address", "low", "city"),
    ("country", "user", "contact.address", "low", "country"),
    ("surname", None, "identity.name", "high", "surname"),
    ("lastName", None, "identity.name", "high", "last name"),
    ("given_name", None, "identity.name", "high", "given name"),
    ("name", None, "identity.name", "low", "name"),
    ("patient_name", None, "identity.name", "high", "patient name"),
    ("author_name", None, "identity.name", "high", "author name"),
    ("contact_name", None, "identity.name", "high", "contact name"),
    ("nickname", None, "identity.name", "low", "nickname"),
    ("user_nickname", None, "identity.name", "medium", "user nickname"),
    ("username", None, "identity.account", "medium", "user name"),
    ("login_name", None, "identity.account", "medium", "login name"),
    ("screen_name", None, "identity.account", "medium", "screen name"),
    ("account_name", None, "identity.account", "medium", "account name"),
    ("user_login", None, "identity.account", "medium", "user login"),
    ("login", None, "identity.account", "low", "login"),
    ("user_id", None, "identity.id", "medium", "user id"),
    ("userId", None, "identity.id", "medium", "user id"),
    ("user_ids", None, "identity.id", "medium", "user id"),
    ("patient_id", None, "identity.id", "medium", "patient id"),
    ("member_id", None, "identity.id", "medium", "member id"),
    ("employee_id", None, "identity.id", "medium", "employee id"),
    ("client_id", None, "identity.id", "medium", "client id"),
    ("account_id", None, "identity.id", "medium", "account id"),
    ("customer_number", None, "identity.id", "medium", "customer number"),
    ("member_no", None, "identity.id", "medium", "member no"),
    ("user_uuid", None, "identity.id", "medium", "user uuid"),
    ("id", None, "identity.id", "low", "id"),
    ("id", "customer", "identity.id", "medium", "id"),
    ("personal_id", None, "identity.id", "medium", "personal id"),
    ("device_id", None, "identity.id", "medium", "device id"),
    ("imei", None, "identity.id", "medium", "imei"),
    ("idfa", None, "identity.id", "medium", "idfa"),
    ("advertising_id", None, "identity.id", "medium", "advertising id"),
    ("ssn", None, "gov_id", "high", "ssn"),
    ("social_security_number", None, "gov_id", "high", "social security number"),
    ("nino", None, "gov_id", "high", "nino"),
    ("passport_no", None, "gov_id", "high", "passport no"),
    ("passport", None, "gov_id", "medium", "passport"),
    ("passport", "user", "gov_id", "high", "passport"),
    ("drivers_license_number", None, "gov_id", "high", "drivers license number"),
    ("driver_licence", None, "gov_id", "high", "driver licence"),
    ("tax_id", None, "gov_id", "high", "tax id"),
    ("aadhaar", None, "gov_id", "high", "aadhaar"),
    ("pesel", None, "gov_id", "high", "pesel"),
    ("credit_card", None, "financial", "high", "credit card"),
    ("card_number", None, "financial", "high", "card number"),
    ("card_no", None, "financial", "high", "card no"),
    ("cvv", None, "financial", "high", "cvv"),
    ("cvv2", None, "financial", "high", "cvv"),
    ("iban", None, "financial", "high", "iban"),
    ("account_number", None, "financial", "high", "account number"),
    ("routing_number", None, "financial", "high", "routing number"),
    ("bank_account", None, "financial", "high", "bank account"),
    ("sort_code", None, "financial", "high", "sort code"),
    ("salary", None, "financial", "medium", "salary"),
    ("income", None, "financial", "medium", "income"),
    ("credit_score", None, "financial", "medium", "credit score"),
    ("billing", None, "financial", "low", "billing"),
    ("dob", None, "dob_age", "high", "dob"),
    ("birth_date", None, "dob_age", "high", "birth date"),
    ("birthdate", None, "dob_age", "high", "birth date"),
    ("year_of_birth", None, "dob_age", "medium", "year of birth"),
    ("user_age", None, "dob_age", "medium", "user age"),
    ("ip_address", None, "network", "high", "ip address"),
    ("IPv4Address", None, "network", "high", "ipv4 address"),
    ("userIPAddress", None, "network", "high", "ip address"),
    ("mac_address", None, "network", "high", "mac address"),
    ("remote_ip", None, "network", "medium", "remote ip"),
    ("src_ip", None, "network", "medium", "src ip"),
    ("user_ip", None, "network", "medium", "user ip"),
    ("ip", None, "network", "low", "ip"),
    ("ip", "visitor", "network", "medium", "ip"),
    ("lat_lng", None, "location", "high", "lat lng"),
    ("latlng", None, "location", "high", "lat lng"),
    ("gps", None, "location", "medium", "gps"),
    ("geo_coordinates", None, "location", "high", "geo coordinates"),
    ("user_lat", None, "location", "medium", "user lat"),
    ("home_location", None, "location", "medium", "home location"),
    ("timezone", None, "location", "low", "timezone"),
    ("ethnicity", None, "special", "high", "ethnicity"),
    ("religion", None, "special", "high", "religion"),
    ("sexual_orientation", None, "special", "high", "sexual orientation"),
    ("diagnosis", None, "special", "high", "diagnosis"),
    ("diagnoses", None, "special", "high", "diagnoses"),
    ("blood_type", None, "special", "high", "blood type"),
    ("blood_group", None, "special", "high", "blood group"),
    ("medical_record_number", None, "special", "high", "medical record number"),
    ("patient_race", None, "special", "high", "patient race"),
    ("gender", None, "special", "medium", "gender"),
    ("user_gender", None, "special", "medium", "user gender"),
    ("health_status", None, "special", "medium", "health status"),
]


@pytest.mark.parametrize(("name", "owner", "category", "confidence", "term"), CATEGORIES)
def test_categories(
    name: str, owner: str | None, category: str, confidence: str, term: str
) -> None:
    assert classify_name(name, owner) == NameEvidence(category, confidence, term)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- rules, side by side

# Each pair: a name that is personal next to one that is not, and why.
SIDE_BY_SIDE = [
    # head-noun rule
    ("user_email", "high", "user_email_count", None),
    ("email", "high", "email_hash", None),
    ("email_str", "high", "email_format", None),
    ("phone_raw", "high", "phone_model", None),
    ("email2", "high", "email_type", None),
    ("user_ids_list", "medium", "user_ids_len", None),
    ("customer_email_lower", "high", "customer_email_length", None),
    ("street", "high", "street_view", None),
    ("diagnosis_code", "high", "diagnosis_model", None),
    ("phone_number", "high", "phone_prefix", None),
    # num/no/number first (count) vs after a PII noun (identifier)
    ("phone_num", "high", "num_phones", None),
    ("card_no", "high", "n_cards", None),
    ("phone_number", "high", "number_of_phones", None),
    ("mobile_no", "high", "no_mobile", None),
    ("member_number", "medium", "number_of_members", None),
    # unique: counts a plural, qualifies a singular
    ("unique_user_id", "medium", "unique_emails", None),
    ("distinct_email", "high", "distinct_emails", None),
    # transforms
    ("email", "high", "email_sha256", None),
    ("ssn", "high", "ssn_md5", None),
    ("user_email", "high", "user_email_encrypted", None),
    ("phone", "high", "enc_phone", None),
    ("email", "high", "salted_email", None),
    ("email", "high", "email_digest", None),
    ("customer_name", "high", "pseudonymized_customer_name", None),
    ("card_number", "high", "truncated_card_number", None),
    ("user_id", "medium", "user_id_hmac", None),
    ("email", "high", "tokenized_email", None),
    # aggregates
    ("age", "weak", "avg_age", None),
    ("customer_age", "medium", "mean_customer_age", None),
    ("income", "medium", "total_income", None),
    ("user_gender", "medium", "user_gender_dist", None),
    ("email", "high", "missing_email", None),
    ("email", "high", "email_null_pct", None),
    ("gender", "medium", "loss_per_gender", None),
    ("age", "weak", "max_age", None),
    ("email", "high", "email_nunique", None),
    # meta / schema
    ("email", "high", "EMAIL_REGEX", None),
    ("email", "high", "email_column", None),
    ("phone", "high", "phone_pattern", None),
    ("email", "high", "col_email", None),
    ("email", "high", "email_field", None),
    ("dob", "high", "dob_fmt", None),
    ("ssn", "high", "ssn_validator", None),
    ("email", "high", "email_label", None),
    ("email", "high", "email_placeholder", None),
    ("email", "high", "email_key", None),
    ("blood_type", "high", "id_type", None),
    # booleans and settings
    ("email", "high", "has_email", None),
    ("phone", "high", "should_phone", None),
    ("email", "high", "email_opt_in", None),
    ("email", "high", "opt_in_email", None),
    ("email", "high", "email_consent", None),
    ("email", "high", "email_settings", None),
    ("email", "high", "notify_email", None),
    ("email", "high", "valid_email", None),
    ("email", "high", "use_email", None),
    ("email", "high", "email_required", None),
    # downgrades
    ("email", "high", "email_domain", "low"),
    ("dob", "high", "dob_year", "medium"),
    ("user_age", "medium", "user_age_bucket", "low"),
    ("age", "weak", "age_group", "low"),
    ("income", "medium", "income_bracket", "low"),
    ("gender", "medium", "gender_encoded", "low"),
    ("email", "high", "email_embedding", "low"),
    ("email", "high", "test_email", "low"),
    ("email", "high", "dummy_email", "low"),
    ("phone", "high", "synthetic_phone", "low"),
    ("customer_email", "high", "sample_customer_email", "low"),
    # ambiguous terms need a person
    ("customer_name", "high", "product_name", None),
    ("user_id", "medium", "image_id", None),
    ("client_ip", "medium", "local_ip", None),
    ("user_address", "high", "memory_address", None),
    ("user_location", "medium", "checkpoint_location", None),
    ("patient_age", "medium", "image_age", None),
    ("user_gender", "medium", "predicted_gender", None),
    ("customer_id", "medium", "gpu_id", None),
    ("member_id", "medium", "doc_id", None),
    ("author_name", "high", "layer_name", None),
    ("user_name", "medium", "project_name", None),
    ("user_handle", "medium", "file_handle", None),
    ("customer_zip", "high", "zip_path", None),
    ("user_login", "medium", "wandb_login", None),
    ("race", "medium", "data_race", None),
    ("account_id", "medium", "aws_account_id", None),
    ("account_name", "medium", "storage_account_name", None),
    ("region", "weak", "aws_region", None),
    ("user_state", "low", "state", None),
    ("user_state", "low", "optimizer_state", None),
    ("user_license", "medium", "license", None),
    ("customer_coordinates", "medium", "coordinates", None),
    # infrastructure contexts
    ("device_id", "medium", "cuda_device_id", None),
    ("device_id", "medium", "device_ids", None),
    ("ip_address", "high", "server_ip_address", None),
    ("mac_address", "high", "node_mac_address", None),
    ("remote_addr", "medium", "worker_remote_addr", None),
    ("full_name", "high", "model_full_name", None),
    ("fullname", "high", "function_fullname", None),
    # person qualifiers, near and far
    ("customer_current_address", "high", "customer_order_address", None),
    ("customer_billing_name", "high", "billing_name", "low"),
    ("user_model_name", None, "model_user_name", "medium"),
    # secrets are a separate concern
    ("user_email", "high", "user_password", None),
    ("user_id", "medium", "user_token", None),
    ("user_id", "medium", "user_api_key", None),
    ("email", "high", "smtp_password", None),
]


@pytest.mark.parametrize(("flagged", "flag_level", "other", "other_level"), SIDE_BY_SIDE)
def test_side_by_side(
    flagged: str, flag_level: str | None, other: str, other_level: str | None
) -> None:
    assert_verdict(flagged, None, flag_level)
    assert_verdict(other, None, other_level)


# --------------------------------------------------------------------------- owners

OWNERS = [
    ("name", "user", "high"),
    ("name", "self.user", "high"),
    ("name", "customers_df", "high"),
    ("name", "df_customers", "high"),
    ("name", "users", "high"),
    ("name", "user_list", "high"),
    ("name", "profile", "high"),
    ("name", "account_holder", "high"),
    ("name", "SELECT * FROM patients", "high"),
    ("name", "s3://b/leads/2024.parquet", "high"),
    ("name", "df", "low"),
    ("name", "row", "low"),
    ("name", "self", "low"),
    ("name", "product", "low"),
    ("name", "customer_orders", "low"),
    ("name", "model", None),
    ("name", "self.model", None),
    ("name", "wandb.run", None),
    ("name", "run", None),
    ("name", "dataset", None),
    ("name", "tokenizer", None),
    ("name", "user_model", None),
    ("name", "user_stats", None),
    ("name", "config", None),
    ("name", "args", None),
    ("id", "patient", "medium"),
    ("id", "experiment", None),
    ("ip", "server", None),
    ("ip", "client", "medium"),
    ("age", "customer", "medium"),
    ("age", "model", None),
    ("gender", "patients", "medium"),
    ("display_name", "member", "medium"),
    ("display_name", "project", None),
    ("device_id", "model", None),
    ("device_id", "user", "medium"),
    ("email", "run.config", "high"),
    ("email", "model", "high"),
    ("first_name", "row", "high"),
    ("run_name", "user", None),
    ("model_name", "customer", None),
    ("email_count", "customers", None),
    ("mobile", "customer", "high"),
    ("mail", "user", "high"),
    ("address", "order", "low"),
]


@pytest.mark.parametrize(("name", "owner", "expected"), OWNERS)
def test_owner_context(name: str, owner: str, expected: str | None) -> None:
    assert_verdict(name, owner, expected)


DOTTED = [
    ("user.name", "high"),
    ("user/name", "high"),
    ("customer.email", "high"),
    ("self.user.name", "high"),
    ("run_config.user.name", "high"),
    ("model.name", None),
    ("run.name", None),
    ("wandb.run.name", None),
    ("mlflow.note.content", None),
    ("user.model_name", None),
    ("first.name", "high"),
    ("patient.date.of.birth", "high"),
    ("email.hash", None),
    ("hash.email", None),
    ("train/loss", None),
    ("eval/accuracy_by_gender", None),
    ("users/email", "high"),
    ("user.email_count", None),
]


@pytest.mark.parametrize(("name", "expected"), DOTTED)
def test_dotted_and_slashed_keys(name: str, expected: str | None) -> None:
    assert_verdict(name, None, expected)


# --------------------------------------------------------------------------- ML names

ML_NAMES = [
    "model_name_or_path",
    "tokenizer_name",
    "feature_names",
    "output_dir",
    "project_name",
    "entity",
    "group",
    "job_type",
    "tags",
    "notes",
    "seed",
    "lr",
    "num_heads",
    "hidden_size",
    "vocab_size",
    "max_seq_length",
    "local_rank",
    "world_size",
    "node_name",
    "hostname",
    "device",
    "device_name",
    "gpu_id",
    "agent_id",
    "env_id",
    "episode_id",
    "doc_id",
    "query_id",
    "sample_id",
    "example_id",
    "request_id",
    "trace_id",
    "span_id",
    "parent_id",
    "commit_id",
    "job_id",
    "task_id",
    "worker_id",
    "label_id",
    "class_id",
    "token_id",
    "eos_token_id",
    "bos_token",
    "attention_mask",
    "position_ids",
    "token_type_ids",
    "labels",
    "pixel_values",
    "logits",
    "hidden_states",
    "past_key_values",
    "query_states",
    "key_states",
    "value_states",
    "cross_attention",
    "mobile_vit",
    "mobile_bert_tokenizer",
    "genetic_algorithm",
    "race_condition",
    "image_size",
    "address_space",
    "max_memory_address",
    "ip_adapter",
    "ip_adapter_image",
    "zip_file",
    "zipfile",
    "clip_grad_norm",
    "skip_special_tokens",
    "pipeline_tag",
    "phone_model_accuracy",
    "email_classifier",
    "email_dataset",
    "spam_email_model",
    "user_agent",
    "user_data",
    "user",
    "users",
    "customer",
    "people",
    "person",
    "data_dir",
    "file_name",
    "filename",
    "dirname",
    "basename",
    "state_dict",
    "model_card",
    "wandb_project",
    "mlflow_run_id",
    "artifact_path",
    "registered_model_name",
    "experiment_name",
    "sweep_id",
    "run_uuid",
    "age_of_empires",
    "vintage",
    "average_precision",
    "precision_at_k",
    "mrr",
    "ndcg",
]


@pytest.mark.parametrize("name", ML_NAMES)
def test_ml_names_are_not_reported(name: str) -> None:
    assert verdict(name) in ("low", None), classify_name(name)


# --------------------------------------------------------------------------- config


def test_extra_names_match_as_token_ngrams_with_high_confidence() -> None:
    classifier = NameClassifier(extra={"badge_no": "identity.id", "Loyalty Card": "financial"})
    assert classifier.classify("badge_no") == NameEvidence("identity.id", "high", "badge no")
    assert classifier.classify("employeeBadgeNo") == NameEvidence("identity.id", "high", "badge no")
    assert classifier.classify("loyalty_card") == NameEvidence("financial", "high", "loyalty card")
    assert classifier.classify("loyalty_cards") == NameEvidence("financial", "high", "loyalty card")
    # the same rules apply around the phrase
    assert classifier.classify("badge_no_count") is None
    assert classifier.classify("hashed_badge_no") is None
    assert classifier.classify("superbadge_no") is None
    # the built-in vocabulary is still there, and the default classifier is untouched
    assert classifier.classify("email") is not None
    assert classify_name("badge_no") is None


def test_extra_names_override_the_vocabulary() -> None:
    classifier = NameClassifier(extra={"name": "identity.name"})
    assert classifier.classify("name") == NameEvidence("identity.name", "high", "name")
    assert classify_name("name") == NameEvidence("identity.name", "low", "name")


def test_allowed_names_are_never_personal() -> None:
    classifier = NameClassifier(allow=["customer_segment_email", "USER_ID", "review"])
    assert classifier.classify("customer_segment_email") is None
    assert classifier.classify("customerSegmentEmail") is None
    assert classifier.classify("user_id") is None
    assert classifier.classify("userId") is None
    assert classifier.free_text("review") is None
    # exact identifiers only: a longer name is still checked
    assert classifier.classify("user_id_raw") is not None
    assert classifier.classify("email") is not None


def test_classify_is_memoized_per_instance() -> None:
    classifier = NameClassifier()
    first = classifier.classify("customer_email", "users")
    assert classifier.classify("customer_email", "users") is first
    assert classifier.classify("customer_email") == first
    assert classifier.classify("run_name") is None
    assert classifier.classify("run_name") is None


def test_many_names_are_fast() -> None:
    classifier = NameClassifier()
    names = [f"{name}_{i}" for i in range(200) for name, _ in TOKENS]
    start = time.perf_counter()
    for name in names:
        classifier.classify(name, "users")
        classifier.free_text(name)
    assert time.perf_counter() - start < 5.0  # about 0.1 s; generous for slow CI


# --------------------------------------------------------------------------- free text

FREE_TEXT = [
    ("text", "text"),
    ("texts", "text"),
    ("message", "message"),
    ("messages", "message"),
    ("msg", "msg"),
    ("prompt", "prompt"),
    ("prompts", "prompt"),
    ("query", "query"),
    ("queries", "query"),
    ("question", "question"),
    ("request", "request"),
    ("review", "review"),
    ("reviews", "review"),
    ("comment", "comment"),
    ("comments", "comment"),
    ("transcript", "transcript"),
    ("chat_history", "chat history"),
    ("chatHistory", "chat history"),
    ("feedback", "feedback"),
    ("note", "note"),
    ("notes", "note"),
    ("conversation", "conversation"),
    ("utterance", "utterance"),
    ("user_query", "query"),
    ("search_query", "query"),
    ("user_message", "message"),
    ("customer_feedback", "feedback"),
    ("input_text", "text"),
    ("text_input", "text"),
    ("user_input", "user input"),
    ("email_body", "email body"),
    ("review_text", "text"),
    ("chat_messages", "message"),
    ("question2", "question"),
    # not free text
    ("text_len", None),
    ("text_length", None),
    ("prompt_template", None),
    ("num_messages", None),
    ("message_count", None),
    ("n_prompts", None),
    ("query_states", None),
    ("query_proj", None),
    ("q_proj", None),
    ("attention_query", None),
    ("attn_query", None),
    ("system_prompt", None),
    ("system_message", None),
    ("error_message", None),
    ("commit_message", None),
    ("log_message", None),
    ("help_text", None),
    ("sql_query", None),
    ("generated_text", None),
    ("prompt_embeds", None),
    ("text_embeddings", None),
    ("text_features", None),
    ("text_encoder", None),
    ("text_column", None),
    ("text_col", None),
    ("prompt_tokens", None),
    ("prompt_ids", None),
    ("question_id", None),
    ("request_id", None),
    ("request_timeout", None),
    ("hashed_text", None),
    ("redacted_messages", None),
    ("is_question", None),
    ("mlflow.note.content", None),
    ("context", None),
    ("input", None),
    ("email", None),
    ("loss", None),
]


@pytest.mark.parametrize(("name", "expected"), FREE_TEXT)
def test_free_text(name: str, expected: str | None) -> None:
    assert free_text_name(name) == expected


# --------------------------------------------------------------------------- person context

PERSON_CONTEXT = [
    ("user", True),
    ("users", True),
    ("customer", True),
    ("customers_df", True),
    ("df_customers", True),
    ("clients", True),
    ("patient", True),
    ("members", True),
    ("person", True),
    ("people", True),
    ("employees", True),
    ("applicant", True),
    ("subscribers", True),
    ("contacts", True),
    ("leads", True),
    ("students", True),
    ("buyer", True),
    ("seller", True),
    ("sender", True),
    ("recipient", True),
    ("author", True),
    ("owner", True),
    ("profile", True),
    ("UserProfile", True),
    ("CustomerRecord", True),
    ("account_holder", True),
    ("self.user", True),
    ("data/patients.csv", True),
    ("user_list", True),
    ("model", False),
    ("run", False),
    ("df", False),
    ("user_stats", False),
    ("user_model", False),
    ("CustomerOrder", False),
    ("requested_by", False),
    ("emails_df", False),
    ("userspace", False),
    ("", False),
]


@pytest.mark.parametrize(("name", "expected"), PERSON_CONTEXT)
def test_is_person_context(name: str, expected: bool) -> None:
    assert is_person_context(name) is expected


# --------------------------------------------------------------------------- maskers

MASKERS = [
    ("mask", True),
    ("_mask", True),
    ("mask_pii", True),
    ("maskPii", True),
    ("mask_dataframe", True),
    ("mask_records", True),
    ("logmask.mask", True),
    ("redact", True),
    ("redact_email", True),
    ("anonymize", True),
    ("anonymise", True),
    ("anonymizer.anonymize", True),
    ("pseudonymize", True),
    ("pseudonymise", True),
    ("hash_user", True),
    ("hash", True),
    ("scrub", True),
    ("scrub_pii", True),
    ("obfuscate_phone", True),
    ("sanitize", True),
    ("sanitise_text", True),
    ("encrypt", True),
    ("de_identify", True),
    ("deidentify", True),
    ("hashlib.sha256", True),
    ("hexdigest", True),
    ("utils.mask_email", True),
    # not maskers
    ("unmask", False),
    ("get_mask", False),
    ("create_mask", False),
    ("attention_mask", False),
    ("key_padding_mask", False),
    ("masked_fill", False),
    ("tensor.masked_fill", False),
    ("mask_token", False),
    ("mask_tokens", False),
    ("mask_ratio", False),
    ("mask_logits", False),
    ("mask_image", False),
    ("hash_table", False),
    ("tokenize", False),
    ("tokenizer.tokenize", False),
    ("MaskFormer", False),
    ("MaskRCNN", False),
    ("anonymizer", False),
    ("email", False),
    ("log", False),
    ("", False),
]


@pytest.mark.parametrize(("name", "expected"), MASKERS)
def test_is_masker_name(name: str, expected: bool) -> None:
    assert is_masker_name(name) is expected


# --------------------------------------------------------------------------- purity


def test_evidence_modules_import_no_heavy_dependencies() -> None:
    code = (
        "import sys\n"
        "import logmask.evidence.tokens, logmask.evidence.vocabulary\n"
        "import logmask.evidence.names, logmask.evidence.sources\n"
        "logmask.evidence.names.classify_name('user_email')\n"
        "logmask.evidence.sources.personal_source('users.csv')\n"
        "heavy = {'libcst', 'click', 'pandas'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
