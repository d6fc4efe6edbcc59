"""Reminders: who is owed a message on a given night because something of theirs is due, overdue or
changed. Pure: the night, the routes' forecasts and the plans go in; reminders come out.

The rules (issue "Reminders"), for every open route step and plan action with a deadline:

- **before** — ``before-N`` on the N-th working day before the deadline for each N of the reminder
  days (``on-the-day`` for 0). The days come from the step's body (``Body.reminder_days``), the
  action's plan (``ActionPlan.reminder_days``) or else the policy (``DEFAULT_REMINDER_DAYS``).
- **papers** — the papers deadline of each meeting (the meeting day less the body's
  ``papers_lead_days`` working days) is reminded like any other deadline, to the owner of each
  paper due at it: every open step sitting on that meeting (``StepForecast.meeting_key``), owned by
  ``step.owner`` or else the document's owner. ``papers-before-N`` goes on the N-th working day
  before the papers deadline for each N of the body's reminder days (else the policy's), and
  ``papers-deadline`` on the day itself, always: the papers deadline is the day the paper must be
  in, so the owner hears of it ahead of the step's own ``before-N`` reminders, which count to the
  meeting. A body with no lead time (``papers_lead_days: 0``, or ``papers: false`` in a setup file:
  a conference or a workshop, which takes no papers) has no papers deadline, nor has a step at no
  body. A papers deadline is never overdue: the step's own reminders chase it from there.
- **opens** — ``opens`` on the day an item whose When is a window opens (its first working day:
  a window from Saturday 1 January 2022 opens on Tuesday 4 January, after the New Year bank
  holiday), to the owner, once. The items with a window are those the feeds show as a span
  (``governance_model.window_spans``): a plan action whose When is a window of more than one day,
  and a route step at no body with one, its window moved with the step if it slipped. The
  ``before-N`` reminders still count to the window's close, which is its deadline; a window that
  opens on the day it falls due (or after: a weekend) gets no ``opens`` reminder. Only the opening
  day itself owes it: a step that is not yet firm on that day (see below) never hears that it
  opened, only, later, the ``before-N`` reminders to its close.
- **overdue** — ``overdue-1`` … ``overdue-5`` to the owner on each of the first five working days
  after the deadline, then ``escalation-1``, ``escalation-2`` … on every fifth working day after
  that (working days 10, 15, 20 … after the deadline) for as long as it stays open. Steps escalate
  to the document's owner and the step's body's secretary; actions to the plan's owner (there is
  no secretary). When there is no one to escalate to, the escalation goes to the item's owner, so
  an overdue item is never dropped silently.

Exempt business (governance_model.publication) is reminded only to the people it belongs to: an
exempt step's reminders go to no one else, whatever the rules above name.

A reminder is owed on a night only when that night is exactly its trigger day. Trigger days are
working days, so nothing is owed on a weekend or bank holiday night: ``reminders_owed_over`` covers
nights the nightly missed, so no trigger day is ever lost. A deadline on a weekend or bank holiday
falls due on the working day before (27 Dec 2021 → Fri 24 Dec 2021; Easter Monday 2022 → Thu 14
Apr 2022); ``ReminderItem.deadline`` is that day, and every count starts from it.

Which items remind, and against which date:

- **Steps** use the planner's date (``StepForecast.date``; for a step at a body, its meeting day).
  Finished steps (done, skipped, stopped) and steps done on or before the night are silent. Only a
  step with a *firm* date reminds at all: steps in state ``planned`` have no date they can keep, and
  a ``tentative`` forecast may still move, so neither gets any reminder. A tentative forecast is
  nevertheless firm once the step is ready (state ``due`` or ``overdue``: everything it waits for
  is done) and its date no longer depends on anything unknown: it sits on a meeting that is in the
  diary with a time and is not itself tentative, or (a step at no body) its own When is not marked
  TBC / provisional. So a TBC step is silent even once overdue, and a step the planner placed on
  the next real meeting reminds as soon as its papers are truly due there.
- **Actions** use their When: a date or window reminds against its last day; TBC / provisional,
  ongoing and undated actions never remind; actions done on or before the night are silent.
  An action with no owner reminds its recommendation's owner, or else the plan's owner.
- **Recurring actions** remind for each occurrence (``status.next_occurrence``): each occurrence
  is its own deadline with its own ``before-N`` reminders. A recurring action is never overdue as a
  whole, so occurrences get no ``overdue``/``escalation`` reminders.
- **Contingent actions** are silent until a ``Condition`` whose name matches the When's
  ``depends_on`` (ignoring case) is met on or before the night. From then on the action is due
  ``ReminderPolicy.contingent_due_after`` working days (14 by default) after the condition's
  ``met_on`` (the earliest, if it was recorded more than once; counted from the first working day
  on or after it), and reminds and goes overdue like a dated action. With the default reminder days
  the ``before-14`` reminder therefore goes out on the (first working) day the condition is met:
  the owner hears at once that the clock has started. Reminder days further ahead than
  ``contingent_due_after`` would fall before the condition was met, and are not owed.

Keys: ``Reminder.key`` is recipient | item key | rule | deadline, all from the inputs, so a second
run for the same night owes exactly the same keys and the outbox sends nothing twice; a deadline
that moves gives new keys (the owner hears of the new date). The ``opens`` reminder of a window
has the same shape (its deadline is the window's close), so the keys of the other reminders of an
item are the same whether or not it has a window.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from governance_model.meeting_sources import papers_for
from governance_model.model import (
    Action,
    ActionPlan,
    Body,
    Condition,
    Document,
    ForecastChange,
    Meeting,
    MeetingStatus,
    Recommendation,
    Step,
    StepForecast,
    StepState,
)
from governance_model.owner_answers import action_deadline
from governance_model.publication import Publication
from governance_model.reminder_why import all_titles, latest_changes, why_this_date
from governance_model.status import next_occurrence
from governance_model.when import When
from governance_model.window_spans import ItemSpan, action_span, step_span
from governance_model.working_days import WorkingCalendar, is_day_count

DEFAULT_REMINDER_DAYS = (14, 7, 2, 0)  # working days before the deadline; 0 is the day itself

_OPEN_STATES = frozenset({StepState.SCHEDULED, StepState.DUE, StepState.OVERDUE})
_READY_STATES = frozenset({StepState.DUE, StepState.OVERDUE})
_FIXED_MEETING = frozenset({MeetingStatus.SCHEDULED, MeetingStatus.HELD})
_ONE_DAY = dt.timedelta(days=1)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip


@dataclass(frozen=True)
class ReminderItem:
    """The thing a reminder is about, with what the message shows of it."""

    kind: str  # "step" | "action" | "papers"
    key: str  # stable identity: "step:DOC/STEP", "action:PLAN/REC/POS", "papers:MEETING/DOC/STEP"
    title: str  # the step's title or the action's text
    context: str  # the document's or the plan's title (and the recommendation)
    body_code: str | None  # the board it goes to, if any
    deadline: dt.date  # the day it falls due: a weekend or bank holiday deadline moves to the working day before
    when_text: str  # the original words ("15 th September 21", "Quarterly wef Jan 2022")
    # A window's first working day (it opens), before `deadline` (it closes); None: not a window.
    opens: dt.date | None = None
    # A route step whose date moved: why, in words ("moved to SSPB on 8 March 2022 because …",
    # governance_model.reminder_why); an action its owner expects late: that, in words; else "".
    why: str = ""


@dataclass(frozen=True)
class ReminderSource:
    """What reminders are worked out from, one at a time: a document's route, or an action plan."""

    kind: str  # "document" | "plan"
    key: str


