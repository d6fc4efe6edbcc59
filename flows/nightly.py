"""The nightly Prefect flow (govflow-nightly): lists the councils and runs one council's night
(flows/council_night.py, a flow run of its own) for each, then rolls their summaries up.

Where the councils' nights run:
- `workers`: the councils are shared out among runs of the deployment
  govflow-council-nights/council-nights (flows/council_nights.py), GOVFLOW_COUNCILS_PER_RUN councils
  a run, which the work pool's workers pick up; each run is a process, and its councils' nights are
  subflows in it, one after another;
- `in_process`: each is a subflow in this process (no deployment or worker needed: `govflow nightly`
  and `govflow demo` on a temporary server, the tests);
- `auto` (the default): `workers` when that deployment exists and a worker (or `govflow serve-nightly`)
  polls for its runs, `in_process` otherwise.

Either way at most GOVFLOW_COUNCILS_AT_ONCE councils' nights run at once (on the workers: that many
runs), a council whose night crashed is run once more, and one council's failure never stops the
others: it is reported in the summary and the run ends Failed.
"""
from __future__ import annotations

import datetime as dt
import math
import time
from typing import Literal

from prefect import flow, get_client, get_run_logger, task, unmapped
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import DeploymentStatus
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from prefect.runtime import flow_run
from prefect.states import Failed
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import BaseModel

from flows import night_guard
from flows.council_night import SKIPPED, SUMMARY_ARTIFACT_KEY, CouncilNightParameters, run_as_subflow
from flows.council_nights import FLOW_NAME as COUNCILS_FLOW_NAME
from flows.council_nights import CouncilNightCrashed, CouncilNightsParameters, describe, summary_of
from govflow import wiring
from govflow.clock import london_day
from govflow.settings import Settings

__all__ = ["NightlyParameters", "SUMMARY_ARTIFACT_KEY", "london_day", "nightly"]

COUNCIL_DEPLOYMENT_NAME = "council-nights"
COUNCIL_DEPLOYMENT = f"{COUNCILS_FLOW_NAME}/{COUNCIL_DEPLOYMENT_NAME}"  # govflow-council-nights/council-nights
COUNCILS_ARTIFACT_KEY = "govflow-nightly-councils"
RETRY_DELAY_SECONDS = 10
THREADS = 16  # threads that wait for the councils' nights; how many run at once is GOVFLOW_COUNCILS_AT_ONCE
TOTALS = ("steps_moved", "steps_overdue", "dates_reforecast", "reminders_owed", "digests_sent", "sends_failed")
LISTS = ("documents_moved", "failed", "replanned")

Children = Literal["auto", "in_process", "workers"]


class NightlyParameters(BaseModel):
    """What one nightly run is for."""

    as_of: dt.date | None = None  # default: the day the run was scheduled for, in Europe/London
    children: Children = "auto"  # where the councils' nights run (see the module's docstring)


# The summary is persisted (as JSON): whoever triggered a deployment run can read it from another process.
@flow(name="govflow-nightly", task_runner=ThreadPoolTaskRunner(max_workers=THREADS), persist_result=True, result_serializer="json")
def nightly(params: NightlyParameters = NightlyParameters()) -> dict:
    """Bring every council's routes up to date for the night (catching up missed nights) and say what moved."""
    settings = Settings()
    as_of = params.as_of or london_day(flow_run.scheduled_start_time)  # the night it was scheduled for
    councils = list_councils(settings)
    on_workers = params.children == "workers" or (params.children == "auto" and council_workers_ready())
    get_run_logger().info(
        "govflow nightly for %s: %d council(s), their nights %s", as_of.isoformat(), len(councils),
        f"as runs of {COUNCIL_DEPLOYMENT} on its workers" if on_workers else "in this process",
    )

    outcomes: dict[str, dict | BaseException] = {}
    if on_workers:
        found: dict[str, dict | BaseException] = {}
        runs = share_out(councils, settings)
        for members, run in zip(runs, run_councils.map(runs, as_of=unmapped(as_of))):
            result = run.result(raise_on_failure=False)  # by council; or what stopped the run being started or read
            found.update(result if isinstance(result, dict) else {council: result for council in members})
        for council in councils:
            outcomes[council] = found.get(council) or CouncilNightCrashed(f"the night of {council} was not run")
    else:
        for council, night in zip(councils, run_council.map(councils, as_of=unmapped(as_of))):
            outcomes[council] = night.result(raise_on_failure=False)  # a dict, or what ended it
    publish_councils(as_of, outcomes)

    if len(councils) == 1:  # one council: its own summary, as `govflow nightly` always printed it
        (outcome,) = outcomes.values()
        if isinstance(outcome, BaseException):
            raise outcome
        summary = outcome
    else:
        summary = roll_up(as_of, outcomes)
    if summary.get("failed"):
        return Failed(message="left out: " + "; ".join(summary["failed"]), data=summary)
    return summary


@task(cache_policy=NO_CACHE, persist_result=False, retries=2, retry_delay_seconds=5)
def list_councils(settings: Settings) -> list[str]:
    """The councils whose nights to run: every one stored in the database."""
    return wiring.organisations(settings)


def council_workers_ready() -> bool:
    """Whether the council-night deployment exists and something polls for its runs (a worker of its
    work pool, or `govflow serve-nightly`)."""
    with get_client(sync_client=True) as client:
        try:
            deployment = client.read_deployment_by_name(COUNCIL_DEPLOYMENT)
        except ObjectNotFound:
            return False
    return deployment.status == DeploymentStatus.READY


