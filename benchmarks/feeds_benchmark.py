"""The feeds benchmark: how long a 1,000-event body feed takes to build, and how long the web app
(`govflow serve`) spends on a 304 answer; with --councils, the whole feeds stage at national scale.

    python benchmarks/feeds_benchmark.py [--events 1000] [--builds 20] [--requests 1000]
    python benchmarks/feeds_benchmark.py --councils 150 [--runs 3] [--downloads 8] [--data DIR]

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

(c) with --councils N: N synthetic councils (benchmarks/synthetic_database.py) are written into a
    SQLite file in a temporary folder (or DIR, kept and reused) and planned once as of AS_OF (the
    nightly's forecasts, stored). Each run copies that file and publishes every feed
    (`govflow.services.feed_publishing.publish`) into an empty folder: the first night; then again
    on the same copy and folder a day later: the second night, same data, which should write no
    file. Each night runs in a child process of its own, so its wall time, CPU time and peak RSS
    (wait4) are its own. Medians of --runs runs; targets: peak RSS <= 500 MB.
(d) with --downloads K (after (c)): `govflow serve` in a child process over the last run's folder,
    K clients downloading its largest feed at once, reading slowly; the server's peak RSS.

It prints figures and whether the targets are met; it asserts nothing about time (exit 1 only if
a 304 request did not answer 304, or a download failed).
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
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
TARGET_STAGE_RSS_MB = 500.0
AS_OF = dt.date(2022, 2, 21)  # a Monday, the day after the synthetic councils' records end
FIRST_NIGHT = dt.datetime(2022, 2, 22, 3, 0, tzinfo=dt.timezone.utc)
PUBLIC_URL = "https://feeds.council.example.org"
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


# ---- (c) the feeds stage at national scale, (d) serving its largest feed --------------------------


def planned_database(folder: Path, councils: int) -> Path:
    """A SQLite file of `councils` synthetic councils with the nightly's forecasts stored (made once)."""
    planned = folder / f"councils-{councils}-planned.sqlite3"
    if planned.exists():
        return planned
    from zoneinfo import ZoneInfo

    from benchmarks.synthetic_database import populate
    from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
    from govflow.services.night_planning import run_nightly

    making = folder / "making.sqlite3"
    making.unlink(missing_ok=True)
    started = time.perf_counter()
    populate(f"sqlite:///{making}", councils)
    engine = make_engine(f"sqlite:///{making}")
    try:
        finished = dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time(3, 0), ZoneInfo("Europe/London"))
        run_nightly(lambda: SqlUnitOfWork(make_session_factory(engine)), AS_OF, finished)
    finally:
        engine.dispose()
    making.rename(planned)
    print(f"data: {councils} councils written and planned as of {AS_OF} in {time.perf_counter() - started:.0f} s")
    return planned


def publish_child(database: str, out: str, now: str, result: str) -> int:
    """One publish of every feed, measured in this (child) process."""
    from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
    from govflow.services.feed_publishing import publish

    engine = make_engine(f"sqlite:///{database}")
    session_factory = make_session_factory(engine)
    started = time.perf_counter()
    published = publish(lambda: SqlUnitOfWork(session_factory), Path(out), AS_OF, dt.datetime.fromisoformat(now), PUBLIC_URL)
    seconds = time.perf_counter() - started
    Path(result).write_text(json.dumps({
        "seconds": seconds,
        "feeds": len(published),
        "written": sum(p.written for p in published),
        "events": sum(p.events for p in published),
        "bytes": sum(p.file.stat().st_size for p in published),
    }))
    return 0


