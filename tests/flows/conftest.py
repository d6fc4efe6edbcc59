"""A real Prefect API for the flow tests: `prefect server start` once per session, on a free port.

The same kind of server the nightly schedule runs against, and a few seconds faster to start than
`prefect_test_harness()`. It starts in the background as soon as collection shows that a selected test
asks for `prefect_api_url`, so its start-up (15-20 s on these machines) overlaps the tests that run
before the flow tests; when no selected test needs it, it never starts. The server and this process
each get a PREFECT_HOME in a temporary folder, so nothing is read from or written to ~/.prefect, and
no telemetry is attempted on the closed network.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.local_prefect import free_port, healthy
from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
from govflow import wiring
from govflow.services import file_loading as services

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
QUIET = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
STARTUP_TIMEOUT_SECONDS = 90


class PrefectServer:
    """`prefect server start` on a free port, in a process group and a temporary folder of its own."""

    def __init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="govflow-test-prefect-"))
        port = free_port()
        self.api_url = f"http://127.0.0.1:{port}/api"
        self.log_path = self.home / "server.log"
        server_env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        server_env.update(QUIET, PREFECT_HOME=str(self.home / "server"), PREFECT_SERVER_UI_ENABLED="false")
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                env=server_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so it can be stopped as one
            )
        self.deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS

    def wait_until_healthy(self) -> None:
        while not healthy(self.api_url):
            if self.process.poll() is not None or time.monotonic() > self.deadline:
                tail = self.log_path.read_text(errors="replace")[-3000:]
                pytest.fail(f"prefect server did not start (exit code {self.process.poll()}):\n{tail}", pytrace=False)
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the group started above, by its own id
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        shutil.rmtree(self.home, ignore_errors=True)


_server: PrefectServer | None = None  # the session's server, once something has asked for it


def _the_server() -> PrefectServer:
    global _server
    if _server is None:
        _server = PrefectServer()
    return _server


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the server now if a selected test will need it: it gets ready while other tests run."""
    if session.config.option.collectonly:
        return
    if any("prefect_api_url" in getattr(item, "fixturenames", ()) for item in session.items):
        _the_server()


@pytest.hookimpl(trylast=True)  # after pytest's own teardown of the session fixtures, even on Ctrl-C
def pytest_sessionfinish(session: pytest.Session) -> None:
    if _server is not None:
        _server.stop()


@pytest.fixture(scope="session")
def prefect_api_url() -> Iterator[str]:
    """The URL of a Prefect API server that lives as long as the test session."""
    server = _the_server()
    server.wait_until_healthy()
    client_env = {**QUIET, "PREFECT_API_URL": server.api_url, "PREFECT_HOME": str(server.home / "client")}
    with pytest.MonkeyPatch.context() as env:
        for key, value in client_env.items():
            env.setenv(key, value)  # for subprocesses (the CLI tests)
        # prefect reads its settings once, at import: tell this process through its settings context.
        from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: server.api_url, PREFECT_HOME: client_env["PREFECT_HOME"]}):
            yield server.api_url
            _send_pending_logs_and_events()


def _send_pending_logs_and_events() -> None:
    """Deliver what Prefect still holds for the server before it stops (not at exit, into the void)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    EventsWorker.drain_all(timeout=10)


@pytest.fixture
def southend_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database holding the Southend example, which the flow finds through GOVFLOW_DATABASE_URL."""
    yield from _southend(database_url, monkeypatch)


@pytest.fixture
def southend_sqlite(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The Southend example in a SQLite file only: for tests where the database is not the point."""
    yield from _southend(sqlite_url, monkeypatch)


def _southend(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    engine = make_engine(database_url)
    services.load_files([SOUTHEND], SqlUnitOfWork(make_session_factory(engine)))
    engine.dispose()
    monkeypatch.setenv("GOVFLOW_DATABASE_URL", database_url)
    yield database_url
    # wiring keeps one engine per URL; close this one's connections so the schema can be dropped.
    wiring._engine(database_url).dispose()
    wiring._session_factory.cache_clear()
    wiring._engine.cache_clear()


from tests.notifications.conftest import smtp_server  # noqa: E402,F401 - the real SMTP relay fixture
