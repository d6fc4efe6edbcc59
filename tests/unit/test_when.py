"""The reading of date phrases: every date phrase in the seeds, DESIGN.md's examples, and each form."""
from __future__ import annotations

import datetime as dt

import pytest

from governance_model.errors import WhenError
from governance_model.school_terms import SchoolTerms
from governance_model.when import When, read_when, read_when_list

# Contexts: seed 000's timetable is read from the start of the autumn term (the paper is dated
# 5 October 2021); seed 002's table is headed "When (2022)"; seed 003 is dated Jan 22; 004 Nov 2020.
SEED_000 = "2021-09-01"
SEED_000_PAPER = "2021-10-05"
SEED_002 = "2022-01-01"
SEED_003 = "2022-01-01"
SEED_004 = "2020-11-01"
FORMS = "2021-09-01"


def case(context, text, kind, start=None, end=None, every=None, depends_on=None, tentative=False):
    expected = When(
        kind=kind,
        start=dt.date.fromisoformat(start) if start else None,
        end=dt.date.fromisoformat(end) if end else None,
        every=every,
        depends_on=depends_on,
        tentative=tentative,
        text=text,
    )
    return pytest.param(dt.date.fromisoformat(context), text, expected, id=f"{text}@{context}")


def day(context, text, iso, **kw):
    return case(context, text, "date", iso, iso, **kw)


def window(context, text, start, end, **kw):
    return case(context, text, "window", start, end, **kw)


def recurring(context, text, every, start, end=None, **kw):
    return case(context, text, "recurring", start, end, every=every, **kw)


