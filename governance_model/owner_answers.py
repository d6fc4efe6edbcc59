"""What owners answer from a reminder (issue 17), as the domain sees it: the item an answer is about
(named as reminders name it), an expected date that moves an action's deadline, and a "done" that
waits for the body's secretary to confirm it.

Rules:
- An item is "step:DOC/STEP" or "action:PLAN/REC/POS" (`ItemRef.parse`); anything else is refused.
- An owner's expected date (`ExpectedDate`) counts only when it is later than the item's own date:
  a step is then planned on it (governance_model.route_planner), an action falls due on it
  (`action_deadline`: RAG and reminders count to it, and say so).
- A body with `confirm_done: true` keeps a "done" answered by an owner as an `AwaitingAnswer` until
  its secretary confirms it; the secretary is reminded of it once (governance_model.answer_reminders),
  in the digest's "Answers awaiting your confirmation". Pure.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from governance_model.errors import ModelError
from governance_model.model import Action, Body, Document, ExpectedDate
from governance_model.reason_words import day_words

AWAITING = "awaiting confirmation"
CONFIRMED = "confirmed"
DONE = "done"
CONFIRMATION_RULE = "awaiting-confirmation"

_STEP = re.compile(r"step:([^/\s]+)/([^/\s]+)")
_ACTION = re.compile(r"action:([^/\s]+)/([^/\s]+)/(\d+)")


@dataclass(frozen=True)
class ItemRef:
    """One item an owner can answer for: a route step or a plan action."""

    kind: str  # "step" | "action"
    parent: str  # the document's or the plan's key
    step_key: str | None = None
    recommendation: str | None = None
    position: int | None = None

    @classmethod
    def parse(cls, item_key: str) -> ItemRef:
        if match := _STEP.fullmatch(item_key.strip()):
            return cls("step", match.group(1), step_key=match.group(2))
        if match := _ACTION.fullmatch(item_key.strip()):
            return cls("action", match.group(1), recommendation=match.group(2), position=int(match.group(3)))
        raise ModelError(f"{item_key!r} names no step or action: write step:DOCUMENT/STEP or action:PLAN/RECOMMENDATION/POSITION")

    @property
    def key(self) -> str:
        if self.kind == "step":
            return f"step:{self.parent}/{self.step_key}"
        return f"action:{self.parent}/{self.recommendation}/{self.position}"


def expected_words(expected: ExpectedDate, planned: str | None = None) -> str:
    """"expected late by GB: the data is not in yet; now expected by 31 March 2022 (“end of March”;
    planned “Jan 2022”)"."""
    day = f" by {day_words(expected.day)}" if expected.day else ""
    was = f"; planned “{planned}”" if planned else ""
    return f"{expected.reason}; now expected{day} (“{expected.when.text}”{was})"


def action_deadline(action: Action) -> tuple[dt.date, str] | None:
    """The day an action now falls due because its owner expects it late, with why in words; None
    when no owner said so, or the day said is not later than its own (then its own date stands).
    A recurring or ongoing action has no one deadline to move: its expected date is not counted."""
    expected, when = action.expected, action.when
    if expected is None or expected.day is None or (when is not None and when.kind in ("recurring", "ongoing")):
        return None
    own = when.end if when is not None and when.kind != "contingent" else None
    if own is not None and expected.day <= own:
        return None
    return expected.day, expected_words(expected, when.text if when else None)


@dataclass(frozen=True)
class AwaitingAnswer:
    """A "done" an owner answered for a step at a body that asks its secretary to confirm it."""

    id: int
    item_key: str
    answered_by: str  # the owner's initials
    answered_on: dt.date  # the day they said it was done: the step's day when confirmed
    answered_at: dt.datetime  # aware
    body_code: str  # whose secretary confirms it
    note: str = ""
    status: str = AWAITING
    confirmed_by: str | None = None
    confirmed_at: dt.datetime | None = None


def needs_confirmation(body: Body | None) -> bool:
    return body is not None and body.confirm_done


def step_of(document: Document, step_key: str):
    step = next((s for s in document.route.steps if s.key == step_key), None)
    if step is None:
        raise ModelError(f"document {document.key!r} has no step {step_key!r}")
    return step


def answer_words(answer: AwaitingAnswer) -> str:
    """"done on 3 March 2022, answered by GB: sent to the clerk" (what the secretary is asked to confirm)."""
    note = f": {answer.note}" if answer.note else ""
    return f"done on {day_words(answer.answered_on)}, answered by {answer.answered_by}{note}"
