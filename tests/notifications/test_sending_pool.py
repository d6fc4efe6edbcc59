"""Sending side by side: a few senders at once, each on an SMTP connection it keeps, and the
outcomes recorded in batches. Through a real SMTP server on 127.0.0.1 (aiosmtpd) and the test
databases (SQLite and PostgreSQL), read back from what the server received. No timed assertions:
a slow relay only makes the senders overlap.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from governance_model.model import Person
from governance_model.reminders import Reminder
from notifications.delivery import ApprisePersonSender
from notifications.outbox import send_pending
from notifications.smtp_relay import Relay, RelayConnections, RelayError
from tests.notifications.support import FROM, NOW, SmtpServer, messages, queue, save_people, three_people_reminders


def _owed(uow_factory, count: int) -> list[Person]:
    """`count` people, each owed one digest (one reminder)."""
    people = [Person(f"R{n:02}", f"Reader {n}", email=f"r{n:02}@council.example.org") for n in range(count)]
    save_people(uow_factory, people)
    (step,) = three_people_reminders()[:1]
    queue(uow_factory, [Reminder(p.initials, step.item, step.rule, step.night) for p in people])
    return people


@pytest.fixture
def commits() -> Iterator[list[int]]:
    """Counts the sessions' commits (from every thread) while the test runs."""
    counted: list[int] = []
    lock = threading.Lock()

    def count(session) -> None:
        with lock:
            counted.append(1)

    event.listen(Session, "after_commit", count)
    yield counted
    event.remove(Session, "after_commit", count)


def test_four_connections_have_four_digests_in_flight_at_once(uow_factory, smtp_server: SmtpServer) -> None:
    people = _owed(uow_factory, 16)
    mailbox = smtp_server.mailbox
    mailbox.reply_delay = 0.5  # a slow relay: every sender is waiting on it at the same time

    report = send_pending(uow_factory, ApprisePersonSender(smtp_server.url()), NOW, connections=4)

    assert (report.sent, report.failed) == (16, 0)
    assert Counter(a for r in mailbox.received for a in r.rcpt_tos) == {p.email: 1 for p in people}
    assert mailbox.most_in_flight == 4
    assert mailbox.sessions <= 4  # each sender kept its connection for its next digests
    assert {m.status for m in messages(uow_factory)} == {"sent"}


def test_outcomes_are_committed_in_batches_not_one_by_one(uow_factory, smtp_server: SmtpServer, commits) -> None:
    _owed(uow_factory, 30)
    commits.clear()

    report = send_pending(
        uow_factory, ApprisePersonSender(smtp_server.url()), NOW, connections=2, marks_per_commit=10, seconds_per_commit=600
    )

    assert report.sent == 30 and len(smtp_server.mailbox.received) == 30
    # Batches of ten; each sender's last one may be short (the other took what was left).
    assert 3 <= len(commits) <= 5, len(commits)
    assert {(m.status, m.attempts, m.sent_at) for m in messages(uow_factory)} == {("sent", 1, NOW)}


def test_a_batch_is_committed_once_its_seconds_are_up(uow_factory, smtp_server: SmtpServer, commits) -> None:
    _owed(uow_factory, 4)
    smtp_server.mailbox.reply_delay = 0.2  # each send outlasts the batch's time
    commits.clear()

    report = send_pending(
        uow_factory, ApprisePersonSender(smtp_server.url()), NOW, connections=1, marks_per_commit=100, seconds_per_commit=0.1
    )

    assert report.sent == 4
    assert len(commits) == 4  # one digest a batch: each batch's time was up after its first send
    assert smtp_server.mailbox.sessions == 1


def test_a_refused_digest_backs_off_while_the_others_go_out(uow_factory, smtp_server: SmtpServer) -> None:
    people = _owed(uow_factory, 8)
    refused = people[3].email
    smtp_server.mailbox.refuse = {refused}

    report = send_pending(uow_factory, ApprisePersonSender(smtp_server.url()), NOW, connections=3)

    assert (report.sent, report.failed) == (7, 1)
    assert "550 5.1.1 no such mailbox here" in report.errors[0]
    assert sorted(a for r in smtp_server.mailbox.received for a in r.rcpt_tos) == sorted(
        p.email for p in people if p.email != refused
    )
    (failed,) = messages(uow_factory, status="pending")
    assert (failed.recipient, failed.attempts) == (people[3].initials, 1)
    assert failed.next_attempt_at == NOW + dt.timedelta(minutes=5)
    assert "550" in failed.last_error
    # Not due again in this run, nor before its time.
    assert send_pending(uow_factory, ApprisePersonSender(smtp_server.url()), NOW + dt.timedelta(minutes=4)).failed == 0


