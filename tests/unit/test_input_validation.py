"""Mutated input files (issue 12's reliability campaign): every value the readers would once store and
then choke on, crash on, or accept silently is refused at load with a LoadError naming the file, the
row and the field. Each case is one of the inputs the campaign found."""
import datetime as dt
import io
import time

import pytest
from openpyxl import Workbook

from governance_model.errors import LoadError
from governance_model.importing.plan_table import read_plan_csv, read_plan_xlsx
from governance_model.importing.progress_updates import read_progress_updates
from governance_model.importing.setup_yaml import read_setup
from governance_model.importing.term_dates import read_term_dates_yaml

BASE = """\
context: 2021-09-01
people:
  - {initials: GB, name: Gary Bloom, email: gb@example.org}
bodies:
  - code: SSPB
    name: SEND Strategic Partnership Board
    papers_lead_days: 5
    reminder_days: [10, 5]
    meetings:
      dates:
        - at: 2021-10-06 14:00
documents:
  - key: strategy
    title: Strategy
    dated: 2021-09-01
    owner: GB
    versions:
      - {number: 11, label: Version 11}
    route:
      - {key: a, kind: share, body: SSPB, when: 6 th October 21, title: Shared}
      - {key: b, kind: decide, body: SSPB, when: 6 th October 21, title: Decided}
"""


def refused(text: str) -> LoadError:
    with pytest.raises(LoadError) as caught:
        read_setup(text, "council.yaml")
    return caught.value


def test_the_base_setup_reads():
    setup = read_setup(BASE, "council.yaml")
    assert [s.key for s in setup.documents[0].route.steps] == ["a", "b"]


# ---- (2) values that loaded and then stopped every nightly run


@pytest.mark.parametrize(
    "old, new, row, column",
    [
        ("- at: 2021-10-06 14:00", "- at: 9999-12-31 23:59", 11, "at"),
        ("reminder_days: [10, 5]", "reminder_days: [1000000]", 5, "reminder_days"),
        ("papers_lead_days: 5", "papers_lead_days: 1000000", 5, "papers_lead_days"),
    ],
)
def test_values_out_of_bounds_are_refused_naming_row_and_field(old, new, row, column):
    error = refused(BASE.replace(old, new))
    assert (error.file, error.row, error.column) == ("council.yaml", row, column)


# ---- (4) YAML anchors and nesting


def test_nested_anchors_are_refused_before_they_expand():
    # The campaign's file: a few hundred bytes of anchors, each a list of ten aliases of the one
    # before, once stored as one glossary meaning hundreds of megabytes long (here a million values).
    lines = ["glossary:", "  A0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"  A{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 6)]
    started = time.monotonic()
    error = refused("\n".join(lines) + "\n")
    assert time.monotonic() - started < 5
    assert error.row == 4 and "alias" in str(error) and "nested" in str(error)


def test_an_alias_repeated_beyond_the_bound_is_refused():
    big = "[" + ", ".join(["x"] * 1000) + "]"
    uses = "".join(f"  B{i}: *big\n" for i in range(300))
    error = refused(f"glossary:\n  BIG: &big {big}\n{uses}")
    assert "aliases expanded" in str(error)


def test_deep_nesting_is_refused_not_a_recursion_error():
    error = refused("people: " + "[" * 1000 + "]" * 1000 + "\n")
    assert error.row == 1 and "nested more than" in str(error)


def test_a_plain_alias_still_reads():
    text = BASE.replace("  - {initials: GB, name: Gary Bloom, email: gb@example.org}", "  - &gb {initials: GB, name: Gary Bloom, email: gb@example.org}")
    text = text.replace("    owner: GB\n", "    owner: GB\n") + "glossary: {SSPB: SEND Strategic Partnership Board}\n"
    assert read_setup(text, "council.yaml").people[0].initials == "GB"


# ---- (5) inputs that crashed with a traceback


@pytest.mark.parametrize(
    "old, new, row, column",
    [
        ("dated: 2021-09-01", "dated: 2021-02-30", 15, None),
        ("{number: 11, label: Version 11}", "{number: eleven, label: Version 11}", 18, "number"),
        ("{key: a, kind: share,", "{key: a, waits_for: 5, kind: share,", 20, "waits_for"),
        ("papers_lead_days: 5", "papers_lead_days: 9223372036854775808", 5, "papers_lead_days"),
        ("{number: 11, label: Version 11}", "{number: 9223372036854775808, label: Version 11}", 18, "number"),
        ("papers_lead_days: 5", "papers_lead_days: " + "9" * 5000, 5, "papers_lead_days"),
        ("      dates:\n", "      rule: third Tuesday of every month at 14:00\n      from: 2021-09-01\n      until: 9999-12-31\n      dates:\n", 10, "until"),
        ("key: strategy", "key: " + "s" * 161, 13, "key"),
        ("email: gb@example.org", "email: " + "g" * 250 + "@example.org", 3, "email"),
        ("title: Strategy", 'title: "Strat\\0egy"', 13, "title"),
        ("name: Gary Bloom", 'name: "Gary\\0Bloom"', 3, "name"),
    ],
)
def test_inputs_that_crashed_are_load_errors(old, new, row, column):
    assert old in BASE
    error = refused(BASE.replace(old, new))
    assert error.file == "council.yaml" and error.row == row
    if column:
        assert error.column == column


