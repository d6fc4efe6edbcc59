"""School term and half-term dates: shipped as YAML data that a council can replace with its own
(`SchoolTerms.from_yaml`, or `SchoolTerms.from_published` for the terms a council publishes, which
`governance_model.importing.term_dates` reads from .ics, CSV and YAML files), and a rule that
estimates the years no table holds.

The rule for English schools (`estimated_academic_year`), for an academic year starting in year Y:

- autumn term: from the third weekday of September (the first two are usually training days; when
  the third is a Friday, the second, so that a term never starts on a Friday) to 20 December, or the
  last Tuesday-to-Friday before it when 20 December falls on a Saturday, Sunday or Monday;
- October half term: Monday to Friday of the week of the fourth Monday of October (22–28 October);
- spring term: from the first weekday on or after 4 January (the Monday after, if that is a
  Friday) to the last school day before the Easter holidays, which are two weeks: with Easter Sunday
  (`dateutil.easter`) on or before 4 April, Good Friday and the two weeks after Easter Monday (the
  term ends on the Thursday before Good Friday); on 5–18 April, the week before and the week after
  Easter (it ends on the Friday a week before Good Friday); on 19 April or later, the two weeks
  before, up to Easter Monday (it ends on the Friday two weeks before Good Friday);
- February half term: Monday to Friday of the week whose Monday is the first on or after 12 February;
- summer term: from the first school day after the Easter holidays (the Monday after them, or the
  Tuesday after Easter Monday when they end on it) to the weekday nearest 22 July;
- May half term: Monday to Friday of the week of the late-May bank holiday (the last Monday in May).

Tolerance, measured: against the nine shipped years (2019/20 to 2027/28) every term and half term
is within one day of the table, except February half term 2021/22, a week later in the table. Against
the dates councils published (research/term_dates.md), starts and ends are within two days, except:
the Easter holidays, which councils place a week apart in years of late Easter (Solihull and Bromley
in 2025, Essex in 2022: the rule is a week off for one of each pair); Bromley's autumn term, which
starts on 27 August 2024 (the rule: 4 September); and Bromley's two-week October half term 2024 (the
rule has the second week). An estimate is therefore good to a day or two for a term, and to a week
around Easter and for a council that keeps a longer break: what it says is `estimated`, and a council
that loads its own dates replaces it.

The rule estimates academic years 1990/91 to 2049/50 only: a year outside is more likely a typing
mistake than a plan, and is an error. Only the shipped table estimates the years it does not hold
(`estimates_other_years`); a council's own table is its word, and a year it does not cover is an
error unless it asks for estimates too, or is backed by another table (`backed_by`): then that
year comes from the other table and is marked estimated, since it is not the council's word. A
council's loaded dates are read that way (`terms_for_reading`), backed by the shipped table.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable, Iterable, Mapping

import yaml
from dateutil.easter import easter

from governance_model.errors import Error, LoadError

Span = tuple[dt.date, dt.date]

TERMS = ("autumn", "spring", "summer")
HALF_TERMS = ("october", "february", "may")

# Councils name the same break several ways; each name maps to the break it means.
TERM_ALIASES = {"autumn": "autumn", "spring": "spring", "summer": "summer"}
HALF_TERM_ALIASES = {
    "october": "october",
    "autumn": "october",
    "february": "february",
    "feb": "february",
    "spring": "february",
    "may": "may",
    "whitsun": "may",
    "whit": "may",
    "summer": "may",
}

# The fields of one academic year in the YAML file, in the order they fall in the year.
_FIELDS = (
    ("autumn_term", "term", "autumn"),
    ("october_half_term", "half_term", "october"),
    ("spring_term", "term", "spring"),
    ("february_half_term", "half_term", "february"),
    ("summer_term", "term", "summer"),
    ("may_half_term", "half_term", "may"),
)
_HALF_TERM_INSIDE = {"october": "autumn", "february": "spring", "may": "summer"}

# The academic years (by the calendar year they start) that the rule estimates.
ESTIMATED_YEARS = range(1990, 2050)
_ONE_DAY = dt.timedelta(days=1)


class TermNotFound(Error, KeyError):
    """The term table has no such term, or does not reach that academic year."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class AcademicYear:
    """One academic year's terms and half-term breaks (inclusive dates)."""

    starting: int
    terms: Mapping[str, Span]
    half_terms: Mapping[str, Span]

    @property
    def label(self) -> str:
        return _label(self.starting)


