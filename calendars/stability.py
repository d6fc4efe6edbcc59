"""Keeping feeds stable: an event's SEQUENCE rises and its DTSTAMP / LAST-MODIFIED move only when
its content changes, so a feed whose events have not changed is byte-identical (pure)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from calendars.feeds import FeedEvent
from governance_model.feed_state import FeedEventState


def next_states(
    previous: Mapping[str, FeedEventState], events: Iterable[FeedEvent], now: dt.datetime
) -> dict[str, FeedEventState]:
    """The state of each event after this build: unchanged content keeps its state; changed content
    gets SEQUENCE + 1 and LAST-MODIFIED = `now`; a new event starts at SEQUENCE 0 and `now`."""
    if now.utcoffset() is None:
        raise ValueError(f"now {now.isoformat()} has no time zone")
    now = now.astimezone(dt.timezone.utc).replace(microsecond=0)
    states: dict[str, FeedEventState] = {}
    for event in events:
        if event.uid in states:
            continue
        digest = event.content_hash()
        before = previous.get(event.uid)
        if before is None:
            states[event.uid] = FeedEventState(event.uid, digest, 0, now)
        elif before.content_hash == digest:
            states[event.uid] = before
        else:
            # Never backwards, even if the clock is: clients ignore an update that is not newer.
            changed = max(now, before.last_modified + dt.timedelta(seconds=1))
            states[event.uid] = FeedEventState(event.uid, digest, before.sequence + 1, changed)
    return states


def changed_states(previous: Mapping[str, FeedEventState], states: Mapping[str, FeedEventState]) -> list[FeedEventState]:
    """The states that differ from what is stored: the ones to save."""
    return [s for uid, s in states.items() if previous.get(uid) != s]
