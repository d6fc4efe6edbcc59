"""Synthetic councils for benchmarks: bodies and their meetings, people, documents with routes,
decisions and action plans, deterministic from a seed, written into a database.

One council per `random.Random(f"{seed}-{index}")`, so council C017 is the same whether 20 or 150
are generated. Every code and key starts with the council's code ("C017-SSPB", "C017-GB") so any
number of councils fit in one database. Dates are real `When` readings of phrases such as
"15 March 22", "TBC", "October/November 21" or "Quarterly wef Jan 2022" over the council year
September 2021 – August 2022; decisions and completed steps are recorded up to `recorded_until`.

benchmarks/synthetic_database.py writes them into a database.
"""
from __future__ import annotations

import datetime as dt
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic_wording import (
    ACTION_WHENS,
    ACTIONS,
    BODIES,
    DECIDE_BODIES,
    DOCUMENT_KINDS,
    DOCUMENT_TITLES,
    FIRST_NAMES,
    LAST_NAMES,
    LOCATIONS,
    MEASURES,
    MINUTES,
    MONTH_ABBR,
    MONTH_NAMES,
    ORDINALS,
    RECOMMENDATIONS,
    REVIEW_BODIES,
    ROLES,
    ROUTE_FOR_KIND,
    ROUTES,
    SHARE_BODIES,
    TIMES,
    UPDATE_DEVELOP,
    UPDATE_DIFFERENCE,
    UPDATE_DONE,
    UPDATE_NEXT,
    WEEKDAYS,
)
from governance_model.meeting_rules import read_meeting_rule
from governance_model.model import (
    Action,
    ActionPlan,
    Body,
    Decision,
    DecisionOutcome,
    Document,
    DocumentVersion,
    Measure,
    Meeting,
    MeetingStatus,
    Person,
    ProgressUpdate,
    Recommendation,
    Route,
    Step,
    StepKind,
)
from governance_model.route_planner import MeetingIndex, bind_meetings
from governance_model.when import When, read_when

LONDON = ZoneInfo("Europe/London")
YEAR_START = dt.date(2021, 9, 1)
YEAR_END = dt.date(2022, 8, 31)
PLAN_CONTEXT = dt.date(2022, 1, 1)  # the plans' tables are headed "When (2022)"
RECORDED_UNTIL = dt.date(2022, 2, 20)
DEFAULT_SEED = 2022
DEFAULT_COUNCILS = 150

DOCUMENTS_PER_COUNCIL = 40
STEPS_PER_ROUTE = 8
PLANS_PER_COUNCIL = 15
ACTIONS_PER_PLAN = 60
BODIES_PER_COUNCIL = 20
MEETINGS_PER_YEAR = 10
PEOPLE_PER_COUNCIL = 24

@dataclass
class Council:
    """One synthetic council: everything the loader would store for it."""

    code: str
    people: list[Person] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    plans: list[ActionPlan] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        recs = [r for p in self.plans for r in p.recommendations]
        return {
            "people": len(self.people),
            "bodies": len(self.bodies),
            "meetings": sum(len(b.meetings) for b in self.bodies),
            "documents": len(self.documents),
            "steps": sum(len(d.route.steps) for d in self.documents),
            "decisions": len(self.decisions),
            "plans": len(self.plans),
            "recommendations": len(recs),
            "actions": sum(len(r.actions) for r in recs),
            "measures": sum(len(r.measures) for r in recs),
            "progress_updates": sum(len(p.updates) for p in self.plans),
        }


@lru_cache(maxsize=None)
def when(text: str, context: dt.date) -> When:
    """A phrase read as the loader reads it (cached: the same few hundred phrases recur)."""
    return read_when(text, context)


def council_code(index: int) -> str:
    return f"C{index:03d}"


