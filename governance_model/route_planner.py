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
from dataclasses import dataclass, field, replace

from governance_model.model import (
    Body, Decision, DecisionOutcome, Document, Meeting, MeetingStatus, Route, Step, StepForecast, StepKind, StepState,
)  # fmt: skip
from governance_model.reasons import Reason
from governance_model.when import add_duration
from governance_model.working_days import WorkingCalendar

ONWARD = frozenset({DecisionOutcome.APPROVED, DecisionOutcome.APPROVED_WITH_AMENDMENTS, DecisionOutcome.ENDORSED, DecisionOutcome.NOTED})
FINISHED = frozenset({StepState.DONE, StepState.SKIPPED})
FINISHED_OR_STOPPED = FINISHED | {StepState.STOPPED}


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
    reopened_why: Reason | None = None  # the same, as facts
    decided: Reason | None = None  # the decision that finished it, as facts
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
                h.done_on, h.reopened_by, h.reopened_on, h.reopened_why, h.decided = day, "", None, None, None
            continue
        decision: Decision = event  # type: ignore[assignment]
        h = history[decision.step_key]
        where = f"{decision.body_code} on {decision.decided_on.isoformat()}"
        facts = {"body": decision.body_code, "day": decision.decided_on}
        if decision.outcome in ONWARD:
            h.done_on, h.outcome, h.decided_at = decision.decided_on, decision.outcome, where
            h.decided = Reason.of("decided", outcome=decision.outcome.value, **facts)
            h.reopened_by, h.reopened_on, h.reopened_why, h.deferred_on = "", None, None, None
            if decision.outcome is DecisionOutcome.APPROVED_WITH_AMENDMENTS:
                revise = _revise_step(steps, route.step(decision.step_key), decision.back_to)
                if revise is not None and revise.position < route.step(decision.step_key).position:
                    _reopen(history[revise.key], f"amendments asked for at {where}", decision.decided_on, Reason.of("amendments", **facts))
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
                    _reopen(history[later.key], f"referred back at {where}", decision.decided_on, Reason.of("referred_back", **facts))
                    history[later.key].deferred_on = None
            history[revise.key].extra_waits.clear()
        elif decision.outcome is DecisionOutcome.REJECTED:
            rejected = decision
            h.outcome, h.decided_at, h.decided = decision.outcome, where, None
    return history, rejected


