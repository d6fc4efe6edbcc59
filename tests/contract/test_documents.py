"""Documents and their routes: round trips, step order, decisions, steps done, forecasts and re-forecasts.

Run against the in-memory fake and every configured database (tests/contract/conftest.py)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from governance_model.errors import ModelError
from governance_model.model import (
    Decision,
    DecisionOutcome,
    Document,
    ForecastChange,
    Route,
    Step,
    StepForecast,
    StepKind,
    StepState,
)
from governance_model.ports import AbstractUnitOfWork
from governance_model.reasons import Reason
from tests.storage_examples import DOC, decision, forecasts_for_strategy, other_document, sspb, strategy

UowFactory = Callable[[], AbstractUnitOfWork]


def test_document_round_trip(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.commit()
    with uow_factory() as uow:
        document = uow.documents.get("send-strategy-2022")
        assert document == strategy()
        assert uow.documents.list() == [strategy()]
        assert uow.documents.get("nothing") is None
    route = document.route
    assert route.step("share-jcb").waits_for == ()
    assert route.step("feedback").waits_for is None
    assert route.prerequisites(route.step("publish")) == ("decide-hwbb", "review-scrutiny")
    assert document.current_version.label == "Version 12"


def test_steps_come_back_in_position_order(uow_factory: UowFactory) -> None:
    shuffled = strategy()
    shuffled.route.steps.reverse()
    with uow_factory() as uow:
        uow.documents.save(shuffled)
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.get(shuffled.key) == strategy()


def test_decisions_are_listed_by_day(uow_factory: UowFactory) -> None:
    deferred = decision(DecisionOutcome.DEFERRED, decided_on=dt.date(2022, 1, 12), minute="Deferred to March.")
    noted = decision(DecisionOutcome.NOTED, step_key="decide-hwbb", body_code="HWBB", meeting_key=None)
    other = Document(key="other", title="Other", route=Route([Step("s", 1, StepKind.DECIDE, "Decide")]))
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.save(other)
        uow.documents.add_decision(decision())
        uow.documents.add_decision(noted)
        uow.documents.add_decision(deferred)
        uow.documents.add_decision(Decision("other", "s", "SSPB", DecisionOutcome.REJECTED, dt.date(2022, 1, 1)))
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.list_decisions("send-strategy-2022") == [deferred, decision(), noted]
        assert len(uow.documents.list_decisions()) == 4
        assert uow.documents.list_decisions("nothing") == []
        with pytest.raises(ModelError, match="no such step"):
            uow.documents.add_decision(decision(step_key="not-a-step"))
        with pytest.raises(ModelError, match="no such step"):
            uow.documents.add_decision(decision(document_key="nothing"))


def test_decided_steps_cannot_be_dropped(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.add_decision(decision())
        uow.commit()
    shorter = strategy()
    shorter.route.steps = [s for s in shorter.route.steps if s.key != "decide-sspb"]
    for step in shorter.route.steps:
        step.waits_for = None if step.waits_for else step.waits_for
    with uow_factory() as uow:
        with pytest.raises(ModelError, match="decide-sspb have decisions recorded"):
            uow.documents.save(shorter)


def test_new_fields_round_trip(uow_factory: UowFactory) -> None:
    body = sspb()
    body.meetings[2].sequence = 3
    referred = decision(
        DecisionOutcome.REFERRED_BACK, back_to="feedback", recorded_by="LM", minute="Referred back for more feedback."
    )
    with uow_factory() as uow:
        uow.bodies.save(body)
        uow.documents.save(strategy())
        uow.documents.add_decision(referred)
        uow.documents.add_decision(decision(decided_on=dt.date(2022, 6, 15)))
        uow.commit()
    with uow_factory() as uow:
        assert uow.bodies.get("SSPB") == body
        assert uow.bodies.list() == [body]
        assert uow.bodies.get_meeting("SSPB-2022-03") == body.meetings[2]
        assert uow.bodies.get_meeting("SSPB-2022-03").sequence == 3
        assert uow.bodies.get_meeting("SSPB-2022-01").sequence == 0
        assert uow.bodies.get_meeting("SSPB-2022-03-TBC") == body.meetings[1]
        assert uow.bodies.get_meeting("nothing") is None
        assert uow.documents.list_decisions(DOC) == [referred, decision(decided_on=dt.date(2022, 6, 15))]
        stored = uow.documents.list_decisions()[1]
        assert (stored.back_to, stored.recorded_by) == (None, "")


def test_forecasts_are_upserted_by_step(uow_factory: UowFactory) -> None:
    first = forecasts_for_strategy()
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.save(other_document())
        uow.documents.save_forecasts(reversed(first))  # any order in, route order out
        uow.documents.save_forecasts([StepForecast("another-doc", "b", StepState.PLANNED, None)])
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.list_forecasts(DOC) == first
        assert uow.documents.list_forecasts() == [StepForecast("another-doc", "b", StepState.PLANNED, None)] + first
        assert uow.documents.list_forecasts("nothing") == []

    changed = list(first)
    changed[1] = dataclasses.replace(first[1], state=StepState.DONE, date=dt.date(2021, 12, 2), reason="done late")
    changed[3] = dataclasses.replace(first[3], date=dt.date(2022, 3, 28), meeting_key=None, tentative=False, reason="")
    moved_twice = dataclasses.replace(changed[2], date=dt.date(2022, 3, 28), meeting_key="SSPB-2022-03-TBC")
    with uow_factory() as uow:
        # Only the changed ones are given (as the nightly run does); a step given twice keeps the last.
        uow.documents.save_forecasts([changed[1], changed[3], changed[2], moved_twice])
        uow.documents.save_forecasts([StepForecast("another-doc", "a", StepState.DUE, dt.date(2022, 1, 4))])
        uow.documents.save_forecasts([])
        uow.commit()
    changed[2] = moved_twice
    with uow_factory() as uow:
        assert uow.documents.list_forecasts(DOC) == changed
        assert uow.documents.list_forecasts("another-doc") == [
            StepForecast("another-doc", "a", StepState.DUE, dt.date(2022, 1, 4)),
            StepForecast("another-doc", "b", StepState.PLANNED, None),
        ]
        assert all(type(f.state) is StepState for f in uow.documents.list_forecasts())


def test_forecasts_for_unknown_steps_are_refused(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.save_forecasts(forecasts_for_strategy())
        uow.commit()
    moved = [dataclasses.replace(f, date=dt.date(2023, 1, 1), reason="moved") for f in forecasts_for_strategy()]
    with uow_factory() as uow:
        with pytest.raises(ModelError, match=f"nothing/share-jcb, {DOC}/not-a-step"):
            uow.documents.save_forecasts(
                moved[:3] + [StepForecast("nothing", "share-jcb", StepState.DUE, None)]
                + moved[3:] + [StepForecast(DOC, "not-a-step", StepState.DUE, None)]
            )
        # Refused before anything was written, and nothing is after the rollback either.
        assert uow.documents.list_forecasts() == forecasts_for_strategy()
    with uow_factory() as uow:
        assert uow.documents.list_forecasts() == forecasts_for_strategy()
        with pytest.raises(ModelError, match="no stored route"):
            uow.documents.save_forecasts([StepForecast(DOC, "nope", StepState.DUE, None)])


def test_forecast_changes_are_appended_in_order(uow_factory: UowFactory) -> None:
    def change(step: str, on: str, old: str | None, new: str | None, reason: str, document: str = DOC) -> ForecastChange:
        day = dt.date.fromisoformat
        return ForecastChange(document, step, old and day(old), new and day(new), reason, day(on))

    march = change("decide-sspb", "2022-01-12", "2022-01-12", "2022-03-07", "January SSPB cancelled")
    late = change("feedback", "2021-12-01", "2021-11-30", None, "feedback not received")
    tbc = change("decide-hwbb", "2022-01-12", "2022-03-07", "2022-03-28", "follows SSPB")
    other = change("b", "2022-01-05", None, "2022-02-01", "first forecast", document="another-doc")
    later = change("decide-sspb", "2022-03-01", "2022-03-07", "2022-03-28", "SSPB moved to 28 March")
    with uow_factory() as uow:
        uow.documents.add_forecast_changes([march, late, tbc])
        uow.documents.add_forecast_changes(iter([other]))
        uow.documents.add_forecast_changes([])
        uow.commit()
    with uow_factory() as uow:
        uow.documents.add_forecast_changes([later, march])  # the same change again is a second record
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.list_forecast_changes() == [late, other, march, tbc, march, later]
        assert uow.documents.list_forecast_changes(DOC) == [late, march, tbc, march, later]
        assert uow.documents.list_forecast_changes("nothing") == []


def test_reasons_as_facts_are_kept_with_forecasts_and_re_forecasts(uow_factory: UowFactory) -> None:
    """Issue 14: the planner's reason as facts comes back as it went in (so a report can put it into
    words); a row stored before reasons had facts reads as having none."""
    day = dt.date.fromisoformat
    why = Reason.of(
        "change_meeting_moved", body="SSPB", was=day("2022-01-12"), to=day("2022-03-07"),
        then=Reason.of("first_meeting_after", body="SSPB", step="feedback", day=day("2022-02-28"), lead=5, meeting_on=day("2022-03-07"),
                       cause=Reason.of("referred_back", body="SSPB", day=day("2022-01-12"))),
    )
    forecasts = forecasts_for_strategy()
    with_facts = [dataclasses.replace(forecasts[0], why=why), *forecasts[1:]]
    change = ForecastChange(DOC, "decide-sspb", day("2022-01-12"), day("2022-03-07"), "SSPB-2022-01-12 moved", day("2022-01-10"), why)
    old_change = ForecastChange(DOC, "decide-hwbb", day("2022-03-07"), day("2022-03-28"), "follows SSPB", day("2022-01-10"))
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.save_forecasts(with_facts)
        uow.documents.add_forecast_changes([change, old_change])
        uow.commit()
    with uow_factory() as uow:
        stored = uow.documents.list_forecasts(DOC)
        assert stored == with_facts and stored[0].why == why and stored[1].why is None
        assert uow.documents.list_forecast_changes(DOC) == [change, old_change]


def test_steps_are_marked_done(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.commit()
    with uow_factory() as uow:
        before = uow.documents.get(DOC)  # read first: a stale copy must not hide the change
        uow.documents.set_step_done(DOC, "feedback", dt.date(2021, 12, 2))
        uow.documents.set_step_done(DOC, "share-jcb", None)
        assert uow.documents.get(DOC).route.step("feedback").done_on == dt.date(2021, 12, 2)
        assert before.route.step("feedback").done_on is None
        uow.commit()
    expected = strategy()
    expected.route.step("feedback").done_on = dt.date(2021, 12, 2)
    expected.route.step("share-jcb").done_on = None
    with uow_factory() as uow:
        assert uow.documents.get(DOC) == expected
        with pytest.raises(ModelError, match=f"document '{DOC}' has no step 'nope'"):
            uow.documents.set_step_done(DOC, "nope", dt.date(2022, 1, 1))
        with pytest.raises(ModelError, match="document 'nothing' has no step 'feedback'"):
            uow.documents.set_step_done("nothing", "feedback", dt.date(2022, 1, 1))
        uow.documents.set_step_done(DOC, "publish", dt.date(2022, 4, 1))  # left without commit
    with uow_factory() as uow:
        assert uow.documents.get(DOC) == expected
        # Saving the document again afterwards writes what it is given.
        uow.documents.set_step_done(DOC, "publish", dt.date(2022, 4, 1))
        uow.documents.save(strategy())
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.get(DOC) == strategy()


def test_a_step_dropped_from_the_route_loses_its_forecast(uow_factory: UowFactory) -> None:
    history = ForecastChange(DOC, "publish", None, dt.date(2022, 4, 1), "first forecast", dt.date(2022, 1, 1))
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.save_forecasts(forecasts_for_strategy())
        uow.documents.add_forecast_changes([history])
        uow.commit()
    shorter = strategy()
    shorter.route.steps = [s for s in shorter.route.steps if s.key != "publish"]
    with uow_factory() as uow:
        uow.documents.save(shorter)
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.list_forecasts() == forecasts_for_strategy()[:-1]
        assert uow.documents.list_forecast_changes() == [history]  # the history stays
        uow.documents.save(strategy())  # the step comes back, without a forecast
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.list_forecasts() == forecasts_for_strategy()[:-1]
        uow.documents.save_forecasts(forecasts_for_strategy())
        assert uow.documents.list_forecasts() == forecasts_for_strategy()


def test_advisory_steps_and_at_risk_forecasts_round_trip(uow_factory: UowFactory) -> None:
    document = strategy()
    document.route.steps[2].advisory = True
    at_risk = StepForecast(DOC, document.route.steps[-1].key, StepState.SCHEDULED, dt.date(2022, 3, 7), tentative=True,
                           reason="HWBB meeting on 2022-03-07; at risk: waits for x, which has no date yet", at_risk=True)  # fmt: skip
    with uow_factory() as uow:
        uow.documents.save(document)
        uow.documents.save_forecasts([at_risk])
        uow.commit()
    with uow_factory() as uow:
        stored = uow.documents.get(DOC)
        assert stored == document and [s.advisory for s in stored.route.steps].count(True) == 1
        assert uow.documents.list_forecasts(DOC) == [at_risk]


def test_revisions_rise_with_every_change_that_can_move_a_route(uow_factory: UowFactory) -> None:
    """The nightly's stale-save rule (issue 12) reads these: a save, a decision, a step done and a
    touch each raise a document's revision; its forecasts (which the nightly itself writes) do not;
    a block left without commit leaves it as it was."""
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.save(other_document())
        uow.commit()
    with uow_factory() as uow:
        first = uow.documents.revisions()
    assert set(first) == {DOC, other_document().key}

    def after(change) -> dict[str, int]:
        with uow_factory() as uow:
            change(uow)
            uow.commit()
        with uow_factory() as uow:
            return uow.documents.revisions(lock=True)

    saved = after(lambda uow: uow.documents.save(strategy()))
    assert saved[DOC] > first[DOC] and saved[other_document().key] == first[other_document().key]
    decided = after(lambda uow: uow.documents.add_decision(decision(DecisionOutcome.NOTED)))
    assert decided[DOC] > saved[DOC]
    done = after(lambda uow: uow.documents.set_step_done(DOC, "share-jcb", dt.date(2021, 9, 15)))
    assert done[DOC] > decided[DOC]
    forecast = after(lambda uow: uow.documents.save_forecasts(forecasts_for_strategy()))
    assert forecast == done
    touched = after(lambda uow: uow.documents.touch([other_document().key]))
    assert touched[DOC] == done[DOC] and touched[other_document().key] > done[other_document().key]
    everything = after(lambda uow: uow.documents.touch())
    assert all(everything[key] > touched[key] for key in touched)

    with uow_factory() as uow:
        uow.documents.add_decision(decision(DecisionOutcome.NOTED))  # never committed
    with uow_factory() as uow:
        assert uow.documents.revisions() == everything
