"""The first commands: `init` (the database), `load` (setup, plan and term-dates files), `when` (how a
date phrase reads, against the council's term dates once loaded), `status` (where everything stands)
and `demo` (all of it on the Southend example)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from governance_model.school_terms import terms_for_reading
from governance_model.when import read_when
from govflow import wiring
from govflow.cli.console import out, parse_date, print_load_summary, print_nightly_summary, print_status
from govflow.services import file_loading, status_overview
from govflow.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEMO_AS_OF = dt.date(2021, 10, 6)  # the SSPB meeting that seed 000's report went to


def init() -> None:
    """Create or upgrade the database (SQLite under GOVFLOW_DATA_DIR unless GOVFLOW_DATABASE_URL is set)."""
    settings = Settings()
    where = wiring.init_database(settings)
    out.print(f"database ready: {where}", highlight=False)


def load(
    files: Annotated[
        list[Path],
        typer.Argument(help="setup .yaml files, plan .txt/.tsv/.csv/.xlsx files and term dates (.ics, or .csv/.yaml of terms)"),
    ],
) -> None:
    """Load setup, plan and term-dates files. All or nothing: one bad row and nothing is stored.
    Term dates are read first; the setup and plan files are read against them."""
    settings = Settings()
    summary = file_loading.load_files(files, wiring.unit_of_work(settings), file_loading.FileLimits.of(settings))
    print_load_summary(summary)


def when(
    phrase: Annotated[str, typer.Argument(help='a date as written, e.g. "Quarterly wef Jan 2022"')],
    context: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD: the date phrases without a year are read against")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the reading as one JSON object")] = False,
) -> None:
    """Show how govflow reads a date phrase (school terms: the council's loaded term dates, else the shipped table)."""
    context_date = parse_date(context, "--context") or wiring.clock().today()
    reading = read_when(phrase, context_date, terms_for_reading(wiring.stored_term_dates(Settings())))
    if as_json:
        typer.echo(json.dumps(reading.to_json()))
        return
    table = Table(show_header=False)
    for key, value in reading.to_json().items():
        table.add_row(key, "—" if value is None else str(value))
    out.print(table)


def status(
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD (default: today)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print as JSON")] = False,
) -> None:
    """Each document's current step, next deadline and overdue steps; each plan's due and overdue actions."""
    settings = Settings()
    day = parse_date(as_of, "--as-of") or wiring.clock().today()
    result = status_overview.status(wiring.unit_of_work(settings), day)
    if as_json:
        typer.echo(json.dumps(asdict(result), default=str, indent=2))
        return
    print_status(result)


def demo(
    as_of: Annotated[str, typer.Option("--as-of", help="the day to show the status for")] = DEMO_AS_OF.isoformat(),
    verbose: Annotated[bool, typer.Option("--verbose", help="show Prefect's log of the run on stderr (its tasks, its server)")] = False,
) -> None:
    """Create the database, load the Southend example, run the nightly flow, show the status and say
    where the reminders, calendar feeds and reports went."""
    from govflow.cli.nightly import prefect_server, prepare_prefect
    from govflow.cli.where_things_went import print_where_things_went

    settings = Settings()
    day = parse_date(as_of, "--as-of")
    wiring.check(settings, wiring.clock())  # before anything is stored or Prefect started
    out.print(f"database ready: {wiring.init_database(settings)}", highlight=False)
    summary = file_loading.load_files(
        [EXAMPLES / "southend" / "setup.yaml"], wiring.unit_of_work(settings), file_loading.FileLimits.of(settings)
    )
    print_load_summary(summary)
    prepare_prefect(verbose)
    out.print(
        f"running the nightly flow through Prefect, on {prefect_server()}; each council's night runs in this process…",
        highlight=False, soft_wrap=True,
    )
    from flows.nightly import NightlyParameters, nightly

    night = nightly(NightlyParameters(as_of=day, children="in_process"))
    print_nightly_summary(night)
    print_status(status_overview.status(wiring.unit_of_work(settings), day))
    print_where_things_went(settings, list(night.get("councils") or [settings.organisation]))


def register(app: typer.Typer) -> None:
    for command in (init, load, when, status, demo):
        app.command()(command)
