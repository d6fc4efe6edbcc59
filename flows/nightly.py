"""The nightly Prefect flow: thin orchestration over govflow.services.night_planning, one small task per step.

Every task works on whole batches (all documents, all nights) and hands Prefect objects that can hold
tens of thousands of domain objects. So every task has `cache_policy=NO_CACHE` and
`persist_result=False` (Prefect neither hashes its inputs nor stores its result), and the flow wraps
those objects in `opaque(...)` (Prefect neither walks into them looking for futures nor rebuilds them;
it still links the task to the upstream task that produced them).
"""
from __future__ import annotations

import datetime as dt
import re
from functools import partial
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Failed
from prefect.utilities.annotations import opaque
from pydantic import BaseModel

from governance_model.model import NightlyRun
from governance_model.reminders import Reminder
from govflow import wiring
from govflow.clock import Clock, london_day
from govflow.services import night_planning as service
from govflow.services import report_writing as reports_service
from govflow.services.night_planning import RouteUpdate, SavedNight, Snapshot
from govflow.services.report_writing import WrittenReport
from govflow.settings import Settings
from notifications.outbox import SendReport
from notifications.redaction import scrub_urls

SUMMARY_ARTIFACT_KEY = "govflow-nightly-summary"

batch_task = partial(task, cache_policy=NO_CACHE, persist_result=False)


class NightlyParameters(BaseModel):
    """What one nightly run is for."""

    as_of: dt.date | None = None  # default: the day the run was scheduled for, in Europe/London


@flow(name="govflow-nightly")
def nightly(params: NightlyParameters = NightlyParameters()) -> dict:
    """Bring every route up to date for the night (catching up missed nights) and say what moved."""
    settings = Settings()
    clock = wiring.clock()
    as_of = params.as_of or london_day(flow_run.scheduled_start_time)  # the night it was scheduled for
    get_run_logger().info("govflow nightly for %s on %s", as_of.isoformat(), scrub_urls(settings.database_url.get_secret_value()))

    snapshot = load_snapshot(settings)
    nights = work_out_nights(snapshot.last_run, as_of)
    update = bring_routes_up_to_date(opaque(snapshot), nights)
    reminders = owed_reminders(opaque(snapshot), opaque(update))
    if nights:  # nothing to run means this date is done: a second run changes nothing
        # As saved: documents changed since the snapshot are planned again in the save.
        saved = save_update(settings, opaque(snapshot), opaque(update), opaque(reminders), clock)
        update, reminders = saved.update, saved.reminders
    write_outputs(opaque(snapshot), opaque(update), clock)
    sent = send_reminders(settings, clock)  # every run: also retries what earlier runs could not send
    reports = write_reports(opaque(update))  # after the save (the night's re-forecasts are in them) and the sends
    publish_summary(opaque(snapshot), opaque(update), sent)
    publish_board_reports(opaque(reports))

    get_run_logger().info(
        "%d night(s) run, %d reminder(s) owed, %d digest(s) sent, %d send(s) failed",
        len(nights), len(reminders), sent.sent, sent.failed,
    )
    summary = {
        **service.public_summary(update, snapshot),  # exempt documents only as Part II items
        "reminders_owed": len(reminders),
        "digests_sent": sent.sent,
        "sends_failed": sent.failed,
        "reports_written": [str(path) for path in reports_service.report_paths(reports)],
    }
    if update.failures:
        # Everything else ran; the run still ends Failed so the UI (and `govflow nightly`) say so.
        for found in summary["failed"]:  # as may be shown: exempt business as the Part II placeholder
            get_run_logger().error("%s", found)
        return Failed(message="left out: " + "; ".join(summary["failed"]), data=summary)
    return summary


@batch_task(retries=2, retry_delay_seconds=10)
def load_snapshot(settings: Settings) -> Snapshot:
    """Read the documents, bodies, decisions, stored forecasts and last run from the database."""
    return service.load_snapshot(wiring.unit_of_work(settings))


@batch_task
def work_out_nights(last_run: NightlyRun | None, as_of: dt.date) -> list[dt.date]:
    """The nights to run: from the one after the last completed run up to as_of."""
    return service.nights_to_run(last_run, as_of)


