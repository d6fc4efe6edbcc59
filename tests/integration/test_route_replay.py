"""Seed 000 replayed night by night: the Southend strategy goes from Version 11 at JCB in September
2021 to its final version approved in March 2022, with each change kept and each re-forecast
explained. Runs the nightly service on SQLite and PostgreSQL (the Prefect flow has its own tests)."""
import datetime as dt
from pathlib import Path

import pytest

from governance_model.model import Decision, DecisionOutcome
from govflow.services import file_loading as services
from govflow.services import route_changes
from govflow.services.night_planning import run_nightly

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
DOC = "send-strategy-2021-24"
D = dt.date.fromisoformat
NOW = dt.datetime(2022, 4, 1, 9, 0, tzinfo=dt.timezone.utc)


def decide(step, body, outcome, minute=""):
    return ("decide", step, body, DecisionOutcome(outcome), minute)


# What the report of 5 October 2021 says happened or was to happen, on the days it names.
REPORT_IMPLIES = {
    "2021-10-06": [decide("share-sspb", "SSPB", "noted", "To note and agree the revised arrangements and timetable for publishing the SEND Strategy")],
    "2021-10-29": [("done", "final-feedback")],
    "2021-11-30": [("done", "action-planning")],
    "2021-12-17": [("done", "peer-review"), ("done", "presentation")],
    "2021-12-31": [("done", "revise-peer-review")],
    "2022-01-06": [decide("sspb-draft", "SSPB", "endorsed")],
    "2022-02-28": [("done", "consultation")],
    "2022-03-01": [decide("sspb-final", "SSPB", "approved", "RESOLVED that the SEND Strategy 2021-24 be approved")],
    "2022-03-07": [decide("hwbb", "HWBB", "approved")],
    "2022-03-15": [decide("scrutiny", "Scrutiny", "endorsed")],
}


def apply(uow_factory, day: dt.date, change) -> None:
    who = {"actor": "GB", "reason": "seed 000", "as_of": day, "now": NOW}
    if change[0] == "done":
        route_changes.mark_step_done(uow_factory(), DOC, change[1], day, **who)
    else:
        _, step, body, outcome, minute = change
        decision = Decision(DOC, step, body, outcome, day, meeting_key=f"{body}-{day.isoformat()}", minute=minute)
        route_changes.record_decision(uow_factory(), decision, **who)


def forecasts(uow_factory) -> dict[str, tuple[str, str | None]]:
    uow = uow_factory()
    with uow:
        return {f.step_key: (f.state.value, f.date.isoformat() if f.date else None) for f in uow.documents.list_forecasts(DOC)}


def replay(uow_factory, last: str, checkpoints=()):
    seen = {}
    day = D("2021-09-01")
    while day <= D(last):
        for change in REPORT_IMPLIES.get(day.isoformat(), []):
            apply(uow_factory, day, change)
        run_nightly(uow_factory, day, NOW)
        if day.isoformat() in checkpoints:
            seen[day.isoformat()] = forecasts(uow_factory)
        day += dt.timedelta(days=1)
    return seen


