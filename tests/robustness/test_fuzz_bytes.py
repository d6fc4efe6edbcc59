"""Byte-level damage to every example file (truncated, flipped bits, invalid UTF-8, NUL, UTF-16, an
empty file): loaded as a person would, each is stored or refused cleanly, the database untouched."""
from __future__ import annotations

import pytest

from tests.robustness.harness import FuzzDatabase, run_mutants


def test_damaged_files_are_stored_or_refused_cleanly(fuzz_database: FuzzDatabase, request: pytest.FixtureRequest) -> None:
    report = run_mutants(fuzz_database, ["bytes"], request.node.nodeid)
    if report.failures:
        pytest.fail(report.summary(), pytrace=False)
