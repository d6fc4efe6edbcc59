"""Strategies: a strategy's framework stored with its document, the strategy a plan delivers and
what its recommendations and actions serve, and the questions put at meetings.

Run against the in-memory fake and every configured database (tests/contract/conftest.py)."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from governance_model.errors import ModelError
from governance_model.ports import AbstractUnitOfWork
from governance_model.strategy import (
    Finding,
    LinkKind,
    MeetingQuestion,
    Serves,
    Strand,
    StrategyFramework,
    StrategyLink,
    Thread,
)
from tests.storage_examples import peer_review_plan, strategy

UowFactory = Callable[[], AbstractUnitOfWork]

FRAMEWORK = StrategyFramework(
    findings=[
        Finding(
            "identification",
            "Accurate identification of need",
            source="2019 SEND Local Area Inspection (Ofsted/CQC)",
            quotes=["Procedures vary across the local area, which delays the identification of children's needs."],
            improvements="Essex data is now in-line with national averages.",
            to_deliver=["Early identification and early support"],
        ),
        Finding("ehc-plans", "Quality of EHC plans"),
    ],
    threads=[Thread("equity", "Equity", addresses="variation in services across the local area", quotes=["“some … do not.”"])],
    strands=[Strand("inclusion", "Inclusion", "Supporting whole school inclusive practice.", ["Inclusion Framework"])],
    links=[
        StrategyLink(LinkKind.ALIGNS_WITH, "Essex SEND Sufficiency Strategy", "sufficiency"),
        StrategyLink(LinkKind.DEPENDS_ON, "Joint Commissioning Framework"),
    ],
)


def test_a_strategy_keeps_its_framework_and_a_document_without_one_has_none(uow_factory: UowFactory) -> None:
    document = dataclasses.replace(strategy(), framework=FRAMEWORK)
    with uow_factory() as uow:
        uow.documents.save(document)
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.get(document.key).framework == FRAMEWORK
        uow.documents.save(strategy())  # saved again without one: it has none
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.get(document.key).framework is None


def test_a_plan_keeps_its_strategy_and_what_each_recommendation_and_action_serves(uow_factory: UowFactory) -> None:
    plan = peer_review_plan()
    plan.strategy = "send-strategy-2022"
    plan.recommendations[0].serves = Serves(findings=("identification",), strands=("inclusion",))
    plan.recommendations[0].actions[0].serves = Serves(threads=("equity",))
    with uow_factory() as uow:
        uow.plans.save(plan)
        uow.commit()
    with uow_factory() as uow:
        stored = uow.plans.get(plan.key)
    assert stored == plan
    first = stored.recommendations[0]
    assert first.serving(first.actions[0]) == Serves(("identification",), ("equity",), ("inclusion",))
    assert stored.recommendations[1].serves == Serves()


def test_a_meeting_s_questions_are_replaced_whole_and_listed_by_what_they_are_about(uow_factory: UowFactory) -> None:
    first = MeetingQuestion("Scrutiny-2021-11-10", 1, "Tara Strydom", "How will parents in the Dengie be heard?", "A meeting is being arranged.", "essex-send")
    second = MeetingQuestion("Scrutiny-2021-11-10", 2, "A parent", "When will the delivery plan be published?", "", None)
    other = MeetingQuestion("Cabinet-2022-01-18", 1, "Cllr Ball", "Is the strategy funded?", "Yes.", "essex-send")
    with uow_factory() as uow:
        uow.questions.save_for_meeting("Scrutiny-2021-11-10", [second, first])
        uow.questions.save_for_meeting("Cabinet-2022-01-18", [other])
        uow.commit()
    with uow_factory() as uow:
        assert uow.questions.list() == [other, first, second]
        assert uow.questions.list(about="essex-send") == [other, first]
        uow.questions.save_for_meeting("Scrutiny-2021-11-10", [dataclasses.replace(first, answer="Held on 3 December.")])
        uow.commit()
    with uow_factory() as uow:
        assert [q.answer for q in uow.questions.list()] == ["Yes.", "Held on 3 December."]
        uow.questions.save_for_meeting("Cabinet-2022-01-18", [])
        uow.commit()
    with uow_factory() as uow:
        assert [q.meeting_key for q in uow.questions.list()] == ["Scrutiny-2021-11-10"]


@pytest.mark.parametrize(
    "questions, message",
    [
        ([MeetingQuestion("M", 1, "A", "Why?"), MeetingQuestion("M", 1, "B", "How?")], "more than one question"),
        ([MeetingQuestion("M", 0, "A", "Why?")], "number 1 or more"),
        ([MeetingQuestion("M", 1, "A", "  ")], "says nothing"),
        ([MeetingQuestion("Other", 1, "A", "Why?")], "another meeting"),
    ],
)
def test_questions_that_cannot_be_told_apart_or_say_nothing_are_refused(uow_factory: UowFactory, questions, message) -> None:
    with uow_factory() as uow:
        with pytest.raises(ModelError, match=message):
            uow.questions.save_for_meeting("M", questions)
