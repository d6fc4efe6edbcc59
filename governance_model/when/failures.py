"""Why a grammar rule did not read some words, and how the reader chooses among its rules."""
from __future__ import annotations

from typing import Any, Callable


class Unreadable(Exception):
    """These words are not what this rule reads (another rule may read them)."""

    def __init__(self, reason: str = "not a date phrase govflow can read"):
        super().__init__(reason)
        self.reason = reason


class Wrong(Exception):
    """The words are a date, but an impossible one: reported, never guessed around."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class NotInYear(Wrong):
    """This year has no such day (29 February, a weekday that does not match, a missing term)."""


def first_that_reads(*attempts: Callable[[], Any]) -> Any:
    """The first rule that reads the words. An impossible date found on the way is reported
    only if no rule reads them."""
    wrong: Wrong | None = None
    for attempt in attempts:
        try:
            return attempt()
        except Wrong as exc:
            wrong = wrong or exc
        except Unreadable:
            pass
    raise wrong or Unreadable()
