"""The one error tree of the domain; every package-level error derives from `Error`."""
from __future__ import annotations


class Error(Exception):
    """Base of every error govflow raises on purpose."""


class WhenError(Error, ValueError):
    """A date phrase that cannot be read. Always quotes the phrase."""

    def __init__(self, text: str, reason: str = "not a date phrase govflow can read"):
        self.text = text
        self.reason = reason
        super().__init__(f"cannot read the date {text!r}: {reason}")


class DateRangeError(Error, ValueError):
    """A date counted on or back beyond the calendar (datetime's years 1 to 9999)."""


class ModelError(Error):
    """A domain rule was broken (unknown body, duplicate number, a step waiting on nothing…)."""


class LoadError(Error):
    """Bad input in a file being loaded: says which file, row, column and the offending text."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        text: str | None = None,
    ):
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.text = text
        super().__init__(self.describe())

    def describe(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        place = ", ".join(where)
        quoted = f" (text: {self.text!r})" if self.text is not None else ""
        return f"{place}: {self.message}{quoted}" if place else f"{self.message}{quoted}"
