"""How a strategy answers for itself (governance_model.strategy_account): finding by finding, thread
by thread, strand by strand, the actions serving each judged by the plan RAG rule, gaps called out,
the findings × strands matrix, and the questions at meetings with the actions their answers led to."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from governance_model.errors import ModelError
from governance_model.model import Action, ActionPlan, Body, Document, Meeting, ProgressUpdate, Recommendation
from governance_model.rag import Rag, judge_plan
from governance_model.strategy import (
    Facet,
    Finding,
    LinkKind,
    MeetingQuestion,
    Serves,
    Strand,
    StrategyFramework,
    StrategyLink,
    Thread,
    follow_up_plan_key,
)
from governance_model.publication import EXEMPT_ITEM
from governance_model.strategy_account import SharedActions, account_for_strategy
from governance_model.when import read_when

LONDON = ZoneInfo("Europe/London")
AS_OF = dt.date(2022, 5, 3)
CONTEXT = dt.date(2022, 1, 1)
SCRUTINY_MEETING = "PAF-2021-11-10"
EXEMPT_MEETING = "PANEL-2021-11-12"


def essex() -> Document:
    """Seed 003's framework, cut down: three findings, three threads, two strands, two links."""
    framework = StrategyFramework(
        findings=[
            Finding("identification", "Accurate identification of need"),
            Finding("ehc-plans", "Quality of EHC plans"),
            Finding("joint-commissioning", "Joint commissioning"),
        ],
        threads=[Thread("equity", "Equity"), Thread("ambition", "Ambition"), Thread("inclusion", "Inclusion")],
        strands=[Strand("inclusion", "Inclusion"), Strand("workforce", "Workforce Development and Wellbeing")],
        links=[
            StrategyLink(LinkKind.ALIGNS_WITH, "Essex SEND Sufficiency Strategy", "sufficiency"),
            StrategyLink(LinkKind.DEPENDS_ON, "Inclusion Framework"),
        ],
    )
    return Document("send-strategy", "Essex SEND Strategy 2022-2027", framework=framework)


def act(position: int, when: str, *, serves: Serves = Serves(), done_on: dt.date | None = None) -> Action:
    return Action(position, f"action {position}", read_when(when, CONTEXT), "RH", done_on=done_on, serves=serves)


def delivery_plan() -> ActionPlan:
    """Recommendation 1 serves identification (Equity, Inclusion strand): one action overdue, one on
    track. Recommendation 2's one action serves EHC plans and the workforce strand, and is complete.
    Nothing serves joint commissioning, the Ambition thread or (alone) anything else."""
    return ActionPlan(
        "delivery", "SEND Strategy delivery plan", strategy="send-strategy",
        recommendations=[
            Recommendation(
                "1", "Identify need early", serves=Serves(findings=("identification",), threads=("equity",), strands=("inclusion",)),
                actions=[act(1, "March"), act(2, "December")],
            ),
            Recommendation(
                "2", "Better EHC plans",
                actions=[act(1, "April", serves=Serves(findings=("ehc-plans",), threads=("inclusion",), strands=("workforce",)), done_on=dt.date(2022, 4, 1))],
            ),
            Recommendation("3", "Tidy the office", actions=[act(1, "June")]),  # serves nothing of the strategy
        ],
        updates=[
            ProgressUpdate("1", dt.date(2022, 4, 20), done=["Screening pilot started"], action_position=2),
            ProgressUpdate("1", dt.date(2022, 4, 25), done=["Recommendation-wide note"]),
            ProgressUpdate("1", dt.date(2022, 6, 1), done=["Not seen yet: after the day"], action_position=1),
        ],
    )


def bodies() -> list[Body]:
    def meeting(key: str, code: str, day: dt.date) -> Meeting:
        return Meeting(key, code, dt.datetime.combine(day, dt.time(10), LONDON))

    return [
        Body("PAF", "PAF Scrutiny Committee", meetings=[meeting(SCRUTINY_MEETING, "PAF", dt.date(2021, 11, 10))]),
        Body("PANEL", "Closed panel", exempt=True, meetings=[meeting(EXEMPT_MEETING, "PANEL", dt.date(2021, 11, 12))]),
    ]


