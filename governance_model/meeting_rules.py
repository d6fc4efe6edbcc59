"""Meeting rules as secretaries write them ("first Wednesday of alternate months at 14:00") and
the dates they generate between two days."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from governance_model.errors import ModelError

LONDON = ZoneInfo("Europe/London")

ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
# How many months lie between sittings, by the words people use for it.
MONTH_STEPS = {
    "every month": 1,
    "each month": 1,
    "the month": 1,
    "alternate months": 2,
    "every other month": 2,
    "every two months": 2,
    "every three months": 3,
    "each quarter": 3,
    "every quarter": 3,
}

_RULE = re.compile(
    r"^(?P<ordinal>\w+)\s+(?P<weekday>[a-z]+)\s+of\s+(?P<months>.+?)"
    r"(?:\s+at\s+(?P<hour>\d{1,2})[:.](?P<minute>\d{2}))?$"
)


class MeetingRuleError(ModelError):
    def __init__(self, rule: str, reason: str):
        self.rule = rule
        super().__init__(f"cannot read the meeting rule {rule!r}: {reason}")


@dataclass(frozen=True)
class MeetingRule:
    """A parsed rule: the nth weekday of some months, at a local time."""

    text: str
    ordinal: int  # 1..4, or -1 for "last"
    weekday: int  # Monday = 0
    month_step: int | None  # every n months counted from the first month in range…
    months: tuple[int, ...] | None  # …or these named months
    at: dt.time

    def dates(self, first: dt.date, last: dt.date) -> list[dt.datetime]:
        """Every sitting from `first` to `last` inclusive, as aware Europe/London datetimes."""
        out = []
        year, month = first.year, first.month
        index = 0
        while (year, month) <= (last.year, last.month):
            wanted = (
                month in self.months if self.months is not None else index % (self.month_step or 1) == 0
            )
            if wanted:
                day = nth_weekday(year, month, self.weekday, self.ordinal)
                if first <= day <= last:
                    out.append(dt.datetime.combine(day, self.at, tzinfo=LONDON))
            index += 1
            month += 1
            if month == 13:
                year, month = year + 1, 1
        return out


def nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> dt.date:
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    return days[-1] if ordinal == -1 else days[ordinal - 1]


def read_meeting_rule(text: str) -> MeetingRule:
    """Read a rule such as "third Tuesday of every month at 10:00" or
    "first Wednesday of January, April, July and October at 14:00"."""
    match = _RULE.match(" ".join(text.lower().split()))
    if not match:
        raise MeetingRuleError(text, 'expected "<first|second|third|fourth|last> <weekday> of <months> at HH:MM"')
    ordinal = ORDINALS.get(match["ordinal"])
    if ordinal is None:
        raise MeetingRuleError(text, f"{match['ordinal']!r} is not first, second, third, fourth or last")
    weekday = WEEKDAYS.get(match["weekday"].rstrip("s"))
    if weekday is None:
        raise MeetingRuleError(text, f"{match['weekday']!r} is not a day of the week")
    months_text = match["months"].strip()
    month_step, months = MONTH_STEPS.get(months_text), None
    if month_step is None:
        names = [n for n in re.split(r"\s*(?:,|\band\b)\s*", months_text) if n]
        if not names or any(n not in MONTHS for n in names):
            raise MeetingRuleError(text, f"{months_text!r} is neither a list of months nor one of: {', '.join(MONTH_STEPS)}")
        months = tuple(sorted({MONTHS[n] for n in names}))
    if match["hour"] is None:
        raise MeetingRuleError(text, "no time given (add 'at HH:MM')")
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise MeetingRuleError(text, f"{hour}:{minute:02d} is not a time of day")
    return MeetingRule(text, ordinal, weekday, month_step, months, dt.time(hour, minute))
