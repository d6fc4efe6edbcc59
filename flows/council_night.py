"""One council's night (the flow govflow-council-night): thin orchestration over
govflow.services.night_planning, one small task per step, on that council's data alone.

The nightly parent (flows/nightly.py) runs one of these per council, in its own process or as a
deployment run on a work pool's workers. It holds the council's guards (flows/night_guard.py) for
the whole night: a second run for the same council gives way before it reads anything.

Every task works on whole batches (all documents, all nights) and hands Prefect objects that can hold
tens of thousands of domain objects. So every task has `cache_policy=NO_CACHE` and
`persist_result=False` (Prefect neither hashes its inputs nor stores its result), and the flow wraps
those objects in `opaque(...)` (Prefect neither walks into them looking for futures nor rebuilds them;
it still links the task to the upstream task that produced them). The flow's own result, the
council's summary (a small dict), is persisted as JSON: the parent reads it from another process.
"""
from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.states import Completed, Failed, State
from prefect.utilities.annotations import opaque
from pydantic import BaseModel

from flows import night_guard
from committee_systems.errors import SourceUnreachable
from governance_model.model import NightlyRun
from governance_model.organisation import DEFAULT_ORGANISATION
from governance_model.reminders import Reminder
from govflow import wiring
from govflow.clock import Clock, london_day
from govflow.services import meeting_sync
from govflow.services import night_planning as service
from govflow.services import report_writing as reports_service
from govflow.services.night_planning import RouteUpdate, SavedNight, Snapshot
from govflow.services.report_writing import WrittenReport
from govflow.settings import Settings
from notifications.outbox import SendReport
from notifications.redaction import scrub_urls

FLOW_NAME = "govflow-council-night"
SUMMARY_ARTIFACT_KEY = "govflow-nightly-summary"  # the default council's; others add "-<council>"
SKIPPED = "skipped"  # the summary key of a run that gave way to another run for the same council

batch_task = partial(task, cache_policy=NO_CACHE, persist_result=False)


class CouncilNightParameters(BaseModel):
    """Which council's night, for which day."""

    organisation: str = DEFAULT_ORGANISATION
    as_of: dt.date | None = None  # default: the day the run was scheduled for, in Europe/London
    wait_seconds: float = night_guard.WAIT_SECONDS  # how long to wait for another run of this council's night


def summary_artifact_key(organisation: str) -> str:
    return SUMMARY_ARTIFACT_KEY if organisation == DEFAULT_ORGANISATION else f"{SUMMARY_ARTIFACT_KEY}-{organisation}"


@flow(name=FLOW_NAME, persist_result=True, result_serializer="json")
def council_night(params: CouncilNightParameters = CouncilNightParameters()) -> dict:
    """One council's night: bring its routes up to date (catching up missed nights) and say what moved."""
    settings = Settings().for_organisation(params.organisation)
    as_of = params.as_of or london_day(flow_run.scheduled_start_time)
    try:
        with night_guard.only_night_for(settings, params.wait_seconds):
            return night(settings, as_of)
    except night_guard.Busy as busy:  # raised before the night read or wrote anything
        get_run_logger().warning("%s", busy)
        return Completed(name="Skipped", message=str(busy), data=skipped_summary(as_of, str(busy)))


def run_as_subflow(params: CouncilNightParameters) -> State:
    """The council's night as a subflow of the running flow (the nightly, or a run of councils); its
    final state.

    Without a heartbeat of its own: Prefect 3.9 ends every flow run by joining its heartbeat thread,
    which sleeps in whole seconds, so each council's night waited about a second for it (150 councils,
    about 110 s of the national night's 175 s of Prefect on this machine). The parent run, in the
    same process, keeps its heartbeat: if the process dies, the parent's heartbeats stop."""
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return council_night(params, return_state=True)


def skipped_summary(as_of: dt.date, why: str) -> dict:
    return {"as_of": as_of.isoformat(), SKIPPED: why, "nights": [], "documents_moved": [], "steps_moved": 0,
            "steps_overdue": 0, "dates_reforecast": 0, "failed": [], "replanned": [], "reminders_owed": 0,
            "digests_sent": 0, "sends_failed": 0, "reports_written": [], "meetings_synced": []}


