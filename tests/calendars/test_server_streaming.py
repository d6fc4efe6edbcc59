"""The feed server sends a feed from its file a piece at a time: a large feed whole and right, the
bytes hashed for the ETag even when the publisher replaces the file mid-download, and single byte
ranges (206, 416, If-Range)."""
from __future__ import annotations

import hashlib
import http.client
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from calendars.feed_folder import READ_BYTES, requested_range
from tests.calendars.test_server import feeds_dir, ics, publish, request, server  # noqa: F401 - fixtures

BIG = b"".join(ics(f"Meeting {n}", f"meeting-{n}@govflow.test") for n in range(12000))  # several pieces


@pytest.fixture
def big_feed(feeds_dir: Path) -> bytes:  # noqa: F811 - the fixture imported above
    publish(feeds_dir, {"all.ics": (BIG, "All", "all", True)})
    return BIG


def test_a_feed_of_many_pieces_is_sent_whole(server: str, big_feed: bytes) -> None:  # noqa: F811
    assert len(big_feed) > 3 * READ_BYTES
    status, headers, body = request(server, "/feeds/all.ics")
    assert status == 200 and body == big_feed
    assert headers["content-length"] == str(len(big_feed))
    assert headers["etag"] == f'"{hashlib.sha256(big_feed).hexdigest()}"'
    assert headers["accept-ranges"] == "bytes"


def test_a_file_replaced_mid_download_still_sends_the_bytes_of_its_etag(server: str, feeds_dir: Path, big_feed: bytes) -> None:  # noqa: F811
    where = urlsplit(server)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    try:
        conn.request("GET", "/feeds/all.ics")
        response = conn.getresponse()
        start = response.read(READ_BYTES)
        newer = feeds_dir / "all.ics.new"
        newer.write_bytes(b"X" * len(big_feed))
        os.replace(newer, feeds_dir / "all.ics")  # as the publisher does: a new file renamed over the old
        body = start + response.read()
    finally:
        conn.close()
    assert body == big_feed and response.getheader("ETag") == f'"{hashlib.sha256(big_feed).hexdigest()}"'


@pytest.mark.parametrize(
    ("asked", "part"),
    [("bytes=0-99", (0, 99)), ("bytes=100-", (100, None)), ("bytes=-50", (-50, None)), ("bytes=5-999999999", (5, None))],
)
def test_a_range_gives_206_with_that_part(server: str, big_feed: bytes, asked: str, part: tuple) -> None:  # noqa: F811
    status, headers, body = request(server, "/feeds/all.ics", headers={"Range": asked})
    first = part[0] if part[0] >= 0 else len(big_feed) + part[0]
    expected = big_feed[first:] if part[1] is None else big_feed[first:part[1] + 1]
    assert status == 206 and body == expected
    assert headers["content-range"] == f"bytes {first}-{first + len(expected) - 1}/{len(big_feed)}"
    assert headers["content-length"] == str(len(expected))
    assert headers["etag"] == f'"{hashlib.sha256(big_feed).hexdigest()}"'


def test_a_range_past_the_end_is_416(server: str, big_feed: bytes) -> None:  # noqa: F811
    status, headers, body = request(server, "/feeds/all.ics", headers={"Range": f"bytes={len(big_feed)}-"})
    assert status == 416 and body == b"" and headers["content-range"] == f"bytes */{len(big_feed)}"


@pytest.mark.parametrize("asked", ["bytes=0-1,5-9", "bytes=9-5", "lines=1-2", "bytes=x-y"])
def test_ranges_we_do_not_serve_get_the_whole_feed(server: str, big_feed: bytes, asked: str) -> None:  # noqa: F811
    status, _, body = request(server, "/feeds/all.ics", headers={"Range": asked})
    assert status == 200 and body == big_feed


def test_if_range_with_an_old_etag_gets_the_whole_feed(server: str, big_feed: bytes) -> None:  # noqa: F811
    etag = f'"{hashlib.sha256(big_feed).hexdigest()}"'
    assert request(server, "/feeds/all.ics", headers={"Range": "bytes=0-9", "If-Range": etag})[0] == 206
    status, _, body = request(server, "/feeds/all.ics", headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert status == 200 and body == big_feed


def test_head_of_a_large_feed_reads_no_body(server: str, big_feed: bytes) -> None:  # noqa: F811
    status, headers, body = request(server, "/feeds/all.ics", method="HEAD")
    assert status == 200 and body == b"" and headers["content-length"] == str(len(big_feed))


def test_requested_range_edge_cases() -> None:
    assert requested_range({}, 10, '"e"', None) is None
    assert requested_range({"Range": "bytes=-0"}, 10, '"e"', None) == (-1, -1)
    assert requested_range({"Range": "bytes=-20"}, 10, '"e"', None) == (0, 9)
    assert requested_range({"Range": "bytes=0-0"}, 0, '"e"', None) == (-1, -1)
    assert requested_range({"Range": "bytes=3-", "If-Range": "Mon, 05 Jan 2026 02:10:00 GMT"}, 10, '"e"',
                           "Mon, 05 Jan 2026 02:10:00 GMT") == (3, 9)
