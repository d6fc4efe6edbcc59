"""The unit of work: all or nothing, and keys that must be unique are refused before anything is kept.

Run against the in-memory fake and every configured database (tests/contract/conftest.py)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from governance_model.errors import ModelError
from governance_model.model import (
    DocumentVersion,
    ForecastChange,
    Glossary,
    Meeting,
    Recommendation,
)
from governance_model.ports import AbstractUnitOfWork
from tests.storage_examples import (
    DOC,
    LONDON,
    forecasts_for_strategy,
    hwbb,
    peer_review_plan,
    people,
    run,
    sspb,
    strategy,
)

UowFactory = Callable[[], AbstractUnitOfWork]


def test_rollback_leaves_everything_unchanged(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.people.save(people()[0])
        uow.commit()
    with pytest.raises(RuntimeError, match="half-way"):
        with uow_factory() as uow:
            uow.bodies.save(sspb())
            uow.documents.save(strategy())
            uow.plans.save(peer_review_plan())
            uow.people.save(dataclasses.replace(people()[0], name="Changed"))
            uow.glossary.merge(Glossary({"SEND": "x"}))
            uow.audit.add(occurred_at=dt.datetime(2022, 1, 1, tzinfo=LONDON), actor="a", kind="k", subject="s")
            raise RuntimeError("the load failed half-way")
    with uow_factory() as uow:
        uow.plans.save(peer_review_plan())  # and leave without commit
    with uow_factory() as uow:
        assert uow.bodies.list() == []
        assert uow.documents.list() == []
        assert uow.plans.list() == []
        assert uow.people.list() == [people()[0]]
        assert uow.glossary.get() == Glossary()
        assert uow.audit.list() == []


def test_rollback_discards_route_states(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.bodies.save(sspb())
        uow.documents.save(strategy())
        uow.commit()
    with pytest.raises(RuntimeError, match="half-way"):
        with uow_factory() as uow:
            uow.documents.save_forecasts(forecasts_for_strategy())
            uow.documents.add_forecast_changes([ForecastChange(DOC, "feedback", None, None, "x", dt.date(2022, 1, 1))])
            uow.nightly_runs.record(run("2022-01-01"))
            uow.bodies.save_meeting(dataclasses.replace(sspb().meetings[2], location="Moved", sequence=4))
            uow.documents.set_step_done(DOC, "feedback", dt.date(2022, 1, 1))
            raise RuntimeError("the night failed half-way")
    with uow_factory() as uow:
        assert uow.documents.list_forecasts() == []
        assert uow.documents.list_forecast_changes() == []
        assert uow.nightly_runs.last() is None
        assert uow.bodies.get("SSPB") == sspb()
        assert uow.documents.get(DOC) == strategy()


def test_repeated_keys_are_refused(uow_factory: UowFactory) -> None:
    body = sspb()
    body.meetings.append(body.meetings[0])
    plan = peer_review_plan()
    plan.recommendations.append(Recommendation(number="6a", text="again"))
    document = strategy()
    document.versions.append(DocumentVersion(12, "Version 12 again"))
    route_twice = strategy()
    route_twice.route.steps.append(route_twice.route.steps[0])
    naive = dataclasses.replace(sspb(), meetings=[Meeting("m", "SSPB", dt.datetime(2022, 3, 7, 10, 0))])
    elsewhere = dataclasses.replace(hwbb(), meetings=[dataclasses.replace(sspb().meetings[0], body_code="HWBB")])
    with uow_factory() as uow:
        with pytest.raises(ModelError, match="SSPB-2022-01"):
            uow.bodies.save(body)
        with pytest.raises(ModelError, match="'6a'"):
            uow.plans.save(plan)
        with pytest.raises(ModelError, match="'12'"):
            uow.documents.save(document)
        with pytest.raises(ModelError, match="share-jcb"):
            uow.documents.save(route_twice)
        with pytest.raises(ModelError, match="time zone"):
            uow.bodies.save(naive)
        uow.bodies.save(sspb())
        with pytest.raises(ModelError, match="already belongs to body 'SSPB'"):
            uow.bodies.save(elsewhere)
