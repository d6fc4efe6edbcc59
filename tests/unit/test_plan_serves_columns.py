"""The Finding, Thread and Strand columns of a plan table, in the council's text format, CSV and
Excel alike: names of the plan's strategy's framework kept as keys, for the recommendation (a
numbered row), each action of a continuation row, or one action ("2: …"); every mistake reported
with the file, row, column as headed and the text, and a name the framework lacks with the names it has."""
import csv
import io

import pytest
from openpyxl import Workbook

from governance_model.errors import LoadError
from governance_model.importing import read_plan_csv, read_plan_file, read_plan_text, read_plan_xlsx
from governance_model.model import ActionPlan
from governance_model.strategy import Serves
from tests.unit.strategy_frameworks import ESSEX, essex_framework

HEADER = ["No", "Recommendation", "Summary actions", "When (2022)", "Who", "Measure of success"]
SERVES_HEADER = [*HEADER, "Inspection finding(s)", "Threads", "Strand (s)"]

# Each cell a list of lines (list items); the text format writes them as an HTML list, as seed 002 does.
ROWS = [
    [
        ["1"],
        ["Identify needs early"],
        ["Train SENCOs", "Audit EHC plans"],
        ["Jan", "March"],
        ["GB"],
        ["Needs met sooner"],
        ["Accurate identification of need", "2: quality of EHC plans"],
        ["Equity; ambition; EQUITY"],
        ["1: early-support; High quality transitions"],
    ],
    [[], [], ["Report to the board"], ["April"], [], [], [], ["Inclusion"], []],
    [["2"], ["Commission jointly"], ["Agree a framework"], ["May"], ["BM"], [], ["joint-commissioning"], [], []],
]


def text_table(header: list[str], rows: list[list[list[str]]]) -> bytes:
    def cell(lines: list[str]) -> str:
        return "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>" if lines else ""

    lines = ["A plan", "", "\t".join(header), *("\t".join(cell(c) for c in row) for row in rows)]
    return "\n".join(lines).encode()


