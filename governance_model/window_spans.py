"""Windows as spans: the days over which a route step or a plan action whose When is a window runs
(issue 11, "a window is a span everywhere"). Pure. The calendar feeds show a span as one multi-day
all-day event (beside the closing day's deadline event); the reminders tell the owner on the day it
opens as well as before it closes.

Which items have a span:

- a **plan action** whose When is a window of more than one day: the window, as written;
- a **route step at no body** whose When is a window of more than one day, whatever its kind (a
  consultation, feedback, a workshop, a review, a revision…). The route planner already treats such
  a step's window as the time the work takes: when what it waits for finishes after the window
  closes, it slips keeping the window's length (`route_planner._forecast`). A step **at a body** has
  no span: it is done at one sitting, the planner puts it on one meeting, and its window only says
  which sitting it aims at (a meeting known only by its window is itself an all-day event over it
  in the body's feed).

Where a step's span lies: it closes on the step's date as the planner gives it (done, scheduled or
forecast), so it moves when the step slips:

- closing after the window's last day (it slipped): the same length, ending on that date;
- closing on the last day, or inside the window (done early): from the window's first day to that
  date;
- closing on or before the window's first day (done before it opened): no span, one day only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from governance_model.model import Action, Step
from governance_model.when import When


@dataclass(frozen=True)
class ItemSpan:
    """The days an item runs over: `opens` and `closes` inclusive, `closes` after `opens`."""

    opens: dt.date
    closes: dt.date


def window_span(when: When | None, closes: dt.date | None) -> ItemSpan | None:
    """The span of a window When that closes on `closes` (see the module docstring); None when the
    When is not a window of more than one day, or `closes` is not known."""
    if when is None or when.kind != "window" or when.start is None or when.end is None or closes is None:
        return None
    if when.end <= when.start:
        return None
    if closes > when.end:
        return ItemSpan(closes - (when.end - when.start), closes)
    if closes > when.start:
        return ItemSpan(when.start, closes)
    return None


def step_span(step: Step, closes: dt.date | None) -> ItemSpan | None:
    """The span of a route step closing on `closes` (the planner's date); None for a step at a body."""
    if step.body_code is not None:
        return None
    return window_span(step.when, closes)


def action_span(action: Action) -> ItemSpan | None:
    """The span of a plan action: its window as written."""
    when = action.when
    return window_span(when, when.end if when is not None else None)
