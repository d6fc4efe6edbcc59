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
from govflow import cli_changes, cli_updates, services, wiring
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
        for column in ("step", "body", "when", "date", "state"):
            table.add_column(column)
        for step in doc.steps:
            style = {"overdue": "red", "due": "bold", "done": "dim", "stopped": "dim"}.get(step.state, "")
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
            out.print(f"  RAG: {plan.rag} — {plan.rag_reason}", highlight=False, soft_wrap=True)
            out.print("  actions due: 0; overdue: 0", highlight=False)
            continue
        table = Table(title=f"{plan.title} ({plan.key})", title_justify="left")
        for column in ("rec", "action", "who", "when", "deadline", "state"):
            table.add_column(column)
        for state, actions in (("overdue", plan.overdue), ("due", plan.due)):
            for a in actions:
                table.add_row(a.recommendation, a.text, a.owner or "", a.when_text or "", str(a.due), state, style="red" if state == "overdue" else "")
        out.print(table)
        out.print(f"  RAG: {plan.rag} — {plan.rag_reason} (`govflow report plan {plan.key}` says why)", highlight=False, soft_wrap=True)
        out.print(f"  actions due: {len(plan.due)}; overdue: {len(plan.overdue)}", highlight=False)


@app.command()
def demo(
    as_of: Annotated[str, typer.Option("--as-of", help="the day to show the status for")] = DEMO_AS_OF.isoformat(),
) -> None:
    """Create the database, load the Southend example, run the nightly flow and show the status."""
    settings = Settings.from_env()
    day = _date(as_of, "--as-of")
    try:
        out.print(f"database ready: {wiring.init_database(settings)}", highlight=False)
        summary = services.load_files([EXAMPLES / "southend" / "setup.yaml"], wiring.unit_of_work(settings))
        _print_load_summary(summary)
        out.print("running the nightly flow through Prefect (the first run starts a temporary Prefect server)…", highlight=False)
        _prepare_prefect()
        from flows.nightly import NightlyParameters, nightly

        print_nightly_summary(nightly(NightlyParameters(as_of=day)))
        print_status(services.status(wiring.unit_of_work(settings), day))
    except Error as exc:
        _fail(str(exc))


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on (0: any free port)")] = 8000,
    feeds_dir: Annotated[Optional[Path], typer.Option("--feeds-dir", help="published feeds (default: GOVFLOW_FEEDS_DIR or <GOVFLOW_DATA_DIR>/feeds)")] = None,
    public_url: Annotated[Optional[str], typer.Option("--public-url", envvar="GOVFLOW_PUBLIC_URL", help="where subscribers reach this server, e.g. https://feeds.council.example.org")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="worker processes sharing the port (each re-reads index.json when it changes)")] = 1,
) -> None:
    """Serve the calendar feeds and their subscribe page until stopped (Ctrl-C)."""
    from govflow.web.serve import serve  # imported here: `govflow when` must stay fast

    folder = feeds_dir or Settings.from_env().feeds_dir

    def ready(page_url: str) -> None:
        out.print(f"serving feeds from {folder}", highlight=False)
        if not (Path(folder) / "index.json").exists():
            out.print("  no index.json there yet: no feeds until they are published", highlight=False)
        out.print(f"subscribe page: {page_url}/", highlight=False)
        out.file.flush()  # a supervisor reading a pipe sees the address before the first request

    try:
        serve(folder, host, port, public_url, workers=workers, on_ready=ready)
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc}")


# --- Calendar feeds: build them into a folder, rotate a person's private feed token ----------------

feeds_app = typer.Typer(no_args_is_help=True, help="Calendar feeds: build them, rotate a person's private feed token.")
token_app = typer.Typer(no_args_is_help=True, help="The secret token in a person's private feed address.")
feeds_app.add_typer(token_app, name="token")
app.add_typer(feeds_app, name="feeds")


@feeds_app.command("build")
def feeds_build(
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="folder to write the feeds to (default: GOVFLOW_FEEDS_DIR)")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD: plan routes without stored forecasts as of this day (default: today)")] = None,
) -> None:
    """Write every calendar feed (.ics) and their index.json; unchanged feeds are left untouched."""
    from calendars.publish import publish

    settings = Settings.from_env()
    day = _date(as_of, "--as-of") or dt.date.today()
    target = out_dir or settings.feeds_dir
    try:
        published = publish(lambda: wiring.unit_of_work(settings), target, day, dt.datetime.now(dt.timezone.utc), settings.public_url)
    except Error as exc:
        _fail(str(exc))
    for item in published:
        visibility = "public" if item.feed.public else "private"
        changed = "written" if item.written else "unchanged"
        out.print(f"{item.file}  {visibility}  {item.events} events  ({changed})", highlight=False, soft_wrap=True)
    out.print(f"{len(published)} feeds in {target}; index: {Path(target) / 'index.json'}", highlight=False, soft_wrap=True)


