"""The outbox in SQL: reminders, one pending digest per person, claimed with SKIP LOCKED."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from sqlalchemy import bindparam, func, select, update
from sqlalchemy import text as sql_text

from governance_model.errors import ModelError
from governance_model.organisation import current_organisation
from governance_model.outbox_message import (
    PENDING,
    SENT,
    OutboxMessage,
    check_message_pending,
    retry_delay,
    unique_reminders,
)
from governance_model.repository_rules import check_aware
from governance_model.storage.organisation_scope import organisation_of
from governance_model.storage.sql.common import IN_LIST_CHUNK, INSERT_CHUNK, SqlRepository, chunks, rows_of
from governance_model.storage.tables import MessageRow, ReminderRow

if TYPE_CHECKING:
    from governance_model.reminders import Reminder


class SqlOutboxRepository(SqlRepository):
    """The reminders owed and the messages that carry them."""

    def queue(self, reminders: Iterable[Reminder]) -> int:
        """Store the reminders not stored yet (by key: INSERT … ON CONFLICT DO NOTHING), then put
        every reminder that is in no message into its recipient's pending message, creating one
        where there is none. Returns how many reminders were new.

        On PostgreSQL the pending messages are locked (FOR UPDATE) before reminders join them, so a
        reminder never joins a message that a sender is sending at that moment: the queueing waits
        for that send to commit, then starts a new message."""
        rows = [_reminder_values(reminder) for reminder in unique_reminders(reminders).values()]
        table = ReminderRow.__table__
        new = 0
        for chunk in chunks(rows, INSERT_CHUNK):
            statement = self._insert(table).values(chunk).on_conflict_do_nothing(index_elements=["organisation", "key"])
            new += len(self.session.execute(statement.returning(table.c.id)).all())
        self._join_pending_messages()
        return new

    def _join_pending_messages(self) -> None:
        """Attach every reminder without a message to its recipient's (locked) pending message."""
        unattached = dict(
            rows_of(
                self.session,
                select(ReminderRow.recipient, func.min(ReminderRow.night))
                .where(ReminderRow.message_id.is_(None))
                .group_by(ReminderRow.recipient),
            )
        )
        if not unattached:
            return
        messages = MessageRow.__table__
        pending: dict[str, int] = {}
        missing = sorted(unattached)
        # A pending message can turn into a sent one while we wait for its lock; then make another.
        for _ in range(5):
            for chunk in chunks(missing, IN_LIST_CHUNK):
                self.session.execute(
                    self._insert(messages)
                    .values(
                        [
                            {"recipient": r, "status": PENDING, "attempts": 0, "created_on": unattached[r]}
                            for r in chunk
                        ]
                    )
                    .on_conflict_do_nothing(
                        index_elements=["organisation", "recipient"], index_where=sql_text("status = 'pending'")
                    )
                )
                locked = (
                    select(MessageRow.recipient, MessageRow.id)
                    .where(MessageRow.status == PENDING, MessageRow.recipient.in_(chunk))
                    .order_by(MessageRow.id)
                    .with_for_update()
                )
                pending.update(dict(rows_of(self.session, locked)))
            missing = [r for r in missing if r not in pending]
            if not missing:
                break
        else:  # pragma: no cover - needs five sends of the same recipient during one queueing
            raise ModelError(f"could not find or create a pending message for {', '.join(missing)}")
        reminders = ReminderRow.__table__
        self.session.execute(
            update(reminders)  # a Core UPDATE (one per recipient), so kept to the council here
            .where(
                reminders.c.organisation == (organisation_of(self.session) or current_organisation()),
                reminders.c.recipient == bindparam("r"),
                reminders.c.message_id.is_(None),
            )
            .values(message_id=bindparam("m")),
            [{"r": recipient, "m": message_id} for recipient, message_id in pending.items()],
        )

    def claim(self, now: dt.datetime, limit: int = 1, *, skip: Iterable[int] = ()) -> list[OutboxMessage]:
        """The oldest pending messages due at `now` (at most `limit`, none of the ids in `skip`),
        locked for this transaction.

        On PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED, so two senders never claim the same message,
        and a sender that dies mid-send leaves its claims pending (its transaction rolls back). Send
        while the transaction is open, then `mark_sent` or `mark_failed` each and commit: the commit
        also lets go of the claims not marked. A transaction's own claims are not skipped: pass them
        in `skip` to claim more. On SQLite (one writer) it is a plain SELECT: the senders of one
        process keep each other's claims out with `skip`; run one sending process at a time there."""
        check_aware(now, "claiming outbox messages at")
        if limit < 1:
            return []
        query = (
            select(MessageRow)
            .where(
                MessageRow.status == PENDING,
                (MessageRow.next_attempt_at.is_(None)) | (MessageRow.next_attempt_at <= now),
            )
            .order_by(MessageRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        skipped = sorted(set(skip))
        if skipped:
            query = query.where(MessageRow.id.not_in(skipped))
        return self._messages(list(self.session.scalars(query)))

    def claim_next(self, now: dt.datetime) -> OutboxMessage | None:
        """The oldest pending message due at `now`, locked for this transaction (see `claim`)."""
        claimed = self.claim(now, 1)
        return claimed[0] if claimed else None

    def mark_sent(self, message_id: int, sent_at: dt.datetime, reminder_keys: Iterable[str]) -> None:
        """Mark a pending message sent. `reminder_keys` are the reminders the sent digest showed: any
        other reminder attached meanwhile is moved to a new pending message, never lost."""
        self.mark_all_sent({message_id: reminder_keys}, sent_at)

    def mark_all_sent(self, shown: Mapping[int, Iterable[str]], sent_at: dt.datetime) -> None:
        """`mark_sent` for each message id of `shown` (with the reminder keys its digest showed), in
        a few statements however many there are. Raises ModelError, marking none, if one is not pending."""
        check_aware(sent_at, f"outbox messages {', '.join(map(str, shown))} sent at")
        ids = sorted(shown)
        statuses: dict[int, str] = {}
        for chunk in chunks(ids, IN_LIST_CHUNK):
            statuses.update(rows_of(self.session, select(MessageRow.id, MessageRow.status).where(MessageRow.id.in_(chunk))))
        for message_id in ids:
            check_message_pending(message_id, statuses.get(message_id))
        unshown: list[int] = []
        for chunk in chunks(ids, IN_LIST_CHUNK):
            self.session.execute(
                update(MessageRow)
                .where(MessageRow.id.in_(chunk))
                .values(status=SENT, sent_at=sent_at, attempts=MessageRow.attempts + 1, next_attempt_at=None)
            )
            attached = select(ReminderRow.id, ReminderRow.key, ReminderRow.message_id).where(ReminderRow.message_id.in_(chunk))
            keys = {message_id: set(shown[message_id]) for message_id in chunk}
            unshown += [id_ for id_, key, message_id in rows_of(self.session, attached) if key not in keys[message_id]]
        if unshown:
            for chunk in chunks(unshown, IN_LIST_CHUNK):
                self.session.execute(update(ReminderRow).where(ReminderRow.id.in_(chunk)).values(message_id=None))
            self._join_pending_messages()

    def mark_failed(self, message_id: int, error: str, now: dt.datetime) -> dt.datetime:
        """Record a failed send: attempts + 1, the error (give it redacted), and the time of the next
        attempt (now + `retry_delay`), which is returned. The message stays pending."""
        check_aware(now, f"outbox message {message_id} failed at")
        status, attempts = self.session.execute(
            select(MessageRow.status, MessageRow.attempts).where(MessageRow.id == message_id)
        ).one_or_none() or (None, 0)
        check_message_pending(message_id, status)
        next_attempt_at = now + retry_delay(attempts + 1)
        self.session.execute(
            update(MessageRow)
            .where(MessageRow.id == message_id)
            .values(attempts=attempts + 1, last_error=error, next_attempt_at=next_attempt_at)
        )
        return next_attempt_at.astimezone(dt.timezone.utc)

    def list(self, *, status: str | None = None, recipient: str | None = None) -> list[OutboxMessage]:
        """The outbox's messages (all, or by status and recipient), oldest first, with their reminders."""
        query = select(MessageRow).order_by(MessageRow.id)
        if status is not None:
            query = query.where(MessageRow.status == status)
        if recipient is not None:
            query = query.where(MessageRow.recipient == recipient)
        return self._messages(list(self.session.scalars(query)))

    def _messages(self, rows: list[MessageRow]) -> list[OutboxMessage]:
        reminders: dict[int, list[Reminder]] = {row.id: [] for row in rows}
        for chunk in chunks(list(reminders), IN_LIST_CHUNK):
            query = (
                select(*_REMINDER_COLUMNS, ReminderRow.message_id)
                .where(ReminderRow.message_id.in_(chunk))
                .order_by(ReminderRow.id)
            )
            for *values, message_id in rows_of(self.session, query):
                reminders[message_id].append(_reminder(*values))
        return [
            OutboxMessage(
                id=row.id,
                recipient=row.recipient,
                status=row.status,
                attempts=row.attempts,
                created_on=row.created_on,
                reminders=tuple(reminders[row.id]),
                last_error=row.last_error,
                next_attempt_at=row.next_attempt_at,
                sent_at=row.sent_at,
            )
            for row in rows
        ]


_REMINDER_COLUMNS = (
    ReminderRow.recipient,
    ReminderRow.item_kind,
    ReminderRow.item_key,
    ReminderRow.title,
    ReminderRow.context,
    ReminderRow.body_code,
    ReminderRow.deadline,
    ReminderRow.when_text,
    ReminderRow.opens,
    ReminderRow.rule,
    ReminderRow.night,
    ReminderRow.caught_up_on,
    ReminderRow.why,
)


def _reminder_values(reminder: Reminder) -> dict[str, Any]:
    item = reminder.item
    return {
        "key": reminder.key,
        "recipient": reminder.recipient,
        "item_kind": item.kind,
        "item_key": item.key,
        "title": item.title,
        "context": item.context,
        "body_code": item.body_code,
        "deadline": item.deadline,
        "when_text": item.when_text,
        "opens": item.opens,
        "rule": reminder.rule,
        "night": reminder.night,
        "caught_up_on": reminder.caught_up_on,
        "why": item.why or None,
    }


def _reminder(
    recipient: str,
    kind: str,
    item_key: str,
    title: str,
    context: str,
    body_code: str | None,
    deadline: dt.date,
    when_text: str,
    opens: dt.date | None,
    rule: str,
    night: dt.date,
    caught_up_on: dt.date | None,
    why: str | None,
) -> Reminder:
    from governance_model.reminders import Reminder, ReminderItem

    item = ReminderItem(
        kind=kind,
        key=item_key,
        title=title,
        context=context,
        body_code=body_code,
        deadline=deadline,
        when_text=when_text,
        opens=opens,
        why=why or "",
    )
    return Reminder(recipient=recipient, item=item, rule=rule, night=night, caught_up_on=caught_up_on)