def test_seed_000_replayed_ends_with_the_final_version_approved(uow_factory):
    services.load_files([SOUTHEND], uow_factory())
    seen = replay(uow_factory, "2022-03-31", checkpoints=("2021-10-06", "2022-03-01"))

    october = seen["2021-10-06"]
    assert october["share-jcb"] == ("done", "2021-09-15")
    assert october["share-sendops"] == ("done", "2021-09-21")
    assert october["share-sspb"] == ("done", "2021-10-06")
    assert october["final-feedback"] == ("due", "2021-10-29")
    assert october["action-planning"] == ("due", "2021-11-30")
    assert october["peer-review"] == ("due", "2021-12-31")
    assert october["sspb-draft"] == ("scheduled", "2022-01-06")
    assert october["consultation"] == ("planned", "2022-02-28")
    assert october["sspb-final"] == ("scheduled", "2022-03-01")
    assert october["hwbb"] == ("scheduled", "2022-03-07")
    assert october["scrutiny"] == ("scheduled", "2022-03-15")
    assert october["cabinet"] == ("scheduled", "2022-04-12")

    march = seen["2022-03-01"]
    for step in ("share-sspb", "final-feedback", "action-planning", "peer-review", "presentation", "revise-peer-review", "sspb-draft", "consultation"):
        assert march[step][0] == "done", step
    assert march["sspb-final"] == ("done", "2022-03-01")
    assert march["hwbb"] == ("due", "2022-03-07")
    assert march["scrutiny"] == ("due", "2022-03-15")
    assert march["education-board"] == ("due", "2022-03-31")
    assert march["cabinet"] == ("scheduled", "2022-04-12")

    end = forecasts(uow_factory)
    assert end["sspb-final"] == ("done", "2022-03-01")
    assert end["hwbb"] == ("done", "2022-03-07") and end["scrutiny"] == ("done", "2022-03-15")
    assert end["cabinet"] == ("due", "2022-04-12")
    uow = uow_factory()
    with uow:
        final = [d for d in uow.documents.list_decisions(DOC) if d.step_key == "sspb-final"]
        events = uow.audit.list(kind="decision.recorded")
        runs = uow.nightly_runs.last()
    assert [(d.outcome, d.minute) for d in final] == [(DecisionOutcome.APPROVED, "RESOLVED that the SEND Strategy 2021-24 be approved")]
    assert len(events) == 5 and all(e.actor == "GB" for e in events)
    assert runs.as_of == D("2022-03-31")


def test_a_second_run_for_the_same_date_changes_nothing(uow_factory):
    services.load_files([SOUTHEND], uow_factory())
    first = run_nightly(uow_factory, D("2021-10-06"), NOW)
    assert first.nights == [D("2021-10-06")] and first.changed

    def stored():
        uow = uow_factory()
        with uow:
            return uow.documents.list_forecasts(), uow.documents.list_forecast_changes(), uow.nightly_runs.get(D("2021-10-06"))

    before = stored()
    second = run_nightly(uow_factory, D("2021-10-06"), NOW + dt.timedelta(hours=1))
    assert second.nights == [] and second.changed == [] and second.reforecast == []
    assert stored() == before


def test_missed_nights_are_caught_up_as_if_each_night_had_run(uow_factory):
    from tests.fakes import FakeUnitOfWork

    nightly_db = FakeUnitOfWork()
    services.load_files([SOUTHEND], nightly_db)
    services.load_files([SOUTHEND], uow_factory())
    move = {"actor": "SEC", "reason": "chair unavailable", "now": NOW}
    # Each night from 1 September to 20 October on one database…
    day = D("2021-09-01")
    while day <= D("2021-10-20"):
        if day == D("2021-09-10"):
            route_changes.move_meeting(nightly_db, "SSPB-2022-03-01", dt.datetime(2022, 3, 8, 14, tzinfo=dt.timezone.utc), as_of=day, **move)
        run_nightly(lambda: nightly_db, day, NOW)
        day += dt.timedelta(days=1)
    # …and on the other, the same change, but the nightly runs on 1 September and then not until the 20th.
    run_nightly(uow_factory, D("2021-09-01"), NOW)
    route_changes.move_meeting(uow_factory(), "SSPB-2022-03-01", dt.datetime(2022, 3, 8, 14, tzinfo=dt.timezone.utc), as_of=D("2021-09-10"), **move)
    caught_up = run_nightly(uow_factory, D("2021-10-20"), NOW)
    assert len(caught_up.nights) == 49

    def stored(uow):
        with uow:
            return uow.documents.list_forecasts(), uow.documents.list_forecast_changes()

    assert stored(uow_factory()) == stored(nightly_db)


