"""Bodies with their meetings, and people: round trips, upserts, moving a meeting.

Run against the in-memory fake and every configured database (tests/contract/conftest.py)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from governance_model.errors import ModelError
from governance_model.model import (
    Meeting,
    MeetingStatus,
)
from governance_model.ports import AbstractUnitOfWork
from tests.storage_examples import LONDON, hwbb, people, sspb

UowFactory = Callable[[], AbstractUnitOfWork]
BST = dt.timezone(dt.timedelta(hours=1))


def test_body_round_trip(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.bodies.save(sspb())
        uow.bodies.save(hwbb())
        uow.commit()
    with uow_factory() as uow:
        body = uow.bodies.get("SSPB")
        assert body == sspb()
        assert [b.code for b in uow.bodies.list()] == ["HWBB", "SSPB"]
        assert uow.bodies.list()[0] == hwbb()
        assert uow.bodies.get("JCB") is None
    bst, gmt = body.meetings[3].starts_at, body.meetings[2].starts_at
    assert bst.tzinfo == LONDON and bst.utcoffset() == dt.timedelta(hours=1) and bst.hour == 14
    assert gmt.tzinfo == LONDON and gmt.utcoffset() == dt.timedelta(0) and gmt.hour == 10


def test_a_gathering_that_takes_no_papers_round_trips(uow_factory: UowFactory) -> None:
    """A conference is stored as one (issue 14, point 10): no papers, so no papers lead time."""
    conference = dataclasses.replace(sspb(), code="SENDConf", name="Annual SEND Conference", papers=False, papers_lead_days=0, meetings=[])
    with uow_factory() as uow:
        uow.bodies.save(conference)
        uow.bodies.save(hwbb())
        uow.commit()
    with uow_factory() as uow:
        assert uow.bodies.get("SENDConf") == conference
        assert [(b.code, b.papers) for b in uow.bodies.list()] == [("HWBB", True), ("SENDConf", False)]


def test_person_round_trip(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        for person in reversed(people()):
            uow.people.save(person)
        uow.commit()
    with uow_factory() as uow:
        assert uow.people.get("GB") == people()[0]
        assert uow.people.list() == people()
        assert uow.people.get("XX") is None
        changed = dataclasses.replace(people()[1], email="lm@southend.example", apprise_urls=["mailto://lm@x.example"])
        uow.people.save(changed)
        uow.commit()
    with uow_factory() as uow:
        assert uow.people.get("LM") == changed
        assert len(uow.people.list()) == 2


def test_saving_a_meeting_moves_it(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.bodies.save(sspb())
        uow.bodies.save(hwbb())
        uow.commit()
    # 7 March 10:00 GMT → 4 April 10:00 BST; 15 June 14:00 BST → 30 October 00:30 BST, the night the
    # clocks go back, which is still 29 October in UTC; the TBC March window becomes a real date.
    to_bst = dataclasses.replace(sspb().meetings[2], starts_at=dt.datetime(2022, 4, 4, 10, 0, tzinfo=LONDON))
    late_night = dataclasses.replace(
        sspb().meetings[3], starts_at=dt.datetime(2022, 10, 30, 0, 30, tzinfo=LONDON), status=MeetingStatus.SCHEDULED
    )
    confirmed = dataclasses.replace(
        sspb().meetings[1], starts_at=dt.datetime(2022, 3, 21, 14, 0, tzinfo=dt.timezone.utc), when=None,
        status=MeetingStatus.SCHEDULED, location="Civic Centre", sequence=1,
    )
    with uow_factory() as uow:
        uow.bodies.save_meeting(to_bst)
        uow.bodies.save_meeting(late_night)
        uow.bodies.save_meeting(confirmed)
        uow.commit()
    with uow_factory() as uow:
        moved = uow.bodies.get_meeting("SSPB-2022-03")
        assert moved == to_bst and moved.sequence == 0  # moving bumps nothing: the caller sets it
        assert moved.starts_at.utcoffset() == dt.timedelta(hours=1) and moved.starts_at.hour == 10
        night = uow.bodies.get_meeting("SSPB-2022-06")
        assert night == late_night and night.day == dt.date(2022, 10, 30)
        assert night.starts_at.astimezone(dt.timezone.utc).date() == dt.date(2022, 10, 29)
        tbc = uow.bodies.get_meeting("SSPB-2022-03-TBC")
        assert tbc == confirmed and tbc.when is None and tbc.sequence == 1
        assert tbc.starts_at.tzinfo == LONDON and tbc.starts_at.hour == 14  # GMT in March
        body = uow.bodies.get("SSPB")
        assert [m.key for m in body.meetings] == ["SSPB-2022-01", "SSPB-2022-03-TBC", "SSPB-2022-03", "SSPB-2022-06"]
        assert body.meetings[0] == sspb().meetings[0]
        assert uow.bodies.get("HWBB") == hwbb()

        with pytest.raises(ModelError, match="no meeting 'SSPB-2030-01'"):
            uow.bodies.save_meeting(Meeting("SSPB-2030-01", "SSPB", dt.datetime(2030, 1, 1, 10, tzinfo=LONDON)))
        with pytest.raises(ModelError, match="belongs to body 'SSPB', not 'HWBB'"):
            uow.bodies.save_meeting(dataclasses.replace(to_bst, body_code="HWBB"))
        with pytest.raises(ModelError, match="time zone"):
            uow.bodies.save_meeting(dataclasses.replace(to_bst, starts_at=dt.datetime(2022, 4, 4, 10, 0)))
