"""The outbox: reminders queued once into one message per person, claiming with backoff, nothing lost.

Run against the in-memory fake and every configured database (tests/contract/conftest.py)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from governance_model.errors import ModelError
from governance_model.ports import AbstractUnitOfWork
from tests.notifications.support import NIGHT, NOW, consultation_reminders, reminder, three_people_reminders

UowFactory = Callable[[], AbstractUnitOfWork]


def test_reminders_are_queued_once_into_one_message_per_person(uow_factory: UowFactory) -> None:
    reminders = three_people_reminders()
    with uow_factory() as uow:
        assert uow.outbox.queue(reminders + reminders[:2]) == 6  # a key given twice counts once
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.queue(reminders) == 0
        later = reminder("GB", "step:x/late", "Late addition", dt.date(2022, 5, 3), night=NIGHT + dt.timedelta(days=1))
        assert uow.outbox.queue([later]) == 1
        uow.commit()
    with uow_factory() as uow:
        messages = uow.outbox.list()
    assert sorted((m.recipient, m.status, m.attempts, len(m.reminders)) for m in messages) == [
        ("BM", "pending", 0, 2),
        ("GB", "pending", 0, 4),
        ("LM", "pending", 0, 1),
    ]
    gb = next(m for m in messages if m.recipient == "GB")
    assert gb.reminders[:3] == tuple(r for r in reminders if r.recipient == "GB")  # in the order queued
    assert gb.reminders[3] == later
    assert gb.created_on == NIGHT
    assert {m.next_attempt_at for m in messages} == {None}


def test_a_window_reminder_keeps_the_day_its_window_opens(uow_factory: UowFactory) -> None:
    reminders = consultation_reminders() + three_people_reminders()[:1]
    with uow_factory() as uow:
        assert uow.outbox.queue(reminders) == 3
        uow.commit()
    with uow_factory() as uow:
        (message,) = uow.outbox.list(recipient="GB")
    assert message.reminders == tuple(reminders)
    assert [r.item.opens for r in message.reminders] == [dt.date(2022, 1, 4), dt.date(2022, 1, 4), None]


def test_a_late_reminder_keeps_the_night_of_the_run_that_caught_up_with_it(uow_factory: UowFactory) -> None:
    """Its digest, sent from what is stored, can then say it is late and from when (issue 14, point 9)."""
    friday = NIGHT + dt.timedelta(days=1)
    late = dataclasses.replace(reminder("GB", "step:a/1", "Sign-off", dt.date(2022, 3, 15)), caught_up_on=friday)
    on_time = reminder("GB", "step:a/2", "Report", dt.date(2022, 3, 21), night=friday)
    with uow_factory() as uow:
        assert uow.outbox.queue([late, on_time]) == 2
        uow.commit()
    with uow_factory() as uow:
        (message,) = uow.outbox.list(recipient="GB")
    assert message.reminders == (late, on_time)
    assert [(r.night, r.caught_up_on, r.goes_out_on) for r in message.reminders] == [(NIGHT, friday, friday), (friday, None, friday)]


def test_claiming_follows_the_backoff(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.outbox.queue(three_people_reminders())
        uow.commit()
    with uow_factory() as uow:
        first = uow.outbox.claim_next(NOW)
        retry_at = uow.outbox.mark_failed(first.id, "relay said no", NOW)
        uow.commit()
    assert retry_at == NOW + dt.timedelta(minutes=5)
    with uow_factory() as uow:
        second = uow.outbox.claim_next(NOW)
        assert second.id != first.id
        uow.outbox.mark_sent(second.id, NOW, [r.key for r in second.reminders])
        third = uow.outbox.claim_next(NOW)
        assert third.id not in (first.id, second.id)
        uow.outbox.mark_sent(third.id, NOW, [r.key for r in third.reminders])
        assert uow.outbox.claim_next(NOW) is None  # the failed one is not due yet
        uow.commit()
    with uow_factory() as uow:
        again = uow.outbox.claim_next(NOW + dt.timedelta(minutes=5))
        assert (again.id, again.attempts, again.last_error) == (first.id, 1, "relay said no")
        assert again.next_attempt_at == NOW + dt.timedelta(minutes=5)
        with pytest.raises(ModelError, match="is sent, not pending"):
            uow.outbox.mark_sent(second.id, NOW, [])
        with pytest.raises(ModelError, match="no outbox message 999"):
            uow.outbox.mark_failed(999, "x", NOW)
    with uow_factory() as uow:
        assert [m.id for m in uow.outbox.list(status="sent")] == sorted([second.id, third.id])
        assert [m.sent_at for m in uow.outbox.list(status="sent")] == [NOW, NOW]
        assert [m.id for m in uow.outbox.list(status="pending")] == [first.id]


def test_a_reminder_not_in_the_sent_digest_goes_in_the_next_message(uow_factory: UowFactory) -> None:
    early, late = three_people_reminders()[0], reminder("GB", "step:x/late", "Late", dt.date(2022, 5, 3))
    with uow_factory() as uow:
        uow.outbox.queue([early])
        uow.commit()
    with uow_factory() as uow:
        claimed = uow.outbox.claim_next(NOW)
        uow.outbox.queue([late])  # joins the pending message the digest was rendered from
        uow.outbox.mark_sent(claimed.id, NOW, [early.key])
        uow.commit()
    with uow_factory() as uow:
        sent, pending = uow.outbox.list()
    assert (sent.status, sent.reminders) == ("sent", (early,))
    assert (pending.status, pending.recipient, pending.reminders) == ("pending", "GB", (late,))


def test_nothing_queued_means_nothing_to_claim(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.outbox.queue([]) == 0
        assert uow.outbox.claim_next(NOW) is None
        assert uow.outbox.list() == []
        with pytest.raises(ModelError, match="without a time zone"):
            uow.outbox.claim_next(NOW.replace(tzinfo=None))


def test_claiming_several_at_once_skips_the_ids_given(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.outbox.queue(three_people_reminders())
        uow.commit()
    with uow_factory() as uow:
        ids = [m.id for m in uow.outbox.list()]
        assert [m.id for m in uow.outbox.claim(NOW, 2)] == ids[:2]  # the oldest first
        assert [m.id for m in uow.outbox.claim(NOW, 5, skip=ids[:2])] == ids[2:]
        assert uow.outbox.claim(NOW, 5, skip=ids) == []
        assert uow.outbox.claim(NOW, 0) == []
        (claimed,) = uow.outbox.claim(NOW, 1, skip=ids[:1])
        assert claimed.recipient == uow.outbox.list()[1].recipient and len(claimed.reminders) >= 1
        retry_at = uow.outbox.mark_failed(claimed.id, "relay said no", NOW)
        uow.commit()
    with uow_factory() as uow:
        assert [m.id for m in uow.outbox.claim(NOW, 5)] == [ids[0], ids[2]]  # the failed one waits
        assert [m.id for m in uow.outbox.claim(retry_at, 5)] == ids


def test_marking_many_sent_at_once_keeps_the_unshown_reminders_and_refuses_a_sent_one(uow_factory: UowFactory) -> None:
    late = reminder("GB", "step:x/late", "Late", dt.date(2022, 5, 3))
    with uow_factory() as uow:
        uow.outbox.queue(three_people_reminders())
        uow.commit()
    with uow_factory() as uow:
        claimed = uow.outbox.claim(NOW, 3)
        uow.outbox.queue([late])  # joins GB's message after its digest was rendered
        uow.outbox.mark_all_sent({m.id: [r.key for r in m.reminders] for m in claimed}, NOW)
        uow.commit()
    with uow_factory() as uow:
        assert [(m.recipient, m.attempts, m.sent_at) for m in uow.outbox.list(status="sent")] == [
            (m.recipient, 1, NOW) for m in claimed
        ]
        (pending,) = uow.outbox.list(status="pending")
        assert (pending.recipient, pending.reminders) == ("GB", (late,))
        with pytest.raises(ModelError, match=f"outbox message {claimed[0].id} is sent, not pending"):
            uow.outbox.mark_all_sent({pending.id: [late.key], claimed[0].id: []}, NOW)
