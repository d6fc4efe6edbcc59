"""The days a phrase covers (`Span`), and the choice of year for a phrase that wrote none."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Callable

from dateutil.relativedelta import relativedelta

from governance_model.when.failures import NotInYear, Wrong

ONE_DAY = dt.timedelta(days=1)
DaySpan = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class Span:
    """The days a phrase covers, perhaps still waiting for the context to choose its year."""

    days: Callable[[int], DaySpan]  # a year → first and last day
    year: int | None = None  # the year the phrase wrote; None when the context chooses
    grain: str = "days"  # "month" and "months" (a year, season, quarter) can be split in thirds
    weekday: int | None = None  # a weekday the phrase named, which also fixes the year

    def checked(self, year: int) -> DaySpan:
        start, end = self.days(year)
        if self.weekday is not None and start.weekday() != self.weekday:
            raise NotInYear(
                f"{format_day(start)} is a {calendar.day_name[start.weekday()]},"
                f" not a {calendar.day_name[self.weekday]}"
            )
        return start, end


def format_day(day: dt.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def month_days(year: int, month: int) -> DaySpan:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def months_days(year: int, first_month: int, count: int) -> DaySpan:
    start = dt.date(year, first_month, 1)
    return start, start + relativedelta(months=count) - ONE_DAY


def fixed(start: dt.date, end: dt.date, grain: str = "days") -> Span:
    """A span whose year the phrase wrote."""
    return Span(lambda _year: (start, end), year=start.year, grain=grain)


def resolve(span: Span, context: dt.date) -> DaySpan:
    """First and last day. A phrase with no year takes the first year whose reading ends on or
    after the context date; a weekday picks the nearest year in which the date has it."""
    if span.year is not None:
        return span.checked(span.year)
    if span.weekday is not None:
        return _resolve_by_weekday(span, context)
    problem: Wrong | None = None
    for year in range(context.year - 1, context.year + 9):
        try:
            start, end = span.checked(year)
        except NotInYear as exc:
            problem = problem or exc
            continue
        if end >= context:
            return start, end
    raise problem or Wrong("no year near the context date fits")


def _resolve_by_weekday(span: Span, context: dt.date) -> DaySpan:
    # Forwards first, then backwards, alternating, up to seven years away.
    ahead = next((y for y in range(context.year, context.year + 9) if _ends_after(span, y, context)), context.year)
    for distance in range(8):
        for year in (ahead + distance, ahead - 1 - distance):
            try:
                return span.checked(year)
            except NotInYear:
                continue
    example = span.days(ahead)[0]
    raise Wrong(
        f"no year within seven of {context.year} has {calendar.month_name[example.month]} {example.day}"
        f" on a {calendar.day_name[span.weekday]}"
    )


def _ends_after(span: Span, year: int, context: dt.date) -> bool:
    try:
        return span.days(year)[1] >= context
    except NotInYear:
        return False
