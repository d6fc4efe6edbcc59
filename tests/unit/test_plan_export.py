"""The plan exported as CSV and Excel: seed 002's columns plus Status and RAG, and a file that loads
back to the same plan (texts, notes, merges, alignments, actions with When, Who and done day, measures)."""
import csv
import datetime as dt
import io
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from governance_model.errors import LoadError
from governance_model.importing import read_plan_csv, read_plan_file, read_plan_text, read_plan_xlsx
from governance_model.model import Action, ActionPlan, Measure, Recommendation
from governance_model.rag import judge_plan
from governance_model.when import read_when
from reports.plan_export import RAG_FILLS, plan_csv, plan_table, plan_xlsx
from tests.data import SEED_002

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND_CSV = ROOT / "examples" / "southend" / "peer-review-plan.csv"
SOUTHEND_CONTEXT = dt.date(2021, 9, 1)  # examples/southend/setup.yaml
AS_OF = dt.date(2022, 5, 1)
SEED_COLUMNS = ["No", "Recommendation", "Summary actions", "When (2022)", "Who", "Measure of success"]

READERS = {"csv": (plan_csv, read_plan_csv), "xlsx": (plan_xlsx, read_plan_xlsx)}


def seed_plan() -> ActionPlan:
    plan, _ = read_plan_text(SEED_002.read_bytes(), SEED_002.name, context=SOUTHEND_CONTEXT)
    return plan


def southend_plan() -> ActionPlan:
    plan, _ = read_plan_file(str(SOUTHEND_CSV), SOUTHEND_CSV.read_bytes(), context=SOUTHEND_CONTEXT)
    return plan


PLANS = {"seed 002": seed_plan, "southend csv": southend_plan}


def contents(plan: ActionPlan) -> list[tuple]:
    """What a round trip must keep, field by field (a failure shows which)."""
    return [
        (
            rec.number,
            rec.text,
            rec.owner,
            rec.note,
            rec.merged_with,
            rec.aligned_with,
            [
                (a.position, a.text, a.owner, a.done_on, a.when and a.when.to_json())
                for a in rec.actions
            ],
            [(m.position, m.text) for m in rec.measures],
        )
        for rec in plan.recommendations
    ]


