"""`govflow meetings sync [BODY] [--dry-run] [--as-of DATE]`: read each linked body's meeting source
and make its stored meetings agree, printing per body what changed in words; exit 1 when a source
could not be read or a change could not be made (like `govflow send`), 0 otherwise.
`govflow meetings committees SITE`: the committees a ModernGov site lists, with the ids that link a body."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from governance_model.reason_words import day_words
from govflow import wiring
from govflow.cli.console import err, out, parse_date
from govflow.cli.routes import print_moved_dates
from govflow.services import meeting_sync
from govflow.settings import Settings

meetings_app = typer.Typer(no_args_is_help=True, help="Keep bodies' meetings in step with the council's committee system (ModernGov, CMIS, a calendar).")


@meetings_app.command("sync")
def sync(
    body: Annotated[Optional[str], typer.Argument(help="the body's code (default: every body with a source)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="say what would change; store nothing")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD: sync and re-forecast as of this day (default: today)")] = None,
) -> None:
    """Read each body's source: new, moved, cancelled and disappeared meetings are stored (moves and
    cancellations re-forecast the steps on them, as `govflow meeting move|cancel` do)."""
    settings = Settings()
    clock = wiring.clock()
    day = parse_date(as_of, "--as-of") or clock.today()
    results = meeting_sync.sync_bodies(
        wiring.unit_of_work_factory(settings), body, wiring.meeting_source_reader(settings), as_of=day, now=clock.now(), dry_run=dry_run
    )
    if not results:
        out.print("no body has a source: give one `source:` in the setup file (moderngov, cmis or ics)", highlight=False)
        return
    for result in results:
        _print(result, day)
    if not all(result.ok for result in results):
        raise typer.Exit(1)


def _print(result: meeting_sync.SyncResult, day) -> None:
    heading = f"{result.body_code} ({result.source}), as of {day_words(day)}"
    if result.failure is not None:
        out.print(f"{heading}: could not be read; its meetings are as they were", highlight=False, markup=False)
        err.print(f"  {result.body_code}: {result.failure}", highlight=False, markup=False, soft_wrap=True)
        return
    plan = result.plan
    if plan.nothing_changed and not plan.changes and not plan.problems:
        out.print(f"{heading}: nothing changed", highlight=False, markup=False)
        return
    out.print(f"{heading}{' — dry run, nothing stored' if result.dry_run else ''}:", highlight=False, markup=False)
    failed = {id(change): error for change, error in result.failed}
    width = max(len(kind) for kind in ["problem" if plan.problems else "", *(c.kind.value for c in plan.changes)])
    for change in plan.changes:
        line = f"  {change.kind.value:<{width}}  {change.meeting_key}  {change.words}"
        if id(change) in failed:
            line += f" — NOT DONE: {failed[id(change)]}"
        out.print(line, highlight=False, markup=False, soft_wrap=True)
    if plan.nothing_changed:
        out.print("  nothing changed", highlight=False)
    for problem in plan.problems:  # a warning: the meeting was still read; a problem: it was left out
        label = "warning" if problem.kept else "problem"
        out.print(f"  {label:<{width}}  {problem.where}: {problem.reason} (text: {problem.text!r})", highlight=False, markup=False, soft_wrap=True)
    for outcome in result.outcomes:
        if outcome.reforecast:
            print_moved_dates(outcome, indent="  ")


@meetings_app.command("committees")
def committees(site: Annotated[str, typer.Argument(help="the ModernGov site, e.g. https://democracy.example.gov.uk")]) -> None:
    """The committees a ModernGov site lists (expired and deleted ones left out), each with the id a
    body's `source: {moderngov: SITE, committee: ID}` takes."""
    from committee_systems.fetching import fetch, moderngov_service, redacted
    from committee_systems.moderngov import read_committees

    settings = Settings()
    address = f"{moderngov_service(site)}/GetCommittees"
    answer = fetch(address, max_bytes=settings.source_max_bytes, timeout=settings.source_timeout_seconds)
    found = read_committees(answer, address=redacted(address))  # its messages never show a password
    if not found:
        out.print("the site lists no current committees", highlight=False)
    for committee in found:
        category = f"  ({committee.category})" if committee.category else ""
        out.print(f"{committee.committee_id:>6}  {committee.title}{category}", highlight=False, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(meetings_app, name="meetings")