def _reopen(h: _StepHistory, why: str, day: dt.date, facts: Reason) -> None:
    h.done_on, h.outcome, h.decided_at, h.decided = None, None, None, None
    h.reopened_by, h.reopened_on, h.reopened_why = why, day, facts


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
    external: Mapping[str, Finished] | None = None,
) -> RoutePlan:
    """Every step's state on `as_of` and its done, scheduled or forecast date.

    `external` says when what the route waits for outside itself finishes (`other-document/step`,
    `condition:NAME`; see `plan_routes`): unknown links have no date yet, so neither has what waits."""
    mine = [d for d in decisions if d.document_key == document.key]
    history, rejected = _replay(document, mine, as_of)
    route = document.route
    steps = sorted(route.steps, key=lambda s: s.position)
    times = _Finish()
    done_keys: set[str] = set()
    for link in route.links():
        finished = (external or {}).get(link)
        if finished is None:
            times.unknown(link)
        else:
            times.forecast[link], times.firm[link] = finished.forecast, finished.firm
            if finished.done:
                done_keys.add(link)
    out: dict[str, StepForecast] = {}
    by_followers: list[tuple[Step, tuple[str, ...]]] = []  # no date nor body: dated from what follows them
    for step in steps:
        step = _with_relative_resolved(step, route, times)
        h = history[step.key]
        if h.done_on is not None:
            times.done(step.key, h.done_on)
            done_keys.add(step.key)
            reason = f"{h.outcome.value.replace('_', ' ')} at {h.decided_at}" if h.outcome else f"done on {h.done_on.isoformat()}"
            why = h.decided if h.outcome and h.decided else Reason.of("done", day=h.done_on)
            out[step.key] = StepForecast(document.key, step.key, StepState.DONE, h.done_on, step.meeting_key, False, reason, why=why)
            continue
        if rejected is not None:
            times.unknown(step.key)
            reason = f"rejected at {rejected.body_code} on {rejected.decided_on.isoformat()}"
            why = Reason.of("rejected", body=rejected.body_code, day=rejected.decided_on)
            out[step.key] = StepForecast(document.key, step.key, StepState.STOPPED, None, None, False, reason, why=why)
            continue
        waits = tuple(route.blocking_prerequisites(step)) + tuple(sorted(h.extra_waits - {step.key}))
        if _dated_by_followers(step, h):
            # What follows it says when it is due; meanwhile it holds up nothing beyond its own inputs.
            times.open_through(step.key, waits, as_of)
            by_followers.append((step, waits))
            continue
        forecast = _expected_late(step, _forecast(step, h, waits, times, meetings, calendar, as_of), meetings)
        ready = all(k in done_keys for k in waits)
        out[step.key] = _stated(document.key, step, forecast, ready, as_of, h)
        # An open step finishes no earlier than today, nor than its owner expects: what waits for it is re-planned from there.
        earliest = _known_earliest(step, h, waits, times, forecast, meetings, calendar, as_of)
        times.open(step.key, forecast.date, max(earliest, forecast.date or earliest) if forecast.expected else earliest, as_of)
    for step, waits in reversed(by_followers):
        unknown = times.unknown_among(waits)
        if unknown:
            forecast = _undated(unknown)
        else:
            forecast = _before_anchor(step, route, out) or _before_followers(step, route, out, meetings, calendar)
        out[step.key] = _stated(document.key, step, forecast, all(k in done_keys for k in waits), as_of, history[step.key])
    return RoutePlan(document.key, as_of, tuple(out[s.key] for s in steps), stopped=rejected is not None)


@dataclass(frozen=True)
class Finished:
    """When something a route waits for outside itself finishes, as `plan_route` takes it."""

    forecast: dt.date | None
    firm: dt.date | None
    done: bool


@dataclass
class _Forecast:
    date: dt.date | None
    meeting: Meeting | None
    reason: str
    tentative: bool
    firm: bool = False  # the date is fixed (a dated meeting it is tied to), not the planner's guess
    at_risk: bool = False
    why: Reason | None = None  # `reason` as facts
    expected: bool = False  # on the day its owner now expects, later than planned


def _expected_late(step: Step, forecast: _Forecast, meetings: MeetingIndex) -> _Forecast:
    """A step its owner says will be late (`Step.expected`) is planned on the day they expect, when
    that is later than its date: a step at a body on that body's first meeting from then."""
    expected, day = step.expected, step.expected.day if step.expected else None
    if expected is None or day is None or forecast.date is None or day <= forecast.date:
        return forecast
    why = Reason.of("expected_late", by=expected.by, note=expected.note or None, when=expected.when.text, day=day, was=forecast.date)
    reason = f"{expected.reason} (“{expected.when.text}”, {day.isoformat()})"
    if step.body_code is None:
        return _Forecast(day, None, reason, False, why=why, expected=True)
    placed = _at(meetings.first_on_or_after(step.body_code, day), f"{reason}: next {step.body_code} meeting", step, why=why.with_facts(body=step.body_code))
    return replace(placed, expected=True)


def _undated(unknown: list[str]) -> _Forecast:
    """Something it waits for has no date yet, so neither has this step."""
    return _Forecast(None, None, f"waits for {', '.join(unknown)}, which has no date yet", True, why=Reason.of("waits_undated", steps=unknown))