@dataclass(frozen=True)
class PublishedTerm:
    """One line of a council's published term dates, as its file gives it: a name such as "Autumn
    term", "October half term", "Spring term 2025", "Autumn, term 1" or "Christmas holiday", and the
    first and last day (inclusive). `row` and `columns` say where the file has it, for errors."""

    name: str
    start: dt.date
    end: dt.date
    row: int | None = None
    columns: tuple[str, str, str] = ("name", "start", "end")


class SchoolTerms:
    """Term dates by academic year; `starting` is the calendar year the year begins (2021 → 2021/22).
    With `estimates_other_years`, `find` fills a year the table does not hold by the rule above."""

    def __init__(
        self,
        years: Mapping[int, AcademicYear],
        source: str = "term dates",
        *,
        estimates_other_years: bool = False,
        backing: "SchoolTerms | None" = None,
    ):
        self._years = dict(sorted(years.items()))
        self.source = source
        self.estimates_other_years = estimates_other_years
        self.backing = backing  # where the years this table lacks come from, marked estimated

    @classmethod
    def default(cls) -> "SchoolTerms":
        """The term dates shipped with govflow (a typical English council), estimating other years."""
        return _shipped_terms()

    @classmethod
    def from_yaml(cls, text: str, source: str = "term dates", *, estimates_other_years: bool = False) -> "SchoolTerms":
        """Read a council's term-dates file; errors name the field that is wrong."""
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise LoadError(
                f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
                file=source,
                row=mark.line + 1 if mark else None,
            ) from exc
        if not isinstance(data, dict) or not isinstance(data.get("academic_years"), list):
            raise LoadError("expected a mapping with an 'academic_years' list", file=source, column="academic_years")
        years: dict[int, AcademicYear] = {}
        for index, entry in enumerate(data["academic_years"]):
            year = _read_academic_year(entry, f"academic_years[{index}]", source)
            if year.starting in years:
                raise LoadError(
                    f"academic year {year.label} is listed twice",
                    file=source,
                    column=f"academic_years[{index}].starting",
                    text=str(year.starting),
                )
            years[year.starting] = year
        if not years:
            raise LoadError("no academic years listed", file=source, column="academic_years")
        return cls(years, source, estimates_other_years=estimates_other_years)

    @classmethod
    def from_published(
        cls, published: Iterable[PublishedTerm], source: str = "term dates", *, estimates_other_years: bool = False
    ) -> "SchoolTerms":
        """Build the table from the terms and half terms a council publishes, one `PublishedTerm` each.

        A name says which term or half term it is ("Autumn term", "Spring 2025", "Summer, term 5",
        "Autumn half term", "October half-term"); where it names no season ("Half term", "Term 4"),
        the dates say which. A term published in parts ("Autumn, term 1" and "Autumn, term 2") runs
        from the first day of its first part to the last of its last. Holidays and other closures
        ("Christmas holiday", "May Day Bank Holiday", "INSET day") are not terms and are passed
        over; any other name is an error. Every academic year listed must be complete: its three
        terms and three half terms, in order, each half term inside its term."""
        parts: dict[int, dict[str, list[PublishedTerm]]] = {}
        for entry in published:
            where = _published_place(entry, source)
            if entry.end < entry.start:
                where(f"ends ({entry.end}) before it starts ({entry.start})", 2, f"{entry.start} to {entry.end}")
            meaning = published_meaning(entry.name, entry.start)
            if isinstance(meaning, str):
                where(meaning, 0, entry.name)
            if meaning is None:
                continue
            kind, key = meaning
            field = f"{key}_term" if kind == "term" else f"{key}_half_term"
            in_autumn = key in ("autumn", "october")
            starting = entry.start.year if in_autumn else entry.start.year - 1
            parts.setdefault(starting, {}).setdefault(field, []).append(entry)
        if not parts:
            raise LoadError("no terms or half terms listed", file=source)
        years: dict[int, AcademicYear] = {}
        for starting, fields in sorted(parts.items()):
            spans: dict[str, Span] = {}
            places: dict[str, PublishedTerm] = {}
            for field, entries in fields.items():
                entries.sort(key=lambda e: e.start)
                for before, after in zip(entries, entries[1:]):
                    if field.endswith("_half_term") or after.start <= before.end:
                        _published_place(after, source)(
                            f"{field.replace('_', ' ')} {_label(starting)} is listed twice"
                            + (f" (also on row {before.row})" if before.row is not None else ""),
                            0,
                            after.name,
                        )
                spans[field] = (entries[0].start, entries[-1].end)
                places[field] = entries[0]
            missing = [name.replace("_", " ") for name, _, _ in _FIELDS if name not in spans]
            if missing:
                first = min(places.values(), key=lambda e: e.start)
                _published_place(first, source)(
                    f"academic year {_label(starting)} has no {', '.join(missing)}: list every term and half term of a year",
                    0,
                    first.name,
                )

            def fail(message: str, field: str, text: str, places=places) -> None:
                _published_place(places[field.split(".")[0]], source)(message, 1, text)

            years[starting] = _academic_year(starting, spans, fail)
        return cls(years, source, estimates_other_years=estimates_other_years)

    def academic_years(self) -> list[int]:
        """The starting years the table covers, in order."""
        return list(self._years)

    def holds(self, academic_year_starting: int) -> bool:
        """Whether the table has its own dates for that academic year."""
        return academic_year_starting in self._years

    def years(self) -> list[AcademicYear]:
        """The academic years the table holds, in order (not those it estimates or borrows)."""
        return list(self._years.values())

    def published_only(self) -> "SchoolTerms":
        """The same dates, without estimates (or a backing table) for the years the table does not hold."""
        if not self.estimates_other_years and self.backing is None:
            return self
        return SchoolTerms(self._years, self.source)

    def backed_by(self, other: "SchoolTerms") -> "SchoolTerms":
        """This table, taking the years it does not hold from `other` (its own dates or its
        estimates), always marked estimated: they are not this table's word."""
        return SchoolTerms(self._years, self.source, backing=other)

    @classmethod
    def joined(cls, tables: "Iterable[SchoolTerms]", source: str | None = None) -> "SchoolTerms":
        """One table holding the years of several (a council's files, one per year, say); an
        academic year given by two of them is an error naming both."""
        tables = list(tables)
        years: dict[int, AcademicYear] = {}
        sources: dict[int, str] = {}
        for table in tables:
            for year in table.years():
                if year.starting in years:
                    raise LoadError(
                        f"academic year {year.label} is given twice: also by {sources[year.starting]}",
                        file=table.source,
                        text=year.label,
                    )
                years[year.starting], sources[year.starting] = year, table.source
        if not years:
            raise LoadError("no academic years to join", file=source)
        return cls(years, source or ", ".join(dict.fromkeys(t.source for t in tables)))

    def term(self, name: str, academic_year_starting: int) -> Span:
        """First and last day of the autumn, spring or summer term, as the table has it."""
        return self._year(academic_year_starting).terms[_term_key(name)]

    def half_term(self, name: str, academic_year_starting: int) -> Span:
        """First and last day of the October, February or May half-term break, as the table has it."""
        return self._year(academic_year_starting).half_terms[_half_term_key(name)]

    def find(self, kind: str, name: str, academic_year_starting: int) -> tuple[Span, bool]:
        """A term (`kind` "term") or half term ("half_term") and whether it is estimated: the
        table's own dates if it holds the year, else its backing table's (always estimated), else
        (when this table estimates) the rule's."""
        key = _term_key(name) if kind == "term" else _half_term_key(name)
        if academic_year_starting not in self._years and self.backing is not None:
            span, _ = self.backing.find(kind, name, academic_year_starting)
            return span, True
        if academic_year_starting in self._years or not self.estimates_other_years:
            year, estimated = self._year(academic_year_starting), False
        else:
            year, estimated = estimated_academic_year(academic_year_starting), True
        return (year.terms if kind == "term" else year.half_terms)[key], estimated

    def _year(self, starting: int) -> AcademicYear:
        try:
            return self._years[starting]
        except KeyError:
            first, last = min(self._years), max(self._years)
            raise TermNotFound(
                f"{self.source} has no academic year {_label(starting)}"
                f" (it covers {_label(first)} to {_label(last)})"
            ) from None


