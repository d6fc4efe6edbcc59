"""The nightly flow, run through Prefect, syncs every body linked to a source before it plans the night
(issue 16): a real local HTTP server on 127.0.0.1 answers as ModernGov, from the Manchester
recordings (tests/data/committee_systems/moderngov: the first and second derived readings — one
meeting moved, one cancelled, one added). The moved meeting carries its step and its feed event
(same UID, SEQUENCE up, checked by three other calendar parsers); the audit says where the change came
from. Sources that answer 500, too slowly, or with hostile XML leave their bodies' meetings as they
were, the summary says so, and the night completes."""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from flows.nightly import NightlyParameters, nightly
from govflow.services import file_loading
from governance_model.storage.database import make_engine, make_session_factory
from governance_model.storage.unit_of_work import SqlUnitOfWork
from tests.committee_sources.conftest import CouncilServer, answer, council_server, recording, slow  # noqa: F401 - the fixture
from tests.flows.test_nightly_flow import council_run_id  # noqa: F401 - Prefect's run of the council

LONDON = ZoneInfo("Europe/London")

SETUP = """\
context: 2026-01-01
people:
  - {initials: CL, name: Committee clerk, email: cl@example.org}
bodies:
  - code: Audit
    name: Audit Committee
    source: {moderngov: 'URL', committee: 144}
    meetings:
      dates:
        - at: 2026-02-10 10:00
  - {code: Broken, name: Broken Board, source: {moderngov: 'URL', committee: 201}, meetings: {dates: [{at: 2026-02-11 10:00}]}}
  - {code: Hostile, name: Hostile Board, source: {moderngov: 'URL', committee: 202}, meetings: {dates: [{at: 2026-02-12 10:00}]}}
  - {code: Slow, name: Slow Board, source: {moderngov: 'URL', committee: 203}, meetings: {dates: [{at: 2026-02-13 10:00}]}}
documents:
  - key: annual-audit
    title: Annual audit letter
    dated: 2026-01-05
    owner: CL
    route:
      - {key: audit, kind: decide, body: Audit, when: 10 February 2026, title: Audit Committee considers the letter}
"""


def meetings_path(committee: int, as_of: dt.date) -> str:
    """What the sync asks ModernGov for on `as_of`: 31 days back, 366 on."""
    first, last = as_of - dt.timedelta(days=31), as_of + dt.timedelta(days=366)
    return (
        f"/mgWebService.asmx/GetMeetings?lCommitteeId={committee}"
        f"&sFromDate={first:%d/%m/%Y}&sToDate={last:%d/%m/%Y}"
    )


def serve(server: CouncilServer, as_of: dt.date, reading: str) -> None:
    server.serve(meetings_path(144, as_of), answer(recording(f"moderngov/{reading}")))
    server.serve("/mgWebService.asmx/GetMeeting?lMeetingId=4967", answer(recording("moderngov/GetMeeting.xml")))
    for added in ("4968", "4969"):
        server.serve(f"/mgWebService.asmx/GetMeeting?lMeetingId={added}", answer(recording(f"moderngov/GetMeeting-derived-{added}.xml")))
    server.serve(meetings_path(201, as_of), answer(b"Server Error", status=500, content_type="text/plain"))
    server.serve(meetings_path(202, as_of), answer(recording("hostile/billion-laughs.xml")))
    server.serve(meetings_path(203, as_of), slow(4))


def event(feed: str, meeting_key: str) -> tuple[str, int, str]:
    """The UID, SEQUENCE and DTSTART of the meeting's event in the feed (its UID names its key)."""
    unfolded = feed.replace("\r\n ", "")
    for block in unfolded.split("BEGIN:VEVENT")[1:]:
        uid = re.search(r"^UID:(.*)$", block, re.M).group(1).strip()
        if uid.startswith("meeting-") and meeting_key.lower() in uid.lower():
            sequence = re.search(r"^SEQUENCE:(\d+)", block, re.M)
            start = re.search(r"^DTSTART[^:]*:(.*)$", block, re.M).group(1).strip()
            return uid, int(sequence.group(1)) if sequence else 0, start
    raise AssertionError(f"no event of meeting {meeting_key} in the feed")


