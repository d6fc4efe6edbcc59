"""The ASGI app: routes from each area's module, one error handler, and an access log that never
shows a person feed's token.

    create_app(feeds_dir, public_url)   the app over one feeds folder
    create_app_from_env()               the same from GOVFLOW_FEEDS_DIR / GOVFLOW_PUBLIC_URL, for
                                        `uvicorn govflow.web.app:create_app_from_env --factory`

A request line or header uvicorn cannot parse (non-ASCII in the path, a broken header line) is
answered 400 by uvicorn itself, with one warning and no traceback; a request whose address or
headers are longer than any calendar program sends is answered 400 here (`RequestLimits`).

A new page is a new module with its routes (as `feeds.FeedRoutes`), added to the list in create_app.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from calendars.feed_folder import FeedCatalog, SubscribePage, redact_path
from governance_model.errors import Error
from governance_model.organisation import DEFAULT_ORGANISATION, check_organisation
from govflow.settings import Settings
from govflow.web.answers import AnswerRoutes, redact_answer_path
from govflow.web.feeds import FeedRoutes, plain_text
from govflow.web.pages import PageRoutes
from govflow.web.reports import ReportRoutes, report_routes

log = logging.getLogger(__name__)

# uvicorn logs each request's path on "uvicorn.access"; errors go to "uvicorn.error".
UVICORN_LOGGERS = ("uvicorn.access", "uvicorn.error")
# A feed's address is under 200 bytes and a calendar program's headers under 2 KiB; these are the
# usual limits of web servers (nginx: 8 KiB for a request line; h11 refuses a head over 16 KiB only
# when it arrives in pieces, so one sent whole needs this check).
MAX_TARGET_BYTES = 8 * 1024  # path and query string
MAX_HEADER_BYTES = 16 * 1024  # every header line together, as sent


class RedactFeedTokens(logging.Filter):
    """Replaces person-feed and answer-link tokens in a record's message and arguments before any
    handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _redacted(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {k: _redacted(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def _redacted(text: str) -> str:
    return redact_answer_path(redact_path(text))


def redact_uvicorn_logs() -> None:
    """Put the token filter on uvicorn's loggers (once), whoever configured their handlers."""
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactFeedTokens) for f in logger.filters):
            logger.addFilter(RedactFeedTokens())


class RequestLimits:
    """ASGI middleware: a request whose address or headers are too long is answered 400, logged in
    one line, and never reaches the routes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problem = oversized(scope)
            if problem is not None:
                log.warning("%s request from %s answered 400: %s", scope.get("method"), _client(scope), problem)
                await plain_text(400, f"Bad request: {problem}.\n")(scope, receive, send)
                return
        await self.app(scope, receive, send)


def oversized(scope: Scope) -> str | None:
    """What is too long about an HTTP request, or None."""
    target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
    if target > MAX_TARGET_BYTES:
        return f"the address is {target} bytes long (at most {MAX_TARGET_BYTES})"
    headers = sum(len(name) + len(value) + 4 for name, value in scope.get("headers") or ())  # + ": " and CRLF
    if headers > MAX_HEADER_BYTES:
        return f"the headers are {headers} bytes long (at most {MAX_HEADER_BYTES})"
    return None


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "a client"


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    text = "Not found." if exc.status_code == 404 else exc.detail
    return plain_text(exc.status_code, f"{text}\n", dict(exc.headers or {}))


async def _govflow_error(request: Request, exc: Exception) -> Response:
    log.error("%s %s: %s", request.method, _redacted(request.url.path), exc)
    return plain_text(500, f"{exc}\n")


def create_app(
    feeds_dir: Path | str,
    public_url: str,
    reports: ReportRoutes | None = None,
    council_reports: Callable[[str], ReportRoutes] | None = None,
) -> Starlette:
    """The web app serving `feeds_dir`; `public_url` is where people reach it (the page's links);
    with `reports`, the reports on request too (/reports/...) and the pages over the same database
    (/documents/<key>, /plans/<key>, /bodies/<code>, /meetings/<key>: govflow.web.pages). Every
    other council whose feeds are in a sub-folder of `feeds_dir` (`<feeds_dir>/<key>/index.json`, as
    the nightly writes them) is served the same way under `/<key>/`, its reports from
    `council_reports(key)`."""
    redact_uvicorn_logs()
    catalog = FeedCatalog(feeds_dir)
    catalog.current()  # read the manifest now, so a broken one shows at start-up
    feeds = FeedRoutes(catalog, SubscribePage(public_url))
    councils = [
        Mount(f"/{key}", app=create_app(Path(feeds_dir) / key, f"{public_url.rstrip('/')}/{key}", council_reports(key) if council_reports else None))
        for key in council_folders(feeds_dir)
    ]
    app = Starlette(
        routes=[*feeds.routes(), *(reports.routes() if reports else ()), *(PageRoutes(reports).routes() if reports else ()),
                *(AnswerRoutes(reports).routes() if reports else ()), *councils],
        middleware=[Middleware(RequestLimits)],
        exception_handlers={HTTPException: _http_error, Error: _govflow_error},
    )
    app.router.redirect_slashes = False  # "/feeds" is not a feed: a 404, not a redirect to "/feeds/"
    app.state.feed_catalog = catalog
    return app


def council_folders(feeds_dir: Path | str) -> list[str]:
    """The councils other than the default whose feeds are published under `feeds_dir` (read when the
    server starts: a council's first feeds need a restart to be served)."""
    folder = Path(feeds_dir)
    if not folder.is_dir():
        return []
    keys = []
    for child in sorted(folder.iterdir()):
        try:
            key = check_organisation(child.name)
        except ValueError:
            continue
        if key != DEFAULT_ORGANISATION and (child / "index.json").is_file():
            keys.append(key)
    return keys


def create_app_from_env() -> Starlette:
    """create_app with GOVFLOW_FEEDS_DIR (or <GOVFLOW_DATA_DIR>/feeds) and GOVFLOW_PUBLIC_URL, and
    the reports from GOVFLOW_DATABASE_URL and GOVFLOW_REPORTS_DIR; each council's under /<key>/."""
    settings = Settings()
    return create_app(
        settings.feeds_dir, settings.public_url, report_routes(settings),
        lambda key: report_routes(settings.for_organisation(key)),
    )
