"""RAG status by a written rule: every action of a plan judged on a given day, rolled up to its
recommendation and to the plan, each judgement with its reason in words. Pure: the day, the
conditions met and the working calendar are passed in.

The rule, for an action on day D (tolerances per plan, see `RagTolerances`):

1. **Complete** — it was recorded done on or before D (a progress update marking it complete, or
   the Status column of a plan file). Its owner expecting it late (`Action.expected`, later than
   its When) makes that day its deadline below, and the reason says so.
2. **On hold** — its When is contingent ("DfE contingent") and the condition has not been recorded
   as met by D. Once met, it is due `CONTINGENT_DUE_AFTER` working days later (the reminder rule)
   and judged as a dated action. A dated When that also waits for something ("March 2022 (subject
   to Cabinet approval)") is not held: it is judged by its date, and the reason names what it waits
   for.
3. **No update** — the data to judge it is missing: no When, a When still TBC or relative to
   something not yet dated ("12 weeks after Cabinet"), or an ongoing action that has started and has
   never had a progress update.
4. **Overdue** — its deadline (the last day of its When, or the working day before when that is a
   weekend or bank holiday) is before D and it is not complete. A recurring action ("Quarterly wef
   Jan 2022") is judged on its latest occurrence on or before D: overdue when that occurrence had
   no progress update in the `stale_after_days` before it or since.
5. **At risk** — its deadline is at most `at_risk_within_days` days after D and it has had no
   progress update in the last `stale_after_days` days; an ongoing action whose last update is
   older than `stale_after_days`.
6. **On track** — otherwise.

A progress update counts for an action when it names the action, or names its recommendation
without naming an action. Updates recorded after D are not seen.

A recommendation takes the worst RAG of its actions (overdue, then at risk, no update, on track,
on hold), or Complete when all its actions are; one with no actions of its own that is merged with
another takes that one's RAG. The plan takes the worst RAG of its recommendations.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

from governance_model.model import (
    Action,
    ActionPlan,
    Condition,
    ProgressUpdate,
    RagTolerances,
    Recommendation,
)
from governance_model.owner_answers import action_deadline
from governance_model.reason_words import short_day
from governance_model.reminders import ReminderPolicy
from governance_model.when import When, add_duration
from governance_model.working_days import WorkingCalendar

CONTINGENT_DUE_AFTER = ReminderPolicy().contingent_due_after  # working days; the reminders' rule


class Rag(str, Enum):
    """A RAG status. The value is stable (stored, exported); `label` and `colour` are what people read."""

    OVERDUE = "overdue"
    AT_RISK = "at_risk"
    NO_UPDATE = "no_update"
    ON_TRACK = "on_track"
    ON_HOLD = "on_hold"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return _LABELS[self][0]

    @property
    def colour(self) -> str:
        return _LABELS[self][1]

    @property
    def words(self) -> str:
        """The colour and the status in words, e.g. "Red – overdue" (never colour alone)."""
        return f"{self.colour} – {self.label.lower()}"

    @property
    def severity(self) -> int:
        """Higher is worse: the roll-up takes the highest."""
        return _SEVERITY[self]


_LABELS = {
    Rag.OVERDUE: ("Overdue", "Red"),
    Rag.AT_RISK: ("At risk", "Amber"),
    Rag.NO_UPDATE: ("No update", "Grey"),
    Rag.ON_TRACK: ("On track", "Green"),
    Rag.ON_HOLD: ("On hold", "Grey"),
    Rag.COMPLETE: ("Complete", "Blue"),
}
_SEVERITY = {Rag.COMPLETE: 0, Rag.ON_HOLD: 1, Rag.ON_TRACK: 2, Rag.NO_UPDATE: 3, Rag.AT_RISK: 4, Rag.OVERDUE: 5}


@dataclass(frozen=True)
class ActionRag:
    """One action judged on a day."""

    recommendation: str
    position: int
    text: str
    owner: str | None
    when_text: str | None
    rag: Rag
    reason: str
    deadline: dt.date | None = None  # the deadline it was judged against, if any
    done_on: dt.date | None = None
    last_update: dt.date | None = None

    @property
    def status(self) -> str:
        """"complete on 2022-03-10" or "open": what a plan file's Status column holds."""
        return f"complete on {self.done_on.isoformat()}" if self.done_on else "open"


