"""Issue 17's acceptance, for Done: the nightly queues GB's reminder, it goes through a real SMTP relay
with its answer links, the test follows the Done link from the email against the app `govflow serve`
runs, confirms, and the step is done as GB's (the audit names GB and the link), and the next nights
send no reminder for it."""
from __future__ import annotations

import datetime as dt
import re
from html import unescape

import httpx
import pytest

from govflow import wiring
from govflow.clock import FixedClock
from govflow.services import file_loading
from govflow.services.night_planning import run_nightly
from govflow.settings import Settings
from govflow.web.app import create_app
from govflow.web.reports import report_routes
from govflow.web.serve import run_in_thread
from tests.integration.test_answer_pages import SOUTHEND, STRATEGY
from tests.notifications.conftest import smtp_server  # noqa: F401 - the fixture: aiosmtpd on 127.0.0.1

pytestmark = pytest.mark.database

KEY = "southend-answer-key-" + "z" * 24
NIGHT = dt.date(2021, 10, 4)  # two working days before the SSPB of 6 October 2021: GB's "share-sspb" reminder
NOW = dt.datetime(2021, 10, 4, 21, 0, tzinfo=dt.timezone.utc)
STEP = f"step:{STRATEGY}/share-sspb"


def reminded(uow_factory, item_key: str) -> list[tuple[str, dt.date]]:
    with uow_factory() as uow:
        return [(r.rule, r.night) for m in uow.outbox.list() for r in m.reminders if r.item.key == item_key]


def test_gb_answers_done_from_the_email_and_the_next_night_does_not_chase_it(database_url, uow_factory, smtp_server, tmp_path):  # noqa: F811
    file_loading.load_files([SOUTHEND], uow_factory())
    run_nightly(uow_factory, NIGHT, NOW)
    assert reminded(uow_factory, STEP) == [("before-2", NIGHT)]
    (tmp_path / "feeds").mkdir()
    def settings(url: str, **more) -> Settings:  # as `govflow serve` and the nightly read them from the environment
        return Settings(data_dir=tmp_path, database_url=database_url, answer_key=KEY, serve_as_of=NIGHT, public_url=url, **more)

    with run_in_thread(lambda url: create_app(tmp_path / "feeds", url, report_routes(settings(url)))) as url:
        sending = settings(url, smtp_url=smtp_server.url())
        report = wiring.send_pending_reminders(sending, FixedClock(NOW + dt.timedelta(minutes=5)))
        assert (report.sent, report.failed) == (1, 0)
        (email,) = smtp_server.mailbox.received
        text, html = email.part("text/plain"), email.part("text/html")
        done_links = re.findall(r"Done: (\S+)", text)
        assert len(done_links) == 1 and done_links[0].startswith(f"{url}/answer/") and done_links[0].endswith("?do=done")
        assert f'href="{done_links[0]}"' in unescape(html)
        assert re.search(r"Add an update: \S+\?do=update", text) and re.search(r"It will be late: \S+\?do=late", text)

        with httpx.Client(timeout=30) as browser:
            page = browser.get(done_links[0])
            assert page.status_code == 200 and "This is GB's item" in unescape(page.text)
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
            confirmed = browser.post(done_links[0].split("?")[0], data={"answer": "done", "csrf": csrf, "note": "shared with the board"})
            assert confirmed.status_code == 200 and "Recorded as GB's answer, via GB's link" in unescape(confirmed.text)

    with uow_factory() as uow:
        step = next(s for s in uow.documents.get(STRATEGY).route.steps if s.key == "share-sspb")
        (event,) = uow.audit.list(subject=f"{STRATEGY}/share-sspb", kind="step.done")
    assert step.done_on == NIGHT
    assert (event.actor, event.reason) == ("GB", "done, via GB's reminder link: shared with the board")

    run_nightly(uow_factory, dt.date(2021, 10, 6), NOW + dt.timedelta(days=2))  # its on-the-day night, had it not been done
    assert reminded(uow_factory, STEP) == [("before-2", NIGHT)]


