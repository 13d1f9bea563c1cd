"""A small churn model that logs to W&B and MLflow, with the usual leaks.

Run `logmask check examples/` to see them, and `logmask check --diff examples/`
for the fixes. The script is never run by logmask.
"""

import mlflow
import pandas as pd
import wandb

customers = pd.read_csv("data/customers.csv")
features = customers.drop(columns=["email", "full_name", "phone"])

run = wandb.init(project="churn", config={"lr": 1e-3, "model_name": "xgb"})
run.log({"sample": wandb.Table(dataframe=customers.head(20))})
run.log({"features": wandb.Table(dataframe=features.head(20))})
run.log({"top_customer_email": customers.loc[0, "email"], "auc": 0.91})


def log_segment(frame, name):
    """Logs whatever frame it is given: a sink for its callers."""
    mlflow.log_table(frame, artifact_file=f"{name}.json")


with mlflow.start_run(run_name="churn-xgb"):
    mlflow.log_params({"max_depth": 6, "owner_email": "data-team@corp.example"})
    log_segment(customers[["customer_id", "email", "plan"]], "vip")
    log_segment(features, "features")


@mlflow.trace
def explain_churn(customer_email: str, question: str) -> str:
    return "tenure"
