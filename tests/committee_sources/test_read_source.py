"""One reading of a body's source through HTTP, from a local server holding the recordings:
ModernGov (GetMeetings, then GetMeeting per meeting for its papers), CMIS (the month pages, then
each meeting's page on the same site) and a calendar; a source that fails is one SourceError, a
follow-up that fails is a problem on that meeting and the rest is still read."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from committee_systems.errors import SourceError
from committee_systems.reading import read_source
from governance_model.meeting_sources import MeetingSource, PublishedPaper, SourceKind, SourceProblem

from .conftest import CouncilServer, answer, recording, slow

LONDON = ZoneInfo("Europe/London")
JAN, APR = dt.date(2026, 1, 1), dt.date(2026, 4, 30)
GET_MEETINGS = "/mgWebService.asmx/GetMeetings?lCommitteeId=144&sFromDate=01/01/2026&sToDate=30/04/2026"


def moderngov(server: CouncilServer, meetings: str = "moderngov/GetMeetings.xml") -> MeetingSource:
    server.serve(GET_MEETINGS, answer(recording(meetings)))
    return MeetingSource(SourceKind.MODERNGOV, server.url, committee="144")


def test_moderngov_meetings_come_with_their_location_and_papers(council_server: CouncilServer) -> None:
    source = moderngov(council_server)
    council_server.serve("/mgWebService.asmx/GetMeeting?lMeetingId=4967", answer(recording("moderngov/GetMeeting.xml")))
    reading = read_source(source, first_day=JAN, last_day=APR, max_bytes=100_000, timeout=5)
    assert reading.problems == []
    assert (reading.first_day, reading.last_day) == (JAN, APR)
    cancelled, confirmed = reading.meetings
    assert (cancelled.source_id, cancelled.cancelled, cancelled.papers) == ("4966", True, ())
    assert (confirmed.source_id, confirmed.starts_at, confirmed.location) == (
        "4967", dt.datetime(2026, 2, 10, 10, tzinfo=LONDON), "Council Antechamber, Level 2, Town Hall Extension",
    )
    assert [paper.title for paper in confirmed.papers] == [
        "Agenda", "6 - CHAIR APPROVED  Minutes Audit Committee 25 Nov 2025", "DRAFT WP  FEBRUARY 2026",
    ]
    assert confirmed.papers[1].url == "https://democracy.manchester.gov.uk/mgConvert2PDF.aspx?ID=60860"
    # A cancelled meeting's papers are not asked for.
    assert council_server.asked == [GET_MEETINGS, "/mgWebService.asmx/GetMeeting?lMeetingId=4967"]


def test_the_second_moderngov_recording_is_read_whole(council_server: CouncilServer) -> None:
    source = moderngov(council_server, "moderngov/GetMeetings-derived-second.xml")
    council_server.serve("/mgWebService.asmx/GetMeeting?lMeetingId=4967", answer(recording("moderngov/GetMeeting.xml")))
    council_server.serve("/mgWebService.asmx/GetMeeting?lMeetingId=4969", answer(recording("moderngov/GetMeeting-derived-4969.xml")))
    reading = read_source(source, first_day=JAN, last_day=APR, max_bytes=100_000, timeout=5)
    assert reading.problems == []
    assert [(m.source_id, m.day, m.cancelled, len(m.papers)) for m in reading.meetings] == [
        ("4966", dt.date(2026, 1, 13), True, 0), ("4967", dt.date(2026, 2, 17), False, 3),
        ("4968", dt.date(2026, 3, 10), True, 0), ("4969", dt.date(2026, 4, 14), False, 0),
    ]


@pytest.mark.parametrize(
    ("route", "complaint"),
    [
        (answer(b"error", status=500), "the server answered HTTP 500"),
        (slow(3), "took longer than 0.5 seconds"),
        (answer(recording("hostile/billion-laughs.xml")), "declares a DTD"),
        (answer(recording("hostile/external-entity.xml")), "declares a DTD"),
        (answer(recording("hostile/html-error-page.html"), content_type="text/html"), "declares a DTD"),
        (answer(recording("hostile/GetMeetings-truncated.xml")), "not well-formed XML"),
        (answer(b"<getmeetings>" + b" " * 20_000 + b"</getmeetings>"), "more than the 10000 bytes allowed"),
    ],
    ids=["500", "time-out", "billion laughs", "external entity", "html error page", "truncated", "oversized"],
)
def test_a_moderngov_source_that_fails_is_one_source_error_naming_it(council_server: CouncilServer, route, complaint: str) -> None:  # noqa: ANN001
    council_server.serve(GET_MEETINGS, route)
    source = MeetingSource(SourceKind.MODERNGOV, council_server.url, committee="144")
    with pytest.raises(SourceError, match=complaint) as raised:
        read_source(source, first_day=JAN, last_day=APR, max_bytes=10_000, timeout=0.5)
    assert str(raised.value).startswith(council_server.url + GET_MEETINGS)


def test_papers_that_cannot_be_read_leave_the_meeting_as_listed_and_stop_further_asking(council_server: CouncilServer) -> None:
    source = moderngov(council_server, "moderngov/GetMeetings-derived-second.xml")
    council_server.serve("/mgWebService.asmx/GetMeeting?lMeetingId=4967", answer(b"down", status=503))
    reading = read_source(source, first_day=JAN, last_day=APR, max_bytes=100_000, timeout=5)
    assert [(m.source_id, m.day, m.papers) for m in reading.meetings] == [
        ("4966", dt.date(2026, 1, 13), ()), ("4967", dt.date(2026, 2, 17), ()),
        ("4968", dt.date(2026, 3, 10), ()), ("4969", dt.date(2026, 4, 14), ()),
    ]
    failed = f"{council_server.url}/mgWebService.asmx/GetMeeting?lMeetingId=4967: the server answered HTTP 503 Service Unavailable"
    assert reading.problems == [
        SourceProblem("meeting 4967", "", f"its papers could not be read: {failed}", kept=True, source_id="4967"),
        SourceProblem("meeting 4969", "", f"its papers were not asked for: the site failed on meeting 4967 ({failed})", kept=True, source_id="4969"),
    ]
    assert len(council_server.asked) == 2


def test_a_cmis_committees_month_is_read_with_each_meetings_page(council_server: CouncilServer) -> None:
    month = recording("cmis/birmingham_calendar_month.html").replace(b"https://birmingham.cmis.uk.com", council_server.url.encode())
    page_path = "/birmingham/Meetings/tabid/70/ctl/MeetingCalendarPublicNoJava/mid/397/Date/2026-06-01/Default.aspx"
    council_server.serve(page_path, answer(month, content_type="text/html"))
    meeting_path = "/birmingham/Meetings/tabid/70/ctl/ViewMeetingPublic/mid/397/Meeting/15028/Committee/6/SelectedTab/Documents/Default.aspx"
    council_server.serve(meeting_path, answer(recording("cmis/birmingham_meeting_summary.html"), content_type="text/html"))
    source = MeetingSource(SourceKind.CMIS, council_server.url + page_path, committee="6")
    reading = read_source(source, first_day=dt.date(2026, 6, 1), last_day=dt.date(2026, 6, 30), max_bytes=100_000, timeout=5)
    assert reading.problems == []
    [meeting] = reading.meetings
    assert (meeting.source_id, meeting.starts_at, meeting.status, meeting.location, meeting.title) == (
        "15028", dt.datetime(2026, 6, 8, 10, tzinfo=LONDON), "Scheduled", "On-line meeting", "Licensing Sub-Committee A",
    )
    assert meeting.papers == (PublishedPaper("Minutes of the previous meeting", f"{council_server.url}/birmingham/Document.ashx?czJKcaeAi5tUFL1DTL2UE4sOqCLHzE2A"),)


def test_a_cmis_meeting_page_on_another_site_is_not_asked(council_server: CouncilServer) -> None:
    page_path = "/birmingham/Meetings/tabid/70/ctl/MeetingCalendarPublicNoJava/mid/397/Date/2026-06-01/Default.aspx"
    council_server.serve(page_path, answer(recording("cmis/birmingham_calendar_month.html"), content_type="text/html"))
    source = MeetingSource(SourceKind.CMIS, council_server.url + page_path, committee="4")
    reading = read_source(source, first_day=dt.date(2026, 6, 1), last_day=dt.date(2026, 6, 30), max_bytes=100_000, timeout=5)
    assert [(m.source_id, m.day) for m in reading.meetings] == [("15099", dt.date(2026, 6, 30))]
    assert reading.problems == [SourceProblem(
        "meeting 15099",
        "https://birmingham.cmis.uk.com/birmingham/Meetings/tabid/70/ctl/ViewMeetingPublic/mid/397/Meeting/15099/Committee/4/SelectedTab/Documents/Default.aspx",
        "its page is on another site: not asked", kept=True, source_id="15099",
    )]
    assert council_server.asked == [page_path]


def test_a_calendar_is_read_from_its_address(council_server: CouncilServer) -> None:
    url = council_server.serve("/public/ics/SiKalAbo.ics", answer(recording("ics/iserlohn-alle-20260129.excerpt.ics"), content_type="text/calendar"))
    source = MeetingSource(SourceKind.ICS, url, match="Sportausschuss")
    reading = read_source(source, first_day=JAN, last_day=dt.date(2026, 12, 31), max_bytes=100_000, timeout=5)
    assert [(m.source_id, m.cancelled) for m in reading.meetings] == [("ALLRIS-Sitzung-2002534", True)]


def test_the_fetch_can_be_replaced_and_is_given_the_cap_and_time_out() -> None:
    calls = []

    def fake_fetch(url: str, *, max_bytes: int, timeout: float) -> bytes:
        calls.append((url, max_bytes, timeout))
        return recording("ics/iserlohn-alle-20260119.excerpt.ics")

    source = MeetingSource(SourceKind.ICS, "https://example.gov.uk/boards.ics")
    reading = read_source(source, first_day=JAN, last_day=APR, fetch=fake_fetch, max_bytes=1234, timeout=7)
    assert calls == [("https://example.gov.uk/boards.ics", 1234, 7)]
    assert [m.source_id for m in reading.meetings] == ["ALLRIS-Sitzung-2002534"]


def test_a_source_that_is_not_http_is_refused_before_anything_is_asked() -> None:
    def never(url: str, **_: object) -> bytes:
        raise AssertionError("asked")

    source = MeetingSource(SourceKind.ICS, "file:///etc/passwd")
    with pytest.raises(SourceError, match="only http and https addresses are asked, not 'file:'"):
        read_source(source, first_day=JAN, last_day=APR, fetch=never)
