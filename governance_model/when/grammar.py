"""The grammar of whole date phrases ('TBC March 22', 'Quarterly wef Jan 2022', 'DfE contingent',
'One month Jan/Feb 22', 'the next 10 working days', 'March 2022 (subject to Cabinet approval)',
'monthly (except August)', 'late 2024 or early 2025') and `read_when`, which reads one phrase."""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterable, Sequence

from dateutil.relativedelta import relativedelta

from governance_model.errors import WhenError
from governance_model.limits import date_in_range, date_range_words
from governance_model.school_terms import SchoolTerms
from governance_model.when.durations import LengthReader
from governance_model.when.failures import Unreadable, Wrong, first_that_reads
from governance_model.when.phrases import (
    AT_LEAST,
    CONTINGENT_PREFIXES,
    CONTINGENT_SUFFIXES,
    DATE_WORDS,
    DURATION_LINKS,
    EXCEPT_WORDS,
    GRAMMAR_WORDS,
    ONGOING_PHRASES,
    RECURRENCES,
    SPAN_BACKWARD,
    SPAN_FORWARD,
    START_PREFIXES,
    START_SUFFIXES,
    TBC_PHRASES,
    TENTATIVE_PREFIXES,
    TENTATIVE_SUFFIXES,
    UNTIL_WORDS,
    WITHIN_WORDS,
)
from governance_model.when.spans import ONE_DAY, format_day, resolve
from governance_model.when.tokeniser import Cursor, Token, is_exactly, split_prefix, split_suffix, tokenize
from governance_model.when.value import Reading, When, add_duration
from governance_model.when.vocabulary import (
    COUNTED_RECURRENCES,
    ISO_UNIT_LETTERS,
    MONTHS,
    SINGULAR_UNITS,
    TIMES_A_TERM,
    TIMES_A_YEAR,
    TIMES_WORDS,
    UNITS,
    WEEKDAYS,
)
from governance_model.working_days import WorkingCalendar

# Said, with the phrase, when no rule reads it at all.
FAMILIES = (
    "govflow reads days ('15 March 2022', 'Thursday 17 November'), months, years and ranges of them;"
    " parts ('end of May 2019', 'first half of 2024'); weeks ('w/c 24 October 2022', 'week ending 14 April');"
    " quarters, financial and academic years, seasons; school terms and holidays ('October half term',"
    " 'after the summer holidays'); recurrences ('every six weeks', 'annually in March'); lengths"
    " ('eight-week consultation from 11 July', '12 weeks after Cabinet'); deadlines ('in writing by"
    " 14 March', 'by noon on 3 June'); TBC; 'subject to …'; ongoing"
)
_STEP = re.compile(r"^P(\d+)([DWMY])$")


def read_when(text: str, context: dt.date, terms: SchoolTerms | None = None) -> When:
    """Read one date phrase. `context` supplies the year when the phrase has none (the paper's date,
    or the year a table is headed with); `terms` the school terms (the shipped table if None)."""
    if isinstance(context, dt.datetime):
        context = context.date()
    return _PhraseReader(text, context, terms).read()


