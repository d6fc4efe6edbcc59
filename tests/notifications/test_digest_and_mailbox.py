"""The digest a person gets (grouping, order, subject, both parts) and the mailbox folder sender,
which writes it as an .eml file with our own text and HTML parts."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from dataclasses import replace
from pathlib import Path

import pytest

from governance_model.model import Person
from notifications.delivery import MailboxSender, make_sender
from notifications.digest import EmptyDigest, build_digest, describe_rule, long_date, short_date
from notifications.outbox import send_pending
from tests.fakes import FakeUnitOfWork
from tests.notifications.support import NIGHT, NOW, PEOPLE, consultation_reminders, reminder, three_people_reminders


def calendar_days(deadline: dt.date, night: dt.date) -> str:
    return f"{(deadline - night).days:+d} days"


def gb_digest(**options):
    reminders = [r for r in three_people_reminders() if r.recipient == "GB"]
    return build_digest(PEOPLE["GB"], reminders, **options)


def test_a_digest_groups_overdue_first_then_by_deadline() -> None:
    digest = gb_digest(describe=calendar_days, key="message-7")
    assert digest.subject == "govflow: 3 items for GB — 1 overdue, next due 15 Mar 2022"
    assert [i.title for i in digest.items] == [
        "Agree the outcomes framework with health partners",
        "Sign-off at SSPB",
        "Cabinet decision",
    ]
    assert [i.deadline_words for i in digest.items] == ["-6 days", "+5 days", "+41 days"]
    assert (digest.overdue, digest.next_due, digest.night, digest.key) == (1, dt.date(2022, 3, 15), NIGHT, "message-7")
    text = digest.text
    assert text.index("Overdue (1)") < text.index("Agree the outcomes") < text.index("Coming up (2)")
    assert 'As written: "TBC April 22"' in text
    assert "Board:      Cabinet" in text


def test_the_deadline_is_described_in_working_days_by_default() -> None:
    digest = gb_digest()
    assert [i.deadline_words for i in digest.items] == ["4 working days overdue", "in 3 working days", "in 27 working days"]
    assert [i.deadline_long for i in digest.items] == [
        "Friday 4 March 2022",
        "Tuesday 15 March 2022",
        "Wednesday 20 April 2022",
    ]


def test_the_html_part_is_escaped_and_structured() -> None:
    tricky = reminder("GB", "step:x/1", "Papers <b>now</b> & later", dt.date(2022, 3, 15), when_text='"15th" <March>')
    digest = build_digest(PEOPLE["GB"], [tricky])
    assert "Papers &lt;b&gt;now&lt;/b&gt; &amp; later" in digest.html
    assert "&#34;15th&#34; &lt;March&gt;" in digest.html
    assert "<b>now</b>" not in digest.html
    assert "Papers <b>now</b> & later" in digest.text  # plain text is not HTML-escaped
    assert '<html lang="en-GB">' in digest.html and "<h1" in digest.html and "<h2" in digest.html
    assert digest.subject == "govflow: 1 item for GB — next due 15 Mar 2022"


def test_an_item_reminded_twice_shows_once_with_its_latest_reminder() -> None:
    before = reminder("GB", "step:a/1", "Sign-off", dt.date(2022, 3, 15), rule="before-7", night=dt.date(2022, 3, 4))
    again = reminder("GB", "step:a/1", "Sign-off", dt.date(2022, 3, 15), rule="before-2", night=NIGHT)
    digest = build_digest(PEOPLE["GB"], [again, before], describe=calendar_days)
    assert [(i.title, i.rule) for i in digest.items] == [("Sign-off", "before-2")]
    assert set(digest.reminder_keys) == {before.key, again.key}  # both go out, so both are marked sent
    assert digest.night == NIGHT


def test_a_window_says_when_it_opens_and_when_it_closes() -> None:
    opening, before_14 = consultation_reminders()
    digest = build_digest(PEOPLE["GB"], [opening])
    (item,) = digest.items
    assert (item.opens, item.deadline, item.rule_words) == (dt.date(2022, 1, 4), dt.date(2022, 2, 28), "its window opens")
    assert item.window_words == "opens Tuesday 4 January 2022, closes Monday 28 February 2022"
    assert (
        "1. Wider public consultation on final draft Strategy\n"
        "   For:        SEND Strategy 2021-24\n"
        "   Board:      none\n"
        "   Window:     opens Tuesday 4 January 2022, closes Monday 28 February 2022\n"
        "   Due:        Monday 28 February 2022 (in 39 working days)\n"
        '   As written: "One month Jan/Feb 22"\n'
        "   Why now:    its window opens\n"
    ) in digest.text
    assert "<li>Window: opens Tuesday 4 January 2022, closes Monday 28 February 2022</li>" in digest.html
    assert digest.subject == "govflow: 1 item for GB — next due 28 Feb 2022"  # the deadline is the close
    # later, once open: "opened"; an item with no window has no Window line
    later = build_digest(PEOPLE["GB"], [before_14, reminder("GB", "step:x/1", "Sign-off", dt.date(2022, 3, 1), night=before_14.night)])
    assert "Window:     opened Tuesday 4 January 2022, closes Monday 28 February 2022\n" in later.text
    assert later.text.count("Window:") == 1 and later.html.count("<li>Window:") == 1


def test_a_window_opening_on_a_notice_day_shows_once_with_both_reasons() -> None:
    opening, before_14 = consultation_reminders()
    same_night = reminder(
        "GB", opening.item.key, opening.item.title, opening.item.deadline, context=opening.item.context, body_code=None,
        when_text=opening.item.when_text, rule="before-14", night=opening.night, opens=opening.item.opens,
    )
    digest = build_digest(PEOPLE["GB"], [same_night, opening])
    (item,) = digest.items
    assert item.rule_words == "its window opens; 14 working days' notice"
    assert set(digest.reminder_keys) == {opening.key, same_night.key}


def test_a_caught_up_digest_says_which_reminders_are_late_and_from_when() -> None:
    """Issue 14, point 9: the nightly missed Monday to Thursday and caught up on Friday 11 March."""
    friday = dt.date(2022, 3, 11)
    missed = reminder("GB", "step:a/1", "Sign-off at SSPB", dt.date(2022, 3, 15), rule="before-7", night=dt.date(2022, 3, 7))
    also = reminder("GB", "step:a/2", "Report to HWBB", dt.date(2022, 3, 21), rule="before-7", night=dt.date(2022, 3, 10))
    tonight = reminder("GB", "step:a/1", "Sign-off at SSPB", dt.date(2022, 3, 15), rule="before-2", night=friday)
    caught_up = [replace(missed, caught_up_on=friday), replace(also, caught_up_on=friday), tonight]
    digest = build_digest(PEOPLE["GB"], caught_up)
    assert digest.night == friday  # as of the night it goes out, not of its latest reminder
    assert digest.subject == "govflow: 2 items for GB — next due 15 Mar 2022, 2 reminders late"
    for part in (digest.text, digest.html):
        assert "(as of Friday 11 March 2022)" in part
        assert "2 reminders below are late: owed from Monday 7 March 2022, they were not sent on the nights they were owed" in part
    sign_off, hwbb = digest.items
    assert sign_off.rule_words == "2 working days' notice"  # tonight's, and the late one besides
    assert sign_off.late_words == "owed Monday 7 March 2022 (7 working days' notice)"
    assert (hwbb.deadline_words, hwbb.late_words) == ("in 6 working days", "owed Thursday 10 March 2022 (7 working days' notice)")
    assert "   Late:       owed Thursday 10 March 2022 (7 working days' notice)\n" in digest.text
    assert "<li>Late: owed Monday 7 March 2022 (7 working days&#39; notice)</li>" in digest.html
    # Only late reminders: still as of the night of the run that caught up with them.
    (alone,) = build_digest(PEOPLE["GB"], caught_up[1:2]).items
    assert alone.deadline_words == "in 6 working days"
    assert "One reminder below is late: it was owed on Thursday 10 March 2022 and not sent that night." in build_digest(PEOPLE["GB"], caught_up[1:2]).text


def test_a_digest_on_time_says_nothing_of_late_reminders() -> None:
    digest = gb_digest()
    assert "late" not in digest.subject and "late" not in digest.text.lower() and all(not i.late_words for i in digest.items)


def test_a_digest_needs_reminders_for_its_own_person() -> None:
    with pytest.raises(EmptyDigest):
        build_digest(PEOPLE["GB"], [])
    with pytest.raises(Exception, match="cannot hold reminders for BM"):
        build_digest(PEOPLE["GB"], three_people_reminders())


def test_dates_and_rules_in_words() -> None:
    assert long_date(dt.date(2022, 3, 15)) == "Tuesday 15 March 2022"
    assert short_date(dt.date(2022, 3, 5)) == "5 Mar 2022"
    assert describe_rule("before-7") == "7 working days' notice"
    assert describe_rule("before-1") == "1 working day's notice"
    assert describe_rule("overdue-3") == "overdue, reminder 3"
    assert describe_rule("escalation-1").startswith("escalated to you")
    assert describe_rule("opens") == "its window opens"
    assert describe_rule("papers-deadline") == "papers deadline for the meeting"
    assert describe_rule("papers-before-7") == "7 working days' notice of the papers deadline"
    assert describe_rule("papers-before-1") == "1 working day's notice of the papers deadline"


def test_the_mailbox_sender_writes_parseable_eml_with_both_parts(tmp_path: Path) -> None:
    folder = tmp_path / "mailbox"
    sender = MailboxSender(folder, clock=lambda: NOW)
    digest = gb_digest(key="message-7")
    sender.send(PEOPLE["GB"], digest)
    sender.send(PEOPLE["GB"], digest)  # again (a retry after a crash): the same file, not a second one

    (path,) = folder.iterdir()
    assert path.name == "2022-03-10-GB-message-7.eml"
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == digest.subject
    assert message["To"] == "Gill Brown <gb@council.example.org>"
    assert message["Date"] == "Thu, 10 Mar 2022 23:30:00 +0000"
    # the sender's domain (govflow@localhost), and the same on the resend: see test_outbox_delivery
    assert re.fullmatch(r"<message-7\.[0-9a-f]{16}@govflow\.localhost>", message["Message-ID"])
    assert message["Message-ID"] == digest.message_id("localhost")
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == digest.text
    assert message.get_body(("html",)).get_content().replace("\r\n", "\n") == digest.html
    assert b"\r\n" in path.read_bytes()  # RFC 5322 line ends


def test_a_person_without_an_address_still_gets_an_eml(tmp_path: Path) -> None:
    person = Person("XY", "Ex Why")
    digest = build_digest(person, [reminder("XY", "step:a/1", "Sign-off", dt.date(2022, 3, 15))])
    MailboxSender(tmp_path, clock=lambda: NOW).send(person, digest)
    (path,) = tmp_path.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "undisclosed-recipients:;"
    assert message["X-Govflow-Recipient"] == "XY"


def test_with_nothing_configured_the_outbox_fills_the_mailbox_folder(tmp_path: Path) -> None:
    sender = make_sender(None, None, tmp_path / "mailbox", clock=lambda: NOW)
    assert isinstance(sender, MailboxSender)
    uow = FakeUnitOfWork()
    with uow:
        for person in PEOPLE.values():
            uow.people.save(person)
        uow.outbox.queue(three_people_reminders())
        uow.commit()
    report = send_pending(lambda: uow, sender, NOW, connections=1)  # the fake: one transaction at a time
    assert (report.sent, report.failed) == (3, 0)
    names = sorted(p.name for p in (tmp_path / "mailbox").iterdir())
    assert names == ["2022-03-10-BM-message-2.eml", "2022-03-10-GB-message-1.eml", "2022-03-10-LM-message-3.eml"]
    assert send_pending(lambda: uow, sender, NOW, connections=1).sent == 0
