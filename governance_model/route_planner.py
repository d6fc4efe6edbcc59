"""The route planner: from a document's route, its bodies' meetings and the decisions recorded, work
out on a given day where each step stands and when each later step is forecast to happen.

Rules (issue "Routes that move"):
- a step waits for the steps it names (by default the one before); side-by-side steps both finish
  before what waits for them;
- a step at a body sits on a meeting: the one it is tied to, or else the body's first meeting that
  leaves the papers lead time (working days) after everything it waits for is done; if its meeting
  moves, is cancelled, or comes too soon, the step moves with it or to the next meeting that fits;
- approved / endorsed / noted finish a step; approved_with_amendments finishes it but re-opens the
  route's revise step, which what follows then waits for; deferred puts the step on the body's next
  meeting after the deferral; referred_back re-opens the named revise step (by default the last one
  before) and every step after it; rejected stops the document.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from governance_model.model import (
    Body,
    Decision,
    DecisionOutcome,
    Document,
    Meeting,
    MeetingStatus,
    Step,
    StepForecast,
    StepKind,
    StepState,
)
from governance_model.working_days import WorkingCalendar

ONWARD = frozenset(
    {DecisionOutcome.APPROVED, DecisionOutcome.APPROVED_WITH_AMENDMENTS, DecisionOutcome.ENDORSED, DecisionOutcome.NOTED}
)
FINISHED = frozenset({StepState.DONE, StepState.SKIPPED})


@dataclass
class _StepHistory:
    """What the recorded events say about one step, replayed in date order."""

    done_on: dt.date | None = None
    outcome: DecisionOutcome | None = None
    decided_at: str | None = None  # "SSPB on 2022-01-06"
    deferred_on: dt.date | None = None
    deferred_note: str = ""
    reopened_by: str = ""  # why an earlier finish no longer counts
    reopened_on: dt.date | None = None
    extra_waits: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class RoutePlan:
    document_key: str
    as_of: dt.date
    steps: tuple[StepForecast, ...]
    stopped: bool = False

    @property
    def finished(self) -> bool:
        return bool(self.steps) and all(s.state in FINISHED for s in self.steps)

    def step(self, key: str) -> StepForecast:
        return next(s for s in self.steps if s.step_key == key)


def meeting_sort_key(meeting: Meeting) -> tuple[dt.date, str]:
    return (meeting.day or dt.date.max, meeting.key)


class MeetingIndex:
    """The meetings of every body, for finding the next sitting that fits."""

    def __init__(self, bodies: Iterable[Body]):
        self.bodies = {b.code: b for b in bodies}
        self.by_key: dict[str, Meeting] = {}
        self.dated: dict[str, list[Meeting]] = {}
        for body in self.bodies.values():
            for meeting in body.meetings:
                self.by_key[meeting.key] = meeting
            self.dated[body.code] = sorted(
                (m for m in body.meetings if m.starts_at is not None and m.status is not MeetingStatus.CANCELLED),
                key=meeting_sort_key,
            )

    def first_on_or_after(self, body_code: str, day: dt.date) -> Meeting | None:
        for meeting in self.dated.get(body_code, ()):
            if meeting.day >= day:
                return meeting
        return None

    def first_after(self, body_code: str, day: dt.date) -> Meeting | None:
        return self.first_on_or_after(body_code, day + dt.timedelta(days=1))

    def lead_days(self, body_code: str) -> int:
        body = self.bodies.get(body_code)
        return body.papers_lead_days if body else 0


def _replay(document: Document, decisions: list[Decision], as_of: dt.date) -> tuple[dict[str, _StepHistory], Decision | None]:
    """Replay manual completions and decisions up to `as_of`, in date order."""
    route = document.route
    steps = sorted(route.steps, key=lambda s: s.position)
    history = {s.key: _StepHistory() for s in steps}
    events: list[tuple[dt.date, int, object]] = [(s.done_on, 0, s) for s in steps if s.done_on and s.done_on <= as_of]
    events += [(d.decided_on, 1, d) for d in decisions if d.decided_on <= as_of and d.step_key in history]
    events.sort(key=lambda e: (e[0], e[1]))
    rejected: Decision | None = None
    for day, _, event in events:
        if isinstance(event, Step):
            h = history[event.key]
            if h.done_on is None or (h.reopened_on and h.reopened_on <= day):
                h.done_on, h.reopened_by, h.reopened_on = day, "", None
            continue
        decision: Decision = event  # type: ignore[assignment]
        h = history[decision.step_key]
        where = f"{decision.body_code} on {decision.decided_on.isoformat()}"
        if decision.outcome in ONWARD:
            h.done_on, h.outcome, h.decided_at = decision.decided_on, decision.outcome, where
            h.reopened_by, h.reopened_on, h.deferred_on = "", None, None
            if decision.outcome is DecisionOutcome.APPROVED_WITH_AMENDMENTS:
                revise = _revise_step(steps, route.step(decision.step_key), decision.back_to)
                if revise is not None and revise.position < route.step(decision.step_key).position:
                    _reopen(history[revise.key], f"amendments asked for at {where}", decision.decided_on)
                    for later in steps:
                        if later.position > route.step(decision.step_key).position:
                            history[later.key].extra_waits.add(revise.key)
        elif decision.outcome is DecisionOutcome.DEFERRED:
            h.deferred_on, h.deferred_note = decision.decided_on, f"deferred at {where}"
        elif decision.outcome is DecisionOutcome.REFERRED_BACK:
            step = route.step(decision.step_key)
            revise = _revise_step(steps, step, decision.back_to) or step
            for later in steps:
                if later.position >= revise.position:
                    _reopen(history[later.key], f"referred back at {where}", decision.decided_on)
                    history[later.key].deferred_on = None
            history[revise.key].extra_waits.clear()
        elif decision.outcome is DecisionOutcome.REJECTED:
            rejected = decision
            h.outcome, h.decided_at = decision.outcome, where
    return history, rejected


def _reopen(h: _StepHistory, why: str, day: dt.date) -> None:
    h.done_on, h.outcome, h.decided_at = None, None, None
    h.reopened_by, h.reopened_on = why, day


def _revise_step(steps: list[Step], step: Step, named: str | None) -> Step | None:
    if named:
        return next((s for s in steps if s.key == named), None)
    before = [s for s in steps if s.kind is StepKind.REVISE and s.position < step.position]
    if before:
        return before[-1]
    return next((s for s in steps if s.kind is StepKind.REVISE and s.position > step.position), None)


def plan_route(
    document: Document,
    meetings: MeetingIndex,
    decisions: Iterable[Decision],
    as_of: dt.date,
    calendar: WorkingCalendar,
) -> RoutePlan:
    """Every step's state on `as_of` and its done, scheduled or forecast date."""
    mine = [d for d in decisions if d.document_key == document.key]
    history, rejected = _replay(document, mine, as_of)
    route = document.route
    finish: dict[str, dt.date | None] = {}
    done_keys: set[str] = set()
    out: list[StepForecast] = []
    for step in sorted(route.steps, key=lambda s: s.position):
        h = history[step.key]
        if h.done_on is not None:
            finish[step.key] = h.done_on
            done_keys.add(step.key)
            reason = f"{h.outcome.value.replace('_', ' ')} at {h.decided_at}" if h.outcome else f"done on {h.done_on.isoformat()}"
            out.append(StepForecast(document.key, step.key, StepState.DONE, h.done_on, step.meeting_key, False, reason))
            continue
        if rejected is not None:
            finish[step.key] = None
            reason = f"rejected at {rejected.body_code} on {rejected.decided_on.isoformat()}"
            out.append(StepForecast(document.key, step.key, StepState.STOPPED, None, None, False, reason))
            continue
        waits = tuple(route.prerequisites(step)) + tuple(sorted(h.extra_waits - {step.key}))
        forecast = _forecast(step, h, waits, finish, meetings, calendar, as_of)
        ready = all(k in done_keys for k in waits)
        date, meeting, reason, tentative = forecast
        if date is None:
            state = StepState.PLANNED
        elif ready:
            state = StepState.OVERDUE if date < as_of else StepState.DUE
        else:
            state = StepState.SCHEDULED if meeting is not None else StepState.PLANNED
        # An open step finishes no earlier than today: what waits for it is re-planned from there.
        finish[step.key] = None if date is None else max(date, as_of)
        if h.reopened_by:
            reason = f"{h.reopened_by}; {reason}"
        out.append(
            StepForecast(document.key, step.key, state, date, meeting.key if meeting else None, tentative, reason)
        )
    return RoutePlan(document.key, as_of, tuple(out), stopped=rejected is not None)


