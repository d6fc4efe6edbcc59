"""The words the date reader knows, one word a row: months, weekdays, numbers, seasons, terms, units,
recurrences. The reader is driven by these tables; adding a word people use is adding a row."""
from __future__ import annotations

from governance_model.school_terms import HALF_TERM_ALIASES, TERM_ALIASES

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

# The term-dates table names its terms and breaks; a phrase may also shorten October to "Oct".
# A year written with a half term is the calendar year of the break.
SCHOOL_TERMS = dict(TERM_ALIASES)
HALF_TERMS = {**HALF_TERM_ALIASES, "oct": "october"}

UNITS = {
    "day": ("days", 1), "days": ("days", 1), "week": ("weeks", 1), "weeks": ("weeks", 1),
    "fortnight": ("weeks", 2), "fortnights": ("weeks", 2), "month": ("months", 1),
    "months": ("months", 1), "quarter": ("months", 3), "quarters": ("months", 3),
    "year": ("years", 1), "years": ("years", 1),
}  # fmt: skip
SINGULAR_UNITS = {"day", "week", "fortnight", "month", "quarter", "year"}
ISO_UNIT_LETTERS = {"days": "D", "weeks": "W", "months": "M", "years": "Y"}

# "six-monthly", "2 weekly": a count before one of these.
COUNTED_RECURRENCES = {"weekly": "W", "monthly": "M", "yearly": "Y"}
# "6 times a year": how many months apart, for the counts that divide a year evenly.
TIMES_A_YEAR = {1: "P1Y", 2: "P6M", 3: "P4M", 4: "P3M", 6: "P2M", 12: "P1M", 26: "P2W", 52: "P1W"}

RANGE_SEPARATORS = {"-", "/", "to", "until", "till", "through", "and", "&"}

# Words written as one in some papers and two in others ("half term", "half-term", "halfterm").
COMPOUNDS = {
    ("half", "term"): "halfterm", ("bi", "monthly"): "bimonthly", ("on", "going"): "ongoing",
    ("half", "yearly"): "halfyearly", ("bi", "annually"): "biannually", ("bi", "annual"): "biannual",
}  # fmt: skip
