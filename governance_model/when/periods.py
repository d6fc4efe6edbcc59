"""Rules for phrases that name a month or longer: 'March 22', '2022', 'next year', '2021-24',
'2022/23' (a financial year), 'academic year 2021/22', 'Q3 2022', 'Autumn'."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

from dateutil.relativedelta import relativedelta

from governance_model.when.failures import Unreadable, Wrong
from governance_model.when.phrases import RELATIVE
from governance_model.when.spans import Span, fixed, month_days, months_days
from governance_model.when.tokeniser import Cursor, Token
from governance_model.when.vocabulary import MONTHS, SEASONS


def month(tokens: Sequence[Token]) -> Span:
    number, year = _name_and_year(tokens, MONTHS)
    return Span(lambda y: month_days(y, number), year=year, grain="month")


def year(tokens: Sequence[Token]) -> Span:
    c = Cursor(tokens)
    written = c.take_year(short=False)
    if written is None:
        raise Unreadable()
    c.finish()
    return Span(lambda y: months_days(y, 1, 12), year=written, grain="months")


def relative(tokens: Sequence[Token], context: dt.date) -> Span:
    """'this year', 'next month': counted from the context date."""
    words = tuple(t.norm for t in tokens)
    if words not in RELATIVE:
        raise Unreadable()
    unit, offset = RELATIVE[words]
    if unit == "year":
        return fixed(*months_days(context.year + offset, 1, 12), grain="months")
    first = dt.date(context.year, context.month, 1) + relativedelta(months=offset)
    return fixed(*month_days(first.year, first.month), grain="month")


def year_range(tokens: Sequence[Token]) -> Span:
    """'2021-24', '2017–2020', '2021 – 23': whole calendar years."""
    c = Cursor(tokens)
    first = c.take_year(short=False)
    if first is None or not c.take_word("-", "to", "/"):
        raise Unreadable()
    written = c.peek()
    last = c.take_year(short=True)
    c.finish()
    if last is None:
        raise Unreadable()
    if len(written.norm) == 2:
        last = first // 100 * 100 + int(written.norm)
    if last <= first:
        raise Wrong(f"{last} is not after {first}")
    return fixed(dt.date(first, 1, 1), dt.date(last, 12, 31))


def financial_year(tokens: Sequence[Token]) -> Span:
    """UK financial year, 1 April to 31 March: '2022/23', 'FY 2022-23', 'financial year 2022/23'."""
    c = Cursor(tokens)
    prefixed = bool(c.take_phrase({("fy",), ("financial", "year"), ("the", "financial", "year")}))
    # Bare, only the slash form: '2022-23' on its own reads as two calendar years.
    if not prefixed and not (c.peek() and len(c.peek().norm) == 4):
        raise Unreadable()
    first = c.take_financial_year(("/", "-") if prefixed else ("/",))
    if first is None:
        raise Unreadable()
    if not prefixed:
        c.take_phrase({("financial", "year"), ("fy",)})
    c.finish()
    return fixed(dt.date(first, 4, 1), dt.date(first + 1, 3, 31), grain="months")


def academic_year(tokens: Sequence[Token]) -> Span:
    c = Cursor(tokens)
    prefixed = bool(c.take_phrase({("academic", "year"), ("the", "academic", "year")}))
    first = c.take_financial_year()
    if first is None:
        raise Unreadable()
    if not prefixed and not c.take_phrase({("academic", "year")}):
        raise Unreadable()
    c.finish()
    return fixed(dt.date(first, 9, 1), dt.date(first + 1, 8, 31), grain="months")


def quarter(tokens: Sequence[Token]) -> Span:
    """'Q3 2022' (calendar), 'Quarter 1 of 2022/23' or 'Q1 2022-23' (UK financial year)."""
    c = Cursor(tokens)
    if not c.take_word("q", "quarter", "qtr"):
        raise Unreadable()
    number = c.take_count()
    if number is None:
        raise Unreadable()
    c.take_word("of", "in")
    financial_prefix = bool(c.take_phrase({("fy",), ("financial", "year")}))
    financial = c.take_financial_year()
    calendar_year = None if financial is not None or financial_prefix else c.take_year(short=False)
    c.finish()
    if not 1 <= number <= 4:
        raise Wrong(f"there is no quarter {number}")
    if financial is not None:
        first = dt.date(financial, 4, 1) + relativedelta(months=3 * (number - 1))
        return fixed(*months_days(first.year, first.month, 3), grain="months")
    if calendar_year is None:
        raise Wrong(f"say which year: 'Q{number} 2022' for a calendar quarter, 'Q{number} 2022/23' for a financial one")
    return fixed(*months_days(calendar_year, 3 * number - 2, 3), grain="months")


def season(tokens: Sequence[Token]) -> Span:
    (first_month, count), year = _name_and_year(tokens, SEASONS)
    return Span(lambda y: months_days(y, first_month, count), year=year, grain="months")


def _name_and_year(tokens: Sequence[Token], names: Mapping[str, Any]) -> tuple[Any, int | None]:
    """'March 22', 'Autumn': what `names` says the word means, and the year if one is written."""
    c = Cursor(tokens)
    meaning = c.take_from(names)
    if meaning is None:
        raise Unreadable()
    year = c.take_year()
    c.finish()
    return meaning, year