PHRASES = [
    # --- seed 000: the timetable ("By when")
    day(SEED_000, "15 th September 21", "2021-09-15"),
    day(SEED_000, "21 st September 21", "2021-09-21"),
    day(SEED_000, "6 th October 21", "2021-10-06"),
    window(SEED_000, "October 21 half term deadline", "2021-10-25", "2021-10-29"),
    window(SEED_000, "October/November 21", "2021-10-01", "2021-11-30"),
    window(SEED_000, "November/December 21", "2021-11-01", "2021-12-31"),
    window(SEED_000, "October 21 to December 21", "2021-10-01", "2021-12-31"),
    window(SEED_000, "December 21", "2021-12-01", "2021-12-31"),
    day(SEED_000, "6 January 22", "2022-01-06"),
    window(SEED_000, "One month Jan/Feb 22", "2022-01-01", "2022-02-28"),
    day(SEED_000, "1 March 22", "2022-03-01"),
    window(SEED_000, "TBC March 22", "2022-03-01", "2022-03-31", tentative=True),
    day(SEED_000, "15 March 22", "2022-03-15"),
    case(SEED_000, "TBC", "tbc", tentative=True),
    day(SEED_000, "7 March 22", "2022-03-07"),
    # --- seed 000: the narrative, read from the paper's date
    day(SEED_000_PAPER, "5th October 2021", "2021-10-05"),
    day(SEED_000_PAPER, "22 April 2021", "2021-04-22"),
    window(SEED_000_PAPER, "May", "2022-05-01", "2022-05-31"),  # "shared with Board in May": see report
    window(SEED_000_PAPER, "November 21", "2021-11-01", "2021-11-30"),
    window(SEED_000_PAPER, "Autumn Term 21", "2021-09-02", "2021-12-17"),
    day(SEED_000_PAPER, "6 January", "2022-01-06"),
    window(SEED_000_PAPER, "2021-24", "2021-01-01", "2024-12-31"),
    # --- seed 002: "When (2022)"
    window(SEED_002, "Jan", "2022-01-01", "2022-01-31"),
    case(SEED_002, "Wef Feb onwards", "ongoing", "2022-02-01"),
    window(SEED_002, "Feb/July", "2022-02-01", "2022-07-31"),
    window(SEED_002, "March", "2022-03-01", "2022-03-31"),
    window(SEED_002, "April/July", "2022-04-01", "2022-07-31"),
    window(SEED_002, "Feb", "2022-02-01", "2022-02-28"),
    window(SEED_002, "April", "2022-04-01", "2022-04-30"),
    window(SEED_002, "May", "2022-05-01", "2022-05-31"),
    window(SEED_002, "June", "2022-06-01", "2022-06-30"),
    window(SEED_002, "July", "2022-07-01", "2022-07-31"),
    window(SEED_002, "Aug", "2022-08-01", "2022-08-31"),
    case(SEED_002, "DfE contingent", "contingent", depends_on="DfE"),
    recurring(SEED_002, "Quarterly wef Jan 2022", "P3M", "2022-01-01"),
    recurring(SEED_002, "6 times a year", "P2M", "2022-01-01"),
    recurring(SEED_002, "on a quarterly basis", "P3M", "2022-01-01"),
    recurring(SEED_002, "on a month by month basis", "P1M", "2022-01-01"),
    recurring(SEED_002, "month on month", "P1M", "2022-01-01"),
    window(SEED_002, "later in 2022", "2022-01-01", "2022-12-31", tentative=True),
    case(SEED_002, "(contingent upon cabinet)", "contingent", depends_on="cabinet"),
    window(SEED_002, "by July", "2022-07-01", "2022-07-31"),
    window(SEED_002, "2022", "2022-01-01", "2022-12-31"),
    # --- seed 003
    window(SEED_003, "Jan 22", "2022-01-01", "2022-01-31"),
    day(SEED_003, "10th November 2021", "2021-11-10"),
    window(SEED_003, "2021", "2021-01-01", "2021-12-31"),
    window(SEED_003, "2019", "2019-01-01", "2019-12-31"),
    window(SEED_003, "November", "2022-11-01", "2022-11-30"),  # "met ... in November": see report
    # --- seed 004
    window(SEED_004, "2021 – 23", "2021-01-01", "2023-12-31"),
    window(SEED_004, "2021-23", "2021-01-01", "2023-12-31"),
    window(SEED_004, "December 2020", "2020-12-01", "2020-12-31"),
    window(SEED_004, "over the last 12 months", "2019-11-02", "2020-11-01"),
    window(SEED_004, "the coming 3 years", "2020-11-01", "2023-10-31"),
    window(SEED_004, "in 2021", "2021-01-01", "2021-12-31"),
    window(SEED_004, "between 2 March and 6 April 2020", "2020-03-02", "2020-04-06"),
    window(SEED_004, "2 March and 6 April 2020", "2020-03-02", "2020-04-06"),
    window(SEED_004, "November 2019", "2019-11-01", "2019-11-30"),
    day(SEED_004, "16 July 2020", "2020-07-16"),
    window(SEED_004, "Jan 2015", "2015-01-01", "2015-01-31"),
    day(SEED_004, "19 October 2020", "2020-10-19"),
    window(SEED_004, "2017–2020", "2017-01-01", "2020-12-31"),
    recurring(SEED_004, "Monthly", "P1M", "2020-11-01"),
    window(SEED_004, "over the last year", "2019-11-02", "2020-11-01"),
    # --- DESIGN.md examples not already above
    window(FORMS, "October half term", "2021-10-25", "2021-10-29"),
    recurring(FORMS, "6 times a year", "P2M", "2021-09-01"),
    recurring(FORMS, "Quarterly wef Jan 2022", "P3M", "2022-01-01"),
    # --- exact dates: UK numeric, day first always
    day(FORMS, "21/02/2023", "2023-02-21"),
    day(FORMS, "19.01.23", "2023-01-19"),
    day(FORMS, "21-02-2023", "2023-02-21"),
    day(FORMS, "05/04/2022", "2022-04-05"),
    day(FORMS, "21 Feb 2017", "2017-02-21"),
    day(FORMS, "2nd Nov", "2021-11-02"),
    day(SEED_004, "Thursday 23 July", "2020-07-23"),
    day(FORMS, "Thursday 23rd July 2020", "2020-07-23"),
    day(FORMS, "the 6th of March", "2022-03-06"),
    day(FORMS, "March 15th", "2022-03-15"),
    day(FORMS, "by 15 March 2022", "2022-03-15"),
    day(FORMS, "15 March 2022 deadline", "2022-03-15"),
    # --- months and years
    window(FORMS, "March 2022", "2022-03-01", "2022-03-31"),
    window(FORMS, "Sept 2021", "2021-09-01", "2021-09-30"),
    window(FORMS, "Jan", "2022-01-01", "2022-01-31"),
    window("2022-06-15", "later in 2022", "2022-06-15", "2022-12-31", tentative=True),
    # --- ranges
    window(FORMS, "July 2019 to January 2020", "2019-07-01", "2020-01-31"),
    window(FORMS, "April-May", "2022-04-01", "2022-05-31"),
    window(FORMS, "December/January", "2021-12-01", "2022-01-31"),
    window(FORMS, "December/January 2022", "2021-12-01", "2022-01-31"),
    window(FORMS, "Jan 08 — June 08", "2008-01-01", "2008-06-30"),
    window(FORMS, "Jan 08 – June 08", "2008-01-01", "2008-06-30"),
    window(FORMS, "15-17 March 2022", "2022-03-15", "2022-03-17"),
    window(FORMS, "from October to December", "2021-10-01", "2021-12-31"),
    # --- qualifiers
    window(FORMS, "March 2022 deadline", "2022-03-01", "2022-03-31"),
    window(FORMS, "end of March", "2022-03-21", "2022-03-31"),
    window(FORMS, "by the end of March", "2022-03-21", "2022-03-31"),
    window(FORMS, "late March 2022", "2022-03-21", "2022-03-31"),
    window(FORMS, "late February 2024", "2024-02-21", "2024-02-29"),
    window(FORMS, "end of 2022", "2022-09-01", "2022-12-31"),
    window(FORMS, "late 2022", "2022-09-01", "2022-12-31"),
    window(FORMS, "mid-March", "2022-03-11", "2022-03-20"),
    window(FORMS, "mid March", "2022-03-11", "2022-03-20"),
    window(FORMS, "mid 2022", "2022-05-01", "2022-08-31"),
    window(FORMS, "early March", "2022-03-01", "2022-03-10"),
    window(FORMS, "early 2023", "2023-01-01", "2023-04-30"),
    case(FORMS, "from March 2022", "ongoing", "2022-03-01"),
    case(FORMS, "March 2022 onwards", "ongoing", "2022-03-01"),
    case(FORMS, "wef April", "ongoing", "2022-04-01"),
    case(FORMS, "w.e.f. 1 April 2022", "ongoing", "2022-04-01"),
    window(FORMS, "delayed to June", "2022-06-01", "2022-06-30"),
    window(FORMS, "June TBC", "2022-06-01", "2022-06-30", tentative=True),
    window(FORMS, "June (TBC)", "2022-06-01", "2022-06-30", tentative=True),
    window(FORMS, "provisional June", "2022-06-01", "2022-06-30", tentative=True),
    # --- quarters: calendar, and UK financial year (April to March)
    window(FORMS, "Q3 2022", "2022-07-01", "2022-09-30"),
    window(FORMS, "Quarter 3 2022", "2022-07-01", "2022-09-30"),
    window(FORMS, "Quarter 1 of 2022/23", "2022-04-01", "2022-06-30"),
    window(FORMS, "Q1 2022/23", "2022-04-01", "2022-06-30"),
    window(FORMS, "Q1 2022-23", "2022-04-01", "2022-06-30"),
    window(FORMS, "Q4 2022/23", "2023-01-01", "2023-03-31"),
    window(FORMS, "2022/23", "2022-04-01", "2023-03-31"),
    # --- seasons, school terms, half terms (shipped term table)
    window(FORMS, "Autumn 2019", "2019-09-01", "2019-11-30"),
    window(FORMS, "Spring 2022", "2022-03-01", "2022-05-31"),
    window(FORMS, "Summer 2022", "2022-06-01", "2022-08-31"),
    window(FORMS, "Winter 2022", "2022-12-01", "2023-02-28"),
    window(FORMS, "Autumn term 2021", "2021-09-02", "2021-12-17"),
    window(FORMS, "Spring term", "2022-01-04", "2022-04-08"),
    window(FORMS, "Summer term", "2022-04-25", "2022-07-22"),
    window(FORMS, "October 21 half term", "2021-10-25", "2021-10-29"),
    window(FORMS, "February half term 2022", "2022-02-21", "2022-02-25"),
    window(FORMS, "Whitsun half term", "2022-05-30", "2022-06-03"),
    # --- spans from the context date
    window(SEED_002, "in the next 6 months", "2022-01-01", "2022-06-30"),
    window(SEED_002, "within 3 months", "2022-01-01", "2022-03-31"),
    window(SEED_002, "next 6 weeks", "2022-01-01", "2022-02-11"),
    window("2021-12-20", "within 10 working days", "2021-12-20", "2022-01-06"),
    # --- recurrences
    recurring(FORMS, "weekly", "P1W", FORMS),
    recurring(FORMS, "fortnightly", "P2W", FORMS),
    recurring(FORMS, "monthly", "P1M", FORMS),
    recurring(FORMS, "bi-monthly", "P2M", FORMS),
    recurring(FORMS, "bimonthly", "P2M", FORMS),
    recurring(FORMS, "every two months", "P2M", FORMS),
    recurring(FORMS, "every 6 weeks", "P6W", FORMS),
    recurring(FORMS, "quarterly", "P3M", FORMS),
    recurring(FORMS, "termly", "P4M", FORMS),
    recurring(FORMS, "twice a year", "P6M", FORMS),
    recurring(FORMS, "biannually", "P6M", FORMS),
    recurring(FORMS, "six-monthly", "P6M", FORMS),
    recurring(FORMS, "annually", "P1Y", FORMS),
    recurring(FORMS, "yearly", "P1Y", FORMS),
    recurring(FORMS, "annual", "P1Y", FORMS),
    recurring(FORMS, "monthly until March 2023", "P1M", FORMS, "2023-03-31"),
    recurring(SEED_002, "monthly from April", "P1M", "2022-04-01"),
    recurring(SEED_002, "monthly from April until March 2023", "P1M", "2022-04-01", "2023-03-31"),
    recurring(FORMS, "quarterly during 2022", "P3M", "2022-01-01", "2022-12-31"),
    recurring(FORMS, "Monthly (TBC)", "P1M", FORMS, tentative=True),
    # --- no dates at all
    case(FORMS, "Ongoing", "ongoing"),
    case(FORMS, "ongoing", "ongoing"),
    case(FORMS, "Continuous", "ongoing"),
    case(FORMS, "TBA", "tbc", tentative=True),
    case(FORMS, "tbc", "tbc", tentative=True),
    case(FORMS, "contingent upon cabinet", "contingent", depends_on="cabinet"),
    case(FORMS, "contingent on cabinet", "contingent", depends_on="cabinet"),
    case(FORMS, "subject to DfE", "contingent", depends_on="DfE"),
    case(FORMS, "subject to Cabinet approval", "contingent", depends_on="Cabinet approval"),
]


