"""The outbox loop: send every pending digest that is due, through a few senders side by side, and
record what happened in batches.

    report = send_pending(uow_factory, sender, now, connections=4)

`connections` senders (threads) run at once, each with its own unit of work and its own connection
to the relay (kept open for the next message, see notifications.smtp_relay). Each sender, in its
open transaction: claims a few due messages (on PostgreSQL the rows stay locked, so a second
sending process skips them; the senders of one process also skip each other's claims, which is all
SQLite has), renders each person's digest and sends it, and keeps the outcome. Every
`marks_per_commit` outcomes, or `seconds_per_commit` after the batch began, whichever comes first,
it marks them (sent, or failed: attempts + 1, the redacted error, the time of the next attempt) and
commits, which also lets go of any claim it did not get to. A failed send does not stop the others.

Delivery is at least once. A crash (kill -9, power) rolls back every open batch: each message in it
is pending again, untouched, and the next run sends it. A digest the relay accepted in a batch that
was not committed yet goes again, with the same Message-ID (`Digest.message_id`), so the relay and
mail clients can recognise the repeat, unless a reminder joined its message meanwhile (a different
digest: another Message-ID). At most `connections` × `marks_per_commit` digests can go twice after
one crash, and no more than about `seconds_per_commit` of sending. Everything else (queueing the
same reminder twice, running the loop twice, two loops at once on PostgreSQL) sends nothing twice.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from governance_model.model import Person
from governance_model.outbox_message import OutboxMessage
from governance_model.ports import AbstractUnitOfWork
from notifications.answer_links import DigestLinks
from notifications.delivery import Sender
from notifications.digest import Describe, FeedLinks, build_digest, working_day_describer
from notifications.errors import DeliveryError
from notifications.redaction import scrub_urls

logger = logging.getLogger(__name__)

# A person's own calendar address, looked up in the sender's unit of work (None: they have none yet).
FeedLinksOf = Callable[[AbstractUnitOfWork, str], FeedLinks | None]

DEFAULT_CONNECTIONS = 4
MARKS_PER_COMMIT = 100  # outcomes a sender records in one transaction, at most
SECONDS_PER_COMMIT = 2.0  # and it commits this long after its batch began, at the latest
CLAIMS_AT_ONCE = 20  # messages a sender claims in one query, at most (fewer when sends are slow)


@dataclass
class SendReport:
    """What one run of the loop did: digests sent, sends that failed, and why (redacted)."""

    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Outcome:
    """One message's send, not yet recorded: the reminders its digest showed, or why it failed."""

    message: OutboxMessage
    shown: tuple[str, ...] = ()
    items: int = 0
    error: str | None = None


class _Run:
    """What the senders of one run share: the claims not yet committed (so that no two senders
    send one message), how many more may be claimed, the report, and the first error."""

    def __init__(self, limit: int | None):
        self.lock = threading.Lock()
        self.recording = threading.Lock()  # held by the sender marking and committing its batch
        self.claimed: set[int] = set()
        self.budget = limit
        self.report = SendReport()
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def claim(self, uow: AbstractUnitOfWork, now: dt.datetime, wanted: int) -> list[OutboxMessage]:
        # One claim at a time in this process: SQLite's claims lock nothing, so a message read by
        # one sender must be in `claimed` before another sender reads.
        with self.lock:
            if self.budget is not None:
                wanted = min(wanted, self.budget)
            messages = uow.outbox.claim(now, wanted, skip=self.claimed) if wanted > 0 else []
            self.claimed.update(m.id for m in messages)
            if self.budget is not None:
                self.budget -= len(messages)
            return messages

    def release(self, messages: list[OutboxMessage], outcomes: list[_Outcome] = ()) -> None:
        """Forget the claims of a batch that ended; give back those not sent to the budget."""
        with self.lock:
            self.claimed.difference_update(m.id for m in messages)
            if self.budget is not None:
                self.budget += len(messages) - len(outcomes)

    def fail(self, error: BaseException) -> None:
        with self.lock:
            if self.error is None:
                self.error = error
        self.stop.set()


def send_pending(
    uow_factory: Callable[[], AbstractUnitOfWork],
    sender: Sender,
    now: dt.datetime,
    *,
    describe: Describe | None = None,
    limit: int | None = None,
    connections: int = DEFAULT_CONNECTIONS,
    marks_per_commit: int = MARKS_PER_COMMIT,
    seconds_per_commit: float = SECONDS_PER_COMMIT,
    feed_links: FeedLinksOf | None = None,
    answer_links: DigestLinks | None = None,
) -> SendReport:
    """Send every pending message due at `now` (at most `limit`) through `connections` senders at
    once, recording outcomes in batches (see the module's docstring); closes `sender` at the end.
    With `feed_links`, each digest ends with its recipient's own calendar address; with
    `answer_links`, each item carries its recipient's signed answer links.

    `uow_factory` makes a fresh unit of work (SQL or fake). An error other than a failed send (the
    database gone, say) stops every sender: each records what it had sent, and the error is raised."""
    if now.utcoffset() is None:
        raise ValueError(f"send_pending needs an aware time, not {now.isoformat()}")
    if connections < 1 or marks_per_commit < 1 or seconds_per_commit <= 0:
        raise ValueError("send_pending needs at least one connection, one mark a commit and some seconds a commit")
    describe = describe or working_day_describer()
    redact = getattr(sender, "redact", scrub_urls)
    run = _Run(limit)
    batches = _Batches(uow_factory, sender, now, describe, redact, run, marks_per_commit, seconds_per_commit, feed_links, answer_links)
    try:
        if connections == 1:
            batches.run()  # in the caller's thread: all a fake unit of work or in-memory SQLite can see
        else:
            _side_by_side(batches, connections)
    finally:
        sender.close()
    if run.error is not None:
        raise run.error
    return run.report


