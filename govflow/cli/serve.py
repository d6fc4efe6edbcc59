"""`govflow serve`: serve the published calendar feeds and their subscribe page over HTTP."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from govflow.cli.console import out, parse_date
from govflow.settings import Settings


def serve_command(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on (0: any free port)")] = 8000,
    feeds_dir: Annotated[Optional[Path], typer.Option("--feeds-dir", help="published feeds (default: GOVFLOW_FEEDS_DIR or <GOVFLOW_DATA_DIR>/feeds)")] = None,
    public_url: Annotated[Optional[str], typer.Option("--public-url", envvar="GOVFLOW_PUBLIC_URL", help="where subscribers reach this server, e.g. https://feeds.council.example.org")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="worker processes sharing the port (each re-reads index.json when it changes)")] = 1,
    backlog: Annotated[int, typer.Option("--backlog", min=1, help="connections waiting to be accepted before new ones are refused (capped by the kernel's somaxconn)")] = 2048,
    timeout_keep_alive: Annotated[int, typer.Option("--timeout-keep-alive", min=1, help="seconds an idle connection is kept open after an answer")] = 5,
    timeout_request: Annotated[float, typer.Option("--timeout-request", min=0.1, help="seconds a client has to send a whole request (line and headers) before its connection is closed")] = 10.0,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD: the day the pages and reports are for (default: GOVFLOW_SERVE_AS_OF, else today in Europe/London at each request)")] = None,
) -> None:
    """Serve the calendar feeds and their subscribe page, the reports on request
    (/reports/board/BODY.md|html, /reports/plan/PLAN.md|html|csv|xlsx) and the pages
    (/documents/KEY, /plans/PLAN, /bodies/BODY, /meetings/MEETING), until stopped (Ctrl-C)."""
    from govflow.web.serve import serve  # imported here: `govflow when` must stay fast

    settings = Settings()  # read and checked even with --feeds-dir: GOVFLOW_PUBLIC_URL is the default of --public-url
    day = parse_date(as_of, "--as-of")
    if day is not None:
        settings = settings.model_copy(update={"serve_as_of": day})
    folder = feeds_dir or settings.feeds_dir

    def ready(page_url: str) -> None:
        out.print(f"serving feeds from {folder}", highlight=False)
        if not (Path(folder) / "index.json").exists():
            out.print("  no index.json there yet: no feeds until they are published", highlight=False)
        out.print(f"subscribe page: {page_url}/", highlight=False)
        if settings.serve_as_of is not None:
            out.print(f"pages and reports as of {settings.serve_as_of.isoformat()}", highlight=False)
        out.file.flush()  # a supervisor reading a pipe sees the address before the first request

    serve(
        folder, host, port, public_url, workers=workers, on_ready=ready, settings=settings,
        backlog=backlog, timeout_keep_alive=timeout_keep_alive, timeout_request=timeout_request,
    )  # a port that is taken: govflow.errors.ServeError


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
