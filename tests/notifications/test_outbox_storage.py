"""Storage of the outbox, of conditions and of the reminder settings (migration 0003), on SQLite and
PostgreSQL; the `contract` checks also run against the in-memory fake, so it behaves the same.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from governance_model.errors import ModelError
from governance_model.model import Action, ActionPlan, Body, Condition, Recommendation
from governance_model.ports import AbstractUnitOfWork
from governance_model.storage import make_engine, migrate
from governance_model.storage.database import alembic_config
from governance_model.outbox_message import retry_delay
from governance_model.storage.tables import MessageRow
from tests.fakes import FakeUnitOfWork
from tests.notifications.support import NIGHT, NOW, reminder, three_people_reminders

UowFactory = Callable[[], AbstractUnitOfWork]
database = pytest.mark.database


# ---- the contract (real databases and the fake) -------------------------------------------------


def reminder_settings_round_trip(uow_factory: UowFactory) -> None:
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


def conditions_are_one_per_name_whatever_the_case(uow_factory: UowFactory) -> None:
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


def reminders_are_queued_once_into_one_message_per_person(uow_factory: UowFactory) -> None:
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


def claiming_follows_the_backoff(uow_factory: UowFactory) -> None:
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


def a_reminder_not_in_the_sent_digest_goes_in_the_next_message(uow_factory: UowFactory) -> None:
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


def nothing_queued_means_nothing_to_claim(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.outbox.queue([]) == 0
        assert uow.outbox.claim_next(NOW) is None
        assert uow.outbox.list() == []
        with pytest.raises(ModelError, match="without a time zone"):
            uow.outbox.claim_next(NOW.replace(tzinfo=None))


CONTRACT = [
    reminder_settings_round_trip,
    conditions_are_one_per_name_whatever_the_case,
    reminders_are_queued_once_into_one_message_per_person,
    claiming_follows_the_backoff,
    a_reminder_not_in_the_sent_digest_goes_in_the_next_message,
    nothing_queued_means_nothing_to_claim,
]


@database
@pytest.mark.parametrize("check", CONTRACT, ids=lambda check: check.__name__)
def test_outbox_storage(check: Callable[[UowFactory], None], uow_factory: UowFactory) -> None:
    check(uow_factory)


@pytest.mark.parametrize("check", CONTRACT, ids=lambda check: check.__name__)
def test_fake_outbox_keeps_the_same_contract(check: Callable[[UowFactory], None]) -> None:
    uow = FakeUnitOfWork()
    check(lambda: uow)


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


@database
def test_migration_0003_goes_down_and_up_again(database_url: str, uow_factory: UowFactory) -> None:
    from alembic import command

    with uow_factory() as uow:
        uow.outbox.queue(three_people_reminders())
        uow.commit()
    engine = make_engine(database_url)
    try:
        config = alembic_config(engine.url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
        migrate(engine)
    finally:
        engine.dispose()
    with uow_factory() as uow:
        assert uow.outbox.list() == []
        assert uow.outbox.queue(three_people_reminders()) == 6
