"""The feeds benchmark: how long a 1,000-event body feed takes to build, and how long the web app
(`govflow serve`) spends on a 304 answer.

    python benchmarks/feeds_benchmark.py [--events 1000] [--builds 20] [--requests 1000]

(a) build: `calendars.ical.render_feed` on one body feed (`calendars.feeds.Feed`) of N synthetic
    events shaped like `calendars.feeds.meeting_events` makes them: half timed meetings in
    Europe/London with a description, location, URL and categories, half all-day papers deadlines.
    The median of `--builds` builds (bytes out, no file writes); target ≤ 50 ms.
(b) 304: the web app (`govflow.web.app.create_app`) runs under uvicorn in this process on
    127.0.0.1 over a temporary feeds folder holding that feed; one keep-alive client sends
    `--requests` GETs with the current ETag in If-None-Match. Two times per request
    (time.perf_counter): the app's own, measured around the ASGI call (routing, the manifest stat,
    the answer, up to handing its last bytes to uvicorn), whose median has the target ≤ 2 ms; and the
    client's round trip through uvicorn and the loopback, for context.

It prints figures and whether the targets are met; it asserts nothing about time (exit 1 only if
a 304 request did not answer 304).
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(ROOT))

from govflow.web.app import create_app  # noqa: E402
from govflow.web.serve import run_in_thread  # noqa: E402

TARGET_BUILD_MS = 50.0
TARGET_304_MS = 2.0
LONDON = ZoneInfo("Europe/London")
STAMP = dt.datetime(2026, 1, 5, 2, 10, tzinfo=dt.timezone.utc)


def body_feed(events: int):
    """A body feed of `events` events, as calendars.feeds builds them for meetings and papers."""
    from calendars.feeds import CONFIRMED, TENTATIVE, Feed, FeedEvent

    items = []
    first = dt.datetime(2022, 1, 10, 14, 0, tzinfo=LONDON)
    for n in range(events // 2 + events % 2):
        start = first + dt.timedelta(days=7 * n)
        url = f"https://govflow.council.example.org/meetings/SSPB-{n:04d}"
        status = TENTATIVE if n % 10 == 9 else CONFIRMED
        items.append(FeedEvent(
            f"meeting-SSPB-{n:04d}@govflow", "Strategic SEND Partnership Board (SSPB)", start,
            start + dt.timedelta(hours=2), status, False, url,
            "Agenda and papers: see the link. Items: SEND Strategy Version 12 for decision; "
            "action plan progress report (RAG); Written Statement of Action update.",
            "Civic Centre, Victoria Avenue, Southend-on-Sea, SS2 6ER", ("SSPB", "meeting"),
        ))
        if len(items) < events:
            due = start.date() - dt.timedelta(days=7)
            items.append(FeedEvent(
                f"papers-SSPB-{n:04d}@govflow", f"Papers due: SSPB meeting {start:%a %d %b %Y}", due,
                due + dt.timedelta(days=1), status, True, url,
                "Papers for the Strategic SEND Partnership Board meeting are due 5 working days before it.",
                "", ("SSPB", "papers deadline"),
            ))
    return Feed("body/SSPB.ics", "body", "SSPB", "Strategic SEND Partnership Board (SSPB)", True, tuple(items),
                "Meetings and papers deadlines of the Strategic SEND Partnership Board")


def time_builds(events: int, builds: int) -> tuple[list[float], bytes]:
    from calendars.ical import render_feed

    feed = body_feed(events)
    times, data = [], b""
    for _ in range(builds):
        started = time.perf_counter()
        data = render_feed(feed, stamp=STAMP)
        times.append((time.perf_counter() - started) * 1000)
    return times, data


class TimedConditionalRequests:
    """ASGI middleware: the app's time for each request carrying If-None-Match, in milliseconds."""

    def __init__(self, app) -> None:
        self.app = app
        self.ms: list[float] = []

    async def __call__(self, scope, receive, send) -> None:
        conditional = scope["type"] == "http" and any(name == b"if-none-match" for name, _ in scope["headers"])
        started = time.perf_counter()
        await self.app(scope, receive, send)
        # Only the conditional requests are timed: the warm-up's 200 is not a 304.
        if conditional:
            self.ms.append((time.perf_counter() - started) * 1000)


def time_304s(feed_bytes: bytes, requests: int) -> tuple[list[float], list[float], int]:
    timed: list[TimedConditionalRequests] = []

    def make_app(url: str) -> TimedConditionalRequests:
        timed.append(TimedConditionalRequests(create_app(folder, url)))
        return timed[0]

    with tempfile.TemporaryDirectory(prefix="govflow-feeds-bench-") as tmp:
        folder = Path(tmp)
        (folder / "body").mkdir()
        (folder / "body" / "SSPB.ics").write_bytes(feed_bytes)
        sha = hashlib.sha256(feed_bytes).hexdigest()
        (folder / "index.json").write_text(json.dumps({"generated_at": "2026-01-05T02:10:00Z", "feeds": [
            {"path": "body/SSPB.ics", "title": "SSPB", "kind": "body", "public": True, "sha256": sha,
             "last_modified": "2026-01-05T02:10:00Z"}]}))
        round_trip_ms, not_304 = [], 0
        with run_in_thread(make_app) as url:
            conn = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=10)
            try:
                conn.request("GET", "/feeds/body/SSPB.ics")  # warm-up: the first 200
                first = conn.getresponse()
                first.read()
                etag = first.getheader("ETag")
                for _ in range(requests):
                    started = time.perf_counter()
                    conn.request("GET", "/feeds/body/SSPB.ics", headers={"If-None-Match": etag})
                    response = conn.getresponse()
                    response.read()
                    round_trip_ms.append((time.perf_counter() - started) * 1000)
                    not_304 += response.status != 304
            finally:
                conn.close()
    return timed[0].ms, round_trip_ms, not_304


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "NOT met"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--builds", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args(argv)

    build_ms, data = time_builds(args.events, args.builds)
    build_median = statistics.median(build_ms)
    identical = len({hashlib.sha256(render).hexdigest() for render in (data, time_builds(args.events, 1)[1])}) == 1
    print(f"build: {args.events}-event body feed with calendars.ical.render_feed, {len(data):,} bytes, "
          f"{'byte-identical' if identical else 'NOT byte-identical'} between builds")
    print(f"build: median {build_median:.1f} ms of {args.builds} builds (min {min(build_ms):.1f}, max {max(build_ms):.1f}); "
          f"target <= {TARGET_BUILD_MS:.0f} ms: {verdict(build_median, TARGET_BUILD_MS)}")

    app_ms, round_trip_ms, not_304 = time_304s(data, args.requests)
    app_median = statistics.median(app_ms)
    print(f"304: {len(app_ms)} conditional GETs, {not_304} not answered 304")
    print(f"304: app time (ASGI call) median {app_median:.3f} ms (p95 {statistics.quantiles(app_ms, n=20)[-1]:.3f} ms); "
          f"target <= {TARGET_304_MS:.0f} ms: {verdict(app_median, TARGET_304_MS)}")
    print(f"304: client round trip through uvicorn median {statistics.median(round_trip_ms):.3f} ms "
          f"(p95 {statistics.quantiles(round_trip_ms, n=20)[-1]:.3f} ms)")
    return 1 if not_304 else 0


if __name__ == "__main__":
    sys.exit(main())
