"""The nightly deployment: when the flow runs (the one place that says so), and how to register and serve it."""
from __future__ import annotations

from uuid import UUID

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Schedule
from prefect.types.entrypoint import EntrypointType

from flows.nightly import nightly

DEPLOYMENT_NAME = "nightly"
FULL_NAME = f"{nightly.name}/{DEPLOYMENT_NAME}"  # govflow-nightly/nightly

# 03:00 in Europe/London, every day. Not between 01:00 and 02:00: on the last Sunday of March the UK
# clocks jump from 01:00 to 02:00 (that hour never happens, so a run there would be lost) and on the
# last Sunday of October they go back from 02:00 to 01:00 (that hour happens twice, so a run there
# could happen twice). 03:00 exists exactly once every day of the year. The time zone is given
# explicitly: a bare cron string is stored as UTC, which would drift an hour each summer.
CRON = "0 3 * * *"
TIMEZONE = "Europe/London"


def nightly_schedule() -> Schedule:
    return Cron(CRON, timezone=TIMEZONE, slug="nightly-0300-london")


def build_deployment() -> RunnerDeployment:
    """The deployment object; runs take their date from their scheduled time (no parameters)."""
    return nightly.to_deployment(
        name=DEPLOYMENT_NAME,
        schedules=[nightly_schedule()],
        parameters={},
        # "flows.nightly.nightly", not a file path: found from any working directory where govflow is installed.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def apply_deployment() -> UUID:
    """Create or update the deployment in the Prefect API; returns its id."""
    return build_deployment().apply()


def serve_nightly() -> None:
    """Run the deployment's scheduled runs from this process until stopped (blocks)."""
    serve(build_deployment())
