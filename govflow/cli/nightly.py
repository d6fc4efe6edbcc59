"""The nightly Prefect flow from the command line: `nightly` runs it once, `deploy` registers its
deployment, `serve-nightly` runs its scheduled runs.

prefect is imported inside these commands only: importing it takes over a second, and the other
commands (`govflow when` above all) must stay fast."""
from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from govflow import wiring
from govflow.cli.console import err, fail, out, parse_date, print_nightly_summary
from govflow.cli.where_things_went import print_where_things_went
from govflow.settings import Settings


# Prefect's own lines on the console (each task's start and end, the temporary server's address)
# are for whoever looks into a run: `govflow nightly` and `demo` show them with --verbose only. The
# run's logs still reach the Prefect server (its UI) in full; warnings and errors always show.
QUIET_CONSOLE_LEVEL = "WARNING"
Verbose = Annotated[bool, typer.Option("--verbose", help="show Prefect's log of the run on stderr (its tasks, its server)")]


def prepare_prefect(verbose: bool = True) -> None:
    """Defaults for Prefect in this process; must run before prefect is first imported. Without
    `verbose`, Prefect's console shows warnings and errors only (unless
    PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL says otherwise)."""
    import os

    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", QUIET_CONSOLE_LEVEL)
    os.environ.setdefault("DO_NOT_TRACK", "1")  # no telemetry calls from a closed network
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # With no PREFECT_API_URL Prefect starts a temporary server; its 20 s default is too close to
    # the ~16 s that takes on a fresh PREFECT_HOME here.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def prefect_server() -> str:
    """Which Prefect server this process's flow runs use, in words; a configured one that does not
    answer is said now (exit 2), not after a long wait inside the run. Call after prepare_prefect()."""
    import urllib.request

    from prefect.settings import get_current_settings

    from notifications.redaction import scrub_urls

    url = get_current_settings().api.url
    if not url:
        return "a temporary Prefect server started for this run (10-15 s; set PREFECT_API_URL to use a running one)"
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=10):
            pass
    except OSError as error:
        fail(f"the Prefect server at {scrub_urls(url)} (PREFECT_API_URL) does not answer: {getattr(error, 'reason', error)}")
    return f"the Prefect server at {scrub_urls(url)} (PREFECT_API_URL)"


def require_prefect_server(command: str) -> None:
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        fail(
            f"`govflow {command}` needs a Prefect server: without PREFECT_API_URL Prefect uses a temporary "
            "server of its own, which never creates scheduled runs. Start one with `prefect server start` "
            "and export PREFECT_API_URL=http://127.0.0.1:4200/api"
        )


def nightly_command(
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD (default: today in Europe/London)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    verbose: Verbose = False,
) -> None:
    """Run the nightly flow once, now, through Prefect: bring every route up to date, catching up
    missed nights; ends by saying where the reminders, feeds and reports went."""
    day = parse_date(as_of, "--as-of")
    settings = Settings()
    wiring.check(settings, wiring.clock())  # a bad setting is said here, not as a failed flow run
    prepare_prefect(verbose)
    # Said on stderr with --json, so that stdout stays one JSON object.
    (err if as_json else out).print(f"Prefect: {prefect_server()}", highlight=False, soft_wrap=True)
    from flows.nightly import NightlyParameters, nightly

    state = nightly(NightlyParameters(as_of=day), return_state=True)
    summary = state.result(raise_on_failure=False)
    if not isinstance(summary, dict):  # the run itself failed: the error is what it raised
        raise summary if isinstance(summary, Exception) else RuntimeError(str(summary))
    if as_json:
        typer.echo(json.dumps(summary))
    else:
        print_councils_night(summary)
        print_where_things_went(settings, list(summary.get("councils") or [settings.organisation]))
    if summary.get("failed"):  # left out documents, plans or feeds: everything else ran
        raise typer.Exit(1)


def print_councils_night(summary: dict) -> None:
    """The nightly summary: one council's as it always was; many councils' totals, then each council
    that gave way to another run of its night."""
    from flows.council_night import SKIPPED

    if summary.get(SKIPPED):  # this council's night was already running: nothing was done, nothing failed
        out.print(summary[SKIPPED], highlight=False, soft_wrap=True)
        return
    if "councils" in summary:
        out.print(f"councils: {len(summary['councils'])}", highlight=False)
    print_nightly_summary(summary)
    for skipped in summary.get("skipped", []):
        out.print(f"  {skipped}", highlight=False, soft_wrap=True)


def deploy_command(
    work_pool: Annotated[
        Optional[str], typer.Option("--work-pool", help="a process work pool whose workers run the nightly and its councils' nights")
    ] = None,
) -> None:
    """Register (or update) the nightly deployment (daily at 03:00 Europe/London) and the runs of
    councils' nights it starts on the workers, in the Prefect server."""
    prepare_prefect()
    from flows import deployment

    require_prefect_server("deploy")
    ids = deployment.apply_deployments(work_pool)
    out.print(f"deployment {deployment.FULL_NAME} ({ids[deployment.FULL_NAME]})", highlight=False)
    out.print(f"  cron: {deployment.CRON}", highlight=False)
    out.print(f"  time zone: {deployment.TIMEZONE}", highlight=False)
    out.print(f"deployment {deployment.COUNCIL_FULL_NAME} ({ids[deployment.COUNCIL_FULL_NAME]})", highlight=False)
    out.print("  runs of up to GOVFLOW_COUNCILS_PER_RUN councils each night, started by the nightly run", highlight=False)
    if work_pool:
        out.print(
            f"  on the work queue {deployment.COUNCILS_QUEUE} of {work_pool}, at most {Settings().councils_at_once} at once "
            "(its concurrency limit, GOVFLOW_COUNCILS_AT_ONCE)",
            highlight=False,
        )
        out.print(f"  runs are executed by the workers of the work pool {work_pool}: `prefect worker start --pool {work_pool}`", highlight=False)
    else:
        out.print("  runs are executed by `govflow serve-nightly` while it runs (or workers: deploy with --work-pool)", highlight=False)


def serve_nightly_command() -> None:
    """Run the nightly deployment's scheduled runs from this process until stopped (Ctrl-C)."""
    wiring.check(Settings(), wiring.clock())  # the runs read the same settings: refuse bad ones now
    prepare_prefect()
    from flows import deployment

    require_prefect_server("serve-nightly")
    out.print(f"serving {deployment.FULL_NAME}: cron {deployment.CRON!r} in {deployment.TIMEZONE}", highlight=False)
    deployment.serve_nightly()


def register(app: typer.Typer) -> None:
    app.command("nightly")(nightly_command)
    app.command("deploy")(deploy_command)
    app.command("serve-nightly")(serve_nightly_command)
