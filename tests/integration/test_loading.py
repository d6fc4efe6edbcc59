"""Loading real papers into the database: seed 002 and the Southend example load in full; every kind
of bad input names its place and leaves what was stored exactly as it was."""
import datetime as dt
from pathlib import Path

import pytest

from governance_model.errors import LoadError
from govflow.services import file_loading as services
from tests.data import SEED_002, SEED_002_PEOPLE

pytestmark = pytest.mark.database

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
PLAN_KEY = "send-peer-review-recommendations-high-level-implementation-plan-draft-1"


def snapshot(uow_factory):
    """Everything a user could see stored."""
    uow = uow_factory()
    with uow:
        return (
            uow.people.list(),
            uow.bodies.list(),
            uow.documents.list(),
            uow.plans.list(),
            uow.glossary.get(),
        )


def test_seed_002_loads_sixteen_recommendations_with_owners_actions_and_measures(uow_factory):
    summary = services.load_files([SEED_002_PEOPLE, SEED_002], uow_factory())
    (plan_summary,) = summary.plans
    assert plan_summary.numbers == ["1", "2", "3", "4", "6", "6a", "5", "7", "8", "9", "10", "11", "12", "13", "14", "15"]

    uow = uow_factory()
    with uow:
        plan = uow.plans.get(PLAN_KEY)
        glossary = uow.glossary.get()
    assert plan is not None
    assert [r.number for r in plan.recommendations] == plan_summary.numbers
    assert set(plan.owners) == {"GB", "BM", "LM", "CMc", "AP", "AK", "APD"}
    four, six, thirteen = plan.recommendation("4"), plan.recommendation("6"), plan.recommendation("13")
    assert four.merged_with == ["6"] and six.merged_with == ["4"]
    assert thirteen.aligned_with == ["2"]
    assert len(thirteen.actions) == 5
    first = plan.recommendation("1")
    assert [a.text for a in first.actions] == [
        "Establish access to files/samples",
        "PFH undertakes first review of a sample of case files",
        "PFH samples files on quarterly basis",
    ]
    assert [a.when.text for a in first.actions] == ["Jan", "Jan", "Wef Feb onwards"]
    assert first.actions[0].when.end == dt.date(2022, 1, 31)
    assert all(a.owner == "GB" for a in first.actions)
    assert [m.text for m in first.measures] == [
        "PHF reports back to CSIB on a quarterly basis",
        "Portfolio Holder has oversight of lived experiences and reports findings to CSIB",
    ]
    five = plan.recommendation("5")
    assert [a.when.kind for a in five.actions] == ["window", "window", "recurring", "recurring"]
    assert [a.when.every for a in five.actions][2:] == ["P3M", "P2M"]
    assert plan.recommendation("4").actions[2].when.depends_on == "DfE"
    assert glossary.expand("CSIB") == "Children's Services Improvement Board"
    assert summary.plans[0].merges == [("4", "6")]
    assert summary.plans[0].alignments == [("13", "2")]


def test_southend_example_loads_bodies_route_and_plan(uow_factory):
    summary = services.load_files([SOUTHEND], uow_factory())
    assert summary.bodies == 9 and summary.documents == 1 and summary.steps == 16
    uow = uow_factory()
    with uow:
        strategy = uow.documents.get("send-strategy-2021-24")
        sspb = uow.bodies.get("SSPB")
        plan = uow.plans.get(PLAN_KEY)
    assert strategy.route.step("hwbb").deadline == dt.date(2022, 3, 7)
    assert [m.starts_at.isoformat() for m in sspb.meetings][:3] == [
        "2021-10-06T14:00:00+01:00",
        "2022-01-06T14:00:00+00:00",
        "2022-03-01T14:00:00+00:00",
    ]
    # Steps at a body are tied to the meeting their date names, so they move when it moves.
    assert strategy.route.step("sspb-draft").meeting_key == "SSPB-2022-01-06"
    assert strategy.route.step("hwbb").meeting_key == "HWBB-2022-03-07"
    assert strategy.route.step("education-board").meeting_key == "EducationBoard-2022-03-01"
    assert strategy.route.step("cabinet").meeting_key is None
    assert len(plan.recommendations) == 16


def test_loading_the_same_files_again_changes_nothing(uow_factory):
    services.load_files([SOUTHEND], uow_factory())
    before = snapshot(uow_factory)
    services.load_files([SOUTHEND], uow_factory())
    assert snapshot(uow_factory) == before


