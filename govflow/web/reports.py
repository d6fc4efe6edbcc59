"""The report routes: `/reports/board/<BODY>.md|.html`, `/reports/plan/<plan>.md|.html|.csv|.xlsx` and
`/reports/strategy/<document>.md|.html|.csv|.xlsx`, each report as it stands today, for the public.

The nightly writes a report only where someone will read it that night (see
govflow.services.report_writing); any report is rendered here on request. A request reads what the
report is made from (`report_writing.public_report`; for a board, from the records kept between
requests, `report_writing.BoardRecords`) and takes its ETag from that and the day, so a client
that has it gets 304 without anything being rendered. The bytes come from the reports
folder when the nightly wrote that very report (its index.json says so), else from an in-memory
cache of what was rendered here, else they are rendered now. Exempt bodies and exempt strategies
have no public report: asking for one is answered like asking for one that does not exist.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from governance_model.organisation import DEFAULT_ORGANISATION
from governance_model.ports import AbstractUnitOfWork
from govflow import wiring
from govflow.services import report_writing
from govflow.services.report_writing import RequestedReport
from govflow.services.strategy_reports import STRATEGY_FORMATS
from govflow.settings import Settings
from govflow.web.feeds import plain_text
from notifications.answer_links import AnswerSigner
from reports.errors import ReportError
from reports.manifest import WrittenEntry, manifest_path, read_manifest

log = logging.getLogger(__name__)

FORMATS = {"board": report_writing.BOARD_FORMATS, "plan": report_writing.PLAN_FORMATS, "strategy": STRATEGY_FORMATS}
CONTENT_TYPES = {
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A client may keep a report but asks again each time (with its ETag): the records change by day.
CACHE_CONTROL = "no-cache"
DEFAULT_CACHE_BYTES = 64 * 1024 * 1024
NOT_FOUND = "No such report.\n"


def etag_of(requested: RequestedReport, suffix: str) -> str:
    """The report's ETag: what it is made from, for which day, in which format (never its bytes,
    so that a 304 needs no rendering)."""
    tag = hashlib.sha256(f"{requested.kind}/{requested.key}{suffix}\n{requested.source}\n{requested.as_of}".encode()).hexdigest()
    return f'"{tag[:40]}"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (weak or strong), or is `*`."""
    if not if_none_match:
        return False
    tags = [t.strip() for t in if_none_match.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


class RenderedCache:
    """Rendered report files by ETag, the least recently used dropped first beyond `max_bytes`."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()  # requests are answered in a thread pool

    def get(self, etag: str) -> bytes | None:
        with self._lock:
            data = self._items.get(etag)
            if data is not None:
                self._items.move_to_end(etag)
            return data

    def put(self, etag: str, data: bytes) -> None:
        if len(data) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(etag, None)
            self._size += len(data) - (len(old) if old is not None else 0)
            self._items[etag] = data
            while self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)


class ReportRoutes:
    """The routes that serve reports from one database and its reports folder."""

    def __init__(
        self, uow_factory: Callable[[], AbstractUnitOfWork], reports_dir: Path | str, today: Callable[[], dt.date],
        *, cache_bytes: int = DEFAULT_CACHE_BYTES,
        answer_signer: AnswerSigner | None = None, organisation: str = DEFAULT_ORGANISATION,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        # What the answer pages (govflow.web.answers) share with the reports: the council's records,
        # its key, the signer of its digests' links (None: links are off) and the time of an answer.
        self.answer_signer = answer_signer
        self.organisation = organisation
        self.now = now or (lambda: wiring.clock().now())
        self.reports_dir = Path(reports_dir)
        self.today = today  # the day a report is for: today in Europe/London
        self.cache = RenderedCache(cache_bytes)
        self.board_records = report_writing.BoardRecords(uow_factory)
        self._manifest: tuple[tuple[int, int, int] | None, dict[str, WrittenEntry]] = (None, {})

    def routes(self) -> list[BaseRoute]:
        return [Route("/reports/{kind}/{name}", self.report, methods=["GET"])]

    async def report(self, request: Request) -> Response:
        kind, name = request.path_params["kind"], request.path_params["name"]
        key, dot, extension = name.rpartition(".")
        suffix = f".{extension}"
        if not dot or not key or suffix not in FORMATS.get(kind, ()):
            return plain_text(404, NOT_FOUND)
        # Reading the database and rendering may take a while: not on the event loop.
        return await run_in_threadpool(self.answer, kind, key, suffix, request.headers.get("if-none-match"))

    def answer(self, kind: str, key: str, suffix: str, if_none_match: str | None) -> Response:
        try:
            requested = report_writing.public_report(self.uow_factory(), kind, key, self.today(), self.board_records)
            if requested is None:
                return plain_text(404, NOT_FOUND)
            etag = etag_of(requested, suffix)
            headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
            if matches(if_none_match, etag):
                return Response(status_code=304, headers=headers)
            data = self.cache.get(etag)
            if data is None:
                data = report_writing.current_file(self.reports_dir, requested, suffix, self.manifest())
                if data is None:
                    data = requested.render()[suffix]
                self.cache.put(etag, data)
        except Exception:  # noqa: BLE001 - a public page never says why (the reason may name exempt business)
            log.exception("the %s report %s could not be built", kind, key)
            return plain_text(500, "This report cannot be built at the moment.\n")
        headers |= {"Content-Type": CONTENT_TYPES[suffix], "X-Content-Type-Options": "nosniff"}
        if suffix in (".csv", ".xlsx"):
            headers["Content-Disposition"] = f'attachment; filename="{key}{suffix}"'
        return Response(data, 200, headers)

    def manifest(self) -> dict[str, WrittenEntry]:
        """The reports folder's index, read again only when the file changes."""
        try:
            stat = os.stat(manifest_path(self.reports_dir))
            seen: tuple[int, int, int] | None = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except OSError:
            return {}
        if self._manifest[0] != seen:
            try:
                self._manifest = (seen, read_manifest(self.reports_dir))
            except ReportError as error:
                log.warning("%s: every report is rendered on request", error)
                self._manifest = (seen, {})
        return self._manifest[1]


def report_routes(settings: Settings) -> ReportRoutes:
    """The report routes over GOVFLOW_DATABASE_URL and GOVFLOW_REPORTS_DIR (the database is first
    opened by the first request), for the day GOVFLOW_SERVE_AS_OF names, else for today in
    Europe/London at each request; the answer pages' signer from GOVFLOW_ANSWER_KEY."""
    as_of = settings.serve_as_of
    today = (lambda: as_of) if as_of is not None else (lambda: wiring.clock().today())
    return ReportRoutes(
        wiring.unit_of_work_factory(settings), settings.reports_dir, today,
        answer_signer=wiring.answer_signer(settings), organisation=settings.organisation,
    )
