"""When: a date as people write it in council papers, and the reader that understands it."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Literal, Sequence

from dateutil.relativedelta import relativedelta

from governance_model.errors import WhenError
from governance_model.school_terms import SchoolTerms, TermNotFound
from governance_model.working_days import WorkingCalendar

WhenKind = Literal["date", "window", "recurring", "tbc", "contingent", "ongoing"]


@dataclass(frozen=True)
class When:
    """The reading of one date phrase. `text` is always the original words, unchanged."""

    kind: WhenKind
    start: dt.date | None
    end: dt.date | None
    every: str | None = None  # ISO 8601 duration of a recurring When, e.g. "P3M"
    depends_on: str | None = None  # what a contingent When waits for ("DfE", "cabinet")
    tentative: bool = False
    text: str = ""

    @property
    def deadline(self) -> dt.date | None:
        """The day reminders count to: the last day of the When."""
        return self.end

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "every": self.every,
            "depends_on": self.depends_on,
            "tentative": self.tentative,
            "text": self.text,
        }

    @classmethod
    def from_json(cls, data: dict) -> "When":
        return cls(
            kind=data["kind"],
            start=dt.date.fromisoformat(data["start"]) if data.get("start") else None,
            end=dt.date.fromisoformat(data["end"]) if data.get("end") else None,
            every=data.get("every"),
            depends_on=data.get("depends_on"),
            tentative=bool(data.get("tentative", False)),
            text=data.get("text", ""),
        )


# ---------------------------------------------------------------------------------------------
# Vocabulary. The reader is driven by these tables; adding a word people use is adding a row.

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty": 20,
}  # fmt: skip
TIMES_WORDS = {"once": 1, "twice": 2, "thrice": 3}

# Meteorological seasons: first month and how many months. Winter runs into the next year.
SEASONS = {"spring": (3, 3), "summer": (6, 3), "autumn": (9, 3), "fall": (9, 3), "winter": (12, 3)}
SCHOOL_TERMS = {"autumn": "autumn", "spring": "spring", "summer": "summer"}
# The half-term break each name means; a year written with it is the calendar year of the break.
HALF_TERMS = {
    "october": "october", "oct": "october", "autumn": "october",
    "february": "february", "feb": "february", "spring": "february",
    "may": "may", "whitsun": "may", "whit": "may", "summer": "may",
}  # fmt: skip

# early / mid / late: thirds of a month (days) or of a span of whole months (a year, a season).
PARTS = {
    ("early",): "early", ("beginning", "of"): "early", ("start", "of"): "early",
    ("mid",): "mid", ("middle", "of"): "mid",
    ("late",): "late", ("end", "of"): "late", ("end",): "late",
}  # fmt: skip
PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
PART_INDEX = {"early": 0, "mid": 1, "late": 2}

# Words around a date that leave its reading as it is.
SAME_AS_PREFIXES = {
    ("the",), ("in",), ("on",), ("during",), ("by",), ("due",), ("due", "by"), ("due", "in"),
    ("no", "later", "than"), ("not", "later", "than"), ("deadline",), ("delayed", "to"),
    ("deferred", "to"), ("postponed", "to"), ("moved", "to"), ("rescheduled", "to"),
    ("slipped", "to"), ("now",),
}  # fmt: skip
SAME_AS_SUFFIXES = {("deadline",), ("at", "the", "latest"), ("latest",)}

TENTATIVE_PREFIXES = {
    ("tbc",), ("tba",), ("tbd",), ("provisional",), ("provisionally",), ("tentative",),
    ("tentatively",), ("expected",), ("anticipated",), ("forecast",), ("estimated",),
    ("approx",), ("approximately",), ("around",), ("circa",),
}  # fmt: skip
TENTATIVE_SUFFIXES = {("tbc",), ("tba",), ("tbd",), ("provisional",), ("provisionally",), ("to", "be", "confirmed")}
TBC_PHRASES = {
    ("tbc",), ("tba",), ("tbd",), ("to", "be", "confirmed"), ("to", "be", "agreed"),
    ("to", "be", "arranged"), ("to", "be", "determined"), ("date", "tbc"), ("dates", "tbc"),
    ("date", "to", "be", "confirmed"),
}  # fmt: skip
ONGOING_PHRASES = {("ongoing",), ("continuous",), ("continuing",), ("continual",), ("rolling",), ("in", "progress")}

START_PREFIXES = {
    ("from",), ("wef",), ("with", "effect", "from"), ("starting",), ("starting", "from"),
    ("starting", "in"), ("commencing",), ("beginning",), ("effective",), ("effective", "from"),
    ("as", "of"), ("as", "from"),
}  # fmt: skip
START_SUFFIXES = {("onwards",), ("onward",), ("and", "beyond")}
UNTIL_WORDS = {("until",), ("till",), ("til",), ("to",), ("up", "to"), ("through",), ("ending",), ("ending", "in")}
# A recurrence bounded by a When: "monthly during 2022" runs from its first to its last day.
WITHIN_WORDS = {("in",), ("during",), ("throughout",), ("across",)}
RANGE_SEPARATORS = {"-", "/", "to", "until", "till", "through", "and", "&"}

CONTINGENT_PREFIXES = {
    ("contingent", "upon"), ("contingent", "on"), ("subject", "to"), ("dependent", "on"),
    ("dependent", "upon"), ("dependant", "on"), ("depends", "on"), ("depending", "on"),
    ("pending",), ("awaiting",),
}  # fmt: skip
CONTINGENT_SUFFIXES = {("contingent",), ("dependent",), ("dependant",)}

# Spans counted from the context date.
SPAN_FORWARD = {
    ("next",), ("the", "next"), ("the", "coming"), ("within",), ("within", "the", "next"),
    ("in", "the", "next"), ("in", "the", "coming"), ("over", "the", "next"), ("over", "the", "coming"),
    ("during", "the", "next"), ("for", "the", "next"),
}  # fmt: skip
SPAN_BACKWARD = {
    ("last",), ("past",), ("the", "last"), ("the", "past"), ("in", "the", "last"), ("in", "the", "past"),
    ("over", "the", "last"), ("over", "the", "past"), ("during", "the", "last"), ("within", "the", "last"),
}  # fmt: skip
UNITS = {
    "day": ("days", 1), "days": ("days", 1), "week": ("weeks", 1), "weeks": ("weeks", 1),
    "fortnight": ("weeks", 2), "fortnights": ("weeks", 2), "month": ("months", 1),
    "months": ("months", 1), "quarter": ("months", 3), "quarters": ("months", 3),
    "year": ("years", 1), "years": ("years", 1),
}  # fmt: skip
SINGULAR_UNITS = {"day", "week", "fortnight", "month", "quarter", "year"}
_ISO_UNIT = {"days": "D", "weeks": "W", "months": "M", "years": "Y"}
DURATION_LINKS = {("in",), ("during",), ("over",), ("across",), ("between",), ("within",)}

RECURRENCES = {
    ("weekly",): "P1W", ("every", "week"): "P1W", ("each", "week"): "P1W",
    ("fortnightly",): "P2W", ("every", "fortnight"): "P2W",
    ("monthly",): "P1M", ("every", "month"): "P1M", ("each", "month"): "P1M",
    ("month", "by", "month"): "P1M", ("month", "on", "month"): "P1M",
    ("bimonthly",): "P2M", ("every", "other", "month"): "P2M",
    ("quarterly",): "P3M", ("every", "quarter"): "P3M", ("each", "quarter"): "P3M",
    ("termly",): "P4M", ("every", "term"): "P4M", ("each", "term"): "P4M",
    ("biannually",): "P6M", ("biannual",): "P6M", ("halfyearly",): "P6M",
    ("annually",): "P1Y", ("annual",): "P1Y", ("yearly",): "P1Y", ("every", "year"): "P1Y",
    ("each", "year"): "P1Y",
}  # fmt: skip
# "six-monthly", "2 weekly": a count before one of these.
COUNTED_RECURRENCES = {"weekly": "W", "monthly": "M", "yearly": "Y"}
# "6 times a year": how many months apart, for the counts that divide a year evenly.
TIMES_A_YEAR = {1: "P1Y", 2: "P6M", 3: "P4M", 4: "P3M", 6: "P2M", 12: "P1M", 26: "P2W", 52: "P1W"}

RELATIVE = {
    ("this", "year"): ("year", 0), ("next", "year"): ("year", 1), ("last", "year"): ("year", -1),
    ("this", "month"): ("month", 0), ("next", "month"): ("month", 1), ("last", "month"): ("month", -1),
}  # fmt: skip

# Words written as one in some papers and two in others ("half term", "half-term", "halfterm").
COMPOUNDS = {
    ("half", "term"): "halfterm", ("bi", "monthly"): "bimonthly", ("on", "going"): "ongoing",
    ("half", "yearly"): "halfyearly", ("bi", "annually"): "biannually", ("bi", "annual"): "biannual",
}  # fmt: skip

# Words that belong to dates; what a When depends on ("DfE", "cabinet") must not use them, so that
# "June DfE contingent" reads as two phrases rather than a dependency on "June DfE".
DATE_WORDS = frozenset(
    set(MONTHS) | set(WEEKDAYS) | set(SEASONS) | set(HALF_TERMS) | set(UNITS) | set(TIMES_WORDS)
    | {word for phrase in RECURRENCES for word in phrase if len(phrase) == 1}
    | {word for phrase in TBC_PHRASES | ONGOING_PHRASES for word in phrase if len(phrase) == 1}
    | {"term", "half", "halfterm", "q", "wef", "onwards", "deadline", "weekly", "monthly", "yearly", "times"}
    | {"contingent", "dependent", "dependant", "subject", "upon", "pending", "awaiting", "between"}
)
# Nor may it begin or end with the small words of the grammar ("by contingent" waits for nothing).
GRAMMAR_WORDS = frozenset(
    word
    for table in (
        PARTS, SAME_AS_PREFIXES, SAME_AS_SUFFIXES, TENTATIVE_PREFIXES, START_PREFIXES, UNTIL_WORDS,
        WITHIN_WORDS, CONTINGENT_PREFIXES, SPAN_FORWARD, SPAN_BACKWARD, DURATION_LINKS, RELATIVE,
    )
    for phrase in table
    for word in phrase
) | set(NUMBER_WORDS) | RANGE_SEPARATORS | {"of", "later", "every", "each", "other", "per"}

_ONE_DAY = dt.timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Tokens

_TOKEN = re.compile(
    r"""
      (?P<isodate>\d{4}-\d{2}-\d{2})(?!\d)
    | (?P<numdate>\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2}))(?!\d)
    | (?P<ordinal>\d{1,2})\s?(?:st|nd|rd|th)\b
    | (?P<number>\d+)
    | (?P<dotted>(?:[^\W\d_]\.){2,}(?:[^\W\d_]\b\.?)?)
    | (?P<word>[^\W\d_]+)
    | (?P<dash>[\-\u2010-\u2015\u2212])
    | (?P<mark>[/&])
    | (?P<skip>[\s(),.:;'"\u2018\u2019\u201c\u201d\[\]])
    | (?P<other>.)
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # word, number, ordinal, numdate, isodate, mark
    norm: str  # lower-case word, digits, or "-" for every kind of dash
    start: int  # where it was written, so dependencies can be quoted exactly
    end: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "skip":
            continue
        if kind == "other":
            raise _Unreadable(f"{match.group()!r} is not part of any date")
        raw = match.group(kind)
        if kind == "dotted":
            kind, norm = "word", raw.replace(".", "").lower()
        elif kind == "dash":
            kind, norm = "mark", "-"
        else:
            norm = raw.lower()
        tokens.append(_Token(kind, norm, match.start(), match.end()))
    return _merge_compounds(tokens)


def _merge_compounds(tokens: list[_Token]) -> list[_Token]:
    merged: list[_Token] = []
    i = 0
    while i < len(tokens):
        first = tokens[i]
        for gap in (1, 2):  # "half term" or "half-term"
            if i + gap < len(tokens) and (gap == 1 or tokens[i + 1].norm == "-"):
                second = tokens[i + gap]
                joined = COMPOUNDS.get((first.norm, second.norm))
                if joined:
                    merged.append(_Token("word", joined, first.start, second.end))
                    i += gap + 1
                    break
        else:
            merged.append(first)
            i += 1
    return merged


# ---------------------------------------------------------------------------------------------
# Internal results


class _Unreadable(Exception):
    """These words are not what this rule reads (another rule may read them)."""

    def __init__(self, reason: str = "not a date phrase govflow can read"):
        super().__init__(reason)
        self.reason = reason


class _Wrong(Exception):
    """The words are a date, but an impossible one: reported, never guessed around."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _NotInYear(_Wrong):
    """This year has no such day (29 February, a weekday that does not match, a missing term)."""


@dataclass(frozen=True)
class _Span:
    """The days a phrase covers, perhaps still waiting for the context to choose its year."""

    days: Callable[[int], tuple[dt.date, dt.date]]  # a year → first and last day
    year: int | None = None  # the year the phrase wrote; None when the context chooses
    grain: str = "days"  # "month" and "months" (a year, season, quarter) can be split in thirds
    weekday: int | None = None  # a weekday the phrase named, which also fixes the year

    def checked(self, year: int) -> tuple[dt.date, dt.date]:
        start, end = self.days(year)
        if self.weekday is not None and start.weekday() != self.weekday:
            raise _NotInYear(
                f"{_format_day(start)} is a {calendar.day_name[start.weekday()]},"
                f" not a {calendar.day_name[self.weekday]}"
            )
        return start, end


@dataclass
class _Reading:
    kind: WhenKind
    start: dt.date | None = None
    end: dt.date | None = None
    every: str | None = None
    depends_on: str | None = None
    tentative: bool = False


def _format_day(day: dt.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def _month_days(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _months_days(year: int, first_month: int, count: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, first_month, 1)
    return start, start + relativedelta(months=count) - _ONE_DAY


def _fixed(start: dt.date, end: dt.date, grain: str = "days") -> _Span:
    return _Span(lambda _year: (start, end), year=start.year, grain=grain)


# ---------------------------------------------------------------------------------------------
# A cursor over tokens: each grammar rule takes what it expects, in order, and must use them all.


class _Cursor:
    def __init__(self, tokens: Sequence[_Token]):
        self.tokens = tokens
        self.i = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take_from(self, table: dict[str, Any]) -> Any:
        token = self.peek()
        if token is not None and token.kind == "word" and token.norm in table:
            self.i += 1
            return table[token.norm]
        return None

    def take_phrase(self, phrases: Iterable[tuple[str, ...]]) -> tuple[str, ...] | None:
        for phrase in sorted(phrases, key=len, reverse=True):
            words = self.tokens[self.i : self.i + len(phrase)]
            if len(words) == len(phrase) and all(t.norm == w for t, w in zip(words, phrase)):
                self.i += len(phrase)
                return phrase
        return None

    def take_word(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.norm in words:
            self.i += 1
            return True
        return False

    def take_year(self, short: bool = True) -> int | None:
        """A four-digit year, or (after a month or day) a two-digit one meaning 20YY."""
        token = self.peek()
        if token is None or token.kind != "number":
            return None
        if len(token.norm) == 4 and 1900 <= int(token.norm) <= 2199:
            self.i += 1
            return int(token.norm)
        if short and len(token.norm) == 2:
            self.i += 1
            return 2000 + int(token.norm)
        return None

    def take_day(self, ordinal_only: bool = False) -> int | None:
        token = self.peek()
        kinds = ("ordinal",) if ordinal_only else ("ordinal", "number")
        if token is not None and token.kind in kinds and len(token.norm) <= 2 and int(token.norm) > 0:
            self.i += 1
            return int(token.norm)
        return None

    def take_count(self) -> int | None:
        token = self.peek()
        if token is not None and token.kind == "number" and len(token.norm) <= 3 and int(token.norm) > 0:
            self.i += 1
            return int(token.norm)
        return self.take_from(NUMBER_WORDS)

    def take_financial_year(self, separators: tuple[str, ...] = ("/", "-")) -> int | None:
        """'2022/23', '2022-23', '2022/2023' or '22/23': the year it starts."""
        start = self.i
        first = self.take_year(short=True)
        if first is not None and self.take_word(*separators):
            second = self.take_year(short=True)
            if second is not None and second % 100 == (first + 1) % 100:
                return first
        self.i = start
        return None

    def rest(self) -> Sequence[_Token]:
        return self.tokens[self.i :]

    def done(self) -> bool:
        return self.i == len(self.tokens)

    def finish(self) -> None:
        if not self.done():
            raise _Unreadable()


def _split_prefix(tokens: Sequence[_Token], phrases) -> Iterable[Sequence[_Token]]:
    """Each way `tokens` begins with one of `phrases`: what follows it."""
    for phrase in sorted(phrases, key=len, reverse=True):
        if len(tokens) > len(phrase) and all(t.norm == w for t, w in zip(tokens, phrase)):
            yield tokens[len(phrase) :]


def _split_suffix(tokens: Sequence[_Token], phrases) -> Iterable[Sequence[_Token]]:
    """Each way `tokens` ends with one of `phrases`: what comes before it."""
    for phrase in sorted(phrases, key=len, reverse=True):
        tail = tokens[len(tokens) - len(phrase) :]
        if len(tokens) > len(phrase) and all(t.norm == w for t, w in zip(tail, phrase)):
            yield tokens[: len(tokens) - len(phrase)]


def _is_exactly(tokens: Sequence[_Token], phrases) -> bool:
    return tuple(t.norm for t in tokens) in phrases


# ---------------------------------------------------------------------------------------------
# The reader


class _Reader:
    """Reads one phrase against a context date (for the year) and a school-term table."""

    def __init__(self, text: str, context: dt.date, terms: SchoolTerms | None):
        self.text = text
        self.context = context
        self._terms = terms

    @property
    def terms(self) -> SchoolTerms:
        if self._terms is None:
            self._terms = SchoolTerms.default()
        return self._terms

    def read(self) -> When:
        try:
            tokens = _tokenize(self.text)
            if not tokens:
                raise WhenError(self.text, "there are no words to read")
            reading = self.phrase(tokens)
        except (_Wrong, _Unreadable) as exc:
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

    # -- choosing among rules

    @staticmethod
    def first(*attempts: Callable[[], Any]) -> Any:
        """The first rule that reads the words. An impossible date found on the way is reported
        only if no rule reads them."""
        wrong: _Wrong | None = None
        for attempt in attempts:
            try:
                return attempt()
            except _Wrong as exc:
                wrong = wrong or exc
            except _Unreadable:
                pass
        raise wrong or _Unreadable()

    # -- whole phrases

    def phrase(self, tokens: Sequence[_Token]) -> _Reading:
        return self.first(
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
        if not _is_exactly(tokens, TBC_PHRASES):
            raise _Unreadable()
        return _Reading("tbc", tentative=True)

    def ongoing(self, tokens) -> _Reading:
        if not _is_exactly(tokens, ONGOING_PHRASES):
            raise _Unreadable()
        return _Reading("ongoing")

    def tentative(self, tokens) -> _Reading:
        rests = [*_split_prefix(tokens, TENTATIVE_PREFIXES), *_split_suffix(tokens, TENTATIVE_SUFFIXES)]
        reading = self.first(*(lambda rest=rest: self.phrase(rest) for rest in rests))
        reading.tentative = True
        return reading

    def contingent(self, tokens) -> _Reading:
        rests = [*_split_prefix(tokens, CONTINGENT_PREFIXES), *_split_suffix(tokens, CONTINGENT_SUFFIXES)]
        for rest in rests:
            ends = {rest[0].norm, rest[-1].norm} - {"the"} if len(rest) > 1 else {rest[0].norm}
            if (
                rest[0].kind == rest[-1].kind == "word"
                and not ends & GRAMMAR_WORDS
                and all((t.kind == "word" and t.norm not in DATE_WORDS) or t.norm in "&/-" for t in rest)
            ):
                # Quote what it waits for exactly as written ("DfE", not "dfe").
                return _Reading("contingent", depends_on=self.text[rest[0].start : rest[-1].end])
        raise _Unreadable()

    def recurring(self, tokens) -> _Reading:
        def read(every: str, rest: Sequence[_Token]) -> _Reading:
            start, end = self.recurrence_bounds(rest)
            return _Reading("recurring", start=start, end=end, every=every)

        return self.first(*(lambda e=every, r=rest: read(e, r) for every, rest in self.recurrences(tokens)))

    def recurrences(self, tokens) -> Iterable[tuple[str, Sequence[_Token]]]:
        """Each way the phrase begins (or, failing that, ends) with a recurrence."""
        for n in range(len(tokens), 0, -1):
            every = self.recurrence(tokens[:n])
            if every:
                yield every, tokens[n:]
        for n in range(1, len(tokens)):
            every = self.recurrence(tokens[n:])
            if every:
                yield every, tokens[:n]

    def recurrence(self, tokens) -> str | None:
        """The ISO 8601 step of words such as 'quarterly', 'every 2 months', '6 times a year'."""
        words = tuple(t.norm for t in tokens)
        if words in RECURRENCES:
            return RECURRENCES[words]
        if len(words) > 3 and words[0] == "on" and words[1] in ("a", "an") and words[-1] == "basis":
            return RECURRENCES.get(words[2:-1])
        c = _Cursor(tokens)
        if c.take_word("every"):
            count = 2 if c.take_word("other") else c.take_count()
            unit = c.take_from(UNITS)
            if count and unit and c.done():
                name, size = unit
                return f"P{count * size}{_ISO_UNIT[name]}"
            return None
        c = _Cursor(tokens)
        count = c.take_from(TIMES_WORDS)
        if count is None:
            count = c.take_count()
            if count is not None and not c.take_word("times"):
                c.take_word("-")
                letter = c.take_from(COUNTED_RECURRENCES)
                return f"P{count}{letter}" if letter and c.done() and count <= 12 else None
        if count is not None and c.take_word("a", "per", "each", "every") and c.take_word("year", "annum") and c.done():
            if count not in TIMES_A_YEAR:
                raise _Wrong(f"{count} times a year is not an even step")
            return TIMES_A_YEAR[count]
        return None

    def recurrence_bounds(self, tokens) -> tuple[dt.date, dt.date | None]:
        """The first occurrence and the last day of a recurrence, from words such as
        'wef Jan 2022' or 'from April until March 2023'. No start written: the context date."""
        if not tokens:
            return self.context, None
        attempts = []
        for i in range(len(tokens)):
            c = _Cursor(tokens[i:])
            if c.take_phrase(UNTIL_WORDS) and not c.done():
                head, tail = tokens[:i], c.rest()

                def bounded(head=head, tail=tail):
                    start = self.start_of(head) if head else self.context
                    end = self.resolve(self.point(tail), after=start)[1]
                    if end < start:
                        raise _Wrong("it ends before it starts")
                    return start, end

                attempts.append(bounded)
        # After the "until" readings: "from April to June" is bounded, not open-ended.
        for rest in _split_prefix(tokens, WITHIN_WORDS):
            attempts.append(lambda rest=rest: self.resolve(self.point(rest)))
        attempts.append(lambda: (self.start_of(tokens), None))
        return self.first(*attempts)

    def start_of(self, tokens) -> dt.date:
        """Where 'from X', 'wef X', 'X onwards' starts."""
        rests = []
        for rest in _split_prefix(tokens, START_PREFIXES):
            rests += [*_split_suffix(rest, START_SUFFIXES), rest]
        rests += _split_suffix(tokens, START_SUFFIXES)
        return self.first(*(lambda rest=rest: self.resolve(self.point(rest))[0] for rest in rests))

    def later_in(self, tokens) -> _Reading:
        c = _Cursor(tokens)
        if not c.take_word("later"):
            raise _Unreadable()
        c.take_word("in", "during")
        start, end = self.resolve(self.point(c.rest()))
        if start <= self.context <= end:
            start = self.context
        return _Reading("window", start=start, end=end, tentative=True)

    def span_from_context(self, tokens) -> _Reading:
        for direction, prefixes in ((1, SPAN_FORWARD), (-1, SPAN_BACKWARD)):
            for rest in _split_prefix(tokens, prefixes):
                c = _Cursor(rest)
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
                    return _Reading("window", start=self.context, end=self.context + length - _ONE_DAY)
                return _Reading("window", start=self.context - length + _ONE_DAY, end=self.context)
        raise _Unreadable()

    def duration_within(self, tokens) -> _Reading:
        """'One month Jan/Feb 22': an activity of that length somewhere inside the When."""
        c = _Cursor(tokens)
        count = c.take_count()
        unit = c.take_from(UNITS) if count else None
        if unit is None or c.done():
            raise _Unreadable()
        c.take_phrase(DURATION_LINKS)
        start, end = self.resolve(self.point(c.rest()))
        if start + relativedelta(**{unit[0]: count * unit[1]}) - _ONE_DAY > end:
            raise _Wrong(f"{count} {unit[0]} do not fit between {_format_day(start)} and {_format_day(end)}")
        return _Reading("window", start=start, end=end)

    def dated(self, tokens) -> _Reading:
        start, end = self.resolve(self.point(tokens))
        return _Reading("date" if start == end else "window", start=start, end=end)

    def starting(self, tokens) -> _Reading:
        return _Reading("ongoing", start=self.start_of(tokens))

    # -- points: phrases that cover known days

    def point(self, tokens: Sequence[_Token]) -> _Span:
        if not tokens:
            raise _Unreadable()
        return self.first(
            lambda: self.numeric_date(tokens),
            lambda: self.day_month(tokens),
            lambda: self.month_day(tokens),
            lambda: self.month(tokens),
            lambda: self.year(tokens),
            lambda: self.relative(tokens),
            lambda: self.financial_year(tokens),
            lambda: self.academic_year(tokens),
            lambda: self.year_range(tokens),
            lambda: self.quarter(tokens),
            lambda: self.season(tokens),
            lambda: self.school_term(tokens),
            lambda: self.half_term(tokens),
            lambda: self.range(tokens),
            lambda: self.same_as(tokens),
            lambda: self.part_of(tokens),
        )

    def numeric_date(self, tokens) -> _Span:
        c = _Cursor(tokens)
        weekday = c.take_from(WEEKDAYS)
        token = c.peek()
        if token is None or token.kind not in ("numdate", "isodate"):
            raise _Unreadable()
        c.i += 1
        c.finish()
        if token.kind == "isodate":
            year, month, day = (int(part) for part in token.norm.split("-"))
        else:  # UK order, always: day first
            day, month, year = (int(part) for part in re.split(r"[/.\-]", token.norm))
            year = year + 2000 if year < 100 else year
        if not 1 <= month <= 12:
            raise _Wrong(f"there is no month {month}")
        return self.day_span(day, month, year, weekday)

    def day_month(self, tokens) -> _Span:
        """'21 Feb 2017', '15 th September 21', 'Thursday 23 July', 'the 6th of March'."""
        c = _Cursor(tokens)
        weekday = c.take_from(WEEKDAYS)
        day = c.take_day()
        if day is None:
            raise _Unreadable()
        c.take_word("of")
        month = c.take_from(MONTHS)
        if month is None:
            raise _Unreadable()
        year = c.take_year()
        c.finish()
        return self.day_span(day, month, year, weekday)

    def month_day(self, tokens) -> _Span:
        """'November 2nd 2021': month first, only with an ordinal ('March 15' is March 2015)."""
        c = _Cursor(tokens)
        weekday = c.take_from(WEEKDAYS)
        month = c.take_from(MONTHS)
        day = c.take_day(ordinal_only=True) if month else None
        if day is None:
            raise _Unreadable()
        year = c.take_year(short=False)
        c.finish()
        return self.day_span(day, month, year, weekday)

    @staticmethod
    def day_span(day: int, month: int, year: int | None, weekday: int | None) -> _Span:
        if day > calendar.monthrange(2000, month)[1]:  # 2000: a leap year, so 29 February passes
            raise _Wrong(f"{calendar.month_name[month]} has no day {day}")

        def days(y: int) -> tuple[dt.date, dt.date]:
            try:
                d = dt.date(y, month, day)
            except ValueError:
                raise _NotInYear(f"{y} has no {day} {calendar.month_name[month]}") from None
            return d, d

        return _Span(days, year=year, grain="day", weekday=weekday)

    def month(self, tokens) -> _Span:
        c = _Cursor(tokens)
        month = c.take_from(MONTHS)
        if month is None:
            raise _Unreadable()
        year = c.take_year()
        c.finish()
        return _Span(lambda y: _month_days(y, month), year=year, grain="month")

    def year(self, tokens) -> _Span:
        c = _Cursor(tokens)
        year = c.take_year(short=False)
        if year is None:
            raise _Unreadable()
        c.finish()
        return _Span(lambda y: _months_days(y, 1, 12), year=year, grain="months")

    def relative(self, tokens) -> _Span:
        """'this year', 'next month': counted from the context date."""
        words = tuple(t.norm for t in tokens)
        if words not in RELATIVE:
            raise _Unreadable()
        unit, offset = RELATIVE[words]
        if unit == "year":
            return _fixed(*_months_days(self.context.year + offset, 1, 12), grain="months")
        first = dt.date(self.context.year, self.context.month, 1) + relativedelta(months=offset)
        return _fixed(*_month_days(first.year, first.month), grain="month")

    def year_range(self, tokens) -> _Span:
        """'2021-24', '2017–2020', '2021 – 23': whole calendar years."""
        c = _Cursor(tokens)
        first = c.take_year(short=False)
        if first is None or not c.take_word("-", "to", "/"):
            raise _Unreadable()
        written = c.peek()
        last = c.take_year(short=True)
        c.finish()
        if last is None:
            raise _Unreadable()
        if len(written.norm) == 2:
            last = first // 100 * 100 + int(written.norm)
        if last <= first:
            raise _Wrong(f"{last} is not after {first}")
        return _fixed(dt.date(first, 1, 1), dt.date(last, 12, 31))

    def financial_year(self, tokens) -> _Span:
        """UK financial year, 1 April to 31 March: '2022/23', 'FY 2022-23', 'financial year 2022/23'."""
        c = _Cursor(tokens)
        prefixed = bool(c.take_phrase({("fy",), ("financial", "year"), ("the", "financial", "year")}))
        # Bare, only the slash form: '2022-23' on its own reads as two calendar years.
        if not prefixed and not (c.peek() and len(c.peek().norm) == 4):
            raise _Unreadable()
        first = c.take_financial_year(("/", "-") if prefixed else ("/",))
        if first is None:
            raise _Unreadable()
        if not prefixed:
            c.take_phrase({("financial", "year"), ("fy",)})
        c.finish()
        return _fixed(dt.date(first, 4, 1), dt.date(first + 1, 3, 31), grain="months")

    def academic_year(self, tokens) -> _Span:
        c = _Cursor(tokens)
        prefixed = bool(c.take_phrase({("academic", "year"), ("the", "academic", "year")}))
        first = c.take_financial_year()
        if first is None:
            raise _Unreadable()
        if not prefixed and not c.take_phrase({("academic", "year")}):
            raise _Unreadable()
        c.finish()
        return _fixed(dt.date(first, 9, 1), dt.date(first + 1, 8, 31), grain="months")

    def quarter(self, tokens) -> _Span:
        """'Q3 2022' (calendar), 'Quarter 1 of 2022/23' or 'Q1 2022-23' (UK financial year)."""
        c = _Cursor(tokens)
        if not c.take_word("q", "quarter", "qtr"):
            raise _Unreadable()
        number = c.take_count()
        if number is None:
            raise _Unreadable()
        c.take_word("of", "in")
        financial_prefix = bool(c.take_phrase({("fy",), ("financial", "year")}))
        financial = c.take_financial_year()
        calendar_year = None if financial is not None or financial_prefix else c.take_year(short=False)
        c.finish()
        if not 1 <= number <= 4:
            raise _Wrong(f"there is no quarter {number}")
        if financial is not None:
            first = dt.date(financial, 4, 1) + relativedelta(months=3 * (number - 1))
            return _fixed(*_months_days(first.year, first.month, 3), grain="months")
        if calendar_year is None:
            raise _Wrong(f"say which year: 'Q{number} 2022' for a calendar quarter, 'Q{number} 2022/23' for a financial one")
        return _fixed(*_months_days(calendar_year, 3 * number - 2, 3), grain="months")

    def season(self, tokens) -> _Span:
        c = _Cursor(tokens)
        season = c.take_from(SEASONS)
        if season is None:
            raise _Unreadable()
        year = c.take_year()
        c.finish()
        first_month, count = season
        return _Span(lambda y: _months_days(y, first_month, count), year=year, grain="months")

    def school_term(self, tokens) -> _Span:
        """'Autumn term 2021', 'Autumn Term 21', 'Spring term': from the council's term dates.
        A year written is the calendar year the term starts in."""
        c = _Cursor(tokens)
        name = c.take_from(SCHOOL_TERMS)
        if name is None:
            raise _Unreadable()
        year = c.take_year()
        if not c.take_word("term"):
            raise _Unreadable()
        if year is None:
            year = c.take_year()
        c.finish()

        def days(y: int) -> tuple[dt.date, dt.date]:
            try:
                return self.terms.term(name, y if name == "autumn" else y - 1)
            except TermNotFound as exc:
                raise _NotInYear(str(exc)) from None

        return _Span(days, year=year, grain="term")

    def half_term(self, tokens) -> _Span:
        """'October half term', 'October 21 half term', 'February half term 2022'. A year written
        is the calendar year of the break (February 2022 is in academic year 2021/22)."""
        c = _Cursor(tokens)
        name = c.take_from(HALF_TERMS)
        if name is None:
            raise _Unreadable()
        year = c.take_year()
        if not c.take_word("halfterm"):
            raise _Unreadable()
        if year is None:
            year = c.take_year()
        c.finish()

        def days(y: int) -> tuple[dt.date, dt.date]:
            try:
                return self.terms.half_term(name, y if name == "october" else y - 1)
            except TermNotFound as exc:
                raise _NotInYear(str(exc)) from None

        return _Span(days, year=year, grain="term")

    def range(self, tokens) -> _Span:
        """'October/November 21', 'July 2019 to January 2020', 'between 2 March and 6 April 2020'."""
        c = _Cursor(tokens)
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
        return self.first(*attempts)

    def join(self, left_tokens, right_tokens) -> _Span:
        day = _Cursor(left_tokens).take_day() if len(left_tokens) == 1 else None
        if (
            day is None
            and left_tokens[-1].kind == right_tokens[0].kind == "number"
            and left_tokens[-1].end + 1 == right_tokens[0].start
        ):
            # "2022/23 Feb" is a financial year beside a month, not "2022 to 23 Feb".
            raise _Unreadable()
        right = self.point(right_tokens)
        if day is not None and right.grain == "day":
            # '15-17 March 2022': the first day borrows the month of the second.
            def left_days(y: int) -> tuple[dt.date, dt.date]:
                first = right.days(y)[0]
                try:
                    d = first.replace(day=day)
                except ValueError:
                    raise _Wrong(f"{calendar.month_name[first.month]} has no day {day}") from None
                return d, d

            left = _Span(left_days, year=right.year, grain="day")
        else:
            left = self.point(left_tokens)

        if left.year is not None and right.year is not None:
            start, end = left.checked(left.year)[0], right.checked(right.year)[1]
            if end < start:
                raise _Wrong(f"it ends ({_format_day(end)}) before it starts ({_format_day(start)})")
            return _fixed(start, end)
        if left.year is not None:
            # Only the first end has a year: the second is the next one after it.
            def days(y: int) -> tuple[dt.date, dt.date]:
                start = left.checked(y)[0]
                right_start, right_end = right.checked(y)
                if right_start < start:
                    right_end = right.checked(y + 1)[1]
                return start, right_end

            return _Span(days, year=left.year)

        # A year written only at the end covers both ends; if the first month comes later in
        # the year than the second, the first is in the year before ('December/January 2022').
        def days(y: int) -> tuple[dt.date, dt.date]:
            right_start, right_end = right.checked(y)
            start = left.checked(y)[0]
            if start > right_start:
                start = left.checked(y - 1)[0]
            return start, right_end

        return _Span(days, year=right.year)

    def same_as(self, tokens) -> _Span:
        rests = [*_split_prefix(tokens, SAME_AS_PREFIXES), *_split_suffix(tokens, SAME_AS_SUFFIXES)]
        return self.first(*(lambda rest=rest: self.point(rest) for rest in rests))

    def part_of(self, tokens) -> _Span:
        """early / mid / late, beginning of / end of: a third of a month or of whole months."""
        c = _Cursor(tokens)
        words = c.take_phrase(PARTS)
        if words is None:
            raise _Unreadable()
        part = PARTS[words]
        c.take_word("-")
        inner = self.point(c.rest())
        if inner.grain == "month":

            def days(y: int) -> tuple[dt.date, dt.date]:
                start, end = inner.days(y)
                first, last = PART_DAYS[part]
                return start.replace(day=first), start.replace(day=min(last, end.day))

            return _Span(days, year=inner.year, grain="days")
        if inner.grain == "months":

            def days(y: int) -> tuple[dt.date, dt.date]:
                start, end = inner.days(y)
                months = (end.year - start.year) * 12 + end.month - start.month + 1
                third = months // 3
                first = start + relativedelta(months=third * PART_INDEX[part])
                return first, first + relativedelta(months=third) - _ONE_DAY

            return _Span(days, year=inner.year, grain="days")
        raise _Wrong(f"'{' '.join(words)}' only divides a month, a year, a quarter or a season")

    # -- choosing the year

    def resolve(self, span: _Span, after: dt.date | None = None) -> tuple[dt.date, dt.date]:
        """First and last day. A phrase with no year takes the first year whose reading ends on or
        after the context date; a weekday picks the nearest year in which the date has it."""
        context = after or self.context
        if span.year is not None:
            return span.checked(span.year)
        if span.weekday is not None:
            return self.resolve_by_weekday(span, context)
        problem: _Wrong | None = None
        for year in range(context.year - 1, context.year + 9):
            try:
                start, end = span.checked(year)
            except _NotInYear as exc:
                problem = problem or exc
                continue
            if end >= context:
                return start, end
        raise problem or _Wrong("no year near the context date fits")

    @staticmethod
    def resolve_by_weekday(span: _Span, context: dt.date) -> tuple[dt.date, dt.date]:
        # Forwards first, then backwards, alternating, up to seven years away.
        ahead = next((y for y in range(context.year, context.year + 9) if _ends_after(span, y, context)), context.year)
        for distance in range(8):
            for year in (ahead + distance, ahead - 1 - distance):
                try:
                    return span.checked(year)
                except _NotInYear:
                    continue
        example = span.days(ahead)[0]
        raise _Wrong(
            f"no year within seven of {context.year} has {calendar.month_name[example.month]} {example.day}"
            f" on a {calendar.day_name[span.weekday]}"
        )


def _ends_after(span: _Span, year: int, context: dt.date) -> bool:
    try:
        return span.days(year)[1] >= context
    except _NotInYear:
        return False


# ---------------------------------------------------------------------------------------------
# Public API


def read_when(text: str, context: dt.date, terms: SchoolTerms | None = None) -> When:
    """Read one date phrase. `context` supplies the year when the phrase has none (the paper's date,
    or the year a table is headed with); `terms` the school terms (the shipped table if None)."""
    if isinstance(context, dt.datetime):
        context = context.date()
    return _Reader(text, context, terms).read()


_MAX_WORDS_PER_PHRASE = 9


def read_when_list(
    text: str, context: dt.date, expected: int | None = None, terms: SchoolTerms | None = None
) -> list[When]:
    """Read a table cell holding several phrases written one after another ("Jan Jan Wef Feb
    onwards"). Lines split first; within a line, the split into readable phrases with `expected`
    phrases if there is one, else the fewest phrases."""
    words = [(m.start(), m.end(), text.count("\n", 0, m.start())) for m in re.finditer(r"\S+", text)]
    if not words:
        raise WhenError(text, "there are no words to read")
    n = len(words)
    readings: dict[tuple[int, int], When | None] = {}

    def reading(i: int, k: int) -> When | None:
        if (i, k) not in readings:
            try:
                readings[i, k] = read_when(text[words[i][0] : words[k - 1][1]], context, terms)
            except WhenError:
                readings[i, k] = None
        return readings[i, k]

    def segments_from(i: int) -> Iterable[int]:
        """Ends of the phrases that could start at word i: longest first, never across a line."""
        last = i + 1
        while last < n and last - i < _MAX_WORDS_PER_PHRASE and words[last][2] == words[i][2]:
            last += 1
        return range(last, i, -1)

    # splits[i]: for each number of phrases, one way to read words[i:], preferring long first phrases.
    splits: list[dict[int, list[int]]] = [{} for _ in range(n + 1)]
    splits[n] = {0: []}
    for i in range(n - 1, -1, -1):
        for k in segments_from(i):
            if splits[k] and reading(i, k) is not None:
                for count, ends in splits[k].items():
                    splits[i].setdefault(count + 1, [k, *ends])

    if not splits[0]:
        raise WhenError(text, f"no reading for {_unreadable_part(text, words, splits, reading, segments_from)!r}")
    count = expected if expected in splits[0] else min(splits[0])
    result, start = [], 0
    for end in splits[0][count]:
        result.append(reading(start, end))
        start = end
    return result


def _unreadable_part(text, words, splits, reading, segments_from) -> str:
    """The words between the longest readable beginning and the earliest readable ending."""
    reachable = {0}
    for i in range(len(words)):
        if i in reachable:
            reachable.update(k for k in segments_from(i) if reading(i, k) is not None)
    first = max(i for i in reachable if i < len(words))
    last = next((j for j in range(first + 1, len(words)) if splits[j]), len(words))
    return text[words[first][0] : words[last - 1][1]]