def test_csv_and_xlsx_and_seed_text_store_the_same_plan(uow_factory):
    services.load_files([SEED_002_PEOPLE, SEED_002], uow_factory())
    from_text = snapshot(uow_factory)[3][0]
    for name in ("peer-review-plan.csv", "peer-review-plan.xlsx"):
        services.load_files([SOUTHEND.parent / name], uow_factory())
        stored = [p for p in snapshot(uow_factory)[3] if p.source.endswith(name)][0]
        assert stored.recommendations == from_text.recommendations, name


# ---- bad input: one test per kind, each on a database that already holds the Southend example


@pytest.fixture
def loaded(uow_factory):
    services.load_files([SOUTHEND], uow_factory())
    return snapshot(uow_factory)


def rejected(uow_factory, tmp_path, name: str, data: bytes, *extra: Path) -> LoadError:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LoadError) as caught:
        services.load_files([*extra, path], uow_factory())
    return caught.value


UNKNOWN_BODY = b"""\
documents:
  - key: local-offer
    title: Local Offer refresh
    dated: 2022-01-01
    route:
      - {key: a, kind: share, body: SSPB, when: March 22, title: Shared with SSPB}
      - {key: b, kind: decide, body: Cabnet, when: April 22, title: Cabinet decides}
"""


def test_unknown_body(uow_factory, tmp_path, loaded):
    error = rejected(uow_factory, tmp_path, "local-offer.yaml", UNKNOWN_BODY)
    assert error.file.endswith("local-offer.yaml") and error.row == 7
    assert (error.column, error.text) == ("body", "Cabnet")
    assert snapshot(uow_factory) == loaded


CSV_HEADER = "No,Recommendation,Summary actions,When (2022),Who,Measure of success\n"


def test_unreadable_when(uow_factory, tmp_path, loaded):
    data = CSV_HEADER + '1,Do a thing,"First step\nSecond step","March\nsoonish",GB,It is done\n'
    error = rejected(uow_factory, tmp_path, "plan.csv", data.encode())
    assert error.file.endswith("plan.csv") and error.row == 2
    assert error.column == "When (2022)" and "soonish" in error.text
    assert snapshot(uow_factory) == loaded


def test_missing_column(uow_factory, tmp_path, loaded):
    data = "No,Recommendation,Summary actions,When (2022),Measure of success\n1,Do a thing,Step,March,Done\n"
    error = rejected(uow_factory, tmp_path, "plan.csv", data.encode())
    assert error.file.endswith("plan.csv") and "Who" in str(error)
    assert snapshot(uow_factory) == loaded


def test_duplicate_recommendation_number(uow_factory, tmp_path, loaded):
    data = CSV_HEADER + "1,Do a thing,Step,March,GB,Done\n2,Another,Step,April,BM,Done\n1,Again,Step,May,LM,Done\n"
    error = rejected(uow_factory, tmp_path, "plan.csv", data.encode())
    assert (error.row, error.column, error.text) == (4, "No", "1")
    assert snapshot(uow_factory) == loaded


def test_undecodable_bytes(uow_factory, tmp_path, loaded):
    data = (CSV_HEADER + "1,Caf\xe9 provision reviewed,Step,March,GB,Done\n").encode("cp1252")
    error = rejected(uow_factory, tmp_path, "plan.csv", data)
    assert error.file.endswith("plan.csv") and error.row == 2
    assert "UTF-8" in str(error)
    assert snapshot(uow_factory) == loaded


def test_undecodable_setup_file(uow_factory, tmp_path, loaded):
    data = "people:\n  - {initials: Zo\xeb}\n".encode("latin-1")
    error = rejected(uow_factory, tmp_path, "people.yaml", data)
    assert error.row == 2 and "offset 25" in str(error)
    assert snapshot(uow_factory) == loaded


def test_a_bad_file_stops_the_good_ones_loaded_with_it(uow_factory, tmp_path):
    before = snapshot(uow_factory)
    data = CSV_HEADER + "1,Do a thing,Step,whenever,GB,Done\n"
    error = rejected(uow_factory, tmp_path, "plan.csv", data.encode(), SOUTHEND)
    assert error.file.endswith("plan.csv")
    assert snapshot(uow_factory) == before
