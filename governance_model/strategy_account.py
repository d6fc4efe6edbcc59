"""How a strategy answers for itself on a day: for each finding, thread and strand, the actions
serving it with their RAG and latest update and its own RAG; the findings × strands matrix; the
questions put at meetings and the actions their answers led to. Pure: plans, questions, bodies,
the day, the conditions and the working calendar are passed in.

The actions are judged by the RAG rule (governance_model.rag, `judge_plan`), plan by plan. An
action serves what its recommendation serves and what it serves itself (`Recommendation.serving`).

The rule for an entry (a finding, thread or strand) and for a matrix cell (a finding and a strand):

1. **Gap** — no action of the plans delivering the strategy serves it: it has no RAG, and is
   called out.
2. **Complete** — every action serving it is complete.
3. Otherwise the worst RAG of its actions (overdue, then at risk, no update, on track, on hold),
   as a recommendation takes the worst of its own.

A recommendation with no actions of its own that is to be merged with another shares that one's
actions (the plan's RAG rule, `merged` in rag.py): those actions serve what it serves too, and the
entry says so (`EntryAccount.shared`), so that its tags are not silently lost.

The reason says how many actions there are and how many of each RAG ("3 actions: 1 overdue,
2 on track"). An action's latest update is the latest progress update recorded by the day that
counts for it, by rag.py's rule: one naming the action, or naming its recommendation without an
action.

The plans delivering the strategy are those whose `strategy` is its key, except the plans of the
actions answers to its questions led to (`follow_up_plan_key` of their meeting): those are listed
under their meeting only.

Exempt business never shows: questions put at a meeting of an exempt body, and the plan of the
actions their answers led to, are left out (governance_model.publication); a linked strategy is
named as the paper names it (as a Part II item, `EXEMPT_ITEM`, when it names an exempt document or
the link is to one), and tied to a document govflow holds only when that one is public.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from governance_model.errors import ModelError
from governance_model.model import ActionPlan, Body, Condition, Document, ProgressUpdate, Recommendation
from governance_model.publication import EXEMPT_ITEM, Publication
from governance_model.rag import ActionRag, PlanRag, Rag, counts_for, judge_plan
from governance_model.strategy import Facet, MeetingQuestion, StrategyLink, follow_up_plan_key
from governance_model.working_days import WorkingCalendar

GAP_WORDS = "Gap – no action serves it"


@dataclass(frozen=True)
class ServingAction:
    """One action of a plan, judged on the day, with the latest progress update that counts for it."""

    plan_key: str
    plan_title: str
    judged: ActionRag
    latest_update: ProgressUpdate | None = None

    @property
    def recommendation(self) -> str:
        return self.judged.recommendation

    @property
    def position(self) -> int:
        return self.judged.position


@dataclass(frozen=True)
class Rollup:
    """Actions rolled up by the rule in the module docstring: `rag` None is a gap."""

    actions: tuple[ServingAction, ...]
    rag: Rag | None
    reason: str

    @property
    def gap(self) -> bool:
        return self.rag is None

    @property
    def words(self) -> str:
        """The RAG as people read it ("Red – overdue"), or the gap in words: never colour alone."""
        return self.rag.words if self.rag is not None else GAP_WORDS


@dataclass(frozen=True)
class SharedActions:
    """A recommendation with no actions of its own serving an entry through the actions of the
    recommendation it is to be merged with (`partner`)."""

    plan_title: str
    number: str
    partner: str


@dataclass(frozen=True)
class EntryAccount:
    """A finding, thread or strand with the actions serving it and their roll-up."""

    facet: Facet
    key: str
    title: str
    rollup: Rollup
    shared: tuple[SharedActions, ...] = ()

    @property
    def actions(self) -> tuple[ServingAction, ...]:
        return self.rollup.actions


@dataclass(frozen=True)
class MatrixCell:
    """The actions serving both a finding and a strand."""

    finding: str
    strand: str
    rollup: Rollup


@dataclass(frozen=True)
class AnsweredQuestion:
    """A question put at a meeting, and the actions its answer led to, judged."""

    question: MeetingQuestion
    follow_ups: tuple[ServingAction, ...] = ()


@dataclass(frozen=True)
class MeetingWithQuestions:
    meeting_key: str
    body_code: str | None  # None: a meeting govflow does not hold
    body_name: str
    day: dt.date | None
    questions: tuple[AnsweredQuestion, ...]


@dataclass(frozen=True)
class LinkAccount:
    """Another strategy this one aligns with or depends on: `title` as the public may read it (the
    paper's words, or `EXEMPT_ITEM`); `held_title`: the public document govflow holds."""

    link: StrategyLink
    title: str
    held_title: str | None = None


@dataclass(frozen=True)
class StrategyAccount:
    """What a strategy answers for on `as_of`: see the module docstring."""

    key: str
    title: str
    as_of: dt.date
    findings: tuple[EntryAccount, ...]
    threads: tuple[EntryAccount, ...]
    strands: tuple[EntryAccount, ...]
    matrix: tuple[tuple[MatrixCell, ...], ...]  # a row per finding, a cell per strand
    plans: tuple[PlanRag, ...]  # the plans delivering it, judged
    meetings: tuple[MeetingWithQuestions, ...]
    links: tuple[LinkAccount, ...]

    def entries(self, facet: Facet) -> tuple[EntryAccount, ...]:
        return {Facet.FINDING: self.findings, Facet.THREAD: self.threads, Facet.STRAND: self.strands}[facet]

    @property
    def gaps(self) -> list[EntryAccount]:
        return [e for facet in Facet for e in self.entries(facet) if e.rollup.gap]


def roll_up(actions: Sequence[ServingAction], nothing: str = "no action serves it") -> Rollup:
    """The rule in the module docstring, with its reason in words."""
    actions = tuple(actions)
    if not actions:
        return Rollup((), None, nothing)
    counts = Counter(a.judged.rag for a in actions)
    noun = "1 action" if len(actions) == 1 else f"{len(actions)} actions"
    if counts[Rag.COMPLETE] == len(actions):
        return Rollup(actions, Rag.COMPLETE, "its one action is complete" if len(actions) == 1 else f"all {noun} complete")
    worst = max(counts, key=lambda r: r.severity)
    parts = [f"{counts[r]} {r.label.lower()}" for r in sorted(counts, key=lambda r: -r.severity)]
    return Rollup(actions, worst, f"{noun}: {', '.join(parts)}")


def latest_update_for(plan: ActionPlan, number: str, position: int, as_of: dt.date) -> ProgressUpdate | None:
    """The latest update recorded by `as_of` that counts for the action (rag.py's rule)."""
    counting = [u for u in plan.updates if u.recorded_on <= as_of and counts_for(u, number, position)]
    return max(counting, key=lambda u: u.recorded_on, default=None)


def account_for_strategy(
    document: Document,
    plans: Iterable[ActionPlan],
    questions: Iterable[MeetingQuestion],
    as_of: dt.date,
    *,
    bodies: Iterable[Body] = (),
    documents: Iterable[Document] = (),
    conditions: Sequence[Condition] = (),
    calendar: WorkingCalendar | None = None,
) -> StrategyAccount:
    """How `document` answers for itself on `as_of`. `plans`: every plan (those delivering it, with
    `strategy` its key, and the follow-up plans of its questions' meetings are taken from them);
    `questions`: those about it; `bodies`: to date the meetings and leave exempt ones out;
    `documents`: to tie its links to the documents govflow holds."""
    framework = document.framework
    if framework is None:
        raise ModelError(f"document {document.key!r} has no strategy framework (findings, threads, strands)")
    calendar = calendar or WorkingCalendar()
    plans, bodies = list(plans), list(bodies)
    meetings = {m.key: (body, m) for body in bodies for m in body.meetings}
    exempt_meetings = {key for key, (body, _) in meetings.items() if body.exempt}
    questions = [q for q in questions if q.about == document.key]
    # Follow-up plans are shown under their meeting (exempt ones nowhere), never as delivering plans.
    follow_up_plans = {follow_up_plan_key(q.meeting_key) for q in questions} | {follow_up_plan_key(key) for key in exempt_meetings}
    questions = [q for q in questions if q.meeting_key not in exempt_meetings]

    judged: dict[str, PlanRag] = {}
    served: list[tuple[frozenset, ServingAction]] = []  # ((facet, key) pairs, the action)
    shared: dict[tuple[Facet, str], list[SharedActions]] = {}

    def judge(plan: ActionPlan) -> PlanRag:
        if plan.key not in judged:
            judged[plan.key] = judge_plan(plan, as_of, conditions, calendar)
        return judged[plan.key]

    def serving_action(plan: ActionPlan, number: str, position: int) -> ServingAction:
        return ServingAction(plan.key, plan.title, judge(plan).action(number, position), latest_update_for(plan, number, position, as_of))

    delivering = [p for p in plans if p.strategy == document.key and p.key not in follow_up_plans]
    for plan in delivering:
        judge(plan)
        sharing = _sharing(plan.recommendations)
        for partner, merged in sharing.items():
            for rec, facet in ((rec, facet) for rec in merged for facet in Facet):
                for key in rec.serves.of(facet):
                    shared.setdefault((facet, key), []).append(SharedActions(plan.title, rec.number, partner))
        for rec in plan.recommendations:
            for action in rec.actions:
                serves = [rec.serving(action), *(m.serves for m in sharing.get(rec.number, ()))]
                keys = frozenset((facet, key) for facet in Facet for s in serves for key in s.of(facet))
                if keys:
                    served.append((keys, serving_action(plan, rec.number, action.position)))

    def serving(*wanted: tuple[Facet, str]) -> list[ServingAction]:
        return [action for keys, action in served if all(w in keys for w in wanted)]

    def entries(facet: Facet) -> tuple[EntryAccount, ...]:
        return tuple(
            EntryAccount(facet, e.key, e.title, roll_up(serving((facet, e.key))), tuple(shared.get((facet, e.key), ())))
            for e in framework.entries(facet)
        )

    matrix = tuple(
        tuple(
            MatrixCell(f.key, s.key, roll_up(serving((Facet.FINDING, f.key), (Facet.STRAND, s.key)), "no action serves both"))
            for s in framework.strands
        )
        for f in framework.findings
    )

    by_plan = {p.key: p for p in plans}
    grouped: dict[str, list[AnsweredQuestion]] = {}
    for question in sorted(questions, key=lambda q: (q.meeting_key, q.number)):
        follow_up = by_plan.get(follow_up_plan_key(question.meeting_key))
        actions: tuple[ServingAction, ...] = ()
        if follow_up is not None:
            rec = next((r for r in follow_up.recommendations if r.number == str(question.number)), None)
            if rec is not None:
                actions = tuple(serving_action(follow_up, rec.number, a.position) for a in rec.actions)
        grouped.setdefault(question.meeting_key, []).append(AnsweredQuestion(question, actions))
    sittings = []
    for key, answered in grouped.items():
        body, meeting = meetings.get(key, (None, None))
        sittings.append(
            MeetingWithQuestions(
                key, body.code if body else None, body.name if body else "", meeting.day if meeting else None, tuple(answered)
            )
        )
    sittings.sort(key=lambda m: (m.day or dt.date.max, m.meeting_key))

    documents = list(documents)
    publication = Publication(bodies, documents)
    public = {d.key: d for d in documents if not d.exempt}
    exempt = {d.key for d in documents if d.exempt}
    links = tuple(
        LinkAccount(
            link,
            EXEMPT_ITEM if link.document in exempt else publication.public_text(link.title),
            public[link.document].title if link.document in public else None,
        )
        for link in framework.links
    )
    return StrategyAccount(
        document.key,
        document.title,
        as_of,
        entries(Facet.FINDING),
        entries(Facet.THREAD),
        entries(Facet.STRAND),
        matrix,
        tuple(judge(p) for p in delivering),
        tuple(sittings),
        links,
    )


def _sharing(recommendations: Sequence[Recommendation]) -> dict[str, list[Recommendation]]:
    """The recommendations with no actions of their own, by the number of the one whose actions they
    share (the first they are merged with that has actions, as rag.py's `merged`)."""
    with_actions = {r.number for r in recommendations if r.actions}
    sharing: dict[str, list[Recommendation]] = {}
    for rec in recommendations:
        partner = None if rec.actions else next((n for n in rec.merged_with if n in with_actions), None)
        if partner is not None:
            sharing.setdefault(partner, []).append(rec)
    return sharing