@dataclass(frozen=True)
class Reminder:
    """One reminder owed to one person. `key` is unique: the same reminder is never owed twice."""

    recipient: str  # a person's initials
    item: ReminderItem
    rule: str  # "opens", "before-14", "before-7", "before-2", "on-the-day", "papers-before-7", "papers-deadline", "overdue-1".."overdue-5", "escalation-1"…
    night: dt.date  # the night it became owed
    # The night of the run that caught up with it, when later than `night`: the nightly did not run
    # on `night`, so the reminder goes out late (see `caught_up`). None: it goes out on its night.
    caught_up_on: dt.date | None = None

    @property
    def key(self) -> str:
        return f"{self.recipient}|{self.item.key}|{self.rule}|{self.item.deadline.isoformat()}"

    @property
    def goes_out_on(self) -> dt.date:
        """The night it is sent for: its own, or that of the run that caught up with it."""
        return self.caught_up_on or self.night


def _reminder_days(days: Iterable[int]) -> tuple[int, ...]:
    days = tuple(days)
    if not all(is_day_count(d) for d in days):
        raise ValueError(f"reminder days must be whole numbers of working days ≥ 0, not {days!r}")
    return tuple(sorted(set(days), reverse=True))


@dataclass(frozen=True)
class ReminderPolicy:
    """How often people are reminded; reminder days set on a body or a plan override `default_days`."""

    default_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS  # working days before a deadline
    overdue_daily_for: int = 5  # working days after the deadline the owner is reminded daily
    escalate_every: int = 5  # then an escalation every this many working days
    contingent_due_after: int = 14  # working days from a contingent action's condition being met to its deadline

    def __post_init__(self) -> None:
        if self.overdue_daily_for < 0 or self.escalate_every < 1 or self.contingent_due_after < 0:
            raise ValueError("overdue_daily_for and contingent_due_after must be ≥ 0 and escalate_every ≥ 1")
        _reminder_days(self.default_days)


