"""The phrases around and between dates, each a tuple of words: "no later than", "with effect from",
"every quarter", "to be confirmed" … and the words a dependency ("DfE contingent") may not use."""
from __future__ import annotations

from governance_model.when.vocabulary import (
    HALF_TERMS,
    HOLIDAY_WORDS,
    MONTHS,
    NUMBER_WORDS,
    RANGE_SEPARATORS,
    SCHOOL_HOLIDAYS,
    SEASONS,
    TIME_SUFFIXES,
    TIME_WORDS,
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
# first / second half: of a month (1st–15th, 16th–end), of whole months (a year: January–June), of a term.
HALVES = {
    ("first", "half", "of"): 0, ("the", "first", "half", "of"): 0,
    ("second", "half", "of"): 1, ("the", "second", "half", "of"): 1,
    ("latter", "half", "of"): 1, ("the", "latter", "half", "of"): 1,
}  # fmt: skip

# Weeks: "w/c 24 October 2022" (Monday to Sunday, from a Monday), "week ending 14 April" (the seven
# days up to that day), "the week of 3 July" (Monday to Sunday around it), "week 40 of 2024" (ISO).
WEEK_COMMENCING = {
    ("w", "/", "c"), ("wc",), ("w", "c"), ("week", "commencing"), ("week", "beginning"), ("week", "starting"),
    ("the", "week", "commencing"), ("the", "week", "beginning"), ("the", "week", "starting"),
}  # fmt: skip
WEEK_ENDING = {("w", "/", "e"), ("w", "e"), ("week", "ending"), ("the", "week", "ending"), ("w", "/", "ending")}
WEEK_OF = {("week", "of"), ("the", "week", "of")}
ISO_WEEK = {("week",), ("wk",)}

# The new year: January (the first that ends on or after the context, as 'Jan' reads).
NEW_YEAR = {("new", "year"), ("the", "new", "year")}
# Before Christmas: 1 to 24 December (calendar, not school: 'before the Christmas holidays' is school).
BEFORE_CHRISTMAS = {("before", "christmas")}
# 'after the summer holidays': the half term that follows them; 'before …': the half term before.
AFTER_WORDS = {("after",), ("following",), ("straight", "after"), ("just", "after"), ("soon", "after")}
BEFORE_WORDS = {("before",), ("prior", "to"), ("just", "before"), ("ahead", "of")}

# Words around a date that leave its reading as it is.
SAME_AS_PREFIXES = {
    ("the",), ("in",), ("on",), ("during",), ("by",), ("due",), ("due", "by"), ("due", "in"),
    ("no", "later", "than"), ("not", "later", "than"), ("deadline",), ("delayed", "to"),
    ("deferred", "to"), ("postponed", "to"), ("moved", "to"), ("rescheduled", "to"),
    ("slipped", "to"), ("now",), ("at",),
}  # fmt: skip
# Closing deadlines ("in writing by 14 March 2011", "Consultation closes: 1 October 2025"): read as
# the date they lead to. Not grammar words: "12 weeks after the consultation" may name them.
DEADLINE_PREFIXES = {
    ("in", "writing", "by"), ("responses", "by"), ("comments", "by"), ("representations", "by"),
    ("submissions", "by"), ("submitted", "by"), ("returned", "by"), ("received", "by"), ("closes",),
    ("closes", "on"), ("closing", "date"), ("closing", "on"), ("until",), ("open", "until"),
    ("on", "or", "before"), ("due", "on"), ("consultation", "closes"), ("consultation", "closes", "on"),
    ("consultation", "ends"), ("consultation", "ends", "on"), ("open", "to", "consultation", "until"),
    ("consultation", "open", "until"),
}  # fmt: skip
SAME_AS_SUFFIXES = {("deadline",), ("at", "the", "latest"), ("latest",)}

TENTATIVE_PREFIXES = {
    ("tbc",), ("tba",), ("tbd",), ("provisional",), ("provisionally",), ("tentative",),
    ("tentatively",), ("expected",), ("anticipated",), ("forecast",), ("estimated",),
    ("approx",), ("approximately",), ("around",), ("circa",),
}  # fmt: skip
TENTATIVE_SUFFIXES = {
    ("tbc",), ("tba",), ("tbd",), ("provisional",), ("provisionally",), ("to", "be", "confirmed"),
    ("to", "be", "determined"), ("to", "be", "decided"), ("to", "be", "agreed"), ("date", "tbc"),
    ("date", "tbd"), ("date", "tba"), ("date", "to", "be", "confirmed"), ("date", "to", "be", "determined"),
    ("date", "to", "be", "decided"), ("date", "to", "be", "agreed"), ("exact", "date", "tbc"),
    ("exact", "date", "to", "be", "confirmed"),
}  # fmt: skip
TBC_PHRASES = {
    ("tbc",), ("tba",), ("tbd",), ("to", "be", "confirmed"), ("to", "be", "agreed"),
    ("to", "be", "arranged"), ("to", "be", "determined"), ("date", "tbc"), ("dates", "tbc"),
    ("date", "to", "be", "confirmed"), ("to", "be", "decided"), ("date", "tbd"), ("date", "tba"),
    ("dates", "tbd"), ("dates", "tba"), ("date", "to", "be", "determined"), ("date", "to", "be", "decided"),
    ("date", "to", "be", "agreed"), ("date", "to", "be", "arranged"), ("dates", "to", "be", "confirmed"),
    ("a", "date", "to", "be", "agreed"), ("on", "a", "date", "to", "be", "agreed"),
    ("a", "date", "to", "be", "confirmed"), ("on", "a", "date", "to", "be", "confirmed"),
    ("to", "be", "scheduled"), ("date", "not", "yet", "set"), ("not", "yet", "scheduled"),
}  # fmt: skip
ONGOING_PHRASES = {("ongoing",), ("continuous",), ("continuing",), ("continual",), ("rolling",), ("in", "progress")}

START_PREFIXES = {
    ("from",), ("wef",), ("with", "effect", "from"), ("starting",), ("starting", "from"),
    ("starting", "in"), ("commencing",), ("beginning",), ("effective",), ("effective", "from"),
    ("as", "of"), ("as", "from"), ("not", "before"), ("no", "earlier", "than"), ("not", "earlier", "than"),
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

# "monthly (except August)": the exception stays in the text; it is read, to be sure it is a date.
EXCEPT_WORDS = {("except",), ("except", "in"), ("except", "for"), ("excluding",), ("apart", "from"), ("but", "not", "in")}
# "at least termly", "at least once a term": the step is the same; the text keeps "at least".
AT_LEAST = {("at", "least"), ("a", "minimum", "of"), ("no", "less", "than"), ("not", "less", "than")}

# Lengths: "a six-week consultation", "eight-week consultation from 11 July", "28-day period ends
# 13 May 2024", "within 28 days of the decision", "12 weeks after Cabinet", "two weeks before the
# meeting". Before the count: an article and these; after the unit: what the length is of.
LENGTH_QUALIFIERS = {
    ("minimum",), ("a", "minimum"), ("maximum",), ("further",), ("full",), ("at", "least"), ("up", "to"),
    ("no", "more", "than"), ("initial",), ("additional",),
}  # fmt: skip
ACTIVITY_WORDS = frozenset({
    "consultation", "consultations", "period", "periods", "exercise", "process", "notice", "window",
    "engagement", "review", "representation", "representations", "objection", "objections", "comment",
    "comments", "survey", "pilot", "trial", "listening", "statutory", "public", "formal", "informal",
    "full", "further", "minimum", "maximum", "initial", "final", "open", "call", "evidence", "closed",
})  # fmt: skip
ACTIVITY_GLUE = frozenset({"of", "the", "for", "a", "an"})  # "period of public consultation"
PERIOD_START_LEADS = {
    ("from",), ("starting",), ("starting", "on"), ("starting", "from"), ("commencing",), ("commencing", "on"),
    ("beginning",), ("beginning", "on"), ("opening",), ("opening", "on"), ("opens",), ("opens", "on"),
    ("starts",), ("starts", "on"), ("commenced", "on"), ("began", "on"), ("started", "on"), ("opened", "on"),
    ("launching", "on"), ("launched", "on"), ("wef",), ("with", "effect", "from"),
}  # fmt: skip
PERIOD_END_LEADS = {
    ("ending",), ("ending", "on"), ("ends",), ("ends", "on"), ("closing",), ("closing", "on"), ("closes",),
    ("closes", "on"), ("due", "to", "close", "on"), ("to", "close", "on"), ("until",), ("to", "end", "on"),
}  # fmt: skip
# Before the length, for a length counted from something: "within 28 days of the decision".
RELATIVE_LEADS = {("within",), ("no", "later", "than"), ("not", "later", "than"), ("up", "to")}
AFTER_LINKS = {("after",), ("following",), ("from",), ("of",), ("after", "the", "end", "of")}
BEFORE_LINKS = {("before",), ("prior", "to"), ("ahead", "of"), ("in", "advance", "of")}

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
    | set(SCHOOL_HOLIDAYS) | HOLIDAY_WORDS | TIME_WORDS | TIME_SUFFIXES | {"week", "weeks", "w", "wc", "wk"}
)
# Nor may it begin or end with the small words of the grammar ("by contingent" waits for nothing).
GRAMMAR_WORDS = frozenset(
    word
    for table in (
        PARTS, SAME_AS_PREFIXES, SAME_AS_SUFFIXES, TENTATIVE_PREFIXES, START_PREFIXES, UNTIL_WORDS,
        WITHIN_WORDS, CONTINGENT_PREFIXES, SPAN_FORWARD, SPAN_BACKWARD, DURATION_LINKS, RELATIVE,
        HALVES, EXCEPT_WORDS, AT_LEAST, AFTER_WORDS, BEFORE_WORDS, PERIOD_START_LEADS, PERIOD_END_LEADS,
        RELATIVE_LEADS, AFTER_LINKS, BEFORE_LINKS,
    )
    for phrase in table
    for word in phrase
) | set(NUMBER_WORDS) | RANGE_SEPARATORS | {"of", "later", "every", "each", "other", "per"}