def terms_for_reading(council: SchoolTerms | None) -> SchoolTerms:
    """The table Whens are read against: a council's loaded term dates, backed by the shipped
    table for the years they do not cover (marked estimated); the shipped table when none are loaded."""
    shipped = SchoolTerms.default()
    return shipped if council is None else council.backed_by(shipped)


def estimated_academic_year(starting: int) -> AcademicYear:
    """The terms and half terms of an academic year by the rule in the module docstring."""
    if starting not in ESTIMATED_YEARS:
        first, last = ESTIMATED_YEARS[0], ESTIMATED_YEARS[-1]
        raise TermNotFound(
            f"no term dates for {_label(starting)}: govflow estimates term dates only for"
            f" {_label(first)} to {_label(last)}; load the council's own"
        )
    return _estimate(starting)


@functools.lru_cache(maxsize=128)
def _estimate(y: int) -> AcademicYear:
    autumn_start = _nth_weekday(dt.date(y, 9, 1), 3)
    if autumn_start.weekday() == 4:
        autumn_start -= _ONE_DAY
    autumn_end = dt.date(y, 12, 20)
    while autumn_end.weekday() in (0, 5, 6):
        autumn_end -= _ONE_DAY
    spring_start = _nth_weekday(dt.date(y + 1, 1, 4), 1)
    if spring_start.weekday() == 4:
        spring_start += dt.timedelta(days=3)
    sunday = easter(y + 1)
    good_friday, easter_monday = sunday - dt.timedelta(days=2), sunday + _ONE_DAY
    if sunday <= dt.date(y + 1, 4, 4):
        spring_end, summer_start = good_friday - _ONE_DAY, easter_monday + dt.timedelta(days=14)
    elif sunday <= dt.date(y + 1, 4, 18):
        spring_end, summer_start = good_friday - dt.timedelta(days=7), easter_monday + dt.timedelta(days=7)
    else:
        spring_end, summer_start = good_friday - dt.timedelta(days=14), easter_monday + _ONE_DAY
    summer_end = dt.date(y + 1, 7, 22)
    summer_end += {5: -_ONE_DAY, 6: _ONE_DAY}.get(summer_end.weekday(), dt.timedelta(0))
    return AcademicYear(
        starting=y,
        terms={"autumn": (autumn_start, autumn_end), "spring": (spring_start, spring_end), "summer": (summer_start, summer_end)},
        half_terms={
            "october": _school_week(_monday_on_or_after(dt.date(y, 10, 22))),
            "february": _school_week(_monday_on_or_after(dt.date(y + 1, 2, 12))),
            "may": _school_week(_monday_on_or_after(dt.date(y + 1, 5, 25))),
        },
    )