def is_overdue_rule(rule: str) -> bool:
    return rule.startswith("overdue-") or rule.startswith("escalation-")


def sort_key(reminder: Reminder) -> tuple:
    """Recipient, then overdue first, then deadline, then item (rule and night only break ties)."""
    return (
        reminder.recipient,
        0 if is_overdue_rule(reminder.rule) else 1,
        reminder.item.deadline,
        reminder.item.key,
        reminder.rule,
        reminder.night,
    )


def reminders_owed(
    night: dt.date,
    *,
    documents: Iterable[Document],
    forecasts: Mapping[tuple[str, str], StepForecast],
    bodies: Iterable[Body],
    plans: Iterable[ActionPlan],
    conditions: Iterable[Condition] = (),
    calendar: WorkingCalendar,
    policy: ReminderPolicy = ReminderPolicy(),
    changes: Iterable[ForecastChange] = (),
) -> list[Reminder]:
    """Every reminder that falls due on `night` (exactly: its trigger day is `night`), sorted by
    recipient, overdue first, deadline, item key. Empty when nothing is due. `changes`, the
    re-forecasts recorded so far, say why a step's date moved (`ReminderItem.why`)."""
    return reminders_owed_over(
        [night],
        documents=documents,
        forecasts=forecasts,
        bodies=bodies,
        plans=plans,
        conditions=conditions,
        calendar=calendar,
        policy=policy,
        changes=changes,
    )


def reminders_owed_over(
    nights: Iterable[dt.date],
    *,
    documents: Iterable[Document],
    forecasts: Mapping[tuple[str, str], StepForecast],
    bodies: Iterable[Body],
    plans: Iterable[ActionPlan],
    conditions: Iterable[Condition] = (),
    calendar: WorkingCalendar,
    policy: ReminderPolicy = ReminderPolicy(),
    on_error: Callable[[ReminderSource, Exception], None] | None = None,
    changes: Iterable[ForecastChange] = (),
) -> list[Reminder]:
    """Catch-up: the union of `reminders_owed` over `nights`, each reminder with its own night and
    no key twice (the earliest night keeps it). The same forecasts serve every night.

    With `on_error`, a document or plan whose reminders cannot be worked out (a value stored out of
    all reason: an OverflowError) owes none and is handed to it; the others are unaffected.
    Without it, the error is raised."""
    wanted = frozenset(nights)
    if not wanted:
        return []
    inputs = _Inputs(list(documents), forecasts, list(bodies), list(plans), list(conditions), _Days(calendar), policy, list(changes))
    first, last = min(wanted), max(wanted)
    owed: dict[str, Reminder] = {}
    # Item by item: each item's trigger days are worked out once for the whole span of nights,
    # so a long catch-up costs about as much as a single night.
    for source, tracks in _sources(first, last, inputs):
        try:
            found = [
                Reminder(recipient, track.item, rule, night)
                for track in tracks
                for night, recipient, rule in _triggers(track, first, last, inputs)
                if night in wanted and track.active_on(night)
            ]
        except Exception as error:  # the caller's on_error decides what a failure means
            if on_error is None:
                raise
            on_error(source, error)  # none of this document's (plan's) reminders: never half of them
            continue
        for reminder in found:
            kept = owed.get(reminder.key)
            if kept is None or reminder.night < kept.night:
                owed[reminder.key] = reminder
    return sorted(owed.values(), key=sort_key)


def caught_up(reminders: Iterable[Reminder], as_of: dt.date) -> list[Reminder]:
    """`reminders` as a run for `as_of` sends them: each owed on an earlier night (one the nightly
    missed, caught up tonight) marked `caught_up_on` `as_of`, so the digest can say it is late and
    from when, rather than fold a week of reminders into one message as if all were tonight's."""
    return [replace(r, caught_up_on=as_of) if r.night < as_of else r for r in reminders]


