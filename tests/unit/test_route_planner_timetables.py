"""The route planner on a timetable as a council really writes it (Plymouth's Children and Young
People's Plan 2011-14, forward plan entry, https://democracy.plymouth.gov.uk/mgIssueHistoryHome.aspx?IId=44316&PlanId=230&RPID=0):
a Cabinet recommendation fixed to a dated meeting ("a recommendation will be made by Cabinet on
29 March 2011") that waits for consultee boards whose meetings are still to be fixed, a deadline for
representations with no body, and the City Council's decision on 11 April 2011.

Each test here failed before the planner kept firm dates firm, let advisory inputs inform without
blocking, and dated body-less steps from the steps that follow them."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from governance_model.linked_routes import plan_routes
from governance_model.model import Body, Condition, Decision, DecisionOutcome, Document, Meeting, Route, Step, StepKind, StepState
from governance_model.route_planner import MeetingIndex, plan_route
from governance_model.when import When
from governance_model.working_days import WorkingCalendar

LONDON = ZoneInfo("Europe/London")
CALENDAR = WorkingCalendar()
D = dt.date.fromisoformat
DOC = "cyp-plan-2011-14"


def sitting(key: str, body: str, day: str, hour: int = 14) -> Meeting:
    return Meeting(key, body, dt.datetime.combine(D(day), dt.time(hour), LONDON))


def bodies() -> list[Body]:
    return [
        Body("Cabinet", "Cabinet", papers_lead_days=5, meetings=[
            sitting("Cabinet-2011-02-08", "Cabinet", "2011-02-08"), sitting("Cabinet-2011-03-29", "Cabinet", "2011-03-29"),
            sitting("Cabinet-2011-06-14", "Cabinet", "2011-06-14"),
        ]),
        Body("Council", "City Council", papers_lead_days=5, meetings=[sitting("Council-2011-04-11", "Council", "2011-04-11")]),
        Body("CYPScrutiny", "Children and Young People Overview and Scrutiny Panel", papers_lead_days=5,
             meetings=[sitting("CYPScrutiny-2011-02-24", "CYPScrutiny", "2011-02-24", 10)]),
        Body("PSCB", "Plymouth Safeguarding Children's Board", papers_lead_days=5),  # no dates published
        Body("NHSPlymouth", "NHS Plymouth Board", papers_lead_days=5),
    ]  # fmt: skip


def dated(text: str, day: str) -> When:
    return When(kind="date", start=D(day), end=D(day), text=text)


def plymouth(*, advisory: bool = False, deadline: When | None = None) -> Document:
    steps = [
        Step("cabinet-draft", 1, StepKind.SHARE, "Draft plan considered at Cabinet", "Cabinet",
             dated("8 February 2011", "2011-02-08"), meeting_key="Cabinet-2011-02-08"),
        Step("scrutiny", 2, StepKind.REVIEW, "Children and Young People Overview and Scrutiny Panel", "CYPScrutiny",
             dated("24 February 2011", "2011-02-24"), meeting_key="CYPScrutiny-2011-02-24", waits_for=("cabinet-draft",)),
        Step("pscb", 3, StepKind.CONSULT, "Plymouth Safeguarding Children's Board", "PSCB",
             When(kind="tbc", start=None, end=None, text="TBC", tentative=True), waits_for=("cabinet-draft",), advisory=advisory),
        Step("nhs", 4, StepKind.CONSULT, "NHS Plymouth Board", "NHSPlymouth",
             When(kind="tbc", start=None, end=None, text="TBC", tentative=True), waits_for=("cabinet-draft",), advisory=advisory),
        Step("representations", 5, StepKind.CONSULT, "Making representations", None, deadline,
             waits_for=("cabinet-draft",)),
        Step("cabinet-recommendation", 6, StepKind.DECIDE, "Recommendation by Cabinet to the City Council", "Cabinet",
             dated("29 March 2011", "2011-03-29"), meeting_key="Cabinet-2011-03-29",
             waits_for=("scrutiny", "pscb", "nhs", "representations")),
        Step("council", 7, StepKind.DECIDE, "Adopted by the City Council", "Council",
             dated("11 April 2011", "2011-04-11"), meeting_key="Council-2011-04-11"),
    ]  # fmt: skip
    return Document(DOC, "Children and Young People's Plan 2011-2014", route=Route(steps))


def plan(document: Document, as_of: str, decisions=(), meetings: list[Body] | None = None):
    return plan_route(document, MeetingIndex(meetings or bodies()), list(decisions), D(as_of), CALENDAR)


def noted(step: str, body: str, day: str) -> Decision:
    return Decision(DOC, step, body, DecisionOutcome.NOTED, D(day))


# ---- 1. a firm meeting date is kept while earlier steps have no date ------------------------------


def test_a_step_on_a_dated_meeting_keeps_its_date_while_the_consultees_have_none() -> None:
    route = plan(plymouth(), "2010-11-11")
    recommendation = route.step("cabinet-recommendation")
    assert (recommendation.state, recommendation.date) == (StepState.SCHEDULED, D("2011-03-29"))
    assert recommendation.meeting_key == "Cabinet-2011-03-29"
    assert recommendation.at_risk
    assert "at risk: waits for pscb, nhs, which has no date yet" in recommendation.reason
    council = route.step("council")
    assert (council.date, council.at_risk) == (D("2011-04-11"), False)


def test_it_is_no_longer_at_risk_once_the_consultees_are_done() -> None:
    decisions = [noted("cabinet-draft", "Cabinet", "2011-02-08"), noted("scrutiny", "CYPScrutiny", "2011-02-24"),
                 noted("pscb", "PSCB", "2011-03-01"), noted("nhs", "NHSPlymouth", "2011-03-02")]  # fmt: skip
    route = plan(plymouth(deadline=dated("In writing by 14 March 2011", "2011-03-14")), "2011-03-03", decisions)
    recommendation = route.step("cabinet-recommendation")
    assert (recommendation.date, recommendation.at_risk) == (D("2011-03-29"), False)
    assert recommendation.reason == "Cabinet meeting on 2011-03-29"


def test_it_slips_only_when_a_consultees_real_date_passes_it() -> None:
    # The consultees never answered; on 30 March the Cabinet of the 29th has passed without them.
    decisions = [noted("cabinet-draft", "Cabinet", "2011-02-08"), noted("scrutiny", "CYPScrutiny", "2011-02-24")]
    before = plan(plymouth(), "2011-03-28", decisions).step("cabinet-recommendation")
    assert (before.date, before.at_risk) == (D("2011-03-29"), True)
    after = plan(plymouth(), "2011-03-30", decisions).step("cabinet-recommendation")
    assert after.date == D("2011-06-14") and after.meeting_key == "Cabinet-2011-06-14"
    assert "Cabinet-2011-03-29 too soon" in after.reason and "pscb" in after.reason


def test_a_consultee_forecast_after_the_meeting_puts_it_at_risk_but_does_not_move_it() -> None:
    meetings = bodies()
    meetings[3].meetings = [sitting("PSCB-2011-04-20", "PSCB", "2011-04-20")]  # only after Cabinet
    meetings[4].meetings = [sitting("NHSPlymouth-2011-03-10", "NHSPlymouth", "2011-03-10")]
    recommendation = plan(plymouth(), "2010-11-11", meetings=meetings).step("cabinet-recommendation")
    assert (recommendation.date, recommendation.at_risk) == (D("2011-03-29"), True)
    assert "at risk: pscb is forecast for 2011-04-20, after this meeting" in recommendation.reason


# ---- 2. inputs that do not block ----------------------------------------------------------------


def test_advisory_consultees_are_chased_and_shown_but_never_hold_up_the_decision() -> None:
    document = plymouth(advisory=True, deadline=dated("In writing by 14 March 2011", "2011-03-14"))
    route = plan(document, "2011-03-25", [noted("cabinet-draft", "Cabinet", "2011-02-08"), noted("scrutiny", "CYPScrutiny", "2011-02-24")])
    recommendation = route.step("cabinet-recommendation")
    # Everything that blocks it is done (representations closed on the 14th, overdue but not blocking
    # here: it is not done, so the recommendation is scheduled, not yet due).
    assert recommendation.at_risk is False and recommendation.date == D("2011-03-29")
    for consultee in ("pscb", "nhs"):
        step = route.step(consultee)
        assert step.state is StepState.PLANNED and step.date is None  # still shown, with no date to chase yet
    assert document.route.blocking_prerequisites(document.route.step("cabinet-recommendation")) == ("scrutiny", "representations")
    done = route.step("council")
    assert done.at_risk is False


def test_an_advisory_step_nobody_names_informs_the_next_step_and_is_not_waited_for_by_default() -> None:
    steps = [
        Step("draft", 1, StepKind.SHARE, "Draft"),
        Step("for-information", 2, StepKind.SHARE, "For information: Schools Forum", advisory=True),
        Step("decide", 3, StepKind.DECIDE, "Cabinet", "Cabinet", dated("29 March 2011", "2011-03-29"), meeting_key="Cabinet-2011-03-29"),
    ]
    route = Route(steps)
    assert route.prerequisites(steps[2]) == ("draft",)
    assert route.prerequisites(steps[1]) == ("draft",)
    assert [s.key for s in route.followers(steps[1])] == ["decide"]
    planned = plan(Document("d", "D", route=route), "2011-01-10")
    info = planned.step("for-information")
    # Dated by the step it informs: Cabinet's papers deadline, 5 working days before 29 March.
    assert info.date == D("2011-03-22") and "in time for decide at Cabinet on 2011-03-29" in info.reason


# ---- 3. undated people-steps are dated by what follows them -------------------------------------


def test_an_undated_consultation_is_due_before_the_step_that_follows_it_not_on_the_meeting_before() -> None:
    route = plan(plymouth(advisory=True), "2011-02-09", [noted("cabinet-draft", "Cabinet", "2011-02-08")])
    representations = route.step("representations")
    # Not "overdue since 8 February" (the meeting it waits for): due by Cabinet's papers deadline.
    assert (representations.state, representations.date) == (StepState.DUE, D("2011-03-22"))
    assert "in time for cabinet-recommendation at Cabinet on 2011-03-29, papers 5 working days before" in representations.reason


def test_an_undated_step_with_nothing_dated_after_it_has_no_date_rather_than_a_guess() -> None:
    steps = [Step("a", 1, StepKind.SHARE, "A", "Cabinet", dated("8 February 2011", "2011-02-08"), meeting_key="Cabinet-2011-02-08"),
             Step("b", 2, StepKind.CONSULT, "B"), Step("c", 3, StepKind.DECIDE, "C", "PSCB", When(kind="tbc", start=None, end=None, text="TBC", tentative=True))]  # fmt: skip
    route = plan(Document("d", "D", route=Route(steps)), "2011-02-09", [Decision("d", "a", "Cabinet", DecisionOutcome.NOTED, D("2011-02-08"))])
    assert (route.step("b").state, route.step("b").date) == (StepState.PLANNED, None)
    assert "what follows it has no date yet" in route.step("b").reason


# ---- durations tied to the step they follow or name ---------------------------------------------


def relative(text: str, duration: str, anchor: str | None = None) -> When:
    return When(kind="relative", start=None, end=None, text=text, duration=duration, anchor=anchor)


def test_a_duration_on_its_own_runs_from_the_step_it_follows() -> None:
    steps = [
        Step("draft", 1, StepKind.SHARE, "Draft at Cabinet", "Cabinet", dated("8 February 2011", "2011-02-08"), meeting_key="Cabinet-2011-02-08"),
        Step("consultation", 2, StepKind.CONSULT, "Consultation", None, relative("a six-week consultation", "P6W")),
        Step("decide", 3, StepKind.DECIDE, "Cabinet", "Cabinet", When("tbc", None, None, text="TBC", tentative=True)),
    ]  # fmt: skip
    route = plan(Document("d", "D", route=Route(steps)), "2011-02-09", [Decision("d", "draft", "Cabinet", DecisionOutcome.NOTED, D("2011-02-08"))])
    consultation = route.step("consultation")
    assert (consultation.state, consultation.date) == (StepState.DUE, D("2011-03-22"))  # 8 February + 6 weeks
    # The decision is at the first Cabinet with papers 5 working days after the consultation closes.
    assert route.step("decide").date == D("2011-03-29")


def test_a_duration_counted_from_a_named_step_and_one_counted_back_from_the_meeting() -> None:
    steps = [
        Step("cabinet", 1, StepKind.DECIDE, "Cabinet decides", "Cabinet", dated("29 March 2011", "2011-03-29"), meeting_key="Cabinet-2011-03-29"),
        Step("call-in", 2, StepKind.REVIEW, "Call-in period", None, relative("within 28 days of the decision", "P28D", "decision")),
        Step("papers", 3, StepKind.SHARE, "Report circulated", None, relative("two weeks before the meeting", "-P2W", "meeting")),
        Step("council", 4, StepKind.DECIDE, "Council adopts", "Council", dated("11 April 2011", "2011-04-11"), meeting_key="Council-2011-04-11"),
    ]  # fmt: skip
    route = plan(Document("d", "D", route=Route(steps)), "2011-01-10")
    assert route.step("call-in").date == D("2011-04-26")  # 29 March + 28 days
    papers = route.step("papers")
    assert papers.date == D("2011-03-28") and "counted from council on 2011-04-11" in papers.reason


# ---- links between documents ---------------------------------------------------------------------


def test_a_step_waiting_for_another_documents_step_is_forecast_from_it_and_moves_with_it() -> None:
    strategy = plymouth()
    delivery = Document("delivery-plan", "Delivery plan", route=Route([
        Step("draft", 1, StepKind.REVISE, "Delivery plan drafted", None, None, waits_for=(f"{DOC}/council",)),
        Step("cabinet", 2, StepKind.DECIDE, "Delivery plan to Cabinet", "Cabinet", When("tbc", None, None, text="TBC", tentative=True)),
    ]))  # fmt: skip
    routes = plan_routes([delivery, strategy], MeetingIndex(bodies()), [], D("2010-11-11"), CALENDAR)
    # After the strategy's adoption on 11 April: the next Cabinet with papers in time is 14 June.
    assert routes["delivery-plan"].step("cabinet").date == D("2011-06-14")
    assert routes["delivery-plan"].step("draft").state is StepState.PLANNED
    # Without the strategy planned, the link has no date: neither has the delivery plan.
    alone = plan_routes([delivery], MeetingIndex(bodies()), [], D("2010-11-11"), CALENDAR)
    assert alone["delivery-plan"].step("cabinet").date is None
    assert "cyp-plan-2011-14/council" in alone["delivery-plan"].step("draft").reason


def test_a_step_waiting_for_a_named_condition_is_dated_once_the_condition_is_met() -> None:
    document = Document("strategy", "Strategy", route=Route([
        Step("align", 1, StepKind.REVISE, "Align with the NHS Long Term Plan", None, None, waits_for=("condition:NHS Long Term Plan",)),
        Step("cabinet", 2, StepKind.DECIDE, "Cabinet", "Cabinet", When("tbc", None, None, text="TBC", tentative=True)),
    ]))  # fmt: skip
    before = plan_routes([document], MeetingIndex(bodies()), [], D("2011-01-10"), CALENDAR)["strategy"]
    assert before.step("cabinet").date is None
    met = [Condition("NHS Long Term Plan", D("2011-03-01"))]
    after = plan_routes([document], MeetingIndex(bodies()), [], D("2011-03-02"), CALENDAR, met)["strategy"]
    assert after.step("cabinet").date == D("2011-03-29")
