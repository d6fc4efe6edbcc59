"""Issue 14, point 1: everyone's own calendar is one a calendar program takes, never an empty one.

A person's private feed holds what they own, and the meetings of the bodies they sit on: those they
are secretary of and those they bring papers to. Someone who owns nothing yet and sits on no board
(a new officer) still gets a calendar the three parsers of ical-check accept: every board's meetings."""
from __future__ import annotations

from pathlib import Path

from governance_model.model import Person
from govflow.services.feed_publishing import publish
from tests.calendars.conftest import AS_OF, PUBLIC_URL, STAMP, southend_uow


def uids(file: Path) -> set[str]:
    text = file.read_text(encoding="utf-8").replace("\r\n ", "")
    return {line.removeprefix("UID:") for line in text.splitlines() if line.startswith("UID:")}


def test_a_person_with_nothing_of_their_own_gets_a_calendar_that_programs_accept(check_ics, tmp_path: Path) -> None:
    uow = southend_uow()
    with uow:
        uow.people.save(Person("NEW", "New Officer", "SEND caseworker", email="new@southend.example.org"))
        uow.feeds.set_token("NEW", "token-NEW", STAMP)
        uow.commit()
    published = {p.feed.key: p for p in publish(lambda: uow, tmp_path, AS_OF, STAMP, PUBLIC_URL) if p.feed.kind == "person"}

    new = published["NEW"]
    assert new.events > 0
    check = check_ics(new.file)
    assert check.returncode == 0, check.stderr
    mine = uids(new.file)
    assert "meeting-SSPB-2021-10-06@govflow" in mine and "meeting-JCB-2021-09-15@govflow" in mine
    assert not any(uid.startswith(("step-", "action-", "papers-")) for uid in mine)  # none of it is theirs to do
    assert "New Officer owns nothing yet" in new.file.read_text(encoding="utf-8").replace("\r\n ", "")


def test_a_persons_calendar_holds_the_meetings_of_the_boards_they_sit_on(check_ics, tmp_path: Path) -> None:
    published = {p.feed.key: p for p in publish(lambda: southend_uow(), tmp_path, AS_OF, STAMP, PUBLIC_URL) if p.feed.kind == "person"}

    secretary = uids(published["SEC"].file)  # Democratic Services: secretary of every Southend board
    assert {"meeting-SSPB-2022-01-06@govflow", "papers-SSPB-2022-01-06@govflow", "meeting-Cabinet-2021-10-12@govflow"} <= secretary
    owner = uids(published["GB"].file)  # Gary Bloom brings the strategy to JCB, SENDOps, SSPB … Cabinet
    assert {"meeting-SSPB-2022-01-06@govflow", "meeting-JCB-2021-09-15@govflow", "step-send-strategy-2021-24-share-sspb@govflow"} <= owner
    assert not any(uid.startswith("papers-") for uid in owner)  # the papers deadlines are the secretary's
    actions_only = uids(published["AK"].file)  # plan actions, no route step at any board: no meetings
    assert actions_only and not any(uid.startswith("meeting-") for uid in actions_only)
    for initials in ("SEC", "GB"):
        check = check_ics(published[initials].file)
        assert check.returncode == 0, check.stderr