def describe_deadline(deadline: dt.date, night: dt.date, calendar: WorkingCalendar) -> str:
    """The deadline as a message says it on `night`: "today", "tomorrow", "in 7 working days",
    "1 working day overdue", "2 working days overdue" (a weekend deadline counts from the working
    day before it)."""
    due = calendar.on_or_before_working_day(deadline)
    if due == night:
        return "today"
    if due == night + _ONE_DAY:
        return "tomorrow"
    if due > night:
        ahead = calendar.working_days_between(night, due)
        return f"in {ahead} working day{'s' if ahead != 1 else ''}"
    late = calendar.working_days_between(due, night)
    if late == 0:  # a non-working night straight after the deadline
        return "overdue since yesterday" if due == night - _ONE_DAY else f"overdue since {_WEEKDAYS[due.weekday()]}"
    return f"{late} working day{'s' if late != 1 else ''} overdue"


def format_day(day: dt.date) -> str:
    """"Thursday 6 January 2022", the same whatever the locale."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


# ---------------------------------------------------------------------------------------------


class _Days:
    """The working calendar with its answers remembered: many items share the same deadlines."""

    def __init__(self, calendar: WorkingCalendar):
        self.calendar = calendar
        self._due: dict[dt.date, dt.date] = {}
        self._added: dict[tuple[dt.date, int], dt.date] = {}
        self._between: dict[tuple[dt.date, dt.date], int] = {}

    def falls_due(self, deadline: dt.date) -> dt.date:
        if deadline not in self._due:
            self._due[deadline] = self.calendar.on_or_before_working_day(deadline)
        return self._due[deadline]

    def add(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (before it when n < 0); always a working day when n ≠ 0."""
        if (day, n) not in self._added:
            self._added[(day, n)] = self.calendar.add_working_days(day, n)
        return self._added[(day, n)]

    def opens(self, span: ItemSpan | None, due: dt.date) -> dt.date | None:
        """The working day a window `span` opens on, if that is before `due` (the day it falls due)."""
        if span is None:
            return None
        day = self.calendar.on_or_after_working_day(span.opens)
        return day if day < due else None

    def between(self, a: dt.date, b: dt.date) -> int:
        """Working days after `a` up to and including `b` (b ≥ a)."""
        if (a, b) not in self._between:
            self._between[(a, b)] = self.calendar.working_days_between(a, b)
        return self._between[(a, b)]


@dataclass
class _Inputs:
    documents: list[Document]
    forecasts: Mapping[tuple[str, str], StepForecast]
    bodies: list[Body]
    plans: list[ActionPlan]
    conditions: list[Condition]
    days: _Days
    policy: ReminderPolicy
    changes: list[ForecastChange]

    def __post_init__(self) -> None:
        self.bodies_by_code = {b.code: b for b in self.bodies}
        self.meetings: dict[str, Meeting] = {m.key: m for b in self.bodies for m in b.meetings}
        self.met: dict[str, dt.date] = {}
        for condition in self.conditions:
            name = condition.name.strip().casefold()
            if name not in self.met or condition.met_on < self.met[name]:
                self.met[name] = condition.met_on
        self.default_days = _reminder_days(self.policy.default_days)
        self.publication = Publication(self.bodies, self.documents)
        self.latest_changes = latest_changes(self.changes)
        self.titles = all_titles(self.documents) if self.latest_changes else {}


@dataclass(frozen=True)
class _Track:
    """One deadline to remind of, with whom to remind and on which nights it counts at all."""

    item: ReminderItem
    owner: str | None
    days: tuple[int, ...] = ()  # before-reminder days
    escalate_to: tuple[str | None, ...] | None = None  # None: never overdue
    papers: bool = False  # a papers deadline: papers-before-N and papers-deadline, never overdue
    active_from: dt.date | None = None  # a contingent action: the day its condition was met
    done_on: dt.date | None = None  # silent from this night on

    def active_on(self, night: dt.date) -> bool:
        if self.active_from is not None and night < self.active_from:
            return False
        return self.done_on is None or night < self.done_on


def _before_rule(days: int) -> str:
    return "on-the-day" if days == 0 else f"before-{days}"


