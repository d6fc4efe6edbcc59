"""The feed server under clients that are slow, many or malformed, over real sockets: a client that
sends half a request is closed within a bounded time, 200 clients at once are all answered, a request
uvicorn cannot parse or that is too long is answered 400, an unreadable If-Modified-Since or
If-None-Match is ignored (the feed is sent) — and none of it logs a traceback."""
from __future__ import annotations

import logging
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from govflow.web.app import create_app
from govflow.web.serve import run_in_thread
from tests.calendars.test_server import (
    LAST_MODIFIED_HTTP,
    Running,
    fixture_feeds,
    publish,
    request,
)

TIMEOUT_REQUEST = 1.0  # seconds, for these tests; `govflow serve` defaults to 10
FEED = "/feeds/body/SSPB.ics"


@pytest.fixture
def server(feeds_dir: Path) -> Iterator[str]:
    with run_in_thread(lambda url: create_app(feeds_dir, url), timeout_request=TIMEOUT_REQUEST, timeout_keep_alive=3) as url:
        yield url


@pytest.fixture
def feeds_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "feeds"
    folder.mkdir()
    publish(folder, fixture_feeds())
    return folder


def connect(url: str) -> socket.socket:
    where = urlsplit(url)
    return socket.create_connection((where.hostname, where.port), timeout=10)


def read_until_closed(sock: socket.socket, limit: float) -> tuple[bytes, float | None]:
    """What the server sent, and after how many seconds it closed the connection (None: still open)."""
    started, received = time.monotonic(), b""
    sock.settimeout(0.05)
    while time.monotonic() - started < limit:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return received, time.monotonic() - started
        if not chunk:
            return received, time.monotonic() - started
        received += chunk
    return received, None


def exchange(url: str, raw: bytes) -> bytes:
    """Send raw bytes as one request and read the answer until the server closes."""
    with connect(url) as sock:
        sock.sendall(raw)
        answer, closed_after = read_until_closed(sock, 10)
    assert closed_after is not None, answer[:200]
    return answer


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    logged = [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert not logged, [r.getMessage() for r in logged]


# --- slow clients --------------------------------------------------------------------------------

REQUEST = b"GET /feeds/body/SSPB.ics HTTP/1.1\r\nHost: feeds.example.org\r\nUser-Agent: slow\r\n\r\n"


@pytest.mark.parametrize(
    ("what", "first", "drip"),
    [
        pytest.param("connects and sends nothing", b"", b"", id="silent"),
        pytest.param("sends half a request line", b"GET /feeds/bo", b"", id="half a line"),
        pytest.param("sends its headers a byte at a time", b"", REQUEST[:40], id="drip"),
        pytest.param("drips its second request after a first answer", REQUEST, REQUEST[:40], id="drip after an answer"),
    ],
)
def test_a_client_that_does_not_finish_its_request_is_closed(server: str, caplog: pytest.LogCaptureFixture, what: str, first: bytes, drip: bytes) -> None:
    caplog.set_level(logging.INFO)
    with connect(server) as sock:
        sock.sendall(first)
        started = time.monotonic()
        try:
            for byte in drip:  # one byte every 0.1 s: each one restarts uvicorn's keep-alive timer
                sock.sendall(bytes([byte]))
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):  # closed by the server while dripping
            pass
        answer, closed_after = read_until_closed(sock, TIMEOUT_REQUEST + 4)
        closed_after = None if closed_after is None else time.monotonic() - started
    # Closed when the deadline passed (and not because the drip ran out: it lasts 4 s).
    assert closed_after is not None and closed_after < TIMEOUT_REQUEST + 2, f"a client that {what} was still connected {closed_after} s later"
    assert answer.count(b"HTTP/1.1 200 OK") == (1 if first == REQUEST else 0)
    assert "sent no complete request within 1 s: connection closed" in caplog.text
    no_traceback(caplog)


def test_the_deadline_does_not_cut_a_kept_alive_connection_short(server: str) -> None:
    # Idle for longer than the request deadline, but within keep-alive (3 s): the next request is answered.
    with connect(server) as sock:
        for _ in range(2):
            sock.sendall(REQUEST)
            answer = b""
            while not answer.endswith(b"END:VCALENDAR\r\n"):
                chunk = sock.recv(65536)
                assert chunk, f"closed after {answer[:100]!r}"
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200 OK")
            time.sleep(TIMEOUT_REQUEST + 0.5)


