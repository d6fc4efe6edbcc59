"""What the calendar feeds remember between builds: each event's last published state, and the
secret token in the address of each person's private feed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from governance_model.errors import ModelError
from governance_model.repository_rules import check_aware


@dataclass(frozen=True)
class FeedEventState:
    """What was last published for one calendar event: a hash of its content (everything but
    DTSTAMP, SEQUENCE and LAST-MODIFIED), its SEQUENCE, and when it last changed (its LAST-MODIFIED
    and DTSTAMP)."""

    uid: str
    content_hash: str
    sequence: int
    last_modified: dt.datetime  # aware; read back in UTC


@dataclass(frozen=True)
class FeedToken:
    """The secret in the address of one person's private feed."""

    initials: str
    token: str
    created_at: dt.datetime  # aware, UTC
    rotated_at: dt.datetime | None = None  # the last time it was replaced


def check_feed_event_state(state: FeedEventState) -> None:
    check_aware(state.last_modified, f"feed event {state.uid!r} last_modified")
    if state.sequence < 0:
        raise ModelError(f"feed event {state.uid!r}: SEQUENCE {state.sequence} is negative")
