"""The outbox on real databases, what only a database can show: row locks skipped not waited for,
queueing during a send, unique keys, migration 0003 down and up. The outbox's rules, which the fake
keeps too, are in tests/contract/test_outbox.py.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from governance_model.outbox_message import retry_delay
from governance_model.ports import AbstractUnitOfWork
from governance_model.storage import make_engine, migrate
from governance_model.storage.database import downgrade
from governance_model.storage.tables import MessageRow
from tests.notifications.support import NIGHT, NOW, reminder, three_people_reminders

UowFactory = Callable[[], AbstractUnitOfWork]
database = pytest.mark.database


# ---- the contract (real databases and the fake) -------------------------------------------------


def test_retry_delay_doubles_from_five_minutes_up_to_six_hours() -> None:
    minutes = [retry_delay(n).total_seconds() / 60 for n in range(1, 10)]
    assert minutes == [5, 10, 20, 40, 80, 160, 320, 360, 360]
    assert retry_delay(10**6) == dt.timedelta(hours=6)


# ---- what only a real database can show ---------------------------------------------------------


@database
def test_a_claimed_message_is_skipped_not_waited_for(database_url: str, uow_factory: UowFactory) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("row locks are PostgreSQL's: SQLite has one writer")
    with uow_factory() as uow:
        uow.outbox.queue(three_people_reminders())
        uow.commit()
    with uow_factory() as first, uow_factory() as second:
        held = first.outbox.claim_next(NOW)
        second.session.execute(text("SET LOCAL lock_timeout = '2s'"))  # a wait would fail, not hang
        other = second.outbox.claim_next(NOW)
        assert other is not None and other.id != held.id
        third = second.outbox.claim_next(NOW)  # its own claim is locked by itself: not skipped
        assert third.id == other.id


@database
def test_queueing_while_a_digest_is_being_sent_loses_nothing(database_url: str, uow_factory: UowFactory) -> None:
    """The queueing waits (PostgreSQL) or the sender notices (SQLite); either way the new reminder
    goes in a new message, never into the one already on its way."""
    early, late = three_people_reminders()[0], reminder("GB", "step:x/late", "Late", dt.date(2022, 5, 3))
    with uow_factory() as uow:
        uow.outbox.queue([early])
        uow.commit()
    errors: list[BaseException] = []

    def queue_late() -> None:
        try:
            with uow_factory() as uow:
                uow.outbox.queue([late])
                uow.commit()
        except BaseException as error:  # reported in the test's thread
            errors.append(error)

    with uow_factory() as sending:
        claimed = sending.outbox.claim_next(NOW)
        queueing = threading.Thread(target=queue_late)
        queueing.start()
        time.sleep(0.5)  # on PostgreSQL the queueing now waits for the message's row lock
        if not database_url.startswith("sqlite"):
            assert queueing.is_alive()
        sending.outbox.mark_sent(claimed.id, NOW, [r.key for r in claimed.reminders])
        sending.commit()
    queueing.join(10)
    assert not errors, errors
    with uow_factory() as uow:
        sent, pending = uow.outbox.list()
    assert (sent.status, sent.reminders) == ("sent", (early,))
    assert (pending.status, pending.reminders) == ("pending", (late,))


@database
def test_one_pending_message_per_recipient_and_unique_reminder_keys(uow_factory: UowFactory) -> None:
    row = {"recipient": "GB", "status": "pending", "attempts": 0, "created_on": NIGHT}
    with uow_factory() as uow:
        uow.session.execute(insert(MessageRow), [row, {**row, "status": "sent"}, {**row, "status": "sent"}])
        with pytest.raises(IntegrityError):
            uow.session.execute(insert(MessageRow), [row])
    with uow_factory() as uow:
        with pytest.raises(IntegrityError):
            uow.session.execute(insert(MessageRow), [{**row, "status": "lost"}])
    with uow_factory() as uow:
        uow.outbox.queue(three_people_reminders())
        uow.commit()
        with pytest.raises(IntegrityError):
            uow.session.execute(
                text("INSERT INTO reminders (key, recipient, item_kind, item_key, title, context, deadline, "
                     "when_text, rule, night) SELECT key, recipient, item_kind, item_key, title, context, "
                     "deadline, when_text, rule, night FROM reminders")
            )


def down_to_and_back_up(database_url: str, revision: str) -> None:
    """Downgrade the database to `revision`, then migrate it to the newest again."""
    engine = make_engine(database_url)
    try:
        downgrade(engine, revision)
        migrate(engine)
    finally:
        engine.dispose()


@database
def test_migration_0003_goes_down_and_up_again(database_url: str, uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.outbox.queue(three_people_reminders())
        uow.commit()
    down_to_and_back_up(database_url, "0002")
    with uow_factory() as uow:
        assert uow.outbox.list() == []
        assert uow.outbox.queue(three_people_reminders()) == 6


@database
def test_migration_0009_keeps_queued_reminders_and_reads_them_as_no_window(database_url: str, uow_factory: UowFactory) -> None:
    # 0009 adds reminders.opens with plain ADD COLUMN: reminders queued before it stay, with their
    # keys (so nothing is sent twice), and read as not about a window.
    queued = three_people_reminders()
    with uow_factory() as uow:
        uow.outbox.queue(queued)
        uow.commit()
    down_to_and_back_up(database_url, "0008")
    with uow_factory() as uow:
        stored = [r for m in uow.outbox.list() for r in m.reminders]
        assert sorted(r.key for r in stored) == sorted(r.key for r in queued)
        assert {r.item.opens for r in stored} == {None}
        assert uow.outbox.queue(queued) == 0
