"""Personal sources: file paths, table names and SQL that name people, side by side with
ones that do not."""

from __future__ import annotations

import pytest

from logmask.evidence.sources import personal_source

PERSONAL = [
    # file paths
    ("data/patients.csv", "patients"),
    ("patients.csv", "patients"),
    ("users.csv", "users"),  # case 58: wandb.Table(dataframe=pd.read_csv("users.csv"))
    ("users.json", "users"),
    ("customers.parquet", "customers"),
    ("customers.csv.gz", "customers"),
    ("customers.tar.gz", "customers"),
    ("Customers.XLSX", "customers"),
    ("./data/raw/employees.xlsx", "employees"),
    ("../members.tsv", "members"),
    ("applicants_2024.csv", "applicants"),
    ("clients-export.jsonl", "clients"),
    ("contacts.vcf", "contacts"),
    ("leads_q3_final.parquet", "leads"),
    ("subscribers.txt", "subscribers"),
    ("students.db", "students"),
    ("people.csv", "people"),
    ("persons.csv", "persons"),
    ("accounts.csv", "accounts"),
    ("user_profiles.parquet", "profiles"),
    ("buyers.csv", "buyers"),
    ("sellers.csv", "sellers"),
    ("donors.csv", "donors"),
    ("voters.csv", "voters"),
    ("candidates.csv", "candidates"),
    ("residents.csv", "residents"),
    ("citizens.csv", "citizens"),
    ("tenants.csv", "tenants"),
    ("guests.csv", "guests"),
    ("titanic/passengers.csv", "passengers"),
    ("customer.csv", "customer"),
    ("user.parquet", "user"),
    ("dim_customer.parquet", "customer"),
    ("patient_records.csv", "patient"),
    ("customer_data.csv", "customer"),
    ("user_events.parquet", "user"),
    ("customer_transactions.csv", "customer"),
    ("users_clean_v2.csv", "users"),
    ("users_train.csv", "users"),
    ("users.backup", "users"),
    ("/Users/alice/customers.csv", "customers"),
    ("C:\\data\\clients.csv", "clients"),
    ("C:\\Users\\bob\\exports\\patients.xlsx", "patients"),
    # directories and object stores
    ("s3://b/leads/2024.parquet", "leads"),
    ("s3://bucket/data/customers/part-0000.snappy.parquet", "customers"),
    ("gs://lake/patients/2024/01/02.parquet", "patients"),
    ("customers.parquet/part-00000.parquet", "customers"),
    ("data/users/", "users"),
    ("abfss://lake@acct.dfs.core.windows.net/crm/2024.csv", "crm"),
    ("https://api.example.com/v1/users?page=2", "users"),
    # personal-data words
    ("pii.csv", "pii"),
    ("customer_pii.parquet", "pii"),
    ("personal_data.csv", "personal"),
    ("emails.txt", "emails"),
    ("email_list.txt", "email"),
    ("phones.csv", "phones"),
    ("phone_numbers.csv", "phone numbers"),
    ("ssn.csv", "ssn"),
    ("addresses.json", "addresses"),
    ("crm_export.csv", "crm"),
    ("address_book.csv", "address book"),
    # table names
    ("users", "users"),
    ("customer", "customer"),
    ("warehouse.crm.customers", "customers"),
    ("db.users", "users"),
    ("crm.raw", "crm"),
    ("prod.dim_customer", "customer"),
    # SQL
    ("SELECT * FROM users", "users"),
    ("select email, name from customers where id = 1", "customers"),
    ("SELECT * FROM warehouse.crm.customers", "customers"),
    ("SELECT * FROM `prod`.`users`", "users"),
    ('SELECT * FROM "public"."patients"', "patients"),
    ("SELECT * FROM [dbo].[Customers]", "customers"),
    ("SELECT o.id FROM orders o JOIN customers c ON o.cid = c.id", "customers"),
    ("  WITH x AS (SELECT * FROM members) SELECT * FROM x", "members"),
    ("SELECT email, count(*) FROM customers GROUP BY email", "customers"),
    ("SELECT DISTINCT email FROM users", "users"),
    ("UPDATE users SET name = 'x'", "users"),
    ("INSERT INTO patients VALUES (1)", "patients"),
]

NOT_PERSONAL = [
    # not people, or not rows about people
    ("cifar10_train.npz", None),
    ("confusion_matrix.png", None),
    ("model.pkl", None),
    ("model.pt", None),
    ("data/train.csv", None),
    ("data/train/part-0001.parquet", None),
    ("orders.csv", None),
    ("customer_orders.csv", "customer"),
    ("telco-customer-churn.csv", "customer"),
    ("WA_Fn-UseC_-Telco-Customer-Churn.csv", "customer"),
    ("products.parquet", None),
    ("crm.orders", None),
    ("analytics.user_stats", None),
    ("user_stats.csv", None),
    ("users_count_by_day.csv", None),
    ("user_counts.parquet", None),
    ("num_users.csv", None),
    ("customer_summary.csv", None),
    ("user_metrics.json", None),
    ("patients_by_region.csv", None),
    ("customers_masked.csv", None),
    ("users_anonymized.parquet", None),
    ("patients_hashed.csv", None),
    ("synthetic_users.csv", None),
    ("fake_customers.json", None),
    ("email_templates.csv", None),
    ("customer_churn_model.pkl", None),
    ("user_embeddings.npy", None),
    ("userspace", None),
    ("usersettings.csv", None),
    # documents, code and config are not data
    ("user_guide.pdf", None),
    ("user_guide.csv", None),
    ("users.md", None),
    ("clients/http.py", None),
    ("src/users/models.py", None),
    ("config/users.yaml", None),
    ("users.toml", None),
    ("notebooks/customers.ipynb", None),
    ("customers.png", None),
    ("logs/users.log", None),
    # home directories are not tables of users
    ("/Users/alice/data/train.csv", None),
    ("/home/bob/data/train.csv", None),
    ("C:\\Users\\bob\\data\\x.csv", None),
    ("~/data/x.csv", None),
    # aggregate SQL returns numbers
    ("select count(*) from users", None),
    ("SELECT COUNT(*), AVG(age) FROM customers", None),
    ("SELECT COUNT(*) FROM (SELECT * FROM users)", None),
    ("SELECT count(*) AS n FROM users u JOIN (SELECT * FROM leads) l ON 1=1 GROUP BY x", None),
    ("SELECT * FROM orders", None),
    ("SELECT extract(year from dob) FROM events", None),
    # nothing there
    ("", None),
    ("   ", None),
    ("/", None),
    ("s3://", None),
    ("2024.csv", None),
    ("hello world", None),
]


@pytest.mark.parametrize(("text", "expected"), PERSONAL + NOT_PERSONAL)
def test_personal_source(text: str, expected: str | None) -> None:
    assert personal_source(text) == expected


SIDE_BY_SIDE = [
    ("users.csv", "user_stats.csv"),
    ("customers.csv", "customer_stats.csv"),
    ("customers.csv", "customers_masked.csv"),
    ("data/customers/2024.csv", "data/customers/summary.csv"),
    ("s3://b/leads/2024.parquet", "s3://b/leads/model.pt"),
    ("users.json", "users.yaml"),
    ("SELECT * FROM users", "SELECT count(*) FROM users"),
    ("warehouse.crm.customers", "warehouse.crm.customer_kpis"),
    ("patients/part-0.parquet", "patients/part-0.png"),
]


@pytest.mark.parametrize(("personal", "other"), SIDE_BY_SIDE)
def test_side_by_side(personal: str, other: str) -> None:
    assert personal_source(personal) is not None
    assert personal_source(other) is None
