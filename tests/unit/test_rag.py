"""The RAG rule (governance_model.rag): every status an action can have, with its reason, and how
actions roll up to recommendations and the plan."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from governance_model.importing.plan_table import read_plan_file
from governance_model.model import Action, ActionPlan, Condition, ProgressUpdate, RagTolerances, Recommendation
from governance_model.rag import Rag, judge_plan
from governance_model.when import read_when

ROOT = Path(__file__).resolve().parents[2]
CONTEXT = dt.date(2022, 1, 1)


def plan_of(*actions: Action, updates=(), tolerances=None, number="1") -> ActionPlan:
    rec = Recommendation(number=number, text="Do the thing", owner="GB", actions=list(actions))
    return ActionPlan(key="p", title="Plan", recommendations=[rec], updates=list(updates), rag_tolerances=tolerances)


def action(when: str | None, position: int = 1, done_on: dt.date | None = None) -> Action:
    return Action(position=position, text=f"action {position}", when=read_when(when, CONTEXT) if when else None, owner="GB", done_on=done_on)


def update(on: dt.date, position: int | None = 1, complete: bool = False, number: str = "1") -> ProgressUpdate:
    return ProgressUpdate(number, on, done=["something"], action_position=position, action_complete=complete)


def judged(plan: ActionPlan, as_of: dt.date, conditions=()):
    return judge_plan(plan, as_of, list(conditions)).action("1", 1)


def test_an_action_recorded_done_is_complete_and_says_when():
    result = judged(plan_of(action("March", done_on=dt.date(2022, 3, 10))), dt.date(2022, 5, 1))
    assert result.rag is Rag.COMPLETE
    assert result.reason == "completed on 10 Mar 2022"
    assert result.status == "complete on 2022-03-10"


def test_a_progress_update_that_completes_the_action_makes_it_complete_from_that_day():
    plan = plan_of(action("March"), updates=[update(dt.date(2022, 3, 20), complete=True)])
    assert judged(plan, dt.date(2022, 3, 19)).rag is Rag.AT_RISK  # not yet seen: 12 days to go, no update
    assert judged(plan, dt.date(2022, 3, 20)).rag is Rag.COMPLETE


def test_past_its_deadline_and_not_done_is_overdue():
    result = judged(plan_of(action("March")), dt.date(2022, 5, 1))
    assert result.rag is Rag.OVERDUE
    assert result.reason == "due 31 Mar 2022, 31 days ago, and not recorded complete"


def test_a_weekend_deadline_falls_due_the_working_day_before():
    # April 2022 ends on a Saturday: due Friday 29 April, so overdue on Saturday 30th.
    result = judged(plan_of(action("April")), dt.date(2022, 4, 30))
    assert (result.rag, result.deadline) == (Rag.OVERDUE, dt.date(2022, 4, 29))


def test_near_its_deadline_without_a_recent_update_is_at_risk():
    result = judged(plan_of(action("May")), dt.date(2022, 5, 20))
    assert result.rag is Rag.AT_RISK
    assert result.reason == "due 31 May 2022, in 11 days, and no progress update recorded"


def test_near_its_deadline_with_a_recent_update_is_on_track():
    result = judged(plan_of(action("May"), updates=[update(dt.date(2022, 5, 2))]), dt.date(2022, 5, 20))
    assert result.rag is Rag.ON_TRACK
    assert result.reason == "due 31 May 2022, in 11 days; last update 2 May 2022"


def test_an_update_older_than_the_tolerance_does_not_count():
    result = judged(plan_of(action("May"), updates=[update(dt.date(2022, 3, 1))]), dt.date(2022, 5, 20))
    assert result.rag is Rag.AT_RISK
    assert "no progress update in the last 30 days (the last on 1 Mar 2022)" in result.reason


def test_an_update_on_the_recommendation_counts_for_its_actions():
    plan = plan_of(action("May"), updates=[update(dt.date(2022, 5, 2), position=None)])
    assert judged(plan, dt.date(2022, 5, 20)).rag is Rag.ON_TRACK


def test_an_update_on_another_action_does_not_count():
    plan = plan_of(action("May"), action("May", position=2), updates=[update(dt.date(2022, 5, 2), position=2)])
    assert judged(plan, dt.date(2022, 5, 20)).rag is Rag.AT_RISK


def test_far_from_its_deadline_is_on_track_even_without_updates():
    result = judged(plan_of(action("July")), dt.date(2022, 5, 1))
    assert result.rag is Rag.ON_TRACK
    assert result.reason == "due 29 Jul 2022, in 89 days"


def test_tolerances_are_set_per_plan():
    tight = RagTolerances(at_risk_within_days=5, stale_after_days=30)
    loose = RagTolerances(at_risk_within_days=60, stale_after_days=30)
    assert judged(plan_of(action("May"), tolerances=tight), dt.date(2022, 5, 20)).rag is Rag.ON_TRACK
    assert judged(plan_of(action("June"), tolerances=loose), dt.date(2022, 5, 1)).rag is Rag.AT_RISK


def test_a_contingent_action_is_on_hold_until_its_condition_is_recorded():
    plan = plan_of(action("DfE contingent"))
    result = judged(plan, dt.date(2022, 5, 1))
    assert result.rag is Rag.ON_HOLD
    assert result.reason == "on hold until DfE (“DfE contingent”): not yet recorded as met"
    # Recorded met on Monday 9 May 2022: due 14 working days later, 27 May.
    met = [Condition("dfe", dt.date(2022, 5, 9))]
    assert judged(plan, dt.date(2022, 5, 8), met).rag is Rag.ON_HOLD  # not met yet on the 8th
    on_the_day = judged(plan, dt.date(2022, 5, 9), met)
    assert (on_the_day.rag, on_the_day.deadline) == (Rag.ON_TRACK, dt.date(2022, 5, 27))
    assert on_the_day.reason == "DfE recorded as met on 9 May 2022, so due 14 working days later; due 27 May 2022, in 18 days"
    assert judged(plan, dt.date(2022, 5, 16), met).rag is Rag.AT_RISK  # 11 days to go, no update
    assert judged(plan, dt.date(2022, 5, 30), met).rag is Rag.OVERDUE


@pytest.mark.parametrize("when", [None, "TBC"])
def test_missing_data_is_no_update(when):
    result = judged(plan_of(action(when)), dt.date(2022, 5, 1))
    assert result.rag is Rag.NO_UPDATE
    assert result.reason


def test_an_ongoing_action_needs_updates():
    phrase = "Wef Feb onwards"
    assert judged(plan_of(action(phrase)), dt.date(2022, 1, 20)).rag is Rag.ON_TRACK  # not started
    never = judged(plan_of(action(phrase)), dt.date(2022, 3, 1))
    assert never.rag is Rag.NO_UPDATE
    assert never.reason == "ongoing since 1 Feb 2022 (“Wef Feb onwards”) and no progress update recorded"
    assert judged(plan_of(action(phrase), updates=[update(dt.date(2022, 2, 20))]), dt.date(2022, 3, 1)).rag is Rag.ON_TRACK
    stale = judged(plan_of(action(phrase), updates=[update(dt.date(2022, 2, 20))]), dt.date(2022, 5, 1))
    assert stale.rag is Rag.AT_RISK
    assert "70 days ago" in stale.reason


def test_a_recurring_action_is_judged_on_its_latest_occurrence():
    phrase = "Quarterly wef Jan 2022"  # 1 Jan, 1 Apr, 1 Jul 2022 …
    # Latest occurrence 1 April (due Friday 1 April) with no update around it: overdue.
    missed = judged(plan_of(action(phrase), updates=[update(dt.date(2022, 1, 5))]), dt.date(2022, 5, 1))
    assert (missed.rag, missed.deadline) == (Rag.OVERDUE, dt.date(2022, 4, 1))
    assert "the occurrence due 1 Apr 2022 has no progress update" in missed.reason
    # Reported on 28 March: on track for the next one, 1 July.
    reported = judged(plan_of(action(phrase), updates=[update(dt.date(2022, 3, 28))]), dt.date(2022, 5, 1))
    assert (reported.rag, reported.deadline) == (Rag.ON_TRACK, dt.date(2022, 7, 1))
    assert reported.reason.startswith("recurring (“Quarterly wef Jan 2022”): the occurrence due 1 Apr 2022 was reported on 28 Mar 2022")
    # An earlier occurrence missed does not count against it once the latest is reported.
    assert judged(plan_of(action(phrase), updates=[update(dt.date(2022, 4, 20))]), dt.date(2022, 5, 1)).rag is Rag.ON_TRACK


def test_a_recommendation_takes_its_worst_action_and_says_which():
    plan = plan_of(action("March", position=1), action("July", position=2), action("DfE contingent", position=3))
    rec = judge_plan(plan, dt.date(2022, 5, 1)).recommendation("1")
    assert rec.rag is Rag.OVERDUE
    assert rec.reason == "1 of 3 actions overdue (action 1 due 31 Mar 2022); 1 on track, 1 on hold"


def test_a_recommendation_is_complete_when_all_its_actions_are():
    plan = plan_of(action("March", 1, dt.date(2022, 3, 2)), action("April", 2, dt.date(2022, 4, 8)))
    rec = judge_plan(plan, dt.date(2022, 5, 1)).recommendation("1")
    assert (rec.rag, rec.reason) == (Rag.COMPLETE, "all 2 actions complete (the last on 8 Apr 2022)")


def test_the_plan_takes_its_worst_recommendation_and_counts_them():
    recs = [
        Recommendation("1", "a", actions=[action("March")]),
        Recommendation("2", "b", actions=[action("July")]),
        Recommendation("3", "c", actions=[action("July")]),
    ]
    result = judge_plan(ActionPlan("p", "Plan", recommendations=recs), dt.date(2022, 5, 1))
    assert (result.rag, result.reason) == (Rag.OVERDUE, "3 recommendations: 1 overdue, 2 on track")


def test_rag_is_spelled_out_in_words_with_its_colour():
    assert [r.words for r in Rag] == [
        "Red – overdue", "Amber – at risk", "Grey – no update", "Green – on track", "Grey – on hold", "Blue – complete",
    ]


def test_every_recommendation_of_the_southend_plan_gets_a_rag_and_a_reason_on_1_may_2022():
    path = ROOT / "examples" / "southend" / "peer-review-plan.csv"
    plan, _ = read_plan_file(str(path), path.read_bytes(), context=CONTEXT)
    result = judge_plan(plan, dt.date(2022, 5, 1))
    assert [r.number for r in result.recommendations] == [r.number for r in plan.recommendations]
    for rec in result.recommendations:
        assert isinstance(rec.rag, Rag) and rec.reason, rec.number
    # 6 has no actions of its own: it is to be merged with 4 and takes its RAG, saying so.
    assert result.recommendation("6").rag is result.recommendation("4").rag
    assert result.recommendation("6").reason.startswith("to be merged with recommendation 4")
    # 4's third action waits for the DfE.
    assert result.action("4", 3).rag is Rag.ON_HOLD


def test_a_recurring_action_is_not_overdue_before_or_on_its_first_occurrence():
    # "Quarterly wef Jan 2022" starts on 1 January, a bank holiday: the first occurrence falls due on
    # the first working day after it (4 January), never on 31 December, before the action began.
    plan = plan_of(action("Quarterly wef Jan 2022"))
    on_2_jan = judged(plan, dt.date(2022, 1, 2))
    assert (on_2_jan.deadline, on_2_jan.rag) == (dt.date(2022, 1, 4), Rag.AT_RISK)
    assert on_2_jan.reason == "recurring (“Quarterly wef Jan 2022”), first due 4 Jan 2022; due 4 Jan 2022, in 2 days, and no progress update recorded"
    assert judged(plan, dt.date(2022, 1, 4)).rag is Rag.AT_RISK  # due today: not yet overdue
    assert judged(plan, dt.date(2022, 1, 5)).rag is Rag.OVERDUE


def test_wording_for_one():
    result = judge_plan(plan_of(action("July")), dt.date(2022, 5, 1))
    assert result.reason == "1 recommendation: 1 on track"
    assert result.recommendation("1").reason == "its one action: on track (action 1: due 29 Jul 2022, in 89 days)"


def test_a_dated_action_that_also_waits_for_something_is_judged_by_its_date_and_names_it():
    # Issue 11: "March 2022 (subject to Cabinet approval)" is a window with depends_on, not held
    # like "subject to Cabinet approval" alone.
    result = judged(plan_of(action("March 2022 (subject to Cabinet approval)")), dt.date(2022, 5, 1))
    assert result.rag is Rag.OVERDUE
    assert result.reason == "subject to Cabinet approval; due 31 Mar 2022, 31 days ago, and not recorded complete"
    assert judged(plan_of(action("subject to Cabinet approval")), dt.date(2022, 5, 1)).rag is Rag.ON_HOLD


def test_a_relative_action_has_no_date_yet():
    result = judged(plan_of(action("12 weeks after Cabinet")), dt.date(2022, 5, 1))
    assert result.rag is Rag.NO_UPDATE
    assert result.reason == "no date yet (“12 weeks after Cabinet”)"