@pytest.mark.parametrize(("context", "text", "expected"), PHRASES)
def test_reads_phrase(context, text, expected):
    assert read_when(text, context) == expected


def test_the_table_pins_enough_distinct_phrases():
    assert len({p.values[1] for p in PHRASES}) >= 80


def test_text_is_kept_exactly_as_written():
    assert read_when("  TBC March 22 ", dt.date(2021, 9, 1)).text == "  TBC March 22 "


def test_reading_round_trips_through_json():
    when = read_when("Quarterly wef Jan 2022", dt.date(2022, 1, 1))
    assert When.from_json(when.to_json()) == when
    assert when.to_json() == {
        "kind": "recurring",
        "start": "2022-01-01",
        "end": None,
        "every": "P3M",
        "depends_on": None,
        "tentative": False,
        "text": "Quarterly wef Jan 2022",
        # The fields issue 11 added: a reading with none of them says so.
        "estimated": False,
        "duration": None,
        "anchor": None,
    }


# --- the year of a phrase that has none


@pytest.mark.parametrize(
    ("context", "expected_start"),
    [
        ("2021-09-01", "2022-01-01"),  # January 2021 is over: next January
        ("2022-01-01", "2022-01-01"),
        ("2022-01-31", "2022-01-01"),  # still January: this one
        ("2022-02-01", "2023-01-01"),
    ],
)
def test_month_without_a_year_is_the_first_one_ending_on_or_after_the_context(context, expected_start):
    assert read_when("Jan", dt.date.fromisoformat(context)).start == dt.date.fromisoformat(expected_start)


