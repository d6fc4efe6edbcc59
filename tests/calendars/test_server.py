"""The feed server over a small published folder: headers, conditional requests, 404s, the subscribe
page, manifest reload, and the ical-check tool fetching a feed the way a subscriber's program does."""
from __future__ import annotations

import hashlib
import http.client
import json
import logging
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from calendars.server import FeedServer, make_server

CHECK_ICS = Path("/work/shared/tools/ical-check/check-ics")
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
def server(feeds_dir: Path) -> Iterator[FeedServer]:
    srv = make_server(feeds_dir, "127.0.0.1", 0, public_url=None)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def request(srv: FeedServer, path: str, method: str = "GET", headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_a_feed_is_served_with_calendar_headers(server: FeedServer, feeds_dir: Path) -> None:
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
def test_if_none_match_gives_304(server: FeedServer, if_none_match: str) -> None:
    _, first, _ = request(server, "/feeds/body/SSPB.ics")
    status, headers, body = request(server, "/feeds/body/SSPB.ics", headers={"If-None-Match": if_none_match.format(etag=first["etag"])})
    assert status == 304
    assert body == b""
    assert headers["etag"] == first["etag"]
    assert headers["last-modified"] == LAST_MODIFIED_HTTP
    assert headers["cache-control"] == "max-age=3600"


def test_a_different_etag_gives_200_even_with_a_matching_date(server: FeedServer) -> None:
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
def test_if_modified_since(server: FeedServer, since: str, expected: int) -> None:
    status, _, body = request(server, "/feeds/body/SSPB.ics", headers={"If-Modified-Since": since})
    assert status == expected
    assert (body == b"") == (expected == 304)


def test_head_gives_the_headers_without_the_body(server: FeedServer, feeds_dir: Path) -> None:
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
def test_anything_not_in_the_manifest_is_404(server: FeedServer, path: str) -> None:
    status, _, body = request(server, path)
    assert status == 404
    assert b"not a feed" not in body


def test_a_query_string_does_not_matter(server: FeedServer) -> None:
    assert request(server, "/feeds/all.ics?refresh=1")[0] == 200


def test_a_person_feed_is_served_by_its_token_but_listed_nowhere(server: FeedServer) -> None:
    status, headers, body = request(server, f"/feeds/person/{TOKEN}.ics")
    assert status == 200 and b"Your paper for SSPB is due" in body
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert "max-age=3600" in headers["cache-control"] and "private" in headers["cache-control"]
    for page in ("/", "/subscribe"):
        assert TOKEN.encode() not in request(server, page)[2]


def test_the_subscribe_page_lists_the_public_feeds(server: FeedServer) -> None:
    status, headers, body = request(server, "/")
    page = body.decode("utf-8")
    port = server.server_address[1]
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="en">' in page
    assert "<h1>" in page and '<th scope="col">Feed</th>' in page and '<th scope="col">What it holds</th>' in page
    for path, title in [("all.ics", "All boards and documents"), ("body/SSPB.ics", "Strategic SEND Partnership Board (SSPB)"), ("document/send-strategy.ics", "SEND Strategy")]:
        assert f'href="webcal://127.0.0.1:{port}/feeds/{path}"' in page
        assert f'href="http://127.0.0.1:{port}/feeds/{path}"' in page
        assert f'<th scope="row">{title}</th>' in page
    assert "person/" not in page and TOKEN not in page and "Gill Brown" not in page
    for words in ("Subscribe from web", "From URL", "New Calendar Subscription", "On the Network", "up to a day", "sent the address of their own calendar"):
        assert words in page
    assert request(server, "/subscribe")[2] == body


def test_the_subscribe_page_uses_the_public_url(feeds_dir: Path) -> None:
    srv = make_server(feeds_dir, "127.0.0.1", 0, public_url="https://feeds.council.example.org/")
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        page = request(srv, "/")[2].decode()
    finally:
        srv.shutdown()
        srv.server_close()
    assert 'href="webcal://feeds.council.example.org/feeds/body/SSPB.ics"' in page
    assert 'href="https://feeds.council.example.org/feeds/body/SSPB.ics"' in page


def test_a_rebuild_is_picked_up_without_a_restart(server: FeedServer, feeds_dir: Path) -> None:
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


def test_a_broken_index_keeps_the_last_good_manifest(server: FeedServer, feeds_dir: Path) -> None:
    (feeds_dir / "index.json").write_text('{"feeds": [', encoding="utf-8")
    assert request(server, "/feeds/body/SSPB.ics")[0] == 200


def test_a_file_that_disagrees_with_the_index_is_sent_with_its_own_etag(server: FeedServer, feeds_dir: Path) -> None:
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
    srv = make_server(folder, "127.0.0.1", 0)
    try:
        assert srv.catalog.current()[0].feeds == {}
    finally:
        srv.server_close()


def test_person_tokens_are_redacted_in_the_access_log(server: FeedServer, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="calendars.server"):
        request(server, f"/feeds/person/{TOKEN}.ics")
        request(server, "/feeds/person/OldRotatedToken123456.ics")
        request(server, "/feeds/body/SSPB.ics")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "person/<redacted" in logged and "/feeds/body/SSPB.ics" in logged
    assert TOKEN not in logged and "OldRotatedToken123456" not in logged


def test_ical_check_accepts_the_served_feeds(server: FeedServer) -> None:
    if not CHECK_ICS.exists() or shutil.which("node") is None or shutil.which("khal") is None:
        message = f"ical-check is not installed ({CHECK_ICS}; run its ./install)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    port = server.server_address[1]
    for path in ("body/SSPB.ics", f"person/{TOKEN}.ics"):
        result = subprocess.run([str(CHECK_ICS), f"http://127.0.0.1:{port}/feeds/{path}", "--strict"], capture_output=True, text=True, timeout=180)
        if result.returncode == 3 and os.environ.get("CI") != "true":
            pytest.skip(f"ical-check tooling missing: {result.stderr.strip()}")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "RESULT: PASS" in result.stderr and "warnings=0" in result.stderr