def generate_councils(
    count: int = DEFAULT_COUNCILS, seed: int = DEFAULT_SEED, recorded_until: dt.date = RECORDED_UNTIL
) -> Iterator[Council]:
    """`count` councils, C000 onwards, one at a time (memory stays at one council's worth)."""
    for index in range(count):
        yield generate_council(index, seed, recorded_until)


def generate_council(index: int, seed: int = DEFAULT_SEED, recorded_until: dt.date = RECORDED_UNTIL) -> Council:
    rng = random.Random(f"{seed}-{index}")
    council = Council(code=council_code(index))
    council.people = _people(rng, council.code)
    initials = [p.initials for p in council.people]
    council.bodies = _bodies(rng, council.code, secretary=initials[0], recorded_until=recorded_until)
    meetings = MeetingIndex(council.bodies)
    for number in range(DOCUMENTS_PER_COUNCIL):
        document, decisions = _document(rng, council.code, number, meetings, initials[1:], recorded_until)
        council.documents.append(document)
        council.decisions += decisions
    council.decisions.sort(key=lambda d: d.decided_on)  # the order a secretary records them in
    council.plans = [_plan(rng, council.code, number, initials[1:], recorded_until) for number in range(PLANS_PER_COUNCIL)]
    return council


# ---- people and bodies --------------------------------------------------------------------------


def _people(rng: random.Random, code: str) -> list[Person]:
    people = [Person(initials=f"{code}-SEC", name="Democratic Services", role="Board secretary",
                     email=f"democratic.services@{code.lower()}.example.org")]  # fmt: skip
    taken = {"SEC"}
    while len(people) < PEOPLE_PER_COUNCIL:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        for initials in (first[0] + last[0], first[0] + last[:2], first[:2] + last[0]):
            if initials.upper() not in {t.upper() for t in taken}:
                break
        else:
            continue
        taken.add(initials)
        people.append(
            Person(
                initials=f"{code}-{initials}",
                name=f"{first} {last}",
                role=rng.choice(ROLES),
                email=f"{first.lower()}.{last.lower()}@{code.lower()}.example.org",
            )
        )
    return people


def _bodies(rng: random.Random, code: str, secretary: str, recorded_until: dt.date) -> list[Body]:
    bodies = []
    for short, name, lead in BODIES[:BODIES_PER_COUNCIL]:
        body_code = f"{code}-{short}"
        # Ten sittings: every month but August and one other.
        skipped = {8, rng.choice([12, 4, 1, 6])}
        months = [m for m in (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8) if m not in skipped]
        at = rng.choice(TIMES)
        rule_text = (
            f"{rng.choice(ORDINALS)} {rng.choice(WEEKDAYS)} of "
            f"{', '.join(MONTH_NAMES[m] for m in months[:-1])} and {MONTH_NAMES[months[-1]]} at {at}"
        )
        location = rng.choice(LOCATIONS)
        meetings = []
        for starts_at in read_meeting_rule(rule_text).dates(YEAR_START, YEAR_END):
            day = starts_at.date()
            roll = rng.random()
            if roll < 0.03:  # only a window is known so far
                phrase = f"TBC {MONTH_NAMES[day.month]} {day.year % 100:02d}"
                meetings.append(Meeting(key=f"{body_code}-{day:%Y-%m}-tbc", body_code=body_code,
                                        when=when(phrase, YEAR_START), status=MeetingStatus.TENTATIVE,
                                        location=location))  # fmt: skip
                continue
            if roll < 0.08:
                status = MeetingStatus.CANCELLED
            elif roll < 0.16:
                status = MeetingStatus.TENTATIVE
            elif day < recorded_until and rng.random() < 0.7:
                status = MeetingStatus.HELD
            else:
                status = MeetingStatus.SCHEDULED
            # A cancelled meeting, and some others that were moved or confirmed, have been re-issued.
            sequence = 1 if status is MeetingStatus.CANCELLED or rng.random() < 0.1 else 0
            meetings.append(Meeting(key=f"{body_code}-{day.isoformat()}", body_code=body_code, starts_at=starts_at,
                                    status=status, location=location, sequence=sequence))  # fmt: skip
        bodies.append(
            Body(code=body_code, name=name, secretary=secretary, papers_lead_days=lead,
                 meeting_rule=rule_text, meetings=meetings)  # fmt: skip
        )
    return bodies


