"""Action-plan tables: seed 002 (the council's own text) and its CSV and Excel transcriptions read
into the same plan, and every mistake in a plan file is reported with the file, row, column and text."""
import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from governance_model.errors import LoadError, WhenError
from governance_model.importing import read_plan_csv, read_plan_file, read_plan_text, read_plan_xlsx
from tests.data import SEED_002

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "southend"
HEADER = "No\tRecommendation\tSummary actions\tWhen (2022)\tWho\tMeasure of success"


def window(text, first, last):
    """What a month phrase in a "When (2022)" table reads as."""
    return ("window", dt.date.fromisoformat(first), dt.date.fromisoformat(last), text)


def reading(when):
    return (when.kind, when.start, when.end, when.text)


@pytest.fixture(scope="module")
def seed():
    return read_plan_text(SEED_002.read_bytes(), SEED_002.name)


@pytest.fixture(scope="module")
def plan(seed):
    return seed[0]


def test_plan_title_key_context_and_source(plan):
    assert plan.title == "SEND Peer Review Recommendations, high level implementation plan DRAFT 1"
    assert plan.key == "send-peer-review-recommendations-high-level-implementation-plan-draft-1"
    assert plan.context_date == dt.date(2022, 1, 1)
    assert plan.source == "002_44384d6b394e2d75.txt"


def test_recommendations_in_file_order_with_their_owners(plan):
    numbers = [r.number for r in plan.recommendations]
    assert numbers == ["1", "2", "3", "4", "6", "6a", "5", "7", "8", "9", "10", "11", "12", "13", "14", "15"]
    assert plan.owners == ["GB", "BM", "LM", "CMc", "AP", "AK", "APD"]
    counts = {r.number: len(r.actions) for r in plan.recommendations}
    assert counts == {
        "1": 3, "2": 4, "3": 6, "4": 4, "6": 0, "6a": 4, "5": 4, "7": 3,
        "8": 2, "9": 3, "10": 3, "11": 1, "12": 4, "13": 5, "14": 3, "15": 3,
    }
    measures = {r.number: len(r.measures) for r in plan.recommendations}
    assert measures == {
        "1": 2, "2": 3, "3": 1, "4": 6, "6": 0, "6a": 2, "5": 2, "7": 1,
        "8": 2, "9": 1, "10": 1, "11": 1, "12": 1, "13": 2, "14": 3, "15": 1,
    }
    for rec in plan.recommendations:
        assert [a.position for a in rec.actions] == list(range(1, len(rec.actions) + 1))
        assert all(a.owner == rec.owner for a in rec.actions)
        assert all(a.when is not None for a in rec.actions)


def test_recommendation_1(plan):
    rec = plan.recommendation("1")
    assert rec.text == (
        "Enable the Portfolio Holder to regularly sample casework as part of the performance "
        "monitoring and quality assurance process"
    )
    assert rec.owner == "GB" and rec.note == "" and rec.merged_with == [] and rec.aligned_with == []
    assert [a.text for a in rec.actions] == [
        "Establish access to files/samples",
        "PFH undertakes first review of a sample of case files",
        "PFH samples files on quarterly basis",
    ]
    assert [a.when.text for a in rec.actions] == ["Jan", "Jan", "Wef Feb onwards"]
    assert reading(rec.actions[0].when) == window("Jan", "2022-01-01", "2022-01-31")
    assert rec.actions[2].when.start == dt.date(2022, 2, 1)
    assert [m.text for m in rec.measures] == [
        "PHF reports back to CSIB on a quarterly basis",
        "Portfolio Holder has oversight of lived experiences and reports findings to CSIB",
    ]


def test_recommendation_3(plan):
    rec = plan.recommendation("3")
    assert rec.text == "Use the feedback from the peer challenge to refresh the draft SEND Strategy"
    assert rec.owner == "GB"
    assert [a.text for a in rec.actions] == [
        "Current content fully reviewed",
        "Co-production from student voice commissioned",
        "Parent groups consulted",
        "Format/scope of revised strategy confirmed",
        "Strategy for adoption by appropriate governance in place",
        "SBC cabinet sign off new strategy",
    ]
    assert [a.when.text for a in rec.actions] == ["Feb", "Feb", "March", "April", "May", "July"]
    assert reading(rec.actions[5].when) == window("July", "2022-07-01", "2022-07-31")
    assert [m.text for m in rec.measures] == ["New strategy formally published (contingent upon cabinet)"]