def round_trip(plan: ActionPlan, fmt: str, judged=None) -> ActionPlan:
    write, read = READERS[fmt]
    return read(write(plan, judged), f"exported.{fmt}")


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --- Round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("judge", [False, True], ids=["plain", "judged"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("source", PLANS)
def test_a_plan_exported_and_read_back_is_the_same_plan(source, fmt, judge):
    plan = PLANS[source]()
    judged = judge_plan(plan, AS_OF) if judge else None
    loaded = round_trip(plan, fmt, judged)
    assert contents(loaded) == contents(plan)
    assert loaded.recommendations == plan.recommendations  # and nothing else differs either
    assert loaded.context_date == plan.context_date == dt.date(2022, 1, 1)
    # The awkward parts of seed 002 survive: 6a's remark, the 4&6 merge, 13's alignment and its
    # continuation row (now one row), the When cells one phrase per action.
    assert loaded.recommendation("6a").note == "*Not a PR team recommendation, but clear from body of the report"
    assert (loaded.recommendation("4").merged_with, loaded.recommendation("6").merged_with) == (["6"], ["4"])
    assert loaded.recommendation("13").aligned_with == ["2"]
    assert [a.when.text for a in loaded.recommendation("13").actions] == ["March", "March", "April", "April", "Aug"]
    assert [a.when.text for a in loaded.recommendation("1").actions] == ["Jan", "Jan", "Wef Feb onwards"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_actions_done_keep_their_days(fmt):
    plan = seed_plan()
    plan.recommendation("11").actions[0].done_on = dt.date(2022, 2, 14)
    plan.recommendation("13").actions[4].done_on = dt.date(2022, 4, 20)  # on the seed's continuation row
    for judged in (None, judge_plan(plan, AS_OF)):
        loaded = round_trip(plan, fmt, judged)
        assert loaded.recommendation("11").actions[0].done_on == dt.date(2022, 2, 14)
        assert loaded.recommendation("13").actions[4].done_on == dt.date(2022, 4, 20)
        assert sum(1 for r in loaded.recommendations for a in r.actions if a.done_on) == 2
        assert contents(loaded) == contents(plan)


def test_an_unjudged_plan_with_actions_done_still_has_a_status_column():
    plan = seed_plan()
    assert plan_table(plan, None)[0] == SEED_COLUMNS  # nothing done, nothing judged: the seed's columns
    plan.recommendation("11").actions[0].done_on = dt.date(2022, 2, 14)
    header, rows = plan_table(plan, None)
    assert header == SEED_COLUMNS + ["Status"]
    eleven = next(row for row in rows if row[0] == "11")
    assert eleven[-1] == "complete on 2022-02-14"


def test_a_completion_after_the_report_day_is_not_in_a_report_as_of_that_day():
    plan = seed_plan()
    plan.recommendation("11").actions[0].done_on = dt.date(2022, 6, 1)
    header, rows = plan_table(plan, judge_plan(plan, AS_OF))
    eleven = next(row for row in rows if row[0] == "11")
    assert eleven[header.index("Status")] == "open"
    header, rows = plan_table(plan, judge_plan(plan, dt.date(2022, 6, 1)))
    assert next(row for row in rows if row[0] == "11")[header.index("Status")] == "complete on 2022-06-01"


def test_links_the_notes_do_not_say_are_written_so_they_read_back():
    plan = seed_plan()
    four, six, thirteen = plan.recommendation("4"), plan.recommendation("6"), plan.recommendation("13")
    four.note = six.note = ""  # the merge is kept, the remark that said so is not
    thirteen.note = "*aligned to recommendation 2"  # already said: no second "Aligned to" line
    thirteen.aligned_with = ["2", "5"]
    header, rows = plan_table(plan)
    by_number = {row[0]: row for row in rows}
    assert by_number["4"][1].endswith("\n*merged with recommendation 6")
    assert by_number["13"][2].startswith("Aligned to recommendation 5\nTraining programme")
    loaded = read_plan_csv(plan_csv(plan), "exported.csv")
    assert (loaded.recommendation("4").merged_with, loaded.recommendation("6").merged_with) == (["6"], ["4"])
    assert loaded.recommendation("13").aligned_with == ["2", "5"]
    assert loaded.recommendation("13").actions == thirteen.actions


def test_a_context_that_is_not_new_year_is_written_in_the_when_heading():
    data = (
        "No,Recommendation,Summary actions,When,Who,Measure of success\n"
        '1,Do the thing,"First step\nSecond step","Jan\nOctober",GB,It is done\n'
    ).encode()
    plan = read_plan_csv(data, "plan.csv", context=dt.date(2021, 9, 1))
    assert [a.when.start for a in plan.recommendation("1").actions] == [dt.date(2022, 1, 1), dt.date(2021, 10, 1)]
    header, _ = plan_table(plan)
    assert header[3] == "When (from 2021-09-01)"
    for fmt in READERS:
        loaded = round_trip(plan, fmt)  # no context given: the heading carries it
        assert loaded.context_date == dt.date(2021, 9, 1)
        assert contents(loaded) == contents(plan)


def test_one_owner_per_action_and_text_that_looks_like_a_formula_survive():
    context = dt.date(2022, 1, 1)
    rec = Recommendation(
        number="1",
        text="=HYPERLINK(\"http://example.org\") is not a formula here",
        owner="GB",
        actions=[
            Action(1, "- a step written with a dash", read_when("March", context), "GB"),
            Action(2, "+ another", read_when("TBC", context), "BM", done_on=dt.date(2022, 2, 1)),
        ],
        measures=[Measure(1, "@mention stays text")],
    )
    plan = ActionPlan(key="p", title="P", context_date=context, recommendations=[rec])
    data = plan_csv(plan)
    assert csv_rows(data)[1][1].startswith("'=HYPERLINK")  # a spreadsheet shows it, does not run it
    for fmt in READERS:
        assert contents(round_trip(plan, fmt)) == contents(plan)
    sheet = load_workbook(io.BytesIO(plan_xlsx(plan))).worksheets[0]
    assert sheet["B2"].data_type == "s" and sheet["B2"].value.startswith("=HYPERLINK")


# --- What the files look like -------------------------------------------------------------------


def test_the_csv_has_the_seed_columns_then_status_and_rag():
    plan = seed_plan()
    data = plan_csv(plan, judge_plan(plan, AS_OF))
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    first_line = "No,Recommendation,Summary actions,When (2022),Who,Measure of success,Status,RAG\r\n"
    assert data.startswith(("\ufeff" + first_line).encode())
    rows = csv_rows(data)
    assert rows[0] == SEED_COLUMNS + ["Status", "RAG"]
    assert [row[0] for row in rows[1:]] == [r.number for r in plan.recommendations]
    assert b'"Establish access to files/samples\nPFH undertakes' in data  # a cell of lines, quoted
    assert data.count(b"\r\n") == len(rows)  # CRLF ends rows; lines inside cells are LF
    assert plan_csv(plan)[3:].split(b"\r\n")[0].decode() == ",".join(SEED_COLUMNS)


def test_the_status_and_rag_cells_say_each_recommendation_and_action_in_words():
    plan = seed_plan()
    plan.recommendation("11").actions[0].done_on = dt.date(2022, 2, 14)
    judged = judge_plan(plan, AS_OF)
    rows = csv_rows(plan_csv(plan, judged))
    header = rows[0]
    for row in rows[1:]:
        verdict = judged.recommendation(row[0])
        rec = plan.recommendation(row[0])
        rag_lines = row[header.index("RAG")].split("\n")
        assert rag_lines[0] == f"{verdict.rag.words}: {verdict.reason}"
        assert rag_lines[1:] == [f"{a.position}. {a.rag.words}: {a.reason}" for a in verdict.actions]
        status_lines = [line for line in row[header.index("Status")].split("\n") if line]
        assert status_lines == [judged.action(rec.number, a.position).status for a in rec.actions]
    eleven = next(row for row in rows if row[0] == "11")
    assert eleven[header.index("Status")] == "complete on 2022-02-14"
    assert eleven[header.index("RAG")].startswith("Blue – complete: ")
    six = next(row for row in rows if row[0] == "6")  # no actions of its own: takes 4's RAG
    four_words = judged.recommendation("4").rag.words
    assert six[header.index("RAG")].startswith(f"{four_words}: to be merged with recommendation 4")


def test_the_workbook_is_one_readable_sheet_and_the_same_bytes_every_time(monkeypatch):
    plan = seed_plan()
    judged = judge_plan(plan, AS_OF)
    first = plan_xlsx(plan, judged)
    clock = time.time
    monkeypatch.setattr(time, "time", lambda: clock() + 3 * 86400)  # later, as zip entries would record
    assert plan_xlsx(plan, judge_plan(plan, AS_OF)) == first

    workbook = load_workbook(io.BytesIO(first))
    assert workbook.sheetnames == ["Plan"]
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == SEED_COLUMNS + ["Status", "RAG"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet["C2"].alignment.wrap_text and sheet["C2"].value.startswith("Establish access to files/samples\n")
    assert sheet["A2"].value == 1 and sheet["A7"].value == "6a"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width
    assert workbook.properties.created == workbook.properties.modified == dt.datetime(2022, 5, 1)
    assert workbook.properties.title == plan.title
    # The RAG cell of each recommendation has its RAG's colour behind it; nothing else is filled.
    rag_column = len(SEED_COLUMNS) + 2
    for row in range(2, sheet.max_row + 1):
        rag = judged.recommendation(str(sheet.cell(row=row, column=1).value)).rag
        assert sheet.cell(row=row, column=rag_column).fill.fgColor.rgb[-6:] == RAG_FILLS[rag]
        assert sheet.cell(row=row, column=2).fill.fill_type is None
    # Printed landscape, one page wide, the header on every page.
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows.replace("$", "") == "1:1"

    stamp = dt.datetime(2022, 5, 3, 9, 30)
    assert load_workbook(io.BytesIO(plan_xlsx(plan, stamp=stamp))).properties.modified == stamp


# --- Reading a Status column --------------------------------------------------------------------

HEADER = "No,Recommendation,Summary actions,When (2022),Who,Measure of success,Status"


def plan_with_status(status: str, *, header: str = HEADER) -> bytes:
    return f'{header}\n1,Do the thing,"First step\nSecond step","March\nApril",GB,,"{status}"\n'.encode()


def test_status_lines_in_the_words_people_use():
    data = plan_with_status("Complete 2022-03-10\ndone on 2022-04-02")
    assert [a.done_on for a in read_plan_csv(data, "p.csv").recommendation("1").actions] == [
        dt.date(2022, 3, 10),
        dt.date(2022, 4, 2),
    ]
    for status in ("open\ncompleted on 2022-03-10.", "Overdue\nCOMPLETE ON 2022-03-10"):
        actions = read_plan_csv(plan_with_status(status), "p.csv").recommendation("1").actions
        assert [a.done_on for a in actions] == [None, dt.date(2022, 3, 10)]
    for status in ("", "open\nin progress", "incomplete\nnot complete"):
        actions = read_plan_csv(plan_with_status(status), "p.csv").recommendation("1").actions
        assert [a.done_on for a in actions] == [None, None]


@pytest.mark.parametrize(
    "status, bad",
    [
        ("open\ncomplete on 2022-02-30", "complete on 2022-02-30"),
        ("complete on 10/03/2022\nopen", "complete on 10/03/2022"),
        ("open\ndone", "done"),
    ],
)
def test_a_status_that_says_complete_without_a_real_day_names_row_column_and_text(status, bad):
    with pytest.raises(LoadError) as caught:
        read_plan_csv(plan_with_status(status), "bad-plan.csv")
    error = caught.value
    assert (error.file, error.row, error.column, error.text) == ("bad-plan.csv", 2, "Status", bad)
    for part in ("bad-plan.csv", "row 2", "'Status'", bad, "complete on YYYY-MM-DD"):
        assert part in str(error)


def test_a_status_in_a_workbook_names_its_row():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    status = "open\ncomplete on 2022-13-01"
    sheet.append(["1", "Do the thing", "First step\nSecond step", "March\nApril", "GB", "", status])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(LoadError) as caught:
        read_plan_xlsx(buffer.getvalue(), "bad-plan.xlsx")
    assert (caught.value.row, caught.value.column, caught.value.text) == (2, "Status", "complete on 2022-13-01")


def test_more_status_lines_than_actions():
    with pytest.raises(LoadError) as caught:
        read_plan_csv(plan_with_status("open\nopen\ncomplete on 2022-03-10"), "bad-plan.csv")
    assert (caught.value.row, caught.value.column) == (2, "Status")
    assert "3 status lines for 2 actions" in str(caught.value)


def test_fewer_status_lines_than_actions_only_matter_when_one_says_complete():
    actions = read_plan_csv(plan_with_status("On track"), "p.csv").recommendation("1").actions
    assert [a.done_on for a in actions] == [None, None]  # a word for the whole row: nothing is done
    with pytest.raises(LoadError) as caught:  # which of the two was done?
        read_plan_csv(plan_with_status("complete on 2022-03-10"), "bad-plan.csv")
    assert (caught.value.row, caught.value.column) == (2, "Status")
    assert "1 status line for 2 actions" in str(caught.value)


def test_a_status_without_an_action():
    data = f'{HEADER}\n1,Do the thing,,,GB,,"complete on 2022-03-10"\n'.encode()
    with pytest.raises(LoadError) as caught:
        read_plan_csv(data, "bad-plan.csv")
    assert (caught.value.row, caught.value.column, caught.value.text) == (2, "Status", "complete on 2022-03-10")


def test_the_rag_column_and_other_unknown_columns_are_not_read():
    header = HEADER + ",RAG,Comments"
    data = (
        f'{header}\n1,Do the thing,"First step\nSecond step","March\nApril",GB,,"open\nopen",'
        '"Red – overdue: anything\n1. Red – overdue: x\n2. nonsense\n3. more lines than actions",whatever\n'
    ).encode()
    rec = read_plan_csv(data, "p.csv").recommendation("1")
    assert [a.text for a in rec.actions] == ["First step", "Second step"]
    assert [a.done_on for a in rec.actions] == [None, None]
