"""The governance entities: bodies and their meetings, people, documents and their routes, decisions,
action plans with recommendations, actions, measures and progress updates, and the glossary."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import Enum

from governance_model.errors import ModelError
from governance_model.meeting_sources import MeetingSource, PublishedPaper
from governance_model.reasons import Reason
from governance_model.strategy import Serves, StrategyFramework
from governance_model.when import When
from governance_model.working_days import is_day_count


class MeetingStatus(str, Enum):
    SCHEDULED = "scheduled"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"
    HELD = "held"


class StepKind(str, Enum):
    SHARE = "share"
    FEEDBACK = "feedback"
    WORKSHOP = "workshop"
    REVIEW = "review"
    REVISE = "revise"
    CONSULT = "consult"
    DECIDE = "decide"
    PUBLISH = "publish"


class DecisionOutcome(str, Enum):
    APPROVED = "approved"
    APPROVED_WITH_AMENDMENTS = "approved_with_amendments"
    ENDORSED = "endorsed"
    NOTED = "noted"
    DEFERRED = "deferred"
    REFERRED_BACK = "referred_back"
    REJECTED = "rejected"


class StepState(str, Enum):
    """Where a route step stands on a given day."""

    PLANNED = "planned"  # not yet tied to a date it can keep: waits on something unknown
    SCHEDULED = "scheduled"  # has its date (usually a meeting) but waits for earlier steps
    DUE = "due"  # everything it waits for is done and its date is today or later
    OVERDUE = "overdue"  # everything it waits for is done but its date has passed
    DONE = "done"  # done, or decided with an outcome that moves the route on
    SKIPPED = "skipped"
    STOPPED = "stopped"  # the document was rejected before this step happened


class DocumentKind(str, Enum):
    STRATEGY = "strategy"
    ACTION_PLAN = "action_plan"
    REPORT = "report"
    POLICY = "policy"
    OTHER = "other"


@dataclass
class Person:
    """Someone who owes papers or actions; known in the plans by initials (GB, BM, LM…)."""

    initials: str
    name: str = ""
    role: str = ""
    email: str | None = None
    apprise_urls: list[str] = field(default_factory=list)


@dataclass
class Meeting:
    """One sitting of a body. `key` is its identity and survives a move to another date."""

    key: str
    body_code: str
    starts_at: dt.datetime | None = None  # aware, Europe/London; None while only a window is known
    when: When | None = None  # the window of a meeting marked TBC
    status: MeetingStatus = MeetingStatus.SCHEDULED
    location: str = ""
    sequence: int = 0  # rises each time the meeting is moved, cancelled or confirmed
    # Its id at the body's source (governance_model.meeting_sources), once read from there or matched
    # to a meeting there; None for a meeting known only from a setup file or a command.
    source_id: str | None = None
    # Listed by the source before, but not in its last reading of the days it covers: kept, flagged.
    missing_from_source: bool = False
    # The papers the source lists for it (an agenda pack, reports, minutes): a document's step on this
    # meeting whose papers are among them is not chased for them (meeting_sources.papers_for).
    papers: tuple[PublishedPaper, ...] = ()

    @property
    def day(self) -> dt.date | None:
        if self.starts_at is not None:
            return self.starts_at.date()
        return self.when.end if self.when else None


@dataclass
class Body:
    """A board, committee or forum that meets (SSPB, JCB, Cabinet…)."""

    code: str
    name: str
    secretary: str | None = None  # a person's initials
    papers_lead_days: int = 5  # working days before a meeting that papers are due
    meeting_rule: str | None = None  # the rule the meetings were generated from, as written
    meetings: list[Meeting] = field(default_factory=list)
    exempt: bool = False
    reminder_days: tuple[int, ...] | None = None  # working days before a deadline; None: the default
    # False: a gathering that takes no papers and decides nothing (a conference, a workshop, a
    # consultation event), not a board; its meetings have no papers deadline (papers_lead_days 0).
    papers: bool = True
    source: MeetingSource | None = None  # where its meetings are read from (None: typed by hand)
    # True: a "done" an owner answers from a reminder waits for the body's secretary to confirm it
    # (governance_model.owner_answers) before the step counts as done.
    confirm_done: bool = False


@dataclass
class DocumentVersion:
    number: int
    label: str = ""  # "Version 11"
    dated: dt.date | None = None


@dataclass(frozen=True)
class ExpectedDate:
    """An owner's word that an item of theirs will be late: the When they now expect it by (as they
    wrote it, read with the day they said it as context), who said it, when, and their note. Kept
    apart from the setup (governance_model.owner_answers), so loading the setup again keeps it."""

    item_key: str  # "step:DOC/STEP" or "action:PLAN/REC/POS", as reminders name it
    when: When
    by: str  # the person's initials
    said_on: dt.date
    note: str = ""
    recorded_at: dt.datetime | None = None  # aware

    @property
    def day(self) -> dt.date | None:
        return self.when.end

    @property
    def reason(self) -> str:
        """"expected late by GB: the data is not in yet" (the audit's and the planner's text)."""
        return f"expected late by {self.by}: {self.note}" if self.note else f"expected late by {self.by}"


@dataclass
class Step:
    """One step of a route: share, feedback, review, decide… usually at a body, by a When."""

    key: str
    position: int
    kind: StepKind
    title: str
    body_code: str | None = None
    when: When | None = None
    owner: str | None = None
    waits_for: tuple[str, ...] | None = None  # None: the step before it; () waits for nothing
    meeting_key: str | None = None
    done_on: dt.date | None = None
    # An input that does not block: a consultee, a "for information" share, an advisory board. It is
    # chased and shown, but the steps after it never wait for it.
    advisory: bool = False
    expected: ExpectedDate | None = None  # its owner says it will be late: planned then when later

    @property
    def deadline(self) -> dt.date | None:
        return self.when.end if self.when else None


@dataclass
class Route:
    """The ordered steps a document goes through to be signed off."""

    steps: list[Step] = field(default_factory=list)

    def step(self, key: str) -> Step:
        for step in self.steps:
            if step.key == key:
                return step
        raise ModelError(f"no step {key!r} in this route")

    def prerequisites(self, step: Step) -> tuple[str, ...]:
        """Keys of the steps `step` waits for: those it names, or by default the nearest step before
        it that is not advisory (an advisory step holds nothing up, so nothing waits for it unnamed)."""
        if step.waits_for is not None:
            return step.waits_for
        before = [s for s in self.steps if s.position < step.position and not s.advisory]
        return (max(before, key=lambda s: s.position).key,) if before else ()

    def blocking_prerequisites(self, step: Step) -> tuple[str, ...]:
        """The prerequisites that hold `step` up: named advisory steps inform it but never block it.
        Links outside the route (`document/step`, `condition:NAME`) are kept: they block."""
        advisory = {s.key for s in self.steps if s.advisory}
        return tuple(key for key in self.prerequisites(step) if key not in advisory)

    def links(self) -> list[str]:
        """What steps of this route wait for outside it: other documents' steps and named conditions."""
        return sorted({key for s in self.steps for key in s.waits_for or () if is_link(key)})

    def followers(self, step: Step) -> list[Step]:
        """The steps `step` must be finished before: those that name it or wait for it by default.
        An advisory step no one names informs the first step after it that is not advisory."""
        named = [s for s in self.steps if s is not step and step.key in self.prerequisites(s)]
        if named or not step.advisory:
            return named
        after = [s for s in self.steps if s.position > step.position and not s.advisory]
        return [min(after, key=lambda s: s.position)] if after else []

    def validate(self) -> None:
        keys = [s.key for s in self.steps]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ModelError(f"route has duplicate step keys: {', '.join(duplicates)}")
        for step in self.steps:
            for key in step.waits_for or ():
                if key not in keys and not is_link(key):
                    raise ModelError(f"step {step.key!r} waits for unknown step {key!r}")