def test_day_without_a_year_is_on_or_after_the_context():
    assert read_when("6 January", dt.date(2022, 1, 6)).start == dt.date(2022, 1, 6)
    assert read_when("6 January", dt.date(2022, 1, 7)).start == dt.date(2023, 1, 6)


def test_two_digit_years_are_this_century():
    assert read_when("Jan 08", dt.date(2021, 9, 1)).start == dt.date(2008, 1, 1)
    assert read_when("6 January 22", dt.date(2030, 1, 1)).start == dt.date(2022, 1, 6)


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("Thursday 23 July", "2020-11-01", "2020-07-23"),  # not 2021 (a Friday): one year back
        ("Thursday 23 July", "2020-06-01", "2020-07-23"),
        ("Thursday 23 July", "2026-01-01", "2026-07-23"),  # forwards first
        ("Friday 23 July", "2021-09-01", "2021-07-23"),  # 2022 is a Saturday; back to 2021
        ("Thursday 29 February", "2022-06-15", "2024-02-29"),
        ("Monday 21/02/2022", "2021-09-01", "2022-02-21"),
    ],
)
def test_a_weekday_fixes_the_year(text, context, expected):
    when = read_when(text, dt.date.fromisoformat(context))
    assert (when.kind, when.start, when.end) == ("date", dt.date.fromisoformat(expected), dt.date.fromisoformat(expected))


