"""Feeds to iCalendar bytes (pure: model in, bytes out), with a Europe/London VTIMEZONE of our own.

The zone is written with DTSTART 1970 and yearly RRULEs (last Sunday of March / October), not with
icalendar's `add_missing_timezones` / `Timezone.from_tzinfo`: those write comma-separated RDATE
lists, of which Thunderbird's ical.js reads only the first value, so winter meetings come out an
hour early there. DTSTAMP is the event's LAST-MODIFIED, never the time of the request, so a feed
whose events have not changed is byte-identical from one build to the next.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vDuration, vText

from calendars.feeds import Feed, FeedEvent

LONDON = ZoneInfo("Europe/London")
PRODID = "-//govflow//calendar feeds//EN"
REFRESH = dt.timedelta(hours=12)  # how often subscribers should poll


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
    stamps = stamps or {}
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # X- properties are TEXT too: vText escapes their commas and semicolons as for NAME.
    calendar.add("name", vText(feed.title))
    calendar.add("x-wr-calname", vText(feed.title))
    if feed.description:
        calendar.add("description", vText(feed.description))
        calendar.add("x-wr-caldesc", vText(feed.description))
    calendar.add("x-wr-timezone", "Europe/London")
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    calendar.add_component(london_vtimezone())
    for event in sorted(feed.events, key=event_order):
        sequence, changed = stamps.get(event.uid, (0, stamp))
        if changed is None:
            raise ValueError(f"event {event.uid}: no stamp given and no stored LAST-MODIFIED")
        calendar.add_component(event_component(event, changed, sequence))
    return calendar.to_ical()


def event_order(event: FeedEvent) -> tuple[str, str]:
    """Events in time order (all-day events at the start of their day), then by UID."""
    if isinstance(event.start, dt.datetime):
        key = event.start.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M")
    else:
        key = event.start.isoformat() + "T00:00"
    return (key, event.uid)
