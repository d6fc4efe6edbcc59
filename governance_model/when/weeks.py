"""Weeks as councils name them: 'w/c 24 October 2022' and 'week commencing 3rd July' (Monday to
Sunday, from the Monday named), 'week ending 14 April' (the seven days up to the day named), 'the week
of 3 July' (the Monday-to-Sunday week around it), 'week 40 of 2024' (an ISO 8601 week)."""
from __future__ import annotations

import calendar
import datetime as dt
from typing import Callable, Sequence

from governance_model.when.failures import NotInYear, Unreadable, Wrong
from governance_model.when.phrases import ISO_WEEK, WEEK_COMMENCING, WEEK_ENDING, WEEK_OF
from governance_model.when.spans import DaySpan, Span, fixed, format_day, resolve
from governance_model.when.tokeniser import Cursor, Token, split_prefix

SIX_DAYS = dt.timedelta(days=6)


def week(tokens: Sequence[Token], point: Callable[[Sequence[Token]], Span], context: dt.date) -> Span:
    for rest in split_prefix(tokens, WEEK_COMMENCING):
        return _commencing(_one_day(point(rest)), context)
    for rest in split_prefix(tokens, WEEK_ENDING):
        last = resolve(_one_day(point(rest)), context)[0]
        return fixed(last - SIX_DAYS, last)
    for rest in split_prefix(tokens, WEEK_OF):
        day = resolve(_one_day(point(rest)), context)[0]
        monday = day - dt.timedelta(days=day.weekday())
        return fixed(monday, monday + SIX_DAYS)
    return _iso_week(tokens)


def _one_day(span: Span) -> Span:
    if span.grain != "day":
        raise Unreadable("a week is named by one day")
    return span


def _commencing(day: Span, context: dt.date) -> Span:
    """The week from the day named; the first such week that ends on or after the context. The day
    must be a Monday: one that is not is an error, never moved to a Monday or to another year."""

    def days(year: int) -> DaySpan:
        first = day.days(year)[0]
        return first, first + SIX_DAYS

    start, end = resolve(Span(days, year=day.year, grain="days", weekday=day.weekday), context)
    if start.weekday() != 0:
        raise Wrong(
            f"{format_day(start)} is a {calendar.day_name[start.weekday()]}: a week commencing begins on a Monday"
        )
    return fixed(start, end)


def _iso_week(tokens: Sequence[Token]) -> Span:
    """'week 40 of 2024', 'week 40 2024', 'wk 40': ISO 8601 weeks, Monday to Sunday. Without a year,
    the first such week that ends on or after the context."""
    c = Cursor(tokens)
    if not c.take_phrase(ISO_WEEK):
        raise Unreadable()
    token = c.peek()
    if token is None or token.kind != "number" or len(token.norm) > 2:
        raise Unreadable()
    c.i += 1
    number = int(token.norm)
    c.take_word("of", "in")
    year = c.take_year(short=False)
    c.finish()
    if not 1 <= number <= 53:
        raise Wrong(f"there is no week {number}")

    def days(y: int) -> DaySpan:
        try:
            monday = dt.date.fromisocalendar(y, number, 1)
        except ValueError:
            raise NotInYear(f"{y} has no ISO week {number}") from None
        return monday, monday + SIX_DAYS

    return Span(days, year=year, grain="days")
