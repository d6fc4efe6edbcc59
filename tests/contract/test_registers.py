"""The small aggregates: glossary, conditions, nightly runs and the audit trail.

Run against the in-memory fake and every configured database (tests/contract/conftest.py)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from governance_model.errors import ModelError
from governance_model.model import (
    Condition,
    Glossary,
    NightlyRun,
)
from governance_model.ports import AbstractUnitOfWork
from tests.storage_examples import DOC, LONDON, run

UowFactory = Callable[[], AbstractUnitOfWork]


def test_glossary_is_merged(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.glossary.merge(Glossary({"SEND": "Special Educational Needs and Disabilities", "EHC": "Education"}))
        uow.commit()
    with uow_factory() as uow:
        uow.glossary.merge(Glossary({"EHC": "Education, Health and Care", "JCB": "Joint Commissioning Board"}))
        uow.commit()
    with uow_factory() as uow:
        assert uow.glossary.get() == Glossary(
            {
                "EHC": "Education, Health and Care",
                "JCB": "Joint Commissioning Board",
                "SEND": "Special Educational Needs and Disabilities",
            }
        )


def test_audit_events_are_kept(uow_factory: UowFactory) -> None:
    at = dt.datetime(2022, 6, 15, 2, 0, tzinfo=LONDON)
    with uow_factory() as uow:
        first = uow.audit.add(
            occurred_at=at, actor="nightly", kind="step.moved", subject="send-strategy-2022",
            reason="approved at SSPB", details={"from": "decide-sspb", "to": ["decide-hwbb", "review-scrutiny"]},
        )
        uow.audit.add(occurred_at=at - dt.timedelta(days=1), actor="LM", kind="meeting.moved", subject="SSPB-2022-06")
        uow.commit()
    assert first.id is not None and first.occurred_at == at and first.occurred_at.utcoffset() == dt.timedelta(0)
    with uow_factory() as uow:
        events = uow.audit.list()
        assert [e.kind for e in events] == ["meeting.moved", "step.moved"]
        assert events[1] == first
        assert uow.audit.list(subject="send-strategy-2022") == [first]
        assert uow.audit.list(kind="meeting.moved", actor="LM")[0].details == {}
        assert uow.audit.list(since=at) == [first]
        assert [e.kind for e in uow.audit.list(until=at)] == ["meeting.moved"]
        with pytest.raises(ModelError, match="time zone"):
            uow.audit.add(occurred_at=dt.datetime(2022, 1, 1), actor="x", kind="y", subject="z")


def test_conditions_are_one_per_name_whatever_the_case(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.conditions.save(Condition("DfE", dt.date(2022, 2, 1), "guidance published"))
        uow.conditions.save(Condition("cabinet", dt.date(2022, 3, 7)))
        uow.conditions.save(Condition("dfe ", dt.date(2022, 2, 3), "final guidance"))
        uow.commit()
    with uow_factory() as uow:
        assert uow.conditions.list() == [
            Condition("cabinet", dt.date(2022, 3, 7), ""),
            Condition("dfe", dt.date(2022, 2, 3), "final guidance"),
        ]


def test_nightly_runs_are_kept_one_per_date(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.nightly_runs.last() is None
        uow.nightly_runs.record(run("2022-03-07", steps_moved=3, documents_moved=[DOC]))
        uow.nightly_runs.record(run("2022-03-05", steps_moved=0))
        uow.commit()
    with uow_factory() as uow:
        last = uow.nightly_runs.last()
        assert last == run("2022-03-07", steps_moved=3, documents_moved=[DOC])
        assert last.finished_at.utcoffset() == dt.timedelta(0)  # read back in UTC
        assert uow.nightly_runs.get(dt.date(2022, 3, 5)) == run("2022-03-05", steps_moved=0)
        assert uow.nightly_runs.get(dt.date(2022, 3, 6)) is None
        # A replay of an earlier date, finished later, is not the last run: the latest date is.
        uow.nightly_runs.record(run("2022-03-06", hour=23))
        uow.nightly_runs.record(run("2022-03-07", hour=3, steps_moved=5, nights=["2022-03-07"]))
        uow.commit()
    with uow_factory() as uow:
        assert uow.nightly_runs.last() == run("2022-03-07", hour=3, steps_moved=5, nights=["2022-03-07"])
        assert uow.nightly_runs.get(dt.date(2022, 3, 6)) == run("2022-03-06", hour=23)
        with pytest.raises(ModelError, match="time zone"):
            uow.nightly_runs.record(NightlyRun(dt.date(2022, 3, 8), dt.datetime(2022, 3, 8, 2, 0)))
        with pytest.raises(ModelError, match="not JSON"):
            uow.nightly_runs.record(run("2022-03-08", when=dt.date(2022, 3, 8)))
