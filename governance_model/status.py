"""Where things stand on a given day: each document's current step, next deadline and overdue steps,
and each plan's actions that are due or overdue. Pure: `as_of` is always passed in."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from governance_model.model import ActionPlan, Document, recommendation_sort_key
from governance_model.reason_words import reason_words, risk_words, state_words
from governance_model.route_planner import RoutePlan
from governance_model.when import When, add_duration


def next_occurrence(when: When, as_of: dt.date) -> dt.date | None:
    """The first occurrence of a recurring When on or after `as_of`; None once a bounded one has ended."""
    if when.kind != "recurring" or when.start is None or when.every is None:
        return None
    if as_of <= when.start:
        return when.start
    times, day = 0, when.start
    while day < as_of:
        times += 1
        day = add_duration(when.start, when.every, times)
    if when.end is not None and day > when.end:
        return None
    return day


@dataclass(frozen=True)
class StepStatus:
    key: str
    title: str
    state: str  # a StepState value: planned | scheduled | due | overdue | done | skipped | stopped
    body_code: str | None
    deadline: dt.date | None  # the done, scheduled or forecast date
    when_text: str | None
    at_risk: str = ""  # why it may not keep its date ("" when it is not at risk), in words
    words: str = ""  # where it stands, in words: "scheduled 6 Jan 2022", "to be confirmed (forecast April 2022)"
    why: str = ""  # why it sits on that date, in words (governance_model.reason_words)


@dataclass(frozen=True)
class DocumentStatus:
    key: str
    title: str
    current_step: str | None
    next_deadline: dt.date | None
    overdue: list[StepStatus] = field(default_factory=list)
    steps: list[StepStatus] = field(default_factory=list)
    stopped: bool = False


@dataclass(frozen=True)
class ActionStatus:
    recommendation: str
    position: int
    text: str
    owner: str | None
    due: dt.date | None
    when_text: str | None


@dataclass(frozen=True)
class PlanStatus:
    key: str
    title: str
    due: list[ActionStatus] = field(default_factory=list)
    overdue: list[ActionStatus] = field(default_factory=list)
    rag: str = ""  # the plan's RAG in words ("Red – overdue"), by governance_model.rag
    rag_reason: str = ""


def document_status(document: Document, route: RoutePlan) -> DocumentStatus:
    """A document's route as the planner sees it on the plan's day."""
    steps_by_key = {s.key: s for s in document.route.steps}
    titles = {s.key: s.title for s in document.route.steps}
    statuses = []
    for forecast in route.steps:
        step = steps_by_key[forecast.step_key]
        statuses.append(
            StepStatus(
                step.key, step.title, forecast.state.value, step.body_code, forecast.date,
                step.when.shown if step.when else None, risk_words(forecast, titles),
                state_words(forecast, step, route.as_of), reason_words(forecast.why, titles),
            )
        )
    open_steps = [s for s in statuses if s.state not in ("done", "skipped", "stopped")]
    current = next((s.key for s in open_steps if s.state in ("due", "overdue")), None)
    upcoming = [s.deadline for s in open_steps if s.deadline is not None and s.deadline >= route.as_of]
    return DocumentStatus(
        key=document.key,
        title=document.title,
        current_step=current,
        next_deadline=min(upcoming, default=None),
        overdue=[s for s in statuses if s.state == "overdue"],
        steps=statuses,
        stopped=route.stopped,
    )


def plan_status(plan: ActionPlan, as_of: dt.date, horizon_days: int = 14) -> PlanStatus:
    """Actions due within `horizon_days` of `as_of` (or in their window now) and those overdue.

    Contingent, ongoing and TBC actions have no deadline and are never due here; recurring ones are
    due at their next occurrence."""
    due, overdue = [], []
    horizon = as_of + dt.timedelta(days=horizon_days)
    for rec in plan.recommendations:
        for action in rec.actions:
            when = action.when
            if when is None:
                continue
            if when.kind == "recurring":
                deadline = next_occurrence(when, as_of)
                if deadline is not None and deadline <= horizon:
                    due.append(_action(rec.number, action, deadline))
                continue
            if when.end is None:
                continue
            item = _action(rec.number, action, when.end)
            if when.end < as_of:
                overdue.append(item)
            elif when.end <= horizon or (when.start is not None and when.start <= as_of):
                due.append(item)
    key = lambda a: (a.due or dt.date.max, recommendation_sort_key(a.recommendation), a.position)  # noqa: E731
    return PlanStatus(plan.key, plan.title, sorted(due, key=key), sorted(overdue, key=key))


def _action(number: str, action, deadline: dt.date) -> ActionStatus:
    return ActionStatus(number, action.position, action.text, action.owner, deadline, action.when.shown if action.when else None)