def test_a_weekday_that_contradicts_the_year_is_an_error():
    with pytest.raises(WhenError) as caught:
        read_when("Thursday 23 July 2021", dt.date(2021, 9, 1))
    assert "'Thursday 23 July 2021'" in str(caught.value)
    assert "Friday" in str(caught.value)


def test_year_written_once_at_the_end_covers_both_ends():
    when = read_when("October/November 21", dt.date(2030, 1, 1))
    assert (when.start, when.end) == (dt.date(2021, 10, 1), dt.date(2021, 11, 30))


def test_half_terms_use_the_term_table_passed_in():
    terms = SchoolTerms.from_yaml(COUNCIL_TERMS)
    when = read_when("October half term", dt.date(2021, 9, 1), terms=terms)
    assert (when.start, when.end) == (dt.date(2021, 10, 18), dt.date(2021, 10, 22))
    with pytest.raises(WhenError) as caught:
        read_when("October half term 2025", dt.date(2021, 9, 1), terms=terms)
    assert "no academic year 2025/26" in str(caught.value)


COUNCIL_TERMS = """
academic_years:
  - starting: 2021
    autumn_term:        {start: 2021-09-06, end: 2021-12-17}
    october_half_term:  {start: 2021-10-18, end: 2021-10-22}
    spring_term:        {start: 2022-01-05, end: 2022-04-01}
    february_half_term: {start: 2022-02-14, end: 2022-02-18}
    summer_term:        {start: 2022-04-19, end: 2022-07-20}
    may_half_term:      {start: 2022-05-30, end: 2022-06-03}
"""