class _Finish:
    """When each step finishes, as what waits for it sees it: `forecast` (the planner's best guess)
    and `firm` (the latest day it is known it cannot finish before: done, today for an open step,
    the dated meeting it is tied to, or what its own inputs are known to need)."""

    def __init__(self) -> None:
        self.forecast: dict[str, dt.date | None] = {}
        self.firm: dict[str, dt.date | None] = {}

    def done(self, key: str, day: dt.date) -> None:
        self.forecast[key] = self.firm[key] = day

    def unknown(self, key: str) -> None:
        self.forecast[key] = self.firm[key] = None

    def open(self, key: str, date: dt.date | None, known_earliest: dt.date, as_of: dt.date) -> None:
        self.forecast[key] = None if date is None else max(date, as_of)
        self.firm[key] = known_earliest

    def open_through(self, key: str, waits: tuple[str, ...], as_of: dt.date) -> None:
        """A step dated by its followers: it passes on its inputs' finish (no earlier than today)."""
        if any(self.forecast.get(k) is None for k in waits):
            self.forecast[key] = None
        else:
            self.forecast[key] = max([as_of, *(self.forecast[k] for k in waits)])  # type: ignore[type-var]
        self.firm[key] = max([as_of, *(self.firm[k] for k in waits if self.firm.get(k) is not None)])

    def unknown_among(self, waits: tuple[str, ...]) -> list[str]:
        return [k for k in waits if self.forecast.get(k) is None]

    def ready(self, waits: tuple[str, ...]) -> dt.date | None:
        return max((self.forecast[k] for k in waits if self.forecast.get(k) is not None), default=None)

    def firm_ready(self, waits: tuple[str, ...]) -> dt.date | None:
        return max((self.firm[k] for k in waits if self.firm.get(k) is not None), default=None)

    def latest(self, waits: tuple[str, ...], firm: bool = False) -> str:
        times = self.firm if firm else self.forecast
        dated = [k for k in waits if times.get(k) is not None]
        return max(dated, key=lambda k: times[k]) if dated else ""  # type: ignore[arg-type,return-value]


def _known_earliest(
    step: Step,
    h: _StepHistory,
    waits: tuple[str, ...],
    times: _Finish,
    forecast: _Forecast,
    meetings: MeetingIndex,
    calendar: WorkingCalendar,
    as_of: dt.date,
) -> dt.date:
    """The earliest day an open step can be known to finish, from facts only (what is done, today,
    the dated meeting it is kept on, papers lead times), never from forecasts: what waits for it
    slips only past this."""
    inputs = times.firm_ready(waits)
    if h.reopened_on is not None:
        inputs = max(inputs or h.reopened_on, h.reopened_on)
    floor = max(as_of, inputs or as_of)
    if step.body_code is None:
        return floor
    if forecast.firm and forecast.date is not None:  # kept on the dated meeting it is tied to
        return max(floor, forecast.date)
    # Not the first meeting in the diary after that: which meeting it goes to is the planner's guess.
    earliest = calendar.add_working_days(inputs, meetings.lead_days(step.body_code)) if inputs else floor
    return max(as_of, earliest)


def _dated_by_followers(step: Step, h: _StepHistory) -> bool:
    """A step at no body with no date of its own (and not re-opened or deferred onto one)."""
    own = step.when.end if step.when else None
    return step.body_code is None and own is None and h.reopened_on is None and not _unresolved_after(step)


def _unresolved_after(step: Step) -> bool:
    """A relative When counted forward from its anchor that could not be dated yet."""
    when = step.when
    return bool(when and when.kind == "relative" and when.duration and not when.duration.startswith("-"))


# ---- relative Whens: "a six-week consultation", "12 weeks after Cabinet", "two weeks before the meeting"

_ANCHOR_KINDS = {
    "decision": StepKind.DECIDE, "the decision": StepKind.DECIDE, "consultation": StepKind.CONSULT,
    "the consultation": StepKind.CONSULT, "review": StepKind.REVIEW, "publication": StepKind.PUBLISH,
}  # fmt: skip


