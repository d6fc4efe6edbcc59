"""The deployments: when the nightly runs (the one place that says so), the council night its runs
fan out to, and how to register and serve them. prefect.yaml at the repository root describes the
same two deployments for `prefect deploy` (tests/flows/test_prefect_yaml.py keeps them equal)."""
from __future__ import annotations

from uuid import UUID

from prefect import get_client, serve
from prefect.client.schemas.objects import WorkQueue
from prefect.exceptions import ObjectNotFound
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Schedule
from prefect.types.entrypoint import EntrypointType

from flows.council_nights import council_nights
from flows.nightly import COUNCIL_DEPLOYMENT, COUNCIL_DEPLOYMENT_NAME, nightly
from govflow.settings import Settings

DEPLOYMENT_NAME = "nightly"
FULL_NAME = f"{nightly.name}/{DEPLOYMENT_NAME}"  # govflow-nightly/nightly
COUNCIL_FULL_NAME = COUNCIL_DEPLOYMENT  # govflow-council-nights/council-nights
WORK_POOL = "govflow"  # the process work pool the README and prefect.yaml use
# The work queue of the pool that the runs of councils go to: its concurrency limit (the Prefect
# server's own) is GOVFLOW_COUNCILS_AT_ONCE, so the workers never run more of them at once, whoever
# started them. The nightly's own runs go to the pool's default queue, so they never wait for it.
COUNCILS_QUEUE = "council-nights"

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
    """The nightly deployment; runs take their date from their scheduled time (no parameters)."""
    return nightly.to_deployment(
        name=DEPLOYMENT_NAME,
        schedules=[nightly_schedule()],
        parameters={},
        # "flows.nightly.nightly", not a file path: found from any working directory where govflow is installed.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def build_council_deployment(work_queue: str | None = None) -> RunnerDeployment:
    """The councils' nights that each nightly run starts on the workers, a few councils a run (no
    schedule of its own; flows/council_nights.py), on `work_queue` of the work pool if given."""
    return council_nights.to_deployment(
        name=COUNCIL_DEPLOYMENT_NAME, entrypoint_type=EntrypointType.MODULE_PATH, work_queue_name=work_queue
    )


def apply_deployments(work_pool: str | None = None, councils_at_once: int | None = None) -> dict[str, UUID]:
    """Create or update both deployments in the Prefect API, on `work_pool` (a process work pool whose
    workers run them) or on none (`govflow serve-nightly` runs them); their ids by full name. On a
    work pool, the runs of councils go to its COUNCILS_QUEUE work queue, made or updated with a
    concurrency limit of `councils_at_once` (default GOVFLOW_COUNCILS_AT_ONCE)."""
    if work_pool is None:
        return {
            FULL_NAME: build_deployment().apply(),
            COUNCIL_FULL_NAME: build_council_deployment().apply(),
        }
    limit_councils_queue(work_pool, councils_at_once or Settings().councils_at_once)
    return {
        FULL_NAME: build_deployment().apply(work_pool_name=work_pool),
        COUNCIL_FULL_NAME: build_council_deployment(COUNCILS_QUEUE).apply(work_pool_name=work_pool),
    }


def limit_councils_queue(work_pool: str, at_once: int) -> WorkQueue:
    """The work pool's COUNCILS_QUEUE, made if missing, with a concurrency limit of `at_once` runs."""
    with get_client(sync_client=True) as client:
        try:
            queue = client.read_work_queue_by_name(COUNCILS_QUEUE, work_pool_name=work_pool)
        except ObjectNotFound:
            return client.create_work_queue(
                name=COUNCILS_QUEUE, work_pool_name=work_pool, concurrency_limit=at_once,
                description="The runs of councils' nights (govflow-council-nights); the limit is GOVFLOW_COUNCILS_AT_ONCE.",
            )
        if queue.concurrency_limit != at_once:
            client.update_work_queue(queue.id, concurrency_limit=at_once)
            queue = client.read_work_queue_by_name(COUNCILS_QUEUE, work_pool_name=work_pool)
        return queue


def apply_deployment() -> UUID:
    """Create or update both deployments (no work pool); returns the nightly deployment's id."""
    return apply_deployments()[FULL_NAME]


def serve_nightly() -> None:
    """Run both deployments' runs from this process until stopped (blocks): the scheduled nightly
    runs, and the council nights they start, each in a subprocess of its own (how many at once is
    the nightly's concurrency limit, flows/night_guard.py)."""
    serve(build_deployment(), build_council_deployment())
