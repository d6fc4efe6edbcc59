"""Reading a published calendar (.ics) into meetings, with the icalendar library.

Rules, as the recorded calendar (tests/data/committee_systems/ics/, a German council's ALLRIS feed:
no UK council's was found) and RFC 5545 say:
- an event's UID is its source id; its DTSTART, with a TZID, in UTC or floating (no zone: read as
  UK time), is read into Europe/London; a TZID the library does not know is a problem, not a guess;
- an all-day event (DTSTART;VALUE=DATE) is a meeting that day at 00:00 (the day is what the
  deadlines count from; its time is not known);
- cancelled: STATUS:CANCELLED, or a cancellation marker in the title — "CANCELLED", "Cancelled - "
  and ALLRIS's "ENTFÄLLT - " — which is taken out of the title (the title stays the body's name);
- `match`: only events whose title holds every one of its words (any case) are this body's;
- a repeating event (RRULE/RDATE) is not expanded: it is reported as a problem, because a
  committee's calendar lists each meeting as its own event and a rule would hide moves and
  cancellations of single sittings;
- an event with no UID or no readable start is a problem; the other events are still read;
- the publisher's empty line inside each VEVENT and empty LOCATION values are taken as they come.
"""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from icalendar import Calendar

from governance_model.meeting_sources import SourcedMeeting, SourceProblem, SourceReading

from .errors import SourceError

LONDON = ZoneInfo("Europe/London")
# "ENTFÄLLT - Sportausschuss", "Cancelled - Cabinet", "CANCELLED: Cabinet", "Cabinet - CANCELLED",
# "Cabinet (CANCELLED)": the marker, with the dash, colon or brackets around it.
MARKER_WORDS = r"(?:cancelled|canceled|entfällt|entfaellt)"
SHOUTED_WORDS = r"(?:CANCELLED|CANCELED|ENTFÄLLT)"  # in capitals, a marker even without a dash
LEADING_MARKER = re.compile(
    rf"^\s*(?:(?i:[\(\[]?{MARKER_WORDS}[\)\]]?)\s*[-–—:]\s*|[\(\[]?{SHOUTED_WORDS}[\)\]]?\s+)"
)
TRAILING_MARKER = re.compile(
    rf"\s*(?:(?i:[-–—:]\s*{MARKER_WORDS}|[\(\[]\s*{MARKER_WORDS}\s*[\)\]])|\s{SHOUTED_WORDS})\s*$"
)
SHOUTED_MARKER = re.compile(rf"\b{SHOUTED_WORDS}\b")
WORD = re.compile(r"\w+")


def split_marker(summary: str) -> tuple[str, str]:
    """(title without its cancellation marker, the marker as written or "")."""
    for pattern in (LEADING_MARKER, TRAILING_MARKER):
        match = pattern.search(summary)
        if match and summary[: match.start()].strip() + summary[match.end():].strip():
            marker = re.search(MARKER_WORDS, match.group(0), re.IGNORECASE).group(0)
            return (summary[: match.start()] + summary[match.end():]).strip(), marker
    shouted = SHOUTED_MARKER.search(summary)
    if shouted:  # "Cabinet CANCELLED due to …": capitals anywhere are a marker; "cancelled" in prose is not
        return summary, shouted.group(0)
    return summary.strip(), ""


def matches(title: str, match: str | None) -> bool:
    """True when `match` is empty or every word of it is a word of the title, in any case."""
    if not match:
        return True
    words = set(WORD.findall(title.casefold()))
    return all(word in words for word in WORD.findall(match.casefold()))


def read_calendar(
    data: bytes,
    *,
    match: str | None = None,
    address: str = "the calendar",
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
) -> SourceReading:
    """The meetings in an .ics calendar (those whose title holds `match`; from first_day to
    last_day when given)."""
    calendar = _parse(data, address)
    reading = SourceReading(first_day=first_day, last_day=last_day)
    seen: set[str] = set()
    for position, event in enumerate(calendar.walk("VEVENT"), start=1):
        summary = str(event.get("SUMMARY", "")).strip()
        title, marker = split_marker(summary)
        if not matches(title, match):
            continue  # another body's meeting in a shared calendar
        uid = str(event.get("UID", "")).strip()
        where = f"event {uid}" if uid else f"event number {position} ({summary or 'no title'})"
        if not uid:
            reading.problems.append(SourceProblem(where, summary, "it has no UID, so a move could not be told from a new meeting"))
            continue
        if event.get("RECURRENCE-ID") is not None:
            reading.problems.append(SourceProblem(where, summary, "a changed sitting of a repeating event: repeating events are not read"))
            continue
        if event.get("RRULE") is not None or event.get("RDATE") is not None:
            reading.problems.append(SourceProblem(
                where, _as_written(event, "RRULE") or _as_written(event, "RDATE") or summary,
                "a repeating event (RRULE): govflow reads one event per meeting, so its sittings are not read",
            ))
            continue
        try:
            starts_at = _start(event)
        except ValueError as exc:
            reading.problems.append(SourceProblem(where, _as_written(event, "DTSTART"), f"its start cannot be read: {exc}", source_id=uid))
            continue
        if first_day and starts_at.date() < first_day or last_day and starts_at.date() > last_day:
            continue
        if uid in seen:
            reading.problems.append(SourceProblem(where, summary, "the UID is used by two events: the first is kept"))
            continue
        seen.add(uid)
        status = str(event.get("STATUS", "")).strip()
        reading.meetings.append(SourcedMeeting(
            source_id=uid,
            starts_at=starts_at,
            time_known=_has_time(event),  # an all-day event: the day only
            cancelled=status.upper() == "CANCELLED" or bool(marker),
            status=status or marker,
            location=str(event.get("LOCATION", "")).strip(),
            title=title,
            address=str(event.get("URL", "")).strip(),
        ))
    return reading


def _has_time(event) -> bool:  # noqa: ANN001 - an icalendar Event
    """Whether the event's start has a time of day (an all-day event, VALUE=DATE, has none)."""
    start = event.get("DTSTART")
    return start is not None and isinstance(start.dt, dt.datetime)


def _parse(data: bytes, address: str) -> Calendar:
    try:
        calendars = Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError) as exc:
        raise SourceError(f"{address}: the answer is not an iCalendar file ({_short(exc)})") from None
    if len(calendars) != 1 or calendars[0].name != "VCALENDAR":
        raise SourceError(f"{address}: the answer holds {len(calendars)} calendars, not one VCALENDAR")
    return calendars[0]


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:157] + "…"


def _as_written(event, name: str) -> str:  # noqa: ANN001 (an icalendar component)
    """A property's value as the calendar writes it (what a person would find in the file)."""
    value = event.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    try:
        written = value.to_ical()
    except (AttributeError, ValueError, TypeError):
        return str(value)
    return written.decode("utf-8", "replace") if isinstance(written, bytes) else str(written)


def _start(event) -> dt.datetime:  # noqa: ANN001 (an icalendar component)
    """DTSTART as an aware Europe/London datetime; ValueError saying why not."""
    prop = event.get("DTSTART")
    if prop is None:
        raise ValueError("the event has no DTSTART")
    errors = [text for name, text in getattr(event, "errors", []) if name == "DTSTART"]
    if errors:
        raise ValueError(errors[0])
    value = getattr(prop, "dt", None)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
            if tzid:
                raise ValueError(f"its time zone {tzid!r} is not one govflow knows")
            return value.replace(tzinfo=LONDON)  # floating time: the council's own, UK time
        return value.astimezone(LONDON)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0, 0), tzinfo=LONDON)
    raise ValueError("not a date or a date and time")
