"""Reading CMIS (Civica) pages: a month calendar page into one committee's meetings, and a meeting's
own page into its status, venue and papers. The stdlib HTML parser only; nothing is run or fetched.

Rules, as the recorded Birmingham pages (tests/data/committee_systems/cmis/) show the format:
- one table row per day; the day is in td.SimpleCalendarDate as "Monday, 8 June", without a year:
  the year is the month asked's (a "December" cell on January's page is the year before, a
  "January" cell on December's page the year after), and the weekday, when given, must agree;
- each meeting is a link "HH:MM Committee name" to …/Meeting/<id>/Committee/<cid>/…: the meeting
  id is its source id, the committee id picks this body's meetings; no time reads as 00:00;
- the month page has no status and no venue: those come from the meeting's page, where each value
  follows its label ("Status:", "Venue:") — the class names there are wrong, so the labels decide;
- a row or link that cannot be read is a SourceProblem; the other meetings are still read.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from governance_model.meeting_sources import PublishedPaper, SourcedMeeting, SourceProblem, SourceReading

from .errors import SourceError

LONDON = ZoneInfo("Europe/London")
MEETING_LINK = re.compile(r"/Meeting/(\d+)/Committee/(\d+)(?:/|$)", re.IGNORECASE)
DAY_CELL = re.compile(r"^(?:(?P<weekday>[A-Za-z]+),?\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[A-Za-z]+)$")
LINK_TEXT = re.compile(r"^(?:(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s+)?(?P<title>.+)$", re.DOTALL)
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
KNOWN_STATUSES = {"scheduled": False, "occurred": False, "held": False, "cancelled": True, "canceled": True}


@dataclass(frozen=True)
class MeetingPage:
    """What a CMIS meeting page says about its meeting."""

    status: str = ""
    venue: str = ""
    papers: tuple[PublishedPaper, ...] = ()

    @property
    def cancelled(self) -> bool:
        return KNOWN_STATUSES.get(self.status.lower(), False)

    @property
    def status_known(self) -> bool:
        return not self.status or self.status.lower() in KNOWN_STATUSES


def _classes(attrs: list[tuple[str, str | None]]) -> set[str]:
    return set((dict(attrs).get("class") or "").split())


class _MonthPageParser(HTMLParser):
    """Collects, per table row, the day cell's text and each meeting link (href, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[str, list[tuple[str, str]]]] = []
        self._day: list[str] | None = None
        self._link: tuple[str, list[str]] | None = None
        self._in_row = False
        self.day_cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._in_row = True
            self.rows.append(("", []))
        elif tag == "td" and "SimpleCalendarDate" in _classes(attrs) and self._in_row:
            self._day = []
            self.day_cells += 1
        elif tag == "a" and self._in_row:
            href = dict(attrs).get("href") or ""
            if MEETING_LINK.search(href):
                self._link = (href, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._day is not None:
            self.rows[-1] = (" ".join("".join(self._day).split()), self.rows[-1][1])
            self._day = None
        elif tag == "a" and self._link is not None:
            href, text = self._link
            self.rows[-1][1].append((href, " ".join("".join(text).split())))
            self._link = None
        elif tag == "tr":
            self._in_row = False

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link[1].append(data)
        elif self._day is not None:
            self._day.append(data)


def _parse(parser: HTMLParser, data: bytes, *, what: str, address: str) -> None:
    text = _decode(data)
    if "<" not in text:
        raise SourceError(f"{address}: the {what} is not an HTML page")
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser's own complaints on broken markup
        raise SourceError(f"{address}: the {what} cannot be read as HTML ({exc})") from None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Older CMIS installs serve Windows-1252; every byte means something there.
        return data.decode("cp1252", errors="replace")


def read_month_page(
    data: bytes,
    *,
    month: dt.date,
    committee: str | None = None,
    address: str = "the month page",
) -> SourceReading:
    """The meetings (of `committee`, when given) on one CMIS month calendar page asked for `month`
    (any day of it). The reading covers that month's days."""
    parser = _MonthPageParser()
    _parse(parser, data, what="CMIS month calendar page", address=address)
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    reading = SourceReading(first_day=first, last_day=last)
    if not parser.day_cells:
        # An error page or a changed layout must not read as "no meetings this month": that would
        # flag every stored meeting as gone from the source.
        raise SourceError(f"{address}: the page has no CMIS month calendar (no day cells): not a CMIS calendar page")
    seen: set[str] = set()
    for row_number, (day_text, links) in enumerate(parser.rows, start=1):
        for href, text in links:
            meeting_id, committee_id = MEETING_LINK.search(href).groups()
            if committee and committee_id != str(committee).strip():
                continue
            where = f"meeting {meeting_id}"
            try:
                day = _read_day(day_text, first)
            except ValueError as exc:
                reading.problems.append(SourceProblem(f"{where} (row {row_number})", day_text, f"its day cannot be read: {exc}", source_id=meeting_id))
                continue
            match = LINK_TEXT.match(text)
            if not match or not match.group("title").strip():
                reading.problems.append(SourceProblem(where, text, "the link names no committee", source_id=meeting_id))
                continue
            hour, minute = int(match.group("hour") or 0), int(match.group("minute") or 0)
            if hour > 23 or minute > 59:
                reading.problems.append(SourceProblem(where, text, "its time is not a time of day", source_id=meeting_id))
                continue
            if meeting_id in seen:
                continue  # a meeting linked twice (title and icon) is one meeting
            seen.add(meeting_id)
            reading.meetings.append(SourcedMeeting(
                source_id=meeting_id,
                starts_at=dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON),
                time_known=match.group("hour") is not None,  # a link with no time: the day only
                title=match.group("title").strip(),
                address=urljoin(address, href) if address.startswith(("http://", "https://")) else href,
            ))
    return reading