def night(settings: Settings, as_of: dt.date) -> dict | State:
    """The night itself, under the council's guards: the table of contents of what it does."""
    clock = wiring.clock()
    get_run_logger().info(
        "govflow night of %s for %s on %s", settings.organisation, as_of.isoformat(), scrub_urls(settings.database_url.get_secret_value())
    )
    snapshot = load_snapshot(settings)
    synced: list[dict] = []
    linked = [b.code for b in snapshot.bodies if b.source is not None]
    if linked:  # first: the night plans on the meetings as the council publishes them
        synced, changed = sync_meeting_sources(settings, as_of, clock, linked, {b.code for b in snapshot.bodies if b.exempt})
        if changed:
            snapshot = load_snapshot(settings)
    nights = work_out_nights(snapshot.last_run, as_of)
    update = bring_routes_up_to_date(opaque(snapshot), nights)
    reminders = owed_reminders(opaque(snapshot), opaque(update))
    records = snapshot  # what the feeds and reports are made from: the night's one read of the council
    if nights:  # nothing to run means this date is done: a second run changes nothing
        # As saved: documents changed since the snapshot are planned again in the save.
        saved = save_update(settings, opaque(snapshot), opaque(update), opaque(reminders), clock)
        update, reminders, records = saved.update, saved.reminders, saved.records
    write_outputs(settings, opaque(update), opaque(records), clock)
    sent = send_reminders(settings, clock)  # every run: also retries what earlier runs could not send
    # After the save (the night's re-forecasts are in them) and the sends.
    reports = write_reports(settings, opaque(update), opaque(records))
    publish_summary(settings, opaque(snapshot), opaque(update), sent, opaque(reports))

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
        "meetings_synced": synced,
    }
    if update.failures:
        # Everything else ran; the run still ends Failed so the UI (and `govflow nightly`) say so.
        for found in summary["failed"]:  # as may be shown: exempt business as the Part II placeholder
            get_run_logger().error("%s", found)
        return Failed(message="left out: " + "; ".join(summary["failed"]), data=summary)
    return summary


def _only_when_unreachable(task, task_run, state) -> bool:  # noqa: ANN001 - Prefect's retry_condition_fn
    """Retry a sync only when its source did not answer: an answer that cannot be read is not retried."""
    try:
        state.result()
    except SourceUnreachable:  # raised again by sync_source: the source did not answer
        return True
    except Exception:
        return False
    return False


@batch_task(retries=2, retry_delay_seconds=30, retry_condition_fn=_only_when_unreachable)
def sync_source(settings: Settings, body_code: str, as_of: dt.date, clock: Clock, exempt: bool = False) -> meeting_sync.SyncResult:
    """Read one body's meeting source and bring its stored meetings in line (moves re-forecast)."""
    result = meeting_sync.sync_body(
        wiring.unit_of_work_factory(settings), body_code, wiring.meeting_source_reader(settings), as_of=as_of, now=clock.now()
    )
    if result.failure and result.unreachable:
        # So that Prefect asks again; its log shows the message: an exempt body's address is not in it.
        raise SourceUnreachable("a Part II body's source did not answer" if exempt else result.failure)
    return result


def sync_meeting_sources(
    settings: Settings, as_of: dt.date, clock: Clock, codes: list[str], exempt: set[str]
) -> tuple[list[dict], bool]:
    """The bodies linked to a source (`codes`), synced one after another, each a task of its own: a
    source that fails (after its retries) leaves that body's meetings as they were and is said in the
    summary; the night goes on. Returns the summary's lines, and whether anything was stored."""
    # A source is a few requests (its list, then a page per meeting, at most 100): the task gets thirty
    # of the reader's time-outs (30 minutes by default). It is asked again twice when it did not answer,
    # after as long as one answer may take (30 s at most).
    options = dict(timeout_seconds=30 * settings.source_timeout_seconds, retry_delay_seconds=min(30, settings.source_timeout_seconds))
    results = []
    for number, code in enumerate(codes, start=1):
        # The Prefect UI and logs are no place for an exempt body's name: it is a numbered Part II item.
        shown = f"Part II body {number}" if code in exempt else code
        run_name = f"sync-part-ii-{number}" if code in exempt else f"sync-{code}"
        state = sync_source.with_options(**options, task_run_name=run_name)(settings, code, as_of, clock, code in exempt, return_state=True)
        try:
            results.append(state.result())
        except Exception as error:  # unreachable after its retries, timed out, or broke: nothing changed
            why = str(error) or type(error).__name__
            get_run_logger().warning("%s: meetings not synced%s", shown, "" if code in exempt else f": {scrub_urls(why)}")
            results.append(meeting_sync.SyncResult(code, "", failure=scrub_urls(why)))
    return meeting_sync.night_summary(results, exempt), any(result.done for result in results)