def test_gb_adds_an_update_and_says_it_will_be_late_from_the_email_and_the_route_and_feeds_move(database_url, uow_factory, smtp_server, tmp_path, check_ics):  # noqa: F811
    from govflow.services.feed_publishing import publish

    file_loading.load_files([SOUTHEND], uow_factory())
    run_nightly(uow_factory, NIGHT, NOW)
    feeds = tmp_path / "feeds"
    feeds.mkdir()

    def document_feed() -> str:
        published = publish(uow_factory, feeds, NIGHT, NOW, "https://govflow.example.org")
        return next(f.file for f in published if f.file.name == f"{STRATEGY}.ics").read_text(encoding="utf-8").replace("\r\n ", "")

    def event(feed: str, step_key: str) -> tuple[str, int]:
        for block in feed.split("BEGIN:VEVENT")[1:]:
            uid = re.search(r"^UID:(.*)$", block, re.M).group(1).strip()
            if uid.startswith("step-") and step_key in uid:
                sequence = re.search(r"^SEQUENCE:(\d+)", block, re.M)
                return uid, int(sequence.group(1)) if sequence else 0
        raise AssertionError(f"no event of step {step_key}")

    def forecast(step_key: str) -> dt.date:
        with uow_factory() as uow:
            return next(f.date for f in uow.documents.list_forecasts(STRATEGY) if f.step_key == step_key)

    before = document_feed()
    uid, sequence = event(before, "share-sspb")
    follower_before = forecast("final-feedback")

    def settings(url: str, **more) -> Settings:
        return Settings(data_dir=tmp_path, database_url=database_url, answer_key=KEY, serve_as_of=NIGHT, public_url=url, **more)

    with run_in_thread(lambda url: create_app(feeds, url, report_routes(settings(url)))) as url:
        report = wiring.send_pending_reminders(settings(url, smtp_url=smtp_server.url()), FixedClock(NOW + dt.timedelta(minutes=5)))
        assert (report.sent, report.failed) == (1, 0)
        (email,) = smtp_server.mailbox.received
        text = email.part("text/plain")
        (update_link,) = re.findall(r"Add an update: (\S+)", text)
        (late_link,) = re.findall(r"It will be late: (\S+)", text)
        with httpx.Client(timeout=30) as browser:
            page = browser.get(update_link)
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
            stored = browser.post(update_link.split("?")[0], data={
                "answer": "update", "csrf": csrf, "done": "Version 11 circulated", "difference": "", "to_develop": "", "next_steps": "Share at SSPB",
            })
            assert stored.status_code == 200, stored.text
            preview = browser.get(f"{late_link}&when=end+of+October&note=the+board+papers+slipped")
            assert "Sunday 31 October 2021" in unescape(preview.text)
            csrf = re.search(r'name="csrf" value="([^"]+)"', preview.text).group(1)
            late = browser.post(late_link.split("?")[0], data={"answer": "late", "csrf": csrf, "when": "end of October", "note": "the board papers slipped"})
            assert late.status_code == 200, late.text

    with uow_factory() as uow:
        (updated,) = uow.audit.list(subject=f"{STRATEGY}/share-sspb", kind="step.updated")
        (expected,) = uow.audit.list(kind="step.expected_late")
    assert updated.actor == "GB" and updated.details["done"] == ["Version 11 circulated"]
    assert expected.actor == "GB" and "via GB's reminder link: the board papers slipped" in expected.reason
    # The step now waits for the SSPB after 31 October (6 January), and the steps after it move too.
    assert forecast("share-sspb") == dt.date(2022, 1, 6)
    assert forecast("final-feedback") > follower_before
    after = document_feed()
    moved_uid, moved_sequence = event(after, "share-sspb")
    assert moved_uid == uid and moved_sequence > sequence  # calendars update the event in place
    assert check_ics(feeds / "document" / f"{STRATEGY}.ics", "--strict").returncode == 0


def test_where_the_board_asks_its_secretary_gbs_done_waits_and_the_secretary_confirms_it_from_their_digest(database_url, uow_factory, smtp_server, tmp_path):  # noqa: F811
    from tests.integration.test_owner_answers import confirming_setup

    (tmp_path / "setup").mkdir()
    file_loading.load_files([confirming_setup(tmp_path / "setup")], uow_factory())
    run_nightly(uow_factory, NIGHT, NOW)
    (tmp_path / "feeds").mkdir()

    def settings(url: str, **more) -> Settings:
        return Settings(data_dir=tmp_path, database_url=database_url, answer_key=KEY, serve_as_of=NIGHT, public_url=url, **more)

    def answer(browser, link: str, **fields) -> httpx.Response:
        page = browser.get(link)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        return browser.post(link.split("?")[0], data={"csrf": csrf, **fields})

    with run_in_thread(lambda url: create_app(tmp_path / "feeds", url, report_routes(settings(url)))) as url, httpx.Client(timeout=30) as browser:
        sending = settings(url, smtp_url=smtp_server.url())
        wiring.send_pending_reminders(sending, FixedClock(NOW + dt.timedelta(minutes=5)))
        (to_gb,) = smtp_server.mailbox.received
        (done_link,) = re.findall(r"Done: (\S+)", to_gb.part("text/plain"))
        answered = answer(browser, done_link, answer="done", note="shared with the board")
        assert answered.status_code == 200 and "awaiting the confirmation of the board's secretary" in unescape(answered.text)
        with uow_factory() as uow:
            assert next(s for s in uow.documents.get(STRATEGY).route.steps if s.key == "share-sspb").done_on is None  # not yet

        # The next night the board's secretary (SEC) is asked to confirm it, with a link of their own.
        run_nightly(uow_factory, dt.date(2021, 10, 5), NOW + dt.timedelta(days=1))
        wiring.send_pending_reminders(sending, FixedClock(NOW + dt.timedelta(days=1, minutes=5)))
        to_sec = next(m for m in smtp_server.mailbox.received if "democratic.services@" in m.to)
        text = to_sec.part("text/plain")
        assert "Answers awaiting your confirmation" in text
        (confirm_link,) = re.findall(r"Confirm it is done: (\S+)", text)
        assert "This is GB's item" not in unescape(browser.get(confirm_link).text)  # the secretary's own link
        confirmed = answer(browser, confirm_link, answer="done", note="minuted")
        assert confirmed.status_code == 200, confirmed.text

    with uow_factory() as uow:
        step = next(s for s in uow.documents.get(STRATEGY).route.steps if s.key == "share-sspb")
        (event,) = uow.audit.list(kind="answer.confirmed")
    assert step.done_on == NIGHT  # the day GB said it was done
    assert event.actor == "SEC" and "via SEC's reminder link" in event.reason