def _forecast(
    step: Step,
    h: _StepHistory,
    waits: tuple[str, ...],
    finish: Mapping[str, dt.date | None],
    meetings: MeetingIndex,
    calendar: WorkingCalendar,
    as_of: dt.date,
) -> tuple[dt.date | None, Meeting | None, str, bool]:
    """(date, meeting, reason, tentative) for a step that is not finished."""
    unknown = [k for k in waits if finish.get(k) is None]
    ready = max((finish[k] for k in waits if finish.get(k) is not None), default=None)
    if h.reopened_on is not None:
        # Re-opened by a referral or amendments: nothing of it can happen before that day.
        ready = max(ready or h.reopened_on, h.reopened_on)
    when = step.when
    own_tentative = bool(when and (when.tentative or when.kind == "tbc"))
    if unknown:
        # Something it waits for has no date yet, so neither has this step.
        return None, None, f"waits for {', '.join(unknown)}, which has no date yet", True
    if step.body_code is None:
        own = when.end if when and when.end else None
        if own is None and ready is None:
            return None, None, "no date given", True
        if own is not None and (ready is None or own >= ready):
            return own, None, f"by {when.text}", own_tentative
        # It cannot start until what it waits for is done: it slips, keeping the length it had.
        length = (when.end - when.start) if when and when.start and when.end else dt.timedelta(0)
        after = _latest(waits, finish) or "being re-opened"
        slipped = ready + length
        planned = f", planned {when.text!r}" if when and when.text else ""
        return slipped, None, f"after {after} ({ready.isoformat()}){planned}", True
    lead = meetings.lead_days(step.body_code)
    earliest = calendar.add_working_days(ready, lead) if ready is not None else None
    why_earliest = (
        f"papers {lead} working days after {_latest(waits, finish)} (forecast {ready.isoformat()})" if ready is not None else ""
    )
    if h.deferred_on is not None:
        start = max(h.deferred_on + dt.timedelta(days=1), earliest or h.deferred_on)
        meeting = meetings.first_on_or_after(step.body_code, start)
        return _at(meeting, f"{h.deferred_note}: next {step.body_code} meeting", step, forecast=False)
    tied = meetings.by_key.get(step.meeting_key) if step.meeting_key else None
    if tied is not None:
        if tied.status is MeetingStatus.CANCELLED:
            day = tied.day or (when.start if when else None) or as_of
            meeting = meetings.first_after(step.body_code, max(day, earliest or day))
            return _at(meeting, f"{step.body_code} meeting of {tied.key} cancelled: next meeting", step)
        if tied.starts_at is None:
            return tied.day, None, f"{step.body_code} meeting {tied.key} not yet fixed ({tied.when.text if tied.when else 'TBC'})", True
        if ready is not None and tied.day < ready:
            # What it waits for now finishes after its meeting: the next one that leaves the lead time.
            meeting = meetings.first_on_or_after(step.body_code, earliest)
            return _at(meeting, f"{tied.key} too soon: {why_earliest}", step)
        return tied.day, tied, f"{step.body_code} meeting on {tied.day.isoformat()}", own_tentative or tied.status is MeetingStatus.TENTATIVE
    start = earliest
    if when is not None and when.start is not None and (start is None or when.start > start):
        start = when.start
    if start is None:
        if when is not None and when.kind == "tbc":
            return None, None, f"{step.body_code}: date to be confirmed", True
        start = as_of
    meeting = meetings.first_on_or_after(step.body_code, start)
    reason = f"first {step.body_code} meeting after {why_earliest}" if earliest is not None and start == earliest else f"first {step.body_code} meeting from {start.isoformat()}"
    return _at(meeting, reason, step)