def test_a_limit_caps_the_digests_sent_whatever_the_connections(uow_factory, smtp_server: SmtpServer) -> None:
    _owed(uow_factory, 10)
    report = send_pending(uow_factory, ApprisePersonSender(smtp_server.url()), NOW, connections=4, limit=3)
    assert report.sent == 3 and len(smtp_server.mailbox.received) == 3
    assert Counter(m.status for m in messages(uow_factory)) == {"sent": 3, "pending": 7}


# ---- the kept connection ------------------------------------------------------------------------


def _relay(server: SmtpServer) -> Relay:
    return Relay(host="127.0.0.1", port=server.port, mode="insecure", sender=FROM)


def _email(number: int):
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = f"digest {number}"
    message["From"] = FROM
    message["To"] = f"r{number}@council.example.org"
    message["Message-ID"] = f"<message-{number}@govflow.council.example.org>"
    message.set_content("hello")
    return message


def test_a_connection_is_kept_for_the_next_message_and_reopened_when_the_relay_closed_it(smtp_server: SmtpServer) -> None:
    connections = RelayConnections(messages_per_connection=3)
    relay = _relay(smtp_server)
    for number in range(4):
        connections.submit(relay, _email(number), f"r{number}@council.example.org")
    assert smtp_server.mailbox.sessions == 2  # three messages on the first, then a fresh one

    smtp_server.stop()  # the relay goes away, and with it the open connection
    smtp_server.start()
    connections.submit(relay, _email(4), "r4@council.example.org")  # noticed before sending: reopened
    connections.close()

    assert [r.message["Subject"] for r in smtp_server.mailbox.received] == [f"digest {n}" for n in range(5)]
    assert smtp_server.mailbox.sessions == 3


def test_a_message_the_relay_refused_closes_the_connection(smtp_server: SmtpServer) -> None:
    connections = RelayConnections()
    relay = _relay(smtp_server)
    smtp_server.mailbox.refuse = {"r1@council.example.org"}
    connections.submit(relay, _email(0), "r0@council.example.org")
    with pytest.raises(RelayError, match="did not take the message: r1@council.example.org: 550"):
        connections.submit(relay, _email(1), "r1@council.example.org")
    connections.submit(relay, _email(2), "r2@council.example.org")
    connections.close()
    assert [r.message["Subject"] for r in smtp_server.mailbox.received] == ["digest 0", "digest 2"]
    assert smtp_server.mailbox.sessions == 2


# ---- the setting --------------------------------------------------------------------------------


def test_govflow_smtp_connections_sets_how_many_go_at_once(
    database_url: str, uow_factory, smtp_server: SmtpServer, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govflow import wiring
    from govflow.errors import SettingsError
    from govflow.settings import Settings

    assert Settings(data_dir=tmp_path).smtp_connections == 4
    for bad in ("0", "16", "four"):
        monkeypatch.setenv("GOVFLOW_SMTP_CONNECTIONS", bad)
        with pytest.raises(SettingsError, match="GOVFLOW_SMTP_CONNECTIONS"):
            Settings(data_dir=tmp_path)
    monkeypatch.setenv("GOVFLOW_SMTP_CONNECTIONS", "2")
    settings = Settings(data_dir=tmp_path, database_url=database_url, smtp_url=smtp_server.url())
    assert settings.smtp_connections == 2

    people = _owed(uow_factory, 8)
    smtp_server.mailbox.reply_delay = 0.5
    report = wiring.send_pending_reminders(settings, wiring.clock())

    assert (report.sent, report.failed) == (8, 0)
    assert Counter(a for r in smtp_server.mailbox.received for a in r.rcpt_tos) == {p.email: 1 for p in people}
    assert smtp_server.mailbox.most_in_flight == 2
