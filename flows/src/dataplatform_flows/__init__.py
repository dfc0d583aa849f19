"""The data platform's standard Prefect flows (see README, Flows)."""
