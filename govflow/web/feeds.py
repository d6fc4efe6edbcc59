"""The feed routes: `/feeds/<path>` serves the calendars listed in index.json, `/` and `/subscribe`
the page that lists the public ones. What to answer is decided in `calendars.feed_folder`; this
module only puts it on HTTP."""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from calendars.feed_folder import FeedCatalog, SubscribePage, feed_answer, not_modified_answer

PAGE_CACHE_CONTROL = "max-age=300"


def plain_text(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    """A short text answer that no cache keeps (404s and other errors)."""
    return Response(
        text.encode("utf-8"),
        status,
        {**(headers or {}), "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"},
    )


class FeedRoutes:
    """The routes that serve one feeds folder."""

    def __init__(self, catalog: FeedCatalog, page: SubscribePage) -> None:
        self.catalog = catalog
        self.page = page

    def routes(self) -> list[BaseRoute]:
        # GET routes answer HEAD too (Starlette adds it; uvicorn sends the headers without the body).
        return [
            Route("/", self.subscribe, methods=["GET"]),
            Route("/subscribe", self.subscribe, methods=["GET"]),
            Route("/subscribe/", self.subscribe, methods=["GET"]),
            Route("/feeds/{path:path}", self.feed, methods=["GET"]),
        ]

    async def feed(self, request: Request) -> Response:
        manifest, _ = self.catalog.current()
        entry = manifest.find(request.path_params["path"])  # the percent-decoded path, never a file name
        if entry is None:
            return plain_text(404, "No such feed.\n")
        answer = not_modified_answer(entry, request.headers)
        if answer is None:
            # A file read may wait on the disk: not on the event loop, which answers everyone else.
            answer = await run_in_threadpool(feed_answer, self.catalog, entry)
            if answer is None:
                return plain_text(404, "No such feed.\n")
        return Response(answer.body, answer.status, answer.headers)

    async def subscribe(self, request: Request) -> Response:
        manifest, version = self.catalog.current()
        return Response(
            self.page.render(manifest, version),
            200,
            {"Content-Type": "text/html; charset=utf-8", "Cache-Control": PAGE_CACHE_CONTROL, "X-Content-Type-Options": "nosniff"},
        )
