"""The nightly Prefect flow from the command line: `nightly` runs it once, `deploy` registers its
deployment, `serve-nightly` runs its scheduled runs.

prefect is imported inside these commands only: importing it takes over a second, and the other
commands (`govflow when` above all) must stay fast."""
from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from govflow import wiring
from govflow.cli.console import fail, out, parse_date, print_nightly_summary
from govflow.settings import Settings


def prepare_prefect() -> None:
    """Defaults for Prefect in this process; must run before prefect is first imported."""
    import os

    os.environ.setdefault("DO_NOT_TRACK", "1")  # no telemetry calls from a closed network
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # With no PREFECT_API_URL Prefect starts a temporary server; its 20 s default is too close to
    # the ~16 s that takes on a fresh PREFECT_HOME here.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


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
) -> None:
    """Run the nightly flow once, now, through Prefect: bring every route up to date, catching up missed nights."""
    day = parse_date(as_of, "--as-of")
    wiring.check(Settings(), wiring.clock())  # a bad setting is said here, not as a failed flow run
    prepare_prefect()
    from flows.nightly import NightlyParameters, nightly

    state = nightly(NightlyParameters(as_of=day), return_state=True)
    summary = state.result(raise_on_failure=False)
    if not isinstance(summary, dict):  # the run itself failed: the error is what it raised
        raise summary if isinstance(summary, Exception) else RuntimeError(str(summary))
    if as_json:
        typer.echo(json.dumps(summary))
    else:
        print_nightly_summary(summary)
    if summary.get("failed"):  # left out documents, plans or feeds: everything else ran
        raise typer.Exit(1)


def deploy_command() -> None:
    """Register (or update) the nightly deployment in the Prefect server: daily at 03:00 Europe/London."""
    prepare_prefect()
    from flows import deployment

    require_prefect_server("deploy")
    deployment_id = deployment.apply_deployment()
    out.print(f"deployment {deployment.FULL_NAME} ({deployment_id})", highlight=False)
    out.print(f"  cron: {deployment.CRON}", highlight=False)
    out.print(f"  time zone: {deployment.TIMEZONE}", highlight=False)
    out.print("  runs are executed by `govflow serve-nightly` (or a worker) while it runs", highlight=False)


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
