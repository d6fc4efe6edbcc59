"""Timing the stages of one nightly run, as the flow runs them: each stage's wall seconds, CPU
seconds (this process, all its threads: the figure a busy shared machine disturbs least) and the
process's peak RSS during it, whether the night runs in process or inside the Prefect flow.

The stages are the service functions the flow's tasks call (flows/nightly.py). `StageMeter.install`
wraps each of them where the flow looks it up (a module attribute), so the same wrappers time the
night in process (`night_in_process`, the flow's steps without Prefect) and through the flow; what
the flow spends outside them is Prefect's own. `RowCounter` counts the domain objects the
repository hands out, `changes_between_nights` makes the changes a second night re-plans, and
`read_raw` is the raw-SQL yardstick for the load."""
from __future__ import annotations

import datetime as dt
import importlib
import re
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


# ---- peak RSS ------------------------------------------------------------------------------------


def _status_mb(field: str) -> float | None:
    """VmRSS / VmHWM of this process from /proc, in MB (None where there is no /proc)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """The process's high-water mark of resident memory since the last reset (or since it started)."""
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024  # bytes on macOS, KB on Linux


def reset_peak_rss() -> bool:
    """Start a new high-water mark (Linux: "5" to /proc/self/clear_refs); False where it cannot, and
    then each stage's peak is the process's peak so far."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


# ---- the stages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """One stage of the night: the function the flow calls for it, and what its result counts."""

    name: str
    module: str
    function: str
    counts: Callable[[Any], dict[str, int]] = lambda result: {}


STAGES = (
    Stage("load snapshot", "govflow.services.night_planning", "load_snapshot", lambda s: {"documents": len(s.documents)}),
    Stage("work out nights", "govflow.services.night_planning", "nights_to_run", lambda n: {"nights": len(n)}),
    Stage("re-plan routes", "govflow.services.night_planning", "advance_routes", lambda u: {"forecasts changed": len(u.changed)}),
    Stage("reminders owed", "govflow.services.night_planning", "owed_reminders", lambda r: {"reminders owed": len(r)}),
    Stage("save forecasts+outbox", "govflow.services.night_planning", "save_night",
          lambda s: {"forecasts saved": len(s.update.changed), "reminders queued": len(s.reminders)}),
    Stage("write feeds", "govflow.services.feed_publishing", "publish_feeds", lambda f: {"feeds": len(f)}),
    Stage("send digests", "govflow.wiring", "send_pending_reminders", lambda r: {"digests sent": r.sent, "sends failed": r.failed}),
    Stage("write reports", "govflow.services.report_writing", "write_reports", lambda w: {"reports": len(w)}),
)
# Only through Prefect: the flow's markdown artifacts (the summary, one per board report today).
ARTIFACTS = Stage("Prefect artifacts", "flows.council_night", "create_markdown_artifact", lambda _: {"artifacts": 1})
STAGE_NAMES = tuple(s.name for s in STAGES)


class StageMeter:
    """Wall seconds and peak RSS of each stage of a night, and of the whole night."""

    def __init__(self) -> None:
        self.can_reset = reset_peak_rss()
        self.stages: dict[str, dict] = {}
        self.night_peak_mb = 0.0
        self._patched: list[tuple[Any, str, Any]] = []
        self._unwatch: Callable[[], None] | None = None
        # Per thread: the stage running in it, and the tables it reads (the raw-SQL yardstick). The
        # Prefect flow runs two councils' nights at once in threads, and each thread's stages are its own.
        self._here = threading.local()
        self._overlapping = 0  # stages running now, in any thread (the peak is reset only when none is)
        self._count_lock = threading.Lock()

    def install(self, extra: tuple[Stage, ...] = ()) -> None:
        """Wrap each stage's function in its module (the flow calls them as module attributes)."""
        for stage in (*STAGES, *extra):
            module = importlib.import_module(stage.module)
            original = getattr(module, stage.function, None)
            if original is None:  # the flow no longer has it: that stage is simply not timed
                continue
            self._patched.append((module, stage.function, original))
            setattr(module, stage.function, self._timed(stage, original))
        self._unwatch = watch_tables(self._seen)

    @property
    def _active(self) -> str | None:
        return getattr(self._here, "active", None)

    def _seen(self, names: list[str]) -> None:
        tables = getattr(self._here, "tables", None)
        if tables is not None:
            tables.update(names)

    def uninstall(self) -> None:
        for module, name, original in reversed(self._patched):
            setattr(module, name, original)
        self._patched.clear()
        if self._unwatch:
            self._unwatch()
            self._unwatch = None

    def _timed(self, stage: Stage, function: Callable) -> Callable:
        meter = self

        def timed(*args, **kwargs):
            if meter._active:  # called inside another stage (save_night re-plans what changed): part of that stage
                return function(*args, **kwargs)
            with meter.stage(stage.name) as counts:
                result = function(*args, **kwargs)
                for key, n in stage.counts(result).items():
                    counts[key] = counts.get(key, 0) + n
                return result

        timed.__wrapped__ = function
        return timed

    @contextmanager
    def stage(self, name: str) -> Iterator[dict[str, int]]:
        """Time one stage; a stage run more than once in a night (a council at a time) adds up its
        seconds and keeps its highest peak. Stages of councils run at once in threads add up too
        (their seconds overlap: the sum can exceed the night's wall time); the CPU is each thread's own."""
        self.night_peak_mb = max(self.night_peak_mb, peak_rss_mb())  # what ran since the last stage
        if self._overlapping == 0:
            reset_peak_rss()
        entry = self.stages.setdefault(name, {"wall_s": 0.0, "cpu_s": 0.0, "peak_rss_mb": 0.0, "calls": 0, "counts": {}, "tables": set()})
        self._here.tables, self._here.active = entry["tables"], name
        with self._count_lock:
            self._overlapping += 1
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            yield entry["counts"]
        finally:
            entry["wall_s"] += time.perf_counter() - started
            entry["cpu_s"] += time.thread_time() - cpu
            self._here.tables, self._here.active = None, None
            with self._count_lock:
                self._overlapping -= 1
            entry["calls"] += 1
            peak = peak_rss_mb()
            entry["peak_rss_mb"] = max(entry["peak_rss_mb"], peak)
            self.night_peak_mb = max(self.night_peak_mb, peak)

    @contextmanager
    def night(self) -> Iterator[dict]:
        """Time a whole night: its wall seconds, peak RSS and stages go into the dict it yields."""
        self.stages = {}
        reset_peak_rss()
        self.night_peak_mb = 0.0
        measured: dict = {}
        started, cpu = time.perf_counter(), time.process_time()
        try:
            yield measured
        finally:
            measured["wall_s"] = time.perf_counter() - started
            measured["cpu_s"] = time.process_time() - cpu
            measured["peak_rss_mb"] = max(self.night_peak_mb, peak_rss_mb())
            measured["stages"] = {name: {**entry, "tables": sorted(entry["tables"])} for name, entry in self.stages.items()}