def test_recommendation_4_and_its_merge_with_6(plan):
    rec = plan.recommendation("4")
    assert rec.text == (
        "Consider how to increase the pace of support and challenge to schools and settings to firmly "
        "embed the graduated response"
    )
    assert rec.note == "*intention is to merge 4&6"
    assert rec.merged_with == ["6"]
    assert rec.owner == "BM"
    assert [a.text for a in rec.actions] == [
        "Southend Shared Expectations/SEND provision guidance document simplified and promoted",
        "Schools engaged and active in improving wider inclusion project",
        "Build on the new continuum of need at SEN support when published by the DfE later in 2022",
        "(align to wider inclusion project, with its own operational plan and measures)",
    ]
    assert [a.when.text for a in rec.actions] == ["May", "June", "DfE contingent", "April"]
    contingent = rec.actions[2].when
    assert (contingent.kind, contingent.depends_on) == ("contingent", "DfE")
    assert [m.text for m in rec.measures] == [
        "Schools graduated offer published on their websites",
        "Graduated offer as focus on SENDCo network and QA visits",
        "Where lack of evidence of graduated support identified, Advisory SECOs intervention",
        "Scrutiny of all OFSTED inspection reports indicates degree of comment regarding SEN support",
        "Over time, % pupils identified on SEN support increases (metrics to be agreed)",
        "When project active, increase 5 schools signed up to inclusion charter on a month by month basis",
    ]
    six = plan.recommendation("6")
    assert six.text == "Ensure there is a clear system wide understanding of the graduated response"
    assert six.note == "*intention is to merge 4&6"
    assert six.merged_with == ["4"]
    assert (six.actions, six.measures, six.owner) == ([], [], None)


def test_recommendation_5(plan):
    rec = plan.recommendation("5")
    assert rec.text == "Develop clear timescales and outcome measures for the joint commissioning roadmap"
    assert rec.owner == "CMc"
    assert [a.text for a in rec.actions] == [
        "Roadmap reviewed and revised to includes clear timelines and outcomes",
        "Roadmap signed off by SSSPB/Joint Commissioning Board",
        "Accelerate Progress Plan (DfE/NHSE) meetings report progress in joint commissioning",
        "Progress of roadmap tracked by SENDOPPs",
    ]
    assert [a.when.text for a in rec.actions] == ["March", "April", "Quarterly wef Jan 2022", "6 times a year"]
    quarterly, six_times = rec.actions[2].when, rec.actions[3].when
    assert (quarterly.kind, quarterly.every, quarterly.start) == ("recurring", "P3M", dt.date(2022, 1, 1))
    assert (six_times.kind, six_times.every) == ("recurring", "P2M")
    assert [m.text for m in rec.measures] == [
        "Revised roadmap in place",
        "DfE sign off remaining WSoA relating to joint commissioning",
    ]


def test_recommendation_6a_keeps_its_italic_text_and_its_remark(plan):
    rec = plan.recommendation("6a")
    assert rec.text == 'Reduce the number of "refusal to assess" at initial stages of EHCNA decision'
    assert rec.note == "*Not a PR team recommendation, but clear from body of the report"
    assert rec.owner == "LM" and rec.merged_with == []
    assert [a.text for a in rec.actions] == [
        "Review undertaken of data and process mapping for panel assessment and procedures",
        "Clear guidelines produced for pre panel evidence gathering and expectations",
        "Process reinforced to commission/secure missing evidence ahead of panel with relevant stakeholders",
        "Processes made clear to schools and parents",
    ]
    assert [a.when.text for a in rec.actions] == ["March", "April", "April", "May"]
    assert [m.text for m in rec.measures] == [
        "Number of instances of missing evidence reduces over time",
        "RTA reduces as a result of new measures put in place month on month",
    ]


def test_recommendation_13_is_aligned_to_2_and_continues_on_the_row_below(plan):
    rec = plan.recommendation("13")
    assert rec.text == (
        "Consider training and support for staff, councillors and other partners to strengthen "
        "resilience across the workforce"
    )
    assert rec.aligned_with == ["2"]
    assert plan.recommendation("2").aligned_with == []
    assert [a.text for a in rec.actions] == [
        "Training programme for area, including members established",
        "Relevant officers and members identified and invited",
        "Resilience feature in all relevant staff supervisions",
        "Rolling programme for existing staff implemented",
        "Training forms part of induction for new staff and members, in relation to resilience when "
        "dealing with ward members",
    ]
    assert [a.when.text for a in rec.actions] == ["March", "March", "April", "April", "Aug"]
    assert reading(rec.actions[4].when) == window("Aug", "2022-08-01", "2022-08-31")
    assert [a.owner for a in rec.actions] == ["GB"] * 5
    assert [m.text for m in rec.measures] == [
        "Staff/members feel better equipped to manage their respective roles",
        "Staff supervision reports greater resilience",
    ]


