"""Mutants of the Southend and Plymouth setup files, loaded with `govflow load`: each is stored, or
refused with an error naming the file and the row or field, the database untouched."""
from __future__ import annotations

import pytest

from tests.robustness.harness import FuzzDatabase, run_mutants


@pytest.mark.parametrize("family", ["southend-setup", "plymouth-setup"])
def test_setup_file_mutants_are_stored_or_refused_cleanly(fuzz_database: FuzzDatabase, family: str, request: pytest.FixtureRequest) -> None:
    report = run_mutants(fuzz_database, [family], request.node.nodeid)
    if report.failures:
        pytest.fail(report.summary(), pytrace=False)
