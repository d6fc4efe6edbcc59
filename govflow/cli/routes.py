"""The commands that change routes and meetings: `decide`, `meeting move|cancel|confirm`, `step done`,
`condition met`. Each parses, calls govflow.services.route_changes, and prints what changed and which
dates moved."""
from __future__ import annotations

import datetime as dt
import getpass
import re
from typing import Annotated, Optional

import typer

from governance_model.model import Condition, Decision, DecisionOutcome
from governance_model.reason_words import day_words, move_words
from govflow import wiring
from govflow.clock import LONDON
from govflow.cli.console import fail, out, parse_date
from govflow.services import route_changes
from govflow.settings import Settings

OUTCOMES = ", ".join(o.value for o in DecisionOutcome)

meeting_app = typer.Typer(no_args_is_help=True, help="List meetings and their keys; move, cancel or confirm one (it keeps its identity).")
step_app = typer.Typer(no_args_is_help=True, help="Record a step of a route as done, or that it will be late.")
condition_app = typer.Typer(no_args_is_help=True, help="Record that what contingent actions wait for has happened.")

By = Annotated[Optional[str], typer.Option("--by", help="who is making the change (default: your login name)")]
Why = Annotated[str, typer.Option("--why", help="the reason, kept in the audit trail")]
AsOf = Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD: re-forecast as of this day (default: today)")]


def _local_datetime(value: str, option: str) -> dt.datetime:
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})", value.strip())
    try:
        if not match:
            raise ValueError
        day = dt.date.fromisoformat(match.group(1))
        return dt.datetime.combine(day, dt.time(int(match.group(2)), int(match.group(3))), tzinfo=LONDON)
    except ValueError:
        fail(f"{option} {value!r} is not a local date and time in the form 'YYYY-MM-DD HH:MM'")


def _who(by: str | None, why: str, as_of: str | None) -> dict:
    clock = wiring.clock()
    return {
        "actor": by or getpass.getuser(),
        "reason": why,
        "as_of": parse_date(as_of, "--as-of") or clock.today(),
        "now": clock.now(),
    }


def _report(result: route_changes.ChangeResult) -> None:
    """What changed, then every date that moved with it, in words: the step's title, the old and
    new days, and why (a step that had no date and has one again is a date that moved)."""
    out.print(result.description, highlight=False)
    if not result.reforecast:
        out.print("No other dates moved.", highlight=False)
        return
    print_moved_dates(result)


def print_moved_dates(result: route_changes.ChangeResult, indent: str = "") -> None:
    """"N dates moved:" and each date that moved, in words."""
    count = len(result.reforecast)
    out.print(f"{indent}{count} {'date' if count == 1 else 'dates'} moved:", highlight=False)
    for change in result.reforecast:
        title = result.step_title(change.document_key, change.step_key)
        document = result.documents.get(change.document_key, change.document_key)
        was = day_words(change.old_date) if change.old_date else "no date"
        now = day_words(change.new_date) if change.new_date else "no date"
        why = move_words(change, result.titles.get(change.document_key, {}))
        out.print(f"{indent}  - {document}: “{title}”, {was} → {now}: {why}", highlight=False)


def _run(change, *args, **kwargs) -> None:
    result = change(wiring.unit_of_work(Settings()), *args, **kwargs)
    _report(result)


def decide(
    document: Annotated[str, typer.Argument(help="the document's key")],
    step: Annotated[str, typer.Argument(help="the step's key")],
    outcome: Annotated[str, typer.Argument(help=OUTCOMES)],
    on: Annotated[str, typer.Option("--on", help="YYYY-MM-DD: the day it was decided")],
    why: Why = "",
    body: Annotated[Optional[str], typer.Option(help="the body that decided (default: the step's body)")] = None,
    meeting: Annotated[Optional[str], typer.Option(help="the meeting's key")] = None,
    minute: Annotated[str, typer.Option(help="the minute text, e.g. 'RESOLVED that …'")] = "",
    back_to: Annotated[Optional[str], typer.Option("--back-to", help="referred back: the revise step to go back to")] = None,
    by: By = None,
    as_of: AsOf = None,
) -> None:
    """Record what a body resolved on a step; the route moves on, waits, goes back or stops."""
    try:
        outcome_value = DecisionOutcome(outcome)
    except ValueError:
        fail(f"outcome {outcome!r} is not one of: {OUTCOMES}")
    decision = Decision(document, step, body or "", outcome_value, parse_date(on, "--on"), meeting_key=meeting, minute=minute, back_to=back_to)
    _run(route_changes.record_decision, decision, **_who(by, why, as_of))


@meeting_app.command("move")
def meeting_move(
    key: Annotated[str, typer.Argument(help="the meeting's key, e.g. SSPB-2022-01-06")],
    to: Annotated[str, typer.Option("--to", help="'YYYY-MM-DD HH:MM', Europe/London")],
    why: Why = "",
    by: By = None,
    as_of: AsOf = None,
) -> None:
    """Move a meeting; every step that sits on it or waits for it is re-forecast."""
    _run(route_changes.move_meeting, key, _local_datetime(to, "--to"), **_who(by, why, as_of))


@meeting_app.command("cancel")
def meeting_cancel(key: Annotated[str, typer.Argument(help="the meeting's key")], why: Why = "", by: By = None, as_of: AsOf = None) -> None:
    """Cancel a meeting; its steps go to the body's next meeting."""
    _run(route_changes.cancel_meeting, key, **_who(by, why, as_of))


@meeting_app.command("confirm")
def meeting_confirm(
    key: Annotated[str, typer.Argument(help="the meeting's key")],
    at: Annotated[Optional[str], typer.Option("--at", help="'YYYY-MM-DD HH:MM' for a meeting still TBC")] = None,
    why: Why = "",
    by: By = None,
    as_of: AsOf = None,
) -> None:
    """Confirm a tentative (or cancelled) meeting, fixing its date if it had none."""
    starts_at = _local_datetime(at, "--at") if at else None
    _run(route_changes.confirm_meeting, key, starts_at, **_who(by, why, as_of))


@step_app.command("done")
def step_done(
    document: Annotated[str, typer.Argument(help="the document's key")],
    step: Annotated[str, typer.Argument(help="the step's key")],
    on: Annotated[str, typer.Option("--on", help="YYYY-MM-DD: the day it was done")],
    why: Why = "",
    by: By = None,
    as_of: AsOf = None,
) -> None:
    """Record that a step was done (a share, a consultation, a revision)."""
    _run(route_changes.mark_step_done, document, step, parse_date(on, "--on"), **_who(by, why, as_of))


@condition_app.command("met")
def condition_met(
    name: Annotated[str, typer.Argument(help='what the actions wait for, as their When says it: "DfE", "cabinet"')],
    on: Annotated[str, typer.Option("--on", help="YYYY-MM-DD: the day it happened")],
    note: Annotated[str, typer.Option(help="what happened, in words")] = "",
    why: Why = "",
    by: By = None,
    as_of: AsOf = None,
) -> None:
    """Record that a condition is met ("DfE contingent" actions then fall due and are reminded)."""
    _run(route_changes.record_condition, Condition(name, parse_date(on, "--on"), note), **_who(by, why, as_of))


def register(app: typer.Typer) -> None:
    app.command()(decide)
    app.add_typer(meeting_app, name="meeting")
    app.add_typer(step_app, name="step")
    app.add_typer(condition_app, name="condition")
