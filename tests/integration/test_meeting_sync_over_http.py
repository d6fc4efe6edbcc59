"""End to end (issue 16): a body linked to ModernGov, synced through the committee_systems reader
from a local HTTP server on 127.0.0.1 holding the Manchester recordings (tests/data/committee_systems/
moderngov: the first and second derived readings — one meeting moved, one cancelled, one added),
through SQLite and PostgreSQL. The step on the moved meeting moves with it; a 500 changes nothing."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from committee_systems.reading import read_source
from govflow.services import file_loading
from govflow.services.meeting_sync import sync_body
from govflow.services.night_planning import run_nightly
from tests.committee_sources.conftest import CouncilServer, answer, council_server, recording  # noqa: F401 - the fixture

LONDON = ZoneInfo("Europe/London")
AS_OF = dt.date(2026, 1, 20)
NOW = dt.datetime(2026, 1, 20, 3, 0, tzinfo=dt.timezone.utc)
# What the sync asks for: 31 days back, 366 on.
GET_MEETINGS = "/mgWebService.asmx/GetMeetings?lCommitteeId=144&sFromDate=20/12/2025&sToDate=21/01/2027"

SETUP = """\
context: 2026-01-01
people:
  - {initials: CL, name: Committee clerk}
bodies:
  - code: Audit
    name: Audit Committee
    source: {moderngov: 'URL', committee: 144}
    meetings:
      dates:
        - at: 2026-02-10 10:00
documents:
  - key: annual-audit
    title: Annual audit letter
    dated: 2026-01-05
    owner: CL
    route:
      - {key: audit, kind: decide, body: Audit, when: 10 February 2026, title: Audit Committee considers the letter}
"""


def read(source, first_day, last_day):
    return read_source(source, first_day=first_day, last_day=last_day, max_bytes=200_000, timeout=5)


def serve(server: CouncilServer, meetings: str) -> None:
    server.serve(GET_MEETINGS, answer(recording(f"moderngov/{meetings}")))
    server.serve("/mgWebService.asmx/GetMeeting?lMeetingId=4967", answer(recording("moderngov/GetMeeting.xml")))
    for added in ("4968", "4969"):
        server.serve(f"/mgWebService.asmx/GetMeeting?lMeetingId={added}", answer(recording(f"moderngov/GetMeeting-derived-{added}.xml")))


def meetings(uow_factory) -> dict:
    with uow_factory() as uow:
        return {m.key: m for m in uow.bodies.get("Audit").meetings}


def test_a_body_synced_from_moderngov_over_http(council_server: CouncilServer, uow_factory, tmp_path: Path) -> None:  # noqa: F811
    setup = tmp_path / "setup.yaml"
    setup.write_text(SETUP.replace("URL", council_server.url), encoding="utf-8")
    file_loading.load_files([setup], uow_factory())

    serve(council_server, "GetMeetings-derived-first.xml")
    first = sync_body(uow_factory, "Audit", read, as_of=AS_OF, now=NOW)
    assert first.ok and first.problems == []
    assert [(c.kind.value, c.meeting_key) for c in first.done] == [
        ("matched", "Audit-2026-02-10"), ("new", "Audit-2026-03-10"), ("papers published", "Audit-2026-02-10"),
    ]
    matched = meetings(uow_factory)["Audit-2026-02-10"]
    assert matched.source_id == "4967"  # typed by hand: matched, not duplicated
    # The papers ModernGov lists for the meeting are kept with it, each with its address.
    titles = {p.title: p.url for p in matched.papers}
    assert titles.pop("Agenda").endswith("/ieListDocuments.aspx?CId=144&MId=4967")  # agendapublished: True
    assert titles and all(url.startswith("https://democracy.manchester.gov.uk/mgConvert2PDF.aspx?ID=") for url in titles.values())
    with uow_factory() as uow:
        (published,) = uow.audit.list(subject="Audit-2026-02-10", kind="meeting.papers_published")
    assert published.actor == "ModernGov" and matched.papers[0].title in published.reason
    run_nightly(uow_factory, AS_OF, NOW)

    serve(council_server, "GetMeetings-derived-second.xml")
    second = sync_body(uow_factory, "Audit", read, as_of=AS_OF, now=NOW)
    assert second.ok, second.failed
    assert [(c.kind.value, c.meeting_key) for c in second.done] == [
        ("new", "Audit-2026-04-14"), ("moved", "Audit-2026-02-10"), ("cancelled", "Audit-2026-03-10"),
    ]
    stored = meetings(uow_factory)
    assert stored["Audit-2026-02-10"].starts_at == dt.datetime(2026, 2, 17, 14, 0, tzinfo=LONDON)
    assert stored["Audit-2026-03-10"].status.value == "cancelled"
    with uow_factory() as uow:
        (moved,) = uow.audit.list(subject="Audit-2026-02-10", kind="meeting.moved")
        (step,) = [f for f in uow.documents.list_forecasts() if f.step_key == "audit"]
    assert (moved.actor, moved.reason) == ("ModernGov", "ModernGov: meeting 4967 moved from 10 February 2026 at 10:00 to 17 February 2026 at 14:00")
    assert step.date == dt.date(2026, 2, 17)

    council_server.serve(GET_MEETINGS, answer(b"error", status=500))
    failed = sync_body(uow_factory, "Audit", read, as_of=AS_OF, now=NOW)
    assert not failed.ok and "HTTP 500" in failed.failure
    assert meetings(uow_factory) == stored
