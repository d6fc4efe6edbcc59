"""The field checkers every reader shares: text, key, email, date, day count, whole number, flag.

Each takes a value as a reader found it (a YAML scalar, a cell's text) and the `Place` it came from,
and returns it checked against governance_model.limits, or raises a LoadError naming the file, row,
field and text. Every field of every format goes through these, so a value that one database would
refuse (a NUL, a key longer than its column) or that would break every later nightly run (a date in
the year 9999, a lead time of a million days) is refused before any SQL, the same on every backend."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from governance_model.errors import LoadError
from governance_model.limits import (
    EMAIL_LENGTH,
    FORBIDDEN_CHARACTERS,
    KEY_LENGTH,
    MAX_DAYS,
    MAX_INTEGER,
    TEXT_LENGTH,
    date_in_range,
    date_range_words,
)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_SHOWN = 200  # characters of a runaway value an error message quotes


@dataclass(frozen=True)
class Place:
    """Where a value was read: the file, its row (a line, or a table's row) and the field."""

    file: str
    row: int | None = None
    column: str | None = None

    def error(self, message: str, text: Any = None) -> LoadError:
        return LoadError(message, file=self.file, row=self.row, column=self.column, text=None if text is None else shown(text))


def _what(place: Place) -> str:
    return repr(place.column) if place.column else "the line"


def shown(value: Any) -> str:
    """A value as an error message quotes it: cut short, so a runaway cell does not flood the screen."""
    text = str(value) if not isinstance(value, (list, dict)) else "(a list or mapping)"
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def text(value: Any, place: Place, *, max_length: int = TEXT_LENGTH, required: bool = False) -> str:
    """Free text (a title, a name, a note). Numbers and dates are taken as written (`title: 2022`);
    yes/no, lists and mappings are not text."""
    if value is None:
        if required:
            raise place.error(f"{_what(place)} is empty")
        return ""
    if isinstance(value, (bool, list, dict)):
        raise place.error(f"{_what(place)} must be text (put it in quotes if it is meant as written)", value)
    if isinstance(value, float) and not math.isfinite(value):
        raise place.error(f"{_what(place)} must be text", value)
    if not isinstance(value, (str, int, float, dt.date)):
        raise place.error(f"{_what(place)} must be text", value)
    result = value if isinstance(value, str) else value.isoformat() if isinstance(value, dt.date) else str(value)
    if required and not result.strip():
        raise place.error(f"{_what(place)} is empty")
    if len(result) > max_length:
        raise place.error(f"{_what(place)} is {len(result)} characters long; at most {max_length} are allowed", value)
    bad = next((c for c in result if c in FORBIDDEN_CHARACTERS), None)
    if bad is not None:
        raise place.error(f"{_what(place)} holds the character U+{ord(bad):04X}, which cannot be stored", value)
    return result


def key(value: Any, place: Place) -> str:
    """A key or code (a document, step, body or meeting key; a person's initials): text without
    surrounding spaces, at most KEY_LENGTH characters. A whole number is taken as written."""
    if isinstance(value, (float, dt.date)):
        raise place.error(f"{_what(place)} must be a name or code, not a number or date (put it in quotes)", value)
    result = text(value, place, max_length=KEY_LENGTH, required=True).strip()
    return result


def email(value: Any, place: Place) -> str:
    """An email address: text with one @ and a domain, at most EMAIL_LENGTH characters."""
    if not isinstance(value, str):
        raise place.error("not an email address (like name@council.example.org)", value)
    result = text(value, place, max_length=EMAIL_LENGTH).strip()
    if not _EMAIL.fullmatch(result):
        raise place.error("not an email address (like name@council.example.org)", value)
    return result


def date(value: Any, place: Place, *, what: str = "a date YYYY-MM-DD") -> dt.date:
    """A day: a YAML date or ISO text YYYY-MM-DD, within the supported range. Words ("yesterday")
    and date-times are not days."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise place.error(f"not a real date: {_what(place)} must be {what}", value) from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise place.error(f"{_what(place)} must be {what}", value)
    return in_range(value, place)


def in_range(day: dt.date, place: Place, *, text: Any = None) -> Any:
    """`day` (a date or datetime) when it lies in the supported range, else a LoadError."""
    if not date_in_range(day):
        raise place.error(f"the date must be {date_range_words()}", day if text is None else text)
    return day


def is_day_count(value: Any) -> bool:
    """Whether `value` is a number of days: a whole number from 0 to MAX_DAYS (True is not)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DAYS


def day_count(value: Any, place: Place) -> int:
    """A number of days (a lead time, a reminder, a tolerance): a whole number from 0 to MAX_DAYS."""
    if not is_day_count(value):
        raise place.error(f"{_what(place)} must be a whole number of days from 0 to {MAX_DAYS}", value)
    return value


def whole_number(value: Any, place: Place, *, minimum: int = 0, maximum: int = MAX_INTEGER) -> int:
    """A whole number (a version number) from `minimum` to `maximum`; 11.7 and "eleven" are not."""
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,12}\s*", value):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
        raise place.error(f"{_what(place)} must be a whole number from {minimum} to {maximum}", value)
    return value


def flag(value: Any, place: Place) -> bool:
    """Yes or no: true or false as YAML writes them."""
    if not isinstance(value, bool):
        raise place.error(f"{_what(place)} must be true or false", value)
    return value