def questions() -> list[MeetingQuestion]:
    return [
        MeetingQuestion(SCRUTINY_MEETING, 2, "A Parent", "Why so slow?", "We are speeding up.", about="send-strategy"),
        MeetingQuestion(SCRUTINY_MEETING, 1, "Tara Strydom", "What about the Dengie?", "A meeting is being arranged.", about="send-strategy"),
        MeetingQuestion(EXEMPT_MEETING, 1, "A member", "Secret panel question", "Secret answer", about="send-strategy"),
        MeetingQuestion(SCRUTINY_MEETING, 3, "Someone", "About another strategy", about="other-strategy"),
    ]


def follow_ups() -> ActionPlan:
    return ActionPlan(
        follow_up_plan_key(SCRUTINY_MEETING), "Follow-ups of PAF Scrutiny questions",
        recommendations=[Recommendation("1", "Meet the Dengie parents", actions=[act(1, "January 2022")])],
    )


def account(**changes):
    arguments = dict(plans=[delivery_plan(), follow_ups()], questions=questions(), bodies=bodies(), documents=[essex(), Document("sufficiency", "Essex SEND Sufficiency Strategy")])
    arguments.update(changes)
    return account_for_strategy(essex(), arguments.pop("plans"), arguments.pop("questions"), AS_OF, **arguments)


def test_a_finding_no_action_serves_is_a_gap_with_no_rag():
    result = account()

    joint = next(f for f in result.findings if f.key == "joint-commissioning")
    assert joint.rollup.gap and joint.rollup.rag is None and joint.actions == ()
    assert joint.rollup.reason == "no action serves it"
    assert [(g.facet, g.key) for g in result.gaps] == [(Facet.FINDING, "joint-commissioning"), (Facet.THREAD, "ambition")]


def test_a_findings_rag_is_its_worst_actions_rag_as_the_plan_judges_them():
    result = account()
    plan_rag = judge_plan(delivery_plan(), AS_OF)

    identification = result.findings[0]
    assert [(a.plan_key, a.recommendation, a.position) for a in identification.actions] == [("delivery", "1", 1), ("delivery", "1", 2)]
    assert [a.judged for a in identification.actions] == [plan_rag.action("1", 1), plan_rag.action("1", 2)]
    assert [a.judged.rag for a in identification.actions] == [Rag.OVERDUE, Rag.ON_TRACK]
    assert identification.rollup.rag is Rag.OVERDUE
    assert identification.rollup.reason == "2 actions: 1 overdue, 1 on track"
    # One complete action: the finding is complete.
    ehc = result.findings[1]
    assert (ehc.rollup.rag, ehc.rollup.reason) == (Rag.COMPLETE, "its one action is complete")
    assert result.plans == (plan_rag,)


def test_an_action_serves_its_recommendations_entries_and_its_own():
    result = account()
    threads = {t.key: t for t in result.threads}
    strands = {s.key: s for s in result.strands}

    assert [(a.recommendation, a.position) for a in threads["equity"].actions] == [("1", 1), ("1", 2)]
    assert [(a.recommendation, a.position) for a in threads["inclusion"].actions] == [("2", 1)]
    assert [(a.recommendation, a.position) for a in strands["workforce"].actions] == [("2", 1)]
    # The action serving nothing of the strategy is under no entry.
    assert all(a.recommendation != "3" for facet in Facet for e in result.entries(facet) for a in e.actions)


def test_each_actions_latest_update_is_one_that_counts_for_it_recorded_by_the_day():
    identification = account().findings[0]
    first, second = identification.actions

    # Action 1: only the recommendation-wide note counts (its own update is after the day).
    assert first.latest_update.done == ["Recommendation-wide note"]
    # Action 2: the later of its own update and the recommendation-wide one.
    assert second.latest_update.recorded_on == dt.date(2022, 4, 25)


def test_the_matrix_holds_the_actions_serving_both_the_finding_and_the_strand():
    result = account()
    cells = {(c.finding, c.strand): c.rollup for row in result.matrix for c in row}

    assert len(result.matrix) == 3 and all(len(row) == 2 for row in result.matrix)
    assert (cells[("identification", "inclusion")].rag, len(cells[("identification", "inclusion")].actions)) == (Rag.OVERDUE, 2)
    assert cells[("ehc-plans", "workforce")].rag is Rag.COMPLETE
    assert cells[("identification", "workforce")].gap
    assert cells[("ehc-plans", "inclusion")].gap
    assert cells[("joint-commissioning", "inclusion")].reason == "no action serves both"