class _PhraseReader(LengthReader):
    """Reads one phrase against a context date (for the year) and a school-term table."""

    def __init__(self, text: str, context: dt.date, terms: SchoolTerms | None):
        self.text = text
        self._terms = terms
        super().__init__(context, self.term_table)

    def term_table(self) -> SchoolTerms:
        # Loaded on first use: most phrases never name a term.
        if self._terms is None:
            self._terms = SchoolTerms.default()
        return self._terms

    def read(self) -> When:
        if not date_in_range(self.context):
            raise WhenError(self.text, f"the context date {self.context.isoformat()} is outside the dates govflow supports ({date_range_words()})")
        try:
            tokens = tokenize(self.text)
            if not tokens:
                raise WhenError(self.text, "there are no words to read")
            reading = self.phrase(tokens)
            estimated = self.used_estimate and self._depends_on_estimates(tokens, reading)
        except WhenError:
            raise
        except Wrong as exc:
            raise WhenError(self.text, exc.reason) from None
        except Unreadable as exc:
            reason = exc.reason if exc.reason != Unreadable().reason else f"{exc.reason} ({FAMILIES})"
            raise WhenError(self.text, reason) from None
        except (OverflowError, ValueError):
            # datetime's own limits (years 1-9999) passed by a year or a length counted on from the
            # context: the words reach beyond the calendar, let alone the supported range.
            raise WhenError(self.text, f"it reaches beyond the dates govflow supports ({date_range_words()})") from None
        for day in (reading.start, reading.end):
            if day is not None and not date_in_range(day):
                raise WhenError(self.text, f"it falls on {day.isoformat()}, outside the dates govflow supports ({date_range_words()})")
        return reading.when(self.text, estimated=estimated)

    def _depends_on_estimates(self, tokens: Sequence[Token], reading: Reading) -> bool:
        """Whether the reading needed term dates from the rule: the published dates alone read
        the phrase otherwise, or not at all ('autumn term' in 2011 is not autumn 2019)."""
        published = _PhraseReader(self.text, self.context, self.term_table().published_only())
        try:
            return published.phrase(tokens) != reading
        except (Wrong, Unreadable):
            return True

    def phrase(self, tokens: Sequence[Token]) -> Reading:
        return first_that_reads(
            lambda: self.tbc(tokens),
            lambda: self.ongoing(tokens),
            lambda: self.tentative(tokens),
            lambda: self.contingent(tokens),
            lambda: self.dated_and_waiting(tokens),
            lambda: self.recurring(tokens),
            lambda: self.recurring_except(tokens),
            lambda: self.later_in(tokens),
            lambda: self.span_from_context(tokens),
            lambda: self.with_length(tokens),
            lambda: self.counted_from(tokens),
            lambda: self.duration_within(tokens),
            lambda: self.dated(tokens),
            lambda: self.one_or_other(tokens),
            lambda: self.starting(tokens),
        )

    def tbc(self, tokens) -> Reading:
        if not is_exactly(tokens, TBC_PHRASES):
            raise Unreadable()
        return Reading("tbc", tentative=True)

    def ongoing(self, tokens) -> Reading:
        if not is_exactly(tokens, ONGOING_PHRASES):
            raise Unreadable()
        return Reading("ongoing")

    def tentative(self, tokens) -> Reading:
        rests = [*split_prefix(tokens, TENTATIVE_PREFIXES), *split_suffix(tokens, TENTATIVE_SUFFIXES)]
        reading = first_that_reads(*(lambda rest=rest: self.phrase(rest) for rest in rests))
        reading.tentative = True
        return reading

    def contingent(self, tokens) -> Reading:
        rests = [*split_prefix(tokens, CONTINGENT_PREFIXES), *split_suffix(tokens, CONTINGENT_SUFFIXES)]
        for rest in rests:
            waits_for = self.dependency(rest)
            if waits_for is not None:
                return Reading("contingent", depends_on=waits_for)
        raise Unreadable()

    def dated_and_waiting(self, tokens) -> Reading:
        """'October 2019, subject to the NHS Long Term Plan', 'March 2022 (subject to Cabinet
        approval)': the reading of the date, which also waits for something (`depends_on`)."""
        attempts = []
        for i in range(1, len(tokens) - 1):
            for waits in split_prefix(tokens[i:], CONTINGENT_PREFIXES):
                waits_for = self.dependency(waits)
                if waits_for is not None:
                    attempts.append(lambda left=tokens[:i], waits_for=waits_for: self._waiting(left, waits_for))
        return first_that_reads(*attempts)

    def _waiting(self, tokens, waits_for: str) -> Reading:
        reading = self.phrase(tokens)
        if reading.kind == "contingent" or reading.depends_on is not None:
            raise Unreadable()
        reading.depends_on = waits_for
        return reading

    def dependency(self, tokens: Sequence[Token]) -> str | None:
        """What a When waits for, quoted as written without a leading 'the' ("DfE", "Cabinet
        approval", "NHS Long Term Plan"); None when the words could be (part of) a date. Its first
        and last words may not be date or grammar words ("June DfE contingent" is two phrases)."""
        while tokens and tokens[0].norm == "the":
            tokens = tokens[1:]
        if not tokens or tokens[0].kind != "word" or tokens[-1].kind != "word":
            return None
        if {tokens[0].norm, tokens[-1].norm} & (DATE_WORDS | GRAMMAR_WORDS):
            return None
        for t in tokens:
            if not (t.kind == "word" and t.norm not in MONTHS and t.norm not in WEEKDAYS) and t.norm not in "&/-":
                return None
        return self.text[tokens[0].start : tokens[-1].end]

    # -- recurrences

    def recurring(self, tokens) -> Reading:
        def read(every: str, rest: Sequence[Token]) -> Reading:
            start, end = self.recurrence_bounds(rest, every)
            return Reading("recurring", start=start, end=end, every=every)

        return first_that_reads(
            *(lambda e=every, r=rest: read(e, r) for every, rest in _recurrences(tokens)),
            lambda: self.every_month_named(tokens),
        )

    def every_month_named(self, tokens) -> Reading:
        """'every March', 'each September 2024': yearly, from the first such month."""
        c = Cursor(tokens)
        if not c.take_word("every", "each") or c.take_from(MONTHS) is None:
            raise Unreadable()
        start = resolve(self.point(tokens[1:]), self.context)[0]
        return Reading("recurring", start=start, every="P1Y")

    def recurring_except(self, tokens) -> Reading:
        """'monthly (except August)', 'termly excluding the summer term': the recurrence as read;
        the exception, read to be sure it is a date, stays in the text (not yet applied)."""
        attempts = []
        for i in range(1, len(tokens) - 1):
            for exception in split_prefix(tokens[i:], EXCEPT_WORDS):

                def read(left=tokens[:i], exception=exception) -> Reading:
                    resolve(self.point(exception), self.context)
                    return self.recurring(left)

                attempts.append(read)
        return first_that_reads(*attempts)

    def recurrence_bounds(self, tokens, every: str) -> tuple[dt.date, dt.date | None]:
        """The first occurrence and the last day of a recurrence, from words such as
        'wef Jan 2022' or 'from April until March 2023'. No start written: the context date.
        'during 2022' bounds it; 'annually in March' (a span shorter than the step) says where each
        occurrence falls, so it starts there and runs on."""
        if not tokens:
            return self.context, None
        attempts = []
        for i in range(len(tokens)):
            c = Cursor(tokens[i:])
            if c.take_phrase(UNTIL_WORDS) and not c.done():
                head, tail = tokens[:i], c.rest()

                def bounded(head=head, tail=tail):
                    start = self.start_of(head) if head else self.context
                    end = resolve(self.point(tail), start)[1]
                    if end < start:
                        raise Wrong("it ends before it starts")
                    return start, end

                attempts.append(bounded)

        def within(rest) -> tuple[dt.date, dt.date | None]:
            start, end = resolve(self.point(rest), self.context)
            return (start, None) if _step_after(start, every) > end else (start, end)

        # After the "until" readings: "from April to June" is bounded, not open-ended.
        for rest in split_prefix(tokens, WITHIN_WORDS):
            attempts.append(lambda rest=rest: within(rest))
        attempts.append(lambda: (self.start_of(tokens), None))
        return first_that_reads(*attempts)

    def start_of(self, tokens) -> dt.date:
        """Where 'from X', 'wef X', 'X onwards' starts."""
        rests = []
        for rest in split_prefix(tokens, START_PREFIXES):
            rests += [*split_suffix(rest, START_SUFFIXES), rest]
        rests += split_suffix(tokens, START_SUFFIXES)
        return first_that_reads(*(lambda rest=rest: resolve(self.point(rest), self.context)[0] for rest in rests))

    # -- spans of time

    def later_in(self, tokens) -> Reading:
        c = Cursor(tokens)
        if not c.take_word("later"):
            raise Unreadable()
        c.take_word("in", "during")
        start, end = resolve(self.point(c.rest()), self.context)
        if start <= self.context <= end:
            start = self.context
        return Reading("window", start=start, end=end, tentative=True)

    def span_from_context(self, tokens) -> Reading:
        for direction, prefixes in ((1, SPAN_FORWARD), (-1, SPAN_BACKWARD)):
            for rest in split_prefix(tokens, prefixes):
                c = Cursor(rest)
                count = c.take_count()
                if count is None:
                    # "over the last year" is the past twelve months (bare "next year" is a
                    # calendar year, read elsewhere); "within weeks" says no length at all.
                    said_the = any(t.norm == "the" for t in tokens[: len(tokens) - len(rest)])
                    if not (said_the and c.peek() and c.peek().norm in SINGULAR_UNITS):
                        continue
                    count = 1
                if direction == 1 and c.take_word("working") and c.take_word("day", "days") and c.done():
                    end = WorkingCalendar().add_working_days(self.context, count)
                    return Reading("window", start=self.context, end=end)
                unit = c.take_from(UNITS)
                if unit is None or not c.done():
                    continue
                length = relativedelta(**{unit[0]: count * unit[1]})
                if direction == 1:
                    return Reading("window", start=self.context, end=self.context + length - ONE_DAY)
                return Reading("window", start=self.context - length + ONE_DAY, end=self.context)
        raise Unreadable()

    def duration_within(self, tokens) -> Reading:
        """'One month Jan/Feb 22': an activity of that length somewhere inside the When."""
        c = Cursor(tokens)
        count = c.take_count()
        unit = c.take_from(UNITS) if count else None
        if unit is None or c.done():
            raise Unreadable()
        c.take_phrase(DURATION_LINKS)
        start, end = resolve(self.point(c.rest()), self.context)
        if start + relativedelta(**{unit[0]: count * unit[1]}) - ONE_DAY > end:
            raise Wrong(f"{count} {unit[0]} do not fit between {format_day(start)} and {format_day(end)}")
        return Reading("window", start=start, end=end)

    def dated(self, tokens) -> Reading:
        start, end = resolve(self.point(tokens), self.context)
        return Reading("date" if start == end else "window", start=start, end=end)

    def one_or_other(self, tokens) -> Reading:
        """'late 2024 or early 2025': from the start of the one to the end of the other; tentative,
        since the paper has not chosen."""
        start, end = resolve(self.either(tokens), self.context)
        return Reading("window", start=start, end=end, tentative=True)

    def starting(self, tokens) -> Reading:
        return Reading("ongoing", start=self.start_of(tokens))