@batch_task
def bring_routes_up_to_date(snapshot: Snapshot, nights: list[dt.date]) -> RouteUpdate:
    """Plan every route for each night in turn (pure: no database, no clock)."""
    return service.advance_routes(snapshot, nights)


@batch_task
def owed_reminders(snapshot: Snapshot, update: RouteUpdate) -> list[Reminder]:
    """The reminders owed over the nights run (pure: the rules in governance_model.reminders)."""
    return service.owed_reminders(snapshot, update)


@batch_task
def write_outputs(snapshot: Snapshot, update: RouteUpdate, clock: Clock) -> list[Path]:
    """Write the calendar feeds (with the night's forecasts) into GOVFLOW_FEEDS_DIR; returns their paths.

    A build that fails is one of the night's failures (the feeds built before stay): the rest of
    the night still runs."""
    from govflow.services.feed_publishing import publish_feeds

    settings = Settings()
    try:
        return publish_feeds(
            wiring.unit_of_work_factory(settings),
            settings.feeds_dir,
            update.as_of,
            clock.now(),  # when events changed
            settings.public_url,
            forecasts=update.forecasts or None,
            on_error=lambda kind, key, error: update.add_failure(service.failure(kind, key, "feeds", error)),
        )
    except Exception as error:  # noqa: BLE001 - reported with the night's failures, below
        update.add_failure(service.failure("feed", "all feeds", "feeds", error))
        return []


@batch_task
def write_reports(update: RouteUpdate) -> list[WrittenReport]:
    """Write every board report and plan report for the night into GOVFLOW_REPORTS_DIR.

    Reports that cannot be written are one of the night's failures: the rest of the night still runs."""
    settings = Settings()

    def failed(which: str, error: Exception) -> None:  # that report only: the others are written
        update.add_failure(service.failure("report", which, "reports", error))

    try:
        return reports_service.write_reports(
            wiring.unit_of_work_factory(settings), settings.reports_dir, update.as_of,
            forecasts=update.forecasts or None, on_error=failed,
        )
    except Exception as error:  # noqa: BLE001 - reading what the reports need failed: reported with the night's failures
        failed("all reports", error)
        return []


@batch_task(retries=2, retry_delay_seconds=10)
def save_update(settings: Settings, snapshot: Snapshot, update: RouteUpdate, reminders: list[Reminder], clock: Clock) -> SavedNight:
    """Store forecasts, re-forecasts, the reminders owed (outbox) and the run in one transaction,
    planning again what changed after the snapshot instead of overwriting it."""
    finished_at = clock.now()  # the real time the run finished
    return service.save_night(wiring.unit_of_work(settings), snapshot, update, reminders, finished_at)


@batch_task
def send_reminders(settings: Settings, clock: Clock) -> SendReport:
    """Send every pending digest that is due; a failed send stays pending with its error and backoff.

    No Prefect retries: the outbox keeps failed messages and retries them with backoff on later runs."""
    return wiring.send_pending_reminders(settings, clock)


@batch_task(retries=2, retry_delay_seconds=5)
def publish_board_reports(written: list[WrittenReport]) -> None:
    """Publish each Report to Board as a markdown artifact (key board-report-<body>) in the Prefect UI."""
    for report in written:
        if report.kind == "board":
            create_markdown_artifact(
                markdown=report.markdown,
                key=board_report_artifact_key(report.key),
                description=report.title,
            )


def board_report_artifact_key(body_code: str) -> str:
    """Artifact keys allow lowercase letters, digits and dashes only."""
    return "board-report-" + re.sub(r"[^a-z0-9]+", "-", body_code.lower()).strip("-")


@batch_task(retries=2, retry_delay_seconds=5)
def publish_summary(snapshot: Snapshot, update: RouteUpdate, sent: SendReport) -> None:
    """Show the night in words in the Prefect UI (a markdown artifact; exempt items as Part II only)."""
    markdown = service.summary_markdown(update, snapshot) + f"\n- reminder digests sent: {sent.sent}; sends failed: {sent.failed}\n"
    create_markdown_artifact(
        markdown=markdown,
        key=SUMMARY_ARTIFACT_KEY,
        description=f"govflow nightly run for {update.as_of.isoformat()}",
    )
