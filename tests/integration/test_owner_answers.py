"""What owners answer from a reminder (issue 17), through SQLite and PostgreSQL: "It will be late"
moves the step and the steps after it (audited, in words, kept across a reload, the feeds showing
the moved date with SEQUENCE up) and an action's deadline; a body with `confirm_done: true` keeps a
"done" awaiting its secretary's confirmation, and the secretary's digest lists it."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from governance_model.errors import Error, WhenError
from governance_model.model import StepState
from governance_model.rag import Rag, judge_plan
from governance_model.reason_words import move_words
from govflow.services import done_answers, file_loading
from govflow.services.expected_dates import expect_late
from govflow.services.feed_publishing import publish
from govflow.services.night_planning import run_nightly
from notifications.digest import build_digest

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
DOC = "send-strategy-2021-24"
PLAN = "send-peer-review-recommendations-high-level-implementation-plan-draft-1"
D = dt.date.fromisoformat
NOW = dt.datetime(2021, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
LATE = f"step:{DOC}/revise-peer-review"


@pytest.fixture
def southend(uow_factory):
    file_loading.load_files([SOUTHEND], uow_factory())
    run_nightly(uow_factory, D("2021-12-01"), NOW)
    return uow_factory


def forecast(uow_factory, step: str):
    with uow_factory() as uow:
        return next(f for f in uow.documents.list_forecasts(DOC) if f.step_key == step)


def test_it_will_be_late_moves_the_step_and_those_after_it_and_says_why(southend):
    before = forecast(southend, "sspb-draft")
    assert before.date == D("2022-01-06")
    result = expect_late(southend(), LATE, "end of January", "the peer review report came late", actor="GB", as_of=D("2021-12-01"), now=NOW)

    moved = {c.step_key: c for c in result.reforecast}
    assert (moved["revise-peer-review"].old_date, moved["revise-peer-review"].new_date) == (D("2021-12-31"), D("2022-01-31"))
    assert moved["sspb-draft"].new_date > D("2022-02-07")
    words = move_words(moved["sspb-draft"], result.titles[DOC])
    assert "because expected late by GB: the peer review report came late" in words
    assert not re.search(r"\d{4}-\d{2}-\d{2}|revise-peer-review", words)
    assert "now expected by 31 January 2022" in result.description
    assert forecast(southend, "revise-peer-review").date == D("2022-01-31")
    assert forecast(southend, "sspb-draft").date == moved["sspb-draft"].new_date

    with southend() as uow:
        (event,) = uow.audit.list(kind="step.expected_late")
    assert (event.actor, event.subject, event.reason) == ("GB", LATE, "expected late by GB: the peer review report came late")
    assert event.details["phrase"] == "end of January"
    assert event.details["reading"]["end"] == "2022-01-31" and event.details["was"] == "2021-12-31"


def test_the_expected_date_survives_loading_the_setup_again(southend):
    expect_late(southend(), LATE, "end of January", "", actor="GB", as_of=D("2021-12-01"), now=NOW)
    file_loading.load_files([SOUTHEND], southend())
    with southend() as uow:
        kept = uow.documents.get(DOC).route.step("revise-peer-review").expected
    assert kept is not None and (kept.day, kept.by, kept.when.text) == (D("2022-01-31"), "GB", "end of January")
    run_nightly(southend, D("2021-12-02"), NOW + dt.timedelta(days=1))
    assert forecast(southend, "revise-peer-review").date == D("2022-01-31")


def test_a_phrase_that_cannot_be_read_or_a_date_not_later_is_refused_and_nothing_is_stored(southend):
    with pytest.raises(WhenError, match="'next-ish week'"):
        expect_late(southend(), LATE, "next-ish week", "", actor="GB", as_of=D("2021-12-01"), now=NOW)
    with pytest.raises(Error, match=r"“w/c 13 December” reads as 19 December 2021, which is not later than 31 December 2021"):
        expect_late(southend(), LATE, "w/c 13 December", "", actor="GB", as_of=D("2021-12-01"), now=NOW)
    with pytest.raises(Error, match="gives no day"):
        expect_late(southend(), LATE, "TBC", "", actor="GB", as_of=D("2021-12-01"), now=NOW)
    with pytest.raises(Error, match="names no step or action"):
        expect_late(southend(), "revise-peer-review", "end of January", "", actor="GB", as_of=D("2021-12-01"), now=NOW)
    with southend() as uow:
        assert uow.audit.list(kind="step.expected_late") == [] and uow.answers.expected() == {}
    assert forecast(southend, "revise-peer-review").date == D("2021-12-31")


def test_the_feeds_show_the_moved_date_with_sequence_up(southend, tmp_path: Path):
    url = "https://govflow.example.org"
    publish(southend, tmp_path, D("2021-12-01"), NOW, url)
    feed = tmp_path / "document" / f"{DOC}.ics"

    def event(text: str) -> str:
        unfolded = text.replace("\r\n ", "")
        return next(e for e in unfolded.split("BEGIN:VEVENT") if f"UID:step-{DOC}-revise-peer-review@" in e)

    old = event(feed.read_text())
    assert "20211231" in old and "SEQUENCE:0" in old
    expect_late(southend(), LATE, "end of January", "", actor="GB", as_of=D("2021-12-01"), now=NOW)
    publish(southend, tmp_path, D("2021-12-01"), NOW + dt.timedelta(hours=1), url)
    new = event(feed.read_text())
    assert "20220131" in new and "SEQUENCE:1" in new


def test_an_action_expected_late_is_judged_and_reminded_against_that_day(southend):
    key = f"action:{PLAN}/1/1"
    result = expect_late(southend(), key, "end of March", "waiting for the data", actor="GB", as_of=D("2022-01-20"), now=NOW)
    assert "now expected by 31 March 2022" in result.description
    with southend() as uow:
        plan = uow.plans.get(PLAN)
        (event,) = uow.audit.list(kind="action.expected_late")
    judged = judge_plan(plan, D("2022-02-07")).action("1", 1)
    assert judged.rag is not Rag.OVERDUE and judged.deadline == D("2022-03-31")
    assert "expected late by GB: waiting for the data" in judged.reason
    assert (event.actor, event.subject) == ("GB", key)
    # A plan file loaded again keeps it.
    file_loading.load_files([SOUTHEND], southend())
    with southend() as uow:
        assert uow.plans.get(PLAN).recommendation("1").actions[0].expected.day == D("2022-03-31")


def confirming_setup(tmp_path: Path) -> Path:
    """The Southend setup with SSPB asking its secretary to confirm what owners answer as done."""
    text = SOUTHEND.read_text(encoding="utf-8").replace(
        "  - code: SSPB\n    name: Southend SEND Strategic Partnership Board\n",
        "  - code: SSPB\n    name: Southend SEND Strategic Partnership Board\n    confirm_done: true\n",
    )
    assert "confirm_done: true" in text
    for name in ("setup.yaml", "peer-review-plan.csv"):
        (tmp_path / name).write_text(text if name == "setup.yaml" else (SOUTHEND.parent / name).read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path / "setup.yaml"


def test_a_done_waits_for_the_secretary_when_the_body_asks_and_the_digest_lists_it(uow_factory, tmp_path: Path):
    file_loading.load_files([confirming_setup(tmp_path)], uow_factory())
    run_nightly(uow_factory, D("2021-10-05"), NOW)
    item = f"step:{DOC}/share-sspb"
    answered = done_answers.record_done_answer(uow_factory(), item, by="GB", note="shared at the meeting", as_of=D("2021-10-06"), now=NOW)
    assert answered == "awaiting confirmation"
    # Answered twice (a second click): still one answer awaiting.
    assert done_answers.record_done_answer(uow_factory(), item, by="GB", as_of=D("2021-10-06"), now=NOW) == "awaiting confirmation"
    (shown,) = done_answers.awaiting_answers(uow_factory())
    assert (shown.title, shown.secretary) == ("Version 11 of SEND Strategy shared with SSPB", "SEC")
    with uow_factory() as uow:
        assert uow.documents.get(DOC).route.step("share-sspb").done_on is None

    # The night reminds the secretary, once, in a section of their digest.
    update = run_nightly(uow_factory, D("2021-10-06"), NOW + dt.timedelta(days=1))
    with uow_factory() as uow:
        people = {p.initials: p for p in uow.people.list()}
        queued = [r for m in uow.outbox.list(recipient="SEC") for r in m.reminders]
    asked = [r for r in queued if r.item.kind == "answer"]
    assert len(asked) == 1 and asked[0].rule == "awaiting-confirmation"
    digest = build_digest(people["SEC"], asked)
    assert "Answers awaiting your confirmation (1)" in digest.text
    assert "done on 6 October 2021, answered by GB: shared at the meeting" in digest.text
    assert f"govflow answers confirm {shown.answer.id}" in digest.text
    assert "Answers awaiting your confirmation" in digest.html and "1 answer to confirm" in digest.subject
    assert "Overdue" not in digest.text
    run_nightly(uow_factory, D("2021-10-07"), NOW + dt.timedelta(days=2))
    with uow_factory() as uow:
        again = [r for m in uow.outbox.list(recipient="SEC") for r in m.reminders if r.item.kind == "answer"]
    assert len(again) == 1
    assert update is not None

    result = done_answers.confirm_answer(uow_factory(), shown.answer.id, by="SEC", as_of=D("2021-10-08"), now=NOW + dt.timedelta(days=3))
    assert "done on 6 October 2021" in result.description
    with uow_factory() as uow:
        assert uow.documents.get(DOC).route.step("share-sspb").done_on == D("2021-10-06")
        (done,) = uow.audit.list(kind="step.done")
        assert done.actor == "SEC" and "answered by GB" in done.reason and done.details["answered_by"] == "GB"
        assert uow.answers.answers() == []
    assert done_answers.awaiting_answers(uow_factory()) == []
    with pytest.raises(Error, match="not awaiting confirmation: SEC confirmed it already"):
        done_answers.confirm_answer(uow_factory(), shown.answer.id, by="SEC", as_of=D("2021-10-08"), now=NOW + dt.timedelta(days=3))


def test_a_done_counts_at_once_where_the_body_does_not_ask(southend):
    assert done_answers.record_done_answer(southend(), f"step:{DOC}/revise-peer-review", by="GB", as_of=D("2021-12-01"), now=NOW) == "done"
    assert forecast(southend, "revise-peer-review").state is StepState.DONE
    assert done_answers.record_done_answer(southend(), f"action:{PLAN}/1/1", by="GB", note="files opened", as_of=D("2021-12-01"), now=NOW) == "done"
    with southend() as uow:
        plan = uow.plans.get(PLAN)
        assert uow.answers.answers() == []
    assert plan.completed_on("1", plan.recommendation("1").actions[0]) == D("2021-12-01")
    assert dataclasses.asdict(plan.updates[-1])["author"] == "GB"