# --- what cannot be read is an error that quotes it


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("soonish", "not a date phrase"),
        ("the 45th of March", "March has no day 45"),
        ("", "no words"),
        ("   ", "no words"),
        ("31/02/2022", "February has no day 31"),
        ("29/02/2021", "2021 has no 29 February"),
        ("13/13/2022", "no month 13"),
        ("Q5 2022", "no quarter 5"),
        ("Q3", "say which year"),
        ("5 times a year", "not an even step"),
        ("October 21 to December 20", "before it starts"),
        ("Two months Jan 22", "do not fit"),
        ("early Autumn term 2021", "only divides"),
        ("Thursday", "not a date phrase"),
        ("half term", "not a date phrase"),
        ("March?", "'?'"),
        ("June DfE contingent", "not a date phrase"),
        ("by contingent", "not a date phrase"),
        ("within weeks", "not a date phrase"),
    ],
)
def test_unreadable_phrases_are_errors_quoting_the_phrase(text, reason):
    with pytest.raises(WhenError) as caught:
        read_when(text, dt.date(2021, 9, 1))
    assert caught.value.text == text
    assert repr(text) in str(caught.value)
    assert reason in str(caught.value)


# --- cells holding several phrases (seed 002's "When (2022)" column)

SEED_002_CELLS = [
    ("Jan Jan Wef Feb onwards", ["Jan", "Jan", "Wef Feb onwards"]),
    ("Feb/July  March  March April/July", ["Feb/July", "March", "March", "April/July"]),
    ("Feb Feb March April May  July", ["Feb", "Feb", "March", "April", "May", "July"]),
    ("May  June  DfE contingent April", ["May", "June", "DfE contingent", "April"]),
    ("March  April  April  May", ["March", "April", "April", "May"]),
    (
        "March April  Quarterly wef Jan 2022 6 times a year",
        ["March", "April", "Quarterly wef Jan 2022", "6 times a year"],
    ),
    ("March April May", ["March", "April", "May"]),
    ("March April", ["March", "April"]),
    ("Feb March April", ["Feb", "March", "April"]),
    ("March  July July", ["March", "July", "July"]),
    ("Feb", ["Feb"]),
    ("Jan Jan  Feb Feb", ["Jan", "Jan", "Feb", "Feb"]),
    ("March  March April", ["March", "March", "April"]),
    ("April Aug", ["April", "Aug"]),
    ("April May May", ["April", "May", "May"]),
    ("March May June", ["March", "May", "June"]),
]


@pytest.mark.parametrize(("cell", "texts"), SEED_002_CELLS, ids=[cell for cell, _ in SEED_002_CELLS])
def test_splits_each_when_cell_of_seed_002(cell, texts):
    context = dt.date(2022, 1, 1)
    whens = read_when_list(cell, context)
    assert [w.text for w in whens] == texts
    assert whens == [read_when(text, context) for text in texts]
    assert read_when_list(cell, context, expected=len(texts)) == whens


def test_split_cell_readings_are_the_2022_dates():
    whens = read_when_list("March April  Quarterly wef Jan 2022 6 times a year", dt.date(2022, 1, 1))
    assert [(w.kind, w.start, w.end, w.every) for w in whens] == [
        ("window", dt.date(2022, 3, 1), dt.date(2022, 3, 31), None),
        ("window", dt.date(2022, 4, 1), dt.date(2022, 4, 30), None),
        ("recurring", dt.date(2022, 1, 1), None, "P3M"),
        ("recurring", dt.date(2022, 1, 1), None, "P2M"),
    ]
    contingent = read_when_list("May  June  DfE contingent April", dt.date(2022, 1, 1))[2]
    assert (contingent.kind, contingent.depends_on) == ("contingent", "DfE")


def test_expected_count_chooses_between_equally_short_splits():
    context = dt.date(2022, 1, 1)
    assert [w.text for w in read_when_list("March TBC April", context)] == ["March TBC", "April"]
    assert [w.text for w in read_when_list("March TBC April", context, expected=3)] == ["March", "TBC", "April"]


def test_expected_count_that_cannot_be_met_falls_back_to_the_fewest():
    assert [w.text for w in read_when_list("Jan Jan Wef Feb onwards", dt.date(2022, 1, 1), expected=5)] == [
        "Jan",
        "Jan",
        "Wef Feb onwards",
    ]