def _nth_weekday(day: dt.date, n: int) -> dt.date:
    """The n-th Monday-to-Friday on or after `day`."""
    while True:
        if day.weekday() < 5:
            n -= 1
            if n == 0:
                return day
        day += _ONE_DAY


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _school_week(monday: dt.date) -> Span:
    return monday, monday + dt.timedelta(days=4)


# --- names councils publish their terms under

_HOLIDAY_WORDS = frozenset({
    "holiday", "holidays", "hols", "break", "bank", "christmas", "easter", "winter", "inset", "training",
    "closure", "closed", "occasional", "staff", "development",
})  # fmt: skip
_SEASON_OF_TERM_NUMBER = {1: "autumn", 2: "autumn", 3: "spring", 4: "spring", 5: "summer", 6: "summer"}
_HALF_TERM_BY_MONTH = {10: "october", 11: "october", 2: "february", 5: "may", 6: "may"}
_TERM_BY_MONTH = {8: "autumn", 9: "autumn", 10: "autumn", 11: "autumn", 1: "spring", 2: "spring", 3: "spring", 4: "summer", 5: "summer", 6: "summer"}
_NAME_WORD = re.compile(r"[a-z]+|\d+")
_YEARS = re.compile(r"\b\d{4}(?:\s*[/-]\s*\d{2}(?:\d{2})?)?\b")
_TERM_NAME_WORDS = frozenset({"term", "the", "of", "part", "first", "second", "1st", "2nd", "st", "nd", "rd", "th", "school", "dates"})


