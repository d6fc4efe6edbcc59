"""`govflow send`: send the reminder digests waiting in the outbox now."""
from __future__ import annotations

import typer

from govflow import wiring
from govflow.cli.console import err, out
from govflow.settings import Settings


def send() -> None:
    """Send every pending reminder digest now (the nightly flow does this too); failures stay pending."""
    report = wiring.send_pending_reminders(Settings(), wiring.clock())
    out.print(f"digests sent: {report.sent}; failed: {report.failed}", highlight=False)
    for error in report.errors:
        err.print(f"  {error}", highlight=False)
    if report.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(send)
