"""Action plans: round trips, children replaced on re-save, progress updates kept, reminder settings.

Run against the in-memory fake and every configured database (tests/contract/conftest.py)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from governance_model.errors import ModelError
from governance_model.model import (
    Action,
    ActionPlan,
    Body,
    DocumentVersion,
    Meeting,
    ProgressUpdate,
    Recommendation,
    Step,
    StepKind,
)
from governance_model.ports import AbstractUnitOfWork
from governance_model.when import When
from tests.storage_examples import LONDON, peer_review_plan, sspb, strategy

UowFactory = Callable[[], AbstractUnitOfWork]


def test_plan_round_trip(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.plans.save(peer_review_plan())
        uow.commit()
    with uow_factory() as uow:
        plan = uow.plans.get("peer-review-2022")
        assert plan == peer_review_plan()
        assert uow.plans.list() == [peer_review_plan()]
        assert uow.plans.get("nothing") is None
    assert plan.recommendation("6a").merged_with == ["6"]
    assert plan.recommendation("1").actions[1].when.every == "P3M"
    assert plan.recommendation("3").actions[0].when.depends_on == "DfE"
    assert plan.recommendation("3").actions[2].when is None


def test_upsert_replaces_children(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.bodies.save(sspb())
        uow.documents.save(strategy())
        uow.plans.save(peer_review_plan())
        uow.commit()

    moved = Meeting("SSPB-2022-03", "SSPB", dt.datetime(2022, 3, 28, 10, 0, tzinfo=LONDON), location="Teams")
    added = Meeting("SSPB-2022-09", "SSPB", dt.datetime(2022, 9, 21, 14, 0, tzinfo=LONDON))
    body = dataclasses.replace(sspb(), name="SEND Partnership Board", meetings=[moved, added])

    document = strategy()
    document.title = "SEND Strategy (revised)"
    document.versions = [DocumentVersion(12, "Version 12 (final)", dt.date(2022, 2, 1)), DocumentVersion(13, "Version 13")]
    steps = document.route.steps
    steps[2].when = None
    steps[2].done_on = dt.date(2022, 3, 7)
    document.route.steps = [steps[0], steps[2], Step("consult", 7, StepKind.CONSULT, "Public consultation", waits_for=())]

    plan = peer_review_plan()
    plan.title = "Implementation Plan (refreshed)"
    plan.recommendations = [
        dataclasses.replace(
            plan.recommendations[0],
            text="Co-produce, with parents",
            actions=[Action(5, "One workshop", When("date", dt.date(2022, 5, 4), dt.date(2022, 5, 4), text="4 May"))],
            measures=[],
        ),
        Recommendation(number="8", text="A new recommendation", merged_with=["1"]),
    ]

    with uow_factory() as uow:
        uow.bodies.save(body)
        uow.documents.save(document)
        uow.plans.save(plan)
        uow.commit()
    with uow_factory() as uow:
        stored = uow.bodies.get("SSPB")
        assert stored.name == "SEND Partnership Board"
        assert [m.key for m in stored.meetings] == ["SSPB-2022-01", "SSPB-2022-03-TBC", "SSPB-2022-03", "SSPB-2022-06", "SSPB-2022-09"]
        assert [m for m in stored.meetings if m.key == "SSPB-2022-03"] == [moved]
        assert uow.documents.get(document.key) == document
        assert uow.plans.get(plan.key) == plan


def test_progress_updates_survive_a_plan_resave(uow_factory: UowFactory) -> None:
    later = ProgressUpdate(recommendation_number="6a", recorded_on=dt.date(2022, 2, 15), next_steps=["Commission translations"])
    with uow_factory() as uow:
        uow.plans.save(peer_review_plan())
        uow.plans.add_update("peer-review-2022", later)
        uow.commit()
    with uow_factory() as uow:
        uow.plans.save(dataclasses.replace(peer_review_plan(), updates=[], recommendations=[]))
        uow.commit()
    with uow_factory() as uow:
        uow.plans.save(peer_review_plan())  # the same updates again: nothing is doubled
        uow.commit()
    with uow_factory() as uow:
        first, second = peer_review_plan().updates
        assert uow.plans.get("peer-review-2022").updates == [first, later, second]
        with pytest.raises(ModelError, match="no action plan"):
            uow.plans.add_update("nothing", later)
        with pytest.raises(ModelError, match="no recommendation '99'"):
            uow.plans.add_update("peer-review-2022", dataclasses.replace(later, recommendation_number="99"))


def test_reminder_settings_round_trip(uow_factory: UowFactory) -> None:
    plan = ActionPlan(
        key="peer-review",
        title="Peer review implementation plan",
        owner="GB",
        reminder_days=[10, 5, 0],  # a list given, a tuple back
        recommendations=[
            Recommendation(
                number="6a",
                text="Outcomes framework",
                actions=[
                    Action(position=1, text="Agree it", owner="BM", done_on=dt.date(2022, 3, 1)),
                    Action(position=2, text="Publish it", owner="BM"),
                ],
            )
        ],
    )
    with uow_factory() as uow:
        uow.bodies.save(Body(code="SSPB", name="SEND Strategic Partnership Board", reminder_days=(7, 2)))
        uow.bodies.save(Body(code="JCB", name="Joint Commissioning Board"))
        uow.plans.save(plan)
        uow.commit()
    with uow_factory() as uow:
        assert uow.bodies.get("SSPB").reminder_days == (7, 2)
        assert uow.bodies.get("JCB").reminder_days is None
        stored = uow.plans.get("peer-review")
        assert (stored.owner, stored.reminder_days) == ("GB", (10, 5, 0))
        assert [a.done_on for a in stored.recommendations[0].actions] == [dt.date(2022, 3, 1), None]
        assert uow.plans.list()[0] == stored
        with pytest.raises(ModelError, match="whole working days"):
            uow.bodies.save(Body(code="X", name="X", reminder_days=(7, -1)))