def published_meaning(name: str, start: dt.date) -> tuple[str, str] | str | None:
    """What a published name means: ("term", "autumn"), ("half_term", "october"); None for a holiday
    or closure, which is not a term; a message (str) when the name says neither. A name with no
    season ("Half term", "Term 4") takes it from the number or the month it starts in; a season
    that contradicts the number or the dates is a message, never a guess."""
    # "Spring term 2025", "Autumn term 2024/25": the dates say the year.
    plain = _YEARS.sub(" ", name.lower().replace("half-term", "half term").replace("halfterm", "half term"))
    words = _NAME_WORD.findall(plain)
    half = "half" in words and "term" in words
    if not half and _HOLIDAY_WORDS & set(words):
        return None
    seasons = [w for w in words if w in HALF_TERM_ALIASES or w in TERM_ALIASES]
    known = _TERM_NAME_WORDS | set(HALF_TERM_ALIASES) | set(TERM_ALIASES) | ({"half"} | _HOLIDAY_WORDS if half else set())
    if any(not w.isdigit() and w not in known for w in words):
        return "not a term, a half term or a holiday: name it like 'Autumn term', 'October half term' or 'Christmas holiday'"
    if half:
        named = {HALF_TERM_ALIASES[w] for w in seasons if w in HALF_TERM_ALIASES}
        by_month = _HALF_TERM_BY_MONTH.get(start.month)
        if len(named) > 1:
            return f"names two half terms ({', '.join(sorted(named))})"
        key = named.pop() if named else by_month
        if key is None:
            return f"a half term starting in {start:%B} is not one govflow knows (October, February or May)"
        if by_month != key:
            return f"the {key} half term cannot start on {start.isoformat()}"
        return "half_term", key
    numbers = [int(w) for w in words if w.isdigit()]
    named = {TERM_ALIASES[w] for w in seasons if w in TERM_ALIASES}
    if not named and not numbers and "term" not in words:
        return "not a term, a half term or a holiday: name it like 'Autumn term', 'October half term' or 'Christmas holiday'"
    if len(named) > 1:
        return f"names two terms ({', '.join(sorted(named))})"
    if numbers:
        if len(numbers) > 1 or numbers[0] not in _SEASON_OF_TERM_NUMBER:
            return "a term number must be 1 to 6 (terms 1 and 2 are autumn, 3 and 4 spring, 5 and 6 summer)"
        by_number = _SEASON_OF_TERM_NUMBER[numbers[0]]
        if named and named != {by_number}:
            return f"term {numbers[0]} is a {by_number} term, not {named.pop()}"
        named = {by_number}
    key = named.pop() if named else _TERM_BY_MONTH.get(start.month)
    if key is None or _TERM_BY_MONTH.get(start.month) != key:
        return f"the {key or 'term'} term cannot start on {start.isoformat()}"
    return "term", key


def _published_place(entry: PublishedTerm, source: str) -> Callable[[str, int, str], None]:
    def fail(message: str, column: int, text: str) -> None:
        raise LoadError(message, file=source, row=entry.row, column=entry.columns[column], text=text)

    return fail


# --- reading the YAML table


def _label(starting: int) -> str:
    return f"{starting}/{(starting + 1) % 100:02d}"


def _term_key(name: str) -> str:
    key = TERM_ALIASES.get(name.lower())
    if key is None:
        raise TermNotFound(f"no term called {name!r} (terms: {', '.join(TERMS)})")
    return key


def _half_term_key(name: str) -> str:
    key = HALF_TERM_ALIASES.get(name.lower())
    if key is None:
        raise TermNotFound(f"no half term called {name!r} (half terms: {', '.join(HALF_TERMS)})")
    return key


