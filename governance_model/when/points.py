"""Points: the rules for phrases that cover known days, in the order they are tried, and the rules
that build a point from others ('October/November 21', 'by 6 March', 'end of Q2 2022')."""
from __future__ import annotations

import calendar
import datetime as dt
from typing import Callable, Sequence

from dateutil.relativedelta import relativedelta

from governance_model.school_terms import SchoolTerms
from governance_model.when import days, periods
from governance_model.when.failures import Unreadable, Wrong, first_that_reads
from governance_model.when.phrases import PART_DAYS, PART_INDEX, PARTS, SAME_AS_PREFIXES, SAME_AS_SUFFIXES
from governance_model.when.school_breaks import HALF_TERM, TERM, read_school_break
from governance_model.when.spans import ONE_DAY, DaySpan, Span, fixed, format_day
from governance_model.when.tokeniser import Cursor, Token, split_prefix, split_suffix
from governance_model.when.vocabulary import RANGE_SEPARATORS


class PointReader:
    """Reads points against a context date (for relative words) and a school-term table."""

    def __init__(self, context: dt.date, terms: Callable[[], SchoolTerms]):
        self.context = context
        self.terms = terms

    def point(self, tokens: Sequence[Token]) -> Span:
        if not tokens:
            raise Unreadable()
        return first_that_reads(
            lambda: days.numeric_date(tokens),
            lambda: days.day_month(tokens),
            lambda: days.month_day(tokens),
            lambda: periods.month(tokens),
            lambda: periods.year(tokens),
            lambda: periods.relative(tokens, self.context),
            lambda: periods.financial_year(tokens),
            lambda: periods.academic_year(tokens),
            lambda: periods.year_range(tokens),
            lambda: periods.quarter(tokens),
            lambda: periods.season(tokens),
            lambda: read_school_break(tokens, TERM, self.terms),
            lambda: read_school_break(tokens, HALF_TERM, self.terms),
            lambda: self.range(tokens),
            lambda: self.same_as(tokens),
            lambda: self.part_of(tokens),
        )

    def range(self, tokens: Sequence[Token]) -> Span:
        """'October/November 21', 'July 2019 to January 2020', 'between 2 March and 6 April 2020'."""
        c = Cursor(tokens)
        if c.take_word("between"):
            separators = {"and", "&", "-", "/"}
        elif c.take_word("from"):
            separators = {"to", "until", "till", "through", "-"}
        else:
            separators = RANGE_SEPARATORS
        body = c.rest()
        attempts = []
        for i, token in enumerate(body):
            if token.norm in separators and 0 < i < len(body) - 1:
                attempts.append(lambda i=i: self.join(body[:i], body[i + 1 :]))
        return first_that_reads(*attempts)

    def join(self, left_tokens: Sequence[Token], right_tokens: Sequence[Token]) -> Span:
        day = Cursor(left_tokens).take_day() if len(left_tokens) == 1 else None
        if (
            day is None
            and left_tokens[-1].kind == right_tokens[0].kind == "number"
            and left_tokens[-1].end + 1 == right_tokens[0].start
        ):
            # "2022/23 Feb" is a financial year beside a month, not "2022 to 23 Feb".
            raise Unreadable()
        right = self.point(right_tokens)
        if day is not None and right.grain == "day":
            # '15-17 March 2022': the first day borrows the month of the second.
            def left_days(y: int) -> DaySpan:
                first = right.days(y)[0]
                try:
                    d = first.replace(day=day)
                except ValueError:
                    raise Wrong(f"{calendar.month_name[first.month]} has no day {day}") from None
                return d, d

            left = Span(left_days, year=right.year, grain="day")
        else:
            left = self.point(left_tokens)

        if left.year is not None and right.year is not None:
            start, end = left.checked(left.year)[0], right.checked(right.year)[1]
            if end < start:
                raise Wrong(f"it ends ({format_day(end)}) before it starts ({format_day(start)})")
            return fixed(start, end)
        if left.year is not None:
            # Only the first end has a year: the second is the next one after it.
            def from_left_year(y: int) -> DaySpan:
                start = left.checked(y)[0]
                right_start, right_end = right.checked(y)
                if right_start < start:
                    right_end = right.checked(y + 1)[1]
                return start, right_end

            return Span(from_left_year, year=left.year)

        # A year written only at the end covers both ends; if the first month comes later in
        # the year than the second, the first is in the year before ('December/January 2022').
        def to_right_year(y: int) -> DaySpan:
            right_start, right_end = right.checked(y)
            start = left.checked(y)[0]
            if start > right_start:
                start = left.checked(y - 1)[0]
            return start, right_end

        return Span(to_right_year, year=right.year)

    def same_as(self, tokens: Sequence[Token]) -> Span:
        rests = [*split_prefix(tokens, SAME_AS_PREFIXES), *split_suffix(tokens, SAME_AS_SUFFIXES)]
        return first_that_reads(*(lambda rest=rest: self.point(rest) for rest in rests))

    def part_of(self, tokens: Sequence[Token]) -> Span:
        """early / mid / late, beginning of / end of: a third of a month or of whole months."""
        c = Cursor(tokens)
        words = c.take_phrase(PARTS)
        if words is None:
            raise Unreadable()
        part = PARTS[words]
        c.take_word("-")
        inner = self.point(c.rest())
        if inner.grain == "month":

            def days_of_month(y: int) -> DaySpan:
                start, end = inner.days(y)
                first, last = PART_DAYS[part]
                return start.replace(day=first), start.replace(day=min(last, end.day))

            return Span(days_of_month, year=inner.year, grain="days")
        if inner.grain == "months":

            def months_of_span(y: int) -> DaySpan:
                start, end = inner.days(y)
                months = (end.year - start.year) * 12 + end.month - start.month + 1
                third = months // 3
                first = start + relativedelta(months=third * PART_INDEX[part])
                return first, first + relativedelta(months=third) - ONE_DAY

            return Span(months_of_span, year=inner.year, grain="days")
        raise Wrong(f"'{' '.join(words)}' only divides a month, a year, a quarter or a season")
