"""The web app over a small published folder, served by a real uvicorn on 127.0.0.1: headers,
conditional requests, 404s, the subscribe page, manifest reload (and its race), token redaction in
the logs, `govflow serve` itself, and the ical-check tool fetching a feed the way a subscriber's
program does."""
from __future__ import annotations

import hashlib
import http.client
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from calendars import feed_folder
from calendars.feed_folder import FeedCatalog
from govflow.web.app import create_app
from govflow.web.serve import run_in_thread

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "q7Xf2LmN9pRsTuVw3yZa5bCd"  # a person feed's unguessable token
LAST_MODIFIED = "2026-01-05T02:10:00Z"
LAST_MODIFIED_HTTP = "Mon, 05 Jan 2026 02:10:00 GMT"


def ics(summary: str, uid: str = "meeting-sspb-2026-02-10@govflow.test") -> bytes:
    """A small feed written by hand, the way subscribers' programs want it (checked by ical-check)."""
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//govflow//feed server tests//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "NAME:Test feed",
        "X-WR-CALNAME:Test feed",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260105T021000Z",
        "DTSTART;VALUE=DATE:20260210",
        "DTEND;VALUE=DATE:20260211",
        f"SUMMARY:{summary}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def publish(folder: Path, feeds: dict[str, tuple[bytes, str, str, bool]], last_modified: str = LAST_MODIFIED) -> None:
    """Write feeds {path: (bytes, title, kind, public)} and their index.json, as the publisher does."""
    entries = []
    for path, (body, title, kind, public) in feeds.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        entries.append({
            "path": path, "title": title, "kind": kind, "public": public,
            "sha256": hashlib.sha256(body).hexdigest(), "last_modified": last_modified,
        })
    tmp = folder / "index.json.tmp"
    tmp.write_text(json.dumps({"generated_at": last_modified, "feeds": entries}), encoding="utf-8")
    os.replace(tmp, folder / "index.json")


def fixture_feeds(token: str = TOKEN) -> dict[str, tuple[bytes, str, str, bool]]:
    return {
        "all.ics": (ics("SSPB meeting", "all-1@govflow.test"), "All boards and documents", "all", True),
        "body/SSPB.ics": (ics("SSPB meeting"), "Strategic SEND Partnership Board (SSPB)", "body", True),
        "document/send-strategy.ics": (ics("SEND Strategy: SSPB sign-off", "doc-1@govflow.test"), "SEND Strategy", "document", True),
        f"person/{token}.ics": (ics("Your paper for SSPB is due", "person-1@govflow.test"), "Gill Brown (GB)", "person", False),
    }


@pytest.fixture
def feeds_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "feeds"
    folder.mkdir()
    publish(folder, fixture_feeds())
    (tmp_path / "secret.txt").write_text("not a feed")
    return folder


@pytest.fixture
def server(feeds_dir: Path) -> Iterator[str]:
    """The base URL of the app over `feeds_dir`, under uvicorn in a background thread."""
    with run_in_thread(lambda url: create_app(feeds_dir, url)) as url:
        yield url


def request(base: str, path: str, method: str = "GET", headers: dict | None = None) -> tuple[int, dict, bytes]:
    where = urlsplit(base)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_a_feed_is_served_with_calendar_headers(server: str, feeds_dir: Path) -> None:
    status, headers, body = request(server, "/feeds/body/SSPB.ics")
    expected = (feeds_dir / "body" / "SSPB.ics").read_bytes()
    assert status == 200
    assert body == expected
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert headers["etag"] == f'"{hashlib.sha256(expected).hexdigest()}"'
    assert headers["last-modified"] == LAST_MODIFIED_HTTP
    assert headers["cache-control"] == "max-age=3600"
    assert headers["content-length"] == str(len(expected))
    assert "content-disposition" not in headers


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", "W/{etag}", '"0000", {etag}', '"0000",W/{etag}', "*"],
)
def test_if_none_match_gives_304(server: str, if_none_match: str) -> None:
    _, first, _ = request(server, "/feeds/body/SSPB.ics")
    status, headers, body = request(server, "/feeds/body/SSPB.ics", headers={"If-None-Match": if_none_match.format(etag=first["etag"])})
    assert status == 304
    assert body == b""
    assert headers["etag"] == first["etag"]
    assert headers["last-modified"] == LAST_MODIFIED_HTTP
    assert headers["cache-control"] == "max-age=3600"


