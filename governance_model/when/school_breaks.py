"""School terms and half-term breaks ('Autumn term 21', 'October 21 half term', 'February half term
2022'), read from the council's term-dates table."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from governance_model.school_terms import SchoolTerms, TermNotFound
from governance_model.when.failures import NotInYear, Unreadable
from governance_model.when.spans import DaySpan, Span
from governance_model.when.tokeniser import Cursor, Token
from governance_model.when.vocabulary import HALF_TERMS, SCHOOL_TERMS


@dataclass(frozen=True)
class SchoolBreak:
    """Terms, or half-term breaks: how a phrase names one and where the term table keeps it."""

    names: Mapping[str, str]  # the words for each one → the name the term table knows
    marker: str  # the word that says which of the two is meant
    lookup: Callable[[SchoolTerms, str, int], DaySpan]  # (table, name, academic year starting)
    # The one that falls in the autumn, in the calendar year its academic year starts; a year
    # written with any of the others is the year after that.
    in_autumn: str


TERM = SchoolBreak(SCHOOL_TERMS, "term", lambda table, name, year: table.term(name, year), in_autumn="autumn")
HALF_TERM = SchoolBreak(
    HALF_TERMS, "halfterm", lambda table, name, year: table.half_term(name, year), in_autumn="october"
)


def read_school_break(tokens: Sequence[Token], which: SchoolBreak, terms: Callable[[], SchoolTerms]) -> Span:
    """'Autumn term 2021', 'Spring term', 'October half term', 'October 21 half term',
    'February half term 2022'. A year written is the calendar year the term or break starts in
    (February 2022 is in academic year 2021/22). `terms` is asked for the table only when a year
    is tried, so the shipped table is loaded only if a phrase needs it."""
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

    def days(y: int) -> DaySpan:
        try:
            return which.lookup(terms(), name, y if name == which.in_autumn else y - 1)
        except TermNotFound as exc:
            raise NotInYear(str(exc)) from None

    return Span(days, year=year, grain="term")
