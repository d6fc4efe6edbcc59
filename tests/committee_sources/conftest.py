"""A small HTTP server on 127.0.0.1 that answers as a council's committee system might — the
recorded files, an error, a slow or trickling answer, a body too large, a redirect off http — and
the paths of the recordings (tests/data/committee_systems/)."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "committee_systems"

Route = Callable[[BaseHTTPRequestHandler], None]


def recording(relative: str) -> bytes:
    return (DATA / relative).read_bytes()


def answer(body: bytes, status: int = 200, content_type: str = "text/xml; charset=utf-8",
           headers: dict[str, str] | None = None, length: bool = True) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        if length:
            handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)
    return route


def slow(seconds: float, body: bytes = b"<getmeetings/>") -> Route:
    """Says nothing for `seconds`, then answers."""
    def route(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        answer(body)(handler)
    return route


def trickle(chunks: int, pause: float) -> Route:
    """Answers at once, then sends the body a byte every `pause` seconds: no single read waits
    long, but the whole answer takes chunks × pause."""
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/xml")
        handler.end_headers()
        for _ in range(chunks):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(pause)
    return route


@dataclass
class CouncilServer:
    """The routes (path with query → how to answer) and what was asked, in order."""

    url: str
    routes: dict[str, Route] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    authorizations: list[str | None] = field(default_factory=list)

    def serve(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url + path


@pytest.fixture
def council_server() -> Iterator[CouncilServer]:
    state = CouncilServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            state.asked.append(self.path)
            state.authorizations.append(self.headers.get("Authorization"))
            route = state.routes.get(self.path)
            if route is None:
                answer(b"not found", status=404, content_type="text/plain")(self)
                return
            try:
                route(self)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout, a cap): as a real client would

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="council-server", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
