"""Why a grammar rule did not read some words, and how the reader chooses among its rules."""
from __future__ import annotations

from typing import Any, Callable

from governance_model.errors import Error


class Unreadable(Error):
    """These words are not what this rule reads (another rule may read them). Under the root error,
    like every error govflow defines, though read_when turns it into a WhenError that quotes the phrase."""

    def __init__(self, reason: str = "not a date phrase govflow can read"):
        super().__init__(reason)
        self.reason = reason


class Wrong(Error):
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
