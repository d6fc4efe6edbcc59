"""The few lines `govflow demo` and `govflow nightly` end with: where the night's outputs are (the
reminders, the calendar feeds, the reports), the subscribe page's address, and how a person finds
their own calendar. A newcomer follows these, and nothing else, from `make demo` to subscribing."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from calendars.feed_folder import subscribe_page_url
from governance_model.organisation import DEFAULT_ORGANISATION
from govflow import wiring
from govflow.cli.console import out
from govflow.settings import Settings
from notifications.redaction import shown_url


def where_things_went(settings: Settings, councils: list[str], command: str = "govflow") -> list[str]:
    """The summary's lines for these settings and the councils the night ran for; `command` is how
    this govflow is run (`.venv/bin/govflow` when that is not on the PATH), for the commands it names."""
    settings = settings.for_organisation(DEFAULT_ORGANISATION)  # the folders as set; other councils' are under them
    others = [c for c in councils if c != DEFAULT_ORGANISATION]
    lines = ["Where things went:"]
    if settings.smtp_url is not None:
        lines.append(f"  reminders: sent through the SMTP relay {shown_url(settings.smtp_url.get_secret_value())} (GOVFLOW_SMTP_URL)")
    elif settings.apprise_config is not None:
        lines.append(f"  reminders: sent to the destinations in {settings.apprise_config} (GOVFLOW_APPRISE_CONFIG)")
    else:
        lines.append(f"  reminders (an .eml file per email, for any mail program): {_folder(settings.mailbox_dir)}")
    lines.append(f"  calendar feeds: {_folder(settings.feeds_dir)}")
    lines.append(f"  reports: {_folder(settings.reports_dir)}")
    lines.append(f"  subscribe page: {subscribe_page_url(settings.public_url)} (while `{command} serve` runs)")
    if others:
        example = others[0]
        lines.append(
            f"  each council other than the default has its own sub-folder of each and its own page, "
            f"e.g. {_folder(settings.feeds_dir / example)} and {subscribe_page_url(settings.for_organisation(example).public_url)}"
        )
    example = _someone(settings) if not others else None
    lines.append(
        f"  your own calendar (private; its address is also at the foot of each reminder): `{command} people` lists everyone's; "
        f"`{command} feeds show {example or 'INITIALS'}` prints one person's"
        + (" (GOVFLOW_ORGANISATION=<council> for another council's)" if others else "")
    )
    return lines


def command_name() -> str:
    """How to run this govflow again: `govflow` when that is what the PATH finds, else the path it
    was run by (`.venv/bin/govflow` after `make demo`), or `python -m govflow`."""
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is None or script.name != "govflow":
        return f"{Path(sys.executable).name} -m govflow"
    found = shutil.which("govflow")
    if found and os.path.realpath(found) == os.path.realpath(script):
        return "govflow"
    return str(script)


def _folder(path: Path) -> str:
    return str(Path(path).resolve())


def print_where_things_went(settings: Settings, councils: list[str]) -> None:
    for line in where_things_went(settings, councils, command_name()):
        out.print(line, highlight=False, soft_wrap=True, markup=False)


def _someone(settings: Settings) -> str | None:
    """A person's initials to show in the example: the first document owner, else the first person."""
    with wiring.unit_of_work(settings) as uow:
        owners = sorted(d.owner for d in uow.documents.list() if d.owner)
        people = sorted(p.initials for p in uow.people.list())
    return (owners or people or [None])[0]
