"""The grammar of whole date phrases ('TBC March 22', 'Quarterly wef Jan 2022', 'DfE contingent',
'One month Jan/Feb 22', 'the next 10 working days') and `read_when`, which reads one phrase."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Sequence

from dateutil.relativedelta import relativedelta

from governance_model.errors import WhenError
from governance_model.school_terms import SchoolTerms
from governance_model.when.failures import Unreadable, Wrong, first_that_reads
from governance_model.when.phrases import (
    CONTINGENT_PREFIXES,
    CONTINGENT_SUFFIXES,
    DATE_WORDS,
    DURATION_LINKS,
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
from governance_model.when.points import PointReader
from governance_model.when.spans import ONE_DAY, format_day, resolve
from governance_model.when.tokeniser import Cursor, Token, is_exactly, split_prefix, split_suffix, tokenize
from governance_model.when.value import When, WhenKind
from governance_model.when.vocabulary import (
    COUNTED_RECURRENCES,
    ISO_UNIT_LETTERS,
    SINGULAR_UNITS,
    TIMES_A_YEAR,
    TIMES_WORDS,
    UNITS,
)
from governance_model.working_days import WorkingCalendar


def read_when(text: str, context: dt.date, terms: SchoolTerms | None = None) -> When:
    """Read one date phrase. `context` supplies the year when the phrase has none (the paper's date,
    or the year a table is headed with); `terms` the school terms (the shipped table if None)."""
    if isinstance(context, dt.datetime):
        context = context.date()
    return _PhraseReader(text, context, terms).read()


@dataclass
class _Reading:
    kind: WhenKind
    start: dt.date | None = None
    end: dt.date | None = None
    every: str | None = None
    depends_on: str | None = None
    tentative: bool = False


class _PhraseReader(PointReader):
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
        try:
            tokens = tokenize(self.text)
            if not tokens:
                raise WhenError(self.text, "there are no words to read")
            reading = self.phrase(tokens)
        except (Wrong, Unreadable) as exc:
            raise WhenError(self.text, exc.reason) from None
        return When(
            kind=reading.kind,
            start=reading.start,
            end=reading.end,
            every=reading.every,
            depends_on=reading.depends_on,
            tentative=reading.tentative,
            text=self.text,
        )

    def phrase(self, tokens: Sequence[Token]) -> _Reading:
        return first_that_reads(
            lambda: self.tbc(tokens),
            lambda: self.ongoing(tokens),
            lambda: self.tentative(tokens),
            lambda: self.contingent(tokens),
            lambda: self.recurring(tokens),
            lambda: self.later_in(tokens),
            lambda: self.span_from_context(tokens),
            lambda: self.duration_within(tokens),
            lambda: self.dated(tokens),
            lambda: self.starting(tokens),
        )

    def tbc(self, tokens) -> _Reading:
        if not is_exactly(tokens, TBC_PHRASES):
            raise Unreadable()
        return _Reading("tbc", tentative=True)

    def ongoing(self, tokens) -> _Reading:
        if not is_exactly(tokens, ONGOING_PHRASES):
            raise Unreadable()
        return _Reading("ongoing")

    def tentative(self, tokens) -> _Reading:
        rests = [*split_prefix(tokens, TENTATIVE_PREFIXES), *split_suffix(tokens, TENTATIVE_SUFFIXES)]
        reading = first_that_reads(*(lambda rest=rest: self.phrase(rest) for rest in rests))
        reading.tentative = True
        return reading

    def contingent(self, tokens) -> _Reading:
        rests = [*split_prefix(tokens, CONTINGENT_PREFIXES), *split_suffix(tokens, CONTINGENT_SUFFIXES)]
        for rest in rests:
            ends = {rest[0].norm, rest[-1].norm} - {"the"} if len(rest) > 1 else {rest[0].norm}
            if (
                rest[0].kind == rest[-1].kind == "word"
                and not ends & GRAMMAR_WORDS
                and all((t.kind == "word" and t.norm not in DATE_WORDS) or t.norm in "&/-" for t in rest)
            ):
                # Quote what it waits for exactly as written ("DfE", not "dfe").
                return _Reading("contingent", depends_on=self.text[rest[0].start : rest[-1].end])
        raise Unreadable()

    # -- recurrences

    def recurring(self, tokens) -> _Reading:
        def read(every: str, rest: Sequence[Token]) -> _Reading:
            start, end = self.recurrence_bounds(rest)
            return _Reading("recurring", start=start, end=end, every=every)

        return first_that_reads(*(lambda e=every, r=rest: read(e, r) for every, rest in _recurrences(tokens)))

    def recurrence_bounds(self, tokens) -> tuple[dt.date, dt.date | None]:
        """The first occurrence and the last day of a recurrence, from words such as
        'wef Jan 2022' or 'from April until March 2023'. No start written: the context date."""
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
        # After the "until" readings: "from April to June" is bounded, not open-ended.
        for rest in split_prefix(tokens, WITHIN_WORDS):
            attempts.append(lambda rest=rest: resolve(self.point(rest), self.context))
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

    def later_in(self, tokens) -> _Reading:
        c = Cursor(tokens)
        if not c.take_word("later"):
            raise Unreadable()
        c.take_word("in", "during")
        start, end = resolve(self.point(c.rest()), self.context)
        if start <= self.context <= end:
            start = self.context
        return _Reading("window", start=start, end=end, tentative=True)

    def span_from_context(self, tokens) -> _Reading:
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
                    return _Reading("window", start=self.context, end=end)
                unit = c.take_from(UNITS)
                if unit is None or not c.done():
                    continue
                length = relativedelta(**{unit[0]: count * unit[1]})
                if direction == 1:
                    return _Reading("window", start=self.context, end=self.context + length - ONE_DAY)
                return _Reading("window", start=self.context - length + ONE_DAY, end=self.context)
        raise Unreadable()

    def duration_within(self, tokens) -> _Reading:
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
        return _Reading("window", start=start, end=end)

    def dated(self, tokens) -> _Reading:
        start, end = resolve(self.point(tokens), self.context)
        return _Reading("date" if start == end else "window", start=start, end=end)

    def starting(self, tokens) -> _Reading:
        return _Reading("ongoing", start=self.start_of(tokens))


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
    if count is not None and c.take_word("a", "per", "each", "every") and c.take_word("year", "annum") and c.done():
        if count not in TIMES_A_YEAR:
            raise Wrong(f"{count} times a year is not an even step")
        return TIMES_A_YEAR[count]
    return None
