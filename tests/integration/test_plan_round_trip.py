"""Round trip: plan → XLSX → load gives the same plan. The Southend plan is loaded and stored, two of
its actions are recorded complete, it is judged and exported, and the exported workbook loaded as a
plan of its own compares equal to the stored original."""
import datetime as dt
from pathlib import Path

import pytest

from governance_model.model import ProgressUpdate
from governance_model.rag import judge_plan
from govflow.services import file_loading as services
from reports.plan_export import plan_xlsx

pytestmark = pytest.mark.database

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
PLAN_KEY = "send-peer-review-recommendations-high-level-implementation-plan-draft-1"
AS_OF = dt.date(2022, 5, 1)


def stored_plan(uow_factory, key):
    with uow_factory() as uow:
        return uow.plans.get(key)


def test_plan_to_xlsx_and_back_gives_the_same_plan(uow_factory, tmp_path):
    services.load_files([SOUTHEND], uow_factory())
    with uow_factory() as uow:
        for number, day, position in (("11", dt.date(2022, 2, 14), 1), ("13", dt.date(2022, 4, 20), 5)):
            update = ProgressUpdate(number, day, done=["Done"], action_position=position, action_complete=True)
            uow.plans.add_update(PLAN_KEY, update)
        uow.commit()
    original = stored_plan(uow_factory, PLAN_KEY)
    done = {(r.number, a.position): a.done_on for r in original.recommendations for a in r.actions if a.done_on}
    assert done == {("11", 1): dt.date(2022, 2, 14), ("13", 5): dt.date(2022, 4, 20)}

    export = tmp_path / "peer-review-export.xlsx"
    export.write_bytes(plan_xlsx(original, judge_plan(original, AS_OF)))
    # Loaded on its own, a plan file takes its title, and so its key, from its name: the export
    # is stored beside the original, not over it, so the comparison below is of two stored plans.
    summary = services.load_files([export], uow_factory())
    assert [p.key for p in summary.plans] == ["peer-review-export"]

    loaded = stored_plan(uow_factory, "peer-review-export")
    assert loaded.context_date == original.context_date == dt.date(2022, 1, 1)
    assert [r.number for r in loaded.recommendations] == [r.number for r in original.recommendations]
    for back, rec in zip(loaded.recommendations, original.recommendations):
        assert (back.number, back.text, back.owner, back.note) == (rec.number, rec.text, rec.owner, rec.note)
        assert (back.merged_with, back.aligned_with) == (rec.merged_with, rec.aligned_with)
        assert [(a.position, a.text, a.owner, a.done_on) for a in back.actions] == [
            (a.position, a.text, a.owner, a.done_on) for a in rec.actions
        ], rec.number
        assert [a.when for a in back.actions] == [a.when for a in rec.actions], rec.number  # text and reading
        assert [(m.position, m.text) for m in back.measures] == [(m.position, m.text) for m in rec.measures]
    assert loaded.recommendations == original.recommendations
    # Not vacuous: the plan has what a dropped column would lose.
    actions = [a for r in original.recommendations for a in r.actions]
    assert len(actions) == 52 and all(a.when and a.when.text and a.owner for a in actions)
    assert set(loaded.owners) == {"GB", "BM", "LM", "CMc", "AP", "AK", "APD"}

    # Loading the export left the original as it was.
    assert stored_plan(uow_factory, PLAN_KEY).recommendations == original.recommendations
