"""Action-plan tables: seed 002 (the council's own text) and its CSV and Excel transcriptions read
into the same plan, and every mistake in a plan file is reported with the file, row, column and text."""
import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest

from governance_model.errors import LoadError, WhenError
from governance_model.importing import read_plan_csv, read_plan_file, read_plan_text, read_plan_xlsx

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "southend"
SHARED_SEED = ROOT.parent / "shared" / "seeds" / "002_44384d6b394e2d75.txt"
SEED_SHA256 = "f755de5dfc311497c4eaeb623bb6c6db9517c688ac799ffd700da91cc722f765"
HEADER = "No\tRecommendation\tSummary actions\tWhen (2022)\tWho\tMeasure of success"

# Seed 002 byte for byte (a clean clone has no ../shared/seeds): tabs written as \t, long lines
# continued with a backslash. test_the_embedded_seed_is_seed_002 checks the copy.
SEED_002 = b"""

SEND Peer Review Recommendations, high level implementation plan DRAFT 1

No\tRecommendation (verbatim)\tSummary actions\tWhen (2022)\tWho\tMeasure of success
1\tEnable the Portfolio Holder to regularly sample casework as part of the performance monitoring and quality assurance process\t<ul style="list-style-type: none"> \
<li>Establish access to files/samples</li> \
<li>PFH undertakes first review of a sample of case files</li> \
<li>PFH samples files on quarterly basis</li> </ul>\
\tJan Jan Wef Feb onwards\tGB\t<ol style="list-style-type: none"> \
<li>PHF reports back to CSIB on a quarterly basis</li> \
<li>Portfolio Holder has oversight of lived experiences and reports findings to CSIB</li> </ol>
2\tConsider developing training to specifically look at cross-party scrutiny and challenge of SEND and working with residents with SEND issues\t<ul style="list-style-type: none"> \
<li>Needs analysis undertaken with all elected members (current members Feb/new members July)</li> \
<li>Incremental training programme devised in conjunction with member services</li> \
<li>Training delivery confirmed</li> \
<li>Regular programme of training established on a rolling programme</li> </ul>\
\tFeb/July  March  March April/July\tBM\t<ol style="list-style-type: none"> \
<li>Feedback on training confirms members needs met</li> \
<li>Councillors feel better equipped in dealing with ward SEND issues</li> \
<li>Fewer complaints received by Cllrs</li> </ol>
3\tUse the feedback from the peer challenge to refresh the draft SEND Strategy\t<ul style="list-style-type: none"> \
<li>Current content fully reviewed</li> <li>Co-production from student voice commissioned</li> \
<li>Parent groups consulted</li> <li>Format/scope of revised strategy confirmed</li> \
<li>Strategy for adoption by appropriate governance in place</li> \
<li>SBC cabinet sign off new strategy</li> </ul>\
\tFeb Feb March April May  July\tGB\t<ol style="list-style-type: none"> \
<li>New strategy formally published (contingent upon cabinet)</li> </ol>
4\tConsider how to increase the pace of support and challenge to schools and settings to firmly embed the graduated response <b>*intention is to merge 4&amp;6</b>\t<ul style="list-style-type: none"> \
<li>Southend Shared Expectations/SEND provision guidance document simplified and promoted</li> \
<li>Schools engaged and active in improving wider inclusion project</li> \
<li>Build on the new continuum of need at SEN support when published by the DfE later in 2022</li> \
<li>(align to wider inclusion project, with its own <i>operational plan and measures</i>)</li> </ul>\
\tMay  June  DfE contingent April\tBM\t<ol style="list-style-type: none"> \
<li>Schools graduated offer published on their websites</li> \
<li>Graduated offer as focus on SENDCo network and QA visits</li> \
<li>Where lack of evidence of graduated support identified, Advisory SECOs intervention</li> \
<li>Scrutiny of all OFSTED inspection reports indicates degree of comment regarding SEN support</li> \
<li>Over time, % pupils identified on SEN support increases (metrics to be agreed)</li> \
<li>When project active, increase 5 schools signed up to inclusion charter on a month by month basis</li> </ol>
6\tEnsure there is a clear system wide understanding of the graduated response <b>*intention is to merge 4&amp;6</b>\t\t\t\t
6a\t<i>*Reduce the number of "refusal to assess" at initial stages of EHCNA decision</i> <b>*Not a PR team recommendation, but clear from body of the report</b>\t<ol style="list-style-type: none"> \
<li>Review undertaken of data and process mapping for panel assessment and procedures</li> \
<li>Clear guidelines produced for pre panel evidence gathering and expectations</li> \
<li>Process reinforced to commission/secure missing evidence ahead of panel with relevant stakeholders</li> \
<li>Processes made clear to schools and parents</li> </ol>\
\tMarch  April  April  May\tLM\t<ol style="list-style-type: none"> \
<li>Number of instances of missing evidence reduces over time</li> \
<li>RTA reduces as a result of new measures put in place month on month</li> </ol>

5\tDevelop clear timescales and outcome measures for the joint commissioning roadmap\t<ul style="list-style-type: none"> \
<li>Roadmap reviewed and revised to includes clear timelines and outcomes</li> \
<li>Roadmap signed off by SSSPB/Joint Commissioning Board</li> \
<li>Accelerate Progress Plan (DfE/NHSE) meetings report progress in joint commissioning</li> \
<li>Progress of roadmap tracked by SENDOPPs</li> </ul>\
\tMarch April  Quarterly wef Jan 2022 6 times a year\tCMc\t<ol style="list-style-type: none"> \
<li>Revised roadmap in place</li> \
<li>DfE sign off remaining WSoA relating to joint commissioning</li> </ol>
7\tReview, update and rewrite the threshold of need document and ensure everyone understands the pathway\t<ul style="list-style-type: none"> \
<li>New pathway document reviewed and redrafted and consulted on by CWD team</li> \
<li>Two orientation events run for parents</li> \
<li>Publish new threshold and pathway document on the Local Offer site</li> </ul>\
\tMarch April May\tAP\t<ol style="list-style-type: none"> \
<li>Feedback from parents indicates pathway clear and understood</li> </ol>
8\tIntroduce specific training for staff working in SEND on Neurodiversity\t<ul style="list-style-type: none"> \
<li>Work with parent groups to co-produce new training for area staff on Neurodiversity</li> \
<li>Programme of training devised and implemented</li> </ul>\
\tMarch April\tGB\t<ol style="list-style-type: none"> \
<li>All relevant staff complete training by July</li> \
<li>Feedback from training indicated needs are met</li> </ol>
9\tCarry out an audit of children and young people where neurodiversity is a possibility\t<ul style="list-style-type: none"> \
<li>Clear picture established on number open/closed cases</li> \
<li>Audit workshop to identify issues from parents perspective takes place</li> \
<li>Guidelines developed with parents to inform future identification and support</li> </ul>\
\tFeb March April\tGB\t<ol style="list-style-type: none"> \
<li>Cases indicate that early help reduces the need for intensive support over time</li> </ol>
10\tStrengthen the early help offer for children with disabilities and clarify where short breaks sit within the whole Children With Disabilities (CWD) service\t<ul style="list-style-type: none"> \
<li>Research, review and report on current processes to CSIB</li> \
<li>Cabinet approve new proposals for short breaks</li> \
<li>New processes publicised on the Local Offer website and implemented</li> </ul>\
\tMarch  July July\tAK\t<ol style="list-style-type: none"> \
<li>More families access short breaks</li> </ol>
11\tConsider the level of seniority of the chair of the Resource Allocation Panel\t<ul style="list-style-type: none"> \
<li>DSWEHYS identifies and implements new chair of RAP</li> </ul>\
\tFeb\tAK\t<ol style="list-style-type: none"> <li>New chair in place</li> </ol>
12\tConsider moving the SENDIASS service outside the SEND/CWD service\t<ul style="list-style-type: none"> \
<li>Members of SENDIASS and SBC HR team consulted</li> \
<li>New appropriate line management arrangement identified</li> \
<li>Implement the new line management arrangements</li> <li>Communicate new arrangements</li> </ul>\
\tJan Jan  Feb Feb\tBM\t<ol style="list-style-type: none"> \
<li>SENDIASS under new management</li> </ol>
13\tConsider training and support for staff, councillors and other partners to strengthen resilience across the workforce\t<p><b>Aligned to recommendation 2</b></p> <ul style="list-style-type: none"> \
<li>Training programme for area, including members established</li> \
<li>Relevant officers and members identified and invited</li> \
<li>Resilience feature in all relevant staff supervisions</li> </ul>\
\tMarch  March April\tGB\t<ol style="list-style-type: none"> \
<li>Staff/members feel better equipped to manage their respective roles</li> \
<li>Staff supervision reports greater resilience</li> </ol>

\t\t<ul style="list-style-type: none"> <li>Rolling programme for existing staff implemented</li> \
<li>Training forms part of induction for new staff and members, in relation to resilience when dealing with ward members</li> </ul>\
\tApril Aug\t\t
14\tIncorporate learning from complaints as part of the quality assurance system to drive improvement work\t<ul style="list-style-type: none"> \
<li>Formal learning review process established</li> \
<li>Quality Assurance learning informs all future processes and decisions</li> \
<li>Learning also taken in conjunction with wider council complaints and that of the area partnership</li> </ul>\
\tApril May May\tLM\t<ol style="list-style-type: none"> \
<li>Learning used to improve any future policy/practice</li> \
<li>Report summary of complaints and actions at each SENDOps</li> \
<li>Reported through existing annual complaints report</li> </ol>
15\tDevelop a trauma informed approach for those families who are angry and distressed about their experience\t<ul style="list-style-type: none"> \
<li>Other authorities experiences and approach to trauma Informed practice researched</li> \
<li>Parent groups consulted on an appropriate third party to co-produce a way forward</li> \
<li>Trauma informed training for particular staff involved introduced</li> </ul>\
\tMarch May June\tAPD\t<ol style="list-style-type: none"> \
<li>Number of repeat complaints reduces over time</li> </ol>

## Glossary

QA quality assurance

SENCo Special Educational Needs Coordinator

RTA Refusal to assess

CSIB Children's Services Improvement Board

SSSPB Southend SEND Strategic Partnership Board

DfE Department for Education

NHSE National Health Service England

WSoA Written Statement of Action

CWD Children with Disabilities

DSWEHYS Director Social Work, Early Help and |Youth Services

RAP Resource Allocation Panel

SENDIASS SEND Information and Advice Support Service

SBC Southend Borough Council Human Resources

SENDOps SEND operations Board"""


def window(text, first, last):
    """What a month phrase in a "When (2022)" table reads as."""
    return ("window", dt.date.fromisoformat(first), dt.date.fromisoformat(last), text)


def reading(when):
    return (when.kind, when.start, when.end, when.text)


@pytest.fixture(scope="module")
def seed():
    return read_plan_text(SEED_002, "002_44384d6b394e2d75.txt")


@pytest.fixture(scope="module")
def plan(seed):
    return seed[0]


def test_the_embedded_seed_is_seed_002():
    assert hashlib.sha256(SEED_002).hexdigest() == SEED_SHA256
    if SHARED_SEED.exists():
        assert SHARED_SEED.read_bytes() == SEED_002


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
