"""The one clock: what time it is now (aware, UTC) and what day it is in Europe/London, where the
boards meet. Built in govflow.wiring and passed down; the domain never reads the clock, and tests
pass a FixedClock so any run can be replayed for any moment."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_day(moment: dt.datetime) -> dt.date:
    """The calendar day in Europe/London at an aware moment (00:30 BST on 1 July is 23:30 UTC on 30 June)."""
    if moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone")
    return moment.astimezone(LONDON).date()


class Clock:
    """The real time."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)

    def today(self) -> dt.date:
        """Today in Europe/London: the default `--as-of` of every command and of the nightly run."""
        return london_day(self.now())


class FixedClock(Clock):
    """A clock stopped at one moment, for tests and replays."""

    def __init__(self, moment: dt.datetime):
        if moment.utcoffset() is None:
            raise ValueError(f"a fixed clock needs an aware time, not {moment.isoformat()}")
        self.moment = moment.astimezone(dt.timezone.utc)

    def now(self) -> dt.datetime:
        return self.moment

    def __repr__(self) -> str:
        return f"FixedClock({self.moment.isoformat()})"
