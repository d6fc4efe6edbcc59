"""Database fixtures: every test that asks for `database_url` runs once per configured database.

GOVFLOW_TEST_DATABASE_URL is a comma-separated list of database URLs; the word `sqlite` means a
fresh SQLite file in the test's tmp_path. Default: SQLite and the local PostgreSQL. Each PostgreSQL
test gets its own schema (dropped afterwards). An unreachable PostgreSQL skips its tests, except in
CI (CI=true), where it fails them: CI must show the PostgreSQL tests running.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory, migrate

DEFAULT_DATABASES = "sqlite,postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _database_targets() -> list[str]:
    raw = os.environ.get("GOVFLOW_TEST_DATABASE_URL") or DEFAULT_DATABASES
    return [item.strip() for item in raw.split(",") if item.strip()]


def _target_id(target: str) -> str:
    return "sqlite" if target == "sqlite" else make_url(target).get_backend_name()


_TARGETS = _database_targets()
_unreachable: dict[str, str] = {}  # PostgreSQL URL → why it could not be reached (asked once a run)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_a_database = "database_url" in getattr(item, "fixturenames", ()) or (
            callspec is not None and callspec.params.get("uow_factory", FAKE) != FAKE  # tests/contract
        )
        if on_a_database:
            item.add_marker(pytest.mark.database)


FAKE = "fake"  # the in-memory fake (tests/fakes.py), beside the databases in tests/contract


@pytest.fixture(params=_TARGETS, ids=[_target_id(t) for t in _TARGETS])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a migrated, empty database (SQLite file, or a PostgreSQL schema of its own)."""
    yield from open_database(request.param, tmp_path)


def open_database(target: str, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a migrated, empty database for `target` (see GOVFLOW_TEST_DATABASE_URL)."""
    if target == "sqlite" or make_url(target).get_backend_name() == "sqlite":
        url = f"sqlite:///{tmp_path / 'govflow.sqlite3'}"
        migrate(url)
        yield url
        return
    yield from _postgresql_schema(target)


def _postgresql_schema(target: str) -> Iterator[str]:
    server = make_url(target)
    where = server._replace(password=None).render_as_string()  # no password in the message
    if target not in _unreachable:
        admin = make_engine(server, poolclass=NullPool, connect_args={"connect_timeout": 5})
        try:
            with admin.connect():
                pass
        except OperationalError as error:
            _unreachable[target] = str(error.orig or error).strip().splitlines()[0]
        finally:
            admin.dispose()
    if target in _unreachable:
        message = f"PostgreSQL not reachable at {where}: {_unreachable[target]}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    schema = f"t_{uuid.uuid4().hex}"
    admin = make_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = server.update_query_dict({"options": f"-csearch_path={schema}"})
        migrate(url)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            # A connection left open by a test would make the drop wait for ever; fail instead.
            connection.execute(text("SET lock_timeout = '10s'"))
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def uow_factory(database_url: str) -> Iterator[Callable[[], SqlUnitOfWork]]:
    """A callable that returns a fresh SqlUnitOfWork on the test's database."""
    yield from sql_units_of_work(database_url)


def sql_units_of_work(url: str) -> Iterator[Callable[[], SqlUnitOfWork]]:
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    yield lambda: SqlUnitOfWork(session_factory)
    engine.dispose()


def database_targets() -> list[tuple[str, str]]:
    """(target, id) of each database the tests run on: `sqlite` and PostgreSQL URLs."""
    return [(target, _target_id(target)) for target in _TARGETS]


_DATABASE_OUTCOMES: dict[str, dict[str, int]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count the database tests by database, for the summary below."""
    if "database" not in report.keywords or (report.when != "call" and report.outcome != "skipped"):
        return
    for target in _TARGETS:
        database = _target_id(target)
        if f"[{database}" in report.nodeid or f"-{database}]" in report.nodeid or f"-{database}-" in report.nodeid:
            counts = _DATABASE_OUTCOMES.setdefault(database, {})
            counts[report.outcome] = counts.get(report.outcome, 0) + 1


def pytest_terminal_summary(terminalreporter) -> None:
    """Say plainly which databases the integration tests ran on."""
    for database, counts in sorted(_DATABASE_OUTCOMES.items()):
        parts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        terminalreporter.write_line(f"database tests on {database}: {parts}")


@pytest.fixture(autouse=True)
def _govflow_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own data folder (database, mailbox) and none of the developer's settings:
    nothing is written into the checkout and no real relay is ever used."""
    for name in (
        "GOVFLOW_DATABASE_URL", "GOVFLOW_SMTP_URL", "GOVFLOW_MAILBOX_DIR", "GOVFLOW_APPRISE_CONFIG",
        "GOVFLOW_FEEDS_DIR", "GOVFLOW_REPORTS_DIR", "GOVFLOW_PUBLIC_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GOVFLOW_DATA_DIR", str(tmp_path / "govflow-data"))


# --- Accessibility check of HTML (axe-core in Debian's Chromium; see tests/accessibility.py) ---------
@pytest.fixture(scope="session")
def axe() -> Iterator[Callable[..., list[dict]]]:
    """`axe(html_or_path)` → axe-core's violations (tests.accessibility.check_html); one shared Chromium.
    Without Chromium, axe-core or playwright the tests skip, saying how to install them, except in CI
    (CI=true), where they fail: CI must show the pages were checked."""
    from tests import accessibility

    reason = accessibility.unavailable_reason()
    if reason:
        message = f"{reason}; run scripts/install-test-tools"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    yield accessibility.check_html
    accessibility.close()