# ---- documents, routes and decisions ------------------------------------------------------------


def _yy(day: dt.date) -> str:
    return f"{day.year % 100:02d}"


def _ordinal_suffix(n: int) -> str:
    return "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _date_phrase(rng: random.Random, day: dt.date) -> str:
    style = rng.random()
    if style < 0.5:
        return f"{day.day} {MONTH_NAMES[day.month]} {_yy(day)}"  # 15 March 22
    if style < 0.8:
        return f"{day.day} {_ordinal_suffix(day.day)} {MONTH_NAMES[day.month]} {_yy(day)}"  # 15 th September 21
    return f"{day:%A} {day.day} {MONTH_NAMES[day.month]} {_yy(day)}"  # Tuesday 15 March 22


def _window_phrase(rng: random.Random, day: dt.date) -> str:
    month, yy = MONTH_NAMES[day.month], _yy(day)
    nxt = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    roll = rng.random()
    if roll < 0.25:
        return f"{month} {yy}"  # December 21
    if roll < 0.40:
        if nxt.year == day.year:
            return f"{month}/{MONTH_NAMES[nxt.month]} {yy}"  # October/November 21
        return f"{month} {yy} to {MONTH_NAMES[nxt.month]} {_yy(nxt)}"  # December 21 to January 22
    if roll < 0.50:
        if nxt.year == day.year:
            return f"One month {MONTH_ABBR[day.month]}/{MONTH_ABBR[nxt.month]} {yy}"  # One month Jan/Feb 22
        return f"{month} {yy}"
    if roll < 0.60:
        return f"TBC {month} {yy}"
    if roll < 0.70:
        return f"early {month} {yy}"
    if roll < 0.78:
        return f"mid-{month} {yy}"
    if roll < 0.88:
        return f"by end of {month} {yy}"
    if roll < 0.94 and day.month in (10, 2, 5):
        return f"{month} {yy} half term deadline"
    return f"by {day.day} {month} {yy}"


def _document(
    rng: random.Random,
    code: str,
    number: int,
    meetings: MeetingIndex,
    owners: list[str],
    recorded_until: dt.date,
) -> tuple[Document, list[Decision]]:
    kind = rng.choice(DOCUMENT_KINDS)
    title = rng.choice(DOCUMENT_TITLES[kind])
    slug = "-".join(title.lower().replace(":", "").replace("/", " ").split())
    key = f"{code}-{slug}-{number:02d}"
    dated = YEAR_START + dt.timedelta(days=rng.randrange(0, 170))
    owner = rng.choice(owners)
    version_count = rng.randint(1, 3)
    first_version = rng.randint(1, 11)
    versions = [
        DocumentVersion(number=n, label=f"Version {n}", dated=dated - dt.timedelta(days=14 * (first_version + version_count - 1 - n)))
        for n in range(first_version, first_version + version_count)
    ]
    current = versions[-1].number
    template = ROUTES[ROUTE_FOR_KIND[kind]]
    used_decide: list[str] = []
    targets: list[dt.date] = []
    steps: list[Step] = []
    for position, (step_kind, where, waits, title_template) in enumerate(template):
        body_short = _pick_body(rng, where, used_decide)
        body_code = f"{code}-{body_short}" if body_short else None
        before = [targets[i] for i in waits] if waits else ([targets[-1]] if targets and waits is None else [])
        target = max(before, default=dated) + dt.timedelta(days=rng.randint(7, 35) if before else rng.randint(7, 21))
        phrase, target = _step_phrase(rng, body_code, target, meetings)
        targets.append(target)
        step_owner = owner if rng.random() < 0.8 else rng.choice(owners)
        steps.append(
            Step(
                key=f"{position + 1:02d}-{step_kind.value}",
                position=position + 1,
                kind=step_kind,
                title=title_template.format(v=current, title=title, body=body_short or "officers"),
                body_code=body_code,
                when=when(phrase, dated) if phrase else None,
                owner=step_owner,
                waits_for=tuple(f"{i + 1:02d}-{template[i][0].value}" for i in waits) if waits is not None else None,
            )
        )
    document = Document(key=key, title=title, kind=kind, owner=owner, versions=versions,
                        route=Route(steps=steps), dated=dated)  # fmt: skip
    bind_meetings(document, meetings)
    decisions = _history(rng, document, meetings, recorded_until)
    return document, decisions