def test_moving_a_meeting_keeps_the_old_date_the_new_date_and_the_reason(uow_factory):
    services.load_files([SOUTHEND], uow_factory())
    run_nightly(uow_factory, D("2021-10-06"), NOW)
    result = route_changes.move_meeting(
        uow_factory(), "SSPB-2022-03-01", dt.datetime(2022, 3, 8, 14, tzinfo=dt.timezone.utc),
        actor="SEC", reason="clash with budget council", as_of=D("2021-10-07"), now=NOW,
    )
    moved = {(c.step_key, c.old_date.isoformat(), c.new_date.isoformat() if c.new_date else None) for c in result.reforecast}
    assert moved == {("sspb-final", "2022-03-01", "2022-03-08"), ("hwbb", "2022-03-07", "2022-06-06"), ("cabinet", "2022-04-12", "2022-07-12")}
    assert all(c.reason.startswith("SSPB-2022-03-01 moved from Tue 01 Mar 2022 14:00 to Tue 08 Mar 2022 14:00") for c in result.reforecast)
    uow = uow_factory()
    with uow:
        history = uow.documents.list_forecast_changes(DOC)
        meeting = uow.bodies.get_meeting("SSPB-2022-03-01")
        (event,) = uow.audit.list(kind="meeting.moved")
    assert {(c.step_key, c.recorded_on) for c in history} == {(k, D("2021-10-07")) for k in ("sspb-final", "hwbb", "cabinet")}
    assert meeting.sequence == 1 and meeting.day == D("2022-03-08")
    assert (event.actor, event.reason, event.subject) == ("SEC", "clash with budget council", "SSPB-2022-03-01")


def test_cancel_and_confirm_a_meeting(uow_factory):
    services.load_files([SOUTHEND], uow_factory())
    run_nightly(uow_factory, D("2021-10-06"), NOW)
    who = {"actor": "SEC", "reason": "", "as_of": D("2021-10-07"), "now": NOW}
    cancelled = route_changes.cancel_meeting(uow_factory(), "HWBB-2022-03-07", **who)
    assert {(c.step_key, c.new_date) for c in cancelled.reforecast} >= {("hwbb", D("2022-06-06"))}
    confirmed = route_changes.confirm_meeting(uow_factory(), "HWBB-2022-03-07", **who)
    assert ("hwbb", D("2022-03-07")) in {(c.step_key, c.new_date) for c in confirmed.reforecast}
    tbc = route_changes.confirm_meeting(uow_factory(), "EducationBoard-2022-03-01", dt.datetime(2022, 3, 22, 16, tzinfo=dt.timezone.utc), **who)
    assert ("education-board", D("2022-03-22")) in {(c.step_key, c.new_date) for c in tbc.reforecast}


@pytest.mark.parametrize(
    "decision, complaint",
    [
        (Decision(DOC, "nope", "", DecisionOutcome.APPROVED, D("2022-01-06")), "has no step 'nope'"),
        (Decision("nodoc", "sspb-draft", "", DecisionOutcome.APPROVED, D("2022-01-06")), "no document 'nodoc'"),
        (Decision(DOC, "consultation", "", DecisionOutcome.APPROVED, D("2022-01-06")), "at no body"),
        (Decision(DOC, "sspb-final", "", DecisionOutcome.REFERRED_BACK, D("2022-03-01"), back_to="zzz"), "no step 'zzz' to go back to"),
    ],
)
def test_a_decision_that_names_nothing_real_is_refused_and_nothing_is_stored(uow_factory, decision, complaint):
    from governance_model.errors import ModelError

    services.load_files([SOUTHEND], uow_factory())
    with pytest.raises(ModelError, match=complaint):
        route_changes.record_decision(uow_factory(), decision, actor="GB", reason="", as_of=D("2022-01-06"), now=NOW)
    uow = uow_factory()
    with uow:
        assert uow.documents.list_decisions() == [] and uow.audit.list() == []


def test_a_run_for_an_earlier_date_than_the_last_changes_nothing(uow_factory):
    services.load_files([SOUTHEND], uow_factory())
    run_nightly(uow_factory, D("2021-10-06"), NOW)
    earlier = run_nightly(uow_factory, D("2021-09-20"), NOW)
    assert earlier.nights == [] and earlier.as_of == D("2021-10-06")
    uow = uow_factory()
    with uow:
        assert uow.nightly_runs.last().as_of == D("2021-10-06")
        assert uow.nightly_runs.get(D("2021-09-20")) is None
