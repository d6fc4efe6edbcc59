"""Issue 17, 3: the pages behind a digest's answer links, on a real uvicorn over each database. GET
shows the item and whose it is and changes nothing; a POST changes data only with the page's CSRF
token and its cookie; a used, expired, changed or other person's link is refused with a clear page
and changes nothing; a link takes five POSTs at most; an exempt item's page names nothing; the pages
pass axe."""
from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path

import httpx
import pytest

from governance_model.publication import EXEMPT_ITEM
from govflow.services import file_loading
from govflow.web.app import create_app
from govflow.web.reports import ReportRoutes
from govflow.web.serve import run_in_thread
from notifications.answer_links import AnswerClaim, AnswerSigner

pytestmark = pytest.mark.database

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
STRATEGY = "send-strategy-2021-24"
PLAN = "send-peer-review-recommendations-high-level-implementation-plan-draft-1"
KEY = "test-answer-key-" + "x" * 24
D = dt.date.fromisoformat
TODAY = D("2022-03-10")
NOW = dt.datetime(2022, 3, 10, 9, 30, tzinfo=dt.timezone.utc)
SIGNER = AnswerSigner(KEY)


def link(item_key: str, who: str = "GB", *, expires: str = "2022-03-24", council: str = "default", signer: AnswerSigner = SIGNER) -> str:
    return "/answer/" + signer.sign(AnswerClaim(council, who, item_key, D("2022-03-14"), D(expires)))


STEP = f"step:{STRATEGY}/share-sspb"
ACTION = f"action:{PLAN}/2/2"  # BM's, "March"


@pytest.fixture
def served(uow_factory, tmp_path):
    file_loading.load_files([SOUTHEND], uow_factory())
    (tmp_path / "feeds").mkdir()
    routes = ReportRoutes(uow_factory, tmp_path / "reports", lambda: TODAY, answer_signer=SIGNER, now=lambda: NOW)
    with run_in_thread(lambda url: create_app(tmp_path / "feeds", url, routes)) as url:
        yield url


@pytest.fixture
def browser(served):
    with httpx.Client(base_url=served, timeout=30) as client:
        yield client


def csrf(page: httpx.Response) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def text(page: httpx.Response) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", page.text))


def step_state(uow_factory, step_key: str = "share-sspb"):
    with uow_factory() as uow:
        document = uow.documents.get(STRATEGY)
        events = uow.audit.list(subject=f"{STRATEGY}/{step_key}")
    return next(s for s in document.route.steps if s.key == step_key).done_on, events


def test_the_page_shows_the_item_and_whose_it_is_and_get_changes_nothing(browser, uow_factory):
    page = browser.get(f"{link(STEP)}?do=done")

    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer" and "frame-ancestors 'none'" in page.headers["content-security-policy"]
    shown = text(page)
    assert "Version 11 of SEND Strategy shared with SSPB" in shown
    assert "SEND Strategy 2021-24" in shown and "Monday 14 March 2022" in shown and "6 th October 21" in shown
    assert "This is GB's item: answering records it as GB's, via GB's link." in shown
    assert "<script" not in page.text and 'method="post"' in page.text
    for answer in ("done", "update", "late"):
        browser.get(f"{link(STEP)}?do={answer}")
    assert step_state(uow_factory) == (None, [])


def test_done_without_the_csrf_token_or_its_cookie_is_refused_and_with_them_the_step_is_done(browser, served, uow_factory):
    page = browser.get(f"{link(STEP)}?do=done")
    token = csrf(page)

    no_token = browser.post(link(STEP), data={"answer": "done"})
    from_elsewhere = httpx.post(f"{served}{link(STEP)}", data={"answer": "done", "csrf": token})  # no cookie
    assert (no_token.status_code, from_elsewhere.status_code) == (403, 403)
    assert "Nothing was changed" in text(no_token)
    assert step_state(uow_factory) == (None, [])

    done = browser.post(link(STEP), data={"answer": "done", "csrf": token, "note": "shared at the March SSPB"})

    assert done.status_code == 200, done.text
    assert "Recorded as GB's answer, via GB's link" in text(done)
    done_on, events = step_state(uow_factory)
    assert done_on == TODAY
    (event,) = events
    assert (event.kind, event.actor) == ("step.done", "GB")
    assert event.reason == "done, via GB's reminder link: shared at the March SSPB"


