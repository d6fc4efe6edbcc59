"""The reading of one date phrase (`When`) and its JSON form."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from governance_model.errors import DateRangeError

ESTIMATED = "term dates estimated"

WhenKind = Literal["date", "window", "recurring", "tbc", "contingent", "ongoing", "relative"]


@dataclass(frozen=True)
class When:
    """The reading of one date phrase. `text` is always the original words, unchanged.

    kind `relative`: the dates depend on something not yet dated ("12 weeks after Cabinet",
    "within 28 days of the decision", "two weeks before the meeting", "a six-week consultation"):
    `start` and `end` are None, `duration` says how far from `anchor` the deadline falls (negative
    before it: "-P2W"), and `anchor` names what it is counted from (None: the step it follows).
    A phrase with its own start keeps its kind and gives its length as `duration` too ("eight-week
    consultation from 11 July 2019": a window of P8W). Any kind may have `depends_on` ("March 2022
    (subject to Cabinet approval)": a window that also waits for something); `contingent` is the one
    that waits with no date at all. `estimated`: the reading used school-term dates estimated by
    rule, not published ones (see `governance_model.school_terms`)."""

    kind: WhenKind
    start: dt.date | None
    end: dt.date | None
    every: str | None = None  # ISO 8601 duration of a recurring When, e.g. "P3M"
    depends_on: str | None = None  # what it waits for ("DfE", "Cabinet approval")
    tentative: bool = False
    text: str = ""
    estimated: bool = False  # school-term dates from the rule, not from a table
    duration: str | None = None  # ISO 8601 length, e.g. "P8W"; "-P2W" for two weeks before the anchor
    anchor: str | None = None  # what a relative When is counted from ("decision", "Cabinet", "meeting")

    @property
    def deadline(self) -> dt.date | None:
        """The day reminders count to: the last day of the When."""
        return self.end

    @property
    def shown(self) -> str:
        """The words as every output shows them: the original text, and "(term dates estimated)"
        when its dates came from the rule for school terms rather than published dates, so an
        estimate is never shown as if it were known."""
        return f"{self.text} ({ESTIMATED})" if self.estimated else self.text

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "every": self.every,
            "duration": self.duration,
            "anchor": self.anchor,
            "depends_on": self.depends_on,
            "tentative": self.tentative,
            "estimated": self.estimated,
            "text": self.text,
        }

    @classmethod
    def from_json(cls, data: dict) -> "When":
        return cls(
            kind=data["kind"],
            start=dt.date.fromisoformat(data["start"]) if data.get("start") else None,
            end=dt.date.fromisoformat(data["end"]) if data.get("end") else None,
            every=data.get("every"),
            depends_on=data.get("depends_on"),
            tentative=bool(data.get("tentative", False)),
            text=data.get("text", ""),
            estimated=bool(data.get("estimated", False)),
            duration=data.get("duration"),
            anchor=data.get("anchor"),
        )


@dataclass
class Reading:
    """A reading while the grammar builds it (the When without its text)."""

    kind: WhenKind
    start: dt.date | None = None
    end: dt.date | None = None
    every: str | None = None
    depends_on: str | None = None
    tentative: bool = False
    duration: str | None = None
    anchor: str | None = None

    def when(self, text: str, estimated: bool) -> When:
        return When(
            kind=self.kind,
            start=self.start,
            end=self.end,
            every=self.every,
            depends_on=self.depends_on,
            tentative=self.tentative,
            text=text,
            estimated=estimated,
            duration=self.duration,
            anchor=self.anchor,
        )


_DURATION = re.compile(r"^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def add_duration(day: dt.date, duration: str, times: int = 1) -> dt.date:
    """`day` plus `times` × an ISO 8601 date duration such as P3M (month ends are clamped); a
    leading "-" counts back ("-P2W": two weeks before). Raises DateRangeError when that passes the
    calendar's first or last day (1 January of year 1, 31 December 9999)."""
    match = _DURATION.match(duration)
    if not match:
        raise ValueError(f"not an ISO 8601 date duration: {duration!r}")
    sign, *parts = match.groups()
    times = -times if sign else times
    years, months, weeks, days = (int(g or 0) * times for g in parts)
    month_index = day.month - 1 + months + 12 * years
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    try:
        return dt.date(year, month, min(day.day, last)) + dt.timedelta(weeks=weeks, days=days)
    except (OverflowError, ValueError):  # a year outside 1-9999, before or after the sum
        raise DateRangeError(
            f"{day.isoformat()} {'minus' if times < 0 else 'plus'} {abs(times)} × {duration.lstrip('-')} is beyond the calendar (years 1 to 9999)"
        ) from None
