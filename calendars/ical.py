"""Feeds to iCalendar bytes (pure: model in, bytes out), with a Europe/London VTIMEZONE of our own.

The zone is written with DTSTART 1970 and yearly RRULEs (last Sunday of March / October), not with
icalendar's `add_missing_timezones` / `Timezone.from_tzinfo`: those write comma-separated RDATE
lists, of which Thunderbird's ical.js reads only the first value, so winter meetings come out an
hour early there. DTSTAMP is the event's LAST-MODIFIED, never the time of the request, so a feed
whose events have not changed is byte-identical from one build to the next.

`render_feed` writes the content lines itself (`content_line`, `escape_text`, `fold`) rather than
building icalendar components: icalendar's Component.add / to_ical cost ~0.3 ms an event, which a
1,000-event feed cannot afford. The output is byte for byte what icalendar 7 writes for the same
components (`event_component`, kept as the reference and checked against in the tests): the same
property order (its canonical order, then alphabetical), the same folding (at most 74 octets of
content a physical line, so 75 with a continuation's leading space, never splitting a UTF-8
character, and not leaving a backslash at the end of a folded line). The one deliberate difference:
icalendar first turns a literal "\\N" in text into a line break; here a backslash is always
written as "\\\\", as RFC 5545 3.3.11 says. The VTIMEZONE is icalendar's, rendered once.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Event, Timezone, TimezoneDaylight, TimezoneStandard

from calendars.feeds import Feed, FeedEvent

LONDON = ZoneInfo("Europe/London")
PRODID = "-//govflow//calendar feeds//EN"
REFRESH = dt.timedelta(hours=12)  # how often subscribers should poll
REFRESH_VALUE = "PT12H"  # REFRESH as an RFC 5545 DURATION (checked against icalendar in the tests)
FOLD_OCTETS = 74  # content octets a physical line; a continuation's leading space makes it 75
CHUNK_EVENTS = 512  # events a piece of `render_feed_chunks` (about 300 KB)


def london_vtimezone() -> Timezone:
    """Europe/London as RFC 5545 rules: BST from 01:00 UTC on the last Sunday of March, GMT from
    01:00 UTC (02:00 BST) on the last Sunday of October, as in force since 1996."""
    zone = Timezone()
    zone.add("tzid", "Europe/London")
    zone.add("x-lic-location", "Europe/London")
    daylight = TimezoneDaylight()
    daylight.add("tzname", "BST")
    daylight.add("tzoffsetfrom", dt.timedelta(0))
    daylight.add("tzoffsetto", dt.timedelta(hours=1))
    daylight.add("dtstart", dt.datetime(1970, 3, 29, 1, 0, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    standard = TimezoneStandard()
    standard.add("tzname", "GMT")
    standard.add("tzoffsetfrom", dt.timedelta(hours=1))
    standard.add("tzoffsetto", dt.timedelta(0))
    standard.add("dtstart", dt.datetime(1970, 10, 25, 2, 0, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    zone.add_component(daylight)
    zone.add_component(standard)
    return zone


def event_component(event: FeedEvent, stamp: dt.datetime, sequence: int = 0) -> Event:
    """One VEVENT. `stamp` (aware) is both its DTSTAMP and its LAST-MODIFIED: when it last changed."""
    if stamp.utcoffset() is None:
        raise ValueError(f"event {event.uid}: stamp {stamp.isoformat()} has no time zone")
    stamp = stamp.astimezone(dt.timezone.utc).replace(microsecond=0)
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("last-modified", stamp)
    vevent.add("sequence", sequence)
    if isinstance(event.start, dt.datetime):
        vevent.add("dtstart", event.start.astimezone(LONDON))
        vevent.add("dtend", event.end.astimezone(LONDON))
    else:
        vevent.add("dtstart", event.start)
        vevent.add("dtend", event.end)
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    if event.categories:
        vevent.add("categories", list(event.categories))
    vevent.add("status", event.status)
    vevent.add("transp", "TRANSPARENT" if event.transparent else "OPAQUE")
    if event.url:
        vevent.add("url", event.url)
    return vevent


def render_feed(
    feed: Feed,
    stamps: Mapping[str, tuple[int, dt.datetime]] | None = None,
    stamp: dt.datetime | None = None,
) -> bytes:
    """The feed as iCalendar bytes. `stamps` gives each event's (SEQUENCE, LAST-MODIFIED) by UID;
    an event without one gets SEQUENCE 0 and `stamp`."""
    return b"".join(render_feed_chunks(feed, stamps, stamp))


def render_feed_chunks(
    feed: Feed,
    stamps: Mapping[str, tuple[int, dt.datetime]] | None = None,
    stamp: dt.datetime | None = None,
    texts: dict[str, str] | None = None,
) -> Iterator[bytes]:
    """`render_feed` in pieces of at most CHUNK_EVENTS events, so a feed is written without its
    whole text in memory at once (the national all.ics is over 100 MB).

    `texts`, shared by the feeds of one publication, keeps each event's text by UID as it is first
    written: an event is in several feeds (its body's, its document's, its owner's and "all"), and
    its text (given the same `stamps`) is the same in each, so it is written once (33,058 texts instead
    of 77,822 for 15 synthetic councils)."""
    stamps = stamps or {}
    texts = {} if texts is None else texts
    # In icalendar's order for VCALENDAR: VERSION, PRODID, CALSCALE, METHOD, DESCRIPTION,
    # X-WR-CALDESC, NAME, X-WR-CALNAME, then the rest alphabetically; then the zone, then the events.
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        content_line("PRODID", escape_text(PRODID)),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if feed.description:
        lines.append(content_line("DESCRIPTION", escape_text(feed.description)))
        # X- properties are TEXT too: their commas and semicolons are escaped as for NAME.
        lines.append(content_line("X-WR-CALDESC", escape_text(feed.description)))
    lines.append(content_line("NAME", escape_text(feed.title)))
    lines.append(content_line("X-WR-CALNAME", escape_text(feed.title)))
    lines.append(content_line("REFRESH-INTERVAL", REFRESH_VALUE, (("VALUE", "DURATION"),)))
    lines.append(f"X-PUBLISHED-TTL:{REFRESH_VALUE}")
    lines.append("X-WR-TIMEZONE:Europe/London")
    yield ("\r\n".join(lines) + "\r\n").encode() + london_vtimezone_bytes()

    body: list[str] = []
    for event in sorted(feed.events, key=event_order):
        text = texts.get(event.uid)
        if text is None:
            sequence, changed = stamps.get(event.uid, (0, stamp))
            if changed is None:
                raise ValueError(f"event {event.uid}: no stamp given and no stored LAST-MODIFIED")
            text = texts[event.uid] = event_text(event, changed, sequence)
        body.append(text)
        if len(body) == CHUNK_EVENTS:
            yield "".join(body).encode()
            body = []
    yield "".join(body).encode() + b"END:VCALENDAR\r\n"


def event_text(event: FeedEvent, stamp: dt.datetime, sequence: int = 0) -> str:
    """One VEVENT as folded content lines, each ending CRLF: what `event_component(...).to_ical()`
    gives, written directly. Properties in icalendar's order for VEVENT: SUMMARY, DTSTART, DTEND,
    DTSTAMP, UID, SEQUENCE, then the rest alphabetically."""
    if stamp.utcoffset() is None:
        raise ValueError(f"event {event.uid}: stamp {stamp.isoformat()} has no time zone")
    stamped = utc_value(stamp)
    if isinstance(event.start, dt.datetime):
        zone = (("TZID", "Europe/London"),)
        start = content_line("DTSTART", local_value(event.start.astimezone(LONDON)), zone)
        end = content_line("DTEND", local_value(event.end.astimezone(LONDON)), zone)
    else:
        start = content_line("DTSTART", date_value(event.start), (("VALUE", "DATE"),))
        end = content_line("DTEND", date_value(event.end), (("VALUE", "DATE"),))
    lines = [
        "BEGIN:VEVENT",
        content_line("SUMMARY", escape_text(event.summary)),
        start,
        end,
        "DTSTAMP:" + stamped,
        content_line("UID", escape_text(event.uid)),
        f"SEQUENCE:{int(sequence)}",
    ]
    if event.categories:
        lines.append(content_line("CATEGORIES", ",".join(escape_text(c) for c in event.categories)))
    if event.description:
        lines.append(content_line("DESCRIPTION", escape_text(event.description)))
    lines.append("LAST-MODIFIED:" + stamped)
    if event.location:
        lines.append(content_line("LOCATION", escape_text(event.location)))
    lines.append(content_line("STATUS", escape_text(event.status)))
    lines.append("TRANSP:TRANSPARENT" if event.transparent else "TRANSP:OPAQUE")
    if event.url:
        lines.append(content_line("URL", uri_value(event.url)))
    lines.append("END:VEVENT")
    return "\r\n".join(lines) + "\r\n"


@lru_cache(maxsize=1)
def london_vtimezone_bytes() -> bytes:
    """`london_vtimezone()` as icalendar writes it (BEGIN:VTIMEZONE ... END:VTIMEZONE CRLF); a
    constant, so rendered once."""
    return london_vtimezone().to_ical()


# --- content lines (RFC 5545 3.1, 3.3) ----------------------------------------------------------

def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped with a backslash, a
    line break (CRLF, LF or a lone CR) written as \\n. The backslash goes first, so the escapes
    added after it are not escaped again."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def uri_value(value: str) -> str:
    """A URI value, written as it is (URIs have no escapes in iCalendar); a line break in one would
    break the content line, so it is refused."""
    if "\n" in value or "\r" in value:
        raise ValueError(f"URI with a line break: {value!r}")
    return value


def date_value(value: dt.date) -> str:
    """DATE (RFC 5545 3.3.4): YYYYMMDD."""
    return f"{value.year:04}{value.month:02}{value.day:02}"


def local_value(value: dt.datetime) -> str:
    """DATE-TIME as local time (the form used with TZID, RFC 5545 3.3.5): YYYYMMDDTHHMMSS, seconds
    truncated."""
    return f"{value.year:04}{value.month:02}{value.day:02}T{value.hour:02}{value.minute:02}{value.second:02}"


def utc_value(value: dt.datetime) -> str:
    """DATE-TIME in UTC (RFC 5545 3.3.5 form #2) of an aware datetime: YYYYMMDDTHHMMSSZ."""
    return local_value(value.astimezone(dt.timezone.utc)) + "Z"


def content_line(name: str, value: str, params: Iterable[tuple[str, str]] = ()) -> str:
    """NAME[;PARAM=VALUE...]:VALUE, folded. `value` is already escaped for its type; parameter
    values here are plain tokens (no quoting needed)."""
    head = name + "".join(f";{key}={param}" for key, param in params)
    return fold(f"{head}:{value}")


def fold(line: str) -> str:
    """Fold a content line (RFC 5545 3.1): at most FOLD_OCTETS octets of it a physical line, each
    continuation starting CRLF SPACE. Breaks fall between characters, never inside a UTF-8
    sequence, and never just after a backslash or caret (some clients read an escape split over a
    fold wrongly); that is icalendar's rule too, so the bytes are the same as it writes."""
    if len(line) <= FOLD_OCTETS and line.isascii():  # most lines: nothing to do
        return line
    data = line.encode()
    if len(data) <= FOLD_OCTETS:
        return line
    parts = []
    start, size = 0, len(data)
    while size - start > FOLD_OCTETS:
        end = start + FOLD_OCTETS
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: break before its character
            end -= 1
        if data[end - 1] in b"\\^":  # keep an escape's backslash (or caret) with what it escapes
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode()


def event_order(event: FeedEvent) -> tuple[str, str]:
    """Events in time order (all-day events at the start of their day), then by UID."""
    if isinstance(event.start, dt.datetime):
        key = event.start.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M")
    else:
        key = event.start.isoformat() + "T00:00"
    return (key, event.uid)