def test_a_used_link_says_when_it_was_answered_and_changes_nothing_more(browser, uow_factory):
    token = csrf(browser.get(f"{link(STEP)}?do=done"))
    assert browser.post(link(STEP), data={"answer": "done", "csrf": token}).status_code == 200

    again = browser.post(link(STEP), data={"answer": "done", "csrf": token})
    shown = browser.get(link(STEP))

    assert again.status_code == 200 and "already answered through this link on 2022-03-10" in text(again)
    assert "already answered through this link on Thursday 10 March 2022" in text(shown)
    assert len(step_state(uow_factory)[1]) == 1


@pytest.mark.parametrize(
    "address, status, words",
    [
        (link(STEP, expires="2022-03-09"), 410, "This link expired after 2022-03-09"),
        (link(STEP)[:-3] + "abc", 403, "not one govflow sent"),
        (link(STEP, signer=AnswerSigner("another-key-" + "y" * 30)), 403, "not one govflow sent"),
        (link(STEP, who="AK"), 403, "sent to AK, who is not"),
        (link(STEP, council="essex"), 403, "another council"),
        (link(f"step:{STRATEGY}/no-such-step"), 410, "no longer in govflow"),
    ],
    ids=["expired", "tampered", "other key", "other person", "other council", "gone"],
)
def test_a_link_that_cannot_be_used_gets_a_clear_page_and_changes_nothing(browser, uow_factory, address, status, words):
    good = csrf(browser.get(f"{link(STEP)}?do=done"))  # a genuine page's token and cookie, to try with

    shown = browser.get(address)
    posted = browser.post(address, data={"answer": "done", "csrf": good})

    assert (shown.status_code, posted.status_code) == (status, status)
    assert words in text(shown) and "Nothing was changed" in text(posted)
    assert 'method="post"' not in shown.text
    assert step_state(uow_factory) == (None, [])


def test_a_link_takes_five_posts_at_most(browser, uow_factory):
    for _ in range(5):
        assert browser.post(link(STEP), data={"answer": "done", "csrf": "forged"}).status_code == 403
    token = csrf(browser.get(f"{link(STEP)}?do=done"))

    sixth = browser.post(link(STEP), data={"answer": "done", "csrf": token})

    assert sixth.status_code == 429 and "used up" in text(sixth)
    assert step_state(uow_factory) == (None, [])
    assert browser.post(link(STEP, who="SEC"), data={"answer": "done", "csrf": "x"}).status_code == 403  # another link has its own count


def test_an_action_done_is_a_progress_update_recording_it_complete(browser, uow_factory):
    token = csrf(browser.get(f"{link(ACTION, 'BM')}?do=done"))

    done = browser.post(link(ACTION, "BM"), data={"answer": "done", "csrf": token, "note": "framework agreed"})

    assert done.status_code == 200, done.text
    with uow_factory() as uow:
        plan = uow.plans.get(PLAN)
        (event,) = uow.audit.list(subject=f"{PLAN}/2/2")
    action = next(a for a in plan.recommendation("2").actions if a.position == 2)
    assert plan.completed_on("2", action) == TODAY
    (update,) = [u for u in plan.updates if u.action_position == 2]
    assert (update.author, update.action_complete, update.done) == ("BM", True, ["framework agreed"])
    assert (event.actor, event.reason) == ("BM", "done, via BM's reminder link: framework agreed")


