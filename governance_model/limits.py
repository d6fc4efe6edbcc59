"""The limits every value govflow stores must keep, the same on SQLite and PostgreSQL.

Readers check input against these before anything reaches SQL, so a file that would break one
backend (a key longer than its column, a NUL character PostgreSQL refuses) or every later nightly
run (a meeting in the year 9999, a lead time of a million days) is refused at load with the file,
row and field named. The database columns are sized from the same numbers (storage/tables.py)."""
from __future__ import annotations

import datetime as dt

# Dates: a council's business runs within these years. Every date read (meetings, `dated`, `done`,
# `until`, a When's context or its words) must fall inside, with room for a route's arithmetic
# (lead times and reminders counted back, recurrences counted on) without leaving datetime's range.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)

# Counts of days (papers lead time, reminder days, RAG tolerances): at most a year.
MAX_DAYS = 366

# Text stored in key and code columns (document, step, body, meeting keys; initials).
KEY_LENGTH = 160
# A meeting's id at its source (governance_model.meeting_sources): ModernGov's and CMIS's are numbers,
# a calendar's UID can be long (Outlook's run past 100 characters).
SOURCE_ID_LENGTH = 255
# An email address (RFC 5321 caps a path at 256 octets with its angle brackets).
EMAIL_LENGTH = 254
# Free text (titles, names, notes, minutes): long enough for any paper, short of a runaway cell.
TEXT_LENGTH = 10_000
# Whole numbers stored in INTEGER columns (version numbers and the like).
MAX_INTEGER = 2**31 - 1

# Characters no stored text may hold: NUL (PostgreSQL refuses it; SQLite would keep it).
FORBIDDEN_CHARACTERS = frozenset("\x00")


def date_in_range(day: dt.date) -> bool:
    """Whether a date (or a datetime's date) lies within EARLIEST_DATE..LATEST_DATE."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return EARLIEST_DATE <= day <= LATEST_DATE


def date_range_words() -> str:
    """The supported range as an error message gives it."""
    return f"between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}"

# YAML input: how deep mappings and lists may nest (a setup needs about 7 levels), and how many
# values a file may hold once its aliases are expanded (a few hundred bytes of nested anchors would
# otherwise expand to gigabytes).
YAML_NESTING = 32
YAML_VALUES = 200_000