def test_a_different_etag_gives_200_even_with_a_matching_date(server: str) -> None:
    # RFC 7232 §6: If-None-Match is decided first; If-Modified-Since is then ignored.
    status, _, body = request(server, "/feeds/body/SSPB.ics", headers={"If-None-Match": '"stale"', "If-Modified-Since": LAST_MODIFIED_HTTP})
    assert status == 200 and body.startswith(b"BEGIN:VCALENDAR")


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        (LAST_MODIFIED_HTTP, 304),
        ("Tue, 06 Jan 2026 00:00:00 GMT", 304),  # later than Last-Modified
        ("Monday, 05-Jan-26 02:10:00 GMT", 304),  # RFC 850 form
        ("Mon, 05 Jan 2026 02:09:59 GMT", 200),  # one second older
        ("Thu, 01 Jan 1970 00:00:00 GMT", 200),
        ("not a date", 200),
    ],
)
def test_if_modified_since(server: str, since: str, expected: int) -> None:
    status, _, body = request(server, "/feeds/body/SSPB.ics", headers={"If-Modified-Since": since})
    assert status == expected
    assert (body == b"") == (expected == 304)


def test_head_gives_the_headers_without_the_body(server: str, feeds_dir: Path) -> None:
    status, headers, body = request(server, "/feeds/document/send-strategy.ics", method="HEAD")
    assert status == 200 and body == b""
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert headers["content-length"] == str(len((feeds_dir / "document" / "send-strategy.ics").read_bytes()))
    assert request(server, "/feeds/document/send-strategy.ics", method="HEAD", headers={"If-None-Match": headers["etag"]})[0] == 304
    assert request(server, "/feeds/nope.ics", method="HEAD")[0] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/body/XYZ.ics",
        "/feeds/index.json",
        "/feeds/../secret.txt",
        "/feeds/body/../../secret.txt",
        "/feeds/%2e%2e/secret.txt",
        "/feeds/body/..%2F..%2Fsecret.txt",
        "/feeds/body%2FSSPB.ics/../../../secret.txt",
        "/feeds/",
        "/feeds/person/",
        "/secret.txt",
        "/index.json",
        "/../secret.txt",
        "//etc/passwd",
    ],
)
def test_anything_not_in_the_manifest_is_404(server: str, path: str) -> None:
    status, _, body = request(server, path)
    assert status == 404
    assert b"not a feed" not in body


def test_a_query_string_does_not_matter(server: str) -> None:
    assert request(server, "/feeds/all.ics?refresh=1")[0] == 200


def test_a_person_feed_is_served_by_its_token_but_listed_nowhere(server: str) -> None:
    status, headers, body = request(server, f"/feeds/person/{TOKEN}.ics")
    assert status == 200 and b"Your paper for SSPB is due" in body
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert "max-age=3600" in headers["cache-control"] and "private" in headers["cache-control"]
    for page in ("/", "/subscribe"):
        assert TOKEN.encode() not in request(server, page)[2]


def test_the_subscribe_page_lists_the_public_feeds(server: str) -> None:
    status, headers, body = request(server, "/")
    page = body.decode("utf-8")
    port = urlsplit(server).port
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="en">' in page
    assert "<h1>" in page and '<th scope="col">Feed</th>' in page and '<th scope="col">What it holds</th>' in page
    for path, title in [("all.ics", "All boards and documents"), ("body/SSPB.ics", "Strategic SEND Partnership Board (SSPB)"), ("document/send-strategy.ics", "SEND Strategy")]:
        assert f'href="webcal://127.0.0.1:{port}/feeds/{path}"' in page
        assert f'href="http://127.0.0.1:{port}/feeds/{path}"' in page
        assert f'<th scope="row">{title}</th>' in page
    assert "person/" not in page and TOKEN not in page and "Gill Brown" not in page
    for words in ("Subscribe from web", "From URL", "New Calendar Subscription", "On the Network", "up to a day", "sent the address of their own calendar", "<code>govflow feeds show</code>"):
        assert words in page
    assert request(server, "/subscribe")[2] == body


