"""The `govflow` command: parses arguments, calls a service, prints. Errors go to stderr, exit 2."""
from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from governance_model.errors import Error
from governance_model.when import read_when
from govflow import services, wiring
from govflow.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="govflow: governance workflow for partnership boards.")
out = Console()
err = Console(stderr=True)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEMO_AS_OF = dt.date(2021, 10, 6)  # the SSPB meeting that seed 000's report went to


def _fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"{option} {value!r} is not a date in the form YYYY-MM-DD")


@app.command()
def init() -> None:
    """Create or upgrade the database (SQLite under GOVFLOW_DATA_DIR unless GOVFLOW_DATABASE_URL is set)."""
    settings = Settings.from_env()
    try:
        where = wiring.init_database(settings)
    except Error as exc:
        _fail(str(exc))
    out.print(f"database ready: {where}", highlight=False)


@app.command()
def load(files: Annotated[list[Path], typer.Argument(help="setup .yaml files and plan .txt/.tsv/.csv/.xlsx files")]) -> None:
    """Load setup and plan files. All or nothing: one bad row and nothing is stored."""
    settings = Settings.from_env()
    try:
        summary = services.load_files(files, wiring.unit_of_work(settings))
    except Error as exc:
        _fail(str(exc))
    _print_load_summary(summary)


def _print_load_summary(summary: services.LoadSummary) -> None:
    parts = [
        f"{summary.people} people",
        f"{summary.bodies} bodies ({summary.meetings} meetings)",
        f"{summary.documents} documents ({summary.steps} route steps)",
        f"{summary.glossary_terms} glossary terms",
    ]
    out.print("loaded: " + ", ".join(parts), highlight=False)
    for plan in summary.plans:
        out.print(f"plan [bold]{plan.title}[/] ({plan.key}) from {plan.source}", highlight=False)
        out.print(
            f"  {len(plan.numbers)} recommendations: {', '.join(plan.numbers)}; "
            f"{plan.actions} actions; {plan.measures} measures of success",
            highlight=False,
        )
        out.print(f"  owners: {', '.join(plan.owners)}", highlight=False)
        for a, b in plan.merges:
            out.print(f"  recommendations {a} and {b} are to be merged", highlight=False)
        for a, b in plan.alignments:
            out.print(f"  recommendation {a} is aligned to recommendation {b}", highlight=False)


@app.command()
def when(
    phrase: Annotated[str, typer.Argument(help='a date as written, e.g. "Quarterly wef Jan 2022"')],
    context: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD: the date phrases without a year are read against")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the reading as one JSON object")] = False,
) -> None:
    """Show how govflow reads a date phrase."""
    context_date = _date(context, "--context") or dt.date.today()
    try:
        reading = read_when(phrase, context_date)
    except Error as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps(reading.to_json()))
        return
    table = Table(show_header=False)
    for key, value in reading.to_json().items():
        table.add_row(key, "—" if value is None else str(value))
    out.print(table)


@app.command()
def status(
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD (default: today)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print as JSON")] = False,
) -> None:
    """Each document's current step, next deadline and overdue steps; each plan's due and overdue actions."""
    settings = Settings.from_env()
    day = _date(as_of, "--as-of") or dt.date.today()
    try:
        result = services.status(wiring.unit_of_work(settings), day)
    except Error as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps(asdict(result), default=str, indent=2))
        return
    print_status(result)


def print_status(result: services.Status) -> None:
    out.print(f"[bold]Status as of {result.as_of:%A %d %B %Y}[/]", highlight=False)
    for doc in result.documents:
        table = Table(title=f"{doc.title} ({doc.key})", title_justify="left")
        for column in ("step", "body", "when", "deadline", "state"):
            table.add_column(column)
        for step in doc.steps:
            style = {"overdue": "red", "current": "bold", "done": "dim"}.get(step.state, "")
            table.add_row(step.title, step.body_code or "", step.when_text or "", str(step.deadline or ""), step.state, style=style)
        out.print(table)
        if doc.stopped:
            out.print("  stopped: rejected", highlight=False)
        else:
            out.print(
                f"  current step: {doc.current_step or 'none'}; next deadline: {doc.next_deadline or 'none'}; "
                f"overdue steps: {len(doc.overdue)}",
                highlight=False,
            )
    for plan in result.plans:
        if not plan.due and not plan.overdue:
            out.print(f"[bold]{plan.title}[/] ({plan.key})", highlight=False)
            out.print("  actions due: 0; overdue: 0", highlight=False)
            continue
        table = Table(title=f"{plan.title} ({plan.key})", title_justify="left")
        for column in ("rec", "action", "who", "when", "deadline", "state"):
            table.add_column(column)
        for state, actions in (("overdue", plan.overdue), ("due", plan.due)):
            for a in actions:
                table.add_row(a.recommendation, a.text, a.owner or "", a.when_text or "", str(a.due), state, style="red" if state == "overdue" else "")
        out.print(table)
        out.print(f"  actions due: {len(plan.due)}; overdue: {len(plan.overdue)}", highlight=False)


@app.command()
def demo(
    as_of: Annotated[str, typer.Option("--as-of", help="the day to show the status for")] = DEMO_AS_OF.isoformat(),
) -> None:
    """Create the database, load the Southend example and show its status."""
    settings = Settings.from_env()
    day = _date(as_of, "--as-of")
    try:
        out.print(f"database ready: {wiring.init_database(settings)}", highlight=False)
        summary = services.load_files([EXAMPLES / "southend" / "setup.yaml"], wiring.unit_of_work(settings))
        _print_load_summary(summary)
        print_status(services.status(wiring.unit_of_work(settings), day))
    except Error as exc:
        _fail(str(exc))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.exit(130)