def _pick_body(rng: random.Random, where: str | None, used_decide: list[str]) -> str | None:
    if where is None:
        return None
    if where == "maybe-share":
        return rng.choice(SHARE_BODIES) if rng.random() < 0.6 else None
    if where == "maybe-decide":
        where = "decide" if rng.random() < 0.4 else ""
        if not where:
            return None
    if where == "share":
        return rng.choice(SHARE_BODIES)
    if where == "review":
        return rng.choice(REVIEW_BODIES)
    choice = rng.choice([b for b in DECIDE_BODIES if b not in used_decide])
    used_decide.append(choice)
    return choice


def _step_phrase(
    rng: random.Random, body_code: str | None, target: dt.date, meetings: MeetingIndex
) -> tuple[str | None, dt.date]:
    """The When phrase a paper would give this step, and the date it stands for."""
    roll = rng.random()
    if roll < 0.03:
        return None, target
    if roll < 0.07:
        return "TBC", target
    if body_code is not None and roll < 0.8:
        # At a body: the date of its sitting (which the loader then ties the step to).
        for meeting in meetings.dated.get(body_code, ()):
            if meeting.day >= target:
                return _date_phrase(rng, meeting.day), meeting.day
        return (f"TBC {MONTH_NAMES[target.month]} {_yy(target)}" if target <= YEAR_END else "TBC"), target
    if target > YEAR_END + dt.timedelta(days=120):
        return "TBC", target
    return _window_phrase(rng, target), target


def _history(rng: random.Random, document: Document, meetings: MeetingIndex, recorded_until: dt.date) -> list[Decision]:
    """Steps marked done and decisions recorded before `recorded_until`, so the planner has work."""
    decisions: list[Decision] = []
    for step in document.route.steps:
        meeting = meetings.by_key.get(step.meeting_key) if step.meeting_key else None
        if step.body_code is None or meeting is None or meeting.day is None or meeting.starts_at is None:
            if step.when is not None and step.when.end is not None and step.when.end < recorded_until - dt.timedelta(days=3):
                if rng.random() < 0.65:
                    step.done_on = max(step.when.start or step.when.end, step.when.end - dt.timedelta(days=rng.randint(0, 5)))
            continue
        if meeting.day >= recorded_until or meeting.status is MeetingStatus.CANCELLED:
            continue
        if step.kind is StepKind.SHARE and rng.random() < 0.5:
            step.done_on = meeting.day
            continue
        if rng.random() >= 0.55:
            continue
        if step.kind is StepKind.DECIDE:
            outcome = rng.choices(
                [DecisionOutcome.APPROVED, DecisionOutcome.APPROVED_WITH_AMENDMENTS, DecisionOutcome.DEFERRED,
                 DecisionOutcome.REFERRED_BACK, DecisionOutcome.NOTED, DecisionOutcome.REJECTED],
                weights=[45, 10, 20, 17, 5, 3],
            )[0]  # fmt: skip
        else:
            outcome = rng.choices(
                [DecisionOutcome.NOTED, DecisionOutcome.ENDORSED, DecisionOutcome.DEFERRED, DecisionOutcome.REFERRED_BACK],
                weights=[55, 25, 12, 8],
            )[0]  # fmt: skip
        decision = _decision(document, step, meeting, outcome)
        if outcome is DecisionOutcome.REFERRED_BACK and rng.random() < 0.5:
            revise = [s for s in document.route.steps if s.kind is StepKind.REVISE and s.position < step.position]
            decision.back_to = revise[-1].key if revise else None
        decisions.append(decision)
        if outcome is DecisionOutcome.DEFERRED and rng.random() < 0.5:
            later = meetings.first_after(step.body_code, meeting.day)
            if later is not None and later.day < recorded_until and later.status is not MeetingStatus.CANCELLED:
                decisions.append(_decision(document, step, later, DecisionOutcome.APPROVED))
    return decisions