def test_the_subscribe_page_uses_the_public_url(feeds_dir: Path) -> None:
    with run_in_thread(lambda url: create_app(feeds_dir, "https://feeds.council.example.org/")) as url:
        page = request(url, "/")[2].decode()
    assert 'href="webcal://feeds.council.example.org/feeds/body/SSPB.ics"' in page
    assert 'href="https://feeds.council.example.org/feeds/body/SSPB.ics"' in page


def test_the_subscribe_page_says_when_it_was_updated_in_london_time(server: str, feeds_dir: Path) -> None:
    """Issue 14, point 6: the time people read is UK time in words, never a raw UTC timestamp."""
    page = request(server, "/")[2].decode()
    assert "(updated 2:10am on Monday 5 January 2026 (UK time))" in page  # GMT in winter
    assert LAST_MODIFIED not in page and "02:10" not in page
    publish(feeds_dir, fixture_feeds(), last_modified="2026-07-06T02:10:00Z")
    with run_in_thread(lambda url: create_app(feeds_dir, url)) as url:
        summer = request(url, "/")[2].decode()
    assert "(updated 3:10am on Monday 6 July 2026 (UK time))" in summer  # British Summer Time
    assert "2026-07-06T02:10:00Z" not in summer


def test_a_rebuild_is_picked_up_without_a_restart(server: str, feeds_dir: Path) -> None:
    _, before, _ = request(server, "/feeds/body/SSPB.ics")
    new_token = "Zk3mP8qR2sT5vW7xY9aB4cD6"
    feeds = fixture_feeds(new_token)
    feeds["body/SSPB.ics"] = (ics("SSPB meeting (moved)"), "Strategic SEND Partnership Board (SSPB)", "body", True)
    feeds["body/HWBB.ics"] = (ics("HWBB meeting", "hwbb-1@govflow.test"), "Health and Wellbeing Board (HWBB)", "body", True)
    os.remove(feeds_dir / "person" / f"{TOKEN}.ics")
    publish(feeds_dir, feeds, last_modified="2026-01-06T02:10:00Z")

    status, after, body = request(server, "/feeds/body/SSPB.ics", headers={"If-None-Match": before["etag"], "If-Modified-Since": before["last-modified"]})
    assert status == 200 and b"(moved)" in body
    assert after["etag"] != before["etag"] and after["last-modified"] == "Tue, 06 Jan 2026 02:10:00 GMT"
    assert request(server, "/feeds/body/SSPB.ics", headers={"If-Modified-Since": before["last-modified"]})[0] == 200
    assert request(server, "/feeds/body/HWBB.ics")[0] == 200
    assert "Health and Wellbeing Board (HWBB)" in request(server, "/")[2].decode()
    assert request(server, f"/feeds/person/{TOKEN}.ics")[0] == 404  # the rotated token is gone
    assert request(server, f"/feeds/person/{new_token}.ics")[0] == 200


def test_a_broken_index_keeps_the_last_good_manifest(server: str, feeds_dir: Path) -> None:
    (feeds_dir / "index.json").write_text('{"feeds": [', encoding="utf-8")
    assert request(server, "/feeds/body/SSPB.ics")[0] == 200


def test_a_file_that_disagrees_with_the_index_is_sent_with_its_own_etag(server: str, feeds_dir: Path) -> None:
    # index.json written before the .ics (or the other way round): never describe new bytes with old
    # validators or old bytes with new ones.
    _, before, _ = request(server, "/feeds/body/SSPB.ics")
    newer = ics("SSPB meeting (half published)")
    (feeds_dir / "body" / "SSPB.ics").write_bytes(newer)
    status, headers, body = request(server, "/feeds/body/SSPB.ics")
    assert status == 200 and body == newer
    assert headers["etag"] == f'"{hashlib.sha256(newer).hexdigest()}"' != before["etag"]
    assert "last-modified" not in headers