@dataclass(frozen=True)
class RecommendationRag:
    number: str
    text: str
    owner: str | None
    rag: Rag
    reason: str
    actions: tuple[ActionRag, ...] = ()
    latest_update: ProgressUpdate | None = None


@dataclass(frozen=True)
class PlanRag:
    key: str
    title: str
    as_of: dt.date
    rag: Rag
    reason: str
    tolerances: RagTolerances
    recommendations: tuple[RecommendationRag, ...] = ()
    counts: dict[Rag, int] = field(default_factory=dict)  # recommendations per RAG

    def recommendation(self, number: str) -> RecommendationRag:
        return next(r for r in self.recommendations if r.number == number)

    def action(self, number: str, position: int) -> ActionRag:
        return next(a for a in self.recommendation(number).actions if a.position == position)


def counts_for(update: ProgressUpdate, number: str, position: int) -> bool:
    """Whether `update` counts for action `position` of recommendation `number`: it names the action,
    or names its recommendation without naming an action (the rule in the module docstring)."""
    return update.recommendation_number == number and (update.action_position is None or update.action_position == position)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def judge_plan(
    plan: ActionPlan,
    as_of: dt.date,
    conditions: list[Condition] | tuple[Condition, ...] = (),
    calendar: WorkingCalendar | None = None,
) -> PlanRag:
    """Judge every action of `plan` on `as_of` and roll the RAGs up (the rule is in the module docstring)."""
    judge = _Judge(plan, as_of, conditions, calendar or WorkingCalendar())
    own = {rec.number: judge.recommendation(rec) for rec in plan.recommendations}
    recommendations = tuple(judge.merged(rec, own) for rec in plan.recommendations)
    counts = Counter(r.rag for r in recommendations)
    if not recommendations:
        rag, reason = Rag.NO_UPDATE, "the plan has no recommendations"
    else:
        rag = max(counts, key=lambda r: r.severity)
        parts = [f"{counts[r]} {r.label.lower()}" for r in sorted(counts, key=lambda r: -r.severity)]
        noun = "recommendation" if len(recommendations) == 1 else "recommendations"
        reason = f"{len(recommendations)} {noun}: {', '.join(parts)}"
    return PlanRag(plan.key, plan.title, as_of, rag, reason, judge.tolerances, recommendations, dict(counts))