# ---- the night without Prefect -------------------------------------------------------------------


def night_in_process(settings, as_of: dt.date, clock) -> dict:
    """Every council's night, one after the other, as the nightly runs them in process; returns
    what the nights did."""
    from govflow import wiring

    failures = 0
    for organisation in wiring.organisations(settings):
        failures += council_night_in_process(settings.for_organisation(organisation), as_of, clock)["failures"]
    return {"failures": failures}


def council_night_in_process(settings, as_of: dt.date, clock) -> dict:
    """One council's night: the steps of flows/council_night.py in order, calling the same service
    functions, without Prefect; returns what the night did."""
    from govflow import wiring
    from govflow.services import feed_publishing, report_writing
    from govflow.services import night_planning as service

    snapshot = service.load_snapshot(wiring.unit_of_work(settings))
    nights = service.nights_to_run(snapshot.last_run, as_of)
    update = service.advance_routes(snapshot, nights)
    reminders = service.owed_reminders(snapshot, update)
    records = snapshot
    if nights:
        saved = service.save_night(wiring.unit_of_work(settings), snapshot, update, reminders, clock.now())
        update, reminders, records = saved.update, saved.reminders, saved.records
    feed_publishing.publish_feeds(
        wiring.unit_of_work_factory(settings), settings.feeds_dir, update.as_of, clock.now(), settings.public_url,
        forecasts=update.forecasts or None,
        on_error=lambda kind, key, error: update.add_failure(service.failure(kind, key, "feeds", error)),
        records=records,
    )
    wiring.send_pending_reminders(settings, clock)
    report_writing.write_reports(
        wiring.unit_of_work_factory(settings), settings.reports_dir, update.as_of,
        forecasts=update.forecasts or None,
        on_error=lambda which, error: update.add_failure(service.failure("report", which, "reports", error)),
        records=records,
    )
    return {"failures": len(update.failures)}