def _at(meeting: Meeting | None, reason: str, step: Step, forecast: bool = True) -> tuple[dt.date | None, Meeting | None, str, bool]:
    """A step placed on `meeting`; a placement the planner chose (not the route's own) is a forecast."""
    if meeting is None:
        return None, None, f"{reason}: no {step.body_code} meeting in the diary yet", True
    tentative = forecast or meeting.status is MeetingStatus.TENTATIVE
    return meeting.day, meeting, f"{reason} ({meeting.day.isoformat()})", tentative


def _latest(waits: tuple[str, ...], finish: Mapping[str, dt.date | None]) -> str:
    dated = [k for k in waits if finish.get(k) is not None]
    return max(dated, key=lambda k: finish[k]) if dated else ""


def bind_meetings(document: Document, meetings: MeetingIndex) -> list[str]:
    """Tie each step at a body to the meeting its When names (a date or a TBC window of that body).
    Returns the keys of the steps tied; steps already tied are left alone."""
    tied = []
    for step in document.route.steps:
        if step.body_code is None or step.meeting_key or step.when is None or step.when.start is None:
            continue
        body = meetings.bodies.get(step.body_code)
        if body is None:
            continue
        for meeting in body.meetings:
            same_day = meeting.starts_at is not None and step.when.kind == "date" and meeting.day == step.when.start
            same_window = meeting.starts_at is None and meeting.when is not None and (meeting.when.start, meeting.when.end) == (step.when.start, step.when.end)
            if same_day or same_window:
                step.meeting_key = meeting.key
                tied.append(step.key)
                break
    return tied