def anchor_step(step: Step, route: Route) -> Step | None:
    """The step a relative When is counted from: the one it names (by key, by body, by kind such as
    "decision"), looking back for a length after it and forward for one before it; None when the
    When names nothing (then it is counted from the steps it waits for) or nothing matches."""
    when = step.when
    if when is None or not when.anchor:
        return None
    words = when.anchor.casefold().strip()
    backwards = not (when.duration or "").startswith("-")
    others = sorted((s for s in route.steps if s is not step), key=lambda s: s.position, reverse=backwards)
    side = [s for s in others if (s.position < step.position) == backwards] + [s for s in others if (s.position < step.position) != backwards]
    for match in (
        lambda s: s.key.casefold() == words,
        lambda s: (s.body_code or "").casefold() == words.removeprefix("the "),
        lambda s: s.kind is _ANCHOR_KINDS.get(words),
        lambda s: words in {"meeting", "the meeting"} and s.body_code is not None,
    ):
        found = next((s for s in side if match(s)), None)
        if found is not None:
            return found
    return None


def _with_relative_resolved(step: Step, route: Route, times: _Finish) -> Step:
    """A step whose When is relative and counted forward, with that When dated as a window from its
    anchor (or from what it waits for) to the anchor plus the length: a copy, the route is not changed."""
    when = step.when
    if not _unresolved_after(step):
        return step
    assert when is not None and when.duration is not None
    anchor = anchor_step(step, route)
    if when.anchor and anchor is None:
        return step  # names nothing in the route: stays undated (the reason says so below)
    base = times.forecast.get(anchor.key) if anchor is not None else times.ready(route.blocking_prerequisites(step))
    if base is None:
        return step
    dated = replace(when, kind="window", start=base, end=add_duration(base, when.duration), tentative=True)
    return replace(step, when=dated)


def _before_anchor(step: Step, route: Route, planned: Mapping[str, StepForecast]) -> _Forecast | None:
    """A relative When counted back from a later step ("two weeks before the meeting"): its date."""
    when = step.when
    if when is None or when.kind != "relative" or not (when.duration or "").startswith("-"):
        return None
    anchor = anchor_step(step, route)
    if anchor is None:
        why = Reason.of("anchor_missing", when=when.text, anchor=when.anchor)
        return _Forecast(None, None, f"{when.text!r}: nothing in the route is called {when.anchor!r}", True, why=why)
    forecast = planned.get(anchor.key)
    if forecast is None or forecast.date is None:
        return _Forecast(None, None, f"{when.text!r}: {anchor.key} has no date yet", True, why=Reason.of("anchor_undated", when=when.text, step=anchor.key))
    why = Reason.of("counted_from", when=when.text, step=anchor.key, day=forecast.date)
    return _Forecast(add_duration(forecast.date, when.duration or ""), None, f"{when.text}: counted from {anchor.key} on {forecast.date.isoformat()}", True, why=why)


def _stated(document_key: str, step: Step, forecast: _Forecast, ready: bool, as_of: dt.date, h: _StepHistory) -> StepForecast:
    if forecast.date is None:
        state = StepState.PLANNED
    elif ready:
        state = StepState.OVERDUE if forecast.date < as_of else StepState.DUE
    else:
        state = StepState.SCHEDULED if forecast.meeting is not None else StepState.PLANNED
    reason = f"{h.reopened_by}; {forecast.reason}" if h.reopened_by else forecast.reason
    why = forecast.why
    if why is not None and h.reopened_by:
        why = Reason(why.kind, why.facts, h.reopened_why, why.then)
    return StepForecast(
        document_key,
        step.key,
        state,
        forecast.date,
        forecast.meeting.key if forecast.meeting else None,
        forecast.tentative,
        reason,
        at_risk=forecast.at_risk,
        why=why,
    )


