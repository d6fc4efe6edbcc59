"""Writing the reports: gather what a Report to Board or an action-plan report needs from the
database, judge it for a day, render it with the `reports` package and write the Markdown, HTML, CSV
and Excel files (`govflow report …`, the nightly flow, and `govflow serve` on request).

The nightly writes a report only where someone will read it that night: a body's Report to Board
while the papers window of one of its meetings is open (`papers_window`), a plan's report when what
it is made from changed since its files were written (`plan_source`). The reports folder's
index.json (reports.manifest) records what each report was made from. Any other report is rendered
on request (`public_report`, served by govflow.web.reports).

The nightly writes only what may be published (governance_model.publication): no report to an
exempt body, and none of a plan that is exempt business (it delivers an exempt strategy, or follows
up questions at an exempt body's meeting), is written into the reports folder (one written before
is removed), so none becomes a Prefect artifact either, and none is served; a public board's report
lists no such plan. `govflow report board` and `govflow report plan` still give an exempt body or
plan its own report when asked for it by name."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from governance_model.board_report import BoardReport, build_board_report
from governance_model.errors import ModelError
from governance_model.linked_routes import plan_routes
from governance_model.model import ActionPlan, Body, Document, Meeting, MeetingStatus, StepForecast
from governance_model.ports import AbstractUnitOfWork
from governance_model.publication import Publication
from governance_model.rag import PlanRag, judge_plan
from governance_model.strategy import StrategyFramework
from governance_model.route_planner import MeetingIndex, RoutePlan
from governance_model.working_days import WorkingCalendar
from govflow.services import strategy_reports
from reports.errors import ReportError
from reports.manifest import WrittenEntry, entry_name, manifest_bytes, manifest_path, read_manifest

if TYPE_CHECKING:
    from govflow.services.night_planning import Snapshot

LONDON = ZoneInfo("Europe/London")
BOARD_FORMATS = (".md", ".html")
PLAN_FORMATS = (".md", ".html", ".csv", ".xlsx")
PREPARATION_DAYS = 5  # working days before a meeting's papers deadline that its report is first written


@dataclass(frozen=True)
class PlanReport:
    plan: ActionPlan
    judged: PlanRag
    framework: StrategyFramework | None = None  # of the strategy it delivers: its columns name titles


@dataclass(frozen=True)
class WrittenReport:
    kind: str  # "board" | "plan" | "strategy"
    key: str  # the body code, plan key or strategy (document) key
    title: str
    files: tuple[Path, ...]
    markdown: str  # a board report's Markdown (its Prefect artifact); empty for plans


OnError = Callable[[str, Exception], None]  # (which report, why it could not be built)


def _routes(
    documents, bodies, decisions, as_of: dt.date, forecasts: dict[tuple[str, str], StepForecast] | None, conditions=()
) -> tuple[dict[str, RoutePlan], dict[str, Exception]]:
    """Each document's route on `as_of`: the nightly run's forecasts when given, else planned now;
    and, by key, why the documents that could not be planned could not (their reports fail alone)."""
    meetings, calendar = MeetingIndex(bodies), WorkingCalendar()
    unplannable: dict[str, Exception] = {}
    planned = plan_routes(
        documents, meetings, decisions, as_of, calendar, conditions, on_error=lambda d, error: unplannable.setdefault(d.key, error)
    )
    routes = {}
    for document in documents:
        if forecasts and all((document.key, s.key) in forecasts for s in document.route.steps):
            steps = tuple(forecasts[(document.key, s.key)] for s in sorted(document.route.steps, key=lambda s: s.position))
            routes[document.key] = RoutePlan(document.key, as_of, steps)
        elif document.key in planned:
            routes[document.key] = planned[document.key]
    return routes, unplannable


def board_report(uow: AbstractUnitOfWork, body_code: str, as_of: dt.date, *, forecasts=None) -> BoardReport:
    """The Report to Board for `body_code`'s next meeting on or after `as_of`."""
    with uow:
        body = uow.bodies.get(body_code)
        if body is None:
            codes = ", ".join(sorted(b.code for b in uow.bodies.list()))
            raise ModelError(f"no body {body_code!r} (bodies: {codes or 'none loaded'})")
        records = _Records.read(uow)
    return records.board_report(body, as_of, forecasts)


