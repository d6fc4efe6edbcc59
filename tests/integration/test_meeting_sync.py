"""Syncing a body's meetings with its source (issue 16), through SQLite and PostgreSQL: the Southend
board linked to ModernGov, read by a stand-in reader. The first reading matches the meetings typed
by hand (no duplicates); a second with one meeting moved, one cancelled, one added and one gone
re-forecasts the steps on them, audits each change with the source and its id, keeps the meeting's
key and its feed event's UID with SEQUENCE up, and flags the gone one without deleting it. A source
that fails, and a dry run, change nothing."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from governance_model.errors import LoadError
from governance_model.meeting_sources import MeetingSource, SourceKind, SourceReading, SourcedMeeting
from govflow.services import feed_publishing, file_loading
from govflow.services.meeting_sync import sync_body, sync_bodies
from govflow.services.night_planning import run_nightly

ROOT = Path(__file__).resolve().parents[2]
LONDON = ZoneInfo("Europe/London")
AS_OF = dt.date(2021, 10, 6)
NOW = dt.datetime(2021, 10, 6, 3, 0, tzinfo=dt.timezone.utc)
LATER = dt.datetime(2021, 10, 7, 3, 0, tzinfo=dt.timezone.utc)
SOURCE = "    source: {moderngov: 'https://democracy.example.gov.uk', committee: 142}\n"


@pytest.fixture
def southend(tmp_path: Path, uow_factory):
    """The Southend example with its SSPB linked to ModernGov committee 142, loaded."""
    folder = tmp_path / "southend"
    shutil.copytree(ROOT / "examples" / "southend", folder)  # the plan file it names comes too
    setup = folder / "setup.yaml"
    setup.write_text(linked_setup(), encoding="utf-8")
    file_loading.load_files([setup], uow_factory())
    return setup


def linked_setup() -> str:
    text = (ROOT / "examples" / "southend" / "setup.yaml").read_text(encoding="utf-8")
    marker = "    name: Southend SEND Strategic Partnership Board\n"
    assert marker in text
    return text.replace(marker, marker + SOURCE, 1)


def meeting(source_id: str, day: str, time: str = "14:00", **fields) -> SourcedMeeting:
    return SourcedMeeting(source_id, dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=LONDON), **fields)


FIRST = [
    meeting("17001", "2021-10-06"), meeting("17002", "2022-01-06"), meeting("17003", "2022-03-01"),
    meeting("17004", "2022-05-05"), meeting("17005", "2022-07-07"),
]
# The same source a little later: 1 March moved to 8 March, 5 May cancelled, 7 July gone, 8 September added.
SECOND = [
    meeting("17001", "2021-10-06"), meeting("17002", "2022-01-06"), meeting("17003", "2022-03-08"),
    meeting("17004", "2022-05-05", cancelled=True, status="Cancelled"), meeting("17006", "2022-09-08", location="Civic Centre"),
]


class StandIn:
    """A reader that gives the readings it is handed, one per call, and remembers what it was asked."""

    def __init__(self, *readings: list[SourcedMeeting] | Exception):
        self.readings = list(readings)
        self.asked: list[tuple[MeetingSource, dt.date, dt.date]] = []

    def __call__(self, source: MeetingSource, first_day: dt.date, last_day: dt.date) -> SourceReading:
        self.asked.append((source, first_day, last_day))
        reading = self.readings.pop(0)
        if isinstance(reading, Exception):
            raise reading
        return SourceReading(list(reading), [], first_day, last_day)


def sspb(uow_factory) -> dict:
    with uow_factory() as uow:
        return {m.key: m for m in uow.bodies.get("SSPB").meetings}


def forecast(uow_factory, step: str) -> dt.date | None:
    with uow_factory() as uow:
        return next(f.date for f in uow.documents.list_forecasts() if f.step_key == step)


def vevent(path: Path, key: str) -> str:
    text = path.read_bytes().decode("utf-8").replace("\r\n ", "")
    at = re.search(rf"UID:meeting-{re.escape(key)}@[^\r]*\r\n", text).start()
    return text[text.rindex("BEGIN:VEVENT", 0, at): text.index("END:VEVENT", at)]


def test_the_first_reading_matches_the_meetings_typed_by_hand(southend: Path, uow_factory) -> None:
    read = StandIn(FIRST, FIRST)
    result = sync_body(uow_factory, "SSPB", read, as_of=AS_OF, now=NOW)
    assert result.ok and [c.kind.value for c in result.done] == ["matched"] * 5
    assert read.asked[0] == (MeetingSource(SourceKind.MODERNGOV, "https://democracy.example.gov.uk", "142"), dt.date(2021, 9, 5), dt.date(2022, 10, 7))
    meetings = sspb(uow_factory)
    assert len(meetings) == 5  # matched, not duplicated
    assert {k: m.source_id for k, m in meetings.items()} == {
        "SSPB-2021-10-06": "17001", "SSPB-2022-01-06": "17002", "SSPB-2022-03-01": "17003",
        "SSPB-2022-05-05": "17004", "SSPB-2022-07-07": "17005",
    }
    # The setup file loaded again (it knows nothing of the source) keeps them matched: nothing to do.
    file_loading.load_files([southend], uow_factory())
    again = sync_body(uow_factory, "SSPB", read, as_of=AS_OF, now=NOW)
    assert again.ok and again.plan.changes == [] and len(sspb(uow_factory)) == 5


def test_a_second_reading_moves_cancels_adds_and_flags(southend: Path, uow_factory, tmp_path: Path) -> None:
    sync_body(uow_factory, "SSPB", StandIn(FIRST), as_of=AS_OF, now=NOW)
    run_nightly(uow_factory, AS_OF, NOW)  # the night's forecasts, as stored before the source changes
    feed_publishing.publish_feeds(uow_factory, tmp_path / "before", AS_OF, NOW, "https://govflow.example.org")
    assert forecast(uow_factory, "sspb-final") == dt.date(2022, 3, 1)

    result = sync_body(uow_factory, "SSPB", StandIn(SECOND), as_of=AS_OF, now=LATER)

    assert result.ok, result.failed
    assert [(c.kind.value, c.meeting_key) for c in result.done] == [
        ("new", "SSPB-2022-09-08"), ("disappeared", "SSPB-2022-07-07"),
        ("moved", "SSPB-2022-03-01"), ("cancelled", "SSPB-2022-05-05"),
    ]
    meetings = sspb(uow_factory)
    moved = meetings["SSPB-2022-03-01"]  # its key kept
    assert moved.starts_at == dt.datetime(2022, 3, 8, 14, 0, tzinfo=LONDON) and moved.sequence == 1
    assert meetings["SSPB-2022-05-05"].status.value == "cancelled"
    gone = meetings["SSPB-2022-07-07"]
    assert gone.missing_from_source and gone.status.value == "scheduled"  # kept, flagged, not deleted
    added = meetings["SSPB-2022-09-08"]
    assert (added.source_id, added.location, added.starts_at.hour) == ("17006", "Civic Centre", 14)

    # The step on the moved meeting moves with it, and the re-forecast says why.
    assert forecast(uow_factory, "sspb-final") == dt.date(2022, 3, 8)
    assert any(c.step_key == "sspb-final" and c.new_date == dt.date(2022, 3, 8) for c in result.reforecast)

    with uow_factory() as uow:
        (event,) = uow.audit.list(subject="SSPB-2022-03-01", kind="meeting.moved")
        cancelled = uow.audit.list(subject="SSPB-2022-05-05", kind="meeting.cancelled")
        new = uow.audit.list(subject="SSPB-2022-09-08", kind="meeting.added")
        flagged = uow.audit.list(subject="SSPB-2022-07-07", kind="meeting.missing_from_source")
    assert event.actor == "ModernGov"
    assert event.reason == "ModernGov: meeting 17003 moved from 1 March 2022 to 8 March 2022"
    assert cancelled[0].reason == "ModernGov: meeting 17004 on 5 May 2022 at 14:00 cancelled"
    assert new[0].actor == "ModernGov" and "meeting 17006 added as SSPB-2022-09-08" in new[0].reason
    assert "meeting 17005" in flagged[0].reason and "no longer listed" in flagged[0].reason

    feed_publishing.publish_feeds(uow_factory, tmp_path / "after", AS_OF, LATER, "https://govflow.example.org")
    before = vevent(tmp_path / "before" / "body" / "SSPB.ics", "SSPB-2022-03-01")
    after = vevent(tmp_path / "after" / "body" / "SSPB.ics", "SSPB-2022-03-01")
    uid = re.search(r"UID:(.*)\r\n", before).group(1)
    assert f"UID:{uid}\r\n" in after  # the same event, moved
    assert "DTSTART;TZID=Europe/London:20220308T140000" in after and "SEQUENCE:1" in after and "SEQUENCE:0" in before
    assert "STATUS:CANCELLED" in vevent(tmp_path / "after" / "body" / "SSPB.ics", "SSPB-2022-05-05")


def test_a_meeting_listed_again_is_unflagged(southend: Path, uow_factory) -> None:
    sync_body(uow_factory, "SSPB", StandIn(FIRST), as_of=AS_OF, now=NOW)
    sync_body(uow_factory, "SSPB", StandIn(FIRST[:4]), as_of=AS_OF, now=NOW)
    assert sspb(uow_factory)["SSPB-2022-07-07"].missing_from_source
    result = sync_body(uow_factory, "SSPB", StandIn(FIRST), as_of=AS_OF, now=LATER)
    assert [c.kind.value for c in result.done] == ["listed again"]
    assert not sspb(uow_factory)["SSPB-2022-07-07"].missing_from_source


def test_a_source_that_fails_changes_nothing(southend: Path, uow_factory) -> None:
    sync_body(uow_factory, "SSPB", StandIn(FIRST), as_of=AS_OF, now=NOW)
    before = sspb(uow_factory)
    with uow_factory() as uow:
        audited = len(uow.audit.list())
    failing = LoadError("the site answered 500 Internal Server Error", file="https://democracy.example.gov.uk/mgWebService.asmx/GetMeetings")
    results = sync_bodies(uow_factory, None, StandIn(failing), as_of=AS_OF, now=LATER)
    (result,) = results  # SSPB is the one body linked to a source
    assert not result.ok and "answered 500" in result.failure and result.plan is None
    assert sspb(uow_factory) == before
    with uow_factory() as uow:
        assert len(uow.audit.list()) == audited


def test_a_dry_run_says_what_would_change_and_stores_nothing(southend: Path, uow_factory) -> None:
    sync_body(uow_factory, "SSPB", StandIn(FIRST), as_of=AS_OF, now=NOW)
    before = sspb(uow_factory)
    with uow_factory() as uow:
        audited, forecasts = len(uow.audit.list()), uow.documents.list_forecasts()
    result = sync_body(uow_factory, "SSPB", StandIn(SECOND), as_of=AS_OF, now=LATER, dry_run=True)
    assert result.ok and result.dry_run and result.done == []
    assert [c.kind.value for c in result.plan.changes] == ["new", "disappeared", "moved", "cancelled"]
    assert sspb(uow_factory) == before
    with uow_factory() as uow:
        assert len(uow.audit.list()) == audited and uow.documents.list_forecasts() == forecasts


def test_a_sync_never_touches_another_body(southend: Path, uow_factory) -> None:
    """HWBB meets on 7 March too; the SSPB's source listing a meeting that day matches nothing of HWBB's."""
    with uow_factory() as uow:
        hwbb = {m.key: m for m in uow.bodies.get("HWBB").meetings}
    result = sync_body(uow_factory, "SSPB", StandIn([*FIRST, meeting("17010", "2022-03-07", "10:00")]), as_of=AS_OF, now=NOW)
    assert ("new", "SSPB-2022-03-07") in [(c.kind.value, c.meeting_key) for c in result.done]
    with uow_factory() as uow:
        assert {m.key: m for m in uow.bodies.get("HWBB").meetings} == hwbb