def test_glossary(seed):
    _, glossary = seed
    assert len(glossary.terms) == 14
    assert glossary.expand("CSIB") == "Children's Services Improvement Board"
    assert glossary.expand("SSSPB") == "Southend SEND Strategic Partnership Board"
    assert glossary.expand("WSoA") == "Written Statement of Action"
    assert glossary.expand("SENDOps") == "SEND operations Board"
    # The seed's "Early Help and |Youth Services" carries a stray cell border from a copied table.
    assert glossary.expand("DSWEHYS") == "Director Social Work, Early Help and Youth Services"


@pytest.mark.parametrize("name", ["peer-review-plan.csv", "peer-review-plan.xlsx"])
def test_the_spreadsheet_examples_are_the_same_plan_as_the_seed(plan, name):
    path = EXAMPLES / name
    loaded, glossary = read_plan_file(str(path), path.read_bytes())
    assert loaded.recommendations == plan.recommendations  # texts, notes, links, actions with When readings, measures
    assert loaded.owners == plan.owners
    assert loaded.context_date == dt.date(2022, 1, 1)
    assert (loaded.title, loaded.key, loaded.source) == ("peer-review-plan", "peer-review-plan", str(path))
    assert glossary.terms == {}


def test_the_spreadsheet_examples_have_the_example_columns_and_one_item_per_line():
    rows = list(csv.reader(io.StringIO((EXAMPLES / "peer-review-plan.csv").read_text("utf-8"), newline="")))
    assert rows[0] == HEADER.split("\t")
    by_number = {row[0]: row for row in rows[1:] if row[0]}
    assert by_number["4"][1].endswith("graduated response\n*intention is to merge 4&6")
    assert by_number["13"][2].startswith("Aligned to recommendation 2\nTraining programme")
    continuation = rows[rows.index(by_number["13"]) + 1]
    assert continuation[0] == "" and continuation[3] == "April Aug"
    from openpyxl import load_workbook

    sheet = load_workbook(EXAMPLES / "peer-review-plan.xlsx").worksheets[0]
    assert [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)] == rows


def test_a_spreadsheet_takes_its_title_from_the_caller_and_a_year_from_the_context():
    data = (
        "No,Recommendation,Summary actions,When,Who,Measure of success\n"
        '1,Do the thing,"First step\nSecond step","March\nApril",GB,It is done\n'
    ).encode()
    plan = read_plan_csv(data, "plan.csv", context=dt.date(2023, 1, 1), title="Board plan 2023")
    assert (plan.title, plan.key, plan.context_date) == ("Board plan 2023", "board-plan-2023", dt.date(2023, 1, 1))
    first, second = plan.recommendation("1").actions
    assert reading(first.when) == window("March", "2023-03-01", "2023-03-31")
    assert reading(second.when) == window("April", "2023-04-01", "2023-04-30")


def test_who_pairs_with_actions_when_it_names_one_owner_each():
    data = (
        "No,Recommendation,Summary actions,When (2022),Who,Measure of success\n"
        '1,Do the thing,"First step\nSecond step",March April,"GB\nBM",\n'
    ).encode()
    rec = read_plan_csv(data, "plan.csv").recommendation("1")
    assert [a.owner for a in rec.actions] == ["GB", "BM"]
    assert rec.owner == "GB"


def test_a_merge_written_in_words_links_both_recommendations():
    data = (
        "No,Recommendation,Summary actions,When (2022),Who,Measure of success\n"
        '1,"First *intention is to merge 1 and 2",Step,Jan,GB,\n'
        "2,Second,,,,\n"
    ).encode()
    plan = read_plan_csv(data, "plan.csv")
    first, second = plan.recommendations
    assert (first.text, first.note) == ("First", "*intention is to merge 1 and 2")
    assert (first.merged_with, second.merged_with) == (["2"], ["1"])


# --- Bad input: each error says which file, row, column and text --------------------------------


def text_plan(*rows: str) -> bytes:
    return "\n".join(["A plan", "", HEADER, *rows]).encode()


def test_an_unreadable_when_names_the_file_row_column_and_text():
    data = text_plan("1\tDo the thing\t<ul><li>One step</li></ul>\tWhenever suits\tGB\t")
    with pytest.raises(LoadError) as caught:
        read_plan_text(data, "bad-plan.txt")
    error = caught.value
    assert (error.file, error.row, error.column, error.text) == ("bad-plan.txt", 4, "When (2022)", "Whenever suits")
    assert isinstance(error.__cause__, WhenError)
    for part in ("bad-plan.txt", "row 4", "When (2022)", "Whenever suits"):
        assert part in str(error)


