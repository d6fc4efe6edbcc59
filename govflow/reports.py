"""Reports as a service: gather what a Report to Board or an action-plan report needs from the
database, judge it for a day, and write the Markdown, HTML, CSV and Excel files (`govflow report …`
and the nightly flow)."""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from governance_model.board_report import BoardReport, build_board_report
from governance_model.errors import ModelError
from governance_model.model import ActionPlan, StepForecast
from governance_model.rag import PlanRag, judge_plan
from governance_model.route_planner import MeetingIndex, RoutePlan, plan_route
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
    markdown: str


def _routes(documents, bodies, decisions, as_of: dt.date, forecasts: dict[tuple[str, str], StepForecast] | None) -> dict[str, RoutePlan]:
    """Each document's route on `as_of`: the nightly run's forecasts when given, else planned now."""
    meetings, calendar = MeetingIndex(bodies), WorkingCalendar()
    routes = {}
    for document in documents:
        if forecasts and all((document.key, s.key) in forecasts for s in document.route.steps):
            steps = tuple(forecasts[(document.key, s.key)] for s in sorted(document.route.steps, key=lambda s: s.position))
            routes[document.key] = RoutePlan(document.key, as_of, steps)
        else:
            routes[document.key] = plan_route(document, meetings, decisions, as_of, calendar)
    return routes


def board_report(uow, body_code: str, as_of: dt.date, *, forecasts=None) -> BoardReport:
    """The Report to Board for `body_code`'s next meeting on or after `as_of`."""
    with uow:
        body = uow.repo.get_body(body_code)
        if body is None:
            codes = ", ".join(sorted(b.code for b in uow.repo.list_bodies()))
            raise ModelError(f"no body {body_code!r} (bodies: {codes or 'none loaded'})")
        return _board_report(uow.repo, body, as_of, forecasts)


def _board_report(repo, body, as_of: dt.date, forecasts, *, bodies=None, documents=None, plans=None) -> BoardReport:
    bodies = bodies if bodies is not None else repo.list_bodies()
    documents = documents if documents is not None else repo.list_documents()
    routes = _routes(documents, bodies, repo.list_decisions(), as_of, forecasts)
    people = {p.initials: p for p in repo.list_people()}
    return build_board_report(
        body, documents, routes, repo.list_forecast_changes(), repo.list_audit_events(), as_of,
        people=people, plans=plans or (),
    )


def plan_report(uow, plan_key: str, as_of: dt.date) -> PlanReport:
    """An action plan judged on `as_of`: RAG with reasons for every action, recommendation and the plan."""
    with uow:
        plan = uow.repo.get_plan(plan_key)
        if plan is None:
            keys = ", ".join(p.key for p in uow.repo.list_plans())
            raise ModelError(f"no action plan {plan_key!r} (plans: {keys or 'none loaded'})")
        conditions = uow.repo.list_conditions()
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
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_reports(
    uow_factory: Callable[[], object],
    out_dir: Path,
    as_of: dt.date,
    *,
    forecasts: dict[tuple[str, str], StepForecast] | None = None,
) -> list[WrittenReport]:
    """Write every board report (bodies a route comes to) and every plan report into `out_dir`:
    board/<BODY>.md|.html and plan/<plan>.md|.html|.csv|.xlsx."""
    out_dir = Path(out_dir)
    with uow_factory() as uow:
        repo = uow.repo
        bodies, documents, plans = repo.list_bodies(), repo.list_documents(), repo.list_plans()
        conditions = repo.list_conditions()
        judged = [PlanReport(p, judge_plan(p, as_of, conditions)) for p in plans]
        used = {s.body_code for d in documents for s in d.route.steps if s.body_code}
        boards = [
            _board_report(repo, body, as_of, forecasts, bodies=bodies, documents=documents, plans=[j.judged for j in judged])
            for body in sorted(bodies, key=lambda b: b.code)
            if body.code in used
        ]
    written = []
    for report in boards:
        files = render_board(report)
        paths = tuple(out_dir / "board" / f"{report.body_code}{suffix}" for suffix in files)
        for path, data in zip(paths, files.values()):
            write_file(path, data)
        written.append(WrittenReport("board", report.body_code, f"Report to {report.body_name}", paths, files[".md"].decode()))
    for report in judged:
        files = render_plan(report)
        paths = tuple(out_dir / "plan" / f"{report.plan.key}{suffix}" for suffix in files)
        for path, data in zip(paths, files.values()):
            write_file(path, data)
        written.append(WrittenReport("plan", report.plan.key, report.plan.title, paths, files[".md"].decode()))
    return written


def report_paths(written: Iterable[WrittenReport]) -> list[Path]:
    return [p for w in written for p in w.files]
