"""Prefect flows: thin orchestration over the govflow services (govflow.services) (the nightly run and its deployment)."""