def test_unsafe_manifest_paths_are_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    (tmp_path / "outside.ics").write_bytes(ics("outside"))
    entries = [{"path": p, "title": p, "kind": "body", "public": True, "sha256": "0" * 64, "last_modified": LAST_MODIFIED}
               for p in ("../outside.ics", "/etc/passwd.ics", "body/../../outside.ics", "index.json")]
    (folder / "index.json").write_text(json.dumps({"feeds": entries}))
    assert FeedCatalog(folder).current()[0].feeds == {}


def test_person_tokens_are_redacted_in_the_access_log(server: str, caplog: pytest.LogCaptureFixture) -> None:
    access = logging.getLogger("uvicorn.access")
    # Straight onto uvicorn's access logger too: a logging set-up loaded earlier in this process
    # (Prefect's, by a flow test) stops "uvicorn" records from reaching the root logger.
    access.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO), caplog.at_level(logging.INFO, logger="uvicorn.access"):
            request(server, f"/feeds/person/{TOKEN}.ics")
            request(server, "/feeds/person/OldRotatedToken123456.ics")
            request(server, "/feeds/body/SSPB.ics")
            deadline = time.monotonic() + 5  # uvicorn logs a request after answering it
            while "/feeds/body/SSPB.ics" not in caplog.text and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        access.removeHandler(caplog.handler)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert any(r.name == "uvicorn.access" for r in caplog.records)
    assert "person/<redacted" in logged and "/feeds/body/SSPB.ics" in logged
    assert TOKEN not in logged and "OldRotatedToken123456" not in logged


def test_the_feed_lookup_compares_keyed_digests_not_paths(feeds_dir: Path) -> None:
    manifest = FeedCatalog(feeds_dir).current()[0]
    assert manifest.find(f"person/{TOKEN}.ics") is manifest.feeds[f"person/{TOKEN}.ics"]
    for near_miss in (f"person/{TOKEN[:-1]}.ics", f"person/{TOKEN}", f"person/{TOKEN}.ics/", f"person/{TOKEN.lower()}.ics"):
        assert manifest.find(near_miss) is None
    # What a request is compared with is an HMAC under a key made for this manifest: no path, and no
    # digest anyone outside the process could work out.
    assert all(isinstance(key, bytes) and len(key) == 32 for key in manifest._by_digest)
    assert not any(TOKEN.encode() in key for key in manifest._by_digest)
    again = FeedCatalog(feeds_dir).current()[0]
    assert set(again._by_digest).isdisjoint(manifest._by_digest)


def test_a_request_racing_a_reload_never_sees_the_new_stamp_with_the_old_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Commit 7d71577: the stamp is set after the manifest. A thread that found index.json changed
    # while another was still reading it must wait for the new manifest, not answer from the old
    # (at start-up, empty) one with a 404.
    folder = tmp_path / "feeds"
    folder.mkdir()
    catalog = FeedCatalog(folder)
    assert catalog.current()[0].feeds == {}  # no index.json yet
    publish(folder, fixture_feeds())

    reading, release = threading.Event(), threading.Event()
    real_load = feed_folder.load_manifest

    def slow_load(feeds_dir: Path):
        reading.set()
        release.wait(10)
        return real_load(feeds_dir)

    monkeypatch.setattr(feed_folder, "load_manifest", slow_load)
    seen: dict[str, bool] = {}

    def ask(name: str) -> None:
        seen[name] = catalog.current()[0].find("body/SSPB.ics") is not None

    reloader = threading.Thread(target=ask, args=("reloader",))
    reloader.start()
    assert reading.wait(10)
    racer = threading.Thread(target=ask, args=("racer",))
    racer.start()
    racer.join(0.3)
    assert racer.is_alive(), "a request answered from the old manifest while the new one was being read"
    release.set()
    reloader.join(10)
    racer.join(10)
    assert seen == {"reloader": True, "racer": True}


