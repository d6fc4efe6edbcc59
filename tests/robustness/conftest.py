"""Fixtures of the robustness suite: the test's database (SQLite and PostgreSQL, tests/conftest.py)
holding the Southend example, as the place every mutant is loaded into."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from govflow.cli import console as cli_console
from tests.robustness.harness import FuzzDatabase


@pytest.fixture
def fuzz_database(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FuzzDatabase]:
    """The test's database with the Southend example loaded, and its template to restore from."""
    monkeypatch.setenv("GOVFLOW_DATABASE_URL", database_url)
    # The command's consoles were made at import, as wide as pytest's terminal (80 under xdist): make
    # them as wide as the real process's (COLUMNS=200), so a summary line is not wrapped in one only.
    for console in (cli_console.out, cli_console.err):
        monkeypatch.setattr(console, "_width", 200)
    database = FuzzDatabase(database_url, tmp_path / "fuzz")
    database.workdir.mkdir()
    database.prepare()
    yield database
    database.close()