def csv_table(header: list[str], rows: list[list[list[str]]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([header, *(["\n".join(c) for c in row] for row in rows)])
    return out.getvalue().encode()


def xlsx_table(header: list[str], rows: list[list[list[str]]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(["\n".join(c) or None for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FORMATS = {"txt": text_table, "csv": csv_table, "xlsx": xlsx_table}
FIRST_ROW = {"txt": 4, "csv": 2, "xlsx": 2}  # the line or row of the first recommendation


def read(fmt: str, header=SERVES_HEADER, rows=ROWS, **strategy) -> ActionPlan:
    plan, _ = read_plan_file(f"plan.{fmt}", FORMATS[fmt](header, rows), **strategy)
    return plan


def refused(fmt: str, rows, header=SERVES_HEADER, **strategy) -> LoadError:
    strategy = strategy or {"framework": essex_framework(), "strategy_key": ESSEX}
    with pytest.raises(LoadError) as caught:
        read(fmt, header, rows, **strategy)
    return caught.value


def where(error: LoadError) -> tuple:
    return error.file, error.row, error.column, error.text


# --- Reading --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_reads_what_the_recommendation_and_each_action_serve(fmt):
    plan = read(fmt, framework=essex_framework(), strategy_key=ESSEX)
    one, two = plan.recommendations
    # Unlabelled names in a numbered row are the recommendation's, as keys, once each, in order.
    assert one.serves == Serves(findings=("identification",), threads=("equity", "ambition"))
    train, audit, report = one.actions
    assert train.serves == Serves(strands=("early-support", "transitions"))  # "1: …"
    assert audit.serves == Serves(findings=("ehc-plans",))  # "2: …"
    assert report.serves == Serves(threads=("inclusion",))  # the continuation row's own action
    assert one.serving(audit) == Serves(findings=("identification", "ehc-plans"), threads=("equity", "ambition"))
    assert two.serves == Serves(findings=("joint-commissioning",))
    assert two.actions[0].serves == Serves()


def test_the_three_formats_read_the_same_plan():
    framework = essex_framework()
    plans = [read(fmt, framework=framework, strategy_key=ESSEX).recommendations for fmt in FORMATS]
    assert plans[0] == plans[1] == plans[2]


def test_the_reader_functions_take_the_framework_too():
    framework = essex_framework()
    plans = [
        read_plan_text(text_table(SERVES_HEADER, ROWS), "plan.txt", framework=framework)[0],
        read_plan_csv(csv_table(SERVES_HEADER, ROWS), "plan.csv", framework=framework),
        read_plan_xlsx(xlsx_table(SERVES_HEADER, ROWS), "plan.xlsx", framework=framework),
    ]
    assert {p.recommendations[0].serves.threads for p in plans} == {("equity", "ambition")}


def test_a_label_may_name_an_action_of_an_earlier_row():
    rows = [ROWS[0], [[], [], ["Report to the board"], ["April"], [], [], ["1: Joint commissioning"], [], []]]
    plan = read("csv", rows=rows, framework=essex_framework())
    assert plan.recommendations[0].actions[0].serves.findings == ("joint-commissioning",)
    assert plan.recommendations[0].actions[2].serves == Serves()


def test_a_plan_without_the_columns_or_with_them_empty_needs_no_framework():
    assert read("csv", header=HEADER, rows=[r[:6] for r in ROWS]).recommendations[0].serves == Serves()
    empty = [[*row[:6], [], [], []] for row in ROWS]
    plan = read("csv", rows=empty)
    assert all(not r.serves and not any(a.serves for a in r.actions) for r in plan.recommendations)


# --- Mistakes -------------------------------------------------------------------------------------


def with_cell(row: int, column: int, lines: list[str]) -> list:
    rows = [list(r) for r in ROWS]
    rows[row][column] = lines
    return rows


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_thread_the_strategy_does_not_have_is_refused_with_the_threads_it_has(fmt):
    error = refused(fmt, with_cell(0, 7, ["Equity; Equality"]))
    assert where(error) == (f"plan.{fmt}", FIRST_ROW[fmt], "Threads", "Equality")
    assert error.message == (
        "'Equality' is not a thread of strategy essex-send-strategy: the threads are Equity, Ambition, Inclusion"
    )
    for part in (f"plan.{fmt}", f"row {FIRST_ROW[fmt]}", "Threads", "Equality"):
        assert part in str(error)


def test_an_unknown_finding_lists_the_findings_by_title_and_key():
    error = refused("csv", with_cell(2, 6, ["Sufficiency"]))
    assert where(error) == ("plan.csv", 4, "Inspection finding(s)", "Sufficiency")
    assert error.message == (
        "'Sufficiency' is not a finding of strategy essex-send-strategy: the findings are "
        "Accurate identification of need (identification), Quality of EHC plans (ehc-plans), "
        "Joint commissioning (joint-commissioning)"
    )


def test_an_unknown_name_for_one_action_is_refused_too():
    error = refused("xlsx", with_cell(0, 8, ["2: Early years"]))
    assert where(error) == ("plan.xlsx", 2, "Strand (s)", "Early years")
    assert "the strands are Early identification and early support (early-support), " in error.message


def test_names_without_a_strategy_to_belong_to():
    error = refused("csv", ROWS, framework=None)
    assert where(error) == ("plan.csv", 2, "Inspection finding(s)", "Accurate identification of need")
    assert error.message == (
        "this plan names findings, threads or strands but delivers no strategy: "
        "name the strategy with `strategy: KEY` under the plan in the setup file"
    )


def test_names_of_a_strategy_whose_framework_is_not_given():
    error = refused("csv", ROWS, framework=None, strategy_key=ESSEX)
    assert where(error)[1:3] == (2, "Inspection finding(s)")
    assert "strategy essex-send-strategy" in error.message and "`framework:`" in error.message


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_label_for_an_action_the_recommendation_does_not_have(fmt):
    error = refused(fmt, with_cell(0, 7, ["Equity", "3: Ambition"]))
    assert where(error)[:3] == (f"plan.{fmt}", FIRST_ROW[fmt], "Threads")
    assert "Equity" in error.text and "3: Ambition" in error.text
    assert error.message.startswith("'3:' names action 3 of recommendation 1, which has 2 actions up to this row")


def test_a_label_for_an_action_of_a_later_row_is_refused():
    # Action 3 is on the continuation row below: not yet there when the numbered row is read.
    error = refused("csv", with_cell(0, 8, ["3: Early identification and early support"]))
    assert where(error)[1:3] == (2, "Strand (s)")


def test_names_on_a_continuation_row_without_actions():
    rows = [ROWS[0], [[], [], [], [], [], ["Measured again"], [], ["Inclusion"], []]]
    error = refused("csv", rows)
    assert where(error) == ("plan.csv", 3, "Threads", "Inclusion")
    assert error.message == "there are threads here but no action in this row for them to belong to"


def test_two_finding_columns():
    header = [*HEADER, "Finding", "Findings"]
    error = refused("csv", [[*row[:6], [], []] for row in ROWS], header=header)
    assert (error.row, error.column) == (1, "Findings")
    assert "two columns are headed 'Finding'" in error.message


def test_a_name_matches_however_its_accent_is_encoded_and_whatever_invisible_characters_it_carries():
    from governance_model.strategy import Facet, Finding, StrategyFramework

    framework = StrategyFramework(findings=[Finding("f", "Fi\u0301nding of ne\u0301ed")])  # decomposed accents
    assert framework.resolve(Facet.FINDING, "F\u00ednding of n\u00e9ed") == "f"  # composed
    assert framework.resolve(Facet.FINDING, "F\u00edn\u200bding\u00a0of n\u00e9ed\ufeff") == "f"
    assert framework.resolve(Facet.FINDING, "Finding of need") is None  # an accent is still a letter of its own
