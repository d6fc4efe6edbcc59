"""Date phrases at the ends of time: a context or a reading outside the supported dates
(governance_model.limits, 1900-01-01 to 2199-12-31) is a WhenError that says so, through read_when
and through `govflow when` (exit 2, `error:`, no traceback); arithmetic at datetime's own ends
(years 1 and 9999) never escapes as OverflowError or ValueError; add_duration says where it stopped."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from governance_model.errors import DateRangeError, Error, WhenError
from governance_model.when import add_duration, read_when
from govflow.cli import app

RANGE = "between 1900-01-01 and 2199-12-31"
FIRST_DAY, LAST_DAY = dt.date(1, 1, 1), dt.date(9999, 12, 31)

# One or more phrases of every family the reader knows.
PHRASES = [
    "Jan", "December", "15 th September 21", "Thursday 17 November",  # months, days
    "Q1", "Q4", "2021/22",  # quarters, financial years
    "autumn term", "October half term", "after the summer holidays",  # terms and holidays
    "w/c 31 December", "week ending 14 April",  # weeks
    "from Jan", "Wef Dec onwards",  # from X, ongoing
    "by end of December", "end of March", "first half of 2024",  # parts, deadlines
    "Quarterly wef Jan 2022", "every six weeks", "annually in March", "6 times a year",  # recurrences
    "eight-week consultation from 11 July", "within 28 days of 31 December",  # lengths
    "2 weeks after 31 December", "2 weeks before 1 January", "12 weeks after Cabinet",  # relative
    "TBC March", "October/November", "One month Dec/Jan", "Winter", "next month",  # windows
    "DfE contingent", "+6 months",
]


@pytest.mark.parametrize("context", [FIRST_DAY, dt.date(1, 1, 2), dt.date(9999, 6, 1), LAST_DAY, dt.date(1899, 12, 31), dt.date(2200, 1, 1)])
@pytest.mark.parametrize("phrase", PHRASES)
def test_a_context_outside_the_supported_dates_is_a_when_error(phrase: str, context: dt.date) -> None:
    with pytest.raises(WhenError) as raised:
        read_when(phrase, context)
    message = str(raised.value)
    assert repr(phrase) in message
    if phrase != "+6 months":  # not a date phrase at all: that is said first
        assert f"the context date {context.isoformat()} is outside the dates govflow supports ({RANGE})" in message


@pytest.mark.parametrize(
    ("phrase", "context", "day"),
    [
        ("Jan", dt.date(2199, 12, 31), "2200-01-01"),
        ("from Jan", dt.date(2199, 12, 31), "2200-01-01"),
        ("Monthly from Jan", dt.date(2199, 12, 31), "2200-01-01"),
        ("2 weeks after 31 December", dt.date(2199, 12, 31), "2200-01-14"),
        ("within 28 days of 31 December", dt.date(2199, 12, 31), "2200-01-28"),
        ("Winter", dt.date(2199, 12, 31), "2200-02-28"),
        ("2199/00", dt.date(2100, 1, 1), "2200-03-31"),
        ("2 weeks before 1 January", dt.date(1900, 1, 1), "1899-12-18"),
        ("Dec/Jan", dt.date(1900, 1, 1), "1899-12-01"),
    ],
)
def test_a_reading_that_leaves_the_supported_dates_is_a_when_error(phrase: str, context: dt.date, day: str) -> None:
    with pytest.raises(WhenError, match=f"it falls on {day}, outside the dates govflow supports \\({RANGE}\\)"):
        read_when(phrase, context)


@pytest.mark.parametrize(
    ("phrase", "context", "start", "end"),
    [
        ("Dec", dt.date(2199, 12, 31), dt.date(2199, 12, 1), dt.date(2199, 12, 31)),
        ("31 December", dt.date(2199, 12, 31), dt.date(2199, 12, 31), dt.date(2199, 12, 31)),
        ("Jan", dt.date(1900, 1, 1), dt.date(1900, 1, 1), dt.date(1900, 1, 31)),
        ("1 January", dt.date(1900, 1, 1), dt.date(1900, 1, 1), dt.date(1900, 1, 1)),
    ],
)
def test_the_first_and_last_supported_days_still_read(phrase: str, context: dt.date, start: dt.date, end: dt.date) -> None:
    when = read_when(phrase, context)
    assert (when.start, when.end) == (start, end)


CLI_CASES = [(phrase, context) for phrase in PHRASES for context in ("0001-01-01", "9999-12-31")] + [
    ("2 weeks after 31 December", "2199-12-31"),
    ("2 weeks before 1 January", "1900-01-01"),
]


@pytest.mark.parametrize(("phrase", "context"), CLI_CASES)
def test_govflow_when_at_the_ends_of_time_is_an_error_not_a_traceback(phrase: str, context: str, tmp_path) -> None:
    result = CliRunner().invoke(app, ["when", phrase, "--context", context], env={"COLUMNS": "200", "NO_COLOR": "1", "GOVFLOW_DATA_DIR": str(tmp_path)})
    shown = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 2, (result.exception, shown)
    assert f"error: cannot read the date {phrase!r}" in shown
    assert "Traceback" not in shown


def test_govflow_when_jan_in_the_year_1_as_a_person_runs_it(tmp_path) -> None:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "GOVFLOW_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "govflow", "when", "Jan", "--context", "0001-01-01"], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: cannot read the date 'Jan': the context date 0001-01-01 is outside the dates govflow supports ({RANGE})"
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("day", "duration", "times", "words"),
    [
        (dt.date(9999, 12, 1), "P1M", 1, "9999-12-01 plus 1 × P1M"),
        (LAST_DAY, "P1D", 1, "9999-12-31 plus 1 × P1D"),
        (dt.date(9999, 12, 25), "P2W", 1, "9999-12-25 plus 1 × P2W"),
        (dt.date(9999, 1, 1), "P1Y", 1, "9999-01-01 plus 1 × P1Y"),
        (dt.date(2022, 1, 1), "P3M", 40_000, "2022-01-01 plus 40000 × P3M"),
        (dt.date(1, 1, 10), "-P2W", 1, "0001-01-10 minus 1 × P2W"),
        (FIRST_DAY, "P1D", -1, "0001-01-01 minus 1 × P1D"),
        (dt.date(1, 6, 1), "-P1Y", 1, "0001-06-01 minus 1 × P1Y"),
    ],
)
def test_add_duration_beyond_the_calendar_says_so(day: dt.date, duration: str, times: int, words: str) -> None:
    with pytest.raises(DateRangeError) as raised:
        add_duration(day, duration, times)
    assert isinstance(raised.value, Error)
    assert str(raised.value) == f"{words} is beyond the calendar (years 1 to 9999)"


@pytest.mark.parametrize(
    ("day", "duration", "expected"),
    [
        (dt.date(9999, 11, 30), "P1M", dt.date(9999, 12, 30)),
        (dt.date(9999, 12, 17), "P2W", LAST_DAY),
        (dt.date(1, 1, 15), "-P2W", FIRST_DAY),
        (dt.date(2, 3, 31), "-P1Y1M", dt.date(1, 2, 28)),
    ],
)
def test_add_duration_reaches_the_calendar_ends(day: dt.date, duration: str, expected: dt.date) -> None:
    assert add_duration(day, duration) == expected