def run_publish(database: Path, out: Path, now: dt.datetime, workdir: Path) -> dict:
    result = workdir / "result.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--publish-child", str(database), str(out),
               now.isoformat(), str(result)]  # fmt: skip
    child = subprocess.Popen(command, cwd=str(ROOT))
    _, status, usage = os.wait4(child.pid, 0)  # this child's own peak RSS and CPU time
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"the publishing child exited with {os.waitstatus_to_exitcode(status)}")
    figures = json.loads(result.read_text())
    figures["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux reports kilobytes
    figures["cpu_s"] = usage.ru_utime + usage.ru_stime
    return figures


def describe_night(f: dict) -> str:
    return (f"{f['seconds']:.1f} s (CPU {f['cpu_s']:.1f} s), peak RSS {f['peak_rss_mb']:.0f} MB, "
            f"{f['feeds']:,.0f} feeds of {f['events']:,.0f} events, {f['bytes'] / 1e6:.0f} MB, {f['written']:,.0f} written")  # fmt: skip


def national(councils: int, runs: int, downloads: int, data: Path | None) -> int:
    with tempfile.TemporaryDirectory(prefix="govflow-feeds-national-") as tmp:
        workdir = Path(tmp)
        folder = data or workdir
        folder.mkdir(parents=True, exist_ok=True)
        planned = planned_database(folder, councils)
        nights: dict[str, list[dict]] = {"first": [], "second": []}
        out = workdir / "feeds"
        for run in range(runs):
            database = workdir / "night.sqlite3"
            shutil.copyfile(planned, database)
            shutil.rmtree(out, ignore_errors=True)
            for name, now in (("first", FIRST_NIGHT), ("second", FIRST_NIGHT + dt.timedelta(days=1))):
                figures = run_publish(database, out, now, workdir)
                nights[name].append(figures)
                print(f"run {run + 1}, {name} night: {describe_night(figures)}", flush=True)
        for name, figures in nights.items() if runs else ():
            median = {k: statistics.median(f[k] for f in figures) for k in figures[0]}
            print(f"feeds stage, {councils} councils, {name} night (median of {runs}): {describe_night(median)}; "
                  f"target peak RSS <= {TARGET_STAGE_RSS_MB:.0f} MB: {verdict(median['peak_rss_mb'], TARGET_STAGE_RSS_MB)}")  # fmt: skip
        return serve_downloads(out, downloads) if downloads else 0


def serve_downloads(folder: Path, clients: int) -> int:
    """`govflow serve` over `folder` in a child process; `clients` slow downloads of its largest feed at once."""
    largest = max(folder.rglob("*.ics"), key=lambda f: f.stat().st_size)
    path = "/feeds/" + largest.relative_to(folder).as_posix()
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    code = f"from govflow.web.serve import serve; serve({str(folder)!r}, '127.0.0.1', {port})"
    server = subprocess.Popen([sys.executable, "-c", code], cwd=str(ROOT), stderr=subprocess.DEVNULL)

    def status_mb(field: str) -> float:
        for line in Path(f"/proc/{server.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    results: list[tuple[int, int]] = []

    def download() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        try:
            conn.request("GET", path)
            response, size = conn.getresponse(), 0
            while piece := response.read(64 * 1024):
                size += len(piece)
                time.sleep(0.0005)  # a client slower than the disk
            results.append((response.status, size))
        finally:
            conn.close()

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("govflow serve did not start") from None
                time.sleep(0.1)
        idle = status_mb("VmRSS")
        started = time.perf_counter()
        threads = [threading.Thread(target=download) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        peak = status_mb("VmHWM")
    finally:
        server.terminate()
        server.wait(30)
    whole = sum(1 for status, size in results if status == 200 and size == largest.stat().st_size)
    print(f"serve: {clients} concurrent downloads of {path} ({largest.stat().st_size / 1e6:.0f} MB), {whole} whole, "
          f"{seconds:.1f} s; server RSS idle {idle:.0f} MB, peak {peak:.0f} MB")  # fmt: skip
    return 0 if whole == clients else 1


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--publish-child"]:
        return publish_child(*sys.argv[2:6])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--builds", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--councils", type=int, default=0, help="time the whole feeds stage on this many synthetic councils")
    parser.add_argument("--runs", type=int, default=3, help="with --councils: runs (each a first and a second night)")
    parser.add_argument("--downloads", type=int, default=8, help="with --councils: concurrent downloads of the largest feed (0: none)")
    parser.add_argument("--data", type=Path, help="with --councils: a folder to keep the planned database in and reuse")
    args = parser.parse_args(argv)
    if args.councils:
        return national(args.councils, args.runs, args.downloads, args.data)

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
