"""Mutants of the Southend plan as CSV and as an Excel workbook, loaded with `govflow load`: each is
stored, or refused with an error naming the file and the row or column, the database untouched."""
from __future__ import annotations

import pytest

from tests.robustness.harness import FuzzDatabase, run_mutants


@pytest.mark.parametrize("family", ["plan-csv", "plan-xlsx"])
def test_plan_file_mutants_are_stored_or_refused_cleanly(fuzz_database: FuzzDatabase, family: str, request: pytest.FixtureRequest) -> None:
    report = run_mutants(fuzz_database, [family], request.node.nodeid)
    if report.failures:
        pytest.fail(report.summary(), pytrace=False)