@token_app.command("rotate")
def feeds_token_rotate(initials: Annotated[str, typer.Argument(help="the person's initials, e.g. GB")]) -> None:
    """Give a person a new private feed token; the old address stops working after the next build."""
    from calendars.publish import rotate_feed_token

    settings = Settings.from_env()
    try:
        token = rotate_feed_token(wiring.unit_of_work(settings), initials, dt.datetime.now(dt.timezone.utc))
    except Error as exc:
        _fail(str(exc))
    out.print(f"new feed token for {initials}: person/{token.token}.ics (published at the next `govflow feeds build`)", highlight=False, soft_wrap=True)


cli_changes.register(app)
cli_updates.register(app)

from govflow import cli_reports  # noqa: E402 - registers `govflow report …`

cli_reports.register(app)


# --- The nightly Prefect flow: run it once, register its deployment, serve its schedule -----------
# prefect is imported inside these commands only: importing it takes over a second, and the other
# commands (`govflow when` above all) must stay fast.


def _prepare_prefect() -> None:
    """Defaults for Prefect in this process; must run before prefect is first imported."""
    import os

    os.environ.setdefault("DO_NOT_TRACK", "1")  # no telemetry calls from a closed network
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # With no PREFECT_API_URL Prefect starts a temporary server; its 20 s default is too close to
    # the ~16 s that takes on a fresh PREFECT_HOME here.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _require_prefect_server(command: str) -> None:
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        _fail(
            f"`govflow {command}` needs a Prefect server: without PREFECT_API_URL Prefect uses a temporary "
            "server of its own, which never creates scheduled runs. Start one with `prefect server start` "
            "and export PREFECT_API_URL=http://127.0.0.1:4200/api"
        )


@app.command("nightly")
def nightly_command(
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD (default: today in Europe/London)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
) -> None:
    """Run the nightly flow once, now, through Prefect: bring every route up to date, catching up missed nights."""
    day = _date(as_of, "--as-of")
    _prepare_prefect()
    from flows.nightly import NightlyParameters, nightly

    try:
        summary = nightly(NightlyParameters(as_of=day))
    except Error as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps(summary))
        return
    print_nightly_summary(summary)


def print_nightly_summary(summary: dict) -> None:
    nights = summary["nights"]
    if not nights:
        out.print(f"nightly runs have already reached {summary['as_of']}: nothing changed", highlight=False)
        if summary.get("digests_sent") or summary.get("sends_failed"):
            out.print(f"  digests sent that were waiting: {summary['digests_sent']}; sends failed: {summary['sends_failed']}", highlight=False)
        return
    ran = f"{nights[0]}" if len(nights) == 1 else f"{len(nights)} nights, {nights[0]} to {nights[-1]} (caught up)"
    out.print(f"nightly run for {summary['as_of']}: ran {ran}", highlight=False)
    moved = summary["documents_moved"]
    out.print(f"  documents moved: {len(moved)}{' (' + ', '.join(moved) + ')' if moved else ''}", highlight=False)
    out.print(
        f"  steps moved: {summary['steps_moved']}; steps overdue: {summary['steps_overdue']}; "
        f"dates re-forecast: {summary['dates_reforecast']}",
        highlight=False,
    )
    if "digests_sent" in summary:
        out.print(
            f"  reminders owed: {summary['reminders_owed']}; digests sent: {summary['digests_sent']}; "
            f"sends failed: {summary['sends_failed']}",
            highlight=False,
        )
    if summary.get("reports_written"):
        folder = Path(summary["reports_written"][0]).parent.parent
        out.print(f"  reports written: {len(summary['reports_written'])} files in {folder}", highlight=False, soft_wrap=True)


@app.command("deploy")
def deploy_command() -> None:
    """Register (or update) the nightly deployment in the Prefect server: daily at 03:00 Europe/London."""
    _prepare_prefect()
    from flows import deployment

    _require_prefect_server("deploy")
    deployment_id = deployment.apply_deployment()
    out.print(f"deployment {deployment.FULL_NAME} ({deployment_id})", highlight=False)
    out.print(f"  cron: {deployment.CRON}", highlight=False)
    out.print(f"  time zone: {deployment.TIMEZONE}", highlight=False)
    out.print("  runs are executed by `govflow serve-nightly` (or a worker) while it runs", highlight=False)


@app.command("serve-nightly")
def serve_nightly_command() -> None:
    """Run the nightly deployment's scheduled runs from this process until stopped (Ctrl-C)."""
    _prepare_prefect()
    from flows import deployment

    _require_prefect_server("serve-nightly")
    out.print(f"serving {deployment.FULL_NAME}: cron {deployment.CRON!r} in {deployment.TIMEZONE}", highlight=False)
    deployment.serve_nightly()


# --- end of the nightly Prefect commands -----------------------------------------------------------


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.exit(130)