def test_no_404_while_the_manifest_is_republished(server: str, feeds_dir: Path) -> None:
    # Nightly rebuilds replace index.json and the .ics files atomically while subscribers poll.
    statuses: list[int] = []
    stop = threading.Event()

    def poll() -> None:
        where = urlsplit(server)
        conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
        try:
            while not stop.is_set():
                conn.request("GET", "/feeds/body/SSPB.ics")
                response = conn.getresponse()
                response.read()
                statuses.append(response.status)
        finally:
            conn.close()

    pollers = [threading.Thread(target=poll) for _ in range(3)]
    for poller in pollers:
        poller.start()
    try:
        for n in range(40):
            feeds = fixture_feeds()
            feeds["body/SSPB.ics"] = (ics(f"SSPB meeting (rebuild {n})"), "Strategic SEND Partnership Board (SSPB)", "body", True)
            publish_atomically(feeds_dir, feeds, last_modified=f"2026-01-06T02:10:{n:02d}Z")
            time.sleep(0.005)
    finally:
        stop.set()
        for poller in pollers:
            poller.join(10)
    assert statuses and set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}


def publish_atomically(folder: Path, feeds: dict[str, tuple[bytes, str, str, bool]], last_modified: str) -> None:
    """As `publish`, with each .ics replaced by rename (as govflow.services.feed_publishing writes them)."""
    for path, (body, *_rest) in feeds.items():
        tmp = folder / f"{path}.tmp"
        tmp.write_bytes(body)
        os.replace(tmp, folder / path)
    entries = [
        {"path": path, "title": title, "kind": kind, "public": public,
         "sha256": hashlib.sha256(body).hexdigest(), "last_modified": last_modified}
        for path, (body, title, kind, public) in feeds.items()
    ]
    tmp = folder / "index.json.tmp"
    tmp.write_text(json.dumps({"generated_at": last_modified, "feeds": entries}), encoding="utf-8")
    os.replace(tmp, folder / "index.json")