@dataclass
class _Records:
    """Everything the reports read, loaded once however many reports are written from it."""

    bodies: list
    documents: list
    decisions: list
    people: dict
    changes: list
    events: list
    plans: list
    conditions: list
    questions: list = field(default_factory=list)  # put at meetings (only read when a strategy has a framework)
    # Worked out once per day asked and kept (a records object `govflow serve` keeps between requests).
    _planned: dict = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, uow: AbstractUnitOfWork, snapshot: Snapshot | None = None) -> "_Records":
        """Read from the database; with `snapshot` (the night's, as saved), only what it does not
        hold (the re-forecast history and the audit events) is read."""
        if snapshot is None:
            bodies, documents, decisions = uow.bodies.list(), uow.documents.list(), uow.documents.list_decisions()
            people, plans, conditions = uow.people.list(), uow.plans.list(), uow.conditions.list()
        else:
            bodies, documents, decisions = snapshot.bodies, snapshot.documents, snapshot.decisions
            people, plans, conditions = snapshot.people, snapshot.plans, snapshot.conditions
        return cls(
            bodies=bodies,
            documents=documents,
            decisions=decisions,
            people={p.initials: p for p in people},
            changes=uow.documents.list_forecast_changes(),
            events=uow.audit.list(),
            plans=plans,
            conditions=conditions,
            questions=uow.questions.list() if strategy_reports.strategies(documents) else [],
        )

    @property
    def meetings(self) -> dict[str, list[Meeting]]:
        """Every body's meetings, by code."""
        return {b.code: b.meetings for b in self.bodies}

    def routes(self, as_of: dt.date) -> tuple[dict[str, RoutePlan], dict[str, Exception]]:
        """Each document's route planned on `as_of` (worked out once per day and kept), and why the
        documents that could not be planned could not."""
        if as_of not in self._planned:
            self._planned[as_of] = _routes(self.documents, self.bodies, self.decisions, as_of, None, self.conditions)
        return self._planned[as_of]

    def board_reports(
        self, bodies, as_of: dt.date, forecasts=None, judged: dict[str, PlanRag] | None = None, on_error: OnError | None = None
    ) -> list[BoardReport]:
        """The reports for `bodies`, each reading only the documents, changes and events that concern it.
        `judged`: the plans already judged on `as_of`, by key; the others a report shows are judged here.
        A report that cannot be built (a document on it cannot be planned) raises, or with `on_error`
        is handed to it (body code, error) and left out; the other reports are built."""
        judged = dict(judged or {})
        if forecasts:
            routes, unplannable = _routes(self.documents, self.bodies, self.decisions, as_of, forecasts, self.conditions)
        else:
            routes, unplannable = self.routes(as_of)
        documents_at: dict[str, list] = defaultdict(list)
        for document in self.documents:
            for code in dict.fromkeys(s.body_code for s in document.route.steps if s.body_code):
                documents_at[code].append(document)
        changes_of: dict[str, list] = defaultdict(list)
        for change in self.changes:
            changes_of[change.document_key].append(change)
        events_about: dict[str, list] = defaultdict(list)  # by document key, or by meeting key
        for event in self.events:
            events_about[event.subject.split("/", 1)[0]].append(event)
        publication = Publication(self.bodies, self.documents)
        reports = []
        for body in bodies:
            documents = documents_at.get(body.code, [])
            try:
                reports.append(self._board_report(body, documents, routes, unplannable, changes_of, events_about, judged, as_of, publication))
            except Exception as error:
                if on_error is None:
                    raise
                on_error(body.code, error)
        return reports

    def _board_report(self, body, documents, routes, unplannable, changes_of, events_about, judged, as_of, publication) -> BoardReport:
        for document in documents:
            if document.key in unplannable:
                raise unplannable[document.key]
        # The plans a board sees: those owned by someone whose document comes to it (the model has
        # no other tie between a plan and a board; a database may hold many councils). An exempt
        # document does not tie a plan to a public board, and a plan that is exempt business is
        # not shown to one.
        owners = {d.owner for d in documents if d.owner and (body.exempt or publication.document_is_public(d))}
        mine = []
        for plan in self.plans:
            if plan.owner in owners and (body.exempt or publication.plan_is_public(plan)):
                if plan.key not in judged:
                    judged[plan.key] = judge_plan(plan, as_of, self.conditions)
                mine.append(judged[plan.key])
        # The sittings the documents' steps are on: their moves and cancellations are progress.
        meeting_keys = {f.meeting_key for d in documents for f in routes[d.key].steps if f.meeting_key}
        keys = [d.key for d in documents] + sorted(meeting_keys)
        return build_board_report(
            body, documents, {d.key: routes[d.key] for d in documents},
            [c for d in documents for c in changes_of.get(d.key, ())],
            sorted((e for k in keys for e in events_about.get(k, ())), key=lambda e: (e.occurred_at, e.id or 0)),
            as_of, people=self.people, plans=tuple(mine), publication=publication, meetings_of=self.meetings,
        )

    def board_report(self, body, as_of: dt.date, forecasts=None) -> BoardReport:
        return self.board_reports([body], as_of, forecasts)[0]


