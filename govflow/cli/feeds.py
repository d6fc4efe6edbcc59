"""`govflow feeds build` and `govflow feeds token rotate`: write the calendar feeds into a folder, and
give a person's private feed a new address."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from govflow import wiring
from govflow.cli.console import out, parse_date
from govflow.settings import Settings

feeds_app = typer.Typer(no_args_is_help=True, help="Calendar feeds: build them, rotate a person's private feed token.")
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


@token_app.command("rotate")
def feeds_token_rotate(initials: Annotated[str, typer.Argument(help="the person's initials, e.g. GB")]) -> None:
    """Give a person a new private feed token; the old address stops working after the next build."""
    from govflow.services.feed_publishing import rotate_feed_token

    settings = Settings()
    token = rotate_feed_token(wiring.unit_of_work(settings), initials, wiring.clock().now())
    out.print(f"new feed token for {initials}: person/{token.token}.ics (published at the next `govflow feeds build`)", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(feeds_app, name="feeds")
