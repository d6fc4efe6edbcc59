"""The `govflow` command: parses arguments, calls a service, prints. Errors go to stderr, exit 2.

Each command group is a module of this package; this one assembles them into one typer app."""
from __future__ import annotations

import sys

import typer

from govflow.cli import basics, feeds, nightly, reminders, reports, routes, serve, updates

app = typer.Typer(add_completion=False, no_args_is_help=True, help="govflow: governance workflow for partnership boards.")

# The order of `govflow --help`.
basics.register(app)  # init, load, when, status, demo
serve.register(app)  # serve
feeds.register(app)  # feeds build, feeds token rotate
routes.register(app)  # decide, meeting move|cancel|confirm, step done, condition met
reminders.register(app)  # send
updates.register(app)  # update
reports.register(app)  # report board|plan
nightly.register(app)  # nightly, deploy, serve-nightly


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.exit(130)
