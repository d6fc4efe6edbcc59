"""Several councils' nights in one process (the flow govflow-council-nights): what a worker runs.

The nightly parent (flows/nightly.py), when its councils' nights go to the work pool's workers,
shares the councils out among a few runs of this flow's deployment, and each run goes through its
councils one after another, each council's night a flow run of its own (a subflow:
flows/council_night.py, with its tasks, guards and summary artifact), in the one process a worker
started for the run.

Why not one deployment run per council: a process worker starts a new Python process for every run
it picks up, and that process (Python, Prefect's engine, govflow's imports, the run's API calls)
cost 6–8 s here, several times a small council's night. Runs of GOVFLOW_COUNCILS_PER_RUN councils
pay it once for many; GOVFLOW_COUNCILS_PER_RUN=1 gives one run per council.
"""
from __future__ import annotations

import datetime as dt

from prefect import flow
from prefect.runtime import flow_run
from prefect.states import State
from pydantic import BaseModel

from flows.council_night import CouncilNightParameters, run_as_subflow
from govflow.clock import london_day
from govflow.errors import Error

FLOW_NAME = "govflow-council-nights"


class CouncilNightsParameters(BaseModel):
    """Which councils' nights, for which day."""

    organisations: list[str]
    as_of: dt.date | None = None  # default: the day the run was scheduled for, in Europe/London


class CouncilNightCrashed(Error):
    """A council's night ended without a summary (an error, a crash, a lost worker)."""


# The summaries are persisted (as JSON): the nightly run that started this one reads them from another process.
@flow(name=FLOW_NAME, persist_result=True, result_serializer="json")
def council_nights(params: CouncilNightsParameters) -> dict:
    """Each council's night in turn; by council, its summary, or {"error": why it has none}. One
    council's failure or crash is its own: the next council's night still runs."""
    as_of = params.as_of or london_day(flow_run.scheduled_start_time)
    found: dict[str, dict] = {}
    for organisation in params.organisations:
        state = run_as_subflow(CouncilNightParameters(organisation=organisation, as_of=as_of))
        try:
            found[organisation] = summary_of(organisation, state)
        except Exception as error:  # noqa: BLE001 - said in its place; the parent reports (and retries) it
            found[organisation] = {"error": describe(error)}
    return found


def summary_of(organisation: str, state: State | None) -> dict:
    """The council's summary from its night's final state, or the error that ended it (raised)."""
    if state is None:
        raise CouncilNightCrashed(f"the night of {organisation} has no state")
    try:
        result = state.result(raise_on_failure=False)
    except Exception as error:  # noqa: BLE001 - a result that cannot be read: the night is reported as crashed
        result = error
    if isinstance(result, dict):
        return result
    if isinstance(result, BaseException):
        raise result
    raise CouncilNightCrashed(f"the night of {organisation} ended {state.name}: {state.message or 'no summary'}")


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
