"""The answer-link uses (issue 17): counted one by one from the first, kept per council, answered once.

Run against the in-memory fake and every configured database (tests/contract/conftest.py)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from governance_model.errors import ModelError
from governance_model.ports import AbstractUnitOfWork

UowFactory = Callable[[], AbstractUnitOfWork]
AT = dt.datetime(2022, 2, 14, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
TOKEN = "a" * 64


def test_each_use_of_a_link_is_counted_from_its_first(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.answer_links.get(TOKEN) is None
        first = uow.answer_links.count_use(TOKEN, "GB", "step:doc/share", AT)
        uow.commit()
    assert (first.uses, first.initials, first.item_key, first.answered_at) == (1, "GB", "step:doc/share", None)
    later = AT + dt.timedelta(minutes=5)
    with uow_factory() as uow:
        second = uow.answer_links.count_use(TOKEN, "GB", "step:doc/share", later)
        uow.commit()
    assert second.uses == 2
    assert second.first_used_at == AT and second.first_used_at.utcoffset() == dt.timedelta(0)
    assert second.last_used_at == later


def test_a_use_not_committed_is_not_counted(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.answer_links.count_use(TOKEN, "GB", "step:doc/share", AT)
    with uow_factory() as uow:
        assert uow.answer_links.get(TOKEN) is None


def test_the_answer_is_kept_with_the_link(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.answer_links.count_use(TOKEN, "GB", "action:plan/1/1", AT)
        uow.answer_links.mark_answered(TOKEN, "done", AT)
        uow.commit()
    with uow_factory() as uow:
        use = uow.answer_links.get(TOKEN)
    assert use is not None and (use.answer, use.answered_at, use.uses) == ("done", AT, 1)


def test_a_use_needs_an_aware_time_and_a_short_id(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        with pytest.raises(ModelError):
            uow.answer_links.count_use(TOKEN, "GB", "step:doc/share", AT.replace(tzinfo=None))
        with pytest.raises(ModelError):
            uow.answer_links.count_use("x" * 65, "GB", "step:doc/share", AT)
