"""`govflow report board BODY`, `govflow report plan PLAN` and `govflow report strategy KEY`: the
reports boards read, for a day."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from govflow import wiring
from govflow.cli.console import fail, out, parse_date
from govflow.services import report_writing, strategy_reports
from govflow.settings import Settings

report_app = typer.Typer(no_args_is_help=True, help="Reports: the Report to Board, an action plan with RAG, and a strategy finding by finding.")

FORMATS = {"md": ".md", "html": ".html", "csv": ".csv", "xlsx": ".xlsx"}


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


def _write(kind: str, key: str, files: dict[str, bytes], out_dir: Path | None, formats: list[str]) -> None:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        fail(f"--format {unknown[0]!r} is not one of: {', '.join(FORMATS)}")
    wanted = [FORMATS[f] for f in formats] if formats else list(files)
    missing = [s for s in wanted if s not in files]
    if missing:
        fail(f"a {kind} report comes as {', '.join(s.lstrip('.') for s in files)}, not {missing[0].lstrip('.')}")
    if out_dir is None:
        if wanted != [".md"] and formats:
            fail("without --out only Markdown is printed: give --out DIR for other formats")
        typer.echo(files[".md"].decode(), nl=False)
        return
    for suffix in wanted:
        path = Path(out_dir) / f"{key}{suffix}"
        report_writing.write_file(path, files[suffix])
        out.print(str(path), highlight=False, soft_wrap=True)


def _report(kind: str, key: str, as_of: str | None, out_dir: Path | None, formats: list[str] | None, build, render) -> None:
    """Build the report for `key` on the day, then print or write it."""
    day = parse_date(as_of, "--as-of") or wiring.clock().today()
    report = build(wiring.unit_of_work(Settings()), key, day)
    _write(kind, key, render(report), out_dir, formats or [])


@report_app.command("board")
def board(
    body: Annotated[str, typer.Argument(help="the body's code, e.g. SSPB")],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD: the day the report is written (default: today)")] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="folder to write the report to (default: print the Markdown)")] = None,
    formats: Annotated[Optional[list[str]], typer.Option("--format", help="md or html (repeatable; default with --out: both)")] = None,
) -> None:
    """The Report to Board for BODY's next meeting: progress since its last meeting, activities with
    by-when, the revised timetable and the decisions required."""
    _report("board", body, as_of, out_dir, formats, report_writing.board_report, report_writing.render_board)


@report_app.command("plan")
def plan(
    plan_key: Annotated[str, typer.Argument(metavar="PLAN", help="the plan's key (see `govflow status`)")],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD: the day RAG is judged on (default: today)")] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="folder to write the report to (default: print the Markdown)")] = None,
    formats: Annotated[Optional[list[str]], typer.Option("--format", help="md, html, csv or xlsx (repeatable; default with --out: all four)")] = None,
) -> None:
    """An action plan with status, RAG and the reason for it, and the latest update, per recommendation."""
    _report("plan", plan_key, as_of, out_dir, formats, report_writing.plan_report, report_writing.render_plan)


@report_app.command("strategy")
def strategy(
    key: Annotated[str, typer.Argument(metavar="KEY", help="the strategy's document key (a document with findings, threads and strands)")],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD: the day RAG is judged on (default: today)")] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="folder to write the report to (default: print the Markdown)")] = None,
    formats: Annotated[Optional[list[str]], typer.Option("--format", help="md, html, csv or xlsx (repeatable; default with --out: all four)")] = None,
) -> None:
    """How a strategy answers for itself: for each finding, thread and strand, the actions serving it
    with their RAG and latest update, its own RAG, the gaps; the findings × strands matrix; the
    questions at meetings and the actions their answers led to."""
    _report("strategy", key, as_of, out_dir, formats, strategy_reports.strategy_report, strategy_reports.render_strategy)