# ---- what the night read -------------------------------------------------------------------------


class RowCounter:
    """Counts the domain objects the repository hands out, whatever SQL it uses: every public method
    of each SQL repository class is wrapped (the flow builds its own units of work)."""

    def __init__(self) -> None:
        self.read: dict[str, int] = {}

    def install(self) -> None:
        from governance_model.storage.unit_of_work import _REPOSITORIES

        for aggregate, repository in _REPOSITORIES.items():
            for method in dir(repository):
                if method.startswith("_") or not callable(getattr(repository, method)):
                    continue
                if method.split("_")[0] in {"save", "add", "record", "merge", "set", "touch", "mark"}:
                    continue
                setattr(repository, method, self._wrap(getattr(repository, method)))

    def _wrap(self, method):
        counter = self

        def counted(repo, *args, **kwargs):
            result = method(repo, *args, **kwargs)
            counter.count(result)
            return result

        counted.__name__, counted.__doc__ = method.__name__, method.__doc__
        return counted

    def take(self) -> dict[str, int]:
        """What was read since the last take."""
        read, self.read = self.read, {}
        return read

    def count(self, value) -> None:
        from governance_model.model import ActionPlan, Body, Document

        for item in value if isinstance(value, (list, tuple)) else [value]:
            if item is None or isinstance(item, (str, int, float, dt.date, dict)):
                continue
            kind = type(item).__name__
            self.read[kind] = self.read.get(kind, 0) + 1
            if isinstance(item, Document):
                self.read["Step"] = self.read.get("Step", 0) + len(item.route.steps)
            elif isinstance(item, Body):
                self.read["Meeting"] = self.read.get("Meeting", 0) + len(item.meetings)
            elif isinstance(item, ActionPlan):
                self.read["Action"] = self.read.get("Action", 0) + sum(len(r.actions) for r in item.recommendations)


_TABLE_NAME = re.compile(r'\b(?:FROM|JOIN)\s+"?([A-Za-z_][A-Za-z0-9_]*)"?', re.I)


def watch_tables(seen: Callable[[list[str]], None]) -> Callable[[], None]:
    """Hand `seen` the tables (FROM and JOIN names) of every SELECT any engine runs; returns the
    function that stops it."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def listener(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip()[:4].upper() in ("SELE", "WITH"):
            seen(_TABLE_NAME.findall(statement))

    event.listen(Engine, "before_cursor_execute", listener)
    return lambda: event.remove(Engine, "before_cursor_execute", listener)


def read_raw(url: str, tables: list[str]) -> tuple[float, int]:
    """Seconds to read every row of `tables` with one raw `SELECT *` each on the driver's own
    connection (no ORM, no Core rows), and the number of rows."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        connection = engine.raw_connection()
        try:
            started, rows = time.perf_counter(), 0
            for table in tables:
                cursor = connection.cursor()
                cursor.execute(f'SELECT * FROM "{table}"')
                rows += len(cursor.fetchall())
                cursor.close()
            return time.perf_counter() - started, rows
        finally:
            connection.close()
    finally:
        engine.dispose()


