"""Running the web app with uvicorn: `serve` until stopped (one process or several workers), and
`run_in_thread` for tests and benchmarks.

The socket is bound here, before uvicorn starts, so that port 0 (any free port) works and the
subscribe page can link to the address really bound when no public URL is given.
"""
from __future__ import annotations

import logging
import logging.config
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from govflow.errors import ServeError
from govflow.settings import Settings
from govflow.web.app import create_app
from govflow.web.reports import report_routes
from govflow.web.request_deadline import DEFAULT_TIMEOUT_REQUEST, DeadlineConfig

APP_FROM_ENV = "govflow.web.app:create_app_from_env"
BACKLOG = 2048  # connections waiting to be accepted (uvicorn's default); the kernel caps it at somaxconn
TIMEOUT_KEEP_ALIVE = 5  # seconds an idle kept-alive connection stays open (uvicorn's default)
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Applied by uvicorn in each worker process too: everything through the root logger, one format.
LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": LOG_FORMAT}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
}


def bind(host: str, port: int, backlog: int = BACKLOG) -> socket.socket:
    """A TCP socket listening on host:port (0: any free port), ready to hand to uvicorn. Raises OSError.

    It listens at once, so a client that connects before uvicorn has started waits in the backlog
    instead of being refused."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)  # worker processes serve the same socket
    return sock


def socket_url(sock: socket.socket) -> str:
    """Where a bound socket listens, for people on this machine (a wildcard address → loopback)."""
    host, port = sock.getsockname()[:2]
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(
    feeds_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 8000,
    public_url: str | None = None,
    *,
    workers: int = 1,
    backlog: int = BACKLOG,
    timeout_keep_alive: int = TIMEOUT_KEEP_ALIVE,
    timeout_request: float = DEFAULT_TIMEOUT_REQUEST,
    on_ready: Callable[[str], None] | None = None,
    settings: Settings | None = None,
) -> None:
    """Serve the feeds (and, given `settings`, the reports and pages on request, for the day
    `settings.serve_as_of` or today) until interrupted. Raises
    ServeError when the address cannot be bound.

    `public_url` is where subscribers reach the server (e.g. https://feeds.council.example.org,
    behind a TLS proxy); default: the address it listens on. `on_ready(public_url)` is called once
    the socket is bound. With `workers` > 1, that many processes share the socket, each with its
    own copy of the manifest (see `calendars.feed_folder.FeedCatalog`). `backlog`: connections the
    kernel holds until they are accepted; `timeout_keep_alive`: seconds an idle connection is kept
    after an answer; `timeout_request`: seconds a client has to send a whole request
    (`govflow.web.request_deadline`).
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    limits = {"backlog": backlog, "timeout_keep_alive": timeout_keep_alive, "timeout_request": timeout_request}
    if not logging.getLogger().handlers:  # keep a caller's logging set-up
        logging.config.dictConfig(LOG_CONFIG)
    try:
        sock = bind(host, port, backlog)
    except OSError as error:  # the port is taken, the address is not this machine's …
        raise ServeError(f"cannot listen on {host}:{port}: {error}") from None
    try:
        public_url = (public_url or socket_url(sock)).rstrip("/")
        if workers == 1:
            reports = report_routes(settings) if settings is not None else None
            councils = (lambda key: report_routes(settings.for_organisation(key))) if settings is not None else None
            config = DeadlineConfig(create_app(feeds_dir, public_url, reports, councils), log_config=None, **limits)
        else:
            # Workers are separate processes: each builds the app from the environment it inherits
            # and sets up its logging from LOG_CONFIG (the reports from its GOVFLOW_* settings).
            os.environ["GOVFLOW_FEEDS_DIR"] = str(Path(feeds_dir).resolve())
            os.environ["GOVFLOW_PUBLIC_URL"] = public_url
            if settings is not None and settings.serve_as_of is not None:
                os.environ["GOVFLOW_SERVE_AS_OF"] = settings.serve_as_of.isoformat()
            config = DeadlineConfig(APP_FROM_ENV, factory=True, workers=workers, log_config=LOG_CONFIG, **limits)
        if on_ready is not None:
            on_ready(public_url)
        if workers == 1:
            uvicorn.Server(config).run(sockets=[sock])
        else:
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()


@contextmanager
def run_in_thread(
    make_app: Callable[[str], Any], host: str = "127.0.0.1", port: int = 0, *,
    backlog: int = BACKLOG, timeout_keep_alive: int = TIMEOUT_KEEP_ALIVE, timeout_request: float = DEFAULT_TIMEOUT_REQUEST,
) -> Iterator[str]:
    """Serve `make_app(url)` with uvicorn in a background thread, configured as `serve` does; yields
    the URL it listens at.

    For tests and benchmarks: the real server and HTTP, in this process. Logs go to the caller's
    logging setup (uvicorn's own configuration is not applied)."""
    sock = bind(host, port, backlog)
    url = socket_url(sock)
    config = DeadlineConfig(
        make_app(url), log_config=None, lifespan="off",
        backlog=backlog, timeout_keep_alive=timeout_keep_alive, timeout_request=timeout_request,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.005)
        yield url
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