@task(
    cache_policy=NO_CACHE, persist_result=False, retries=1, retry_delay_seconds=RETRY_DELAY_SECONDS,
    task_run_name="council-{organisation}",
)
def run_council(organisation: str, as_of: dt.date) -> dict:
    """One council's night as a subflow here; its summary.

    Raises (and so runs the council's night once more) when the night ended without a summary: a
    night that ran and left some documents out has a summary, and is not run again."""
    params = CouncilNightParameters(organisation=organisation, as_of=as_of)
    with night_guard.one_of_the_councils_at_once(Settings().councils_at_once):
        state = run_as_subflow(params)
    return summary_of(organisation, state)


def share_out(councils: list[str], settings: Settings) -> list[list[str]]:
    """The councils as the runs they go to the workers in: GOVFLOW_COUNCILS_PER_RUN a run at most,
    and at least as many runs as may go at once (GOVFLOW_COUNCILS_AT_ONCE), so that every worker
    has a share; dealt out in turn, so the runs are as even as the councils allow."""
    if not councils:
        return []
    runs = min(len(councils), max(settings.councils_at_once, math.ceil(len(councils) / settings.councils_per_run)))
    return [councils[first::runs] for first in range(runs)]


@task(cache_policy=NO_CACHE, persist_result=False, task_run_name="councils-{organisations[0]}")
def run_councils(organisations: list[str], as_of: dt.date) -> dict[str, dict | BaseException]:
    """Some councils' nights as one run of the council-nights deployment on the workers; by council,
    its summary or the error that ended it. The councils whose nights ended without a summary (or
    whose run was lost) are run once more, in a run of their own, after RETRY_DELAY_SECONDS."""
    found = _on_the_workers(organisations, as_of)
    again = [council for council in organisations if not isinstance(found[council], dict)]
    if again:
        get_run_logger().warning("running again: %s (%s)", ", ".join(again), "; ".join(describe(found[c]) for c in again))
        time.sleep(RETRY_DELAY_SECONDS)
        found.update(_on_the_workers(again, as_of))
    return found


def _on_the_workers(organisations: list[str], as_of: dt.date) -> dict[str, dict | BaseException]:
    params = CouncilNightsParameters(organisations=organisations, as_of=as_of)
    name = organisations[0] if len(organisations) == 1 else f"{organisations[0]}-and-{len(organisations) - 1}-more"
    with night_guard.one_of_the_councils_at_once(Settings().councils_at_once):
        child = run_deployment(
            COUNCIL_DEPLOYMENT, parameters={"params": params.model_dump(mode="json")},
            flow_run_name=f"{name}-{as_of.isoformat()}", poll_interval=1,
        )
    state = child.state
    try:
        result = state.result(raise_on_failure=False) if state is not None else None
    except Exception as error:  # noqa: BLE001 - a result that cannot be read: every council of the run is retried
        result = error
    if not isinstance(result, dict):
        ended = describe(result) if isinstance(result, BaseException) else (
            f"{state.name}: {state.message or 'no summary'}" if state is not None else "no state"
        )
        return {council: CouncilNightCrashed(f"the run of {', '.join(organisations)} ended {ended}") for council in organisations}
    found: dict[str, dict | BaseException] = {}
    for council in organisations:
        summary = result.get(council)
        if not isinstance(summary, dict):
            found[council] = CouncilNightCrashed(f"the run of {', '.join(organisations)} has no summary for {council}")
        elif set(summary) == {"error"}:
            found[council] = CouncilNightCrashed(summary["error"])
        else:
            found[council] = summary
    return found


def roll_up(as_of: dt.date, outcomes: dict[str, dict | BaseException]) -> dict:
    """The councils' summaries as one: totals, every list entry named by its council, and each
    council's own summary (or why it has none) under `councils`."""
    summary: dict = {"as_of": as_of.isoformat(), "nights": [], **{key: 0 for key in TOTALS}, **{key: [] for key in LISTS}}
    summary.update(reports_written=[], skipped=[], councils={})
    nights: set[str] = set()
    for council, outcome in outcomes.items():
        if isinstance(outcome, BaseException):
            summary["failed"].append(f"{council}: the night failed and was not finished ({describe(outcome)})")
            summary["councils"][council] = {"error": describe(outcome)}
            continue
        summary["councils"][council] = outcome
        nights.update(outcome.get("nights", []))
        for key in TOTALS:
            summary[key] += outcome.get(key, 0)
        for key in LISTS:
            summary[key] += [f"{council}: {item}" for item in outcome.get(key, [])]
        summary["reports_written"] += outcome.get("reports_written", [])
        if outcome.get(SKIPPED):
            summary["skipped"].append(f"{council}: {outcome[SKIPPED]}")
    summary["nights"] = sorted(nights)
    return summary


@task(cache_policy=NO_CACHE, persist_result=False, retries=2, retry_delay_seconds=5)
def publish_councils(as_of: dt.date, outcomes: dict[str, dict | BaseException]) -> None:
    """One row per council in the Prefect UI (a table artifact): what its night did, or why it did not.
    Each council's night publishes its own summary, with links to its outputs."""
    rows = []
    for council, outcome in outcomes.items():
        if isinstance(outcome, BaseException):
            rows.append({"council": council, "outcome": f"failed: {describe(outcome)}"})
            continue
        outcome_text = outcome.get(SKIPPED) or ("left out: " + "; ".join(outcome["failed"]) if outcome.get("failed") else "ran")
        rows.append({
            "council": council, "outcome": outcome_text, "nights": len(outcome.get("nights", [])),
            **{key: outcome.get(key, 0) for key in TOTALS}, "reports": len(outcome.get("reports_written", [])),
        })
    create_table_artifact(table=rows, key=COUNCILS_ARTIFACT_KEY, description=f"govflow nightly run for {as_of.isoformat()}: each council")
