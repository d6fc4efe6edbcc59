"""The commands that say what there is and what it is called: `people` (each person, the bodies they
sit on, what they own and their own calendar's address), `meeting list` (each meeting's key, date
or TBC window, status and the documents on it) and `documents` (each document's current step).

Each prints lines a person can copy from (keys and addresses are never cut or wrapped), or with
--json one JSON document for scripts."""
from __future__ import annotations

import dataclasses
import json
from typing import Annotated, Any, Optional

import typer
from rich.markup import escape

from govflow import wiring
from govflow.cli.console import out, parse_date
from govflow.cli.routes import meeting_app
from govflow.services import directory
from govflow.settings import Settings

AsOf = Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD: plan the routes as of this day (default: today)")]
Json = Annotated[bool, typer.Option("--json", help="print as JSON")]


def say(text: str) -> None:
    """One line, printed as it is: keys and addresses whole, to copy."""
    out.print(escape(text), highlight=False, soft_wrap=True)


def print_json(value: Any) -> None:
    typer.echo(json.dumps(_plain(value), indent=2, default=str))


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def people_command(as_json: Json = False) -> None:
    """Everyone govflow knows: the bodies they sit on, what they own, and their own calendar's address."""
    settings = Settings()
    entries = directory.people(wiring.unit_of_work(settings), settings.public_url)
    if as_json:
        print_json(entries)
        return
    if not entries:
        say("no people loaded yet: `govflow load setup.yaml` (or `govflow demo`)")
        return
    for entry in entries:
        print_person(entry)
    if any(e.feed is None for e in entries):
        say("people without a calendar address get one at the next `govflow nightly` or `govflow feeds build`")


def print_person(entry: directory.PersonEntry) -> None:
    who = " — ".join(part for part in (entry.name if entry.name != entry.initials else "", entry.role) if part)
    say(f"{entry.initials}{'  ' + who if who else ''}{f'  <{entry.email}>' if entry.email else ''}")
    bodies = []
    if entry.secretary_of:
        bodies.append(f"secretary of {', '.join(entry.secretary_of)}")
    if entry.steps_at:
        bodies.append(f"brings papers to {', '.join(entry.steps_at)}")
    say(f"  bodies: {'; '.join(bodies) or 'none'}")
    owns = [_count(len(entry.documents), "document"), _count(entry.steps, "route step"), _count(entry.actions, "plan action")]
    say(f"  owns: {', '.join(owns)}")
    if entry.feed is None:
        say("  calendar: none yet (made by the next `govflow nightly` or `govflow feeds build`)")
    else:
        say(f"  calendar: {entry.feed.webcal}")
        say(f"            {entry.feed.https}")


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


@meeting_app.command("list")
def meeting_list(
    body: Annotated[Optional[str], typer.Argument(help="only this body's meetings, e.g. SSPB")] = None,
    since: Annotated[Optional[str], typer.Option("--from", help="YYYY-MM-DD: only meetings on or after this day (TBC ones: whose window ends then or later)")] = None,
    as_of: AsOf = None,
    as_json: Json = False,
) -> None:
    """List meetings with their keys (what `meeting confirm|move|cancel` take), dates or TBC windows, status and the documents on them."""
    settings = Settings()
    day = parse_date(as_of, "--as-of") or wiring.clock().today()
    entries = directory.meetings(wiring.unit_of_work(settings), day, body, parse_date(since, "--from"))
    if as_json:
        print_json([{**_plain(e), "when": e.when} for e in entries])
        return
    if not entries:
        say("no meetings" + (f" from {since}" if since else "") + (f" of {body}" if body else ""))
        return
    for entry in entries:
        exempt = " (exempt: not published)" if entry.exempt else ""
        say(f"{entry.key}  {entry.body_code}  {entry.when}  {entry.status}{exempt}")
        for item in entry.on_it:
            say(f"    {item.document_key} / {item.step_key}: {item.step_title} ({item.state})")
        if entry.part_two:
            say(f"    {entry.part_two} exempt item{'s' if entry.part_two != 1 else ''} (not for publication)")
    tbc = [e for e in entries if e.starts_at is None and e.status != "cancelled"]
    if tbc:
        say(f"to fix a TBC meeting's date: govflow meeting confirm {tbc[0].key} --at 'YYYY-MM-DD HH:MM'")


def documents_command(as_of: AsOf = None, as_json: Json = False) -> None:
    """List the documents with their current step (the first not yet done), its body, date and meeting."""
    settings = Settings()
    day = parse_date(as_of, "--as-of") or wiring.clock().today()
    result = directory.documents(wiring.unit_of_work(settings), day)
    if as_json:
        print_json(result)
        return
    if not result.documents and not result.part_two:
        say("no documents loaded yet: `govflow load setup.yaml` (or `govflow demo`)")
    for doc in result.documents:
        about = ", ".join(part for part in (f"owner {doc.owner}" if doc.owner else "", doc.version or "") if part)
        say(f"{doc.key}  {doc.title}{f'  ({about})' if about else ''}")
        if doc.stopped:
            say("  stopped: rejected")
        elif doc.current_step is None:
            say("  every step done")
        else:
            where = f" at {doc.current_body}" if doc.current_body else ""
            date = f", {doc.current_date}" if doc.current_date else ", no date yet"
            meeting = f", meeting {doc.current_meeting}" if doc.current_meeting else ""
            say(f"  current step: {doc.current_step} — {doc.current_title}{where}{date} ({doc.current_state}){meeting}")
        if doc.overdue_steps:
            say(f"  overdue steps: {doc.overdue_steps}")
    for item in result.part_two:
        say(f"Part II: {item}")


def register(app: typer.Typer) -> None:
    app.command("people")(people_command)
    app.command("documents")(documents_command)
    # `meeting list` joins `meeting move|cancel|confirm` (govflow.cli.routes) by its decorator above.
