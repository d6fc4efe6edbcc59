"""The route planner on the Southend strategy (seed 000): states and dates as the secretary would
read them, and how meetings moved, deferrals, referrals back and rejections re-plan the route."""
import datetime as dt
from pathlib import Path

import pytest

from governance_model.importing.setup_yaml import read_setup
from governance_model.model import Decision, DecisionOutcome, StepState
from governance_model.route_planner import MeetingIndex, bind_meetings, plan_route
from governance_model.working_days import WorkingCalendar

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "southend" / "setup.yaml"
CALENDAR = WorkingCalendar()
D = dt.date.fromisoformat


@pytest.fixture
def southend():
    setup = read_setup(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    (strategy,) = setup.documents
    bind_meetings(strategy, MeetingIndex(setup.bodies))
    return strategy, setup.bodies


def plan(southend, as_of: str, decisions=()):
    strategy, bodies = southend
    return plan_route(strategy, MeetingIndex(bodies), list(decisions), D(as_of), CALENDAR)


def table(route_plan) -> dict[str, tuple[str, str | None]]:
    return {s.step_key: (s.state.value, s.date.isoformat() if s.date else None) for s in route_plan.steps}


def decided(step: str, body: str, day: str, outcome=DecisionOutcome.APPROVED, **extra) -> Decision:
    return Decision("send-strategy-2021-24", step, body, outcome, D(day), **extra)


def move(southend, key: str, new_day: str):
    _, bodies = southend
    for body in bodies:
        for meeting in body.meetings:
            if meeting.key == key:
                meeting.starts_at = meeting.starts_at.replace(year=D(new_day).year, month=D(new_day).month, day=D(new_day).day)
                return
    raise AssertionError(key)


# Everything the report of 5 October 2021 implies happened up to the end of February 2022.
THROUGH_FEBRUARY = [
    decided("share-sspb", "SSPB", "2021-10-06", DecisionOutcome.NOTED),
]


def test_at_the_october_meeting(southend):
    states = table(plan(southend, "2021-10-06"))
    assert states["share-jcb"] == ("done", "2021-09-15")
    assert states["share-sendops"] == ("done", "2021-09-21")
    assert states["share-sspb"] == ("due", "2021-10-06")
    assert states["final-feedback"] == ("planned", "2021-10-29")  # October 2021 half term
    assert states["peer-review"] == ("due", "2021-12-31")  # waits for nothing: runs side by side
    assert states["sspb-draft"] == ("scheduled", "2022-01-06")
    assert states["consultation"] == ("planned", "2022-02-28")
    assert states["sspb-final"] == ("scheduled", "2022-03-01")
    assert states["hwbb"] == ("scheduled", "2022-03-07")
    assert states["scrutiny"] == ("scheduled", "2022-03-15")
    # Cabinet is TBC: forecast at the first Cabinet that leaves 10 working days after 15 March.
    cabinet = plan(southend, "2021-10-06").step("cabinet")
    assert (cabinet.state, cabinet.date, cabinet.tentative) == (StepState.SCHEDULED, D("2022-04-12"), True)
    assert "10 working days after scrutiny" in cabinet.reason


def test_a_missed_step_is_overdue_and_what_follows_waits_from_today(southend):
    route = plan(southend, "2021-10-08")  # SSPB met on the 6th but nothing was recorded
    assert route.step("share-sspb").state is StepState.OVERDUE
    assert route.step("final-feedback").state is StepState.PLANNED


def test_moving_a_meeting_by_a_week_moves_only_the_steps_that_depend_on_it(southend):
    before = table(plan(southend, "2021-10-06"))
    move(southend, "SSPB-2022-03-01", "2022-03-08")
    after = table(plan(southend, "2021-10-06"))
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"sspb-final", "hwbb", "cabinet"}
    assert after["sspb-final"] == ("scheduled", "2022-03-08")
    assert after["hwbb"] == ("scheduled", "2022-06-06")  # 7 March now comes before SSPB: next HWBB
    assert after["scrutiny"] == before["scrutiny"]  # 15 March still follows 8 March
    assert after["cabinet"] == ("scheduled", "2022-07-12")


def test_moving_a_meeting_whose_followers_still_fit_moves_only_its_own_step(southend):
    before = table(plan(southend, "2021-10-06"))
    move(southend, "SSPB-2022-01-06", "2022-01-13")
    after = table(plan(southend, "2021-10-06"))
    assert {k for k in before if before[k] != after[k]} == {"sspb-draft"}
    assert after["sspb-draft"] == ("scheduled", "2022-01-13")


def test_side_by_side_steps_both_finish_before_cabinet(southend):
    decisions = [decided("sspb-final", "SSPB", "2022-03-01"), decided("hwbb", "HWBB", "2022-03-07")]
    for step in ("final-feedback", "action-planning", "peer-review", "presentation", "revise-peer-review", "sspb-draft", "consultation", "share-sspb"):
        decisions.append(decided(step, "SSPB", "2022-02-28", DecisionOutcome.NOTED))
    route = plan(southend, "2022-03-10", decisions)
    assert route.step("hwbb").state is StepState.DONE
    assert route.step("scrutiny").state is StepState.DUE
    assert route.step("cabinet").state is StepState.SCHEDULED  # HWBB is done, Scrutiny is not
    decisions.append(decided("scrutiny", "Scrutiny", "2022-03-15", DecisionOutcome.ENDORSED))
    route = plan(southend, "2022-03-16", decisions)
    assert route.step("cabinet").state is StepState.DUE
    assert route.step("cabinet").date == D("2022-04-12")


