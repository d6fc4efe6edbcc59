"""Writing the reports: gather what a Report to Board or an action-plan report needs from the
database, judge it for a day, render it with the `reports` package and write the Markdown, HTML, CSV
and Excel files (`govflow report …` and the nightly flow).

The nightly writes only what may be published (governance_model.publication): no report to an
exempt body is written into the reports folder (one written before the body was marked exempt is
removed), so none becomes a Prefect artifact either. `govflow report board` still gives an exempt
body its own report when asked for it by name."""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from governance_model.board_report import BoardReport, build_board_report
from governance_model.errors import ModelError
from governance_model.linked_routes import plan_routes
from governance_model.model import ActionPlan, StepForecast
from governance_model.ports import AbstractUnitOfWork
from governance_model.publication import Publication
from governance_model.rag import PlanRag, judge_plan
from governance_model.route_planner import MeetingIndex, RoutePlan
from governance_model.working_days import WorkingCalendar


@dataclass(frozen=True)
class PlanReport:
    plan: ActionPlan
    judged: PlanRag


@dataclass(frozen=True)
class WrittenReport:
    kind: str  # "board" | "plan"
    key: str  # the body code or plan key
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

    @classmethod
    def read(cls, uow: AbstractUnitOfWork) -> "_Records":
        return cls(
            bodies=uow.bodies.list(),
            documents=uow.documents.list(),
            decisions=uow.documents.list_decisions(),
            people={p.initials: p for p in uow.people.list()},
            changes=uow.documents.list_forecast_changes(),
            events=uow.audit.list(),
            plans=uow.plans.list(),
            conditions=uow.conditions.list(),
        )

    def board_reports(
        self, bodies, as_of: dt.date, forecasts=None, judged: dict[str, PlanRag] | None = None, on_error: OnError | None = None
    ) -> list[BoardReport]:
        """The reports for `bodies`, each reading only the documents, changes and events that concern it.
        `judged`: the plans already judged on `as_of`, by key; the others a report shows are judged here.
        A report that cannot be built (a document on it cannot be planned) raises, or with `on_error`
        is handed to it (body code, error) and left out; the other reports are built."""
        judged = dict(judged or {})
        routes, unplannable = _routes(self.documents, self.bodies, self.decisions, as_of, forecasts, self.conditions)
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
        # document does not tie a plan to a public board.
        owners = {d.owner for d in documents if d.owner and (body.exempt or publication.document_is_public(d))}
        mine = []
        for plan in self.plans:
            if plan.owner in owners:
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
            as_of, people=self.people, plans=tuple(mine), publication=publication,
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
    return PlanReport(plan, judge_plan(plan, as_of, conditions))


def render_board(report: BoardReport) -> dict[str, bytes]:
    from reports.board import board_html, board_markdown

    return {".md": board_markdown(report).encode(), ".html": board_html(report).encode()}


def render_plan(report: PlanReport) -> dict[str, bytes]:
    from reports.plan import plan_html, plan_markdown
    from reports.plan_export import plan_csv, plan_xlsx

    return {
        ".md": plan_markdown(report.plan, report.judged).encode(),
        ".html": plan_html(report.plan, report.judged).encode(),
        ".csv": plan_csv(report.plan, report.judged),
        ".xlsx": plan_xlsx(report.plan, report.judged),
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


def write_reports(
    uow_factory: Callable[[], AbstractUnitOfWork],
    out_dir: Path,
    as_of: dt.date,
    *,
    forecasts: dict[tuple[str, str], StepForecast] | None = None,
    on_error: OnError | None = None,
) -> list[WrittenReport]:
    """Write every board report (bodies a route comes to) and every plan report into `out_dir`:
    board/<BODY>.md|.html and plan/<plan>.md|.html|.csv|.xlsx.

    With `on_error` (what, error), a report that cannot be built or written is handed to it and the
    others are still written (one broken route never stops a council's reports); without, it raises."""
    out_dir = Path(out_dir)
    with uow_factory() as uow:
        records = _Records.read(uow)
    judged = []
    for plan in records.plans:
        try:
            judged.append(PlanReport(plan, judge_plan(plan, as_of, records.conditions)))
        except Exception as error:
            if on_error is None:
                raise
            on_error(f"plan {plan.key}", error)
    used = {s.body_code for d in records.documents for s in d.route.steps if s.body_code}
    bodies = sorted((b for b in records.bodies if b.code in used and not b.exempt), key=lambda b: b.code)
    boards = records.board_reports(
        bodies, as_of, forecasts, {j.plan.key: j.judged for j in judged},
        on_error=None if on_error is None else (lambda code, error: on_error(f"board {code}", error)),
    )
    for body in records.bodies:
        if body.exempt:  # marked exempt since its report was written: the public copy goes
            for suffix in (".md", ".html"):
                (out_dir / "board" / f"{body.code}{suffix}").unlink(missing_ok=True)
    def write(kind: str, key: str, render: Callable[[Any], dict[str, bytes]], report: Any) -> tuple[tuple[Path, ...], dict[str, bytes]] | None:
        """Render one report and write its files as <kind>/<key><suffix>; None if it failed and
        `on_error` was told."""
        try:
            files = render(report)
            paths = tuple(out_dir / kind / f"{key}{suffix}" for suffix in files)
            for path, data in zip(paths, files.values()):
                write_file(path, data)
            return paths, files
        except Exception as error:
            if on_error is None:
                raise
            on_error(f"{kind} {key}", error)
            return None

    written = []
    for board in boards:
        if (done := write("board", board.body_code, render_board, board)) is not None:
            paths, files = done
            written.append(WrittenReport("board", board.body_code, f"Report to {board.body_name}", paths, files[".md"].decode()))
    for report in judged:
        if (done := write("plan", report.plan.key, render_plan, report)) is not None:
            written.append(WrittenReport("plan", report.plan.key, report.plan.title, done[0], ""))  # only boards become artifacts
    return written


def report_paths(written: Iterable[WrittenReport]) -> list[Path]:
    return [p for w in written for p in w.files]
