"""`govflow serve`: serve the published calendar feeds and their subscribe page over HTTP."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from govflow.cli.console import out
from govflow.settings import Settings


def serve_command(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on (0: any free port)")] = 8000,
    feeds_dir: Annotated[Optional[Path], typer.Option("--feeds-dir", help="published feeds (default: GOVFLOW_FEEDS_DIR or <GOVFLOW_DATA_DIR>/feeds)")] = None,
    public_url: Annotated[Optional[str], typer.Option("--public-url", envvar="GOVFLOW_PUBLIC_URL", help="where subscribers reach this server, e.g. https://feeds.council.example.org")] = None,
) -> None:
    """Serve the calendar feeds and their subscribe page until stopped (Ctrl-C)."""
    from calendars import server as feed_server  # imported here: `govflow when` must stay fast

    settings = Settings()  # read and checked even with --feeds-dir: GOVFLOW_PUBLIC_URL is the default of --public-url
    folder = feeds_dir or feed_server.default_feeds_dir(settings)

    def ready(srv: "feed_server.FeedServer") -> None:
        out.print(f"serving feeds from {folder}", highlight=False)
        if not (Path(folder) / "index.json").exists():
            out.print("  no index.json there yet: no feeds until they are published", highlight=False)
        out.print(f"subscribe page: {srv.page.public_url}/", highlight=False)

    feed_server.serve(folder, host, port, public_url, on_ready=ready)  # a port that is taken: calendars.errors.ServeError


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
