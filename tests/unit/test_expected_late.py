"""An owner says an item will be late (issue 17): the planner plans the step on the day they now
expect when that is later than planned, and the steps after it move; an action's RAG and
reminders count to that day; each says why in words ("expected late by GB: …")."""
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from governance_model.importing.setup_yaml import read_setup
from governance_model.model import Action, ActionPlan, ExpectedDate, Recommendation
from governance_model.rag import Rag, judge_plan
from governance_model.reason_words import reason_words
from governance_model.reminders import reminders_owed
from governance_model.route_planner import MeetingIndex, bind_meetings, plan_route
from governance_model.when import read_when
from governance_model.working_days import WorkingCalendar

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "southend" / "setup.yaml"
CALENDAR = WorkingCalendar()
D = dt.date.fromisoformat
AT = dt.datetime(2021, 12, 1, 10, tzinfo=dt.timezone.utc)


def expected(item_key: str, text: str, said_on: str, note: str = "") -> ExpectedDate:
    return ExpectedDate(item_key, read_when(text, D(said_on)), "GB", D(said_on), note, AT)


@pytest.fixture
def southend():
    setup = read_setup(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    (strategy,) = setup.documents
    bind_meetings(strategy, MeetingIndex(setup.bodies))
    return strategy, setup.bodies


def planned(southend, as_of: str):
    strategy, bodies = southend
    route = plan_route(strategy, MeetingIndex(bodies), [], D(as_of), CALENDAR)
    return {s.step_key: s for s in route.steps}


def test_a_step_expected_late_moves_and_the_steps_after_it_follow(southend):
    strategy, _ = southend
    before = planned(southend, "2021-12-01")
    assert before["revise-peer-review"].date == D("2021-12-31")
    assert before["sspb-draft"].date == D("2022-01-06")

    strategy.route.step("revise-peer-review").expected = expected(
        "step:send-strategy-2021-24/revise-peer-review", "end of January", "2021-12-01", "the peer review report came late"
    )
    after = planned(southend, "2021-12-01")

    late = after["revise-peer-review"]
    assert late.date == D("2022-01-31")
    assert not late.tentative  # the owner's own word: reminders chase it on that day
    words = reason_words(late.why, {s.key: s.title for s in strategy.route.steps})
    assert words.startswith("expected late by GB: the peer review report came late; now expected by 31 January 2022 (“end of January”)")
    # The SSPB meeting of 6 January now comes too soon: the draft goes to the next one after the papers.
    assert after["sspb-draft"].date > D("2022-02-07")
    assert after["sspb-draft"].meeting_key != "SSPB-2022-01-06"
    assert after["consultation"].date > before["consultation"].date


def test_an_expected_date_not_later_than_planned_changes_nothing(southend):
    strategy, _ = southend
    before = planned(southend, "2021-12-01")
    strategy.route.step("revise-peer-review").expected = expected("step:send-strategy-2021-24/revise-peer-review", "w/c 13 December", "2021-12-01")
    assert planned(southend, "2021-12-01") == before


def test_a_step_at_a_body_expected_late_goes_to_that_bodys_first_meeting_from_then(southend):
    strategy, bodies = southend
    strategy.route.step("sspb-draft").expected = expected("step:send-strategy-2021-24/sspb-draft", "end of January", "2021-12-01", "papers not ready")
    after = planned(southend, "2021-12-01")
    sspb = sorted(m.day for b in bodies if b.code == "SSPB" for m in b.meetings if m.day and m.day >= D("2022-01-31"))[0]
    assert after["sspb-draft"].date == sspb
    assert "expected late by GB: papers not ready" in reason_words(after["sspb-draft"].why)
    assert f"SSPB meets next on {sspb.day}" in reason_words(after["sspb-draft"].why)


def plan_with(action: Action) -> ActionPlan:
    rec = Recommendation("3", "Establish access to files", owner="GB", actions=[action])
    return ActionPlan("pr-plan", "Peer review plan", context_date=D("2022-01-01"), owner="LM", recommendations=[rec])


def test_an_actions_rag_and_reminders_count_to_the_expected_date():
    when = read_when("31 January 2022", D("2022-01-01"))
    action = Action(1, "Establish access to files/samples", when=when, owner="GB")
    as_of = D("2022-02-07")
    assert judge_plan(plan_with(action), as_of).action("3", 1).rag is Rag.OVERDUE

    late = dataclasses.replace(action, expected=expected("action:pr-plan/3/1", "end of March", "2022-01-25", "waiting for the data"))
    judged = judge_plan(plan_with(late), as_of).action("3", 1)
    assert judged.rag is not Rag.OVERDUE
    assert judged.deadline == D("2022-03-31")
    assert judged.reason.startswith("expected late by GB: waiting for the data; now expected by 31 March 2022 (“end of March”; planned “31 January 2022”)")

    def owed(a: Action, night: str):
        return reminders_owed(D(night), documents=[], forecasts={}, bodies=[], plans=[plan_with(a)], calendar=CALENDAR)

    assert [r.rule for r in owed(action, "2022-02-01")] == ["overdue-1"]
    assert owed(late, "2022-02-01") == []  # no longer chased as overdue
    (reminder,) = owed(late, "2022-03-31")
    assert reminder.rule == "on-the-day" and reminder.item.deadline == D("2022-03-31")
    assert reminder.item.why.startswith("expected late by GB: waiting for the data")
