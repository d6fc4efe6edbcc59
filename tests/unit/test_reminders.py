"""Reminder rules: who is owed what on which night — before a deadline, on the papers deadline, when
overdue and when escalated — on small in-memory routes and plans and on the Southend example."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from governance_model.importing.plan_table import read_plan_file
from governance_model.importing.setup_yaml import read_setup
from governance_model.meeting_rules import LONDON
from governance_model.model import (
    Action,
    ActionPlan,
    Body,
    Condition,
    Decision,
    DecisionOutcome,
    Document,
    Meeting,
    MeetingStatus,
    Recommendation,
    Route,
    Step,
    StepForecast,
    StepKind,
    StepState,
)
from governance_model.reminders import (
    DEFAULT_REMINDER_DAYS,
    Reminder,
    ReminderPolicy,
    describe_deadline,
    reminders_owed,
    reminders_owed_over,
)
from governance_model.route_planner import MeetingIndex, bind_meetings, plan_route
from governance_model.when import read_when
from governance_model.working_days import WorkingCalendar

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "southend"
CALENDAR = WorkingCalendar()
D = dt.date.fromisoformat


def days(first: str, last: str) -> list[dt.date]:
    start, end = D(first), D(last)
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def when(text: str, context: str = "2021-09-01"):
    return read_when(text, D(context))


# --- small worlds ---------------------------------------------------------------------------


def one_step_world(
    deadline: str,
    *,
    state: StepState = StepState.DUE,
    tentative: bool = False,
    body: Body | None = None,
    meeting_key: str | None = None,
    step_owner: str | None = "BM",
    done_on: dt.date | None = None,
    when_text: str | None = None,
) -> dict:
    """A document "doc" owned by GB with one step "paper" owned by BM, forecast for `deadline`."""
    step = Step(
        key="paper",
        position=1,
        kind=StepKind.SHARE,
        title="Paper to the board",
        body_code=body.code if body else None,
        when=when(when_text or deadline),
        owner=step_owner,
        meeting_key=meeting_key,
        done_on=done_on,
    )
    document = Document(key="doc", title="A strategy", owner="GB", route=Route([step]))
    forecast = StepForecast("doc", "paper", state, D(deadline), meeting_key, tentative)
    return dict(documents=[document], forecasts={("doc", "paper"): forecast}, bodies=[body] if body else [], plans=[])


def one_action_world(
    when_text: str,
    *,
    owner: str | None = "LM",
    plan_owner: str | None = "GB",
    reminder_days: tuple[int, ...] | None = None,
    done_on: dt.date | None = None,
    context: str = "2022-01-01",
) -> dict:
    action = Action(position=1, text="Do the thing", when=when(when_text, context), owner=owner, done_on=done_on)
    rec = Recommendation(number="6a", text="A recommendation", owner=owner, actions=[action])
    plan = ActionPlan(key="plan", title="Peer review plan", owner=plan_owner, reminder_days=reminder_days, recommendations=[rec])
    return dict(documents=[], forecasts={}, bodies=[], plans=[plan])


def board(code: str = "SSPB", *, lead: int = 5, secretary: str | None = "SEC", reminder_days=None, meetings=()) -> Body:
    return Body(code=code, name=f"{code} board", secretary=secretary, papers_lead_days=lead, reminder_days=reminder_days, meetings=list(meetings))


def sitting(key: str, day: str, body_code: str = "SSPB", status: MeetingStatus = MeetingStatus.SCHEDULED) -> Meeting:
    start = dt.datetime.combine(D(day), dt.time(14, 0), tzinfo=LONDON)
    return Meeting(key=key, body_code=body_code, starts_at=start, status=status)


def owed(world: dict, first: str, last: str, **extra) -> list[tuple[str, str, str]]:
    """(night, recipient, rule) for every reminder owed over the nights, one night at a time."""
    found = []
    for night in days(first, last):
        for reminder in reminders_owed(night, calendar=CALENDAR, **world, **extra):
            assert reminder.night == night
            found.append((night.isoformat(), reminder.recipient, reminder.rule))
    return found


# --- before a deadline -------------------------------------------------------------------------


def test_a_step_is_reminded_14_7_2_and_0_working_days_before_counting_over_christmas():
    # Friday 7 January 2022: working days back skip 3 Jan (New Year observed), 27 and 28 Dec
    # (Christmas and Boxing Day observed) and the weekends.
    world = one_step_world("2022-01-07")
    assert owed(world, "2021-12-01", "2022-01-07") == [
        ("2021-12-15", "BM", "before-14"),
        ("2021-12-24", "BM", "before-7"),
        ("2022-01-05", "BM", "before-2"),
        ("2022-01-07", "BM", "on-the-day"),
    ]


def test_an_action_is_reminded_14_7_2_and_0_working_days_before():
    world = one_action_world("7 January 2022")
    assert owed(world, "2021-12-01", "2022-01-07") == [
        ("2021-12-15", "LM", "before-14"),
        ("2021-12-24", "LM", "before-7"),
        ("2022-01-05", "LM", "before-2"),
        ("2022-01-07", "LM", "on-the-day"),
    ]
    (reminder,) = reminders_owed(D("2022-01-05"), calendar=CALENDAR, **world)
    assert reminder.item.kind == "action"
    assert reminder.item.key == "action:plan/6a/1"
    assert reminder.item.deadline == D("2022-01-07")
    assert reminder.item.when_text == "7 January 2022"
    assert reminder.item.context == "Peer review plan, recommendation 6a"


def test_days_configured_on_the_body_apply_to_its_steps():
    world = one_step_world("2022-01-07", body=board(reminder_days=(10, 3)))
    assert owed(world, "2021-12-01", "2022-01-07") == [
        ("2021-12-21", "BM", "before-10"),
        ("2022-01-04", "BM", "before-3"),
    ]


def test_days_configured_on_the_plan_apply_to_its_actions():
    world = one_action_world("7 January 2022", reminder_days=(5, 1))
    assert owed(world, "2021-12-01", "2022-01-07") == [
        ("2021-12-30", "LM", "before-5"),
        ("2022-01-06", "LM", "before-1"),
    ]


def test_the_policy_default_days_apply_where_nothing_is_configured():
    world = one_action_world("7 January 2022")
    policy = ReminderPolicy(default_days=(1,))
    assert owed(world, "2021-12-01", "2022-01-07", policy=policy) == [("2022-01-06", "LM", "before-1")]
    assert DEFAULT_REMINDER_DAYS == (14, 7, 2, 0)


def test_a_saturday_deadline_falls_due_on_the_friday():
    world = one_action_world("Sat 11 Dec 2021")
    found = owed(world, "2021-12-06", "2021-12-14", policy=ReminderPolicy(default_days=(0,)))
    assert found == [("2021-12-10", "LM", "on-the-day"), ("2021-12-13", "LM", "overdue-1"), ("2021-12-14", "LM", "overdue-2")]
    (reminder,) = reminders_owed(D("2021-12-10"), calendar=CALENDAR, **world)
    assert reminder.item.deadline == D("2021-12-10")


@pytest.mark.parametrize(
    "deadline, falls_due, next_working_day",
    [
        ("27 December 2021", "2021-12-24", "2021-12-29"),  # Christmas Day observed → Friday 24th
        ("18 April 2022", "2022-04-14", "2022-04-19"),  # Easter Monday → Thursday before Good Friday
    ],
)
def test_a_bank_holiday_deadline_falls_due_on_the_working_day_before(deadline, falls_due, next_working_day):
    for world in (one_action_world(deadline), one_step_world(when(deadline).end.isoformat(), when_text=deadline)):
        found = owed(world, D(falls_due).isoformat(), next_working_day)
        on_the_day = [night for night, _, rule in found if rule == "on-the-day"]
        assert on_the_day == [falls_due]
        assert [night for night, _, rule in found if rule == "overdue-1"] == [next_working_day]
        # nothing at all on the holiday itself, nor on the days between
        assert {night for night, _, _ in found} == {falls_due, next_working_day}
        (reminder,) = reminders_owed(D(falls_due), calendar=CALENDAR, **world)
        assert reminder.item.deadline == D(falls_due)


# --- overdue and escalation -------------------------------------------------------------------


def test_an_overdue_step_reminds_its_owner_daily_for_a_week_then_escalates_weekly():
    world = one_step_world("2021-12-06", state=StepState.OVERDUE, body=board(reminder_days=()))
    assert owed(world, "2021-12-06", "2022-01-12") == [
        ("2021-12-07", "BM", "overdue-1"),
        ("2021-12-08", "BM", "overdue-2"),
        ("2021-12-09", "BM", "overdue-3"),
        ("2021-12-10", "BM", "overdue-4"),
        ("2021-12-13", "BM", "overdue-5"),
        # every 5th working day after: the 10th, 15th, 20th working day after the deadline
        ("2021-12-20", "GB", "escalation-1"),
        ("2021-12-20", "SEC", "escalation-1"),
        ("2021-12-29", "GB", "escalation-2"),  # 27 and 28 December are bank holidays
        ("2021-12-29", "SEC", "escalation-2"),
        ("2022-01-06", "GB", "escalation-3"),  # 3 January is a bank holiday
        ("2022-01-06", "SEC", "escalation-3"),
    ]


def test_an_overdue_action_escalates_to_the_plans_owner():
    world = one_action_world("6 December 2021", reminder_days=())
    found = owed(world, "2021-12-06", "2021-12-20")
    assert found[:5] == [(n, "LM", f"overdue-{i}") for i, n in enumerate(["2021-12-07", "2021-12-08", "2021-12-09", "2021-12-10", "2021-12-13"], 1)]
    assert found[5:] == [("2021-12-20", "GB", "escalation-1")]


def test_with_no_one_to_escalate_to_the_owner_hears():
    world = one_action_world("6 December 2021", reminder_days=(), plan_owner=None)
    assert owed(world, "2021-12-14", "2021-12-20") == [("2021-12-20", "LM", "escalation-1")]


def test_a_step_waiting_for_others_is_not_overdue_itself():
    # A stale forecast: its date has passed but it still waits for earlier steps.
    world = one_step_world("2021-12-06", state=StepState.SCHEDULED)
    assert owed(world, "2021-12-07", "2021-12-31") == []


# --- recurring and contingent actions ------------------------------------------------------------


def test_a_recurring_action_reminds_for_each_occurrence_and_is_never_overdue():
    world = one_action_world("Quarterly wef Jan 2022", reminder_days=(2, 0))
    found = owed(world, "2021-12-01", "2022-10-31")
    assert [(n, r) for n, _, r in found] == [
        ("2021-12-29", "before-2"),  # 1 Jan 2022 is a Saturday (3 Jan a bank holiday): due Friday 31 Dec
        ("2021-12-31", "on-the-day"),
        ("2022-03-30", "before-2"),
        ("2022-04-01", "on-the-day"),
        ("2022-06-29", "before-2"),
        ("2022-07-01", "on-the-day"),
        ("2022-09-28", "before-2"),  # 1 Oct 2022 is a Saturday: due Friday 30 Sep
        ("2022-09-30", "on-the-day"),
    ]
    deadlines = {r.item.deadline for r in reminders_owed_over(days("2021-12-01", "2022-10-31"), calendar=CALENDAR, **world)}
    assert deadlines == {D("2021-12-31"), D("2022-04-01"), D("2022-07-01"), D("2022-09-30")}


def test_a_contingent_action_is_silent_until_its_condition_is_met():
    world = one_action_world("DfE contingent")
    assert owed(world, "2022-01-01", "2022-12-31") == []
    # met on another name, or only later than the night: still silent
    assert owed(world, "2022-02-01", "2022-02-28", conditions=[Condition("cabinet", D("2022-02-01"))]) == []
    assert reminders_owed(D("2022-02-28"), calendar=CALENDAR, conditions=[Condition("DfE", D("2022-03-01"))], **world) == []


def test_a_met_condition_makes_the_contingent_action_due_14_working_days_later():
    world = one_action_world("DfE contingent")
    conditions = [Condition("dfe", D("2022-03-01"), "continuum of need published")]  # case does not matter
    assert owed(world, "2022-02-01", "2022-03-29", conditions=conditions) == [
        ("2022-03-01", "LM", "before-14"),  # the owner hears the day the condition is met
        ("2022-03-10", "LM", "before-7"),
        ("2022-03-17", "LM", "before-2"),
        ("2022-03-21", "LM", "on-the-day"),
        ("2022-03-22", "LM", "overdue-1"),
        ("2022-03-23", "LM", "overdue-2"),
        ("2022-03-24", "LM", "overdue-3"),
        ("2022-03-25", "LM", "overdue-4"),
        ("2022-03-28", "LM", "overdue-5"),
    ]
    # met on a Saturday: the clock starts on the Monday
    saturday = [Condition("DfE", D("2022-03-05"))]
    assert owed(world, "2022-03-01", "2022-03-10", conditions=saturday) == [("2022-03-07", "LM", "before-14")]
    zero = ReminderPolicy(contingent_due_after=0)
    assert owed(world, "2022-03-01", "2022-03-08", conditions=saturday, policy=zero) == [
        ("2022-03-07", "LM", "on-the-day"),
        ("2022-03-08", "LM", "overdue-1"),
    ]
    # a different policy: due 5 working days after
    policy = ReminderPolicy(default_days=(0,), contingent_due_after=5)
    assert owed(world, "2022-03-01", "2022-03-08", conditions=conditions, policy=policy)[:1] == [("2022-03-08", "LM", "on-the-day")]


def test_the_southend_plan_reminds_its_recurring_and_contingent_actions():
    data = (EXAMPLE / "peer-review-plan.csv").read_bytes()
    plan, _ = read_plan_file("peer-review-plan.csv", data, context=D("2022-01-01"))
    plan.owner = "GB"
    world = dict(documents=[], forecasts={}, bodies=[], plans=[plan], calendar=CALENDAR)
    quarterly = [
        r for r in reminders_owed_over(days("2022-03-01", "2022-04-30"), **world)
        if r.item.when_text == "Quarterly wef Jan 2022"
    ]  # fmt: skip
    assert sorted((r.night, r.recipient, r.rule) for r in quarterly) == [
        (D("2022-03-14"), "CMc", "before-14"),
        (D("2022-03-23"), "CMc", "before-7"),
        (D("2022-03-30"), "CMc", "before-2"),
        (D("2022-04-01"), "CMc", "on-the-day"),
    ]
    dfe = lambda conditions: [  # noqa: E731
        r for r in reminders_owed_over(days("2022-01-01", "2022-12-31"), conditions=conditions, **world)
        if r.item.when_text == "DfE contingent"
    ]
    assert dfe([]) == []
    met = sorted(dfe([Condition("DfE", D("2022-09-05"))]), key=lambda r: r.night)
    assert (met[0].night, met[0].recipient, met[0].rule) == (D("2022-09-05"), "BM", "before-14")
    assert met[0].item.key == "action:peer-review-plan/4/3"
    # January's actions are due Monday 31 January: their owners hear on the day
    jan = reminders_owed(D("2022-01-31"), **world)
    assert {(r.recipient, r.rule, r.item.key) for r in jan} >= {("GB", "on-the-day", "action:peer-review-plan/1/1"), ("BM", "on-the-day", "action:peer-review-plan/12/1")}


# --- what stays silent ----------------------------------------------------------------------------


@pytest.mark.parametrize("state", [StepState.DONE, StepState.SKIPPED, StepState.STOPPED, StepState.PLANNED])
def test_finished_and_planned_steps_are_silent(state):
    assert owed(one_step_world("2022-01-07", state=state), "2021-12-01", "2022-01-31") == []


def test_a_step_done_on_or_before_the_night_is_silent():
    world = one_step_world("2022-01-07", done_on=D("2021-12-24"))
    assert owed(world, "2021-12-01", "2022-01-31") == [("2021-12-15", "BM", "before-14")]


def test_an_action_done_on_or_before_the_night_is_silent():
    world = one_action_world("7 January 2022", done_on=D("2022-01-05"))
    assert owed(world, "2021-12-01", "2022-01-31") == [("2021-12-15", "LM", "before-14"), ("2021-12-24", "LM", "before-7")]


@pytest.mark.parametrize("text", ["TBC", "ongoing", "Wef Feb onwards", "TBC March 22"])
def test_tbc_ongoing_and_provisional_actions_are_silent(text):
    assert owed(one_action_world(text), "2022-01-01", "2022-06-30") == []


def test_an_action_without_a_when_is_silent():
    world = one_action_world("7 January 2022")
    world["plans"][0].recommendations[0].actions[0].when = None
    assert owed(world, "2021-12-01", "2022-01-31") == []


def test_a_tentative_forecast_is_silent_until_the_step_is_ready_on_a_fixed_meeting():
    meeting = sitting("SSPB-2022-01-06", "2022-01-06")
    sspb = board(meetings=[meeting])
    waiting = one_step_world("2022-01-06", state=StepState.SCHEDULED, tentative=True, body=sspb, meeting_key=meeting.key)
    assert owed(waiting, "2021-12-01", "2022-01-31") == []
    # Everything it waits for is done and the meeting is in the diary: the date is firm.
    ready = one_step_world("2022-01-06", state=StepState.DUE, tentative=True, body=sspb, meeting_key=meeting.key)
    assert ("2021-12-29", "BM", "papers-deadline") in owed(ready, "2021-12-01", "2022-01-06")
    assert ("2022-01-06", "BM", "on-the-day") in owed(ready, "2021-12-01", "2022-01-06")
    # A tentative meeting is not fixed.
    maybe = sitting("SSPB-2022-01-06", "2022-01-06", status=MeetingStatus.TENTATIVE)
    unsure = one_step_world("2022-01-06", state=StepState.DUE, tentative=True, body=board(meetings=[maybe]), meeting_key=maybe.key)
    assert owed(unsure, "2021-12-01", "2022-01-31") == []


def test_a_tbc_step_is_silent_even_when_overdue():
    world = one_step_world("2022-03-31", state=StepState.OVERDUE, tentative=True, when_text="TBC March 22")
    assert owed(world, "2022-03-01", "2022-05-31") == []


def test_nothing_is_owed_on_a_night_when_nothing_is_due():
    world = one_step_world("2022-01-07")
    assert reminders_owed(D("2021-12-16"), calendar=CALENDAR, **world) == []
    assert reminders_owed(D("2021-12-25"), calendar=CALENDAR, **world) == []  # Christmas Day
    empty = dict(documents=[], forecasts={}, bodies=[], plans=[])
    assert reminders_owed(D("2022-01-07"), calendar=CALENDAR, **empty) == []


# --- the Southend strategy, planned night by night -------------------------------------------------


@pytest.fixture
def southend():
    setup = read_setup((EXAMPLE / "setup.yaml").read_text(encoding="utf-8"), str(EXAMPLE / "setup.yaml"))
    (strategy,) = setup.documents
    bind_meetings(strategy, MeetingIndex(setup.bodies))
    # What happened up to Christmas 2021: the route is on time for the January SSPB.
    for key, day in [("final-feedback", "2021-10-29"), ("action-planning", "2021-11-30"), ("peer-review", "2021-12-10"),
                     ("presentation", "2021-12-17"), ("revise-peer-review", "2021-12-22")]:  # fmt: skip
        strategy.route.step(key).done_on = D(day)
    decisions = [Decision(strategy.key, "share-sspb", "SSPB", DecisionOutcome.NOTED, D("2021-10-06"))]
    return strategy, setup.bodies, decisions


def southend_owed(southend, nights: list[dt.date]) -> list[Reminder]:
    strategy, bodies, decisions = southend
    meetings = MeetingIndex(bodies)
    found = []
    for night in nights:
        route = plan_route(strategy, meetings, decisions, night, CALENDAR)
        forecasts = {(f.document_key, f.step_key): f for f in route.steps}
        found += reminders_owed(night, documents=[strategy], forecasts=forecasts, bodies=bodies, plans=[], calendar=CALENDAR)
    return found


def test_the_southend_january_sspb_uses_the_boards_reminder_days_and_papers_deadline(southend):
    found = southend_owed(southend, days("2021-12-01", "2022-01-10"))
    draft = [(r.night.isoformat(), r.recipient, r.rule) for r in found if r.item.key.endswith("/sspb-draft")]
    # SSPB reminds at 10, 5, 2 and 0 working days; its papers are due 5 working days before, and
    # are reminded at 10, 5, 2 and 0 working days before that (27 and 28 December are bank holidays).
    assert draft == [
        ("2021-12-13", "GB", "papers-before-10"),
        ("2021-12-20", "GB", "papers-before-5"),  # sorted first: its deadline is sooner
        ("2021-12-20", "GB", "before-10"),
        ("2021-12-23", "GB", "papers-before-2"),
        ("2021-12-29", "GB", "papers-deadline"),
        ("2021-12-29", "GB", "before-5"),
        ("2022-01-04", "GB", "before-2"),
        ("2022-01-06", "GB", "on-the-day"),
        ("2022-01-07", "GB", "overdue-1"),  # the decision was not recorded
        ("2022-01-10", "GB", "overdue-2"),
    ]
    # Cabinet is TBC and only forecast: no reminders for it; done steps are silent from their day.
    assert not [r for r in found if r.item.key.endswith(("/cabinet", "/final-feedback", "/action-planning"))]
    peer_review = [(r.night.isoformat(), r.rule) for r in found if r.item.key.endswith("/peer-review")]
    assert peer_review == [("2021-12-09", "before-14")]  # done on the 10th, before its before-7


def test_the_southend_strategy_owes_nothing_once_the_sspb_decides(southend):
    strategy, bodies, decisions = southend
    decisions.append(Decision(strategy.key, "sspb-draft", "SSPB", DecisionOutcome.APPROVED, D("2022-01-06")))
    found = southend_owed(southend, days("2022-01-07", "2022-01-14"))
    assert not [r for r in found if r.item.key.endswith("/sspb-draft")]


def read_southend():
    setup = read_setup((EXAMPLE / "setup.yaml").read_text(encoding="utf-8"), str(EXAMPLE / "setup.yaml"))
    (strategy,) = setup.documents
    bind_meetings(strategy, MeetingIndex(setup.bodies))
    return strategy, setup.bodies, [Decision(strategy.key, "share-sspb", "SSPB", DecisionOutcome.NOTED, D("2021-10-06"))]


# --- catch-up, order and keys ------------------------------------------------------------------------


def mixed_world() -> dict:
    meeting = sitting("SSPB-2022-01-06", "2022-01-06")
    step_world = one_step_world("2022-01-06", body=board(meetings=[meeting]), meeting_key=meeting.key)
    action_world = one_action_world("7 January 2022")
    late = one_action_world("6 December 2021", owner="AK")["plans"][0]
    late.key = "late-plan"
    recurring = one_action_world("Quarterly wef Jan 2022", owner="CMc")["plans"][0]
    recurring.key = "recurring-plan"
    return dict(step_world, plans=action_world["plans"] + [late, recurring])


def test_catch_up_over_missed_nights_gives_the_same_reminders_as_each_night():
    world = mixed_world()
    nights = days("2021-12-01", "2022-01-31")
    each = [r for night in nights for r in reminders_owed(night, calendar=CALENDAR, **world)]
    caught_up = reminders_owed_over(nights, calendar=CALENDAR, **world)
    assert len(each) > 20
    assert sorted(caught_up, key=lambda r: r.key) == sorted(each, key=lambda r: r.key)
    assert len({r.key for r in caught_up}) == len(caught_up)
    # nights in any order, and repeated, change nothing
    assert reminders_owed_over(list(reversed(nights)) + nights[:5], calendar=CALENDAR, **world) == caught_up


def test_keys_are_stable_across_runs_and_a_second_run_owes_the_same():
    night = D("2021-12-20")
    first = reminders_owed(night, calendar=CALENDAR, **mixed_world())
    second = reminders_owed(night, calendar=CALENDAR, **mixed_world())
    assert first and [r.key for r in first] == [r.key for r in second]
    assert first == second
    # 20 December is the 10th working day after the late action's deadline: its plan owner hears
    late = [r.key for r in first if r.item.key == "action:late-plan/6a/1"]
    assert late == ["GB|action:late-plan/6a/1|escalation-1|2021-12-06"]


def test_the_result_is_sorted_by_recipient_then_overdue_first_then_deadline():
    meeting = sitting("SSPB-2022-01-06", "2022-01-06")
    world = one_step_world("2021-12-22", body=board(meetings=[meeting]))
    plan = one_action_world("20 December 2021", owner="BM", reminder_days=(0,))["plans"][0]
    late = one_action_world("17 December 2021", owner="BM", reminder_days=(0,))["plans"][0]
    late.key = "late"
    world["plans"] = [plan, late]
    reminders = reminders_owed(D("2021-12-20"), calendar=CALENDAR, **world)
    assert [(r.recipient, r.rule, r.item.key) for r in reminders] == [
        ("BM", "overdue-1", "action:late/6a/1"),
        ("BM", "on-the-day", "action:plan/6a/1"),
        ("BM", "before-2", "step:doc/paper"),
    ]


def test_a_moved_deadline_gives_new_keys():
    before = reminders_owed(D("2021-12-15"), calendar=CALENDAR, **one_step_world("2022-01-07"))
    moved = reminders_owed(D("2021-12-16"), calendar=CALENDAR, **one_step_world("2022-01-10"))
    assert before[0].rule == moved[0].rule == "before-14"
    assert before[0].key != moved[0].key


# --- how a message says the deadline ------------------------------------------------------------------


@pytest.mark.parametrize(
    "deadline, night, words",
    [
        ("2022-01-07", "2022-01-07", "today"),
        ("2022-01-07", "2022-01-06", "tomorrow"),
        ("2022-01-07", "2021-12-24", "in 7 working days"),
        ("2022-01-10", "2022-01-07", "in 1 working day"),  # Friday night, Monday deadline
        ("2021-12-27", "2021-12-24", "today"),  # a bank holiday deadline falls due the working day before
        ("2022-01-07", "2022-01-11", "2 working days overdue"),
        ("2022-01-07", "2022-01-10", "1 working day overdue"),
        ("2022-01-07", "2022-01-08", "overdue since yesterday"),
        ("2022-01-07", "2022-01-09", "overdue since Friday"),
    ],
)
def test_describe_deadline(deadline, night, words):
    assert describe_deadline(D(deadline), D(night), CALENDAR) == words


def test_negative_reminder_days_are_refused():
    with pytest.raises(ValueError):
        ReminderPolicy(default_days=(7, -1))
