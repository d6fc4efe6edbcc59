"""ModernGov's XML read as a person checking it against the recordings would: Manchester's Audit
Committee (committee 144) — meeting 4966 on 13 January 2026 cancelled, 4967 on 10 February 2026 at
10 am confirmed with its minutes and work programme published — and what cannot be read reported
per meeting while the rest is read."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from committee_systems.errors import SourceError
from committee_systems.moderngov import (
    Committee,
    read_committees,
    read_meeting_details,
    read_meetings,
    read_time,
)
from governance_model.meeting_sources import PublishedPaper, SourceProblem

from .conftest import recording

LONDON = ZoneInfo("Europe/London")
SITE = "https://democracy.manchester.gov.uk"


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=LONDON)


def test_the_recorded_meetings_are_read_with_their_ids_days_times_and_statuses() -> None:
    reading = read_meetings(recording("moderngov/GetMeetings.xml"), committee="144", site=SITE)
    assert reading.problems == []
    assert [(m.source_id, m.starts_at, m.cancelled, m.status, m.title) for m in reading.meetings] == [
        ("4966", at(2026, 1, 13, 10, 0), True, "Cancelled", "Audit Committee"),
        ("4967", at(2026, 2, 10, 10, 0), False, "Confirmed", "Audit Committee"),
    ]
    assert reading.meetings[1].address == f"{SITE}/ieListDocuments.aspx?CId=144&MId=4967"
    assert reading.meetings[1].starts_at.utcoffset() == dt.timedelta(0)  # GMT in February


def test_another_committees_meetings_are_never_this_bodys() -> None:
    assert read_meetings(recording("moderngov/GetMeetings.xml"), committee="163").meetings == []


def test_only_the_days_asked_for_are_read_whatever_the_site_sends() -> None:
    reading = read_meetings(
        recording("moderngov/GetMeetings.xml"), committee="144",
        first_day=dt.date(2026, 2, 1), last_day=dt.date(2026, 2, 28),
    )
    assert [m.source_id for m in reading.meetings] == ["4967"]
    assert (reading.first_day, reading.last_day) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_the_second_recording_shows_one_meeting_moved_one_cancelled_one_added() -> None:
    first = read_meetings(recording("moderngov/GetMeetings-derived-first.xml"), committee="144")
    second = read_meetings(recording("moderngov/GetMeetings-derived-second.xml"), committee="144")
    before = {m.source_id: (m.starts_at, m.cancelled) for m in first.meetings}
    after = {m.source_id: (m.starts_at, m.cancelled) for m in second.meetings}
    assert before == {
        "4966": (at(2026, 1, 13, 10), True), "4967": (at(2026, 2, 10, 10), False), "4968": (at(2026, 3, 10, 10), False),
    }
    assert after == {
        "4966": (at(2026, 1, 13, 10), True),
        "4967": (at(2026, 2, 17, 14), False),  # moved, same id
        "4968": (at(2026, 3, 10, 10), True),  # cancelled
        "4969": (at(2026, 4, 14, 10), False),  # added
    }


def test_the_recorded_meetings_papers_are_its_public_linked_documents_and_its_agenda() -> None:
    details = read_meeting_details(recording("moderngov/GetMeeting.xml"), site=SITE, committee="144")
    assert details.meeting_id == "4967"
    assert details.location == "Council Antechamber, Level 2, Town Hall Extension"
    assert details.papers == (
        PublishedPaper("Agenda", f"{SITE}/ieListDocuments.aspx?CId=144&MId=4967"),  # agendapublished True
        PublishedPaper("6 - CHAIR APPROVED  Minutes Audit Committee 25 Nov 2025",
                       f"{SITE}/mgConvert2PDF.aspx?ID=60860", dt.date(2026, 2, 2)),
        PublishedPaper("DRAFT WP  FEBRUARY 2026", f"{SITE}/mgConvert2PDF.aspx?ID=60909", dt.date(2026, 2, 2)),
    )
    assert details.problems == ()


def test_a_cancelled_meeting_has_no_papers() -> None:
    details = read_meeting_details(recording("moderngov/GetMeeting-cancelled.xml"), site=SITE, committee="144")
    assert (details.meeting_id, details.papers, details.problems) == ("4966", (), ())


def test_a_restricted_document_is_not_a_published_paper() -> None:
    xml = recording("moderngov/GetMeeting.xml").replace(
        b"<isrestricted>False</isrestricted>\n          <restrictionsRef>", b"<isrestricted>True</isrestricted>\n          <restrictionsRef>", 1,
    )
    papers = read_meeting_details(xml, site=SITE, committee="144").papers
    assert [p.title for p in papers] == ["Agenda", "DRAFT WP  FEBRUARY 2026"]


def test_the_committees_listed_are_the_live_ones() -> None:
    assert read_committees(recording("moderngov/GetCommittees.xml")) == [
        Committee("163", "Art Galleries Committee", "Governance and Decision Making Committees"),
        Committee("144", "Audit Committee", "Governance and Decision Making Committees"),
    ]  # 312 has expired


def test_what_cannot_be_read_is_reported_per_meeting_and_the_rest_is_read() -> None:
    reading = read_meetings(recording("moderngov/GetMeetings-derived-problems.xml"), committee="144")
    read = {m.source_id: m for m in reading.meetings}
    assert {k: (m.starts_at, m.cancelled, m.status) for k, m in read.items()} == {
        "4966": (at(2026, 1, 13, 10), True, "Cancelled"),
        "4967": (at(2026, 2, 10, 10), False, "Confirmed"),
        "5004": (at(2026, 3, 17, 0), False, "Confirmed"),  # blank time: the day, at 00:00
        "5005": (at(2026, 3, 24, 0), False, "Confirmed"),  # TBC: the same
        "5006": (at(2026, 3, 31, 12), False, "Postponed"),  # a status not known: kept, not cancelled, reported
        "5007": (at(2026, 4, 14, 14), False, "Confirmed"),
        "5008": (at(2026, 4, 21, 14, 30), False, "Confirmed"),
    }
    assert read["5007"].location == "Children's Centre, Rooms 3 & 4"  # double-encoded entity unescaped once more
    assert read["5008"].location == ""  # whitespace only
    assert reading.problems == [
        SourceProblem("meeting 5001", "31/02/2026", "its date cannot be read: no such day (day is out of range for month)", source_id="5001"),
        SourceProblem("meeting 5002", "2026-03-03", "its date cannot be read: not a date written dd/mm/yyyy", source_id="5002"),
        SourceProblem("meeting 5003", "half ten",
                      'its time cannot be read: not a time written like "10.00 am", "2.00 pm" or "14:00"', source_id="5003"),
        SourceProblem("meeting 5006", "Postponed",
                      "a status govflow does not know (Confirmed, Cancelled): the meeting is read as not cancelled",
                      kept=True, source_id="5006"),
    ]


@pytest.mark.parametrize(
    ("text", "time"),
    [("10.00 am", dt.time(10)), ("2.00 pm", dt.time(14)), ("12.30 pm", dt.time(12, 30)), ("12.15 am", dt.time(0, 15)),
     ("10:00", dt.time(10)), ("18.30", dt.time(18, 30)), ("10am", dt.time(10)), ("2 p.m.", dt.time(14)),
     ("noon", dt.time(12)), ("12 noon", dt.time(12)), ("Midday", dt.time(12)), ("", dt.time(0)), ("TBC", dt.time(0))],
)
def test_times_as_modern_gov_writes_them(text: str, time: dt.time) -> None:
    assert read_time(text) == time


@pytest.mark.parametrize("text", ["13.00 pm", "25:00", "10.75 am", "half ten"])
def test_a_time_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        read_time(text)


@pytest.mark.parametrize(
    ("fixture", "complaint"),
    [
        ("hostile/billion-laughs.xml", "declares a DTD"),
        ("hostile/external-entity.xml", "declares a DTD"),
        ("hostile/html-error-page.html", "declares a DTD"),
        ("hostile/GetMeetings-truncated.xml", "not well-formed XML"),
    ],
)
def test_a_hostile_or_broken_answer_is_a_source_error(fixture: str, complaint: str) -> None:
    with pytest.raises(SourceError, match=complaint) as raised:
        read_meetings(recording(fixture), address="https://democracy.example.gov.uk/mgWebService.asmx/GetMeetings")
    assert str(raised.value).startswith("https://democracy.example.gov.uk/mgWebService.asmx/GetMeetings: the GetMeetings answer")


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (b"", "not well-formed XML"),
        (b"<html><body><p>Service unavailable</p></body></html>", "is a <html> document, not <getmeetings>"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><getmeetings>&a;</getmeetings>', "declares a DTD"),
        (b"\xff\xfe<getmeetings", "not well-formed XML"),
    ],
    ids=["empty", "html without doctype", "internal entity", "bytes"],
)
def test_other_answers_that_are_not_getmeetings_are_source_errors(body: bytes, complaint: str) -> None:
    with pytest.raises(SourceError, match=complaint):
        read_meetings(body)


def test_the_other_calls_refuse_hostile_answers_too() -> None:
    for reader in (read_meeting_details, read_committees):
        with pytest.raises(SourceError, match="declares a DTD"):
            reader(recording("hostile/billion-laughs.xml"))


def test_a_blank_or_tbc_time_gives_the_day_only_not_midnight() -> None:
    from committee_systems.moderngov import read_meetings

    def meeting(meeting_id: str, time: str) -> str:
        return (f"<meeting><meetingid>{meeting_id}</meetingid><meetingdate>03/03/2026</meetingdate>"
                f"<meetingstatus>Confirmed</meetingstatus><meetingtime>{time}</meetingtime></meeting>")

    xml = ("<?xml version='1.0' encoding='utf-8'?><getmeetings><committee><committeeid>142</committeeid>"
           f"<committeemeetings>{meeting('1', 'TBC')}{meeting('2', '  ')}{meeting('3', '2.00 pm')}</committeemeetings>"
           "</committee></getmeetings>").encode()
    known = {m.source_id: m.time_known for m in read_meetings(xml, committee="142").meetings}
    assert known == {"1": False, "2": False, "3": True}
