"""Fixtures for the calendar feed tests: the Southend example in a fake database. The shared
ical-check tool (three independent parsers) is the `check_ics` fixture of tests/conftest.py;
CHECK_ICS and CheckResult are imported from here by some tests, so they stay importable here."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govflow.services import file_loading as services
from tests.fakes import FakeUnitOfWork
from tests.shared_tools import CHECK_ICS, CheckResult  # noqa: F401 - re-exported for the tests that import them from here

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"

AS_OF = dt.date(2021, 10, 6)
STAMP = dt.datetime(2021, 10, 6, 3, 0, tzinfo=dt.timezone.utc)  # the night's run: fixed for golden files
PUBLIC_URL = "https://govflow.example.org"


def southend_uow() -> FakeUnitOfWork:
    """A fake database with the Southend example loaded, and fixed feed tokens (for golden files)."""
    uow = FakeUnitOfWork()
    services.load_files([SOUTHEND], uow)
    with uow:
        for person in uow.people.list():
            uow.feeds.set_token(person.initials, f"token-{person.initials}", STAMP)
        uow.commit()
    return uow


@pytest.fixture
def southend() -> FakeUnitOfWork:
    return southend_uow()