# ---- between the nights --------------------------------------------------------------------------


def changes_between_nights(settings, day: dt.date, clock) -> list[str]:
    """A few changes a secretary makes during `day`, through the services the CLI calls: a decision
    recorded on a step that is due, a meeting that is coming up moved a week, a step done."""
    from governance_model.model import Decision, DecisionOutcome, MeetingStatus, StepState
    from govflow import wiring
    from govflow.services import route_changes

    settings = settings.for_organisation(wiring.organisations(settings)[0])  # the first council's secretary

    with wiring.unit_of_work(settings) as uow:
        documents = {d.key: d for d in uow.documents.list()}
        forecasts = sorted(uow.documents.list_forecasts(), key=lambda f: (f.document_key, f.step_key))
        meetings = sorted((m for b in uow.bodies.list() for m in b.meetings), key=lambda m: m.key)
    ready = [f for f in forecasts if f.state in (StepState.DUE, StepState.OVERDUE)]
    steps = {(d.key, s.key): s for d in documents.values() for s in d.route.steps}
    at_a_body = next((f for f in ready if steps[(f.document_key, f.step_key)].body_code), None)
    at_no_body = next((f for f in ready if not steps[(f.document_key, f.step_key)].body_code and f is not at_a_body), None)
    coming_up = next((m for m in meetings if m.status is MeetingStatus.SCHEDULED and m.starts_at and m.starts_at.date() > day), None)
    who = {"actor": "benchmark", "reason": "the benchmark's second night", "as_of": day, "now": clock.now()}
    done = []
    if at_a_body:
        decision = Decision(at_a_body.document_key, at_a_body.step_key, "", DecisionOutcome.APPROVED, day, meeting_key=at_a_body.meeting_key)
        route_changes.record_decision(wiring.unit_of_work(settings), decision, **who)
        done.append(f"decision recorded ({at_a_body.document_key}/{at_a_body.step_key} approved)")
    if coming_up:
        route_changes.move_meeting(wiring.unit_of_work(settings), coming_up.key, coming_up.starts_at + dt.timedelta(days=7), **who)
        done.append(f"meeting moved ({coming_up.key} a week later)")
    if at_no_body:
        route_changes.mark_step_done(wiring.unit_of_work(settings), at_no_body.document_key, at_no_body.step_key, day, **who)
        done.append(f"step done ({at_no_body.document_key}/{at_no_body.step_key})")
    return done


# ---- the workers' processes ----------------------------------------------------------------------


class WorkerPeaks:
    """Samples, while it runs, the peak RSS (VmHWM) of the workers and of every process they start
    (each run of councils is a process of its own, a descendant of its worker). A process's
    high-water mark lasts until it exits, so a sample late in its life sees its peak."""

    def __init__(self, worker_pids: list[int], every_s: float = 0.2) -> None:
        import threading

        self.workers = set(worker_pids)
        self.every_s = every_s
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "WorkerPeaks":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.every_s):
                self.sample()
                return

    def sample(self) -> None:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:  # /proc/<pid>/stat: "pid (name) state ppid …"; the name may hold spaces
                    parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
        for pid in parents:
            ancestor, hops = pid, 0
            while ancestor not in self.workers and ancestor in parents and hops < 64:
                ancestor, hops = parents[ancestor], hops + 1
            if ancestor not in self.workers:
                continue
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        self.peaks[pid] = max(self.peaks.get(pid, 0.0), int(line.split()[1]) / 1024)
            except (OSError, ValueError):
                continue

    def figures(self) -> dict:
        nights = [mb for pid, mb in self.peaks.items() if pid not in self.workers and mb > 50]  # not the shells and helpers
        return {
            "night_processes": len(nights),
            "night_process_peak_rss_mb": max(nights, default=0.0),
            "worker_peak_rss_mb": max((mb for pid, mb in self.peaks.items() if pid in self.workers), default=0.0),
        }
