"""The phrases around and between dates, each a tuple of words: "no later than", "with effect from",
"every quarter", "to be confirmed" … and the words a dependency ("DfE contingent") may not use."""
from __future__ import annotations

from governance_model.when.vocabulary import (
    HALF_TERMS,
    MONTHS,
    NUMBER_WORDS,
    RANGE_SEPARATORS,
    SEASONS,
    TIMES_WORDS,
    UNITS,
    WEEKDAYS,
)

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

RELATIVE = {
    ("this", "year"): ("year", 0), ("next", "year"): ("year", 1), ("last", "year"): ("year", -1),
    ("this", "month"): ("month", 0), ("next", "month"): ("month", 1), ("last", "month"): ("month", -1),
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
