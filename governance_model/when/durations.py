"""Phrases with a length: 'a six-week consultation' and 'eight-week consultation from 11 July' (a
period, perhaps with its own start or end), 'within 28 days of the decision', '12 weeks after
Cabinet', 'two weeks before the meeting' (a length counted from something else).

How councils count a period with its own first day: it ends that length later, on the same weekday
(Devon's "eight-week consultation" ran from 11 July to 5 September 2019; Essex's "28-day period"
of a notice added to its plan on 15 April 2024 ended on 13 May 2024). So end = start + length, and
start = end − length for a period given by its last day. A length counted from something ('12
weeks after Cabinet') falls that length after its end, or before its start ('-P2W'). When what it
is counted from is not a date, the reading is kind `relative`, with `duration` and `anchor` and no
dates: the route planner dates it once the anchor has a date."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from dateutil.relativedelta import relativedelta

from governance_model.when.failures import Unreadable, Wrong, first_that_reads
from governance_model.when.phrases import (
    ACTIVITY_GLUE,
    ACTIVITY_WORDS,
    AFTER_LINKS,
    BEFORE_LINKS,
    DATE_WORDS,
    DURATION_LINKS,
    GRAMMAR_WORDS,
    LENGTH_QUALIFIERS,
    PERIOD_END_LEADS,
    PERIOD_START_LEADS,
    RELATIVE_LEADS,
)
from governance_model.when.points import PointReader
from governance_model.when.spans import ONE_DAY, format_day, resolve
from governance_model.when.tokeniser import Cursor, Token, split_prefix
from governance_model.when.value import Reading
from governance_model.when.vocabulary import ISO_UNIT_LETTERS, UNITS
from governance_model.working_days import WorkingCalendar


@dataclass(frozen=True)
class Length:
    count: int
    unit: str  # days, weeks, months, years
    working: bool = False  # working days: no ISO 8601 duration says them

    @property
    def iso(self) -> str | None:
        return None if self.working else f"P{self.count}{ISO_UNIT_LETTERS[self.unit]}"

    def after(self, day: dt.date) -> dt.date:
        if self.working:
            return WorkingCalendar().add_working_days(day, self.count)
        return day + relativedelta(**{self.unit: self.count})

    def before(self, day: dt.date) -> dt.date:
        if self.working:
            return WorkingCalendar().add_working_days(day, -self.count)
        return day - relativedelta(**{self.unit: self.count})


def take_length(c: Cursor) -> Length | None:
    """'six-week', '28 days', 'a minimum eight-week', 'two working days', '28 clear days'."""
    begin = c.i
    for with_article in (True, False):
        c.i = begin
        if with_article:
            c.take_word("a", "an", "the")
        c.take_phrase(LENGTH_QUALIFIERS)
        count = c.take_count()
        if count is None:
            continue
        c.take_word("-")
        c.take_word("clear")  # "28 clear days": the days between, as the 28 days from the notice
        working = c.take_word("working")
        unit = c.take_from(UNITS)
        if unit is not None and (not working or unit[0] == "days"):
            return Length(count * unit[1], unit[0], working)
    c.i = begin
    return None


_LINK_WORDS = frozenset(phrase[0] for phrase in AFTER_LINKS | BEFORE_LINKS)


class LengthReader(PointReader):
    """Reads lengths against the context date and the term table (for the points they name)."""

    text: str

    def with_length(self, tokens: Sequence[Token]) -> Reading:
        """'a six-week consultation' (relative, from the step it follows), 'eight-week
        consultation from 11 July 2019' (11 July to 5 September), '28-day period ends 13 May 2024',
        'eight week consultation from 13 October 2021 to 3 December' (as written: the dates win),
        'fourteen-week period of public consultation during July-October'."""
        c = Cursor(tokens)
        length = take_length(c)
        if length is None:
            raise Unreadable()
        said_what = False
        while c.peek() is not None and c.peek().kind == "word" and c.peek().norm in ACTIVITY_WORDS | ACTIVITY_GLUE:
            said_what = said_what or c.peek().norm in ACTIVITY_WORDS
            c.i += 1
        rest = c.rest()
        if not rest:
            if not said_what:  # "six weeks" alone: in six weeks, for six weeks? Not read.
                raise Unreadable()
            if length.working:
                raise Wrong("a length in working days needs a start date to be read")
            return Reading("relative", duration=length.iso)
        attempts = []
        for after in split_prefix(rest, PERIOD_START_LEADS):
            attempts.append(lambda after=after: self._from_start(after, length))
        for after in split_prefix(rest, PERIOD_END_LEADS):
            attempts.append(lambda after=after: self._to_end(after, length))
        if said_what:
            for after in split_prefix(rest, DURATION_LINKS):
                attempts.append(lambda after=after: self._inside(after, length))
        return first_that_reads(*attempts)

    def _from_start(self, tokens: Sequence[Token], length: Length) -> Reading:
        try:
            start, end = resolve(self.range(tokens), self.context)  # both ends written: as written
            return Reading("window", start=start, end=end, duration=length.iso)
        except Unreadable:
            pass
        first, last = resolve(self.point(tokens), self.context)
        # A start written as a month or longer: from its first day to the length after its last.
        return Reading("window", start=first, end=length.after(last), duration=length.iso, tentative=first != last)

    def _to_end(self, tokens: Sequence[Token], length: Length) -> Reading:
        first, last = resolve(self.point(tokens), self.context)
        return Reading("window", start=length.before(first), end=last, duration=length.iso, tentative=first != last)

    def _inside(self, tokens: Sequence[Token], length: Length) -> Reading:
        start, end = resolve(self.point(tokens), self.context)
        if length.after(start) - ONE_DAY > end:
            raise Wrong(f"{length.count} {length.unit} do not fit between {format_day(start)} and {format_day(end)}")
        return Reading("window", start=start, end=end, duration=length.iso)

    def counted_from(self, tokens: Sequence[Token]) -> Reading:
        """'within 28 days of the decision', '12 weeks after Cabinet', 'two weeks before the
        meeting' (relative: duration and anchor); 'two working days before 22 January 2019',
        'within 28 days of 1 March 2022' (dated: the anchor is a date)."""
        if not any(t.norm in _LINK_WORDS for t in tokens):
            raise Unreadable()
        c = Cursor(tokens)
        within = c.take_phrase(RELATIVE_LEADS) is not None
        length = take_length(c)
        if length is None:
            raise Unreadable()
        attempts = []
        for link in sorted(AFTER_LINKS | BEFORE_LINKS, key=len, reverse=True):
            if link == ("of",) and not within:
                continue  # "28 days of the decision" says neither before nor after
            probe = Cursor(c.rest())
            if probe.take_phrase({link}) and not probe.done():
                before = link in BEFORE_LINKS
                attempts.append(lambda anchor=probe.rest(), before=before: self._anchored(anchor, length, before, within))
        return first_that_reads(*attempts)

    def _anchored(self, anchor: Sequence[Token], length: Length, before: bool, within: bool) -> Reading:
        iso = length.iso and ("-" + length.iso if before else length.iso)
        try:
            span = self.point(anchor)
        except Unreadable:
            span = None
        if span is not None:
            first, last = resolve(span, self.context)
            if before:
                day = length.before(first)
                return Reading("window", start=day, end=first, duration=iso) if within else Reading("date", start=day, end=day, duration=iso)
            day = length.after(last)
            return Reading("window", start=last, end=day, duration=iso) if within else Reading("date", start=day, end=day, duration=iso)
        name = _anchor_name(anchor)
        written = self.text[name[0].start : name[-1].end]
        if length.working:
            raise Wrong(f"working days are counted only from a date: {written!r} has none (no ISO 8601 duration says working days)")
        return Reading("relative", duration=iso, anchor=written)


def _anchor_name(tokens: Sequence[Token]) -> Sequence[Token]:
    """What a length is counted from, without its article: 'the decision' → 'decision'."""
    while tokens and tokens[0].norm in ("the", "a", "an", "its", "their"):
        tokens = tokens[1:]
    if not tokens:
        raise Unreadable()
    ends = {tokens[0].norm, tokens[-1].norm}
    if (
        tokens[0].kind != "word"
        or tokens[-1].kind != "word"
        or ends & (DATE_WORDS | GRAMMAR_WORDS)
        or any(t.kind not in ("word", "mark") or (t.kind == "mark" and t.norm not in "&/-") for t in tokens)
    ):
        raise Unreadable()
    return tokens