def test_a_numeric_title_reads_as_the_text_written():
    setup = read_setup(BASE.replace("title: Strategy", "title: 12345"), "council.yaml")
    assert setup.documents[0].title == "12345"


def test_a_when_heading_outside_the_supported_years_is_refused():
    plan = "No,Recommendation,Summary actions,When (from 0001-01-01),Who,Measure of success\n1,Do it,Act,March,GB,Done\n"
    with pytest.raises(LoadError) as caught:
        read_plan_csv(plan.encode(), "plan.csv")
    assert (caught.value.row, caught.value.column) == (1, "When (from 0001-01-01)")


def test_a_nul_in_a_plan_cell_is_refused_with_its_row():
    plan = "No,Recommendation,Summary actions,When (2022),Who,Measure of success\n1,Do\x00it,Act,March,GB,Done\n"
    with pytest.raises(LoadError) as caught:
        read_plan_csv(plan.encode(), "plan.csv")
    assert caught.value.row == 2 and "U+0000" in str(caught.value)


def test_a_progress_update_far_in_the_future_is_refused():
    text = "Recommendation 1 update\nDate: 9999-12-31\nWhat we have done so far:\n- a thing\n"
    with pytest.raises(LoadError) as caught:
        read_progress_updates(text, "updates.txt", recorded_on=None)
    assert caught.value.row == 2


def test_a_progress_update_for_a_huge_action_number_is_refused():
    text = "Recommendation 1, action " + "9" * 5000 + " update\nWhat we have done so far:\n- a thing\n"
    with pytest.raises(LoadError) as caught:
        read_progress_updates(text, "updates.txt", recorded_on=dt.date(2022, 1, 1))
    assert caught.value.row == 1


def test_term_dates_yaml_with_a_date_in_the_year_9999_is_refused():
    text = "terms:\n  - {name: Autumn term, start: 2024-09-02, end: 9999-12-20}\n"
    with pytest.raises(LoadError) as caught:
        read_term_dates_yaml(text, "terms.yaml")
    assert (caught.value.row, caught.value.column) == (2, "terms[0].end")


# ---- (6) input that was accepted silently


def test_a_key_given_twice_names_both_lines():
    text = BASE.replace("bodies:", "people:\n  - {initials: XY, name: Someone}\nbodies:")
    error = refused(text)
    assert (error.row, error.column) == (4, "people")
    assert "lines 2 and 4" in str(error)


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("{key: b, kind: decide,", "{key: b, waits_for: b, kind: decide,", "waits for itself"),
        ("{key: a, kind: share,", "{key: a, waits_for: b, kind: share,", "circle"),
    ],
)
def test_a_step_waiting_for_itself_or_in_a_circle_is_refused(old, new, message):
    error = refused(BASE.replace(old, new))
    assert error.column == "waits_for" and message in str(error)


@pytest.mark.parametrize(
    "old, new, column",
    [
        ("email: gb@example.org", "email: 12345", "email"),
        ("{number: 11, label: Version 11}", "{number: 11.7, label: Version 11}", "number"),
        ("{number: 11, label: Version 11}", "{number: 11, label: Version 11, dated: yesterday}", "dated"),
    ],
)
def test_values_of_the_wrong_type_are_refused_not_coerced(old, new, column):
    error = refused(BASE.replace(old, new))
    assert (error.row, error.column) == (3 if column == "email" else 18, column)


def test_unknown_initials_in_a_plans_who_column_are_refused():
    plan = "No,Recommendation,Summary actions,When (2022),Who,Measure of success\n1,Do it,Act,March,GB,Done\n2,Do more,Act,April,ZZ,Done\n"
    assert read_plan_csv(plan.encode(), "plan.csv", people={"GB", "ZZ"}).recommendations[1].owner == "ZZ"
    with pytest.raises(LoadError) as caught:
        read_plan_csv(plan.encode(), "plan.csv", people={"GB"})
    assert (caught.value.row, caught.value.column, caught.value.text) == (3, "Who", "ZZ")


def test_an_xlsx_formula_without_a_saved_value_is_refused_not_read_as_empty():
    book = Workbook()
    sheet = book.active
    sheet.append(["No", "Recommendation", "Summary actions", "When (2022)", "Who", "Measure of success"])
    sheet.append([1, "Do it", "Act", "March", "GB", "Done"])
    sheet.append([2, "Do more", "Act", '=CONCAT("Ap", "ril")', "GB", "Done"])  # openpyxl saves no value
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(LoadError) as caught:
        read_plan_xlsx(data.getvalue(), "plan.xlsx")
    assert (caught.value.row, caught.value.column) == (3, "D") and "formula" in str(caught.value)


def test_an_xlsx_sheet_longer_than_the_row_limit_is_refused():
    book = Workbook()
    sheet = book.active
    sheet.append(["No", "Recommendation", "Summary actions", "When (2022)", "Who", "Measure of success"])
    for number in range(1, 30):
        sheet.append([number, "Do it", "Act", "March", "GB", "Done"])
    data = io.BytesIO()
    book.save(data)
    assert len(read_plan_xlsx(data.getvalue(), "plan.xlsx", max_rows=30).recommendations) == 29
    with pytest.raises(LoadError) as caught:
        read_plan_xlsx(data.getvalue(), "plan.xlsx", max_rows=20)
    assert caught.value.row == 21
