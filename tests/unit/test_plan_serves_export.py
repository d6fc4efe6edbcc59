"""The Finding, Thread and Strand columns of an exported plan: written after the seed's columns when
the plan delivers a strategy or anything in it serves one, titles (or keys) per recommendation and
"N: …" per action, and the exported CSV and Excel load back to the same plan."""
import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from governance_model.importing import read_plan_csv, read_plan_text, read_plan_xlsx
from governance_model.model import ActionPlan
from governance_model.rag import judge_plan
from governance_model.strategy import Serves, Strand
from reports.plan_export import plan_csv, plan_table, plan_xlsx
from tests.data import SEED_002
from tests.unit.strategy_frameworks import ESSEX, essex_framework

SEED_COLUMNS = ["No", "Recommendation", "Summary actions", "When (2022)", "Who", "Measure of success"]
SERVES_COLUMNS = ["Finding", "Thread", "Strand"]  # a plan that delivers no strategy
NAMED_COLUMNS = [f"{name} (strategy {ESSEX})" for name in SERVES_COLUMNS]  # one that delivers seed 003's
READERS = {"csv": (plan_csv, read_plan_csv), "xlsx": (plan_xlsx, read_plan_xlsx)}


def seed_plan() -> ActionPlan:
    plan, _ = read_plan_text(SEED_002.read_bytes(), SEED_002.name, context=dt.date(2021, 9, 1))
    return plan


def tagged_plan() -> ActionPlan:
    """Seed 002 tagged to seed 003's framework: recommendations, single actions, both, and 13 (the
    seed's continuation row) with an action of its second row serving something of its own."""
    plan = seed_plan()
    plan.strategy = ESSEX
    one, three, thirteen = plan.recommendation("1"), plan.recommendation("3"), plan.recommendation("13")
    one.serves = Serves(findings=("identification",), threads=("equity", "ambition"))
    one.actions[2].serves = Serves(findings=("ehc-plans",), strands=("early-support", "joined-up"))
    three.actions[0].serves = Serves(threads=("inclusion",))
    three.actions[5].serves = Serves(threads=("equity",), strands=("transitions",))
    thirteen.serves = Serves(strands=("adulthood",))
    thirteen.actions[4].serves = Serves(findings=("joint-commissioning",), strands=("adulthood", "one-planning"))
    plan.recommendation("6").serves = Serves(findings=("joint-commissioning",))  # a recommendation without actions
    return plan


def cells(header: list[str], rows: list[list[str]], number: str) -> dict[str, str]:
    """The row's cells by heading, without the strategy it names ("Finding (strategy KEY)" → "Finding")."""
    return dict(zip((h.split(" (strategy ")[0] for h in header), next(row for row in rows if row[0] == number)))


# --- Round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("titles", [True, False], ids=["titles", "keys"])
@pytest.mark.parametrize("judge", [False, True], ids=["plain", "judged"])
@pytest.mark.parametrize("fmt", READERS)
def test_a_tagged_plan_exported_and_read_back_is_the_same_plan(fmt, judge, titles):
    plan = tagged_plan()
    framework = essex_framework()
    write, read = READERS[fmt]
    judged = judge_plan(plan, dt.date(2022, 5, 1)) if judge else None
    data = write(plan, judged, framework if titles else None)
    loaded = read(data, f"exported.{fmt}", framework=framework, strategy_key=ESSEX)
    assert loaded.recommendations == plan.recommendations
    assert loaded.recommendation("13").actions[4].serves.strands == ("adulthood", "one-planning")
    assert loaded.recommendation("6").serves.findings == ("joint-commissioning",)


@pytest.mark.parametrize("fmt", READERS)
def test_names_that_look_like_formulas_or_hold_a_separator_survive(fmt):
    framework = essex_framework()
    framework.strands += [Strand("post-16", "+16 pathways"), Strand("ehc", "Education; health; care")]
    plan = tagged_plan()
    plan.recommendation("2").serves = Serves(strands=("post-16", "ehc"))
    write, read = READERS[fmt]
    data = write(plan, None, framework)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        # A spreadsheet shows the cell as text; a title holding ";" is written as its key.
        assert cells(rows[0], rows[1:], "2")["Strand"] == "'+16 pathways; ehc"
    else:
        sheet = load_workbook(io.BytesIO(data)).worksheets[0]
        strand = sheet.cell(row=3, column=9)
        assert (strand.data_type, strand.value) == ("s", "+16 pathways; ehc")
    loaded = read(data, f"exported.{fmt}", framework=framework)
    assert loaded.recommendations == plan.recommendations


# --- What the files look like -------------------------------------------------------------------


def test_the_columns_come_after_the_seeds_and_before_status_and_rag():
    plan = tagged_plan()
    assert plan_table(plan)[0] == SEED_COLUMNS + NAMED_COLUMNS
    assert plan_table(plan, judge_plan(plan, dt.date(2022, 5, 1)))[0] == SEED_COLUMNS + NAMED_COLUMNS + ["Status", "RAG"]
    sheet = load_workbook(io.BytesIO(plan_xlsx(plan))).worksheets[0]
    assert [c.value for c in sheet[1]] == SEED_COLUMNS + NAMED_COLUMNS


def test_a_plan_that_delivers_a_strategy_has_the_columns_even_before_anything_serves_it():
    plan = seed_plan()
    assert plan_table(plan)[0] == SEED_COLUMNS
    plan.strategy = ESSEX
    header, rows = plan_table(plan)
    assert header == SEED_COLUMNS + NAMED_COLUMNS
    assert all(row[-3:] == ["", "", ""] for row in rows)


def test_a_plan_with_something_serving_has_the_columns_without_a_strategy_named():
    plan = seed_plan()
    plan.recommendation("5").actions[1].serves = Serves(threads=("equity",))
    header, rows = plan_table(plan)
    assert header == SEED_COLUMNS + SERVES_COLUMNS
    assert cells(header, rows, "5")["Thread"] == "2: equity"


def test_the_cells_say_the_recommendations_names_then_each_actions_own():
    header, rows = plan_table(tagged_plan(), framework=essex_framework())
    one = cells(header, rows, "1")
    assert one["Finding"] == "Accurate identification of need\n3: Quality of EHC plans"
    assert one["Thread"] == "Equity; Ambition"
    assert one["Strand"] == "3: Early identification and early support; Joined up planning and support across E,H,C"
    three = cells(header, rows, "3")
    assert (three["Finding"], three["Thread"], three["Strand"]) == ("", "1: Inclusion\n6: Equity", "6: High quality transitions")
    thirteen = cells(header, rows, "13")
    assert thirteen["Strand"] == (
        "Preparing for adulthood from the earliest years\n"
        "5: Preparing for adulthood from the earliest years; Effective One Planning & SEN support"
    )


def test_without_a_framework_the_cells_name_keys():
    header, rows = plan_table(tagged_plan())
    one = cells(header, rows, "1")
    assert (one["Finding"], one["Thread"]) == ("identification\n3: ehc-plans", "equity; ambition")