CONDITION_LINK = "condition:"


def is_link(waited: str) -> bool:
    """A wait outside the route: `other-document/step` or `condition:NAME` (see `Route.links`)."""
    return "/" in waited or waited.casefold().startswith(CONDITION_LINK)


def link_document(waited: str) -> str | None:
    """The document a `document/step` link names (None for a condition)."""
    if waited.casefold().startswith(CONDITION_LINK):
        return None
    return waited.split("/", 1)[0]


@dataclass
class Document:
    """What is being signed off: a strategy, an action plan, a report."""

    key: str
    title: str
    kind: DocumentKind = DocumentKind.STRATEGY
    owner: str | None = None
    versions: list[DocumentVersion] = field(default_factory=list)
    route: Route = field(default_factory=Route)
    dated: dt.date | None = None  # the date of the paper: the context for phrases without a year
    exempt: bool = False
    # A strategy's findings, threads, strands and links (governance_model.strategy); None: none given.
    framework: StrategyFramework | None = None

    @property
    def current_version(self) -> DocumentVersion | None:
        return max(self.versions, key=lambda v: v.number) if self.versions else None


@dataclass
class Decision:
    """What a body resolved on a step at a meeting, with the minute text ("RESOLVED that …")."""

    document_key: str
    step_key: str
    body_code: str
    outcome: DecisionOutcome
    decided_on: dt.date
    meeting_key: str | None = None
    minute: str = ""
    back_to: str | None = None  # referred_back: the revise step the route goes back to
    recorded_by: str = ""


@dataclass
class Action:
    """A summary action of a recommendation: what, by when, who."""

    position: int
    text: str
    when: When | None = None
    owner: str | None = None
    done_on: dt.date | None = None
    serves: Serves = field(default_factory=Serves)  # of the plan's strategy, beyond its recommendation's
    expected: ExpectedDate | None = None  # its owner says it will be late: due then when later


@dataclass
class Measure:
    position: int
    text: str


@dataclass
class ProgressUpdate:
    """A dated progress record in seed 001's shape; never overwritten, only added."""

    recommendation_number: str
    recorded_on: dt.date
    done: list[str] = field(default_factory=list)
    difference: list[str] = field(default_factory=list)
    to_develop: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    action_position: int | None = None
    author: str | None = None
    action_complete: bool = False  # with action_position: this update records the action as complete


