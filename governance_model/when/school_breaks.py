"""School terms, half-term breaks and holidays ('Autumn term 21', 'October 21 half term', 'February
half term 2022', 'the summer holidays', 'the first half of the autumn term', 'after the summer
holidays', 'before the Christmas holidays'), read from the council's term-dates table (which, for
the shipped table, estimates the years it does not hold: see `governance_model.school_terms`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from governance_model.when.failures import Unreadable
from governance_model.when.phrases import AFTER_WORDS, BEFORE_WORDS, HALVES
from governance_model.when.spans import ONE_DAY, DaySpan, Span
from governance_model.when.tokeniser import Cursor, Token
from governance_model.when.vocabulary import HALF_TERMS, HOLIDAY_WORDS, SCHOOL_HOLIDAYS, SCHOOL_TERMS

# (kind, name, academic year starting) → first and last day. NotInYear when the table has no such year.
SchoolDates = Callable[[str, str, int], DaySpan]


@dataclass(frozen=True)
class SchoolBreak:
    """Terms, or half-term breaks: how a phrase names one and where the term table keeps it."""

    names: Mapping[str, str]  # the words for each one → the name the term table knows
    marker: str  # the word that says which of the two is meant
    kind: str  # "term" or "half_term", as the term table's `find` takes it
    # The one that falls in the autumn, in the calendar year its academic year starts; a year
    # written with any of the others is the year after that.
    in_autumn: str


TERM = SchoolBreak(SCHOOL_TERMS, "term", "term", in_autumn="autumn")
HALF_TERM = SchoolBreak(HALF_TERMS, "halfterm", "half_term", in_autumn="october")
# The half term inside each term.
_HALF_TERM_OF = {"autumn": "october", "spring": "february", "summer": "may"}


def read_school_break(tokens: Sequence[Token], which: SchoolBreak, dates: SchoolDates) -> Span:
    """'Autumn term 2021', 'Spring term', 'October half term', 'October 21 half term',
    'February half term 2022'. A year written is the calendar year the term or break starts in
    (February 2022 is in academic year 2021/22). `dates` is asked only when a year is tried, so the
    shipped table is loaded only if a phrase needs it."""
    name, year = _named(tokens, which)

    def days(y: int) -> DaySpan:
        return dates(which.kind, name, _academic_year(name, y, which))

    return Span(days, year=year, grain="term")


def read_half_of_term(tokens: Sequence[Token], dates: SchoolDates) -> Span:
    """'the first half of the autumn term' (from its first day to the day before its half term),
    'the second half of the summer term 2022' (from the day after its half term to its last day);
    the halves begin and end on weekdays (the first ends on the Friday before the break)."""
    c = Cursor(tokens)
    which = c.take_phrase(HALVES)
    if which is None:
        raise Unreadable()
    c.take_word("the")
    name, year = _named(c.rest(), TERM)
    second = HALVES[which] == 1

    def days(y: int) -> DaySpan:
        starting = _academic_year(name, y, TERM)
        term_start, term_end = dates("term", name, starting)
        break_start, break_end = dates("half_term", _HALF_TERM_OF[name], starting)
        return (_school_day_after(break_end), term_end) if second else (term_start, _school_day_before(break_start))

    return Span(days, year=year, grain="days")


def read_school_holiday(tokens: Sequence[Token], dates: SchoolDates) -> Span:
    """'the summer holidays' (the day after the summer term to the day before the autumn term),
    'the Christmas break', 'Easter holidays 2024'; 'after the summer holidays' (the half term that
    follows: the autumn term up to its half term) and 'before the summer holidays' (the half term
    before: from the May half term to the end of the summer term). A year written is the calendar
    year the holiday starts in."""
    c = Cursor(tokens)
    side = "after" if c.take_phrase(AFTER_WORDS) else "before" if c.take_phrase(BEFORE_WORDS) else None
    c.take_word("the")
    holiday = c.take_from({name: name for name in SCHOOL_HOLIDAYS})
    if holiday is None:
        raise Unreadable()
    year = c.take_year(short=False)
    if not c.take_word(*HOLIDAY_WORDS):
        raise Unreadable()
    if year is None:
        year = c.take_year(short=False)
    c.finish()
    before, after = SCHOOL_HOLIDAYS[holiday]

    def days(y: int) -> DaySpan:
        # The academic year of the term before the holiday: the summer and Easter holidays fall in
        # the calendar year after it starts, the Christmas holidays in the year it starts.
        first_year = y if before == "autumn" else y - 1
        second_year = first_year + 1 if after == "autumn" else first_year
        if side == "after":
            term_start = dates("term", after, second_year)[0]
            return term_start, _school_day_before(dates("half_term", _HALF_TERM_OF[after], second_year)[0])
        if side == "before":
            term_end = dates("term", before, first_year)[1]
            return _school_day_after(dates("half_term", _HALF_TERM_OF[before], first_year)[1]), term_end
        return dates("term", before, first_year)[1] + ONE_DAY, dates("term", after, second_year)[0] - ONE_DAY

    return Span(days, year=year, grain="days")


def _named(tokens: Sequence[Token], which: SchoolBreak) -> tuple[str, int | None]:
    c = Cursor(tokens)
    name = c.take_from(which.names)
    if name is None:
        raise Unreadable()
    year = c.take_year()
    if not c.take_word(which.marker):
        raise Unreadable()
    if year is None:
        year = c.take_year()
    c.finish()
    return name, year


def _school_day_before(day):
    """The last weekday before `day` (the Friday before a half term that starts on a Monday)."""
    day -= ONE_DAY
    while day.weekday() >= 5:
        day -= ONE_DAY
    return day


def _school_day_after(day):
    day += ONE_DAY
    while day.weekday() >= 5:
        day += ONE_DAY
    return day


def _academic_year(name: str, year: int, which: SchoolBreak) -> int:
    return year if name == which.in_autumn else year - 1
