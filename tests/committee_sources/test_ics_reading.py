"""Calendars (.ics) read as a person checking them against Iserlohn's recorded feed would — the
Sportausschuss on 5 February 2026 at 17:00 Berlin (16:00 London), called off between the 19 and 29
January exports by "ENTFÄLLT - " in its title — and our UK-style calendar's forms: zones, all-day,
both cancellation forms, a shared calendar's `match`, and events that cannot be read."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from committee_systems.errors import SourceError
from committee_systems.ics import read_calendar, split_marker
from governance_model.meeting_sources import SourceProblem

from .conftest import recording

LONDON = ZoneInfo("Europe/London")


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=LONDON)


def test_the_recorded_calendar_is_read_with_uids_london_times_and_the_title_cancellation() -> None:
    reading = read_calendar(recording("ics/iserlohn-alle-20260129.excerpt.ics"))
    assert reading.problems == []
    assert [(m.source_id, m.starts_at, m.cancelled, m.status, m.title, m.location) for m in reading.meetings] == [
        ("ALLRIS-Sitzung-2002434", at(2026, 12, 15, 16), False, "", "Rat der Stadt Iserlohn", ""),  # empty LOCATION
        ("ALLRIS-Sitzung-2002691", at(2026, 12, 10, 16), False, "", "Betriebsausschuss Kommunales Immobilien Management", "Sitzungssaal Reiterweg"),
        ("ALLRIS-Sitzung-2002534", at(2026, 2, 5, 16), True, "ENTFÄLLT", "Sportausschuss", "Saalbau Letmathe"),
    ]
    assert reading.meetings[2].address == "https://www.iserlohn.sitzung-online.de/public/si010?DD=5&MM=2&YY=2026"


def test_the_same_event_before_it_was_called_off_is_not_cancelled_and_keeps_its_title() -> None:
    before = read_calendar(recording("ics/iserlohn-alle-20260119.excerpt.ics")).meetings
    after = read_calendar(recording("ics/iserlohn-alle-20260129.excerpt.ics"), match="Sportausschuss").meetings
    assert [(m.source_id, m.title, m.cancelled) for m in before] == [("ALLRIS-Sitzung-2002534", "Sportausschuss", False)]
    assert [(m.source_id, m.title, m.cancelled) for m in after] == [("ALLRIS-Sitzung-2002534", "Sportausschuss", True)]


def test_the_second_recording_shows_one_meeting_moved_one_cancelled_one_added() -> None:
    first = {m.source_id: (m.starts_at, m.cancelled) for m in read_calendar(recording("ics/iserlohn-alle-20260129.excerpt.ics")).meetings}
    second = {m.source_id: (m.starts_at, m.cancelled) for m in read_calendar(recording("ics/iserlohn-alle-derived-second.ics")).meetings}
    assert second == first | {
        "ALLRIS-Sitzung-2002691": (at(2026, 12, 17, 17), False),  # moved: 18:00 Berlin
        "ALLRIS-Sitzung-2002434": (at(2026, 12, 15, 16), True),  # STATUS:CANCELLED
        "ALLRIS-Sitzung-2002700": (at(2026, 3, 12, 16), False),  # added
    }
    assert len(second) == len(first) + 1


def test_a_uk_calendars_forms_are_read_and_what_cannot_be_read_is_reported() -> None:
    reading = read_calendar(recording("ics/made-by-us-uk-boards.ics"), match="Safeguarding Partnership Board")
    assert [(m.source_id, m.starts_at, m.cancelled, m.status, m.title, m.location) for m in reading.meetings] == [
        ("sspb-2026-03-03@example.gov.uk", at(2026, 3, 3, 14), False, "", "Strategic Safeguarding Partnership Board", "Committee Room 1, Civic Centre"),
        ("sspb-2026-04-07@example.gov.uk", at(2026, 4, 7, 10), False, "", "Strategic Safeguarding Partnership Board", ""),  # 09:00 UTC is 10:00 BST
        ("sspb-2026-05-05@example.gov.uk", at(2026, 5, 5, 10), True, "Cancelled", "Strategic Safeguarding Partnership Board", ""),  # floating: UK time
        ("sspb-2026-06-02@example.gov.uk", at(2026, 6, 2, 14), True, "CANCELLED", "Strategic Safeguarding Partnership Board", ""),
        ("sspb-away-day-2026@example.gov.uk", at(2026, 7, 10, 0), False, "", "Strategic Safeguarding Partnership Board away day", ""),  # all day
    ]
    # The Health and Wellbeing Board's event is another body's: neither read nor reported.
    assert reading.problems == [
        SourceProblem("event sspb-monthly-chairs@example.gov.uk", "FREQ=MONTHLY;COUNT=6",
                      "a repeating event (RRULE): govflow reads one event per meeting, so its sittings are not read"),
        SourceProblem("event number 8 (Strategic Safeguarding Partnership Board extra sitting)",
                      "Strategic Safeguarding Partnership Board extra sitting",
                      "it has no UID, so a move could not be told from a new meeting"),
        SourceProblem("event sspb-2026-09-01@example.gov.uk", "2026-09-01 14:00",
                      "its start cannot be read: Wrong datetime format: 2026-09-01 14:00", source_id="sspb-2026-09-01@example.gov.uk"),
        SourceProblem("event sspb-2026-10-06@example.gov.uk", "20261006T140000",
                      "its start cannot be read: its time zone 'Eastern Atlantic Council Time' is not one govflow knows",
                      source_id="sspb-2026-10-06@example.gov.uk"),
    ]


def test_only_the_days_asked_for_are_read() -> None:
    reading = read_calendar(recording("ics/iserlohn-alle-20260129.excerpt.ics"), first_day=dt.date(2026, 12, 1), last_day=dt.date(2026, 12, 12))
    assert [m.source_id for m in reading.meetings] == ["ALLRIS-Sitzung-2002691"]


@pytest.mark.parametrize(
    ("summary", "title", "marker"),
    [
        ("ENTFÄLLT - Sportausschuss", "Sportausschuss", "ENTFÄLLT"),
        ("Cancelled - Cabinet", "Cabinet", "Cancelled"),
        ("CANCELLED: Cabinet", "Cabinet", "CANCELLED"),
        ("Cabinet - CANCELLED", "Cabinet", "CANCELLED"),
        ("Cabinet (Cancelled)", "Cabinet", "Cancelled"),
        ("CANCELLED Cabinet", "Cabinet", "CANCELLED"),
        ("Cancelled Meetings Review Panel", "Cancelled Meetings Review Panel", ""),  # a name, not a marker
        ("Cabinet", "Cabinet", ""),
    ],
)
def test_title_cancellation_markers(summary: str, title: str, marker: str) -> None:
    assert split_marker(summary) == (title, marker)


@pytest.mark.parametrize(
    "body",
    [b"", recording("hostile/html-error-page.html"), recording("moderngov/GetMeetings.xml"),
     b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n"],
    ids=["empty", "html error page", "xml", "truncated"],
)
def test_an_answer_that_is_not_a_calendar_is_a_source_error(body: bytes) -> None:
    with pytest.raises(SourceError, match="https://example.gov.uk/boards.ics: the answer"):
        read_calendar(body, address="https://example.gov.uk/boards.ics")


def test_an_all_day_event_gives_the_day_only_not_midnight() -> None:
    reading = read_calendar(recording("ics/made-by-us-uk-boards.ics"), match="Strategic Safeguarding Partnership Board")
    by_id = {m.source_id: m for m in reading.meetings}
    assert by_id["sspb-away-day-2026@example.gov.uk"].time_known is False  # VALUE=DATE: a sync keeps a stored time
    assert by_id["sspb-2026-06-02@example.gov.uk"].time_known is True
