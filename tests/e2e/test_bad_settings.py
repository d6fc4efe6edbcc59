"""Every command, given a setting it cannot use, says which one and exits 2: no traceback. The
commands are enumerated from the typer app itself, so a new command is covered (or this test says
what it needs) without anyone remembering to add it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from govflow.cli import app

ROOT = Path(__file__).resolve().parents[2]
SETUP = str(ROOT / "examples" / "southend" / "setup.yaml")
PLAN = "send-peer-review-recommendations-high-level-implementation-plan-draft-1"

DATA_DIR, DATABASE, SMTP, PUBLIC_URL = "GOVFLOW_DATA_DIR", "GOVFLOW_DATABASE_URL", "GOVFLOW_SMTP_URL", "GOVFLOW_PUBLIC_URL"
EVERY = {DATA_DIR, PUBLIC_URL}  # checked whenever the settings are read
BAD = {
    DATABASE: "nonsense://x",
    SMTP: "foo://bar",
    PUBLIC_URL: "calendars.council.example.org",  # no http(s)://
    DATA_DIR: None,  # a file, made in the test's folder
}

# Each command: arguments that get it as far as its settings, and the settings it reads.
COMMANDS: dict[tuple[str, ...], tuple[list[str], set[str]]] = {
    ("init",): ([], EVERY | {DATABASE}),
    ("load",): ([SETUP], EVERY | {DATABASE}),
    ("status",): ([], EVERY | {DATABASE}),
    ("demo",): ([], EVERY | {DATABASE, SMTP}),
    ("serve",): (["--port", "0"], EVERY),
    ("feeds", "build"): (["--as-of", "2021-10-06"], EVERY | {DATABASE}),
    ("feeds", "token", "rotate"): (["GB"], EVERY | {DATABASE}),
    ("feeds", "show"): (["GB"], EVERY | {DATABASE}),
    ("people",): ([], EVERY | {DATABASE}),
    ("documents",): ([], EVERY | {DATABASE}),
    ("meeting", "list"): (["SSPB"], EVERY | {DATABASE}),
    ("decide",): (["send-strategy-2021-24", "share-sspb", "noted", "--on", "2021-10-06"], EVERY | {DATABASE}),
    ("meeting", "move"): (["SSPB-2022-03-01", "--to", "2022-03-08 14:00"], EVERY | {DATABASE}),
    ("meeting", "cancel"): (["SSPB-2022-03-01"], EVERY | {DATABASE}),
    ("meeting", "confirm"): (["SSPB-2022-03-01"], EVERY | {DATABASE}),
    ("meetings", "sync"): (["--as-of", "2021-10-06"], EVERY | {DATABASE}),
    ("meetings", "committees"): (["http://127.0.0.1:9"], EVERY),
    ("step", "done"): (["send-strategy-2021-24", "share-sspb", "--on", "2021-10-06"], EVERY | {DATABASE}),
    ("step", "late"): (["send-strategy-2021-24", "share-sspb", "--expected", "end of October"], EVERY | {DATABASE}),
    ("action", "late"): (["send-peer-review-recommendations-high-level-implementation-plan-draft-1", "1", "1", "--expected", "end of March"], EVERY | {DATABASE}),
    ("answers", "list"): ([], EVERY | {DATABASE}),
    ("answers", "confirm"): (["1"], EVERY | {DATABASE}),
    ("condition", "met"): (["DfE", "--on", "2022-03-01"], EVERY | {DATABASE}),
    ("send",): ([], EVERY | {DATABASE, SMTP}),
    ("update",): ([PLAN, "11", "--on", "2022-03-01", "--done", "chair appointed"], EVERY | {DATABASE}),
    ("report", "board"): (["SSPB", "--as-of", "2021-10-06"], EVERY | {DATABASE}),
    ("report", "plan"): ([PLAN, "--as-of", "2022-05-01"], EVERY | {DATABASE}),
    ("report", "strategy"): (["send-strategy-2021-24", "--as-of", "2022-05-01"], EVERY | {DATABASE}),
    ("nightly",): (["--as-of", "2021-10-06"], EVERY | {DATABASE, SMTP}),
    ("serve-nightly",): ([], EVERY | {DATABASE, SMTP}),
}
READS_NO_SETTINGS = {
    ("when",): "reads a phrase against a date: no database, no files",
    ("deploy",): "registers the deployment with the Prefect server (PREFECT_API_URL) and reads no GOVFLOW_ setting; "
    "the runs read them, and `serve-nightly` checks them before serving",
}


def command_paths() -> list[tuple[str, ...]]:
    """Every command the `govflow` app has, sub-commands spelled out (`feeds token rotate`)."""
    paths = []

    def walk(command, path: tuple[str, ...]) -> None:
        commands = getattr(command, "commands", None)
        if commands:
            for name, sub in commands.items():
                walk(sub, (*path, name))
        else:
            paths.append(path)

    walk(get_command(app), ())
    return paths


def test_every_command_is_listed_here() -> None:
    found = set(command_paths())
    listed = set(COMMANDS) | set(READS_NO_SETTINGS)
    assert not found - listed, f"new commands: add them to COMMANDS (arguments, settings read) or READS_NO_SETTINGS: {sorted(found - listed)}"
    assert not listed - found, f"gone: {sorted(listed - found)}"
    assert len(found) >= 21


CASES = [(path, variable) for path, (_, variables) in COMMANDS.items() for variable in sorted(variables)]


@pytest.mark.parametrize(("path", "variable"), CASES, ids=[f"{' '.join(p)}-{v}" for p, v in CASES])
def test_a_bad_setting_is_named_and_exits_2(path: tuple[str, ...], variable: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    arguments, _ = COMMANDS[path]
    value = BAD[variable]
    if value is None:
        value = str(tmp_path / "a-file")
        Path(value).write_text("a file, not a folder")
    monkeypatch.setenv(variable, value)
    monkeypatch.chdir(tmp_path)  # `feeds build` and others write nowhere else
    result = CliRunner().invoke(app, [*path, *arguments], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert isinstance(result.exception, SystemExit), f"{type(result.exception).__name__}: {result.exception}\n{result.output}"
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: ") and variable in result.stderr, result.stderr


def _govflow(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The installed `govflow` console script (the real entry point, govflow.cli:main)."""
    script = Path(sys.executable).with_name("govflow")
    command = [str(script)] if script.exists() else [sys.executable, "-c", "from govflow.cli import main; main()"]
    full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **env}
    return subprocess.run([*command, *args], capture_output=True, text=True, env=full_env, timeout=120)


