"""What the feeds remember between builds: event states and private feed tokens.

Run against the in-memory fake and every configured database (tests/contract/conftest.py)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from governance_model.errors import ModelError
from governance_model.feed_state import FeedEventState
from governance_model.ports import AbstractUnitOfWork
from tests.calendars.conftest import STAMP

UowFactory = Callable[[], AbstractUnitOfWork]
LATER = STAMP + dt.timedelta(hours=5)
BST = dt.timezone(dt.timedelta(hours=1))


def test_feed_event_states(uow_factory: UowFactory) -> None:
    states = [FeedEventState(f"e{i}@govflow", f"{i:064x}", i, STAMP.astimezone(BST)) for i in range(3)]
    with uow_factory() as uow:
        uow.feeds.save_event_states(states)
        uow.commit()
    with uow_factory() as uow:
        got = uow.feeds.event_states(["e0@govflow", "e2@govflow", "missing@govflow"])
    assert set(got) == {"e0@govflow", "e2@govflow"}
    assert got["e2@govflow"].sequence == 2 and got["e2@govflow"].content_hash == f"{2:064x}"
    assert got["e2@govflow"].last_modified == STAMP and got["e2@govflow"].last_modified.utcoffset() == dt.timedelta(0)
    with uow_factory() as uow:
        uow.feeds.save_event_states([FeedEventState("e0@govflow", "f" * 64, 1, LATER)])
        uow.commit()
    with uow_factory() as uow:
        assert uow.feeds.event_states(["e0@govflow"])["e0@govflow"] == FeedEventState("e0@govflow", "f" * 64, 1, LATER)
        assert len(uow.feeds.event_states()) == 3
        with pytest.raises(ModelError):
            uow.feeds.save_event_states([FeedEventState("x", "0", 0, dt.datetime(2021, 1, 1))])


def test_feed_tokens(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.feeds.get_token("GB") is None
        uow.feeds.set_token("GB", "first", STAMP)
        uow.commit()
    with uow_factory() as uow:
        token = uow.feeds.set_token("GB", "second", LATER)
        uow.commit()
    assert (token.token, token.created_at, token.rotated_at) == ("second", STAMP, LATER)
    with uow_factory() as uow:
        assert uow.feeds.get_token("GB") == token
        assert list(uow.feeds.list_tokens()) == ["GB"]