def test_an_update_is_stored_in_seed_001_s_four_parts(browser, uow_factory):
    token = csrf(browser.get(f"{link(ACTION, 'BM')}?do=update"))
    assert all(f'name="{name}"' in browser.get(f"{link(ACTION, 'BM')}?do=update").text for name in ("done", "difference", "to_develop", "next_steps"))

    stored = browser.post(link(ACTION, "BM"), data={
        "answer": "update", "csrf": token, "done": "Met the heads\nDrafted the framework", "difference": "Schools know the plan",
        "to_develop": "", "next_steps": "Sign-off in April",
    })

    assert stored.status_code == 200, stored.text
    with uow_factory() as uow:
        (update,) = [u for u in uow.plans.get(PLAN).updates if u.action_position == 2]
    assert (update.done, update.difference, update.to_develop, update.next_steps) == (
        ["Met the heads", "Drafted the framework"], ["Schools know the plan"], [], ["Sign-off in April"]
    )
    assert (update.author, update.action_complete) == ("BM", False)
    assert "already answered" not in text(browser.get(link(ACTION, "BM")))  # an update does not close the link


def test_it_will_be_late_reads_the_date_back_before_it_is_saved_and_then_re_forecasts(browser, uow_factory):
    preview = browser.get(f"{link(STEP)}?do=late&when=end+of+March&note=waiting+for+the+JCB")
    assert preview.status_code == 200 and "Thursday 31 March 2022" in text(preview)
    with uow_factory() as uow:
        assert uow.audit.list(kind="step.expected_late") == []  # shown back, not saved
    unreadable = browser.get(f"{link(STEP)}?do=late&when=soonish")
    assert "That date cannot be used" in text(unreadable) and 'method="post"' not in unreadable.text

    saved = browser.post(link(STEP), data={"answer": "late", "csrf": csrf(preview), "when": "end of March", "note": "waiting for the JCB"})

    assert saved.status_code == 200, saved.text
    with uow_factory() as uow:
        (event,) = uow.audit.list(kind="step.expected_late")
        forecast = next(f for f in uow.documents.list_forecasts(STRATEGY) if f.step_key == "share-sspb")
    assert event.actor == "GB" and "via GB's reminder link: waiting for the JCB" in event.reason
    assert forecast.date >= D("2022-03-31")  # planned on the day its owner now expects


def test_an_exempt_item_s_page_names_nothing_but_its_due_date(browser, uow_factory):
    with uow_factory() as uow:
        document = uow.documents.get(STRATEGY)
        document.exempt = True
        uow.documents.save(document)
        uow.commit()

    page = browser.get(f"{link(STEP)}?do=done")

    assert page.status_code == 200
    assert EXEMPT_ITEM in text(page) and "Monday 14 March 2022" in text(page)
    for secret in ("SEND Strategy", "Version 11", "SSPB", "6 th October"):
        assert secret not in text(page), secret


def test_the_pages_pass_the_accessibility_check(browser, served, axe):
    for path in (f"{link(STEP)}?do=done", f"{link(STEP)}?do=update", f"{link(STEP)}?do=late",
                 f"{link(STEP)}?do=late&when=end+of+March", link(STEP, expires="2022-03-01")):
        violations = axe(browser.get(path).text, base_url=f"{served}{path}")
        assert not violations, (path, violations)


def test_two_done_answers_at_once_make_one(browser, uow_factory):
    from concurrent.futures import ThreadPoolExecutor

    page = browser.get(f"{link(STEP)}?do=done")
    form = {"answer": "done", "csrf": csrf(page), "note": "twice"}
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: browser.post(link(STEP), data=form), range(4)))
    assert all(a.status_code in (200, 400) for a in answers)
    with uow_factory() as uow:
        events = uow.audit.list(subject=f"{STRATEGY}/share-sspb", kind="step.done")
    assert len(events) == 1  # one answer recorded, however many clicks arrived together


def test_the_preview_refuses_a_date_the_answer_would_refuse(browser, uow_factory):
    first = browser.get(f"{link(STEP)}?do=late&when=end+of+March")
    saved = browser.post(link(STEP), data={"answer": "late", "csrf": csrf(first), "when": "end of March", "note": ""})
    assert saved.status_code == 200, saved.text  # now planned on the SSPB after 31 March
    # 25 March is still to come, but not later than the date the step has now.
    preview = browser.get(f"{link(STEP)}?do=late&when=25+March+2022")
    assert "That date cannot be used" in text(preview) and "is not later than" in text(preview)
    assert 'method="post"' not in preview.text  # nothing to confirm
    with uow_factory() as uow:
        assert len(uow.audit.list(kind="step.expected_late")) == 1  # the first only