def _decision(document: Document, step: Step, meeting: Meeting, outcome: DecisionOutcome) -> Decision:
    return Decision(
        document_key=document.key,
        step_key=step.key,
        body_code=step.body_code or meeting.body_code,
        outcome=outcome,
        decided_on=meeting.day,
        meeting_key=meeting.key,
        minute=MINUTES[outcome].format(title=document.title),
        recorded_by=f"{document.key.split('-', 1)[0]}-SEC",
    )


# ---- action plans -------------------------------------------------------------------------------


def _plan(rng: random.Random, code: str, number: int, owners: list[str], recorded_until: dt.date) -> ActionPlan:
    numbers = [str(n) for n in range(1, 7)] + ["6a"] + [str(n) for n in range(7, 15)]  # 15 recommendations
    per = ACTIONS_PER_PLAN // len(numbers)
    extra = ACTIONS_PER_PLAN - per * len(numbers)
    recommendations = []
    for ordinal, rec_number in enumerate(numbers):
        owner = rng.choice(owners)
        count = per + (1 if ordinal < extra else 0)
        actions = [
            Action(
                position=position,
                text=rng.choice(ACTIONS),
                when=when(rng.choice(ACTION_WHENS), PLAN_CONTEXT),
                owner=owner if rng.random() < 0.85 else rng.choice(owners),
            )
            for position in range(1, count + 1)
        ]
        measures = [Measure(position=p, text=rng.choice(MEASURES)) for p in range(1, rng.randint(1, 3) + 1)]
        recommendations.append(
            Recommendation(
                number=rec_number,
                text=RECOMMENDATIONS[ordinal % len(RECOMMENDATIONS)],
                owner=owner,
                note="*Not a PR team recommendation, but clear from body of the report" if rec_number == "6a" else "",
                merged_with={"4": ["6"], "6": ["4"]}.get(rec_number, []),
                aligned_with=["3"] if rec_number == "12" and rng.random() < 0.5 else [],
                actions=actions,
                measures=measures,
            )
        )
    updates = []
    for _ in range(3):
        rec = rng.choice(recommendations)
        updates.append(
            ProgressUpdate(
                recommendation_number=rec.number,
                recorded_on=dt.date(2021, 11, 1) + dt.timedelta(days=rng.randrange(0, (recorded_until - dt.date(2021, 11, 1)).days)),
                done=rng.sample(UPDATE_DONE, 2),
                difference=rng.sample(UPDATE_DIFFERENCE, 1),
                to_develop=list(UPDATE_DEVELOP),
                next_steps=list(UPDATE_NEXT),
                author=rec.owner,
            )
        )
    return ActionPlan(
        key=f"{code}-plan-{number + 1:02d}",
        title=f"{code} SEND Peer Review Recommendations, implementation plan {number + 1}",
        context_date=PLAN_CONTEXT,
        source="synthetic: benchmarks/synthetic_councils.py",
        recommendations=recommendations,
        updates=sorted(updates, key=lambda u: u.recorded_on),
    )
