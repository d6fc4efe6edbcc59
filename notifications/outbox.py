"""The outbox loop: send every pending digest that is due, one message per transaction.

    report = send_pending(uow_factory, sender, now)

For each message: claim it (on PostgreSQL the row stays locked, so a second sender skips it),
render the person's digest, send it while the row is locked, then mark it sent and commit. A send
that fails is recorded on the message (attempts + 1, the redacted error, the time of the next
attempt) and the loop goes on with the next message. If the process dies mid-send, its transaction
rolls back and the message is simply pending again: there are no leases to expire.

Delivery is at least once: a crash after the mail server accepted a message but before the commit
sends that one digest again on the next run, with the same Message-ID (`Digest.message_id`), so
the relay and mail clients can recognise the repeat. The commit follows the relay's answer at once,
in the message's own transaction, never batched with other sends, to keep that window short. Everything else (queueing the same reminder twice,
running the loop twice, two loops at once on PostgreSQL) sends nothing twice.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from governance_model.model import Person
from governance_model.ports import AbstractUnitOfWork
from notifications.delivery import Sender
from notifications.digest import Describe, build_digest, working_day_describer
from notifications.errors import DeliveryError
from notifications.redaction import scrub_urls

logger = logging.getLogger(__name__)


@dataclass
class SendReport:
    """What one run of the loop did: digests sent, sends that failed, and why (redacted)."""

    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def send_pending(
    uow_factory: Callable[[], AbstractUnitOfWork],
    sender: Sender,
    now: dt.datetime,
    *,
    describe: Describe | None = None,
    limit: int | None = None,
) -> SendReport:
    """Send every pending message due at `now` (at most `limit`), each in its own transaction.

    `uow_factory` makes a fresh unit of work (SQL or fake)."""
    if now.utcoffset() is None:
        raise ValueError(f"send_pending needs an aware time, not {now.isoformat()}")
    describe = describe or working_day_describer()
    redact = getattr(sender, "redact", scrub_urls)
    report = SendReport()
    while limit is None or report.sent + report.failed < limit:
        with uow_factory() as uow:
            message = uow.outbox.claim_next(now)
            if message is None:
                break
            person = uow.people.get(message.recipient) or Person(initials=message.recipient)
            try:
                digest = build_digest(person, message.reminders, describe, key=f"message-{message.id}")
                sender.send(person, digest)
            except Exception as error:  # noqa: BLE001 - any failure leaves the message pending, recorded
                reason = redact(str(error) if isinstance(error, DeliveryError) else f"{type(error).__name__}: {error}")
                retry_at = uow.outbox.mark_failed(message.id, reason, now)
                uow.commit()
                report.failed += 1
                report.errors.append(f"message {message.id} for {message.recipient}: {reason}")
                logger.warning(
                    "digest for %s (message %s) not sent, attempt %s; next try at %s: %s",
                    message.recipient,
                    message.id,
                    message.attempts + 1,
                    retry_at.isoformat(),
                    reason,
                )
                continue
            uow.outbox.mark_sent(message.id, now, digest.reminder_keys)
            uow.commit()
            report.sent += 1
            logger.info("digest for %s sent (message %s, %s items)", message.recipient, message.id, len(digest.items))
    return report
