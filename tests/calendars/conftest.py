"""Fixtures for the calendar feed tests: the Southend example in a fake database, and the shared
ical-check tool (three independent parsers). Without the tool its tests skip, saying how to install
it, except in CI (CI=true), where they fail: CI must show the feeds were checked."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from govflow.services import file_loading as services
from tests.fakes import FakeUnitOfWork

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
CHECK_ICS = Path(os.environ.get("ICAL_CHECK", ROOT.parent / "shared" / "tools" / "ical-check" / "check-ics"))

AS_OF = dt.date(2021, 10, 6)
STAMP = dt.datetime(2021, 10, 6, 3, 0, tzinfo=dt.timezone.utc)  # the night's run: fixed for golden files
PUBLIC_URL = "https://govflow.example.org"


@dataclass
class CheckResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def events(self) -> list[tuple[str, str, str, str, str]]:
        """(START_UTC, END_UTC, STATUS, UID, SUMMARY) per event, as the three parsers agreed."""
        return [tuple(line.split("\t", 4)) for line in self.stdout.splitlines() if line.strip()]  # type: ignore[misc]


@pytest.fixture(scope="session")
def check_ics():
    """Run check-ics on a file: `check_ics(path, "--strict")` → CheckResult."""
    problem = None
    if not CHECK_ICS.exists():
        problem = f"ical-check not found at {CHECK_ICS}"
    else:
        probe = subprocess.run([str(CHECK_ICS)], capture_output=True, text=True)
        if "usage" not in probe.stderr:
            problem = f"ical-check is not installed: {probe.stderr.strip()}"
    if problem:
        message = f"{problem}; run scripts/install-test-tools (it runs ../shared/tools/ical-check/install)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    def run(path: Path, *args: str) -> CheckResult:
        done = subprocess.run([str(CHECK_ICS), str(path), *args], capture_output=True, text=True, timeout=120)
        return CheckResult(done.returncode, done.stdout, done.stderr)

    return run


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