def test_govflow_serve_takes_its_limits_from_the_command_line(feeds_dir: Path, tmp_path: Path) -> None:
    running = Running([sys.executable, "-m", "govflow", "serve", "--port", "0", "--feeds-dir", str(feeds_dir),
                       "--timeout-request", "1", "--timeout-keep-alive", "2", "--backlog", "256"], tmp_path)
    try:
        url = running.wait_for(r"subscribe page: (http://127\.0\.0\.1:\d+)/").group(1)
        assert request(url, FEED)[0] == 200
        with connect(url) as sock:
            sock.sendall(b"GET /feeds/bo")
            _, closed_after = read_until_closed(sock, 5)
        assert closed_after is not None and closed_after < 4
        running.wait_for(r"127\.0\.0\.1:\d+ sent no complete request within 1 s: connection closed", "stderr")
    finally:
        running.stop()
    assert "Traceback" not in running.text("stderr")


# --- many clients --------------------------------------------------------------------------------


def test_200_clients_at_once_are_all_answered(server: str) -> None:
    clients = 200
    ready = threading.Barrier(clients)
    statuses: list[int | str] = []

    def client() -> None:
        try:
            ready.wait(30)
            statuses.append(request(server, FEED)[0])
        except Exception as exc:  # noqa: BLE001 - a refused or reset connection is what this test counts
            statuses.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    failed = [s for s in statuses if s != 200]
    assert len(statuses) == clients and not failed, failed[:5]


# --- malformed requests --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"GET /feeds/\xc3\xa9.ics HTTP/1.1\r\nHost: x\r\n\r\n", id="non-ASCII path"),
        pytest.param(b"GET /feeds/all.ics HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 100_000 + b"\r\n\r\n", id="100 KB header"),
        pytest.param(b"GET /feeds/all.ics HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 3000 + b"\r\n", id="3000 headers"),
        pytest.param(b"GET /feeds/" + b"a" * 20_000 + b".ics HTTP/1.1\r\nHost: x\r\n\r\n", id="20 KB path"),
        pytest.param(b"GET /feeds/all.ics?" + b"q" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", id="20 KB query"),
        pytest.param(b"GARBAGE\r\n\r\n", id="no request line"),
        pytest.param(b"GET /feeds/all.ics HTTP/1.1\r\nHost: x\r\nIf-Modified-Since\r\n\r\n", id="header without colon"),
        pytest.param(b"GET /feeds/all.ics HTTP/1.1\r\nHost: x\r\nIf-None-Match: a\x00b\r\n\r\n", id="NUL in a header"),
        pytest.param(b"GET /feeds/all.ics HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", id="negative length"),
    ],
)
def test_a_malformed_request_is_answered_400_without_a_traceback(server: str, caplog: pytest.LogCaptureFixture, raw: bytes) -> None:
    caplog.set_level(logging.INFO)
    answer = exchange(server, raw)
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING and r.name != "uvicorn.access"], "the 400 is not logged"
    no_traceback(caplog)
    assert request(server, FEED)[0] == 200  # and the server still answers everyone else


@pytest.mark.parametrize(
    "headers",
    [
        {"If-Modified-Since": "Mon, 05 Jan 99999999999 02:10:00 GMT"},
        {"If-Modified-Since": "Mon, 05 Jan 99999999999999999999999 02:10:00 GMT"},
        {"If-Modified-Since": "Mon, 05 Jan 2026 02:10:00 +99999999999999999999"},
        {"If-Modified-Since": "Mon, 05 Jan 2026 99:99:99 GMT"},
        {"If-Modified-Since": "Sat, 01 Jan 0000 00:00:00 GMT"},
        {"If-Modified-Since": "0, 0 0 0"},
        {"If-Modified-Since": "Mon, 05 J\u00e4n 2026 02:10:00 GMT"},
        {"If-None-Match": '"unterminated'},
        {"If-None-Match": "W/ , ,, \u00ff\u00fe"},
        {"If-None-Match": '"a",' * 3000},
        {"If-None-Match": "garbage", "If-Modified-Since": LAST_MODIFIED_HTTP},  # If-None-Match decides (RFC 9110 §13.2.2)
    ],
)
def test_an_unreadable_validator_is_ignored_and_the_feed_sent(server: str, caplog: pytest.LogCaptureFixture, headers: dict[str, str]) -> None:
    # RFC 9110 §13.1.3: a recipient MUST ignore an If-Modified-Since that is not a valid HTTP-date;
    # an If-None-Match that matches nothing means the client has no current copy. Either way: 200.
    caplog.set_level(logging.INFO)
    raw = "".join(f"{name}: {value}\r\n" for name, value in headers.items()).encode("latin-1")
    answer = exchange(server, b"GET /feeds/body/SSPB.ics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + raw + b"\r\n")
    assert answer.startswith(b"HTTP/1.1 200 OK"), answer[:200]
    assert answer.endswith(b"END:VCALENDAR\r\n")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    no_traceback(caplog)
