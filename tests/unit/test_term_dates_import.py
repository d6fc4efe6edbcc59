"""A council's published term dates read from .ics, CSV and YAML files (issue 11), and the errors a
bad file gives. The files in tests/data/terms/ hold real published dates (their sources in comments)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from governance_model.errors import LoadError
from governance_model.importing.term_dates import (
    is_term_dates_file,
    read_term_dates_csv,
    read_term_dates_file,
    read_term_dates_ics,
    read_term_dates_yaml,
)
from governance_model.when import read_when

D = dt.date
TERMS = Path(__file__).resolve().parents[1] / "data" / "terms"


def table(terms, year):
    return (
        [terms.term(name, year) for name in ("autumn", "spring", "summer")],
        [terms.half_term(name, year) for name in ("october", "february", "may")],
    )


# --- the three published files


def test_solihull_csv_as_published():
    terms = read_term_dates_file("solihull-2024-25.csv", (TERMS / "solihull-2024-25.csv").read_bytes())
    assert terms.academic_years() == [2024]
    assert table(terms, 2024) == (
        [(D(2024, 9, 2), D(2024, 12, 20)), (D(2025, 1, 6), D(2025, 4, 11)), (D(2025, 4, 28), D(2025, 7, 21))],
        [(D(2024, 10, 28), D(2024, 11, 1)), (D(2025, 2, 17), D(2025, 2, 21)), (D(2025, 5, 26), D(2025, 5, 30))],
    )
    assert terms.source == "solihull-2024-25.csv"


def test_bromley_yaml_joins_each_term_of_two_parts_and_keeps_its_two_week_half_term():
    terms = read_term_dates_file("bromley-2024-25.yaml", (TERMS / "bromley-2024-25.yaml").read_bytes())
    assert table(terms, 2024) == (
        [(D(2024, 8, 27), D(2024, 12, 20)), (D(2025, 1, 6), D(2025, 4, 4)), (D(2025, 4, 22), D(2025, 7, 23))],
        [(D(2024, 10, 21), D(2024, 11, 1)), (D(2025, 2, 17), D(2025, 2, 21)), (D(2025, 5, 26), D(2025, 5, 30))],
    )


def test_essex_ics_with_six_terms_holidays_and_a_folded_line():
    terms = read_term_dates_file("essex-2021-22.ics", (TERMS / "essex-2021-22.ics").read_bytes())
    assert table(terms, 2021) == (
        [(D(2021, 9, 1), D(2021, 12, 17)), (D(2022, 1, 4), D(2022, 4, 1)), (D(2022, 4, 19), D(2022, 7, 22))],
        [(D(2021, 10, 25), D(2021, 10, 29)), (D(2022, 2, 14), D(2022, 2, 18)), (D(2022, 5, 30), D(2022, 6, 3))],
    )


def test_the_reader_uses_the_councils_own_dates_and_does_not_estimate_beyond_them():
    terms = read_term_dates_yaml((TERMS / "bromley-2024-25.yaml").read_bytes(), "bromley-2024-25.yaml")
    half_term = read_when("October half term", D(2024, 9, 1), terms=terms)
    assert (half_term.start, half_term.end, half_term.estimated) == (D(2024, 10, 21), D(2024, 11, 1), False)
    with pytest.raises(Exception) as caught:
        read_when("October half term 2025", D(2024, 9, 1), terms=terms)
    assert "no academic year 2025/26" in str(caught.value)


# --- iCalendar details


def ics(*events: str, head: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{event.strip()}\r\nEND:VEVENT\r\n" for event in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{head}{body}END:VCALENDAR\r\n".encode()


YEAR_2024 = [
    ("Autumn term", "20240904", "20241221"),
    ("October half term", "20241028", "20241102"),
    ("Spring term", "20250106", "20250405"),
    ("February half term", "20250217", "20250222"),
    ("Summer term", "20250422", "20250723"),
    ("May half term", "20250526", "20250531"),
]


def all_day(summary: str, start: str, end: str) -> str:
    return f"SUMMARY:{summary}\r\nDTSTART;VALUE=DATE:{start}\r\nDTEND;VALUE=DATE:{end}"


def test_ics_dtend_of_an_all_day_event_is_the_day_after():
    terms = read_term_dates_ics(ics(*(all_day(*e) for e in YEAR_2024)), "feed.ics")
    assert terms.term("autumn", 2024) == (D(2024, 9, 4), D(2024, 12, 20))
    assert terms.half_term("may", 2024) == (D(2025, 5, 26), D(2025, 5, 30))


def test_ics_date_times_duration_escapes_and_lower_case_names():
    events = [all_day(*e) for e in YEAR_2024[1:]]
    events[0] = "SUMMARY:October half term\r\nDTSTART;VALUE=DATE:20241028\r\nDURATION:P5D"
    events.insert(
        0,
        # 23:00 UTC on 3 September is midnight in London: the term starts on the 4th. DTEND at
        # 15:30 on the last day includes that day.
        "summary:Autumn term\\, 2024\r\ndtstart:20240903T230000Z\r\nDTEND;TZID=Europe/London:20241220T153000",
    )
    terms = read_term_dates_ics(ics(*events), "feed.ics")
    assert terms.term("autumn", 2024) == (D(2024, 9, 4), D(2024, 12, 20))
    assert terms.half_term("october", 2024) == (D(2024, 10, 28), D(2024, 11, 1))


def test_ics_folded_summary_and_lf_line_ends():
    events = [all_day(*e) for e in YEAR_2024]
    events[0] = events[0].replace("SUMMARY:Autumn term", "SUMMARY:Autu\r\n\tmn term")
    terms = read_term_dates_ics(ics(*events).replace(b"\r\n", b"\n"), "feed.ics")
    assert terms.term("autumn", 2024) == (D(2024, 9, 4), D(2024, 12, 20))


def test_ics_a_date_with_no_end_is_one_day():
    events = [all_day(*e) for e in YEAR_2024] + ["SUMMARY:INSET day\r\nDTSTART;VALUE=DATE:20240902"]
    assert read_term_dates_ics(ics(*events), "feed.ics").academic_years() == [2024]


def ics_error(events, head=""):
    with pytest.raises(LoadError) as caught:
        read_term_dates_ics(ics(*events, head=head), "feed.ics")
    return caught.value


@pytest.mark.parametrize(
    ("change", "row", "column", "text", "message"),
    [
        (lambda e: e.replace("DTSTART;VALUE=DATE:20240904", "DTSTART;VALUE=DATE:2024-09-04"), 5, "DTSTART", "2024-09-04", "YYYYMMDD"),
        (lambda e: e.replace("DTSTART;VALUE=DATE:20240904", "DTSTART;VALUE=DATE:20240931"), 5, "DTSTART", "20240931", "not a real date"),
        (lambda e: e.replace("DTEND;VALUE=DATE:20241221", "DTEND;VALUE=DATE:20240904"), 6, "DTEND", "20240904", "ends before it starts"),
        (lambda e: e.replace("SUMMARY:Autumn term\r\n", ""), 3, "SUMMARY", "BEGIN:VEVENT", "no SUMMARY"),
        (lambda e: e.replace("DTSTART;VALUE=DATE:20240904", "DTSTART;TZID=Mars/Olympus:20240904T090000"), 5, "DTSTART", "20240904T090000", "unknown time zone"),
        (lambda e: e.replace("SUMMARY:Autumn term", "SUMMARY:Harvest festival"), 3, "SUMMARY", "Harvest festival", "not a term"),
        (lambda e: e.replace("DTEND;VALUE=DATE:20241221", "DTEND;VALUE=DATE:20241221\r\nDURATION:P5D"), 7, "DURATION", "P5D", "both DTEND and DURATION"),
        (lambda e: e.replace("SUMMARY:Autumn term", "SUMMARY;LANGUAGE=en:Autumn term\r\nSUMMARY:Autumn"), 5, "SUMMARY", "Autumn", "given twice"),
        (lambda e: e.replace("SUMMARY:Autumn term", "SUMMARY Autumn term"), 4, "SUMMARY", "SUMMARY Autumn term", "no ':'"),
    ],
)
def test_ics_errors_name_the_file_line_property_and_text(change, row, column, text, message):
    events = [all_day(*e) for e in YEAR_2024]
    events[0] = change(events[0])
    error = ics_error(events)
    assert (error.file, error.row, error.column, error.text) == ("feed.ics", row, column, text)
    assert message in str(error) and "feed.ics" in str(error)


def test_ics_that_is_not_a_calendar():
    with pytest.raises(LoadError) as caught:
        read_term_dates_ics(b"name,start,end\n", "terms.ics")
    assert "BEGIN:VCALENDAR" in str(caught.value) and caught.value.row == 1
    with pytest.raises(LoadError) as caught:
        read_term_dates_ics(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Autumn term\r\n", "terms.ics")
    assert "no END:VEVENT" in str(caught.value) and caught.value.row == 2


def test_ics_missing_a_half_term_names_the_year():
    error = ics_error([all_day(*e) for e in YEAR_2024 if e[0] != "May half term"])
    assert "academic year 2024/25 has no may half term" in str(error)


# --- CSV details

CSV = (TERMS / "solihull-2024-25.csv").read_text()


@pytest.mark.parametrize(
    ("old", "new", "row", "column", "text", "message"),
    [
        ("name,start,end", "name,begins,end", 4, None, "name,begins,end", "no start column"),
        ("2024-09-02", "2/9/2024", 5, "start", "2/9/2024", "YYYY-MM-DD"),
        ("2024-12-20", "2024-12-32", 5, "end", "2024-12-32", "YYYY-MM-DD"),
        ("Autumn term 2024,", ",", 5, "name", "", "needs a name"),
        ("Autumn term 2024,", "Autumn picnic,", 5, "name", "Autumn picnic", "not a term"),
        ("2024-10-28,2024-11-01", "2024-11-01,2024-10-28", 6, "end", "2024-11-01 to 2024-10-28", "ends"),
        ("Summer term 2025,2025-04-28", "Summer term 2025,2025-04-10", 11, "start", "2025-04-10", "summer term starts before the spring term ends"),
        ("2025-05-26,2025-05-30", "2025-05-26,2025-05-30,late", 12, None, "Half Term Holiday,2025-05-26,2025-05-30,late", "4 cells"),
    ],
)
def test_csv_errors_name_the_file_row_column_and_text(old, new, row, column, text, message):
    assert old in CSV
    with pytest.raises(LoadError) as caught:
        read_term_dates_csv(CSV.replace(old, new, 1).encode(), "solihull.csv")
    error = caught.value
    assert (error.file, error.row, error.column, error.text) == ("solihull.csv", row, column, text)
    assert message in str(error)


def test_csv_with_extra_columns_and_a_byte_order_mark():
    text = "\ufeffName,Start,End,Notes\n" + "\n".join(
        f"{name},{D.fromisoformat(f'{s[:4]}-{s[4:6]}-{s[6:]}')},{D.fromisoformat(f'{e[:4]}-{e[4:6]}-{e[6:]}') - dt.timedelta(days=1)},published"
        for name, s, e in YEAR_2024
    )
    terms = read_term_dates_csv(text.encode("utf-8"), "terms.csv")
    assert terms.term("summer", 2024) == (D(2025, 4, 22), D(2025, 7, 22))


def test_csv_that_is_not_utf8():
    with pytest.raises(LoadError) as caught:
        read_term_dates_csv("name,start,end\nAutumn térm,2024-09-04,2024-12-20\n".encode("cp1252"), "terms.csv")
    assert "UTF-8" in str(caught.value) and caught.value.row == 2


# --- YAML details

YAML = (TERMS / "bromley-2024-25.yaml").read_text()


@pytest.mark.parametrize(
    ("old", "new", "row", "column", "text", "message"),
    [
        ("start: 2024-08-27", "start: 27/08/2024", 8, "terms[0].start", "27/08/2024", "YYYY-MM-DD"),
        ("{name: Half-term, start: 2024-10-21", "{name: Half-term, begin: 2024-10-21", 9, "terms[1].begin", "begin", "unknown field"),
        ("{name: Spring 2025, start: 2025-01-06", "{name: '', start: 2025-01-06", 11, "terms[3].name", "", "needs a name"),
        ("{name: Half Term, start: 2025-02-17", "{name: Lent half term, start: 2025-02-17", 12, "terms[4].name", "Lent half term", "not a term"),
        ("terms:", "term:", 1, "terms", None, "'terms' list"),
    ],
)
def test_yaml_errors_name_the_file_line_field_and_text(old, new, row, column, text, message):
    assert old in YAML
    with pytest.raises(LoadError) as caught:
        read_term_dates_yaml(YAML.replace(old, new, 1).encode(), "bromley.yaml")
    error = caught.value
    assert (error.file, error.row, error.column, error.text) == ("bromley.yaml", row, column, text)
    assert message in str(error)


def test_yaml_in_the_shipped_tables_form():
    shipped = Path(__file__).resolve().parents[2] / "governance_model" / "data" / "term_dates.yaml"
    terms = read_term_dates_yaml(shipped.read_bytes(), "term_dates.yaml")
    assert terms.academic_years() == list(range(2019, 2028)) and not terms.estimates_other_years


def test_yaml_that_is_not_yaml():
    with pytest.raises(LoadError) as caught:
        read_term_dates_yaml(b"terms: [{name: Autumn term, start: 2024-09-04\n", "terms.yaml")
    assert caught.value.row is not None and "not valid YAML" in str(caught.value)


def test_an_unknown_file_type():
    with pytest.raises(LoadError) as caught:
        read_term_dates_file("terms.xlsx", b"")
    assert ".ics, .csv, .yaml or .yml" in str(caught.value)


# --- telling term dates from setup and plan files (govflow load takes them all)


@pytest.mark.parametrize("name", ["solihull-2024-25.csv", "bromley-2024-25.yaml", "essex-2021-22.ics"])
def test_the_published_files_are_term_dates(name):
    assert is_term_dates_file(name, (TERMS / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("terms.csv", b"Name, Start ,END\nAutumn term,2024-09-02,2024-12-20\n", True),
        ("terms.csv", b"# a comment\n\nname,start,end\n", True),
        ("terms.csv", b"name,start,end,notes\n", False),  # exactly the three columns
        ("plan.csv", b"No,Recommendation,Summary actions,When (2022),Who,Measure of success\n", False),
        ("plan.csv", "name,start,end\n".encode("utf-16"), False),  # not UTF-8: the plan reader says so
        ("terms.yaml", b"terms:\n  - {name: Autumn term, start: 2024-09-02, end: 2024-12-20}\n", True),
        ("terms.yml", b"academic_years: []\n", True),
        ("setup.yaml", b"terms: terms.ics\npeople: []\n", False),  # a setup naming its term file
        ("setup.yaml", b"people: [\n", False),  # not YAML: the setup reader says where
        ("plan.xlsx", b"PK", False),
    ],
)
def test_what_counts_as_term_dates(name, data, expected):
    assert is_term_dates_file(name, data) is expected
