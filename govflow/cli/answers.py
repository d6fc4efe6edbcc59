"""The commands for what owners answer from a reminder: `step late` and `action late` (the date an
owner now expects, as they write it), and `answers list|confirm` (the "done" answers a body's
secretary confirms). Each parses, calls a service (govflow.services.expected_dates, done_answers)
and prints what changed."""
from __future__ import annotations

from typing import Annotated

import typer

from govflow import wiring
from govflow.cli.console import out
from govflow.cli.routes import AsOf, By, Why, _report, _who, step_app
from govflow.services import done_answers, expected_dates
from govflow.settings import Settings

action_app = typer.Typer(no_args_is_help=True, help="Say that an action of a plan will be late.")
answers_app = typer.Typer(no_args_is_help=True, help="List and confirm the 'done' answers awaiting a secretary's confirmation.")

Expected = Annotated[str, typer.Option("--expected", help='the date now expected, as people write it: "end of March", "w/c 14 March"')]


def _late(item_key: str, expected: str, why: str, by: str | None, as_of: str | None) -> None:
    who = _who(by, why, as_of)
    result = expected_dates.expect_late(
        wiring.unit_of_work(Settings()), item_key, expected, why, actor=who["actor"], as_of=who["as_of"], now=who["now"]
    )
    _report(result)


@step_app.command("late")
def step_late(
    document: Annotated[str, typer.Argument(help="the document's key")],
    step: Annotated[str, typer.Argument(help="the step's key")],
    expected: Expected,
    why: Annotated[str, typer.Option("--why", help="why it will be late: shown with every date it moves")] = "",
    by: By = None,
    as_of: AsOf = None,
) -> None:
    """Say a step will be late: it is planned on the date now expected, and the steps after it move."""
    _late(f"step:{document}/{step}", expected, why, by, as_of)


@action_app.command("late")
def action_late(
    plan: Annotated[str, typer.Argument(help="the plan's key")],
    recommendation: Annotated[str, typer.Argument(help="the recommendation's number, e.g. 6a")],
    position: Annotated[int, typer.Argument(help="the action's position in the recommendation")],
    expected: Expected,
    why: Annotated[str, typer.Option("--why", help="why it will be late: shown in its RAG and reminders")] = "",
    by: By = None,
    as_of: AsOf = None,
) -> None:
    """Say an action will be late: its RAG and reminders count to the date now expected."""
    _late(f"action:{plan}/{recommendation}/{position}", expected, why, by, as_of)


@answers_app.command("list")
def answers_list() -> None:
    """The 'done' answers awaiting a secretary's confirmation, oldest first."""
    shown = done_answers.awaiting_answers(wiring.unit_of_work(Settings()))
    if not shown:
        out.print("No answers are awaiting confirmation.", highlight=False)
        return
    for item in shown:
        secretary = f" — for {item.secretary} to confirm" if item.secretary else ""
        out.print(f"{item.answer.id}. {item.document}: “{item.title}” ({item.answer.body_code}): {item.words}{secretary}", highlight=False)


@answers_app.command("confirm")
def answers_confirm(
    answer: Annotated[int, typer.Argument(help="the answer's number, from `govflow answers list`")],
    why: Why = "",
    by: By = None,
    as_of: AsOf = None,
) -> None:
    """Confirm an owner's 'done': the step is done on the day they said, and the dates after it move."""
    who = _who(by, why, as_of)
    result = done_answers.confirm_answer(
        wiring.unit_of_work(Settings()), answer, by=who["actor"], as_of=who["as_of"], now=who["now"], reason=why
    )
    _report(result)


def register(app: typer.Typer) -> None:
    app.add_typer(action_app, name="action")
    app.add_typer(answers_app, name="answers")
