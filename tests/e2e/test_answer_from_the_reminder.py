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