def _before_followers(
    step: Step, route: Route, planned: Mapping[str, StepForecast], meetings: MeetingIndex, calendar: WorkingCalendar
) -> _Forecast:
    """A step with no date of its own and no body is due in time for the steps that follow it: by
    the papers deadline of the first of them (its date less its body's papers lead time)."""
    due: list[tuple[dt.date, str, bool, Reason]] = []
    for follower in route.followers(step):
        forecast = planned.get(follower.key)
        if forecast is None or forecast.date is None or forecast.state in FINISHED_OR_STOPPED:
            continue
        lead = meetings.lead_days(follower.body_code) if follower.body_code else 0
        papers = calendar.add_working_days(forecast.date, -lead) if lead else forecast.date
        where = f" at {follower.body_code}" if follower.body_code else ""
        lead_words = f", papers {lead} working days before" if lead else ""
        why = Reason.of("in_time_for", step=follower.key, body=follower.body_code, day=forecast.date, lead=lead)
        due.append((papers, f"in time for {follower.key}{where} on {forecast.date.isoformat()}{lead_words}", forecast.tentative, why))
    if not due:
        return _Forecast(None, None, "no date given, and what follows it has no date yet", True, why=Reason.of("followers_undated"))
    # As firm as the date it is counted back from: a fixed meeting gives a deadline owners are chased for.
    date, reason, tentative, why = min(due, key=lambda d: d[:3])
    return _Forecast(date, None, reason, tentative, why=why)


def _forecast(
    step: Step,
    h: _StepHistory,
    waits: tuple[str, ...],
    times: _Finish,
    meetings: MeetingIndex,
    calendar: WorkingCalendar,
    as_of: dt.date,
) -> _Forecast:
    """When a step that is not finished will happen, and why."""
    unknown = times.unknown_among(waits)
    ready = times.ready(waits)
    if h.reopened_on is not None:
        # Re-opened by a referral or amendments: nothing of it can happen before that day.
        ready = max(ready or h.reopened_on, h.reopened_on)
    when = step.when
    own_tentative = bool(when and (when.tentative or when.kind == "tbc"))
    tied = meetings.by_key.get(step.meeting_key) if step.meeting_key and step.body_code else None
    if tied is not None and tied.starts_at is not None and tied.status is not MeetingStatus.CANCELLED and h.deferred_on is None:
        return _on_fixed_meeting(step, tied, waits, times, meetings, calendar, h, own_tentative)
    if unknown:
        return _undated(unknown)
    if step.body_code is None:
        own = when.end if when and when.end else None
        if own is None:  # re-opened with no date of its own: from the day it was re-opened
            why = Reason.of("after", step=times.latest(waits) or None)
            return _Forecast(ready, None, f"after {times.latest(waits) or 'being re-opened'}", True, why=why)
        if ready is None or own >= ready:
            return _Forecast(own, None, f"by {when.text}", own_tentative, why=Reason.of("own_date", when=when.text))
        # It cannot start until what it waits for is done: it slips, keeping the length it had.
        length = (when.end - when.start) if when and when.start and when.end else dt.timedelta(0)
        after = times.latest(waits) or "being re-opened"
        planned = f", planned {when.text!r}" if when and when.text else ""
        why = Reason.of("slipped", step=times.latest(waits) or None, day=ready, when=when.text if when else None)
        return _Forecast(ready + length, None, f"after {after} ({ready.isoformat()}){planned}", True, why=why)
    lead = meetings.lead_days(step.body_code)
    earliest = calendar.add_working_days(ready, lead) if ready is not None else None
    why_earliest = (
        f"papers {lead} working days after {times.latest(waits)} (forecast {ready.isoformat()})" if ready is not None else ""
    )
    if h.deferred_on is not None:
        start = max(h.deferred_on + dt.timedelta(days=1), earliest or h.deferred_on)
        meeting = meetings.first_on_or_after(step.body_code, start)
        why = Reason.of("deferred", body=step.body_code, day=h.deferred_on)
        return _at(meeting, f"{h.deferred_note}: next {step.body_code} meeting", step, forecast=False, why=why)
    if tied is not None:
        if tied.status is MeetingStatus.CANCELLED:
            day = tied.day or (when.start if when else None) or as_of
            meeting = meetings.first_after(step.body_code, max(day, earliest or day))
            why = Reason.of("meeting_cancelled", body=step.body_code, cancelled_on=tied.day)
            return _at(meeting, f"{step.body_code} meeting of {tied.key} cancelled: next meeting", step, why=why)
        why = Reason.of("meeting_not_fixed", body=step.body_code, when=tied.when.text if tied.when else "TBC", on=tied.day)
        return _Forecast(tied.day, None, f"{step.body_code} meeting {tied.key} not yet fixed ({tied.when.text if tied.when else 'TBC'})", True, why=why)
    start = earliest
    if when is not None and when.start is not None and (start is None or when.start > start):
        start = when.start
    if start is None:
        if when is not None and when.kind == "tbc":
            return _Forecast(None, None, f"{step.body_code}: date to be confirmed", True, why=Reason.of("to_be_confirmed", body=step.body_code))
        start = as_of
    meeting = meetings.first_on_or_after(step.body_code, start)
    if earliest is not None and start == earliest:
        reason = f"first {step.body_code} meeting after {why_earliest}"
        why = Reason.of("first_meeting_after", body=step.body_code, step=times.latest(waits) or None, day=ready, lead=lead)
    else:
        reason = f"first {step.body_code} meeting from {start.isoformat()}"
        why = Reason.of("first_meeting_from", body=step.body_code, day=start, when=when.text if when else None)
    return _at(meeting, reason, step, why=why)