def _triggers(track: _Track, first: dt.date, last: dt.date, inputs: _Inputs) -> Iterator[tuple[dt.date, str, str]]:
    """(night, recipient, rule) for every reminder `track` owes on a night from `first` to `last`.
    Every trigger day is a working day, so weekend and bank holiday nights owe nothing."""
    due, owner, policy, calendar = track.item.deadline, track.owner, inputs.policy, inputs.days
    if track.papers:
        if owner is not None:
            for before in sorted({*track.days, 0}, reverse=True):
                night = calendar.add(due, -before)
                if first <= night <= last:
                    yield night, owner, f"papers-before-{before}" if before else "papers-deadline"
        return
    if owner is not None:
        opens = track.item.opens
        if opens is not None and first <= opens <= last:
            yield opens, owner, "opens"
        for before in track.days:
            night = calendar.add(due, -before)
            if first <= night <= last:
                yield night, owner, _before_rule(before)
    if track.escalate_to is None or last <= due:
        return
    # Overdue: the c-th working day after the deadline owes overdue-c (c ≤ overdue_daily_for), and
    # every escalate_every-th after those an escalation. Count from the day before the first night.
    base = max(due, first - _ONE_DAY)
    counted = calendar.between(due, base)  # working days after the deadline up to `base`
    reach = counted + calendar.between(base, last)
    if owner is not None:
        for late in range(counted + 1, min(reach, policy.overdue_daily_for) + 1):
            yield calendar.add(base, late - counted), owner, f"overdue-{late}"
    recipients = sorted({r for r in track.escalate_to if r}) or ([owner] if owner else [])
    step = policy.escalate_every
    number = max(1, -(-(counted + 1 - policy.overdue_daily_for) // step))  # the first one not before `first`
    while (late := policy.overdue_daily_for + number * step) <= reach:
        night = calendar.add(base, late - counted)
        for recipient in recipients:
            yield night, recipient, f"escalation-{number}"
        number += 1


def _sources(first: dt.date, last: dt.date, inputs: _Inputs) -> Iterator[tuple[ReminderSource, Iterator[_Track]]]:
    """Each document's and each plan's tracks, worked out lazily (a failure shows while iterating)."""
    for document in inputs.documents:
        yield ReminderSource("document", document.key), _step_tracks(document, inputs)
    for plan in inputs.plans:
        yield ReminderSource("plan", plan.key), _plan_tracks(plan, first, last, inputs)


def _plan_tracks(plan: ActionPlan, first: dt.date, last: dt.date, inputs: _Inputs) -> Iterator[_Track]:
    for rec in plan.recommendations:
        for action in rec.actions:
            yield from _action_tracks(plan, rec, action, first, last, inputs)


# --- route steps -----------------------------------------------------------------------------


def _step_tracks(document: Document, inputs: _Inputs) -> Iterator[_Track]:
    for step in document.route.steps:
        forecast = inputs.forecasts.get((document.key, step.key))
        if forecast is None or forecast.date is None or forecast.state not in _OPEN_STATES:
            continue
        if not _firm(step, forecast, inputs):
            continue
        owner = _allowed(step.owner or document.owner, document, step, inputs)
        body = inputs.bodies_by_code.get(step.body_code) if step.body_code else None
        deadline = inputs.days.falls_due(forecast.date)
        item = ReminderItem(
            kind="step",
            key=f"step:{document.key}/{step.key}",
            title=step.title,
            context=document.title,
            body_code=step.body_code,
            deadline=deadline,
            when_text=step.when.shown if step.when else "",
            opens=inputs.days.opens(step_span(step, forecast.date), deadline),
            why=why_this_date(document, step, forecast, inputs.latest_changes, inputs.titles, inputs.publication),
        )
        days = _reminder_days(body.reminder_days) if body and body.reminder_days is not None else inputs.default_days
        # Only a ready step can be late: one whose date has passed while it still waits for
        # earlier steps is a stale forecast, and those earlier steps are the ones overdue.
        escalate_to = (
            tuple(_allowed(p, document, step, inputs) for p in (document.owner, body.secretary if body else None))
            if forecast.state in _READY_STATES
            else None
        )
        yield _Track(item, owner, days, escalate_to, done_on=step.done_on)
        papers = _papers_item(document, step, forecast, body, inputs)
        if papers is not None:
            yield _Track(papers, owner, days, papers=True, done_on=step.done_on)


def _allowed(person: str | None, document: Document, step: Step, inputs: _Inputs) -> str | None:
    """`person` if they may be told of `step` (an exempt step: only the people it belongs to), else None."""
    return person if person is not None and inputs.publication.may_see(person, document, step) else None


def _fixed_meeting(forecast: StepForecast, inputs: _Inputs) -> Meeting | None:
    meeting = inputs.meetings.get(forecast.meeting_key) if forecast.meeting_key else None
    if meeting is None or meeting.starts_at is None or meeting.status not in _FIXED_MEETING:
        return None
    return meeting


def _firm(step: Step, forecast: StepForecast, inputs: _Inputs) -> bool:
    """Whether the step's date is one it can keep (see the module docstring)."""
    if not forecast.tentative:
        return True
    if forecast.state not in _READY_STATES:
        return False  # it waits for steps whose dates may still move
    if step.body_code is not None:
        return _fixed_meeting(forecast, inputs) is not None
    return not _tentative_when(step.when)


def _tentative_when(when: When | None) -> bool:
    return when is None or when.tentative or when.kind == "tbc"


def _papers_item(document: Document, step: Step, forecast: StepForecast, body: Body | None, inputs: _Inputs) -> ReminderItem | None:
    meeting = _fixed_meeting(forecast, inputs)
    if meeting is None or body is None or body.papers_lead_days <= 0:
        return None
    if meeting.papers and papers_for(document.title, meeting.papers) is not None:
        return None  # the committee system has published them: nobody is chased for them any more
    return ReminderItem(
        kind="papers",
        key=f"papers:{meeting.key}/{document.key}/{step.key}",
        title=step.title,
        context=f"{document.title}: papers for the {body.code} meeting on {format_day(meeting.day)}",
        body_code=body.code,
        deadline=inputs.days.add(meeting.day, -body.papers_lead_days),
        when_text=step.when.shown if step.when else "",
    )


# --- plan actions ----------------------------------------------------------------------------


def _action_tracks(
    plan: ActionPlan, rec: Recommendation, action: Action, first: dt.date, last: dt.date, inputs: _Inputs
) -> Iterator[_Track]:
    when = action.when
    if when is None or (action.done_on is not None and action.done_on <= first):
        return
    owner = action.owner or rec.owner or plan.owner
    days = _reminder_days(plan.reminder_days) if plan.reminder_days is not None else inputs.default_days

    def item(deadline: dt.date, span: ItemSpan | None = None, why: str = "") -> ReminderItem:
        due = inputs.days.falls_due(deadline)
        return ReminderItem(
            kind="action",
            key=f"action:{plan.key}/{rec.number}/{action.position}",
            title=action.text,
            context=f"{plan.title}, recommendation {rec.number}",
            body_code=None,
            deadline=due,
            when_text=when.shown,
            opens=inputs.days.opens(span, due),
            why=why,
        )

    late = action_deadline(action)  # its owner expects it later than its When: due then, and why
    if late is not None:
        yield _Track(item(late[0], why=late[1]), owner, days, (plan.owner,), done_on=action.done_on)
        return
    if when.kind == "recurring":
        # Each occurrence is its own deadline; a recurring action is never overdue as a whole.
        for occurrence in _occurrences_between(when, first, last, days, inputs.days):
            yield _Track(item(occurrence), owner, days, None, done_on=action.done_on)
        return
    active_from, span = None, None
    if when.kind == "contingent":
        met_on = inputs.met.get((when.depends_on or "").strip().casefold())
        if not when.depends_on or met_on is None or met_on > last:
            return
        # Counted from the first working day on or after the day it was met (a condition met on a
        # Saturday starts the clock on Monday), so the before-N for N = contingent_due_after falls
        # on that day; reminder days further ahead than that would fall before it and are not owed.
        start = inputs.days.calendar.on_or_after_working_day(met_on)
        deadline, active_from = inputs.days.add(start, inputs.policy.contingent_due_after), met_on
    elif when.kind in ("date", "window") and when.end is not None and not when.tentative:
        deadline, span = when.end, action_span(action)
    else:
        return  # TBC, provisional, ongoing: no deadline to remind of
    yield _Track(item(deadline, span), owner, days, (plan.owner,), active_from=active_from, done_on=action.done_on)


def _occurrences_between(when: When, first: dt.date, last: dt.date, days: tuple[int, ...], calendar: _Days) -> Iterator[dt.date]:
    """The occurrences whose reminders could fall on a night from `first` to `last`: from `first`
    up to the furthest reminder day ahead of `last` (plus the days a weekend or holiday deadline
    moves back)."""
    horizon = calendar.add(last, max(days, default=0)) + dt.timedelta(days=10)
    occurrence = next_occurrence(when, first)
    while occurrence is not None and occurrence <= horizon:
        yield occurrence
        occurrence = next_occurrence(when, occurrence + _ONE_DAY)
