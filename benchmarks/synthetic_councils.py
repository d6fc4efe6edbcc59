"""Synthetic councils for benchmarks: bodies and their meetings, people, documents with routes,
decisions and action plans, deterministic from a seed, written into a database.

One council per `random.Random(f"{seed}-{index}")`, so council C017 is the same whether 20 or 150
are generated. Every code and key starts with the council's code ("C017-SSPB", "C017-GB") so any
number of councils fit in one database. Dates are real `When` readings of phrases such as
"15 March 22", "TBC", "October/November 21" or "Quarterly wef Jan 2022" over the council year
September 2021 – August 2022; decisions and completed steps are recorded up to `recorded_until`.

    python benchmarks/synthetic_councils.py sqlite:////tmp/councils.sqlite3 --councils 150

`write_councils(url, councils, method="core")` inserts with SQLAlchemy Core executemany (fast);
`method="repository"` goes through the unit of work and repository as the loader does. Both read
back through the repository identically (tests/benchmarks checks this).
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from governance_model.meeting_rules import read_meeting_rule
from governance_model.model import (
    Action,
    ActionPlan,
    Body,
    Decision,
    DecisionOutcome,
    Document,
    DocumentKind,
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

MONTH_NAMES = ["", "January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]  # fmt: skip
MONTH_ABBR = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# code, name, papers lead (working days); the first eight sit on most routes.
BODIES = [
    ("JCB", "Joint Commissioning Board", 5),
    ("SENDOps", "SEND Operations Board", 3),
    ("SSPB", "SEND Strategic Partnership Board", 5),
    ("Scrutiny", "People Scrutiny Committee", 10),
    ("Cabinet", "Cabinet", 10),
    ("HWBB", "Health and Wellbeing Board", 5),
    ("CSIB", "Children's Services Improvement Board", 5),
    ("EducationBoard", "Education Board", 5),
    ("ImprovementBoard", "SEND Improvement Board", 5),
    ("SchoolsForum", "Schools Forum", 7),
    ("CYPPB", "Children and Young People's Partnership Board", 5),
    ("HOSC", "Health Overview and Scrutiny Committee", 10),
    ("ICB", "Integrated Care Board", 7),
    ("SCP", "Safeguarding Children Partnership", 5),
    ("CorporateParenting", "Corporate Parenting Panel", 5),
    ("Audit", "Audit and Governance Committee", 10),
    ("FullCouncil", "Full Council", 10),
    ("PCF", "Parent Carer Forum", 3),
    ("HighNeeds", "High Needs Block Working Group", 3),
    ("CLT", "Corporate Leadership Team", 2),
]
SHARE_BODIES = ["JCB", "SENDOps", "SSPB", "CSIB", "EducationBoard", "PCF", "CLT", "HighNeeds", "CYPPB", "SCP"]
REVIEW_BODIES = ["Scrutiny", "HOSC", "ImprovementBoard", "SSPB", "Audit", "CorporateParenting"]
DECIDE_BODIES = ["SSPB", "Cabinet", "HWBB", "Scrutiny", "FullCouncil", "ICB", "SchoolsForum", "CSIB"]
LOCATIONS = ["Civic Centre, Committee Room 1", "Civic Centre, Council Chamber", "Town Hall, Room 4",
             "Microsoft Teams", "Civic Centre, Committee Room 3", ""]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday"]
ORDINALS = ["first", "second", "third", "fourth", "last"]
TIMES = ["09:30", "10:00", "13:30", "14:00", "18:30"]

FIRST_NAMES = ["Gary", "Beth", "Lucy", "Claire", "Amir", "Priya", "David", "Helen", "Sam", "Rachel", "Tom",
               "Fatima", "Neil", "Joanne", "Kwame", "Sarah", "Mark", "Aisha", "Paul", "Emma", "Ian", "Grace",
               "Owen", "Nadia", "Rob", "Wendy"]  # fmt: skip
LAST_NAMES = ["Bloom", "Morris", "Lane", "McCarthy", "Patel", "Okafor", "Hughes", "Shaw", "Turner", "Ahmed",
              "Wright", "Doyle", "Evans", "Khan", "Baker", "Reid", "Foster", "Grant", "Young", "Clarke",
              "Mensah", "Price", "Walsh", "Bennett"]  # fmt: skip
ROLES = ["Head of SEND", "Director of Children's Services", "Designated Clinical Officer", "Inclusion Lead",
         "Principal Educational Psychologist", "Commissioning Manager", "Service Manager, Children with Disabilities",
         "Participation Officer", "Finance Business Partner", "Head of Early Help"]  # fmt: skip

DOCUMENT_TITLES = {
    DocumentKind.STRATEGY: ["SEND Strategy 2022-25", "Inclusion Strategy", "Preparing for Adulthood Strategy",
                            "Autism Strategy", "Early Help Strategy", "Sufficiency Strategy",
                            "Emotional Wellbeing and Mental Health Strategy", "Joint Commissioning Strategy"],
    DocumentKind.ACTION_PLAN: ["Peer Review Implementation Plan", "Written Statement of Action",
                               "Accelerated Progress Plan", "Local Offer Improvement Plan", "Transport Action Plan"],
    DocumentKind.REPORT: ["Report to Board: SEND Strategy progress", "Annual SEND Report", "High Needs Block Update",
                          "Area Inspection Readiness Report", "Annual Report of the Partnership",
                          "EHCP Timeliness Report", "Tribunal Trends Report"],
    DocumentKind.POLICY: ["Home to School Transport Policy", "Personal Budgets Policy", "Exclusions Policy",
                          "Short Breaks Statement"],
}  # fmt: skip
DOCUMENT_KINDS = [DocumentKind.STRATEGY] * 3 + [DocumentKind.ACTION_PLAN] * 2 + [DocumentKind.REPORT] * 4 + [DocumentKind.POLICY]

# A route template: (kind, where, waits_for as positions or None for "the step before", title).
# `where` picks the body: "share", "review", "decide", "maybe-share" (60% at a body), None (no body).
ROUTES = {
    "strategy": [
        (StepKind.SHARE, "share", None, "Version {v} of the {title} shared with {body}"),
        (StepKind.FEEDBACK, "maybe-share", None, "Members of {body} invited to give final feedback on Version {v}"),
        (StepKind.REVIEW, None, (0,), "Peer review undertaken and outcome shared"),
        (StepKind.REVISE, None, (1, 2), "{title} updated to reflect feedback and the peer review"),
        (StepKind.CONSULT, "maybe-share", None, "Wider public consultation on the final draft {title}"),
        (StepKind.DECIDE, "decide", None, "Sign off of the {title} at {body}"),
        (StepKind.DECIDE, "decide", (4,), "{title} to {body} for approval"),
        (StepKind.PUBLISH, "maybe-decide", (5, 6), "{title} published on the Local Offer"),
    ],
    "report": [
        (StepKind.SHARE, "share", None, "{title} shared with {body}"),
        (StepKind.REVIEW, "review", None, "{title} reviewed at {body}"),
        (StepKind.FEEDBACK, None, (0,), "Partners' feedback on the {title}"),
        (StepKind.REVISE, None, (1, 2), "{title} revised"),
        (StepKind.DECIDE, "decide", None, "{title} to {body} for decision"),
        (StepKind.DECIDE, "decide", (3,), "{title} to {body} for endorsement"),
        (StepKind.SHARE, "share", (4, 5), "{title} shared with {body} for information"),
        (StepKind.PUBLISH, None, None, "{title} published"),
    ],
    "policy": [
        (StepKind.WORKSHOP, "maybe-share", None, "Co-production workshop on the {title}"),
        (StepKind.SHARE, "share", None, "Draft {title} shared with {body}"),
        (StepKind.CONSULT, "maybe-share", None, "Consultation on the draft {title}"),
        (StepKind.REVISE, None, None, "{title} revised after consultation"),
        (StepKind.REVIEW, "review", None, "{title} reviewed at {body}"),
        (StepKind.DECIDE, "decide", None, "{title} to {body} for approval"),
        (StepKind.DECIDE, "decide", (3,), "{title} to {body} for sign off"),
        (StepKind.PUBLISH, None, (5, 6), "{title} published"),
    ],
}
ROUTE_FOR_KIND = {
    DocumentKind.STRATEGY: "strategy",
    DocumentKind.ACTION_PLAN: "policy",
    DocumentKind.REPORT: "report",
    DocumentKind.POLICY: "policy",
}

RECOMMENDATIONS = [
    "Enable the Portfolio Holder to regularly sample casework as part of performance monitoring",
    "Consider developing training on cross-party scrutiny and challenge of SEND",
    "Use the feedback from the peer challenge to refresh the draft SEND Strategy",
    "Increase the pace of support and challenge to schools to embed the graduated response",
    "Develop clear timescales and outcome measures for the joint commissioning roadmap",
    "Ensure there is a clear system wide understanding of the graduated response",
    "Reduce the number of refusals to assess at the initial stages of EHC needs assessment",
    "Review and rewrite the threshold of need document and ensure everyone understands the pathway",
    "Introduce specific training for staff working in SEND on neurodiversity",
    "Carry out an audit of children and young people where neurodiversity is a possibility",
    "Strengthen co-production with parent carers at every level of the partnership",
    "Improve the timeliness and quality of Education, Health and Care Plans",
    "Develop the Local Offer so that families can find what they need",
    "Improve transitions into adulthood for young people with SEND",
    "Make sure the voice of children and young people shapes commissioning",
]
ACTIONS = [
    "Establish access to files and samples", "Portfolio Holder undertakes first review of case files",
    "Needs analysis undertaken with all elected members", "Incremental training programme devised",
    "Training delivery confirmed", "Current content fully reviewed", "Co-production from student voice commissioned",
    "Parent groups consulted", "Format and scope of revised strategy confirmed", "Cabinet sign off new strategy",
    "Shared Expectations guidance simplified and promoted", "Schools engaged in the wider inclusion project",
    "Build on the new continuum of need when published by the DfE", "Review of data and process mapping for panel",
    "Clear guidelines produced for pre-panel evidence gathering", "Roadmap reviewed and revised with timelines",
    "Roadmap signed off by the partnership board", "Progress of roadmap tracked by SENDOps",
    "Orientation events run for parents", "Publish new pathway document on the Local Offer site",
    "Audit workshop takes place with parents", "Guidelines developed with parents",
]  # fmt: skip
MEASURES = [
    "Portfolio Holder reports back to CSIB on a quarterly basis", "Feedback on training confirms members' needs met",
    "New strategy formally published", "Schools' graduated offer published on their websites",
    "Number of instances of missing evidence reduces over time", "Revised roadmap in place",
    "Feedback from parents indicates the pathway is clear and understood", "All relevant staff complete training by July",
    "Percentage of EHCPs issued within 20 weeks rises", "Fewer complaints received by councillors",
]  # fmt: skip
# Action When phrases as the plans write them (seed 002), read against "When (2022)"; weights by repetition.
ACTION_WHENS = (
    ["Jan", "Feb", "March", "April", "May", "June", "July", "Sept"] * 4
    + ["Feb/July", "April/July", "March/April", "Sept/Oct"] * 2
    + ["Quarterly wef Jan 2022", "6 times a year", "Monthly", "Termly", "Annually"]
    + ["DfE contingent", "cabinet contingent", "Wef Feb onwards", "Feb onwards", "From March", "Ongoing"]
    + ["TBC", "Summer term", "Autumn term", "End of March", "By July", "Oct half term"]
)
UPDATE_DONE = [
    "Revised the membership of SEND specific meetings to widen multi-agency representation",
    "Strengthened reporting from key area leads to the Health and Wellbeing Board",
    "Co-produced the area partnership's draft self-evaluation",
    "Created a Headteachers SEND Forum",
]
UPDATE_DIFFERENCE = [
    "Clearer functions for reporting and tracking progress across meetings",
    "Board members have clearer oversight of the delivery of SEND services",
    "Schools are more engaged with the shaping of services",
]
UPDATE_DEVELOP = ["Senior leadership teams need to get better at quality assurance"]
UPDATE_NEXT = ["The strategic action plan will be reviewed in light of the self-evaluation"]


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


MINUTES = {
    DecisionOutcome.APPROVED: "RESOLVED that the {title} be approved.",
    DecisionOutcome.APPROVED_WITH_AMENDMENTS: "RESOLVED that the {title} be approved subject to the amendments set out in the minute.",
    DecisionOutcome.ENDORSED: "RESOLVED that the {title} be endorsed.",
    DecisionOutcome.NOTED: "RESOLVED that the {title} be noted.",
    DecisionOutcome.DEFERRED: "RESOLVED that consideration of the {title} be deferred to the next meeting.",
    DecisionOutcome.REFERRED_BACK: "RESOLVED that the {title} be referred back to officers for revision.",
    DecisionOutcome.REJECTED: "RESOLVED that the {title} be not approved.",
}


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


# ---- writing ------------------------------------------------------------------------------------


def write_with_repository(uow_factory: Callable[[], object], councils: Iterable[Council]) -> None:
    """Store each council through the unit of work and repository, one transaction per council."""
    for council in councils:
        with uow_factory() as uow:
            for person in council.people:
                uow.people.save(person)
            for body in council.bodies:
                uow.bodies.save(body)
            for document in council.documents:
                uow.documents.save(document)
            for plan in council.plans:
                uow.plans.save(plan)
            for decision in council.decisions:
                uow.documents.add_decision(decision)
            uow.commit()


def _when_values(value: When | None, prefix: str = "when") -> dict:
    if value is None:
        return {f"{prefix}_{name}": None for name in ("kind", "start", "end", "every", "depends_on", "tentative", "text")}
    return {
        f"{prefix}_kind": value.kind,
        f"{prefix}_start": value.start,
        f"{prefix}_end": value.end,
        f"{prefix}_every": value.every,
        f"{prefix}_depends_on": value.depends_on,
        f"{prefix}_tentative": value.tentative,
        f"{prefix}_text": value.text,
    }


def write_with_core(engine, councils: Iterable[Council], batch: int = 10) -> None:
    """Store councils with SQLAlchemy Core executemany into the repository's tables, `batch`
    councils a transaction. Rows hold exactly what the repository would write."""
    pending: list[Council] = []
    for council in councils:
        pending.append(council)
        if len(pending) >= batch:
            _core_batch(engine, pending)
            pending = []
    if pending:
        _core_batch(engine, pending)


def _core_batch(engine, councils: list[Council]) -> None:
    from sqlalchemy import insert

    from governance_model.storage import tables as t

    def many(table, rows: list[dict], ids: bool = False) -> list[int]:
        if not rows:
            return []
        # Only the columns this schema has (the tables grow with migrations).
        rows = [{k: v for k, v in row.items() if k in table.c} for row in rows]
        if ids:
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return list(connection.execute(statement, rows).scalars())
        connection.execute(insert(table), rows)
        return []

    with engine.begin() as connection:
        many(t.PersonRow.__table__, [
            {"initials": p.initials, "name": p.name, "role": p.role, "email": p.email, "apprise_urls": list(p.apprise_urls)}
            for c in councils for p in c.people
        ])  # fmt: skip

        bodies = [b for c in councils for b in c.bodies]
        body_ids = many(t.BodyRow.__table__, [
            {"code": b.code, "name": b.name, "secretary": b.secretary, "papers_lead_days": b.papers_lead_days,
             "meeting_rule": b.meeting_rule, "exempt": b.exempt}
            for b in bodies
        ], ids=True)  # fmt: skip
        many(t.MeetingRow.__table__, [
            {"key": m.key, "body_id": body_id, "starts_at": m.starts_at, "status": MeetingStatus(m.status).value,
             "location": m.location, "sequence": m.sequence, **_when_values(m.when)}
            for b, body_id in zip(bodies, body_ids) for m in b.meetings
        ])  # fmt: skip

        documents = [d for c in councils for d in c.documents]
        document_ids = many(t.DocumentRow.__table__, [
            {"key": d.key, "title": d.title, "kind": DocumentKind(d.kind).value, "owner": d.owner, "dated": d.dated,
             "exempt": d.exempt}
            for d in documents
        ], ids=True)  # fmt: skip
        many(t.DocumentVersionRow.__table__, [
            {"document_id": doc_id, "ordinal": ordinal, "number": v.number, "label": v.label, "dated": v.dated}
            for d, doc_id in zip(documents, document_ids) for ordinal, v in enumerate(d.versions)
        ])  # fmt: skip
        steps = [(d.key, doc_id, s) for d, doc_id in zip(documents, document_ids) for s in d.route.steps]
        step_ids = many(t.StepRow.__table__, [
            {"document_id": doc_id, "key": s.key, "position": s.position, "kind": StepKind(s.kind).value,
             "title": s.title, "body_code": s.body_code, "owner": s.owner,
             "waits_for": list(s.waits_for) if s.waits_for is not None else None,
             "meeting_key": s.meeting_key, "done_on": s.done_on, **_when_values(s.when)}
            for _, doc_id, s in steps
        ], ids=True)  # fmt: skip
        step_id = {(doc_key, s.key): sid for (doc_key, _, s), sid in zip(steps, step_ids)}
        many(t.DecisionRow.__table__, [
            {"step_id": step_id[(d.document_key, d.step_key)], "body_code": d.body_code,
             "outcome": DecisionOutcome(d.outcome).value, "decided_on": d.decided_on, "meeting_key": d.meeting_key,
             "minute": d.minute, "back_to": d.back_to, "recorded_by": d.recorded_by}
            for c in councils for d in c.decisions
        ])  # fmt: skip

        plans = [p for c in councils for p in c.plans]
        plan_ids = many(t.ActionPlanRow.__table__, [
            {"key": p.key, "title": p.title, "context_date": p.context_date, "source": p.source} for p in plans
        ], ids=True)  # fmt: skip
        recs = [(plan_id, ordinal, r) for p, plan_id in zip(plans, plan_ids) for ordinal, r in enumerate(p.recommendations)]
        rec_ids = many(t.RecommendationRow.__table__, [
            {"plan_id": plan_id, "ordinal": ordinal, "number": r.number, "text": r.text, "owner": r.owner,
             "note": r.note, "merged_with": list(r.merged_with), "aligned_with": list(r.aligned_with)}
            for plan_id, ordinal, r in recs
        ], ids=True)  # fmt: skip
        many(t.ActionRow.__table__, [
            {"recommendation_id": rec_id, "ordinal": ordinal, "position": a.position, "text": a.text, "owner": a.owner,
             **_when_values(a.when)}
            for (_, _, r), rec_id in zip(recs, rec_ids) for ordinal, a in enumerate(r.actions)
        ])  # fmt: skip
        many(t.MeasureRow.__table__, [
            {"recommendation_id": rec_id, "ordinal": ordinal, "position": m.position, "text": m.text}
            for (_, _, r), rec_id in zip(recs, rec_ids) for ordinal, m in enumerate(r.measures)
        ])  # fmt: skip
        many(t.ProgressUpdateRow.__table__, [
            {"plan_id": plan_id, "recommendation_number": u.recommendation_number, "recorded_on": u.recorded_on,
             "action_position": u.action_position, "author": u.author, "done": list(u.done),
             "difference": list(u.difference), "to_develop": list(u.to_develop), "next_steps": list(u.next_steps)}
            for p, plan_id in zip(plans, plan_ids) for u in p.updates
        ])  # fmt: skip


def populate(
    url: str,
    councils: int = DEFAULT_COUNCILS,
    seed: int = DEFAULT_SEED,
    method: str = "core",
    recorded_until: dt.date = RECORDED_UNTIL,
    migrate_first: bool = True,
) -> dict[str, int]:
    """Migrate the database at `url` and write `councils` synthetic councils into it; returns the
    number of each kind of record written."""
    from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory, migrate

    engine = make_engine(url)
    try:
        if migrate_first:
            migrate(engine)
        totals: dict[str, int] = {}

        def counted() -> Iterator[Council]:
            for council in generate_councils(councils, seed, recorded_until):
                for name, n in council.counts().items():
                    totals[name] = totals.get(name, 0) + n
                yield council

        if method == "core":
            write_with_core(engine, counted())
        elif method == "repository":
            session_factory = make_session_factory(engine)
            write_with_repository(lambda: SqlUnitOfWork(session_factory), counted())
        else:
            raise ValueError(f"unknown method {method!r}: expected 'core' or 'repository'")
        return totals
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="database URL, e.g. sqlite:////tmp/councils.sqlite3")
    parser.add_argument("--councils", type=int, default=DEFAULT_COUNCILS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--method", choices=["core", "repository"], default="core")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    totals = populate(args.url, args.councils, args.seed, args.method)
    seconds = time.perf_counter() - started
    print(f"wrote {args.councils} councils in {seconds:.1f} s ({args.method}): "
          + ", ".join(f"{n} {name}" for name, n in totals.items()))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
