"""School term and half-term dates, shipped as YAML data that a council can replace with its own."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any, Mapping

import yaml

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
        return f"{self.starting}/{(self.starting + 1) % 100:02d}"


class SchoolTerms:
    """Term dates by academic year; `starting` is the calendar year the year begins (2021 → 2021/22)."""

    def __init__(self, years: Mapping[int, AcademicYear], source: str = "term dates"):
        self._years = dict(sorted(years.items()))
        self.source = source

    @classmethod
    def default(cls) -> "SchoolTerms":
        """The term dates shipped with govflow (a typical English council)."""
        return _shipped_terms()

    @classmethod
    def from_yaml(cls, text: str, source: str = "term dates") -> "SchoolTerms":
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
        return cls(years, source)

    def academic_years(self) -> list[int]:
        """The starting years the table covers, in order."""
        return list(self._years)

    def term(self, name: str, academic_year_starting: int) -> Span:
        """First and last day of the autumn, spring or summer term."""
        key = TERM_ALIASES.get(name.lower())
        if key is None:
            raise TermNotFound(f"no term called {name!r} (terms: {', '.join(TERMS)})")
        return self._year(academic_year_starting).terms[key]

    def half_term(self, name: str, academic_year_starting: int) -> Span:
        """First and last day of the October, February or May half-term break."""
        key = HALF_TERM_ALIASES.get(name.lower())
        if key is None:
            raise TermNotFound(f"no half term called {name!r} (half terms: {', '.join(HALF_TERMS)})")
        return self._year(academic_year_starting).half_terms[key]

    def _year(self, starting: int) -> AcademicYear:
        try:
            return self._years[starting]
        except KeyError:
            first, last = min(self._years), max(self._years)
            raise TermNotFound(
                f"{self.source} has no academic year {starting}/{(starting + 1) % 100:02d}"
                f" (it covers {first}/{(first + 1) % 100:02d} to {last}/{(last + 1) % 100:02d})"
            ) from None


@functools.lru_cache(maxsize=1)
def _shipped_terms() -> SchoolTerms:
    text = resources.files("governance_model").joinpath("data/term_dates.yaml").read_text(encoding="utf-8")
    return SchoolTerms.from_yaml(text, source="governance_model/data/term_dates.yaml")


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

    autumn_start = spans["autumn_term"][0]
    if autumn_start.year != starting:
        raise LoadError(
            f"autumn term starts in {autumn_start.year}, but the academic year is {starting}/{(starting + 1) % 100:02d}",
            file=source,
            column=f"{path}.autumn_term.start",
            text=autumn_start.isoformat(),
        )
    # Terms follow one another, and each half term sits inside its own term.
    ordered = [name for name, kind, _ in _FIELDS if kind == "term"]
    for before, after in zip(ordered, ordered[1:]):
        if spans[before][1] >= spans[after][0]:
            raise LoadError(
                f"{after} starts before {before} ends",
                file=source,
                column=f"{path}.{after}.start",
                text=spans[after][0].isoformat(),
            )
    for half, term in _HALF_TERM_INSIDE.items():
        (h_start, h_end), (t_start, t_end) = spans[f"{half}_half_term"], spans[f"{term}_term"]
        if not (t_start <= h_start and h_end <= t_end):
            raise LoadError(
                f"{half} half term is not inside the {term} term ({t_start} to {t_end})",
                file=source,
                column=f"{path}.{half}_half_term",
                text=f"{h_start} to {h_end}",
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
