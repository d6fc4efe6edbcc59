"""The command `govflow update`: add a progress update to a recommendation or action of a plan, from
options or from a file in seed 001's shape. Parses, calls govflow.services.progress_recording, prints
what was recorded."""
from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, Optional

import typer

from governance_model.model import ProgressUpdate
from govflow import wiring
from govflow.cli.console import fail, out, parse_date
from govflow.services import progress_recording
from govflow.services.file_loading import FileLimits
from govflow.settings import Settings

Texts = Optional[list[str]]


def update(
    plan: Annotated[str, typer.Argument(help="the plan's key (`govflow load` prints it)")],
    number: Annotated[Optional[str], typer.Argument(help="the recommendation's number, e.g. 1 or 6a (not with --file)")] = None,
    on: Annotated[Optional[str], typer.Option("--on", help="YYYY-MM-DD: the day of the update (with --file: of blocks that give no Date:)")] = None,
    action: Annotated[Optional[int], typer.Option("--action", help="the action's number within the recommendation (1, 2, …)")] = None,
    done: Annotated[Texts, typer.Option("--done", help="what we have done so far (repeat for each item)")] = None,
    difference: Annotated[Texts, typer.Option("--difference", help="the difference this makes (repeatable)")] = None,
    develop: Annotated[Texts, typer.Option("--develop", help="what we need to develop (repeatable)")] = None,
    next_: Annotated[Texts, typer.Option("--next", help="next steps (repeatable)")] = None,
    complete: Annotated[bool, typer.Option("--complete", help="the action is complete on this day (needs --action)")] = False,
    by: Annotated[Optional[str], typer.Option("--by", help="the author's initials, e.g. GB (also kept as who made the change; default: your login name)")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", help="load every update in this file (seed 001's shape)")] = None,
    why: Annotated[str, typer.Option("--why", help="the reason, kept in the audit trail")] = "",
) -> None:
    """Record a dated progress update (what we have done, the difference it makes, what we need to
    develop, next steps) on a recommendation or one of its actions; updates are never overwritten."""
    day = parse_date(on, "--on")
    texts = {
        name: [t.strip() for t in values or [] if t.strip()]
        for name, values in (("--done", done), ("--difference", difference), ("--develop", develop), ("--next", next_))
    }
    actor = by or getpass.getuser()
    now = wiring.clock().now()
    settings = Settings()
    uow = wiring.unit_of_work(settings)
    if file is not None:
        given = [name for name, value in texts.items() if value]
        given += [name for name, value in (("NUMBER", number), ("--action", action)) if value is not None]
        given += ["--complete"] if complete else []
        if given:
            fail(f"--file gives the updates itself: leave out {', '.join(given)}")
        result = progress_recording.load_updates(
            uow, plan, file, recorded_on=day, actor=actor, now=now, author=by, reason=why, limits=FileLimits.of(settings)
        )
    else:
        if number is None:
            fail("say which recommendation (NUMBER), or load updates from a file (--file)")
        if day is None:
            fail("--on is needed: the day of the update (YYYY-MM-DD)")
        if complete and action is None:
            fail("--complete needs --action: only an action is complete")
        if not complete and not any(texts.values()):
            fail("the update says nothing: give --done, --difference, --develop or --next (or --complete with --action)")
        item = ProgressUpdate(
            recommendation_number=number.strip().lower(),
            recorded_on=day,
            done=texts["--done"],
            difference=texts["--difference"],
            to_develop=texts["--develop"],
            next_steps=texts["--next"],
            action_position=action,
            author=by,
            action_complete=complete,
        )
        result = progress_recording.add_update(uow, plan, item, actor=actor, now=now, reason=why)
    _report(result)


def _report(result: progress_recording.ProgressResult) -> None:
    out.print(f"plan {result.plan_title} ({result.plan_key})", highlight=False, soft_wrap=True)
    count = len(result.added)
    out.print(f"recorded {count} progress update{'' if count == 1 else 's'}", highlight=False)
    for item in result.added:
        out.print(f"  {item.label}: {item.recorded_on.isoformat()}", highlight=False, soft_wrap=True)
    if result.already_recorded:
        out.print("already recorded, not added again:", highlight=False)
        for item in result.already_recorded:
            out.print(f"  {item.label}: already recorded on {item.recorded_on.isoformat()}", highlight=False, soft_wrap=True)
    if result.completed:
        out.print("actions now complete:", highlight=False)
        for line in result.completed:
            out.print(f"  {line}", highlight=False, soft_wrap=True)
    for note in result.notes:
        out.print(f"note: {note}", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command()(update)