@pytest.fixture
def linked_council(sqlite_url: str, council_server: CouncilServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    setup = tmp_path / "setup.yaml"
    setup.write_text(SETUP.replace("URL", council_server.url), encoding="utf-8")
    monkeypatch.setenv("GOVFLOW_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("GOVFLOW_SOURCE_TIMEOUT_SECONDS", "1")  # the slow source gives up quickly, retries wait 1 s
    engine = make_engine(sqlite_url)
    session_factory = make_session_factory(engine)

    def uow_factory() -> SqlUnitOfWork:
        return SqlUnitOfWork(session_factory)

    file_loading.load_files([setup], uow_factory())
    yield uow_factory
    engine.dispose()
    from govflow import wiring

    wiring._engine(sqlite_url).dispose()
    wiring._session_factory.cache_clear()
    wiring._engine.cache_clear()


def stored(uow_factory, code: str) -> dict:
    with uow_factory() as uow:
        return {m.key: m for m in uow.bodies.get(code).meetings}


def test_the_night_syncs_linked_bodies_first_and_a_source_that_fails_changes_nothing(
    prefect_api_url, linked_council, council_server: CouncilServer, check_ics  # noqa: F811
):
    uow_factory = linked_council
    before = {code: stored(uow_factory, code) for code in ("Broken", "Hostile", "Slow")}
    feeds = Path(os.environ["GOVFLOW_DATA_DIR"]) / "feeds"

    first_night = dt.date(2026, 1, 20)
    serve(council_server, first_night, "GetMeetings-derived-first.xml")
    state = nightly(NightlyParameters(as_of=first_night), return_state=True)
    assert state.is_completed(), state.message
    synced = {line["body"]: line for line in state.result()["meetings_synced"]}  # one council: its own summary
    assert synced["Audit"]["failure"] is None and synced["Audit"]["source"] == "ModernGov committee 144"
    assert "ModernGov: meeting 4967 is Audit-2026-02-10 (10 February 2026), typed by hand" in synced["Audit"]["changes"]
    # Each source that failed is said, with why; the night went on (it completed, and Audit synced).
    assert "HTTP 500" in synced["Broken"]["failure"]
    assert "DTD" in synced["Hostile"]["failure"] or "entit" in synced["Hostile"]["failure"].lower()
    assert "1 seconds" in synced["Slow"]["failure"] or "no answer" in synced["Slow"]["failure"]
    assert council_server.asked.count(meetings_path(201, first_night)) == 3  # a server error: asked again twice
    assert council_server.asked.count(meetings_path(202, first_night)) == 1  # hostile: never asked again
    audit_feed = (feeds / "body" / "Audit.ics").read_text(encoding="utf-8")
    uid, sequence, start = event(audit_feed, "Audit-2026-02-10")
    assert start == "20260210T100000"
    assert stored(uow_factory, "Audit")["Audit-2026-02-10"].source_id == "4967"  # typed by hand: matched

    second_night = dt.date(2026, 1, 21)
    serve(council_server, second_night, "GetMeetings-derived-second.xml")
    state = nightly(NightlyParameters(as_of=second_night), return_state=True)
    assert state.is_completed(), state.message

    audit = stored(uow_factory, "Audit")
    assert audit["Audit-2026-02-10"].starts_at == dt.datetime(2026, 2, 17, 14, 0, tzinfo=LONDON)  # moved, same key
    assert audit["Audit-2026-03-10"].status.value == "cancelled"
    assert any(m.source_id == "4969" for m in audit.values())  # added
    with uow_factory() as uow:
        (moved,) = uow.audit.list(subject="Audit-2026-02-10", kind="meeting.moved")
        (step,) = [f for f in uow.documents.list_forecasts() if f.step_key == "audit"]
    assert (moved.actor, moved.reason) == ("ModernGov", "ModernGov: meeting 4967 moved from 10 February 2026 at 10:00 to 17 February 2026 at 14:00")
    assert step.date == dt.date(2026, 2, 17)  # the night planned on the meeting as published

    feed_path = feeds / "body" / "Audit.ics"
    moved_uid, moved_sequence, moved_start = event(feed_path.read_text(encoding="utf-8"), "Audit-2026-02-10")
    assert (moved_uid, moved_start) == (uid, "20260217T140000") and moved_sequence > sequence  # calendars update it in place
    assert check_ics(feed_path, "--strict").returncode == 0

    # The sources that failed: their bodies' meetings are as they were.
    for code, meetings in before.items():
        assert stored(uow_factory, code) == meetings, code
