"""School term dates: the shipped table, a council's replacement, and the errors a bad file gives."""
from __future__ import annotations

import datetime as dt

import pytest

from governance_model.errors import LoadError
from governance_model.school_terms import SchoolTerms, TermNotFound

D = dt.date

COUNCIL = """
council: Southend-on-Sea
academic_years:
  - starting: 2021
    autumn_term:        {start: 2021-09-06, end: 2021-12-17}
    october_half_term:  {start: 2021-10-18, end: 2021-10-22}
    spring_term:        {start: 2022-01-05, end: 2022-04-01}
    february_half_term: {start: 2022-02-14, end: 2022-02-18}
    summer_term:        {start: 2022-04-19, end: 2022-07-20}
    may_half_term:      {start: "2022-05-30", end: "2022-06-03"}
"""


def test_shipped_table_covers_2019_20_to_2027_28():
    assert SchoolTerms.default().academic_years() == list(range(2019, 2028))


def test_shipped_half_terms():
    terms = SchoolTerms.default()
    assert terms.half_term("october", academic_year_starting=2021) == (D(2021, 10, 25), D(2021, 10, 29))
    assert terms.half_term("february", academic_year_starting=2021) == (D(2022, 2, 21), D(2022, 2, 25))
    assert terms.half_term("may", academic_year_starting=2021) == (D(2022, 5, 30), D(2022, 6, 3))
    assert terms.half_term("Whitsun", academic_year_starting=2019) == (D(2020, 5, 25), D(2020, 5, 29))


def test_shipped_terms():
    terms = SchoolTerms.default()
    assert terms.term("autumn", academic_year_starting=2021) == (D(2021, 9, 2), D(2021, 12, 17))
    assert terms.term("spring", academic_year_starting=2021) == (D(2022, 1, 4), D(2022, 4, 8))
    assert terms.term("summer", academic_year_starting=2021) == (D(2022, 4, 25), D(2022, 7, 22))
    assert terms.term("summer", academic_year_starting=2027) == (D(2028, 4, 24), D(2028, 7, 21))


def test_every_shipped_half_term_is_a_monday_to_friday_inside_its_term():
    terms = SchoolTerms.default()
    for year in terms.academic_years():
        for half, term in (("october", "autumn"), ("february", "spring"), ("may", "summer")):
            start, end = terms.half_term(half, academic_year_starting=year)
            term_start, term_end = terms.term(term, academic_year_starting=year)
            assert (start.weekday(), end.weekday(), (end - start).days) == (0, 4, 4)
            assert term_start < start and end < term_end


def test_lookups_outside_the_table_say_what_it_covers():
    with pytest.raises(TermNotFound) as caught:
        SchoolTerms.default().half_term("october", academic_year_starting=2030)
    assert "2030/31" in str(caught.value) and "2019/20 to 2027/28" in str(caught.value)
    with pytest.raises(TermNotFound):
        SchoolTerms.default().term("michaelmas", academic_year_starting=2021)


def test_a_council_replaces_the_table():
    terms = SchoolTerms.from_yaml(COUNCIL, source="southend.yaml")
    assert terms.academic_years() == [2021]
    assert terms.half_term("october", academic_year_starting=2021) == (D(2021, 10, 18), D(2021, 10, 22))
    assert terms.half_term("may", academic_year_starting=2021) == (D(2022, 5, 30), D(2022, 6, 3))
    assert terms.term("autumn", academic_year_starting=2021) == (D(2021, 9, 6), D(2021, 12, 17))


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("    may_half_term:      {start: \"2022-05-30\", end: \"2022-06-03\"}\n", "", "academic_years[0].may_half_term"),
        ("2021-09-06", "6th September", "academic_years[0].autumn_term.start"),
        ("autumn_term:", "autum_term:", "academic_years[0].autum_term"),
        ("2021-10-18", "2021-09-01", "academic_years[0].october_half_term"),
        ("end: 2022-04-01", "end: 2022-04-30", "academic_years[0].summer_term.start"),
        ("starting: 2021", "starting: twenty", "academic_years[0].starting"),
        ("{start: 2022-02-14, end: 2022-02-18}", "{start: 2022-02-18, end: 2022-02-14}", "academic_years[0].february_half_term"),
    ],
)
def test_bad_term_files_name_the_field(old, new, field):
    assert old in COUNCIL
    with pytest.raises(LoadError) as caught:
        SchoolTerms.from_yaml(COUNCIL.replace(old, new), source="southend.yaml")
    assert caught.value.column == field
    assert f"column {field!r}" in str(caught.value) and "southend.yaml" in str(caught.value)


def test_text_that_is_not_yaml_is_a_load_error_with_its_line():
    with pytest.raises(LoadError) as caught:
        SchoolTerms.from_yaml("academic_years:\n  - starting: [2021\n", source="terms.yaml")
    assert caught.value.file == "terms.yaml" and caught.value.row is not None


def test_a_file_without_academic_years_names_the_field():
    with pytest.raises(LoadError) as caught:
        SchoolTerms.from_yaml("years: []")
    assert caught.value.column == "academic_years"
