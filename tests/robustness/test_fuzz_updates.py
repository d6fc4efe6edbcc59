"""Mutants of the Southend progress-update file, loaded with `govflow update PLAN --file`: each is
recorded, or refused with an error naming the file and the line, the database untouched."""
from __future__ import annotations

import pytest

from tests.robustness.harness import FuzzDatabase, run_mutants


def test_progress_update_mutants_are_recorded_or_refused_cleanly(fuzz_database: FuzzDatabase, request: pytest.FixtureRequest) -> None:
    report = run_mutants(fuzz_database, ["progress-updates"], request.node.nodeid)
    if report.failures:
        pytest.fail(report.summary(), pytrace=False)
