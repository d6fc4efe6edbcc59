"""Issue 12: a decision committed while the nightly runs — after it read its snapshot, before it saved
its forecasts — is never overwritten by the night's stale "overdue": the save sees that the document
changed and plans it again from what is stored. On SQLite and PostgreSQL, through the service the
Prefect flow's tasks call (tests/flows/ runs the flow itself)."""
from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

from governance_model.model import Decision, DecisionOutcome, StepState
from govflow.services import file_loading as services
from govflow.services import route_changes
from govflow.services.night_planning import run_nightly

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
DOC, STEP = "send-strategy-2021-24", "share-sspb"  # on SSPB's meeting of 6 October 2021
NOW = dt.datetime(2021, 10, 7, 3, 0, tzinfo=dt.timezone.utc)
NIGHT = dt.date(2021, 10, 7)  # the day after the meeting: without a decision the step is overdue
NOTED = Decision(DOC, STEP, "SSPB", DecisionOutcome.NOTED, dt.date(2021, 10, 6), meeting_key="SSPB-2021-10-06",
                 minute="To note the revised arrangements and timetable")


def stored_step(uow_factory):
    with uow_factory() as uow:
        forecast = next(f for f in uow.documents.list_forecasts(DOC) if f.step_key == STEP)
        reminded = [r for m in uow.outbox.list() for r in m.reminders
                    if r.item.key == f"step:{DOC}/{STEP}" and r.rule.startswith(("overdue", "escalation"))]
    return forecast, reminded


def southend(uow_factory):
    services.load_files([SOUTHEND], uow_factory())
    run_nightly(uow_factory, dt.date(2021, 10, 6), NOW)  # the night of the meeting
    forecast, _ = stored_step(uow_factory)
    assert forecast.state is not StepState.DONE


def test_without_a_decision_the_step_is_stored_overdue(uow_factory):
    """The premise of the two tests below: the night of 7 October makes this step overdue."""
    southend(uow_factory)
    run_nightly(uow_factory, NIGHT, NOW)
    forecast, reminded = stored_step(uow_factory)
    assert forecast.state is StepState.OVERDUE
    assert [r.rule for r in reminded] == ["overdue-1"]


def test_a_decision_committed_between_the_snapshot_and_the_save_is_kept(uow_factory):
    """`govflow decide` commits (with its own re-forecast) after the night read its snapshot: the
    night's save plans the document again, so the step stays done and nobody is told it is overdue."""
    southend(uow_factory)
    opened = []

    def nightly_units_of_work():
        opened.append(True)
        if len(opened) == 2:  # the night has read its snapshot; this unit of work is its save
            route_changes.record_decision(uow_factory(), NOTED, actor="GB", reason="minutes", as_of=NIGHT, now=NOW)
        return uow_factory()

    update = run_nightly(nightly_units_of_work, NIGHT, NOW)
    forecast, reminded = stored_step(uow_factory)
    assert (forecast.state, forecast.date) == (StepState.DONE, dt.date(2021, 10, 6)), forecast
    assert reminded == []
    assert DOC in update.replanned
    with uow_factory() as uow:
        assert DOC in uow.nightly_runs.get(NIGHT).summary["replanned"]


def test_a_decision_being_recorded_during_the_save_is_waited_for(uow_factory):
    """Two sessions driven step by step: a decision is added (not yet committed) just as the night
    starts its save. The save cannot check-then-write around it: it waits for the decision's commit
    (PostgreSQL: the document's row lock; SQLite: its one write lock) and then plans the document
    from it, even though the decision came with no re-forecast of its own."""
    southend(uow_factory)
    added, errors = threading.Event(), []

    def record_slowly():
        try:
            with uow_factory() as uow:
                uow.documents.add_decision(NOTED)
                added.set()
                time.sleep(1.5)  # the night's save starts meanwhile
                uow.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
            added.set()

    decision = threading.Thread(target=record_slowly)
    opened = []

    def nightly_units_of_work():
        opened.append(True)
        if len(opened) == 2:
            decision.start()
            added.wait(10)
        return uow_factory()

    run_nightly(nightly_units_of_work, NIGHT, NOW)
    decision.join(10)
    assert not errors, errors
    forecast, reminded = stored_step(uow_factory)
    assert forecast.state is StepState.DONE, forecast
    assert reminded == []