@functools.lru_cache(maxsize=1)
def _shipped_terms() -> SchoolTerms:
    text = resources.files("governance_model").joinpath("data/term_dates.yaml").read_text(encoding="utf-8")
    return SchoolTerms.from_yaml(text, source="governance_model/data/term_dates.yaml", estimates_other_years=True)


def _read_academic_year(entry: Any, path: str, source: str) -> AcademicYear:
    if not isinstance(entry, dict):
        raise LoadError("each academic year must be a mapping of fields", file=source, column=path, text=str(entry))
    allowed = {"starting"} | {name for name, _, _ in _FIELDS}
    unknown = sorted(str(key) for key in set(entry) - allowed)
    if unknown:
        raise LoadError(
            f"unknown field {unknown[0]!r} (fields: starting, {', '.join(n for n, _, _ in _FIELDS)})",
            file=source,
            column=f"{path}.{unknown[0]}",
            text=unknown[0],
        )
    starting = entry.get("starting")
    if not isinstance(starting, int) or isinstance(starting, bool) or not 1900 <= starting <= 2200:
        raise LoadError("'starting' must be a year such as 2021", file=source, column=f"{path}.starting", text=str(starting))
    spans: dict[str, Span] = {}
    for name, _, _ in _FIELDS:
        spans[name] = _read_span(entry.get(name), f"{path}.{name}", source)

    def fail(message: str, field: str, text: str) -> None:
        raise LoadError(message, file=source, column=f"{path}.{field}", text=text)

    return _academic_year(starting, spans, fail)


def _academic_year(starting: int, spans: Mapping[str, Span], fail: Callable[[str, str, str], None]) -> AcademicYear:
    """Check one year's six spans (keyed by the YAML field names) and build it; `fail(message,
    field, text)` raises the error, pointing at the field (YAML) or the row (a published list)."""
    autumn_start = spans["autumn_term"][0]
    if autumn_start.year != starting:
        fail(
            f"autumn term starts in {autumn_start.year}, but the academic year is {_label(starting)}",
            "autumn_term.start",
            autumn_start.isoformat(),
        )
    # Terms follow one another, and each half term sits inside its own term.
    ordered = [name for name, kind, _ in _FIELDS if kind == "term"]
    for before, after in zip(ordered, ordered[1:]):
        if spans[before][1] >= spans[after][0]:
            fail(
                f"{after.replace('_', ' ')} starts before the {before.replace('_', ' ')} ends",
                f"{after}.start",
                spans[after][0].isoformat(),
            )
    for half, term in _HALF_TERM_INSIDE.items():
        (h_start, h_end), (t_start, t_end) = spans[f"{half}_half_term"], spans[f"{term}_term"]
        if not (t_start <= h_start and h_end <= t_end):
            fail(
                f"{half} half term is not inside the {term} term ({t_start} to {t_end})",
                f"{half}_half_term",
                f"{h_start} to {h_end}",
            )
    return AcademicYear(
        starting=starting,
        terms={key: spans[name] for name, kind, key in _FIELDS if kind == "term"},
        half_terms={key: spans[name] for name, kind, key in _FIELDS if kind == "half_term"},
    )


def _read_span(value: Any, path: str, source: str) -> Span:
    if value is None:
        raise LoadError("missing (give start and end dates)", file=source, column=path)
    if not isinstance(value, dict) or set(value) != {"start", "end"}:
        raise LoadError("must be {start: YYYY-MM-DD, end: YYYY-MM-DD}", file=source, column=path, text=str(value))
    start = _read_date(value["start"], f"{path}.start", source)
    end = _read_date(value["end"], f"{path}.end", source)
    if end < start:
        raise LoadError(f"ends ({end}) before it starts ({start})", file=source, column=path, text=f"{start} to {end}")
    return start, end


def _read_date(value: Any, path: str, source: str) -> dt.date:
    # YAML turns unquoted ISO dates into dates already; quoted ones arrive as text.
    if isinstance(value, dt.datetime):
        raise LoadError("must be a date without a time", file=source, column=path, text=str(value))
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise LoadError("must be a date written YYYY-MM-DD", file=source, column=path, text=str(value))