def test_the_installed_command_says_what_is_wrong_with_the_smtp_url() -> None:
    """What the README promises: a clear message and exit 2, not a traceback and exit 1."""
    result = _govflow("send", env={SMTP: "foo://bar"})
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("error: GOVFLOW_SMTP_URL foo://bar is not an apprise mailto:// or mailtos:// URL")
    assert "Traceback" not in result.stderr


def test_the_installed_command_never_shows_a_database_password() -> None:
    result = _govflow("status", env={DATABASE: "nonsense://govflow:S3cret-pw@db.example.org/govflow"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: GOVFLOW_DATABASE_URL: nonsense://govflow:***@db.example.org/govflow is not a database URL")
    assert "S3cret-pw" not in result.stdout + result.stderr


def _closed_port() -> int:
    """A port on this machine that nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_database_that_cannot_be_reached_is_named_not_a_traceback() -> None:
    url = f"postgresql://govflow:S3cret-pw@127.0.0.1:{_closed_port()}/govflow"
    result = _govflow("status", "--as-of", "2022-01-01", env={DATABASE: url})
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("error: GOVFLOW_DATABASE_URL: cannot connect to postgresql://govflow:***@127.0.0.1:")
    assert "Connection refused" in result.stderr and "S3cret-pw" not in result.stdout + result.stderr


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_database_never_initialised_says_run_govflow_init(backend: str, tmp_path: Path) -> None:
    """Found by tests/robustness: `govflow load` on a database without govflow's tables printed a
    traceback (OperationalError: no such table). It is a clear error naming the cure."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        schema = None
    else:
        import uuid

        from sqlalchemy import create_engine, text

        schema = f"t_{uuid.uuid4().hex}"
        server = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        try:
            admin = create_engine(server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
            with admin.connect() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        except Exception as error:  # noqa: BLE001 - said in the skip
            if os.environ.get("CI") == "true":
                raise
            pytest.skip(f"PostgreSQL not reachable: {error}")
        url = f"{server}?options=-csearch_path%3D{schema}"
    try:
        env = {DATABASE: url, DATA_DIR: str(tmp_path / "data")}
        for args in (("load", SETUP), ("status", "--as-of", "2022-01-01")):
            result = _govflow(*args, env=env)
            assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
            assert result.stderr.startswith("error: the database at "), result.stderr
            assert "run `govflow init` first" in result.stderr
    finally:
        if schema:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