def _read_day(text: str, month: dt.date) -> dt.date:
    """"Monday, 8 June" on the page for `month` → the date, its year taken from the month asked."""
    match = DAY_CELL.match(text.strip())
    if not match:
        raise ValueError('not a day written like "Monday, 8 June"')
    month_number = MONTHS.get(match.group("month").lower())
    if month_number is None:
        raise ValueError(f"{match.group('month')!r} is not a month")
    year = month.year
    if month.month == 12 and month_number == 1:
        year += 1
    elif month.month == 1 and month_number == 12:
        year -= 1
    try:
        day = dt.date(year, month_number, int(match.group("day")))
    except ValueError as exc:
        raise ValueError(f"no such day in {year} ({exc})") from None
    weekday = match.group("weekday")
    if weekday:
        if weekday.lower() not in WEEKDAYS:
            raise ValueError(f"{weekday!r} is not a weekday")
        if WEEKDAYS[weekday.lower()] != day.weekday():
            raise ValueError(f"{day:%d %B %Y} is a {day:%A}, not a {weekday}")
    return day


class _MeetingPageParser(HTMLParser):
    """Collects label → value pairs ("Status:" → "Scheduled") and the documents' links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self.documents: list[tuple[str, str]] = []
        self._label: list[str] | None = None
        self._pending_label: str | None = None
        self._value: list[str] | None = None
        self._value_depth = 0
        self._document: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = _classes(attrs)
        if tag == "label":
            self._label = []
        elif self._value is not None and tag == "div":
            self._value_depth += 1
        elif tag == "div" and "Value" in classes and self._pending_label is not None:
            self._value, self._value_depth = [], 1
        elif tag == "a" and "TitleLink" in classes:
            self._document = (dict(attrs).get("href") or "", [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label is not None:
            self._pending_label = " ".join("".join(self._label).split()).rstrip(":").strip().lower()
            self._label = None
        elif tag == "div" and self._value is not None:
            self._value_depth -= 1
            if self._value_depth == 0:
                self.values.setdefault(self._pending_label or "", " ".join("".join(self._value).split()))
                self._value, self._pending_label = None, None
        elif tag == "a" and self._document is not None:
            href, text = self._document
            self.documents.append((href, " ".join("".join(text).split())))
            self._document = None

    def handle_data(self, data: str) -> None:
        if self._label is not None:
            self._label.append(data)
        if self._value is not None:
            self._value.append(data)
        if self._document is not None:
            self._document[1].append(data)


def read_meeting_page(data: bytes, *, address: str = "the meeting page") -> MeetingPage:
    """A CMIS meeting page's status, venue and document links (made absolute against `address`)."""
    parser = _MeetingPageParser()
    _parse(parser, data, what="CMIS meeting page", address=address)
    papers = []
    for href, title in parser.documents:
        url = urljoin(address, href) if address.startswith(("http://", "https://")) else href
        if not url.lower().startswith(("http://", "https://")):
            continue  # a javascript:, mailto: or file: link is no paper anyone can open
        if href and title and PublishedPaper(title, url) not in papers:
            papers.append(PublishedPaper(title, url))
    return MeetingPage(parser.values.get("status", ""), parser.values.get("venue", ""), tuple(papers))


def with_page(meeting: SourcedMeeting, page: MeetingPage) -> tuple[SourcedMeeting, list[SourceProblem]]:
    """The meeting with what its page adds; a status govflow does not know is reported, not guessed."""
    problems = []
    if not page.status_known:
        problems.append(SourceProblem(
            f"meeting {meeting.source_id}", page.status,
            "a status govflow does not know (Scheduled, Occurred, Cancelled): the meeting is read as not cancelled",
        ))
    return SourcedMeeting(
        source_id=meeting.source_id, starts_at=meeting.starts_at, cancelled=page.cancelled,
        status=page.status, location=page.venue or meeting.location, title=meeting.title,
        papers=page.papers, address=meeting.address,
    ), problems
