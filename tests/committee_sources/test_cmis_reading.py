"""CMIS pages read as a person checking them against Birmingham's recorded June 2026 calendar
would: Licensing Sub-Committee A (committee 6) on Monday 8 June at 10:00 (meeting 15028), Sub-
Committee B (7) twice on 9 June, Planning (4) on 30 June at 14:00; a meeting page's status, venue
and papers; rows that cannot be read reported, the rest read."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from committee_systems.cmis import read_meeting_page, read_month_page, with_page
from committee_systems.errors import SourceError
from governance_model.meeting_sources import PublishedPaper, SourcedMeeting, SourceProblem

from .conftest import recording

LONDON = ZoneInfo("Europe/London")
PAGE = "https://birmingham.cmis.uk.com/birmingham/Meetings/tabid/70/ctl/MeetingCalendarPublicNoJava/mid/397/Date/2026-06-01/Default.aspx"
MEETING = "https://birmingham.cmis.uk.com/birmingham/Meetings/tabid/70/ctl/ViewMeetingPublic/mid/397/Meeting/{}/Committee/{}/SelectedTab/Documents/Default.aspx"


def test_the_recorded_month_is_read_with_the_year_of_the_month_asked() -> None:
    reading = read_month_page(recording("cmis/birmingham_calendar_month.html"), month=dt.date(2026, 6, 1), address=PAGE)
    assert reading.problems == []
    assert [(m.source_id, m.starts_at, m.title, m.address) for m in reading.meetings] == [
        ("15028", dt.datetime(2026, 6, 8, 10, 0, tzinfo=LONDON), "Licensing Sub-Committee A", MEETING.format(15028, 6)),
        ("15029", dt.datetime(2026, 6, 9, 10, 0, tzinfo=LONDON), "Licensing Sub-Committee B", MEETING.format(15029, 7)),
        ("15030", dt.datetime(2026, 6, 9, 12, 0, tzinfo=LONDON), "Licensing Sub-Committee B", MEETING.format(15030, 7)),
        ("15099", dt.datetime(2026, 6, 30, 14, 0, tzinfo=LONDON), "Planning Committee", MEETING.format(15099, 4)),
    ]
    assert (reading.first_day, reading.last_day) == (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert reading.meetings[0].starts_at.utcoffset() == dt.timedelta(hours=1)  # BST in June


def test_only_the_bodys_committee_is_read() -> None:
    reading = read_month_page(recording("cmis/birmingham_calendar_month.html"), month=dt.date(2026, 6, 1), committee="7")
    assert [m.source_id for m in reading.meetings] == ["15029", "15030"]


def test_the_recorded_meeting_page_gives_status_venue_and_papers() -> None:
    page = read_meeting_page(recording("cmis/birmingham_meeting_summary.html"), address=MEETING.format(15218, 6))
    assert (page.status, page.venue, page.cancelled) == ("Scheduled", "On-line meeting", False)
    assert page.papers == (PublishedPaper(
        "Minutes of the previous meeting",
        "https://birmingham.cmis.uk.com/birmingham/Document.ashx?czJKcaeAi5tUFL1DTL2UE4sOqCLHzE2A",
    ),)


def month_page(*rows: tuple[str, str]) -> bytes:
    """A month page in the recorded page's markup, with the given (day cell, meeting links) rows."""
    body = "".join(
        f'<tr class="rgRow"><td class="SimpleCalendarDate">{day}</td><td>{links}</td></tr>\n' for day, links in rows
    )
    return f'<html><body><table class="rgMasterTable">{body}</table></body></html>'.encode()


def link(meeting: int, committee: int, text: str) -> str:
    return f'<p class="Meeting"><a href="{MEETING.format(meeting, committee)}">{text}</a></p>'


def test_december_and_january_days_take_the_right_year() -> None:
    reading = read_month_page(month_page(
        ("Tuesday, 29 December", link(1, 6, "10:00 Cabinet")),
        ("Tuesday, 5 January", link(2, 6, "10:00 Cabinet")),
    ), month=dt.date(2027, 1, 1))
    assert [m.day for m in reading.meetings] == [dt.date(2026, 12, 29), dt.date(2027, 1, 5)]