def _on_fixed_meeting(
    step: Step,
    tied: Meeting,
    waits: tuple[str, ...],
    times: _Finish,
    meetings: MeetingIndex,
    calendar: WorkingCalendar,
    h: _StepHistory,
    own_tentative: bool,
) -> _Forecast:
    """A step tied to a dated meeting keeps that date. It slips only when what it waits for is known
    to finish after the meeting (done late, or itself fixed later); when that is only forecast, or
    not known at all, the step stays and is at risk, saying which step and why."""
    assert step.body_code is not None
    firm = times.firm_ready(waits)
    if h.reopened_on is not None:
        firm = max(firm or h.reopened_on, h.reopened_on)
    if firm is not None and tied.day < firm:
        lead = meetings.lead_days(step.body_code)
        earliest = calendar.add_working_days(firm, lead)
        late = times.latest(waits, firm=True) or "being re-opened"
        meeting = meetings.first_on_or_after(step.body_code, earliest)
        why = Reason.of("too_soon", body=step.body_code, was=tied.day, step=times.latest(waits, firm=True) or None, day=firm, lead=lead)
        return _at(meeting, f"{tied.key} too soon: papers {lead} working days after {late} ({firm.isoformat()})", step, why=why)
    reason = f"{step.body_code} meeting on {tied.day.isoformat()}"
    why = Reason.of("on_meeting", body=step.body_code, day=tied.day)
    tentative = own_tentative or tied.status is MeetingStatus.TENTATIVE
    unknown = times.unknown_among(waits)
    if unknown:
        risk = why.with_facts(risk="undated", steps=unknown)
        return _Forecast(tied.day, tied, f"{reason}; at risk: waits for {', '.join(unknown)}, which has no date yet", tentative, True, True, risk)
    ready = times.ready(waits)
    if ready is not None and tied.day < ready:
        late = times.latest(waits)
        risk = why.with_facts(risk="late", step=late, ready=ready)
        return _Forecast(
            tied.day, tied, f"{reason}; at risk: {late} is forecast for {ready.isoformat()}, after this meeting", tentative, True, True, risk
        )
    return _Forecast(tied.day, tied, reason, tentative, True, why=why)


def _at(meeting: Meeting | None, reason: str, step: Step, forecast: bool = True, *, why: Reason) -> _Forecast:
    """A step placed on `meeting`; a placement the planner chose (not the route's own) is a forecast."""
    if meeting is None:
        return _Forecast(None, None, f"{reason}: no {step.body_code} meeting in the diary yet", True, why=why.with_facts(no_meeting=True))
    tentative = forecast or meeting.status is MeetingStatus.TENTATIVE
    return _Forecast(meeting.day, meeting, f"{reason} ({meeting.day.isoformat()})", tentative, why=why.with_facts(meeting_on=meeting.day))


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