_NUMBER = re.compile(r"^(\d+)([a-z]?)$")


def recommendation_sort_key(number: str) -> tuple[int, str]:
    """Order "1", "2", …, "6", "6a", "7" as people expect."""
    match = _NUMBER.match(number)
    if not match:
        return (10**9, number)
    return (int(match.group(1)), match.group(2))


@dataclass
class Recommendation:
    """A numbered recommendation (`6a` allowed) with its actions and measures of success."""

    number: str
    text: str
    owner: str | None = None
    note: str = ""  # remarks in the table, e.g. "*Not a PR team recommendation…"
    merged_with: list[str] = field(default_factory=list)
    aligned_with: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    serves: Serves = field(default_factory=Serves)  # of the plan's strategy: every action serves it too

    def serving(self, action: Action) -> Serves:
        """What `action` serves: its own findings, threads and strands and its recommendation's."""
        return self.serves.union(action.serves)


@dataclass(frozen=True)
class RagTolerances:
    """How a plan's RAG is judged (see governance_model.rag): an open action is at risk when its
    deadline is at most `at_risk_within_days` away and it has had no progress update for
    `stale_after_days`; the same number of days makes an ongoing action's last update stale."""

    at_risk_within_days: int = 14
    stale_after_days: int = 30

    def __post_init__(self) -> None:
        for name in ("at_risk_within_days", "stale_after_days"):
            value = getattr(self, name)
            if not is_day_count(value):
                raise ModelError(f"{name} must be a whole number of days, 0 or more (got {value!r})")


@dataclass
class ActionPlan:
    """An implementation plan: recommendations, each with actions (When, Who) and measures."""

    key: str
    title: str
    context_date: dt.date | None = None  # "When (2022)" → 2022-01-01
    source: str = ""
    owner: str | None = None  # who overdue actions are escalated to
    reminder_days: tuple[int, ...] | None = None  # working days before a deadline; None: the default
    rag_tolerances: RagTolerances | None = None  # None: the defaults
    strategy: str | None = None  # the key of the strategy (a document) this plan delivers
    recommendations: list[Recommendation] = field(default_factory=list)
    updates: list[ProgressUpdate] = field(default_factory=list)

    def completed_on(self, number: str, action: Action) -> dt.date | None:
        """The day an action was done: set on the action (a plan file's Status column) or recorded by
        a progress update that marks it complete; the earliest of these."""
        days = [action.done_on] if action.done_on else []
        days += [
            u.recorded_on
            for u in self.updates
            if u.action_complete and u.recommendation_number == number and u.action_position == action.position
        ]
        return min(days, default=None)

    def apply_completions(self) -> "ActionPlan":
        """Set every action's `done_on` to `completed_on`: how a stored plan is read, so an action an
        update recorded complete is done whatever a re-loaded plan file says."""
        for rec in self.recommendations:
            for action in rec.actions:
                action.done_on = self.completed_on(rec.number, action)
        return self

    def recommendation(self, number: str) -> Recommendation:
        for rec in self.recommendations:
            if rec.number == number:
                return rec
        raise ModelError(f"plan {self.key!r} has no recommendation {number!r}")

    @property
    def owners(self) -> list[str]:
        seen: dict[str, None] = {}
        for rec in self.recommendations:
            for owner in [rec.owner, *(a.owner for a in rec.actions)]:
                if owner:
                    seen.setdefault(owner, None)
        return list(seen)


@dataclass
class Glossary:
    """Acronyms and what they stand for (seed 002 ends with one)."""

    terms: dict[str, str] = field(default_factory=dict)

    def expand(self, acronym: str) -> str | None:
        return self.terms.get(acronym)


@dataclass(frozen=True)
class StepForecast:
    """What the route planner worked out for one step on one night: its state, its date (done,
    scheduled or forecast), the meeting it sits on, and why it sits on that date, in words."""

    document_key: str
    step_key: str
    state: StepState
    date: dt.date | None
    meeting_key: str | None = None
    tentative: bool = False
    reason: str = ""
    # Kept on its date (a dated meeting) although what it waits for cannot be shown to finish in
    # time; `reason` says which step and why.
    at_risk: bool = False
    # The same reason as facts, for words people read (governance_model.reason_words); None when
    # stored before reasons had facts.
    why: Reason | None = None


@dataclass(frozen=True)
class ForecastChange:
    """A step's date moved by a re-forecast: the old date, the new one and why (seed 000's
    "revised timeline" is a list of these)."""

    document_key: str
    step_key: str
    old_date: dt.date | None
    new_date: dt.date | None
    reason: str
    recorded_on: dt.date  # the as-of date of the run or change that moved it
    why: Reason | None = None  # `reason` as facts (governance_model.reasons); None when stored before


@dataclass(frozen=True)
class NightlyRun:
    """One completed nightly run for a date; a second run for the same date changes nothing."""

    as_of: dt.date
    finished_at: dt.datetime  # aware
    summary: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Condition:
    """Something a contingent When waits for ("DfE" publishing, "cabinet" deciding), once it is met."""

    name: str  # as the When's depends_on writes it; matched without regard to case
    met_on: dt.date
    note: str = ""
