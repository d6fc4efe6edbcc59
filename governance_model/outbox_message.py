"""One digest waiting in the outbox: the message record, its two states and the retry backoff.

The outbox is the stored list of reminders to send and the only way a message leaves govflow
(notifications.outbox is the loop that sends it). Every repository keeps these rules.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from governance_model.errors import ModelError

if TYPE_CHECKING:
    from governance_model.reminders import Reminder

PENDING = "pending"
SENT = "sent"

BASE_RETRY_DELAY = dt.timedelta(minutes=5)
MAX_RETRY_DELAY = dt.timedelta(hours=6)


@dataclass(frozen=True)
class OutboxMessage:
    """One digest for one recipient, as the outbox holds it: the reminders that go out together,
    and how sending it has gone so far."""

    id: int
    recipient: str  # a person's initials
    status: str  # "pending" | "sent"
    attempts: int
    created_on: dt.date
    reminders: tuple[Reminder, ...] = ()  # in the order they were queued
    last_error: str | None = None  # redacted: never a password
    next_attempt_at: dt.datetime | None = None  # aware, UTC; None: at once
    sent_at: dt.datetime | None = None  # aware, UTC


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed send: 5 min, 10, 20 … doubling, at most 6 h."""
    if attempts < 1:
        return dt.timedelta(0)
    # Capped before doubling too far: 2**60 minutes would overflow a timedelta.
    return min(BASE_RETRY_DELAY * 2 ** min(attempts - 1, 16), MAX_RETRY_DELAY)


def check_message_pending(message_id: int, status: str | None) -> None:
    if status is None:
        raise ModelError(f"no outbox message {message_id}")
    if status != PENDING:
        raise ModelError(f"outbox message {message_id} is {status}, not pending: did another sender send it?")


def unique_reminders(reminders: Iterable[Reminder]) -> dict[str, Reminder]:
    """The reminders by key; a key given twice keeps the first."""
    by_key: dict[str, Reminder] = {}
    for reminder in reminders:
        by_key.setdefault(reminder.key, reminder)
    return by_key