def test_lines_split_first():
    whens = read_when_list("Jan\nFeb/March\n  TBC ", dt.date(2022, 1, 1))
    assert [w.text for w in whens] == ["Jan", "Feb/March", "TBC"]
    # "March 2022" across a line break is two phrases, not one.
    assert [w.text for w in read_when_list("March\n2022", dt.date(2022, 1, 1))] == ["March", "2022"]


def test_a_financial_year_beside_a_month_is_two_phrases():
    whens = read_when_list("2022/23 Feb", dt.date(2022, 1, 1))
    assert [(w.text, w.start, w.end) for w in whens] == [
        ("2022/23", dt.date(2022, 4, 1), dt.date(2023, 3, 31)),
        ("Feb", dt.date(2022, 2, 1), dt.date(2022, 2, 28)),
    ]


@pytest.mark.parametrize(("cell", "part"), [("Jan soonish Feb", "soonish"), ("Jan Feb  blah", "blah"), ("  ", None)])
def test_unreadable_cell_quotes_the_cell_and_the_part(cell, part):
    with pytest.raises(WhenError) as caught:
        read_when_list(cell, dt.date(2022, 1, 1))
    assert caught.value.text == cell
    if part:
        assert repr(part) in str(caught.value)


# --- terms of a year the table does not hold: estimated by rule, never taken from another year
# (issue 11, fault 4: "autumn term" read in 2011 was autumn 2019, "summer term" in 2019 summer 2020)


def test_a_term_the_table_does_not_hold_is_estimated_never_another_years():
    autumn = read_when("autumn term", dt.date(2011, 1, 1))
    assert (autumn.kind, autumn.start, autumn.end, autumn.estimated) == (
        "window", dt.date(2011, 9, 5), dt.date(2011, 12, 20), True
    )
    summer = read_when("summer term", dt.date(2019, 1, 1))
    assert (summer.start, summer.end, summer.estimated) == (dt.date(2019, 4, 23), dt.date(2019, 7, 22), True)
    assert read_when("autumn term", dt.date(2011, 1, 1)).to_json()["estimated"] is True


def test_every_reading_that_used_an_estimated_term_says_so():
    for text in ("October half term", "Autumn term 2011", "after the summer holidays", "first half of the spring term"):
        assert read_when(text, dt.date(2010, 11, 11)).estimated, text


def test_a_reading_from_the_table_is_not_estimated_even_if_an_estimate_was_tried():
    # 2018's autumn term (estimated) ends before the context; 2019's is in the table.
    autumn = read_when("autumn term", dt.date(2019, 1, 1))
    assert (autumn.start, autumn.end, autumn.estimated) == (dt.date(2019, 9, 4), dt.date(2019, 12, 20), False)
    assert not read_when("Autumn Term 21", dt.date(2021, 10, 5)).estimated
    assert not read_when("15 March 2022", dt.date(2021, 10, 5)).estimated


def test_a_council_table_is_not_extended_by_estimates():
    terms = SchoolTerms.from_yaml(COUNCIL_TERMS)
    with pytest.raises(WhenError) as caught:
        read_when("autumn term", dt.date(2011, 1, 1), terms=terms)
    assert "no academic year" in str(caught.value)


def test_a_term_too_far_from_any_table_is_an_error():
    with pytest.raises(WhenError) as caught:
        read_when("autumn term 1985", dt.date(2021, 9, 1))
    assert "'autumn term 1985'" in str(caught.value) and "1990/91 to 2049/50" in str(caught.value)


def test_a_weekday_is_looked_for_only_three_years_either_side_of_the_context():
    with pytest.raises(WhenError) as caught:
        read_when("Friday 29 February", dt.date(2022, 1, 1))
    assert "29 February is not a Friday in any year from 2019 to 2025" in str(caught.value)


def test_a_phrase_no_rule_reads_names_the_families_govflow_reads():
    with pytest.raises(WhenError) as caught:
        read_when("soonish", dt.date(2021, 9, 1))
    message = str(caught.value)
    assert "'soonish'" in message
    for family in ("w/c 24 October 2022", "first half of 2024", "12 weeks after Cabinet", "in writing by", "subject to"):
        assert family in message
