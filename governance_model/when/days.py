"""Rules for phrases that name one day: '21 Feb 2017', '15 th September 21', 'Thursday 23 July',
'November 2nd 2021', '12/03/2022', '2022-03-12'."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Sequence

from governance_model.when.failures import NotInYear, Unreadable, Wrong
from governance_model.when.spans import DaySpan, Span
from governance_model.when.tokeniser import Cursor, Token
from governance_model.when.vocabulary import MONTHS, WEEKDAYS


def numeric_date(tokens: Sequence[Token]) -> Span:
    c = Cursor(tokens)
    weekday = c.take_from(WEEKDAYS)
    token = c.peek()
    if token is None or token.kind not in ("numdate", "isodate"):
        raise Unreadable()
    c.i += 1
    c.finish()
    if token.kind == "isodate":
        year, month, day = (int(part) for part in token.norm.split("-"))
    else:  # UK order, always: day first
        day, month, year = (int(part) for part in re.split(r"[/.\-]", token.norm))
        year = year + 2000 if year < 100 else year
    if not 1 <= month <= 12:
        raise Wrong(f"there is no month {month}")
    return day_span(day, month, year, weekday)


def day_month(tokens: Sequence[Token]) -> Span:
    """'21 Feb 2017', '15 th September 21', 'Thursday 23 July', 'the 6th of March'."""
    c = Cursor(tokens)
    weekday = c.take_from(WEEKDAYS)
    day = c.take_day()
    if day is None:
        raise Unreadable()
    c.take_word("of")
    month = c.take_from(MONTHS)
    if month is None:
        raise Unreadable()
    year = c.take_year()
    c.finish()
    return day_span(day, month, year, weekday)


def month_day(tokens: Sequence[Token]) -> Span:
    """'November 2nd 2021': month first, only with an ordinal ('March 15' is March 2015)."""
    c = Cursor(tokens)
    weekday = c.take_from(WEEKDAYS)
    month = c.take_from(MONTHS)
    day = c.take_day(ordinal_only=True) if month else None
    if day is None:
        raise Unreadable()
    year = c.take_year(short=False)
    c.finish()
    return day_span(day, month, year, weekday)


def day_span(day: int, month: int, year: int | None, weekday: int | None) -> Span:
    if day > calendar.monthrange(2000, month)[1]:  # 2000: a leap year, so 29 February passes
        raise Wrong(f"{calendar.month_name[month]} has no day {day}")

    def days(y: int) -> DaySpan:
        try:
            d = dt.date(y, month, day)
        except ValueError:
            raise NotInYear(f"{y} has no {day} {calendar.month_name[month]}") from None
        return d, d

    return Span(days, year=year, grain="day", weekday=weekday)