ROUTE_ORDER = ["share-sspb", "final-feedback", "action-planning", "peer-review", "presentation", "revise-peer-review",
               "sspb-draft", "consultation", "sspb-final", "education-board", "scrutiny", "improvement-board", "hwbb"]


def done_up_to(last: str, day: str) -> list[Decision]:
    """Every step of the route up to and including `last`, recorded as done on `day`."""
    steps = ROUTE_ORDER[: ROUTE_ORDER.index(last) + 1]
    return [decided(step, "SSPB", day, DecisionOutcome.NOTED) for step in steps]


def everything_before_cabinet():
    return done_up_to("hwbb", "2022-03-15")


def test_a_deferral_at_cabinet_lands_on_cabinets_next_meeting(southend):
    decisions = everything_before_cabinet()
    assert plan(southend, "2022-04-01", decisions).step("cabinet").date == D("2022-04-12")
    decisions.append(decided("cabinet", "Cabinet", "2022-04-12", DecisionOutcome.DEFERRED))
    cabinet = plan(southend, "2022-04-13", decisions).step("cabinet")
    assert (cabinet.state, cabinet.date, cabinet.meeting_key) == (StepState.DUE, D("2022-05-10"), "Cabinet-2022-05-10")
    assert "deferred at Cabinet on 2022-04-12" in cabinet.reason
    decisions.append(decided("cabinet", "Cabinet", "2022-05-10", DecisionOutcome.APPROVED))
    assert plan(southend, "2022-05-11", decisions).finished


def test_a_referral_back_reruns_from_the_revise_step(southend):
    decisions = done_up_to("consultation", "2022-02-28")
    before = table(plan(southend, "2022-03-01", decisions))
    decisions.append(decided("sspb-final", "SSPB", "2022-03-01", DecisionOutcome.REFERRED_BACK))
    after = plan(southend, "2022-03-02", decisions)
    revise = after.step("revise-peer-review")
    # Back to the revise step before SSPB, re-planned from the referral keeping its month's length.
    assert (revise.state, revise.date) == (StepState.DUE, D("2022-03-31"))
    assert "referred back at SSPB on 2022-03-01" in revise.reason
    assert after.step("sspb-draft").date == D("2022-05-05")
    for key in ("sspb-draft", "consultation", "sspb-final", "hwbb", "scrutiny", "cabinet"):
        assert after.step(key).state is not StepState.DONE
        assert after.step(key).date is None or after.step(key).date > D(before[key][1]), key
    # Steps before the revise step stay done.
    assert after.step("peer-review").state is StepState.DONE


def test_referral_back_to_a_named_step(southend):
    decisions = done_up_to("consultation", "2022-02-28")
    decisions.append(decided("sspb-final", "SSPB", "2022-03-01", DecisionOutcome.REFERRED_BACK, back_to="presentation"))
    after = plan(southend, "2022-03-02", decisions)
    assert after.step("presentation").state is StepState.DUE
    assert after.step("peer-review").state is StepState.DONE


def test_approved_with_amendments_goes_on_through_the_revise_step(southend):
    decisions = done_up_to("revise-peer-review", "2021-12-31")
    decisions.append(decided("sspb-draft", "SSPB", "2022-01-06", DecisionOutcome.APPROVED_WITH_AMENDMENTS))
    route = plan(southend, "2022-01-07", decisions)
    assert route.step("sspb-draft").state is StepState.DONE
    assert route.step("revise-peer-review").state is StepState.DUE
    assert "amendments asked for at SSPB on 2022-01-06" in route.step("revise-peer-review").reason
    assert route.step("consultation").state is StepState.PLANNED  # waits for the amendments too
    decisions.append(decided("revise-peer-review", "SSPB", "2022-01-20", DecisionOutcome.NOTED))
    assert plan(southend, "2022-01-21", decisions).step("consultation").state is StepState.DUE


def test_rejection_stops_the_document(southend):
    decisions = done_up_to("consultation", "2022-02-28") + [decided("sspb-final", "SSPB", "2022-03-01", DecisionOutcome.REJECTED)]
    route = plan(southend, "2022-03-02", decisions)
    assert route.stopped
    assert route.step("sspb-final").state is StepState.STOPPED
    assert route.step("cabinet").state is StepState.STOPPED
    assert route.step("consultation").state is StepState.DONE


def test_a_cancelled_meeting_sends_its_step_to_the_next_one(southend):
    _, bodies = southend
    from governance_model.model import MeetingStatus

    hwbb = next(b for b in bodies if b.code == "HWBB")
    next(m for m in hwbb.meetings if m.key == "HWBB-2022-03-07").status = MeetingStatus.CANCELLED
    step = plan(southend, "2021-10-06").step("hwbb")
    assert step.date == D("2022-06-06") and "cancelled" in step.reason


def test_decisions_after_the_as_of_date_are_not_seen(southend):
    decisions = [decided("share-sspb", "SSPB", "2021-10-06", DecisionOutcome.NOTED)]
    assert plan(southend, "2021-10-05", decisions).step("share-sspb").state is StepState.DUE
    assert plan(southend, "2021-10-06", decisions).step("share-sspb").state is StepState.DONE