def plan_report(uow: AbstractUnitOfWork, plan_key: str, as_of: dt.date) -> PlanReport:
    """An action plan judged on `as_of`: RAG with reasons for every action, recommendation and the plan."""
    with uow:
        plan = uow.plans.get(plan_key)
        if plan is None:
            keys = ", ".join(p.key for p in uow.plans.list())
            raise ModelError(f"no action plan {plan_key!r} (plans: {keys or 'none loaded'})")
        conditions = uow.conditions.list()
        framework = _framework_of(plan, uow.documents.get)
    return PlanReport(plan, judge_plan(plan, as_of, conditions), framework)


def _framework_of(plan: ActionPlan, document: Callable[[str], Document | None]) -> StrategyFramework | None:
    """The framework of the strategy `plan` delivers (None: it delivers none, or that has none)."""
    delivered = document(plan.strategy) if plan.strategy else None
    return delivered.framework if delivered is not None else None


def render_board(report: BoardReport) -> dict[str, bytes]:
    from reports.board import board_html, board_markdown

    return {".md": board_markdown(report).encode(), ".html": board_html(report).encode()}


def render_plan(report: PlanReport) -> dict[str, bytes]:
    from reports.plan import plan_html, plan_markdown
    from reports.plan_export import plan_csv, plan_xlsx

    return {
        ".md": plan_markdown(report.plan, report.judged).encode(),
        ".html": plan_html(report.plan, report.judged).encode(),
        ".csv": plan_csv(report.plan, report.judged, report.framework),
        ".xlsx": plan_xlsx(report.plan, report.judged, report.framework),
    }


