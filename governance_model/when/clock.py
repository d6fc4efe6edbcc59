"""Times of day on a deadline ('by noon on 3 June', '12.00 noon on 11 September 2024', '14 March at
5pm'): the reading keeps the day, and the text keeps the time."""
from __future__ import annotations

from typing import Callable, Sequence

from governance_model.when.failures import Unreadable, first_that_reads
from governance_model.when.spans import Span
from governance_model.when.tokeniser import Cursor, Token
from governance_model.when.vocabulary import TIME_SUFFIXES, TIME_WORDS


def at_time(tokens: Sequence[Token], point: Callable[[Sequence[Token]], Span]) -> Span:
    """A day with a time of day before it ('noon on 3 June', 'at 9.00am on Thurs 24 December 2015')
    or after it ('3 June at 5pm', '3 June at 17:00'). Only a day may carry a time."""
    if not any(t.norm in _TIME_MARKS for t in tokens):
        raise Unreadable()
    attempts = []
    for i in range(1, len(tokens)):
        before, after = tokens[:i], tokens[i:]
        if _is_time(before, followed_by_on=True):
            attempts.append(lambda after=after: _day(point(after)))
        if _is_time(after, followed_by_on=False):
            attempts.append(lambda before=before: _day(point(before)))
    if not attempts:
        raise Unreadable()
    return first_that_reads(*attempts)


_TIME_MARKS = TIME_WORDS | TIME_SUFFIXES | {"at", "on"}


def _day(span: Span) -> Span:
    if span.grain != "day":
        raise Unreadable("a time of day belongs to a day, not a longer span")
    return span


def _is_time(tokens: Sequence[Token], followed_by_on: bool) -> bool:
    """'noon', '12.00 noon', '9am', '9.00 a.m.', 'at 5pm', '17:00' (with 'at' before it, or 'on'
    after it, since a bare pair of numbers could be anything). With `followed_by_on`, the tokens may
    end with 'on' ('noon on')."""
    c = Cursor(tokens)
    said_at = c.take_word("at", "by")
    if not c.take_word(*TIME_WORDS):
        hour = _number(c, 2)
        if hour is None:
            return False
        minute = _number(c, 2, exact=True)
        token = c.peek()
        suffix = token.norm if token is not None and token.norm in TIME_SUFFIXES else None
        if suffix:
            c.i += 1
        if minute is not None and minute > 59:
            return False
        if suffix in ("am", "pm"):
            if not 1 <= hour <= 12:
                return False
        elif suffix in ("noon", "midday"):
            if hour != 12:
                return False
        elif suffix is not None:  # hrs, hours, h: a 24-hour time
            if hour > 23:
                return False
        else:
            said_on = followed_by_on and c.peek() is not None and c.peek().norm == "on"
            if minute is None or hour > 23 or not (said_at or said_on):
                return False
    if followed_by_on:
        c.take_word("on")
    return c.done()


def _number(c: Cursor, digits: int, exact: bool = False) -> int | None:
    token = c.peek()
    if token is None or token.kind != "number" or len(token.norm) > digits or (exact and len(token.norm) != digits):
        return None
    c.i += 1
    return int(token.norm)