def test_questions_are_listed_under_their_meeting_with_the_actions_their_answers_led_to():
    result = account()

    (meeting,) = result.meetings  # the exempt panel's question is not there, nor another strategy's
    assert (meeting.meeting_key, meeting.body_name, meeting.day) == (SCRUTINY_MEETING, "PAF Scrutiny Committee", dt.date(2021, 11, 10))
    assert [(a.question.number, a.question.asked_by) for a in meeting.questions] == [(1, "Tara Strydom"), (2, "A Parent")]
    first, second = meeting.questions
    assert [(f.plan_key, f.recommendation, f.position, f.judged.rag) for f in first.follow_ups] == [
        (follow_up_plan_key(SCRUTINY_MEETING), "1", 1, Rag.OVERDUE)
    ]
    assert second.follow_ups == ()


def test_the_plan_of_an_exempt_meetings_follow_ups_never_counts_for_the_strategy():
    hidden = ActionPlan(
        follow_up_plan_key(EXEMPT_MEETING), "Panel follow-ups", strategy="send-strategy",
        recommendations=[Recommendation("1", "Secret", serves=Serves(findings=("joint-commissioning",)), actions=[act(1, "June")])],
    )

    result = account(plans=[delivery_plan(), follow_ups(), hidden])

    assert result.findings[2].rollup.gap
    assert [p.key for p in result.plans] == ["delivery"]


def test_links_name_the_document_govflow_holds_only_when_it_is_public():
    result = account()
    assert [(l.link.title, l.held_title) for l in result.links] == [
        ("Essex SEND Sufficiency Strategy", "Essex SEND Sufficiency Strategy"),
        ("Inclusion Framework", None),
    ]
    secret = account(documents=[Document("sufficiency", "Secret sufficiency paper", exempt=True)])
    assert secret.links[0].held_title is None


def test_a_document_without_a_framework_is_refused():
    with pytest.raises(ModelError, match="no strategy framework"):
        account_for_strategy(Document("plain", "Plain"), [], [], AS_OF)


def test_the_plan_of_the_actions_answers_led_to_is_listed_under_its_meeting_not_as_delivering_the_strategy():
    # As the setup file's questions make it: the follow-up plan names the strategy it is about.
    follow_up = follow_ups()
    follow_up.strategy = "send-strategy"

    result = account(plans=[delivery_plan(), follow_up])
    alone = account(plans=[follow_up])

    assert [p.key for p in result.plans] == ["delivery"]
    assert alone.plans == ()  # the report says no plan delivers the strategy yet
    assert [f.plan_key for f in alone.meetings[0].questions[0].follow_ups] == [follow_up_plan_key(SCRUTINY_MEETING)]


def test_a_link_to_an_exempt_document_is_named_as_a_part_ii_item():
    secret = Document("sufficiency", "Secret sufficiency paper", exempt=True)

    by_key = account(documents=[secret]).links[0]
    by_title = account_for_strategy(
        Document("s", "S", framework=StrategyFramework(links=[StrategyLink(LinkKind.DEPENDS_ON, "Secret sufficiency paper")])),
        [], [], AS_OF, documents=[secret],
    ).links[0]

    assert (by_key.title, by_key.held_title) == (EXEMPT_ITEM, None)
    assert by_title.title == EXEMPT_ITEM
    assert [l.title for l in account().links] == ["Essex SEND Sufficiency Strategy", "Inclusion Framework"]


def test_a_merged_recommendation_without_actions_serves_through_its_partners_actions_and_says_so():
    plan = delivery_plan()
    plan.recommendations.append(
        Recommendation("6", "Also identify need", merged_with=["1"], serves=Serves(findings=("joint-commissioning",), threads=("equity",)))
    )

    result = account(plans=[plan, follow_ups()])

    joint = result.findings[2]
    assert not joint.rollup.gap
    assert [(a.recommendation, a.position) for a in joint.actions] == [("1", 1), ("1", 2)]
    assert joint.shared == (SharedActions("SEND Strategy delivery plan", "6", "1"),)
    # Recommendation 1's actions serve equity already: counted once, and the sharing said.
    equity = result.threads[0]
    assert [(a.recommendation, a.position) for a in equity.actions] == [("1", 1), ("1", 2)]
    assert equity.shared == (SharedActions("SEND Strategy delivery plan", "6", "1"),)
    assert result.findings[0].shared == ()
