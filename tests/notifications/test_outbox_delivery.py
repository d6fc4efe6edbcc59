"""The outbox end to end: reminders queued in the database (SQLite and PostgreSQL), sent by
`send_pending` through apprise to a real SMTP server on 127.0.0.1, and read back from what that
server received. No mocked sender here.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from apprise.conversion import html_to_text

from governance_model.model import Person
from governance_model.reminders import Reminder
from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
from notifications.delivery import ApprisePersonSender
from notifications.outbox import send_pending
from tests.notifications.support import (
    NOW,
    PEOPLE,
    SmtpServer,
    consultation_reminders,
    messages,
    queue,
    save_people,
    three_people_reminders,
)

ROOT = Path(__file__).resolve().parents[2]


def test_one_digest_per_person_with_every_item_in_both_parts(uow_factory, smtp_server: SmtpServer) -> None:
    save_people(uow_factory)
    reminders = three_people_reminders()
    assert queue(uow_factory, reminders) == 6

    report = send_pending(uow_factory, ApprisePersonSender(smtp_server.url()), NOW)

    assert (report.sent, report.failed, report.errors) == (3, 0, [])
    mailbox = smtp_server.mailbox
    assert len(mailbox.received) == 3
    assert Counter(address for r in mailbox.received for address in r.rcpt_tos) == {
        "gb@council.example.org": 1,
        "bm@council.example.org": 1,
        "lm@council.example.org": 1,
    }
    gb = mailbox.to("gb@council.example.org")[0]
    assert gb.message["Subject"] == "govflow: 3 items for GB — 1 overdue, next due 15 Mar 2022"
    assert gb.mail_from == "govflow@council.example.org"
    assert gb.message.get_content_type() == "multipart/alternative"
    assert mailbox.to("bm@council.example.org")[0].message["Subject"] == "govflow: 2 items for BM — next due 15 Mar 2022"
    assert mailbox.to("lm@council.example.org")[0].message["Subject"] == "govflow: 1 item for LM — 1 overdue"

    for received in mailbox.received:
        text, html = received.part("text/plain"), received.part("text/html")
        mine = [r for r in reminders if PEOPLE[r.recipient].email in received.rcpt_tos]
        for r in mine:
            for part in (text, html_to_text(html)):
                assert r.item.title in part
                assert r.item.context in part
                assert r.item.when_text in part
                assert (r.item.body_code or "none") in part
        assert "<h3" in html and "<ul" in html  # each item a heading with a list of its details

    # Overdue first, then by deadline; dates in full and in working days.
    text = gb.part("text/plain")
    order = [text.index(t) for t in ("Agree the outcomes framework", "Sign-off at SSPB", "Cabinet decision")]
    assert order == sorted(order)
    assert "Friday 4 March 2022 (4 working days overdue)" in text
    assert "Tuesday 15 March 2022 (in 3 working days)" in text

    for message in messages(uow_factory):
        assert message.status == "sent"
        assert message.sent_at == NOW
        assert message.attempts == 1


def test_a_window_goes_out_saying_when_it_opens_and_when_it_closes(uow_factory, smtp_server: SmtpServer) -> None:
    # Through the database (reminders.opens) and apprise to the SMTP server: the night it opens.
    save_people(uow_factory)
    opening, _ = consultation_reminders()
    assert queue(uow_factory, [opening]) == 1
    assert send_pending(uow_factory, ApprisePersonSender(smtp_server.url()), NOW).sent == 1
    (received,) = smtp_server.mailbox.received
    assert received.message["Subject"] == "govflow: 1 item for GB — next due 28 Feb 2022"
    words = "opens Tuesday 4 January 2022, closes Monday 28 February 2022"
    # the text part is apprise's own reading of the HTML part
    assert f"<li>Window: {words}</li>" in received.part("text/html")
    assert f"Window: {words}" in received.part("text/plain")
    assert "Why now: its window opens" in received.part("text/plain")
    assert queue(uow_factory, [opening]) == 0  # the same key: never owed twice


def test_sending_or_queueing_again_sends_nothing(uow_factory, smtp_server: SmtpServer) -> None:
    save_people(uow_factory)
    queue(uow_factory, three_people_reminders())
    sender = ApprisePersonSender(smtp_server.url())
    assert send_pending(uow_factory, sender, NOW).sent == 3

    again = send_pending(uow_factory, sender, NOW + dt.timedelta(hours=1))
    assert (again.sent, again.failed) == (0, 0)

    assert queue(uow_factory, three_people_reminders()) == 0
    assert send_pending(uow_factory, sender, NOW + dt.timedelta(days=1)).sent == 0
    assert len(smtp_server.mailbox.received) == 3
    assert len(messages(uow_factory)) == 3


def test_smtp_down_keeps_messages_pending_until_the_server_is_back(uow_factory, smtp_server: SmtpServer) -> None:
    save_people(uow_factory)
    queue(uow_factory, three_people_reminders())
    sender = ApprisePersonSender(smtp_server.url())
    smtp_server.stop()

    down = send_pending(uow_factory, sender, NOW)

    assert (down.sent, down.failed) == (0, 3)
    for message in messages(uow_factory):
        assert message.status == "pending"
        assert message.attempts == 1
        assert message.next_attempt_at == NOW + dt.timedelta(minutes=5)
        assert "Connection refused" in message.last_error
        assert "127.0.0.1" in message.last_error
    assert all("Connection refused" in error for error in down.errors)

    smtp_server.start()
    too_soon = send_pending(uow_factory, sender, NOW + dt.timedelta(minutes=4))
    assert (too_soon.sent, too_soon.failed) == (0, 0)

    back = send_pending(uow_factory, sender, NOW + dt.timedelta(minutes=6))
    assert (back.sent, back.failed) == (3, 0)
    assert send_pending(uow_factory, sender, NOW + dt.timedelta(hours=1)).sent == 0
    assert sorted(a for r in smtp_server.mailbox.received for a in r.rcpt_tos) == sorted(
        p.email for p in PEOPLE.values()
    )
    assert {m.status for m in messages(uow_factory)} == {"sent"}


def test_a_failed_send_backs_off_further_each_time(uow_factory, smtp_server: SmtpServer) -> None:
    save_people(uow_factory, [PEOPLE["GB"]])
    queue(uow_factory, [r for r in three_people_reminders() if r.recipient == "GB"])
    sender = ApprisePersonSender(smtp_server.url())
    smtp_server.stop()
    now, waits = NOW, []
    for _ in range(9):
        send_pending(uow_factory, sender, now)
        (message,) = messages(uow_factory)
        waits.append(message.next_attempt_at - now)
        now = message.next_attempt_at
    assert [int(w.total_seconds() // 60) for w in waits] == [5, 10, 20, 40, 80, 160, 320, 360, 360]
    assert message.attempts == 9 and message.status == "pending"


def test_a_sender_killed_mid_batch_loses_nothing_and_resends_recognisably(
    database_url: str, uow_factory, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    people = {f"P{n}": Person(f"P{n}", f"Person {n}", email=f"p{n}@council.example.org") for n in range(4)}
    save_people(uow_factory, people.values())
    queue(uow_factory, [Reminder(p, r.item, r.rule, r.night) for p in people for r in three_people_reminders()[:2]])
    mailbox = smtp_server.mailbox
    mailbox.hold_from, mailbox.hold_seconds = 3, 60.0  # the third DATA gets no answer for a minute

    env = {
        **os.environ,
        "GOVFLOW_DATABASE_URL": database_url,
        "GOVFLOW_SMTP_URL": smtp_server.url(),
        "GOVFLOW_SMTP_CONNECTIONS": "1",  # one batch: the two digests sent before the kill are in it
        "GOVFLOW_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "govflow", "send"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        mailbox.wait_for(2, alive=lambda: process.poll() is None)
        deadline = time.monotonic() + 20
        while mailbox.data_commands < 3:  # the third message is on the wire, its reply held back
            assert time.monotonic() < deadline and process.poll() is None, process.communicate()
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()

    assert process.returncode == -signal.SIGKILL
    first = {r.rcpt_tos[0]: r.message["Message-ID"] for r in mailbox.received}
    assert len(first) == 2
    # The relay took two digests; their batch was most likely not committed (it commits 2 s after
    # it began), so their messages are pending, untouched, as before the run. The held one is.
    by_email = {people[m.recipient].email: m for m in messages(uow_factory)}
    pending = {address for address, m in by_email.items() if m.status == "pending"}
    assert set(by_email) - set(first) <= pending
    assert all(by_email[a].attempts == 0 and by_email[a].last_error is None for a in pending)

    mailbox.hold_from = None
    sender = ApprisePersonSender(smtp_server.url())
    sent = 0
    for _ in range(50):  # PostgreSQL may take a moment to notice the dead connection and free its lock
        sent += send_pending(uow_factory, sender, NOW + dt.timedelta(minutes=1)).sent
        if sent == len(pending):
            break
        time.sleep(0.1)
    assert sent == len(pending)
    again = {r.rcpt_tos[0]: r.message["Message-ID"] for r in mailbox.received[2:]}
    assert set(again) == pending
    for address in pending & set(first):  # sent twice, with the same Message-ID: recognisable
        assert again[address] == first[address]
    assert {m.status for m in messages(uow_factory)} == {"sent"}


def test_a_crash_mid_batch_sends_the_whole_batch_again_with_the_same_message_ids(uow_factory, smtp_server: SmtpServer) -> None:
    people = [Person(f"P{n}", email=f"p{n}@council.example.org") for n in range(5)]
    save_people(uow_factory, people)
    (step,) = three_people_reminders()[:1]
    queue(uow_factory, [Reminder(p.initials, step.item, step.rule, step.night) for p in people])
    sender = ApprisePersonSender(smtp_server.url())

    with pytest.raises(SystemExit):  # the third digest is taken by the relay, then the process dies
        send_pending(uow_factory, _DiesAfterTheRelayAnswers(sender, after=3), NOW, connections=1, seconds_per_commit=600)
    mailbox = smtp_server.mailbox
    first = [(r.rcpt_tos[0], r.message["Message-ID"]) for r in mailbox.received]
    assert len(first) == 3
    assert Counter(m.status for m in messages(uow_factory)) == {"pending": 5}  # the batch was not committed

    assert send_pending(uow_factory, sender, NOW, connections=3).sent == 5
    again = {r.rcpt_tos[0]: r.message["Message-ID"] for r in mailbox.received[3:]}
    assert sorted(again) == sorted(p.email for p in people)
    assert all(again[address] == message_id for address, message_id in first)


def test_two_senders_at_once_deliver_every_message_exactly_once(database_url: str, uow_factory, smtp_server) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite has one writer: run one sender at a time there")
    people = [Person(f"R{n:02}", email=f"r{n:02}@council.example.org") for n in range(20)]
    save_people(uow_factory, people)
    queue(uow_factory, [Reminder(p.initials, r.item, r.rule, r.night) for p in people for r in three_people_reminders()[:1]])
    smtp_server.mailbox.reply_delay = 0.03  # long enough for the two senders to overlap
    start = threading.Barrier(2)
    reports, failures = {}, []

    def run(name: str) -> None:
        engine = make_engine(database_url)  # each sender its own engine, so its own connection
        try:
            sender = ApprisePersonSender(smtp_server.url())
            start.wait()
            session_factory = make_session_factory(engine)
            reports[name] = send_pending(lambda: SqlUnitOfWork(session_factory), sender, NOW)
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=run, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures

    assert reports["one"].sent + reports["two"].sent == 20
    assert reports["one"].sent > 0 and reports["two"].sent > 0, "the senders did not overlap"
    assert reports["one"].failed == reports["two"].failed == 0
    assert Counter(a for r in smtp_server.mailbox.received for a in r.rcpt_tos) == {p.email: 1 for p in people}
    assert {m.status for m in messages(uow_factory)} == {"sent"}


class _DiesAfterTheRelayAnswers:
    """The real sender, then the process "dies" (a BaseException, as a kill would end it): the relay
    has the digest, the outbox never records it sent."""

    def __init__(self, sender: ApprisePersonSender, after: int = 1):
        self.sender = sender
        self.left = after  # digests sent before the process dies

    def send(self, person, digest) -> None:
        self.sender.send(person, digest)
        self.left -= 1
        if not self.left:
            raise SystemExit("killed after the relay took the digest")

    def close(self) -> None:
        self.sender.close()


def test_a_digest_resent_after_a_crash_carries_the_same_message_id(uow_factory, smtp_server: SmtpServer) -> None:
    save_people(uow_factory, [PEOPLE["GB"], PEOPLE["BM"]])
    queue(uow_factory, [r for r in three_people_reminders() if r.recipient in ("GB", "BM")])
    sender = ApprisePersonSender(smtp_server.url())

    with pytest.raises(SystemExit):
        send_pending(uow_factory, _DiesAfterTheRelayAnswers(sender), NOW, connections=1)
    assert Counter(m.status for m in messages(uow_factory)) == {"pending": 2}  # BM's went out, unrecorded
    report = send_pending(uow_factory, sender, NOW + dt.timedelta(minutes=1))
    assert (report.sent, report.failed) == (2, 0)

    mailbox = smtp_server.mailbox
    first, again = mailbox.to("bm@council.example.org")  # the oldest message (BM's) went out first
    (gb,) = mailbox.to("gb@council.example.org")
    for received in (first, again, gb):
        assert len(received.message.get_all("Message-ID")) == 1, received.message.get_all("Message-ID")
        assert received.message["Message-ID"].endswith("@govflow.council.example.org>")  # the sender's domain
    assert again.message["Message-ID"] == first.message["Message-ID"]  # the resend: the relay and clients drop it
    assert gb.message["Message-ID"] != first.message["Message-ID"]


def test_every_other_digest_carries_a_message_id_of_its_own(uow_factory, smtp_server: SmtpServer) -> None:
    save_people(uow_factory, [PEOPLE["GB"]])
    gb = [r for r in three_people_reminders() if r.recipient == "GB"]
    queue(uow_factory, gb[:1])
    sender = ApprisePersonSender(smtp_server.url())

    # The process dies after the relay took GB's digest; meanwhile the next reminder joins the same
    # outbox message, so the resend shows more: a different digest, a different Message-ID.
    with pytest.raises(SystemExit):
        send_pending(uow_factory, _DiesAfterTheRelayAnswers(sender), NOW, connections=1)
    queue(uow_factory, gb[1:2])
    assert send_pending(uow_factory, sender, NOW).sent == 1
    # The next night: a new outbox message.
    queue(uow_factory, [Reminder(r.recipient, r.item, r.rule, r.night + dt.timedelta(days=1)) for r in gb[2:]])
    assert send_pending(uow_factory, sender, NOW + dt.timedelta(days=1)).sent == 1

    ids = [r.message["Message-ID"] for r in smtp_server.mailbox.received]
    assert len(ids) == 3 and len(set(ids)) == 3, ids
    message_ids = [m.id for m in messages(uow_factory)]
    assert [i.split(".")[0] for i in ids] == [f"<message-{message_ids[0]}"] * 2 + [f"<message-{message_ids[1]}"]