@batch_task(retries=2, retry_delay_seconds=10)
def load_snapshot(settings: Settings) -> Snapshot:
    """Read the council's documents, bodies, decisions, stored forecasts and last run from the database."""
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
def write_outputs(settings: Settings, update: RouteUpdate, records: Snapshot, clock: Clock) -> list[Path]:
    """Write the council's calendar feeds (with the night's forecasts, from the night's records) into
    its feeds folder; returns their paths.

    A build that fails is one of the night's failures (the feeds built before stay): the rest of
    the night still runs."""
    from govflow.services.feed_publishing import publish_feeds

    try:
        return publish_feeds(
            wiring.unit_of_work_factory(settings),
            settings.feeds_dir,
            update.as_of,
            clock.now(),  # when events changed
            settings.public_url,
            forecasts=update.forecasts or None,
            on_error=lambda kind, key, error: update.add_failure(service.failure(kind, key, "feeds", error)),
            records=records,
        )
    except Exception as error:  # noqa: BLE001 - reported with the night's failures, below
        update.add_failure(service.failure("feed", "all feeds", "feeds", error))
        return []


@batch_task
def write_reports(settings: Settings, update: RouteUpdate, records: Snapshot) -> list[WrittenReport]:
    """Write the council's board and plan reports that are read tonight (report_writing.write_reports)
    into its reports folder, from the night's records.

    Reports that cannot be written are one of the night's failures: the rest of the night still runs."""

    def failed(which: str, error: Exception) -> None:  # that report only: the others are written
        update.add_failure(service.failure("report", which, "reports", error))

    try:
        return reports_service.write_reports(
            wiring.unit_of_work_factory(settings), settings.reports_dir, update.as_of,
            forecasts=update.forecasts or None, on_error=failed, records=records,
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
    """Send every pending digest of the council that is due; a failed send stays pending with its error and backoff.

    No Prefect retries: the outbox keeps failed messages and retries them with backoff on later runs."""
    return wiring.send_pending_reminders(settings, clock)


@batch_task(retries=2, retry_delay_seconds=5)
def publish_summary(settings: Settings, snapshot: Snapshot, update: RouteUpdate, sent: SendReport, written: list[WrittenReport]) -> None:
    """Show the council's night in the Prefect UI: one markdown artifact, with links to its reports
    and feeds (exempt items as Part II only)."""
    create_markdown_artifact(
        markdown=summary_markdown(settings, snapshot, update, sent, written),
        key=summary_artifact_key(settings.organisation),
        description=f"govflow nightly run of {settings.organisation} for {update.as_of.isoformat()}",
    )


def summary_markdown(settings: Settings, snapshot: Snapshot, update: RouteUpdate, sent: SendReport, written: list[WrittenReport]) -> str:
    """The night in words, then where its outputs are: one line per report (its files as links)."""
    lines = [
        service.summary_markdown(update, snapshot).rstrip("\n"),
        f"- reminder digests sent: {sent.sent}; sends failed: {sent.failed}",
        "",
        f"## Outputs of {settings.organisation}",
        "",
        f"- calendar feeds: [{settings.public_url}/subscribe]({settings.public_url}/subscribe) (files in `{settings.feeds_dir}`)",
        f"- reports written: {sum(len(w.files) for w in written)} files in `{settings.reports_dir}`",
        "",
    ]
    for kind, heading in (("board", "Reports to Board"), ("plan", "Action plans")):
        reports = [w for w in written if w.kind == kind]
        if reports:
            lines += [f"### {heading}", ""]
            lines += [f"- {w.title}: " + " · ".join(_link(path) for path in w.files) for w in reports]
            lines.append("")
    return "\n".join(lines)


def _link(path: Path) -> str:
    """A Markdown link to a report file (its file:// address: reports are files on the night's machine)."""
    path = Path(path).resolve()
    return f"[{path.suffix.lstrip('.')}]({path.as_uri()})"