def _recurrences(tokens: Sequence[Token]) -> Iterable[tuple[str, Sequence[Token]]]:
    """Each way the phrase begins (or, failing that, ends) with a recurrence."""
    for n in range(len(tokens), 0, -1):
        every = _recurrence_step(tokens[:n])
        if every:
            yield every, tokens[n:]
    for n in range(1, len(tokens)):
        every = _recurrence_step(tokens[n:])
        if every:
            yield every, tokens[:n]


def _recurrence_step(tokens: Sequence[Token]) -> str | None:
    """The ISO 8601 step of words such as 'quarterly', 'every 2 months', '6 times a year'."""
    words = tuple(t.norm for t in tokens)
    if words in RECURRENCES:
        return RECURRENCES[words]
    for rest in split_prefix(tokens, AT_LEAST):  # "at least termly": the step it promises
        return _recurrence_step(rest)
    if len(words) > 3 and words[0] == "on" and words[1] in ("a", "an") and words[-1] == "basis":
        return RECURRENCES.get(words[2:-1])
    c = Cursor(tokens)
    if c.take_word("every"):
        count = 2 if c.take_word("other") else c.take_count()
        unit = c.take_from(UNITS)
        if count and unit and c.done():
            name, size = unit
            return f"P{count * size}{ISO_UNIT_LETTERS[name]}"
        return None
    c = Cursor(tokens)
    count = c.take_from(TIMES_WORDS)
    if count is None:
        count = c.take_count()
        if count is not None and not c.take_word("times"):
            c.take_word("-")
            letter = c.take_from(COUNTED_RECURRENCES)
            return f"P{count}{letter}" if letter and c.done() and count <= 12 else None
    if count is None or not c.take_word("a", "per", "each", "every"):
        return None
    if c.take_word("year", "annum") and c.done():
        if count not in TIMES_A_YEAR:
            raise Wrong(f"{count} times a year is not an even step")
        return TIMES_A_YEAR[count]
    if c.take_word("term") and c.done():
        if count not in TIMES_A_TERM:
            raise Wrong(f"{count} times a term is not an even step")
        return TIMES_A_TERM[count]
    return None


def _step_after(day: dt.date, every: str) -> dt.date:
    """`day` plus one step of a recurrence ('P3M'); a step in another form counts as no shorter
    than a year."""
    if not _STEP.match(every):
        return day + relativedelta(years=1)
    return add_duration(day, every)