class _Judge:
    def __init__(self, plan: ActionPlan, as_of: dt.date, conditions, calendar: WorkingCalendar):
        self.plan, self.as_of, self.calendar = plan, as_of, calendar
        self.tolerances = plan.rag_tolerances or RagTolerances()
        self.met: dict[str, dt.date] = {}
        for condition in conditions:
            name = condition.name.strip().casefold()
            if condition.met_on <= as_of and (name not in self.met or condition.met_on < self.met[name]):
                self.met[name] = condition.met_on
        self.updates = [u for u in plan.updates if u.recorded_on <= as_of]

    # ---- recommendations

    def recommendation(self, rec: Recommendation) -> RecommendationRag:
        actions = tuple(self.action(rec, action) for action in rec.actions)
        latest = max(
            (u for u in self.updates if u.recommendation_number == rec.number),
            key=lambda u: u.recorded_on,
            default=None,
        )
        if not actions:
            return RecommendationRag(rec.number, rec.text, rec.owner, Rag.NO_UPDATE, "no actions recorded", (), latest)
        if all(a.rag is Rag.COMPLETE for a in actions):
            last = max(a.done_on for a in actions if a.done_on)
            reason = f"all {len(actions)} actions complete (the last on {short_day(last)})" if len(actions) > 1 else f"its action was completed on {short_day(last)}"
            return RecommendationRag(rec.number, rec.text, rec.owner, Rag.COMPLETE, reason, actions, latest)
        worst = max((a.rag for a in actions), key=lambda r: r.severity)
        return RecommendationRag(rec.number, rec.text, rec.owner, worst, _rollup_reason(worst, actions), actions, latest)

    def merged(self, rec: Recommendation, own: dict[str, RecommendationRag]) -> RecommendationRag:
        """A recommendation with no actions of its own that is merged with one that has them takes its RAG."""
        judged = own[rec.number]
        if rec.actions:
            return judged
        partner = next((own[n] for n in rec.merged_with if n in own and own[n].actions), None)
        if partner is None:
            return judged
        reason = f"to be merged with recommendation {partner.number}, whose actions it shares: {partner.reason}"
        return RecommendationRag(rec.number, rec.text, rec.owner, partner.rag, reason, (), judged.latest_update)

    # ---- actions

    def action(self, rec: Recommendation, action: Action) -> ActionRag:
        owner = action.owner or rec.owner
        done_on = self.plan.completed_on(rec.number, action)
        updates = [u.recorded_on for u in self.updates if counts_for(u, rec.number, action.position)]
        last_update = max(updates, default=None)

        def judged(rag: Rag, reason: str, deadline: dt.date | None = None, done: dt.date | None = None) -> ActionRag:
            return ActionRag(
                rec.number, action.position, action.text, owner, action.when.shown if action.when else None,
                rag, reason, deadline, done, last_update,
            )

        if done_on is not None and done_on <= self.as_of:
            return judged(Rag.COMPLETE, f"completed on {short_day(done_on)}", None, done_on)
        late = action_deadline(action)
        if late is not None:  # its owner said it will be late: judged against the day they expect
            return self.dated(judged, late[0], updates, late[1])
        when = action.when
        if when is None:
            return judged(Rag.NO_UPDATE, "no date given for it: set a When to judge it")
        if when.kind == "contingent":
            met_on = self.met.get((when.depends_on or "").strip().casefold())
            if met_on is None:
                return judged(Rag.ON_HOLD, f"on hold until {when.depends_on or 'its condition'} (“{when.text}”): not yet recorded as met")
            start = self.calendar.on_or_after_working_day(met_on)
            deadline = self.calendar.add_working_days(start, CONTINGENT_DUE_AFTER)
            lead = f"{when.depends_on} recorded as met on {short_day(met_on)}, so due {CONTINGENT_DUE_AFTER} working days later"
            return self.dated(judged, deadline, updates, lead)
        if when.kind == "tbc" or when.end is None and when.kind != "ongoing" and when.kind != "recurring":
            return judged(Rag.NO_UPDATE, f"no date yet (“{when.text}”)")
        if when.kind == "ongoing":
            return self.ongoing(judged, when, last_update)
        if when.kind == "recurring":
            return self.recurring(judged, when, updates)
        # A dated When that also waits for something ("March 2022 (subject to Cabinet approval)") is
        # judged by its date, as the paper committed to it; the reason names what it waits for.
        leads = [f"“{when.text}” is provisional"] if when.tentative else []
        leads += [f"subject to {when.depends_on}"] if when.depends_on else []
        return self.dated(judged, when.end, updates, "; ".join(leads))

    def dated(self, judged, deadline: dt.date, updates: list[dt.date], lead: str = "", *, due: dt.date | None = None) -> ActionRag:
        due = due or self.calendar.on_or_before_working_day(deadline)
        prefix = f"{lead}; " if lead else ""
        if due < self.as_of:
            late = (self.as_of - due).days
            return judged(Rag.OVERDUE, f"{prefix}due {short_day(due)}, {_days(late)} ago, and not recorded complete", due)
        left = (due - self.as_of).days
        when_due = "due today" if left == 0 else f"due {short_day(due)}, in {_days(left)}"
        stale = self.tolerances.stale_after_days
        recent = [d for d in updates if (self.as_of - d).days <= stale]
        if left <= self.tolerances.at_risk_within_days and not recent:
            why = "no progress update recorded" if not updates else f"no progress update in the last {_days(stale)} (the last on {short_day(max(updates))})"
            return judged(Rag.AT_RISK, f"{prefix}{when_due}, and {why}", due)
        tail = f"; last update {short_day(max(updates))}" if updates else ""
        return judged(Rag.ON_TRACK, f"{prefix}{when_due}{tail}", due)

    def ongoing(self, judged, when: When, last_update: dt.date | None) -> ActionRag:
        if when.start is not None and self.as_of < when.start:
            return judged(Rag.ON_TRACK, f"ongoing from {short_day(when.start)} (“{when.text}”): not started yet")
        since = f" since {short_day(when.start)}" if when.start else ""
        if last_update is None:
            return judged(Rag.NO_UPDATE, f"ongoing{since} (“{when.text}”) and no progress update recorded")
        age = (self.as_of - last_update).days
        if age > self.tolerances.stale_after_days:
            return judged(Rag.AT_RISK, f"ongoing{since}; the last progress update was {_days(age)} ago ({short_day(last_update)}), more than {self.tolerances.stale_after_days}")
        return judged(Rag.ON_TRACK, f"ongoing{since}; last update {short_day(last_update)}")

    def recurring(self, judged, when: When, updates: list[dt.date]) -> ActionRag:
        occurrences = [(day, self.occurrence_due(when, day)) for day in _occurrences(when, self.as_of)]
        past = [(day, due) for day, due in occurrences if due < self.as_of]
        if not past:  # the first occurrence (its start) has not fallen due yet: judged against it
            first = self.occurrence_due(when, when.start)
            return self.dated(judged, when.start, updates, f"recurring (“{when.text}”), first due {short_day(first)}", due=first)
        latest, due = past[-1]
        stale = self.tolerances.stale_after_days
        covering = [d for d in updates if d >= due - dt.timedelta(days=stale)]
        if not covering:
            return judged(
                Rag.OVERDUE,
                f"recurring (“{when.text}”): the occurrence due {short_day(due)} has no progress update "
                f"(none from {stale} days before it to now)",
                due,
            )
        lead = f"recurring (“{when.text}”): the occurrence due {short_day(due)} was reported on {short_day(min(covering))}"
        following = _next_after(when, latest)
        if following is None:
            return judged(Rag.ON_TRACK, f"{lead}; that was the last occurrence", due)
        return self.dated(judged, following, updates, f"{lead}; the next", due=self.occurrence_due(when, following))

    def occurrence_due(self, when: When, day: dt.date) -> dt.date:
        """The working day an occurrence falls due: the day before a weekend or holiday, but never before
        the action starts (1 January, a bank holiday, falls due on the first working day after it)."""
        due = self.calendar.on_or_before_working_day(day)
        if when.start is not None and due < when.start:
            due = self.calendar.on_or_after_working_day(day)
        return due


