"""The public pages (issue 14, 11): `/documents/<key>` (a document's route and its timeline),
`/plans/<key>` (an action plan with RAG: the address every action in the calendar feeds links to),
`/bodies/<code>` (a body's coming meetings and what is on each) and `/meetings/<key>` (one meeting:
the address every meeting in the calendar feeds links to), as HTML with no script.

Served wherever the reports are (the same database, records and day: see govflow.web.reports), under
a council's prefix too. The day is the server's: today in Europe/London at the request, or the
`--as-of` day `govflow serve` was given; the page says which. No exempt document or body has a page
(404, as for one that does not exist), nor has an exempt body's meeting, and no page shows exempt
business (governance_model.public_pages).

Each page has an ETag, the hash of its bytes: a browser or calendar client that has the page asks
again with If-None-Match and gets 304 with no body while the page is unchanged (the page is built
to know; the reports, whose rendering costs more, take theirs from what they are made of instead).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from governance_model.public_pages import body_page, document_page, meeting_page
from govflow.services import report_writing
from govflow.web.feeds import plain_text
from govflow.web.reports import ReportRoutes, matches

log = logging.getLogger(__name__)

NOT_FOUND = {
    "document": "No such document.\n", "plan": "No such action plan.\n", "body": "No such body.\n",
    "meeting": "No such meeting.\n",
}
# A client may keep a page but asks again each time (with its ETag): the records change by day.
HEADERS = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


class PageRoutes:
    """The page routes over the database, records and day of `reports`."""

    def __init__(self, reports: ReportRoutes) -> None:
        self.reports = reports

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/documents/{key}", self.document, methods=["GET"]),
            Route("/plans/{key}", self.plan, methods=["GET"]),
            Route("/bodies/{key}", self.body, methods=["GET"]),
            Route("/meetings/{key}", self.meeting, methods=["GET"]),
        ]

    async def document(self, request: Request) -> Response:
        return await self._answer("document", request)

    async def plan(self, request: Request) -> Response:
        return await self._answer("plan", request)

    async def body(self, request: Request) -> Response:
        return await self._answer("body", request)

    async def meeting(self, request: Request) -> Response:
        return await self._answer("meeting", request)

    async def _answer(self, kind: str, request: Request) -> Response:
        # Reading the database and rendering may take a while: not on the event loop.
        return await run_in_threadpool(self.answer, kind, request.path_params["key"], request.headers.get("if-none-match"))

    def answer(self, kind: str, key: str, if_none_match: str | None = None) -> Response:
        try:
            html = self.page(kind, key, self.reports.today())
        except Exception:  # noqa: BLE001 - a public page never says why (the reason may name exempt business)
            log.exception("the %s page %s could not be built", kind, key)
            return plain_text(500, "This page cannot be built at the moment.\n")
        if html is None:
            return plain_text(404, NOT_FOUND[kind])
        data = html.encode("utf-8")
        etag = f'"{hashlib.sha256(data).hexdigest()[:40]}"'
        if matches(if_none_match, etag):
            return Response(status_code=304, headers={"ETag": etag, "Cache-Control": HEADERS["Cache-Control"]})
        return Response(data, 200, {**HEADERS, "ETag": etag})

    def page(self, kind: str, key: str, as_of: dt.date) -> str | None:
        """The page's HTML on `as_of`, or None when there is no such public page."""
        from reports.pages import body_page_html, document_page_html, meeting_page_html, plan_page_html

        if kind == "plan":
            requested = report_writing.public_report(self.reports.uow_factory(), "plan", key, as_of)
            return None if requested is None else plan_page_html(requested.report.plan, requested.report.judged)
        records = self.reports.board_records.current()
        routes, unplannable = records.routes(as_of)
        if kind == "document":
            document = next((d for d in records.documents if d.key == key), None)
            if document is None or document.exempt:  # asked before planning: a broken exempt route is still a 404
                return None
            if key in unplannable:
                raise unplannable[key]
            page = document_page(document, routes[key], records.bodies, records.documents, records.people, as_of)
            return None if page is None else document_page_html(page)
        if kind == "meeting":
            body = next((b for b in records.bodies if any(m.key == key for m in b.meetings)), None)
        else:
            body = next((b for b in records.bodies if b.code == key), None)
        if body is None or body.exempt:  # an exempt body's meeting: as unknown as a meeting that is not
            return None
        for document in records.documents:
            if document.key in unplannable and any(s.body_code == body.code for s in document.route.steps):
                raise unplannable[document.key]
        if kind == "meeting":
            trail = [e for e in records.events if e.subject == key and e.kind.startswith("meeting.")]
            shown = meeting_page(key, records.bodies, records.documents, routes, trail, as_of)
            return None if shown is None else meeting_page_html(shown)
        page = body_page(body, records.bodies, records.documents, routes, as_of)
        return None if page is None else body_page_html(page)
