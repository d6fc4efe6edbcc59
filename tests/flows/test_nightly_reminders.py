"""The nightly flow, through Prefect, emails the Southend owners their reminder digests through a real
SMTP server (aiosmtpd on 127.0.0.1) via apprise, once; and two nights run at once on PostgreSQL
deliver every reminder exactly once."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from flows.nightly import NightlyParameters, nightly
from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
from govflow import wiring
from govflow.services.night_planning import run_nightly
from govflow.settings import Settings
from notifications.outbox import send_pending

NIGHT = dt.date(2022, 3, 11)  # 14 working days before the end of March: every "March" action is reminded
# Seed 002's "March" actions, by owner (examples/southend/peer-review-plan.csv).
MARCH_ACTIONS = {
    "ak@southend.example.org": ["Research, review and report on current processes to CSIB"],
    "ap@southend.example.org": ["New pathway document reviewed and redrafted and consulted on by CWD team"],
    "apd@southend.example.org": ["Other authorities experiences and approach to trauma Informed practice researched"],
    "bm@southend.example.org": ["Incremental training programme devised in conjunction with member services", "Training delivery confirmed"],
    "cmc@southend.example.org": ["Roadmap reviewed and revised to includes clear timelines and outcomes"],
    "lm@southend.example.org": ["Review undertaken of data and process mapping for panel assessment and procedures"],
    "gb@southend.example.org": [
        "Training programme for area, including members established",
        "Relevant officers and members identified and invited",
        "Parent groups consulted",
        "Work with parent groups to co-produce new training for area staff on Neurodiversity",
        "Audit workshop to identify issues from parents perspective takes place",
    ],
}


def test_the_nightly_flow_emails_one_digest_per_owner_and_never_twice(prefect_api_url, southend_database, smtp_server, monkeypatch):
    monkeypatch.setenv("GOVFLOW_SMTP_URL", smtp_server.url())
    summary = nightly(NightlyParameters(as_of=NIGHT))
    assert summary["digests_sent"] == len(smtp_server.mailbox.received) > 0

    received = smtp_server.mailbox.received
    by_address = {}
    for message in received:
        (address,) = message.rcpt_tos
        assert address not in by_address, f"two messages for {address}"
        by_address[address] = message
    assert set(MARCH_ACTIONS) <= set(by_address)
    for address, actions in MARCH_ACTIONS.items():
        message = by_address[address]
        text, html = message.part("text/plain"), message.part("text/html")
        assert str(message.message["Subject"]).startswith("govflow: ")
        assert "31 Mar 2022" in str(message.message["Subject"])
        for action in actions:
            assert action in text and action in html.replace("&#39;", "'"), (address, action)
        assert "SEND Peer Review Recommendations" in text
        assert "March" in text and "Thursday 31 March 2022" in text
        assert "in 14 working days" in text

    again = nightly(NightlyParameters(as_of=NIGHT))
    assert again["nights"] == [] and again["digests_sent"] == 0
    assert len(smtp_server.mailbox.received) == len(received)


def test_two_nightly_runs_at_once_on_postgresql_deliver_every_reminder_exactly_once(database_url, southend_database, smtp_server):
    if not database_url.startswith("postgresql"):
        pytest.skip("two writers at once is PostgreSQL's case; SQLite has one writer")
    settings = Settings(database_url=database_url, smtp_url=smtp_server.url(), data_dir="unused")
    smtp_server.mailbox.reply_delay = 0.05  # so the two senders overlap
    errors = []

    def one_night():
        engine = make_engine(database_url)
        factory = make_session_factory(engine)
        try:
            run_nightly(lambda: SqlUnitOfWork(factory), NIGHT, dt.datetime.now(dt.timezone.utc))
            send_pending(lambda: SqlUnitOfWork(factory), wiring.sender(settings, wiring.clock()), dt.datetime.now(dt.timezone.utc))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            engine.dispose()

    runs = [threading.Thread(target=one_night) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=120)
    assert not errors, errors

    addresses = [m.rcpt_tos[0] for m in smtp_server.mailbox.received]
    assert sorted(addresses) == sorted(set(addresses)), "someone got two digests"
    assert set(MARCH_ACTIONS) <= set(addresses)
    engine = make_engine(database_url)
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        pending = uow.outbox.list(status="pending")
        sent = uow.outbox.list(status="sent")
    engine.dispose()
    assert pending == []
    keys = [r.key for m in sent for r in m.reminders]
    assert len(keys) == len(set(keys)) > 0  # every reminder in exactly one sent message


def test_a_caught_up_night_says_in_each_digest_which_reminders_are_late_and_from_when(
    prefect_api_url, southend_database, smtp_server, monkeypatch
):
    """Issue 14, point 9: the nightly ran on Friday 4 March 2022, then not again until Friday 11
    March. The reminders of the nights it missed go out that night, said to be late, from when."""
    monkeypatch.setenv("GOVFLOW_SMTP_URL", smtp_server.url())
    nightly(NightlyParameters(as_of=dt.date(2022, 3, 4)))
    before = len(smtp_server.mailbox.received)
    summary = nightly(NightlyParameters(as_of=NIGHT))
    assert len(summary["nights"]) == 7 and summary["digests_sent"] == len(smtp_server.mailbox.received) - before > 0
    tonight = {m.rcpt_tos[0]: m for m in smtp_server.mailbox.received[before:]}

    # The board secretary's only reminder was owed on Monday 7 March (an escalation of the October
    # SSPB paper): the digest is as of Friday, and says the reminder is late and from when.
    secretary = tonight["democratic.services@southend.example.org"]
    text, html = secretary.part("text/plain"), secretary.part("text/html")
    assert str(secretary.message["Subject"]).endswith(", 1 reminder late")
    for part in (text, html):
        assert "(as of Friday 11 March 2022)" in part
        assert "One reminder below is late: it was owed on Monday 7 March 2022 and not sent that night." in part
    assert "Late: owed Monday 7 March 2022 (escalated to you: overdue and not yet done)" in text

    # AK's digest has tonight's reminder (on time) and Monday's (late): only Monday's says so.
    ak = tonight["ak@southend.example.org"].part("text/plain")
    assert "One reminder below is late: it was owed on Monday 7 March 2022" in ak
    assert ak.count("Late: owed") == 1 and "Late: owed Monday 7 March 2022 (overdue, reminder 5)" in ak
    assert "in 14 working days" in ak  # counted from tonight

    # Whoever had nothing owed on the missed nights gets a digest that says nothing of lateness.
    lm = tonight["lm@southend.example.org"]
    assert "late" not in str(lm.message["Subject"]) and "Late:" not in lm.part("text/plain")
