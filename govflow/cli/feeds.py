"""`govflow feeds build`, `govflow feeds show` and `govflow feeds token rotate`: write the calendar
feeds into a folder, say where one person's own calendar is, and give it a new address."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from govflow import wiring
from govflow.cli.console import out, parse_date
from govflow.settings import Settings

feeds_app = typer.Typer(no_args_is_help=True, help="Calendar feeds: build them, show a person's own calendar address, rotate its token.")
token_app = typer.Typer(no_args_is_help=True, help="The secret token in a person's private feed address.")
feeds_app.add_typer(token_app, name="token")


@feeds_app.command("build")
def feeds_build(
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="folder to write the feeds to (default: GOVFLOW_FEEDS_DIR)")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD: plan routes without stored forecasts as of this day (default: today)")] = None,
) -> None:
    """Write every calendar feed (.ics) and their index.json; unchanged feeds are left untouched."""
    from govflow.services.feed_publishing import publish

    settings, clock = Settings(), wiring.clock()
    day = parse_date(as_of, "--as-of") or clock.today()
    target = out_dir or settings.feeds_dir
    published = publish(wiring.unit_of_work_factory(settings), target, day, clock.now(), settings.public_url)
    for item in published:
        visibility = "public" if item.feed.public else "private"
        changed = "written" if item.written else "unchanged"
        out.print(f"{item.file}  {visibility}  {item.events} events  ({changed})", highlight=False, soft_wrap=True)
    out.print(f"{len(published)} feeds in {target}; index: {Path(target) / 'index.json'}", highlight=False, soft_wrap=True)


@feeds_app.command("show")
def feeds_show(
    initials: Annotated[str, typer.Argument(help="the person's initials, e.g. GB")],
    as_json: Annotated[bool, typer.Option("--json", help="print as JSON")] = False,
) -> None:
    """Print the address of one person's own (private) calendar, to subscribe to or hand to them."""
    import json

    from calendars.feed_folder import subscribe_page_url
    from govflow.services import directory

    settings = Settings()
    entry = directory.person(wiring.unit_of_work(settings), settings.public_url, initials)
    published = entry.feed is not None and _published(settings.feeds_dir, entry.feed.https)
    if as_json:
        feed = {"webcal": entry.feed.webcal, "https": entry.feed.https, "published": published} if entry.feed else None
        typer.echo(json.dumps({"initials": entry.initials, "name": entry.name, "feed": feed}, indent=2))
        return
    name = f" ({entry.name})" if entry.name and entry.name != entry.initials else ""
    if entry.feed is None:
        out.print(
            f"{entry.initials}{name} has no calendar yet: it is made by the next `govflow nightly` or `govflow feeds build`",
            highlight=False, soft_wrap=True,
        )
        return
    lines = [
        f"{entry.initials}{name}: own calendar, private (anyone with the address can read it)",
        f"  Outlook, Apple, Thunderbird: {entry.feed.webcal}",
        f"  Google, or any program:      {entry.feed.https}",
    ]
    if not published:
        lines.append(f"  not in {settings.feeds_dir} yet: published by the next `govflow nightly` or `govflow feeds build`")
    lines.append(f"  served by `govflow serve`; how to subscribe in each program: {subscribe_page_url(settings.public_url)}")
    for line in lines:
        out.print(line, highlight=False, soft_wrap=True, markup=False)


def _published(feeds_dir: Path, https: str) -> bool:
    """Whether the feeds folder's index.json lists this person feed (it does once a build ran since
    the token was made or rotated)."""
    import json

    path = https.rsplit("/feeds/", 1)[-1]
    try:
        index = json.loads((Path(feeds_dir) / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return any(isinstance(e, dict) and e.get("path") == path for e in index.get("feeds", []))


@token_app.command("rotate")
def feeds_token_rotate(initials: Annotated[str, typer.Argument(help="the person's initials, e.g. GB")]) -> None:
    """Give a person a new private feed token; the old address stops working after the next build."""
    from govflow.services.feed_publishing import rotate_feed_token

    settings = Settings()
    token = rotate_feed_token(wiring.unit_of_work(settings), initials, wiring.clock().now())
    out.print(f"new feed token for {initials}: person/{token.token}.ics (published at the next `govflow feeds build`)", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(feeds_app, name="feeds")