def write_file(path: Path, data: bytes) -> bool:
    """Write `data` to `path` atomically (a reader never sees half a file); False if it was unchanged."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it owner-only; reports are read by web servers and colleagues
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def papers_window(body: Body, meeting: Meeting, calendar: WorkingCalendar) -> tuple[dt.date, dt.date] | None:
    """The nights a meeting's Report to Board is written: from a working week (`PREPARATION_DAYS`)
    before its papers deadline — the meeting day less the body's `papers_lead_days` working days, as
    the reminders and the feeds count it — up to the meeting day itself, while the papers are written
    and then read. With the usual 5 days of lead, the two working weeks before the meeting. Only a
    meeting with a date and a time that is not cancelled has one (a TBC meeting has no papers
    deadline yet)."""
    if meeting.starts_at is None or meeting.status is MeetingStatus.CANCELLED:
        return None
    day = meeting.starts_at.astimezone(LONDON).date()
    return calendar.add_working_days(day, -(body.papers_lead_days + PREPARATION_DAYS)), day


def open_papers_window(body: Body, day: dt.date, calendar: WorkingCalendar | None = None) -> Meeting | None:
    """The meeting of `body` whose papers window is open on `day`, or None."""
    calendar = calendar or WorkingCalendar()
    # n working days never span more than 2n + 14 calendar days (weekends, and Christmas at worst):
    # a meeting further off has no window open yet, and its window is not counted out day by day.
    reach = 2 * (body.papers_lead_days + PREPARATION_DAYS) + 14
    coming = sorted(
        (m for m in body.meetings if m.starts_at is not None and 0 <= (m.starts_at.astimezone(LONDON).date() - day).days <= reach),
        key=lambda m: m.starts_at,
    )
    for meeting in coming:
        window = papers_window(body, meeting, calendar)
        if window is None:
            continue
        if window[0] > day:
            return None  # a later meeting's window opens later still
        return meeting
    return None


@lru_cache(maxsize=1)
def _renderers() -> str:
    """A digest of the code that turns a report's sources into its files (the `reports` package, its
    templates, and the RAG and strategy roll-up rules): a new version of any of them makes every report new."""
    import governance_model.rag
    import governance_model.strategy_account
    import reports

    folder = Path(reports.__file__).parent
    paths = sorted(folder.rglob("*.py")) + sorted((folder / "templates").glob("*.j2")) + [Path(governance_model.rag.__file__), Path(governance_model.strategy_account.__file__)]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _digest(*parts: object) -> str:
    text = repr(parts)  # the model's dataclasses: plain values, tuples, lists and ordered dicts only
    if " object at 0x" in text:  # something without a stable repr: never the same twice
        text += os.urandom(16).hex()
    return hashlib.sha256(f"{_renderers()}\n{text}".encode()).hexdigest()


def plan_source(plan: ActionPlan, conditions: Iterable[Any], framework: StrategyFramework | None = None) -> str:
    """What a plan's report is made from, as a digest: the plan with its recommendations, actions
    and progress updates, the conditions its contingent actions wait for, and the framework of the
    strategy it delivers (whose names its columns show). Not the day: the nightly writes the report
    again when this changes, not because a day has passed."""
    return _digest("plan", plan, tuple(conditions), framework)


def board_source(report: BoardReport) -> str:
    """What a Report to Board shows, as a digest (its day included)."""
    return _digest("board", report)


def write_reports(
    uow_factory: Callable[[], AbstractUnitOfWork],
    out_dir: Path,
    as_of: dt.date,
    *,
    forecasts: dict[tuple[str, str], StepForecast] | None = None,
    on_error: OnError | None = None,
    records: Snapshot | None = None,
) -> list[WrittenReport]:
    """Write the night's reports into `out_dir` — board/<BODY>.md|.html, plan/<plan>.md|.html|.csv|.xlsx and
    strategy/<document>.md|.html|.csv|.xlsx —
    and record what each was made from in its index.json; returns the reports written:

    - the Report to Board of each public body a route comes to whose meeting's papers window is open
      on `as_of` (`papers_window`);
    - the report of each plan whose sources (`plan_source`) differ from those its files were written
      from, or whose files are missing;
    - the same for each public strategy (a document with a framework; govflow.services.strategy_reports).

    Every other report is left as it was written (it says the day it was written for).

    With `on_error` (what, error), a report that cannot be built or written is handed to it and the
    others are still written (one broken route never stops a council's reports); without, it raises.
    With `records` (the night's snapshot, as saved), what it holds is not read again."""
    out_dir = Path(out_dir)
    with uow_factory() as uow:
        records = _Records.read(uow, records)
    try:
        manifest = read_manifest(out_dir)
    except ReportError:
        manifest = {}  # a broken index: every report is written again, and the index with them

    def current(name: str, source: str, suffixes: tuple[str, ...]) -> bool:
        entry = manifest.get(name)
        return entry is not None and entry.source == source and all((out_dir / f"{name}{s}").exists() for s in suffixes)

    changed: list[tuple[PlanReport, str]] = []
    documents_by_key = {d.key: d for d in records.documents}
    publication = Publication(records.bodies, records.documents)
    public_plans = [p for p in records.plans if publication.plan_is_public(p)]
    for plan in public_plans:
        try:
            framework = _framework_of(plan, documents_by_key.get)
            source = plan_source(plan, records.conditions, framework)
            if not current(entry_name("plan", plan.key), source, PLAN_FORMATS):
                changed.append((PlanReport(plan, judge_plan(plan, as_of, records.conditions), framework), source))
        except Exception as error:
            if on_error is None:
                raise
            on_error(f"plan {plan.key}", error)
    strategies: list[tuple[Any, str]] = []
    for document in strategy_reports.strategies(d for d in records.documents if not d.exempt):
        try:
            parts = (document, records.plans, records.questions, records.bodies, records.documents, records.conditions)
            source = _digest("strategy", strategy_reports.strategy_sources(*parts))
            if not current(entry_name("strategy", document.key), source, strategy_reports.STRATEGY_FORMATS):
                strategies.append((strategy_reports.strategy_account(*parts, as_of), source))
        except Exception as error:
            if on_error is None:
                raise
            on_error(f"strategy {document.key}", error)
    calendar = WorkingCalendar()
    used = {s.body_code for d in records.documents for s in d.route.steps if s.body_code}
    bodies = []
    for body in sorted((b for b in records.bodies if b.code in used and not b.exempt), key=lambda b: b.code):
        try:
            if open_papers_window(body, as_of, calendar) is not None:
                bodies.append(body)
        except Exception as error:
            if on_error is None:
                raise
            on_error(f"board {body.code}", error)
    boards = records.board_reports(
        bodies, as_of, forecasts, {j.plan.key: j.judged for j, _ in changed},
        on_error=None if on_error is None else (lambda code, error: on_error(f"board {code}", error)),
    )
    for body in records.bodies:
        if body.exempt:  # marked exempt since its report was written: the public copy goes
            for suffix in BOARD_FORMATS:
                (out_dir / "board" / f"{body.code}{suffix}").unlink(missing_ok=True)
            manifest.pop(entry_name("board", body.code), None)
    for document in records.documents:
        if document.exempt:  # marked exempt since its strategy report was written: the public copy goes
            for suffix in strategy_reports.STRATEGY_FORMATS:
                (out_dir / "strategy" / f"{document.key}{suffix}").unlink(missing_ok=True)
            manifest.pop(entry_name("strategy", document.key), None)
    for plan in records.plans:
        if not publication.plan_is_public(plan):  # exempt business since its report was written: the public copy goes
            for suffix in PLAN_FORMATS:
                (out_dir / "plan" / f"{plan.key}{suffix}").unlink(missing_ok=True)
            manifest.pop(entry_name("plan", plan.key), None)
    kept = {entry_name("plan", p.key) for p in public_plans}
    kept |= {entry_name("strategy", d.key) for d in strategy_reports.strategies(records.documents)}
    for name in [n for n in manifest if n.startswith(("plan/", "strategy/")) and n not in kept]:
        del manifest[name]  # a plan (a strategy) no longer stored: its last files stay, as a board's do

    def write(kind: str, key: str, render: Callable[[Any], dict[str, bytes]], report: Any, source: str) -> tuple[tuple[Path, ...], dict[str, bytes]] | None:
        """Render one report, write its files as <kind>/<key><suffix> and note them in the index;
        None if it failed and `on_error` was told (its entry goes: the next night writes it again)."""
        name = entry_name(kind, key)
        try:
            files = render(report)
            paths = tuple(out_dir / kind / f"{key}{suffix}" for suffix in files)
            for path, data in zip(paths, files.values()):
                write_file(path, data)
            manifest[name] = WrittenEntry(source, as_of, {s: hashlib.sha256(d).hexdigest() for s, d in files.items()})
            return paths, files
        except Exception as error:
            manifest.pop(name, None)
            if on_error is None:
                raise
            on_error(f"{kind} {key}", error)
            return None

    written = []
    try:
        for board in boards:
            if (done := write("board", board.body_code, render_board, board, board_source(board))) is not None:
                paths, files = done
                written.append(WrittenReport("board", board.body_code, f"Report to {board.body_name}", paths, files[".md"].decode()))
        for report, source in changed:
            if (done := write("plan", report.plan.key, render_plan, report, source)) is not None:
                written.append(WrittenReport("plan", report.plan.key, report.plan.title, done[0], ""))  # only boards become artifacts
        for account, source in strategies:
            if (done := write("strategy", account.key, strategy_reports.render_strategy, account, source)) is not None:
                written.append(WrittenReport("strategy", account.key, account.title, done[0], ""))
    finally:
        write_file(manifest_path(out_dir), manifest_bytes(manifest))
    return written


@dataclass(frozen=True)
class RequestedReport:
    """A report asked for by name (`govflow serve`): what it is made from, ready to render."""

    kind: str  # "board" | "plan"
    key: str
    as_of: dt.date
    source: str  # board_source / plan_source: with `as_of`, names the files it renders to
    report: Any  # BoardReport | PlanReport

    def render(self) -> dict[str, bytes]:
        renderers = {"board": render_board, "plan": render_plan, "strategy": strategy_reports.render_strategy}
        return renderers[self.kind](self.report)


class BoardRecords:
    """The records Reports to Board are built from, kept between requests (`govflow serve`), with the
    routes planned for each day asked: read again when a document's or a plan's revision or the last
    nightly run changed (each cheap to ask the database; every change through govflow raises one of
    them), and at the latest `max_age` seconds after they were read (a name changed by a load raises
    no revision)."""

    def __init__(self, uow_factory: Callable[[], AbstractUnitOfWork], max_age: float = 300.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.uow_factory, self.max_age, self.monotonic = uow_factory, max_age, monotonic
        self._lock = threading.Lock()  # one read at a time: the others wait for it, then use it
        self._kept: tuple[object, float, _Records] | None = None

    def current(self) -> _Records:
        with self._lock, self.uow_factory() as uow:
            last = uow.nightly_runs.last()
            mark = (uow.documents.revisions(), uow.plans.revisions(), (last.as_of, last.finished_at) if last else None)
            kept = self._kept
            if kept is None or kept[0] != mark or self.monotonic() - kept[1] > self.max_age:
                kept = self._kept = (mark, self.monotonic(), _Records.read(uow))
            return kept[2]


def public_report(
    uow: AbstractUnitOfWork, kind: str, key: str, as_of: dt.date, board_records: BoardRecords | None = None
) -> RequestedReport | None:
    """The report the public may have on `as_of`: the Report to Board of a public body (what the
    public may see of its business), a public plan's report, or a public strategy's; None when there
    is no such report, and for an exempt body or a plan that is exempt business (its report is no
    public page). `board_records`: the records kept between
    requests (default: read now)."""
    if kind == "board":
        if board_records is not None:
            records = board_records.current()
            body = next((b for b in records.bodies if b.code == key), None)
        else:
            with uow:
                body = uow.bodies.get(key)
                records = _Records.read(uow) if body is not None and not body.exempt else None
        if body is None or body.exempt:
            return None
        report = records.board_report(body, as_of)
        return RequestedReport(kind, key, as_of, board_source(report), report)
    if kind == "plan":
        with uow:
            plan = uow.plans.get(key)
            if plan is None:
                return None
            delivered = uow.documents.get(plan.strategy) if plan.strategy else None
            # Only the bodies (their meetings) and the strategy it delivers decide whether a plan is public.
            if not Publication(uow.bodies.list(), [delivered] if delivered else []).plan_is_public(plan):
                return None
            conditions = uow.conditions.list()
            framework = delivered.framework if delivered is not None else None
        report = PlanReport(plan, judge_plan(plan, as_of, conditions), framework)
        return RequestedReport(kind, key, as_of, plan_source(plan, conditions, framework), report)
    if kind == "strategy":
        with uow:
            documents = uow.documents.list()
            document = next((d for d in documents if d.key == key), None)
            if document is None or document.exempt or document.framework is None:
                return None
            parts = (document, uow.plans.list(), uow.questions.list(about=key), uow.bodies.list(), documents, uow.conditions.list())
        source = _digest("strategy", strategy_reports.strategy_sources(*parts))
        return RequestedReport(kind, key, as_of, source, strategy_reports.strategy_account(*parts, as_of))
    return None


def current_file(out_dir: Path, requested: RequestedReport, suffix: str, manifest: dict[str, WrittenEntry] | None = None) -> bytes | None:
    """The bytes of `requested`'s file in the reports folder when it is the one the nightly wrote
    from the same sources for the same day (so rendering it now would give the same), else None.
    `manifest`: the folder's index as already read (default: read it now)."""
    if manifest is None:
        try:
            manifest = read_manifest(out_dir)
        except ReportError:
            return None
    entry = manifest.get(entry_name(requested.kind, requested.key))
    if entry is None or entry.source != requested.source or entry.as_of != requested.as_of or suffix not in entry.files:
        return None
    try:
        data = (Path(out_dir) / requested.kind / f"{requested.key}{suffix}").read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == entry.files[suffix] else None


def report_paths(written: Iterable[WrittenReport]) -> list[Path]:
    return [p for w in written for p in w.files]
