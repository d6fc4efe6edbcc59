"""The feed routes: `/feeds/<path>` serves the calendars listed in index.json, `/` and `/subscribe`
the page that lists the public ones. What to answer is decided in `calendars.feed_folder`; this
module only puts it on HTTP: a feed is sent from its open file a piece at a time (uvicorn waits for
a slow client before the next piece is read), so serving a 100 MB feed to many clients at once
costs a few pieces each, not the feed each."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import BinaryIO

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from calendars.feed_folder import (
    READ_BYTES,
    FeedAnswer,
    FeedCatalog,
    SubscribePage,
    feed_answer,
    not_modified_answer,
)

PAGE_CACHE_CONTROL = "max-age=300"


def plain_text(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    """A short text answer that no cache keeps (404s and other errors)."""
    return Response(
        text.encode("utf-8"),
        status,
        {**(headers or {}), "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"},
    )


class FileResponse(StreamingResponse):
    """`length` bytes of an open file from `start`, read a piece at a time off the event loop; the
    file is closed when the answer is sent or the client goes away."""

    def __init__(self, file: BinaryIO, start: int, length: int, status: int, headers: dict[str, str]) -> None:
        self.file = file
        super().__init__(self._pieces(start, length), status, headers)  # headers carry Content-Length

    async def _pieces(self, start: int, length: int) -> AsyncIterator[bytes]:
        if start:
            await run_in_threadpool(self.file.seek, start)
        while length > 0:
            piece = await run_in_threadpool(self.file.read, min(READ_BYTES, length))
            if not piece:  # cannot happen to a file replaced by renaming; never send a short body silently
                raise OSError(f"{self.file.name} ended {length} bytes early")
            length -= len(piece)
            yield piece

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.file.close()


def feed_response(answer: FeedAnswer, method: str) -> Response:
    if answer.file is None:
        return Response(b"", answer.status, answer.headers)
    if method == "HEAD":  # the headers (Content-Length included) without reading the file
        answer.file.close()
        return Response(b"", answer.status, answer.headers)
    return FileResponse(answer.file, answer.start, answer.length, answer.status, answer.headers)


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
            answer = await run_in_threadpool(feed_answer, self.catalog, entry, request.headers)
            if answer is None:
                return plain_text(404, "No such feed.\n")
        return feed_response(answer, request.method)

    async def subscribe(self, request: Request) -> Response:
        manifest, version = self.catalog.current()
        return Response(
            self.page.render(manifest, version),
            200,
            {"Content-Type": "text/html; charset=utf-8", "Cache-Control": PAGE_CACHE_CONTROL, "X-Content-Type-Options": "nosniff"},
        )
