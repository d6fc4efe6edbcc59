"""One reading of a body's source: ask it (through an injectable `fetch`) and read what it says
into a SourceReading — ModernGov's GetMeetings then GetMeeting per meeting, CMIS's month pages then
each meeting's page, or the .ics.

A failure of the first request(s) (the meetings list, a month page, the calendar) is a SourceError:
nothing is known, so nothing may be changed. A failure of a follow-up request (one meeting's
papers or page) keeps the meeting as the list has it, says so as a SourceProblem, and asks no more
follow-ups from that source in this reading (a site that has just failed is not hammered)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from governance_model.meeting_sources import MeetingSource, SourceKind, SourceProblem, SourceReading

from . import cmis, ics, moderngov
from .errors import SourceError

# The most meeting pages (ModernGov's GetMeeting, CMIS's meeting page) one reading asks for: a year of
# a committee's meetings is a dozen or two; an answer listing thousands must not mean thousands of
# requests (each up to the time-out). The meetings beyond are still read, without their papers.
MAX_MEETING_PAGES = 100
from .fetching import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    check_scheme,
    cmis_month_pages,
    fetch as http_fetch,
    moderngov_meeting_url,
    moderngov_meetings_url,
    moderngov_site,
    redacted,
    same_site,
)

Fetch = Callable[..., bytes]  # fetch(url, *, max_bytes, timeout) -> bytes, raising SourceError


def read_source(
    source: MeetingSource,
    *,
    first_day: dt.date,
    last_day: dt.date,
    fetch: Fetch = http_fetch,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
) -> SourceReading:
    """The meetings `source` lists from first_day to last_day (inclusive), and its problems."""
    if last_day < first_day:
        raise SourceError(f"{source.name}: the last day {last_day} is before the first {first_day}")
    check_scheme(source.url)

    def ask(url: str) -> bytes:
        return fetch(url, max_bytes=max_bytes, timeout=timeout)

    if source.kind is SourceKind.MODERNGOV:
        return _read_moderngov(source, first_day, last_day, ask)
    if source.kind is SourceKind.CMIS:
        return _read_cmis(source, first_day, last_day, ask)
    return ics.read_calendar(
        ask(source.url), match=source.match, address=redacted(source.url), first_day=first_day, last_day=last_day,
    )


def _read_moderngov(source: MeetingSource, first_day: dt.date, last_day: dt.date, ask: Callable[[str], bytes]) -> SourceReading:
    if not source.committee:
        raise SourceError(f"{redacted(source.url)}: a ModernGov source needs the committee's id (committee: …)")
    url = moderngov_meetings_url(source, first_day, last_day)
    site = moderngov_site(source.url)
    reading = moderngov.read_meetings(
        ask(url), committee=source.committee, site=redacted(site), address=redacted(url),
        first_day=first_day, last_day=last_day,
    )
    failed: str | None = None
    asked = 0
    for index, meeting in enumerate(reading.meetings):
        if meeting.cancelled:
            continue  # a cancelled meeting has no papers to wait for
        if asked == MAX_MEETING_PAGES and not failed:
            failed = f"the source lists more than {MAX_MEETING_PAGES} meetings going ahead: the papers of the first {MAX_MEETING_PAGES} were asked for"
        asked += 1
        if failed:
            reading.problems.append(SourceProblem(f"meeting {meeting.source_id}", "", f"its papers were not asked for: {failed}", kept=True, source_id=meeting.source_id))
            continue
        meeting_url = moderngov_meeting_url(source, meeting.source_id)
        try:
            details = moderngov.read_meeting_details(
                ask(meeting_url), site=redacted(site), committee=source.committee, address=redacted(meeting_url),
            )
        except SourceError as exc:
            failed = f"the site failed on meeting {meeting.source_id} ({exc})"
            reading.problems.append(SourceProblem(f"meeting {meeting.source_id}", "", f"its papers could not be read: {exc}", kept=True, source_id=meeting.source_id))
            continue
        reading.problems.extend(details.problems)
        reading.meetings[index] = replace(meeting, location=meeting.location or details.location, papers=details.papers)
    return reading


def _read_cmis(source: MeetingSource, first_day: dt.date, last_day: dt.date, ask: Callable[[str], bytes]) -> SourceReading:
    reading = SourceReading(first_day=first_day, last_day=last_day)
    for month, url in cmis_month_pages(source, first_day, last_day):
        page = cmis.read_month_page(ask(url), month=month, committee=source.committee, address=redacted(url))
        reading.problems.extend(page.problems)
        known = {meeting.source_id for meeting in reading.meetings}
        reading.meetings.extend(
            meeting for meeting in page.meetings
            if first_day <= meeting.day <= last_day and meeting.source_id not in known
        )
    failed: str | None = None
    asked = 0
    for index, meeting in enumerate(reading.meetings):
        where = f"meeting {meeting.source_id}"
        if not meeting.address:
            continue
        if not same_site(meeting.address, source.url):
            reading.problems.append(SourceProblem(where, meeting.address, "its page is on another site: not asked", kept=True, source_id=meeting.source_id))
            continue
        if asked == MAX_MEETING_PAGES and not failed:
            failed = f"the calendar lists more than {MAX_MEETING_PAGES} meetings: the pages of the first {MAX_MEETING_PAGES} were asked for"
        asked += 1
        if failed:
            reading.problems.append(SourceProblem(where, "", f"its page was not asked for: {failed}", kept=True, source_id=meeting.source_id))
            continue
        try:
            page = cmis.read_meeting_page(ask(meeting.address), address=meeting.address)
        except SourceError as exc:
            failed = f"the site failed on meeting {meeting.source_id} ({exc})"
            reading.problems.append(SourceProblem(where, "", f"its status, venue and papers could not be read: {exc}", kept=True, source_id=meeting.source_id))
            continue
        reading.meetings[index], problems = cmis.with_page(meeting, page)
        reading.problems.extend(problems)
    return reading
