"""Fixtures for every test: databases, the test environment, and the tools that check what a person sees.

Databases: every test that asks for `database_url` runs once per configured database.
GOVFLOW_TEST_DATABASE_URL is a comma-separated list of database URLs; the word `sqlite` means a
fresh SQLite file in the test's tmp_path. Default: SQLite and the local PostgreSQL. Each PostgreSQL
test gets its own schema (dropped afterwards).

Tools: `check_ics` (the shared ical-check), `shared_tool` (any tool in the project's shared folder,
GOVFLOW_SHARED_DIR, default <repo>/../shared; see tests/shared_tools.py) and `axe` (axe-core in
Chromium). Whatever a test needs and cannot have — an unreachable PostgreSQL, a missing tool — skips
it with a message saying what is missing and how to get it, except in CI (CI=true), where it fails
it: CI must show every check running.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory, migrate
from tests.shared_tools import SHARED_DIR_VARIABLE, CheckResult, shared_tool_path

DEFAULT_DATABASES = "sqlite,postgresql+psycopg://postgres@127.0.0.1:5432/test"

# One Prefect server per test run: a test that runs a flow asks for `prefect_api_url` (the session's
# server, tests/flows/conftest.py). Without it Prefect would quietly start a temporary server of its
# own (8-16 s, in every process that runs a flow); this makes such a test fail at once instead, with
# "No Prefect API URL provided". Set here, before anything imports prefect; subprocesses inherit it.
os.environ["PREFECT_SERVER_ALLOW_EPHEMERAL_MODE"] = "false"


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
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a migrated, empty database (SQLite file, or a PostgreSQL schema of its own)."""
    yield from open_database(request.param, request)


def open_database(target: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """Yield the URL of a migrated, empty database for `target` (see GOVFLOW_TEST_DATABASE_URL)."""
    if target == "sqlite" or make_url(target).get_backend_name() == "sqlite":
        yield request.getfixturevalue("sqlite_url")
        return
    yield from _postgresql_schema(target)


@pytest.fixture(scope="session")
def _migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest revision, once per session: the migrations take far longer
    than a copy, and give every test the same schema."""
    path = tmp_path_factory.mktemp("migrated") / "govflow.sqlite3"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, _migrated_sqlite_file: Path) -> str:
    """The URL of a migrated, empty SQLite file of the test's own: a byte-for-byte copy of the one
    migrated at the start, so exactly what migrating a fresh file gives."""
    path = tmp_path / "govflow.sqlite3"
    shutil.copyfile(_migrated_sqlite_file, path)
    return f"sqlite:///{path}"


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
        unavailable(f"PostgreSQL not reachable at {where}: {_unreachable[target]}")

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


def unavailable(message: str) -> NoReturn:
    """Something a test needs is missing: skip it with `message`, except in CI (CI=true), where it fails."""
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# --- Tools from the project's shared folder (GOVFLOW_SHARED_DIR; see tests/shared_tools.py) ----------
@pytest.fixture(scope="session")
def shared_tool() -> Callable[[str], Path]:
    """`shared_tool("ical-check/check-ics")` → the path of that tool in the project's shared folder."""

    def find(relative: str) -> Path:
        path = shared_tool_path(relative)
        if not path.exists():
            unavailable(
                f"{relative} not found at {path}: set {SHARED_DIR_VARIABLE} to the project's shared folder "
                "(unset, it is `shared` beside the checkout) and run scripts/install-test-tools"
            )
        return path

    return find


@pytest.fixture(scope="session")
def check_ics(shared_tool: Callable[[str], Path]) -> Callable[..., CheckResult]:
    """`check_ics(path_or_url, "--strict")` → CheckResult: the shared ical-check tool, which reads a feed
    with three parsers that share no code with ours (ical.js, libical, khal)."""
    tool = shared_tool("ical-check/check-ics")
    probe = subprocess.run([str(tool)], capture_output=True, text=True)
    if "usage" not in probe.stderr:
        install = tool.parent / "install"
        unavailable(f"ical-check is not installed: {probe.stderr.strip()}; run scripts/install-test-tools (it runs {install})")

    def run(path: Path | str, *args: str) -> CheckResult:
        with private_ical_check_home() as home:
            env = {**os.environ, "ICAL_CHECK_HOME": str(home)}
            done = subprocess.run([str(tool), str(path), *args], capture_output=True, text=True, timeout=120, env=env)
        return CheckResult(done.returncode, done.stdout, done.stderr)

    return run


@contextmanager
def private_ical_check_home() -> Iterator[Path]:
    """A folder of its own for one check-ics run. check-ics copies its scripts into $ICAL_CHECK_HOME
    on every run, so runs sharing one folder (our parallel checks, other checkouts' test runs) can
    read a script half-written by another and see no events at all. The installed node_modules are
    linked in, not copied."""
    installed = Path(os.environ.get("ICAL_CHECK_HOME") or Path.home() / ".cache" / "ical-check")
    with tempfile.TemporaryDirectory(prefix="ical-check-") as folder:
        home = Path(folder)
        (home / "node_modules").symlink_to(installed / "node_modules", target_is_directory=True)
        yield home


# --- Accessibility check of HTML (axe-core in Debian's Chromium; see tests/accessibility.py) ---------
@pytest.fixture(scope="session")
def axe() -> Iterator[Callable[..., list[dict]]]:
    """`axe(html_or_path)` → axe-core's violations (tests.accessibility.check_html); one shared Chromium."""
    from tests import accessibility

    reason = accessibility.unavailable_reason()
    if reason:
        unavailable(f"{reason}; run scripts/install-test-tools")
    yield accessibility.check_html
    accessibility.close()
