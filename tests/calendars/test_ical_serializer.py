"""calendars.ical's own content-line writer: TEXT escaping, folding at 75 octets without splitting a
UTF-8 character, and the same bytes as icalendar writes for the same event (pure)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.feeds import CONFIRMED, TENTATIVE, Feed, FeedEvent
from calendars.ical import (
    REFRESH,
    REFRESH_VALUE,
    escape_text,
    event_component,
    event_text,
    fold,
    london_vtimezone,
    london_vtimezone_bytes,
    render_feed,
)

LONDON = ZoneInfo("Europe/London")
STAMP = dt.datetime(2021, 10, 6, 3, 0, tzinfo=dt.timezone.utc)

WELSH = ("Cyfarfod Bwrdd Partneriaeth Strategol AAA (Anghenion Dysgu Ychwanegol): ŵyl, ŷd, "
         "Llŷr ac Ynys Môn; adroddiad cynnydd, penderfyniadau a chamau gweithredu\n"
         "Lleoliad: Canolfan Ddinesig, Rhodfa Victoria\\ystafell 2")
EMOJI = "📅 Board meeting 🎉🎉🎉 " + "👩‍👩‍👧‍👦 family hub, SEND; review 🇬🇧 " * 6 + "Ö" * 40 + "€" * 30


def feed_of(*events: FeedEvent) -> Feed:
    return Feed("body/T.ics", "body", "T", "Test; board, (T)", True, tuple(events), "Tests, with; punctuation")


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    assert all(b"\r" not in line and b"\n" not in line for line in lines)
    return lines


def test_text_escaping_per_rfc_5545() -> None:
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    assert escape_text("one\r\ntwo\rthree") == "one\\ntwo\\nthree"
    assert escape_text("C:\\Users\\;x") == "C:\\\\Users\\\\\\;x"  # the backslash first: no double escapes
    assert escape_text("plain: text (ok)") == "plain: text (ok)"


def test_folding_at_75_octets() -> None:
    short = "SUMMARY:" + "x" * 66  # 74 octets: not folded
    assert fold(short) == short
    folded = fold("SUMMARY:" + "x" * 200)
    parts = folded.split("\r\n")
    assert [len(p) for p in parts] == [74, 75, 61]  # 208 octets: 74 + 74 + 60, continuations after a space
    assert all(p.startswith(" ") for p in parts[1:])
    # A break that would leave a backslash at the end of a line moves it to the next one.
    line = "DESCRIPTION:" + "y" * 61 + "\\,tail" + "z" * 20
    parts = fold(line).split("\r\n")
    assert not parts[0].endswith("\\") and parts[1].startswith(" \\,")
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=400))
def test_folding_any_text_never_splits_a_character(text: str) -> None:
    line = "SUMMARY:" + escape_text(text)
    folded = fold(line).encode()
    for n, physical in enumerate(folded.split(b"\r\n")):
        assert len(physical) <= 75
        physical.decode("utf-8")  # raises if a character was split across lines
        assert n == 0 or physical.startswith(b" ")
    assert folded.replace(b"\r\n ", b"") == line.encode()


def test_long_welsh_and_emoji_text_folds_and_reads_back_unchanged() -> None:
    events = [
        FeedEvent("welsh@govflow", WELSH, dt.datetime(2022, 3, 1, 18, tzinfo=LONDON),
                  dt.datetime(2022, 3, 1, 20, tzinfo=LONDON), CONFIRMED, False,
                  "https://govflow.example.org/meetings/welsh", WELSH * 2, "Neuadd y Dref, Caerdydd; ystafell ŵy",
                  ("Bwrdd, AAA", "cyfarfod")),
        FeedEvent("emoji@govflow", EMOJI, dt.date(2022, 3, 2), dt.date(2022, 3, 3), TENTATIVE, True,
                  "", EMOJI[::-1], "", ("🎉",)),
    ]
    data = render_feed(feed_of(*events), stamp=STAMP)
    lines = physical_lines(data)
    assert max(len(line) for line in lines) == 75  # folding happened, right up to the limit
    for line in lines:
        assert len(line) <= 75, line
        line.decode("utf-8")  # each physical line is whole UTF-8: no character split by a fold
    assert any(line.startswith(b" ") for line in lines)

    parsed = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    welsh, emoji = parsed["welsh@govflow"], parsed["emoji@govflow"]
    assert str(welsh["SUMMARY"]) == WELSH
    assert str(welsh["DESCRIPTION"]) == WELSH * 2
    assert str(welsh["LOCATION"]) == "Neuadd y Dref, Caerdydd; ystafell ŵy"
    assert welsh["CATEGORIES"].cats == ["Bwrdd, AAA", "cyfarfod"]
    assert welsh["DTSTART"].dt == dt.datetime(2022, 3, 1, 18, tzinfo=LONDON)
    assert str(emoji["SUMMARY"]) == EMOJI
    assert str(emoji["DESCRIPTION"]) == EMOJI[::-1]
    assert emoji["DTSTART"].dt == dt.date(2022, 3, 2)
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar.description == "Tests, with; punctuation"
    # icalendar reads NAME / X-WR-CALNAME untyped (no unescaping): they hold the escaped TEXT.
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"]) == "Test\\; board\\, (T)"


# --- the same bytes as icalendar --------------------------------------------------------------------

def test_the_vtimezone_and_refresh_are_icalendars() -> None:
    assert london_vtimezone_bytes() == london_vtimezone().to_ical()
    assert icalendar.vDuration(REFRESH).to_ical().decode() == REFRESH_VALUE


# icalendar turns a literal "\N" into a line break before escaping; we escape the backslash (RFC 5545).
texts = st.text(max_size=200).filter(lambda t: "\\N" not in t)
moments = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1),
                       timezones=st.sampled_from([dt.timezone.utc, LONDON, ZoneInfo("America/New_York")]))


@st.composite
def feed_events(draw) -> FeedEvent:
    if draw(st.booleans()):
        start = draw(moments)
        end = start + draw(st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=3)))
    else:
        start = draw(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)))
        end = start + dt.timedelta(days=draw(st.integers(1, 5)))
    url = draw(st.sampled_from(["", "https://govflow.example.org/meetings/SSPB-2021-10-06",
                                "https://example.org/" + "long-path/" * 12 + "?a=1;b=2,c=3"]))
    return FeedEvent(draw(texts.filter(bool)), draw(texts), start, end, draw(st.sampled_from([CONFIRMED, TENTATIVE])),
                     draw(st.booleans()), url, draw(texts), draw(texts),
                     tuple(draw(st.lists(texts, max_size=3))))


@settings(max_examples=300, deadline=None)
@given(feed_events(), moments, st.integers(0, 1000))
def test_an_event_is_written_exactly_as_icalendar_writes_it(event: FeedEvent, stamp: dt.datetime, sequence: int) -> None:
    assert event_text(event, stamp, sequence).encode() == event_component(event, stamp, sequence).to_ical()
