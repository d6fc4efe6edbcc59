"""The ASGI app: routes from each area's module, one error handler, and an access log that never
shows a person feed's token.

    create_app(feeds_dir, public_url)   the app over one feeds folder
    create_app_from_env()               the same from GOVFLOW_FEEDS_DIR / GOVFLOW_PUBLIC_URL, for
                                        `uvicorn govflow.web.app:create_app_from_env --factory`

A new page is a new module with its routes (as `feeds.FeedRoutes`), added to the list in create_app.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from calendars.feed_folder import FeedCatalog, SubscribePage, redact_path
from governance_model.errors import Error
from govflow.settings import Settings
from govflow.web.feeds import FeedRoutes, plain_text

log = logging.getLogger(__name__)

# uvicorn logs each request's path on "uvicorn.access"; errors go to "uvicorn.error".
UVICORN_LOGGERS = ("uvicorn.access", "uvicorn.error")


class RedactFeedTokens(logging.Filter):
    """Replaces person-feed tokens in a record's message and arguments before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_path(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {k: redact_path(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def redact_uvicorn_logs() -> None:
    """Put the token filter on uvicorn's loggers (once), whoever configured their handlers."""
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactFeedTokens) for f in logger.filters):
            logger.addFilter(RedactFeedTokens())


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    text = "Not found." if exc.status_code == 404 else exc.detail
    return plain_text(exc.status_code, f"{text}\n", dict(exc.headers or {}))


async def _govflow_error(request: Request, exc: Exception) -> Response:
    log.error("%s %s: %s", request.method, redact_path(request.url.path), exc)
    return plain_text(500, f"{exc}\n")


def create_app(feeds_dir: Path | str, public_url: str) -> Starlette:
    """The web app serving `feeds_dir`; `public_url` is where people reach it (the page's links)."""
    redact_uvicorn_logs()
    catalog = FeedCatalog(feeds_dir)
    catalog.current()  # read the manifest now, so a broken one shows at start-up
    feeds = FeedRoutes(catalog, SubscribePage(public_url))
    app = Starlette(
        routes=[*feeds.routes()],
        exception_handlers={HTTPException: _http_error, Error: _govflow_error},
    )
    app.router.redirect_slashes = False  # "/feeds" is not a feed: a 404, not a redirect to "/feeds/"
    app.state.feed_catalog = catalog
    return app


def create_app_from_env() -> Starlette:
    """create_app with GOVFLOW_FEEDS_DIR (or <GOVFLOW_DATA_DIR>/feeds) and GOVFLOW_PUBLIC_URL."""
    settings = Settings()
    return create_app(settings.feeds_dir, settings.public_url)