def _side_by_side(batches: _Batches, connections: int) -> None:
    """Run `connections` senders in threads of their own until each is done."""
    threads = [threading.Thread(target=batches.run, name=f"govflow-send-{n + 1}") for n in range(connections)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    except BaseException:  # Ctrl-C in the main thread: the senders record what they sent, then stop
        batches.run_state.stop.set()
        for thread in threads:
            if thread.ident is not None:
                thread.join()
        raise


class _Batches:
    """One sender's loop: batch after batch, each in its own transaction, until nothing is due."""

    def __init__(self, uow_factory, sender, now, describe, redact, run: _Run, most: int, seconds: float, feed_links=None, answer_links=None):
        self.uow_factory, self.sender, self.now = uow_factory, sender, now
        self.describe, self.redact, self.run_state = describe, redact, run
        self.most, self.seconds = most, seconds
        self.feed_links: FeedLinksOf | None = feed_links
        self.answer_links: DigestLinks | None = answer_links

    def run(self) -> None:
        try:
            while not self.run_state.stop.is_set() and self.batch():
                pass
        except BaseException as error:  # raised by send_pending, in its caller's thread
            self.run_state.fail(error)

    def batch(self) -> bool:
        """Claim, send and record one batch; False when nothing more was due."""
        run, claimed, outcomes = self.run_state, [], []
        more = True
        with self.uow_factory() as uow:
            try:
                started = time.monotonic()
                while len(outcomes) < self.most and not run.stop.is_set():
                    spent = time.monotonic() - started
                    if spent >= self.seconds:
                        break
                    messages = run.claim(uow, self.now, self._how_many(len(outcomes), spent))
                    if not messages:
                        more = False
                        break
                    claimed.extend(messages)
                    for message in messages:
                        if outcomes and (run.stop.is_set() or time.monotonic() - started >= self.seconds):
                            break  # the claims not sent go back at the commit
                        outcomes.append(self.send(uow, message))
                # One sender of this process records at a time: SQLite has one writer, and senders
                # queueing on its lock could give up (its timeout) when the disk is slow. Nothing a
                # sender records is locked by another, so on PostgreSQL this only takes turns.
                with run.recording:
                    retry_at = self.record(uow, outcomes)
                    if outcomes:  # else nothing to record: leaving the block lets go of the claims
                        uow.commit()
            finally:
                run.release(claimed, outcomes)
        self.report(outcomes, retry_at)
        return more

    def _how_many(self, done: int, spent: float) -> int:
        """As many as fit in the batch's time left at the pace so far (one to start with)."""
        if not done:
            return 1
        fit = int((self.seconds - spent) / (spent / done)) if spent > 0 else CLAIMS_AT_ONCE
        return max(1, min(fit, CLAIMS_AT_ONCE, self.most - done))

    def send(self, uow: AbstractUnitOfWork, message: OutboxMessage) -> _Outcome:
        person = uow.people.get(message.recipient) or Person(initials=message.recipient)
        try:
            feed = self.feed_links(uow, message.recipient) if self.feed_links is not None else None
            digest = build_digest(person, message.reminders, self.describe, key=f"message-{message.id}", feed=feed, answer_links=self.answer_links)
            self.sender.send(person, digest)
        except Exception as error:  # noqa: BLE001 - any failure leaves the message pending, recorded
            reason = self.redact(str(error) if isinstance(error, DeliveryError) else f"{type(error).__name__}: {error}")
            return _Outcome(message, error=reason)
        return _Outcome(message, shown=tuple(digest.reminder_keys), items=len(digest.items))

    def record(self, uow: AbstractUnitOfWork, outcomes: list[_Outcome]) -> dict[int, dt.datetime]:
        """Mark each outcome (not committed); the next attempt of each failed one, by message id."""
        sent = {o.message.id: o.shown for o in outcomes if o.error is None}
        if sent:
            uow.outbox.mark_all_sent(sent, self.now)
        return {
            o.message.id: uow.outbox.mark_failed(o.message.id, o.error, self.now) for o in outcomes if o.error is not None
        }

    def report(self, outcomes: list[_Outcome], retry_at: dict[int, dt.datetime]) -> None:
        """Count and log a committed batch."""
        report = self.run_state.report
        for outcome in outcomes:
            message = outcome.message
            if outcome.error is None:
                logger.info("digest for %s sent (message %s, %s items)", message.recipient, message.id, outcome.items)
                continue
            logger.warning(
                "digest for %s (message %s) not sent, attempt %s; next try at %s: %s",
                message.recipient,
                message.id,
                message.attempts + 1,
                retry_at[message.id].isoformat(),
                outcome.error,
            )
        with self.run_state.lock:
            report.sent += sum(1 for o in outcomes if o.error is None)
            report.failed += sum(1 for o in outcomes if o.error is not None)
            report.errors.extend(
                f"message {o.message.id} for {o.message.recipient}: {o.error}" for o in outcomes if o.error is not None
            )
