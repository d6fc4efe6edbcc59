"""Where the tests find the project's shared tools, and what ical-check reports.

The one lookup: the shared folder is $GOVFLOW_SHARED_DIR, or `shared` beside this checkout
(`<repo>/../shared`); its tools are under `tools/`. Tests do not call this module for a path: they ask
for the fixtures in tests/conftest.py (`shared_tool`, `check_ics`), which skip a test when its tool is
missing, saying how to install it (or fail it under CI=true).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DIR_VARIABLE = "GOVFLOW_SHARED_DIR"


def shared_dir() -> Path:
    """The project's shared folder: $GOVFLOW_SHARED_DIR, or `shared` beside this checkout."""
    return Path(os.environ.get(SHARED_DIR_VARIABLE) or REPO.parent / "shared")


def shared_tool_path(relative: str) -> Path:
    """Where the shared tool `relative` (for example "ical-check/check-ics") is, if it is there."""
    return shared_dir() / "tools" / relative


CHECK_ICS = shared_tool_path("ical-check/check-ics")


@dataclass
class CheckResult:
    """What check-ics said about one feed: exit code (0 pass, 1 warnings with --strict, 2 errors)."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def events(self) -> list[tuple[str, str, str, str, str]]:
        """(START_UTC, END_UTC, STATUS, UID, SUMMARY) per event, as the three parsers agreed."""
        return [tuple(line.split("\t", 4)) for line in self.stdout.splitlines() if line.strip()]  # type: ignore[misc]