def test_rows_that_cannot_be_read_are_reported_and_the_rest_read() -> None:
    reading = read_month_page(month_page(
        ("Monday, 8 June", link(15028, 6, "10:00 Licensing Sub-Committee A")),
        ("Tuesday, 8 June", link(15031, 6, "10:00 Licensing Sub-Committee A")),  # 8 June 2026 is a Monday
        ("Someday", link(15032, 6, "10:00 Licensing Sub-Committee A")),
        ("Wednesday, 10 June", link(15033, 6, "25:00 Licensing Sub-Committee A")),
        ("Thursday, 11 June", link(15034, 6, "Licensing Sub-Committee A")),  # no time: 00:00
        ("Friday, 31 June", link(15035, 6, "10:00 Licensing Sub-Committee A")),
    ), month=dt.date(2026, 6, 1))
    assert [(m.source_id, m.starts_at) for m in reading.meetings] == [
        ("15028", dt.datetime(2026, 6, 8, 10, tzinfo=LONDON)),
        ("15034", dt.datetime(2026, 6, 11, 0, tzinfo=LONDON)),
    ]
    assert reading.problems == [
        SourceProblem("meeting 15031 (row 2)", "Tuesday, 8 June", "its day cannot be read: 08 June 2026 is a Monday, not a Tuesday", source_id="15031"),
        SourceProblem("meeting 15032 (row 3)", "Someday", 'its day cannot be read: not a day written like "Monday, 8 June"', source_id="15032"),
        SourceProblem("meeting 15033", "25:00 Licensing Sub-Committee A", "its time is not a time of day", source_id="15033"),
        SourceProblem("meeting 15035 (row 6)", "Friday, 31 June", "its day cannot be read: no such day in 2026 (day is out of range for month)", source_id="15035"),
    ]


def test_a_venue_name_with_an_entity_reads_as_people_see_it() -> None:
    page = read_meeting_page(
        b'<div class="holder"><label><span>Status:</span></label><div class="Value Venue">Cancelled</div></div>'
        b'<div class="holder"><label><span>Venue:</span></label><div class="Value Venue">Committee Rooms 3 &amp; 4</div></div>'
    )
    assert (page.status, page.venue, page.cancelled) == ("Cancelled", "Committee Rooms 3 & 4", True)


def test_a_status_not_known_is_reported_and_the_meeting_kept_as_not_cancelled() -> None:
    meeting = SourcedMeeting("15028", dt.datetime(2026, 6, 8, 10, tzinfo=LONDON), title="Licensing Sub-Committee A")
    page = read_meeting_page(b'<div class="holder"><label>Status:</label><div class="Value">Postponed</div></div>')
    kept, problems = with_page(meeting, page)
    assert (kept.status, kept.cancelled, kept.starts_at) == ("Postponed", False, meeting.starts_at)
    assert problems == [SourceProblem(
        "meeting 15028", "Postponed",
        "a status govflow does not know (Scheduled, Occurred, Cancelled): the meeting is read as not cancelled",
    )]


@pytest.mark.parametrize(
    "body",
    [b"", b"Service Unavailable", b"<html><body><h1>Runtime Error</h1><table><tr><td>x</td></tr></table></body></html>",
     (recording("hostile/html-error-page.html"))],
    ids=["empty", "text", "error page with a table", "recorded-style error page"],
)
def test_a_page_that_is_not_a_month_calendar_is_a_source_error_not_an_empty_month(body: bytes) -> None:
    # Read as "no meetings", it would flag every stored meeting as gone from the source.
    with pytest.raises(SourceError):
        read_month_page(body, month=dt.date(2026, 6, 1), address=PAGE)


def test_a_meeting_pages_links_that_are_not_web_addresses_are_no_papers() -> None:
    page = read_meeting_page(
        b'<a class="TitleLink" href="Document.ashx?id=1">Agenda frontsheet</a>'
        b'<a class="TitleLink" href="javascript:alert(1)">Report pack</a>'
        b'<a class="TitleLink" href="file:///etc/passwd">Minutes</a>',
        address="https://cmis.example.gov.uk/cmis5/Meetings/Meeting/1/Default.aspx",
    )
    assert [(p.title, p.url) for p in page.papers] == [("Agenda frontsheet", "https://cmis.example.gov.uk/cmis5/Meetings/Meeting/1/Document.ashx?id=1")]
