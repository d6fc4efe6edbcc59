"""The `govflow` command: parses arguments, calls a service, prints. Errors go to stderr, exit 2.

Each command group is a module of this package; this one assembles them into one typer app, whose
root command holds the one error handler."""
from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from governance_model.errors import Error
from govflow.cli import answers, basics, directory, feeds, meeting_sources, nightly, reminders, reports, routes, serve, updates
from govflow.cli.console import print_error


class GovflowCommand(TyperGroup):
    """The root `govflow` command. Its `main` (what the console script and typer's CliRunner both
    run) is the one error handler: any govflow error, from any package, becomes `error: <message>`
    on stderr and exit code 2, never a traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        except Error as error:  # the root of the one error tree (governance_model.errors)
            print_error(error)
            sys.exit(2)


app = typer.Typer(
    cls=GovflowCommand, add_completion=False, no_args_is_help=True, help="govflow: governance workflow for partnership boards."
)

# The order of `govflow --help`.
basics.register(app)  # init, load, when, status, demo
serve.register(app)  # serve
feeds.register(app)  # feeds build, feeds show, feeds token rotate
routes.register(app)  # decide, meeting list|move|cancel|confirm, step done, condition met
answers.register(app)  # step late, action late, answers list|confirm
directory.register(app)  # people, documents (and meeting list, in the meeting group)
meeting_sources.register(app)  # meetings sync
reminders.register(app)  # send
updates.register(app)  # update
reports.register(app)  # report board|plan|strategy
nightly.register(app)  # nightly, deploy, serve-nightly


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.exit(130)