def test_an_unreadable_when_in_a_spreadsheet_names_its_row():
    data = (HEADER.replace("\t", ",") + "\n" + '1,"Do\nthe thing",One step,Whenever suits,GB,\n').encode()
    with pytest.raises(LoadError) as caught:
        read_plan_csv(data, "bad-plan.csv")
    assert (caught.value.row, caught.value.column, caught.value.text) == (2, "When (2022)", "Whenever suits")


def test_more_dates_than_actions():
    data = text_plan("1\tDo the thing\t<ul><li>One step</li><li>Two</li></ul>\tJan Feb March\tGB\t")
    with pytest.raises(LoadError) as caught:
        read_plan_text(data, "bad-plan.txt")
    assert (caught.value.row, caught.value.column, caught.value.text) == (4, "When (2022)", "Jan Feb March")


def test_a_missing_column_is_named():
    data = "No\tRecommendation\tSummary actions\tWhen (2022)\tMeasure of success\n1\tX\t\t\t\n".encode()
    with pytest.raises(LoadError) as caught:
        read_plan_text(data, "no-who.tsv")
    assert (caught.value.file, caught.value.column) == ("no-who.tsv", "Who")
    assert "missing column 'Who'" in str(caught.value)


def test_a_when_heading_without_a_year_needs_a_context():
    data = "No,Recommendation,Summary actions,When,Who,Measure of success\n1,X,Step,March,GB,\n".encode()
    with pytest.raises(LoadError) as caught:
        read_plan_csv(data, "plan.csv")
    assert (caught.value.row, caught.value.column) == (1, "When")


def test_a_duplicate_number_is_reported_where_it_repeats():
    data = text_plan(
        "1\tFirst\t<ul><li>Step</li></ul>\tJan\tGB\t",
        "",
        "1\tSecond\t<ul><li>Step</li></ul>\tFeb\tGB\t",
    )
    with pytest.raises(LoadError) as caught:
        read_plan_text(data, "dup.txt")
    assert (caught.value.row, caught.value.column, caught.value.text) == (6, "No", "1")
    assert "first on row 4" in str(caught.value)


def test_a_number_that_is_not_a_number():
    data = text_plan("One\tFirst\t<ul><li>Step</li></ul>\tJan\tGB\t")
    with pytest.raises(LoadError) as caught:
        read_plan_text(data, "plan.txt")
    assert (caught.value.row, caught.value.column, caught.value.text) == (4, "No", "One")


def test_undecodable_bytes_in_the_text_format_name_the_line_and_offset():
    data = text_plan("1\tCo\u2011ordinate\t<ul><li>Step</li></ul>\tJan\tGB\t").replace(
        "Co\u2011ordinate".encode(), "Co\u2013ordinate".encode("cp1252")
    )
    offset = data.index(b"\x96")
    with pytest.raises(LoadError) as caught:
        read_plan_text(data, "cp1252.txt")
    assert (caught.value.file, caught.value.row) == ("cp1252.txt", 4)
    assert f"byte offset {offset}" in str(caught.value) and "0x96" in str(caught.value)


def test_undecodable_bytes_in_a_csv_name_the_row():
    data = (HEADER.replace("\t", ",") + '\n1,"Two\nlines",Step,Jan,GB,\n2,Caf\xe9,Step,Jan,GB,\n').encode("latin-1")
    with pytest.raises(LoadError) as caught:
        read_plan_csv(data, "latin1.csv")
    assert (caught.value.file, caught.value.row) == ("latin1.csv", 3)
    assert f"byte offset {data.index(bytes([0xE9]))}" in str(caught.value)


def test_a_byte_order_mark_is_fine():
    data = b"\xef\xbb\xbf" + (HEADER.replace("\t", ",") + "\n1,Caf\u00e9,Step,Jan,GB,\n").encode()
    assert read_plan_csv(data, "bom.csv").recommendation("1").text == "Caf\u00e9"


def test_a_file_that_is_not_a_workbook():
    with pytest.raises(LoadError) as caught:
        read_plan_xlsx(b"No,Recommendation\n", "plan.xlsx")
    assert caught.value.file == "plan.xlsx"


def test_an_unknown_file_type():
    with pytest.raises(LoadError) as caught:
        read_plan_file("plan.docx", b"")
    assert caught.value.file == "plan.docx"