def test_ical_check_accepts_a_served_person_feed(server: str, check_ics) -> None:
    # check-ics fetches the URL as a subscriber's program does and checks the headers (Content-Type,
    # ETag/Last-Modified, 304s). A body feed is checked over HTTP in test_southend_served.py.
    result = check_ics(f"{server}/feeds/person/{TOKEN}.ics", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RESULT: PASS" in result.stderr and "warnings=0" in result.stderr


# --- `govflow serve` and uvicorn's own command line ----------------------------------------------


class Running:
    """A server process started by a test; its stdout and stderr go to files."""

    def __init__(self, args: list[str], workdir: Path, env: dict[str, str] | None = None) -> None:
        self.stdout, self.stderr = workdir / "stdout.txt", workdir / "stderr.txt"
        with open(self.stdout, "wb") as out, open(self.stderr, "wb") as err:
            self.process = subprocess.Popen(args, stdout=out, stderr=err, cwd=ROOT, env={**os.environ, **(env or {})})

    def wait_for(self, pattern: str, stream: str = "stdout", timeout: float = 30) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.text(stream))
            if found:
                return found
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no {pattern!r} in {stream}:\n{self.text('stdout')}\n{self.text('stderr')}")

    def text(self, stream: str) -> str:
        return (self.stdout if stream == "stdout" else self.stderr).read_text(errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


def test_govflow_serve_on_any_free_port(feeds_dir: Path, tmp_path: Path) -> None:
    running = Running([sys.executable, "-m", "govflow", "serve", "--port", "0", "--feeds-dir", str(feeds_dir)], tmp_path)
    try:
        url = running.wait_for(r"subscribe page: (http://127\.0\.0\.1:\d+)/").group(1)
        printed = "".join(running.text("stdout").split())  # rich wraps a long path at 80 columns
        assert printed == "".join(f"serving feeds from {feeds_dir} subscribe page: {url}/".split())
        status, headers, body = request(url, "/feeds/body/SSPB.ics")
        assert status == 200 and body == (feeds_dir / "body" / "SSPB.ics").read_bytes()
        assert request(url, "/feeds/body/SSPB.ics", headers={"If-None-Match": headers["etag"]})[0] == 304
        assert f'href="{url}/feeds/body/SSPB.ics"' in request(url, "/")[2].decode()
        assert request(url, f"/feeds/person/{TOKEN}.ics")[0] == 200
        running.wait_for(r"/feeds/person/<redacted [0-9a-f]{8}>", "stderr")
    finally:
        running.stop()
    assert TOKEN not in running.text("stderr")


def test_govflow_serve_with_workers_follows_a_rebuild(feeds_dir: Path, tmp_path: Path) -> None:
    running = Running([sys.executable, "-m", "govflow", "serve", "--port", "0", "--workers", "2",
                       "--feeds-dir", str(feeds_dir), "--public-url", "https://feeds.council.example.org/"], tmp_path)
    try:
        running.wait_for(r"subscribe page: https://feeds\.council\.example\.org/$")
        port = None
        # The parent binds the socket; find its port from the process's listening sockets.
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            port = listening_port(running.process.pid)
            time.sleep(0.05)
        assert port, running.text("stderr")
        url = f"http://127.0.0.1:{port}"
        wait_until_answering(url, running)
        assert 'href="https://feeds.council.example.org/feeds/body/SSPB.ics"' in request(url, "/")[2].decode()
        _, before, _ = request(url, "/feeds/body/SSPB.ics")
        feeds = fixture_feeds()
        feeds["body/SSPB.ics"] = (ics("SSPB meeting (moved)"), "Strategic SEND Partnership Board (SSPB)", "body", True)
        publish_atomically(feeds_dir, feeds, last_modified="2026-01-06T02:10:00Z")
        # Each worker notices the new index.json by itself: new connections reach either of them.
        for _ in range(10):
            status, after, body = request(url, "/feeds/body/SSPB.ics", headers={"If-None-Match": before["etag"]})
            assert status == 200 and b"(moved)" in body and after["etag"] != before["etag"]
        running.wait_for(r"Started server process.*\n(.*\n)*.*Started server process", "stderr")
    finally:
        assert running.stop() == 0
    assert TOKEN not in running.text("stderr")


def listening_port(pid: int) -> int | None:
    """The TCP port the process `pid` listens on (from /proc), or None."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
            return int(fields[1].split(":")[1], 16)
    return None


def wait_until_answering(url: str, running: Running, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            request(url, "/")
            return
        except OSError:
            if time.monotonic() > deadline or running.process.poll() is not None:
                raise AssertionError(running.text("stderr"))
            time.sleep(0.1)


def test_uvicorn_command_line_with_the_factory_redacts_tokens(feeds_dir: Path, tmp_path: Path) -> None:
    # As the README runs it behind a proxy: uvicorn's own logging set-up, access log on.
    running = Running(
        [sys.executable, "-m", "uvicorn", "govflow.web.app:create_app_from_env", "--factory", "--port", "0",
         "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1", "--http", "govflow.web.request_deadline:RequestDeadlineProtocol"],
        tmp_path, env={"GOVFLOW_FEEDS_DIR": str(feeds_dir), "GOVFLOW_PUBLIC_URL": "https://feeds.council.example.org"},
    )
    try:
        url = running.wait_for(r"Uvicorn running on (http://127\.0\.0\.1:\d+)", "stderr").group(1)
        status, headers, _ = request(url, f"/feeds/person/{TOKEN}.ics", headers={"X-Forwarded-For": "203.0.113.7"})
        assert status == 200 and headers["cache-control"] == "private, max-age=3600"
        running.wait_for(r'203\.0\.113\.7:\d+ - "GET /feeds/person/<redacted [0-9a-f]{8}> HTTP/1\.1" 200', "stdout")  # uvicorn's access log
    finally:
        running.stop()
    assert TOKEN not in running.text("stderr") + running.text("stdout")