def _occurrences(when: When, as_of: dt.date) -> list[dt.date]:
    """The occurrences of a recurring When on or before `as_of`."""
    days, times = [], 0
    while True:
        day = add_duration(when.start, when.every, times)
        if day > as_of or (when.end is not None and day > when.end):
            return days
        days.append(day)
        times += 1


def _next_after(when: When, occurrence: dt.date) -> dt.date | None:
    times = 0
    while True:
        day = add_duration(when.start, when.every, times)
        if when.end is not None and day > when.end:
            return None
        if day > occurrence:
            return day
        times += 1


def _rollup_reason(worst: Rag, actions: tuple[ActionRag, ...]) -> str:
    counts = Counter(a.rag for a in actions)
    named = [a for a in actions if a.rag is worst]
    if worst in (Rag.OVERDUE, Rag.AT_RISK):
        items = "; ".join(f"action {a.position} due {short_day(a.deadline)}" if a.deadline else f"action {a.position}" for a in named)
    else:
        items = "; ".join(f"action {a.position}: {a.reason}" for a in named)
    if len(actions) == 1:
        return f"its one action: {worst.label.lower()} ({items})"
    head = f"{counts[worst]} of {len(actions)} actions {worst.label.lower()} ({items})"
    others = [f"{counts[r]} {r.label.lower()}" for r in sorted(counts, key=lambda r: -r.severity) if r is not worst]
    return head + (f"; {', '.join(others)}" if others else "")

