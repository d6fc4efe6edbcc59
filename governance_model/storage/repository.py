"""The repository: domain objects in, domain objects out. The only code that maps rows to the model.

`SqlRepository` works inside a session that the unit of work owns; it never commits. Saving an
aggregate upserts it by its natural key. Rules both this repository and the in-memory fake follow
(the functions at the top of this module are shared with the fake):

- bodies come back with their meetings ordered by start (a TBC meeting by the start of its window,
  undated meetings last), then key; meetings missing from a saved body are left alone;
- documents come back with their steps ordered by position, then key; versions in the order given;
- plans keep the order of recommendations, actions and measures as given; progress updates are
  never deleted and come back ordered by date, then by the order they were added;
- step forecasts are one per step, upserted by (document key, step key), and go when their step
  goes; they come back ordered by document key, then step position and key;
- forecast changes are only ever added and come back ordered by `recorded_on`, then the order added;
- nightly runs are one per as-of date (recording a date again replaces it);
- `reminder_days` (of a body or a plan) come back as a tuple, or None for the default;
- conditions are one per name, matched without regard to case (saving "dfe" replaces "DfE") and
  come back ordered by that case-folded name;
- the outbox: a reminder is stored once per `Reminder.key` (queueing it again adds nothing); every
  reminder not yet in a message joins its recipient's one pending message (one is created when
  there is none); messages are claimed one at a time, oldest first, once `next_attempt_at` has
  come; a failed send stays pending with `attempts` + 1, the (redacted) error and a later
  `next_attempt_at` (`retry_delay`); nothing in the outbox is ever deleted.

The bulk reads (`list_documents`, `list_bodies`, `list_plans`, `list_decisions`,
`list_step_forecasts`) run one plain SELECT per table and build the domain objects from the rows,
without ORM instances: the nightly run loads the whole country at once.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Protocol, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, Table, bindparam, func, insert, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload, selectinload

from governance_model.errors import ModelError
from governance_model.model import (
    Action,
    ActionPlan,
    Body,
    Condition,
    Decision,
    DecisionOutcome,
    Document,
    DocumentKind,
    DocumentVersion,
    ForecastChange,
    Glossary,
    Measure,
    Meeting,
    MeetingStatus,
    NightlyRun,
    Person,
    ProgressUpdate,
    RagTolerances,
    Recommendation,
    Step,
    StepForecast,
    StepKind,
    StepState,
)
from governance_model.storage.tables import (
    ActionPlanRow,
    ActionRow,
    AuditEventRow,
    BodyRow,
    ConditionRow,
    DecisionRow,
    DocumentRow,
    DocumentVersionRow,
    FeedEventRow,
    FeedTokenRow,
    ForecastChangeRow,
    GlossaryTermRow,
    MeasureRow,
    MeetingRow,
    MessageRow,
    NightlyRunRow,
    PersonRow,
    ProgressUpdateRow,
    RecommendationRow,
    ReminderRow,
    StepForecastRow,
    StepRow,
    store_when,
    when_columns,
    when_from_values,
)
from governance_model.working_days import is_day_count

if TYPE_CHECKING:  # imported where used: the reminder rules live in the same module and change often
    from governance_model.reminders import Reminder

LONDON = ZoneInfo("Europe/London")
_LAST = dt.datetime.max.replace(tzinfo=dt.timezone.utc)


@dataclass
class AuditEvent:
    """Something that happened and who did it, kept for the record (`details` is JSON)."""

    occurred_at: dt.datetime  # aware; read back in UTC
    actor: str
    kind: str
    subject: str
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


PENDING = "pending"
SENT = "sent"


@dataclass(frozen=True)
class OutboxMessage:
    """One digest for one recipient, as the outbox holds it: the reminders that go out together,
    and how sending it has gone so far."""

    id: int
    recipient: str  # a person's initials
    status: str  # "pending" | "sent"
    attempts: int
    created_on: dt.date
    reminders: tuple[Reminder, ...] = ()  # in the order they were queued
    last_error: str | None = None  # redacted: never a password
    next_attempt_at: dt.datetime | None = None  # aware, UTC; None: at once
    sent_at: dt.datetime | None = None  # aware, UTC


@dataclass(frozen=True)
class FeedEventState:
    """What was last published for one calendar event: a hash of its content (everything but
    DTSTAMP, SEQUENCE and LAST-MODIFIED), its SEQUENCE, and when it last changed (its LAST-MODIFIED
    and DTSTAMP)."""

    uid: str
    content_hash: str
    sequence: int
    last_modified: dt.datetime  # aware; read back in UTC


@dataclass(frozen=True)
class FeedToken:
    """The secret in the address of one person's private feed."""

    initials: str
    token: str
    created_at: dt.datetime  # aware, UTC
    rotated_at: dt.datetime | None = None  # the last time it was replaced


def check_feed_event_state(state: FeedEventState) -> None:
    check_aware(state.last_modified, f"feed event {state.uid!r} last_modified")
    if state.sequence < 0:
        raise ModelError(f"feed event {state.uid!r}: SEQUENCE {state.sequence} is negative")


class Repository(Protocol):
    """What every repository offers: the SQL one and the in-memory fake in tests/fakes.py."""

    def save_body(self, body: Body) -> None: ...
    def get_body(self, code: str) -> Body | None: ...
    def list_bodies(self) -> list[Body]: ...
    def save_person(self, person: Person) -> None: ...
    def get_person(self, initials: str) -> Person | None: ...
    def list_people(self) -> list[Person]: ...
    def save_document(self, document: Document) -> None: ...
    def get_document(self, key: str) -> Document | None: ...
    def list_documents(self) -> list[Document]: ...
    def save_plan(self, plan: ActionPlan) -> None: ...
    def add_progress_update(self, plan_key: str, update: ProgressUpdate) -> None: ...
    def get_plan(self, key: str) -> ActionPlan | None: ...
    def list_plans(self) -> list[ActionPlan]: ...
    def get_meeting(self, key: str) -> Meeting | None: ...
    def save_meeting(self, meeting: Meeting) -> None: ...
    def set_step_done(self, document_key: str, step_key: str, done_on: dt.date | None) -> None: ...
    def add_decision(self, decision: Decision) -> None: ...
    def list_decisions(self, document_key: str | None = None) -> list[Decision]: ...
    def save_step_forecasts(self, forecasts: Iterable[StepForecast]) -> None: ...
    def list_step_forecasts(self, document_key: str | None = None) -> list[StepForecast]: ...
    def add_forecast_changes(self, changes: Iterable[ForecastChange]) -> None: ...
    def list_forecast_changes(self, document_key: str | None = None) -> list[ForecastChange]: ...
    def record_nightly_run(self, run: NightlyRun) -> None: ...
    def get_nightly_run(self, as_of: dt.date) -> NightlyRun | None: ...
    def last_nightly_run(self) -> NightlyRun | None: ...
    def merge_glossary(self, glossary: Glossary) -> None: ...
    def get_glossary(self) -> Glossary: ...
    def save_condition(self, condition: Condition) -> None: ...
    def list_conditions(self) -> list[Condition]: ...
    def queue_reminders(self, reminders: Iterable[Reminder]) -> int: ...
    def claim_next_message(self, now: dt.datetime) -> OutboxMessage | None: ...
    def mark_message_sent(self, message_id: int, sent_at: dt.datetime, reminder_keys: Iterable[str]) -> None: ...
    def mark_message_failed(self, message_id: int, error: str, now: dt.datetime) -> dt.datetime: ...
    def list_messages(self, *, status: str | None = None, recipient: str | None = None) -> list[OutboxMessage]: ...
    def feed_event_states(self, uids: Iterable[str] | None = None) -> dict[str, FeedEventState]: ...
    def save_feed_event_states(self, states: Iterable[FeedEventState]) -> None: ...
    def get_feed_token(self, initials: str) -> FeedToken | None: ...
    def list_feed_tokens(self) -> dict[str, FeedToken]: ...
    def set_feed_token(self, initials: str, token: str, at: dt.datetime) -> FeedToken: ...
    def add_audit_event(
        self,
        *,
        occurred_at: dt.datetime,
        actor: str,
        kind: str,
        subject: str,
        reason: str = "",
        details: dict[str, Any] | None = None,
    ) -> AuditEvent: ...
    def list_audit_events(
        self,
        *,
        subject: str | None = None,
        kind: str | None = None,
        actor: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> list[AuditEvent]: ...


# ---- rules shared with the in-memory fake -------------------------------------------------------


def meeting_order(meeting: Meeting) -> tuple[dt.datetime, str]:
    """Sort key of a body's meetings: start (a TBC window's first day), undated last, then key."""
    if meeting.starts_at is not None:
        moment = meeting.starts_at
    elif meeting.when is not None and meeting.when.start is not None:
        moment = dt.datetime.combine(meeting.when.start, dt.time(), LONDON)
    else:
        moment = _LAST
    return (moment.astimezone(dt.timezone.utc), meeting.key)


def step_order(step: Step) -> tuple[int, str]:
    return (step.position, step.key)


def check_body(body: Body) -> None:
    """Refuse a body whose meetings repeat a key, name another body or start at a naive time."""
    _check_unique((m.key for m in body.meetings), f"body {body.code!r} has more than one meeting")
    for meeting in body.meetings:
        if meeting.body_code != body.code:
            raise ModelError(
                f"meeting {meeting.key!r} is listed under body {body.code!r} "
                f"but says it belongs to {meeting.body_code!r}"
            )
        check_meeting(meeting)


def check_meeting(meeting: Meeting) -> None:
    if meeting.starts_at is not None and meeting.starts_at.utcoffset() is None:
        raise ModelError(f"meeting {meeting.key!r} starts at a time without a time zone")


def check_meeting_body(meeting: Meeting, stored_body_code: str) -> None:
    """`save_meeting` changes a meeting, never the body it belongs to."""
    if meeting.body_code != stored_body_code:
        raise ModelError(
            f"meeting {meeting.key!r} belongs to body {stored_body_code!r}, not {meeting.body_code!r}"
        )


def no_meeting(key: str) -> ModelError:
    return ModelError(f"no meeting {key!r}")


def no_step(document_key: str, step_key: str) -> ModelError:
    return ModelError(f"document {document_key!r} has no step {step_key!r}")


def check_document(document: Document) -> None:
    document.route.validate()
    _check_unique(
        (str(v.number) for v in document.versions), f"document {document.key!r} has more than one version"
    )


def check_plan(plan: ActionPlan) -> None:
    _check_unique(
        (r.number for r in plan.recommendations), f"plan {plan.key!r} has more than one recommendation"
    )


def stored_reminder_days(days: Iterable[int] | None, owner: str) -> tuple[int, ...] | None:
    """`days` as stored and read back (a tuple of whole working days, None for the default), or
    ModelError naming `owner` when one is not a whole number of days, or is negative."""
    if days is None:
        return None
    stored = []
    for day in days:
        if not is_day_count(day):
            raise ModelError(f"{owner}: reminder days must be whole working days, 0 or more; got {day!r}")
        stored.append(day)
    return tuple(stored)


def condition_key(name: str) -> str:
    """What makes two condition names the same: case (and surrounding spaces) do not count."""
    key = name.strip().casefold()
    if not key:
        raise ModelError("a condition needs a name")
    return key


BASE_RETRY_DELAY = dt.timedelta(minutes=5)
MAX_RETRY_DELAY = dt.timedelta(hours=6)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed send: 5 min, 10, 20 … doubling, at most 6 h."""
    if attempts < 1:
        return dt.timedelta(0)
    # Capped before doubling too far: 2**60 minutes would overflow a timedelta.
    return min(BASE_RETRY_DELAY * 2 ** min(attempts - 1, 16), MAX_RETRY_DELAY)


def check_message_pending(message_id: int, status: str | None) -> None:
    if status is None:
        raise ModelError(f"no outbox message {message_id}")
    if status != PENDING:
        raise ModelError(f"outbox message {message_id} is {status}, not pending: did another sender send it?")


def unique_reminders(reminders: Iterable[Reminder]) -> dict[str, Reminder]:
    """The reminders by key; a key given twice keeps the first."""
    by_key: dict[str, Reminder] = {}
    for reminder in reminders:
        by_key.setdefault(reminder.key, reminder)
    return by_key


def check_audit_time(moment: dt.datetime) -> None:
    if moment.utcoffset() is None:
        raise ModelError(f"audit event time {moment.isoformat()} has no time zone")


def latest_forecasts(forecasts: Iterable[StepForecast]) -> dict[tuple[str, str], StepForecast]:
    """The forecasts by (document key, step key); a step given twice keeps the last one."""
    latest: dict[tuple[str, str], StepForecast] = {}
    for forecast in forecasts:
        StepState(forecast.state)  # refuse a state that is not one
        latest[(forecast.document_key, forecast.step_key)] = forecast
    return latest


def unknown_steps(unknown: Iterable[tuple[str, str]]) -> ModelError:
    """The error for forecasts of steps that are not in any stored route; names (some of) them."""
    names = sorted(f"{document_key}/{step_key}" for document_key, step_key in unknown)
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    return ModelError(f"cannot save forecasts for steps that are in no stored route: {shown}")


def forecast_order(forecast: StepForecast, steps: dict[tuple[str, str], Step]) -> tuple:
    step = steps[(forecast.document_key, forecast.step_key)]
    return (forecast.document_key, step.position, step.key)


def stored_summary(run: NightlyRun) -> dict[str, Any]:
    """The run's summary as JSON gives it back (so the fake and the database agree), or ModelError."""
    check_aware(run.finished_at, f"nightly run {run.as_of.isoformat()} finished at")
    try:
        return json.loads(json.dumps(run.summary))
    except (TypeError, ValueError) as error:
        raise ModelError(f"the summary of nightly run {run.as_of.isoformat()} is not JSON: {error}") from None


def check_aware(moment: dt.datetime, what: str) -> None:
    if moment.utcoffset() is None:
        raise ModelError(f"{what} {moment.isoformat()}, a time without a time zone")


def updates_to_add(stored: Iterable[ProgressUpdate], given: Iterable[ProgressUpdate]) -> list[ProgressUpdate]:
    """The updates in `given` not stored yet: re-saving a plan never duplicates (or deletes) updates."""
    remaining = Counter(_update_identity(u) for u in stored)
    new = []
    for update in given:
        identity = _update_identity(update)
        if remaining[identity] > 0:
            remaining[identity] -= 1
        else:
            new.append(update)
    return new


def check_update(plan_key: str, update: ProgressUpdate, recommendations: dict[str, Any]) -> None:
    """An update must name a recommendation of the plan (and one of its actions, if it names one)."""
    rec = recommendations.get(update.recommendation_number)
    if rec is None:
        numbers = ", ".join(recommendations)
        raise ModelError(f"plan {plan_key!r} has no recommendation {update.recommendation_number!r} (it has {numbers})")
    if update.action_position is not None:
        positions = [a.position for a in rec.actions]
        if update.action_position not in positions:
            raise ModelError(
                f"recommendation {update.recommendation_number} of plan {plan_key!r} has no action "
                f"{update.action_position} (its actions are numbered {', '.join(map(str, positions)) or 'none'})"
            )
    elif update.action_complete:
        raise ModelError("only an action can be recorded complete: say which action of the recommendation")


def _update_identity(update: ProgressUpdate) -> tuple:
    return (
        update.recommendation_number,
        update.recorded_on,
        tuple(update.done),
        tuple(update.difference),
        tuple(update.to_develop),
        tuple(update.next_steps),
        update.action_position,
        update.author,
        update.action_complete,
    )


def _check_unique(keys: Iterable[str], message: str) -> None:
    counts = Counter(keys)
    repeated = sorted(k for k, n in counts.items() if n > 1)
    if repeated:
        raise ModelError(f"{message} numbered or keyed {', '.join(repr(k) for k in repeated)}")


# ---- the SQL repository -------------------------------------------------------------------------


class SqlRepository:
    """Reads and writes aggregates through a SQLAlchemy session; the unit of work commits."""

    def __init__(self, session: Session):
        self.session = session

    # bodies and meetings

    def save_body(self, body: Body) -> None:
        """Upsert a body by code and its meetings by key; meetings not listed are left alone."""
        check_body(body)
        row = self.session.scalar(select(BodyRow).where(BodyRow.code == body.code))
        if row is None:
            row = BodyRow(code=body.code)
            self.session.add(row)
        row.name = body.name
        row.secretary = body.secretary
        row.papers_lead_days = body.papers_lead_days
        row.meeting_rule = body.meeting_rule
        row.exempt = body.exempt
        reminder_days = stored_reminder_days(body.reminder_days, f"body {body.code!r}")
        row.reminder_days = list(reminder_days) if reminder_days is not None else None
        keys = [m.key for m in body.meetings]
        existing = {
            m.key: m for m in self.session.scalars(select(MeetingRow).where(MeetingRow.key.in_(keys)))
        }
        for meeting in body.meetings:
            meeting_row = existing.get(meeting.key)
            if meeting_row is None:
                meeting_row = MeetingRow(key=meeting.key)
                row.meetings.append(meeting_row)
            elif meeting_row.body is not row:
                raise ModelError(
                    f"meeting key {meeting.key!r} already belongs to body {meeting_row.body.code!r}"
                )
            _store_meeting(meeting_row, meeting)
        self.session.flush()

    def get_body(self, code: str) -> Body | None:
        bodies = _load_bodies(self.session, BodyRow.code == code)
        return bodies[0] if bodies else None

    def list_bodies(self) -> list[Body]:
        return _load_bodies(self.session)

    def get_meeting(self, key: str) -> Meeting | None:
        meetings = _load_meetings(self.session, MeetingRow.key == key)
        return meetings[0][1] if meetings else None

    def save_meeting(self, meeting: Meeting) -> None:
        """Update a stored meeting by key: its start, window, status, location and sequence.

        The sequence is stored as given: moving a meeting does not bump it; the caller does."""
        check_meeting(meeting)
        row = self.session.scalar(
            select(MeetingRow).where(MeetingRow.key == meeting.key).options(joinedload(MeetingRow.body))
        )
        if row is None:
            raise no_meeting(meeting.key)
        check_meeting_body(meeting, row.body.code)
        _store_meeting(row, meeting)
        self.session.flush()

    # people

    def save_person(self, person: Person) -> None:
        row = self.session.scalar(select(PersonRow).where(PersonRow.initials == person.initials))
        if row is None:
            row = PersonRow(initials=person.initials)
            self.session.add(row)
        row.name = person.name
        row.role = person.role
        row.email = person.email
        row.apprise_urls = list(person.apprise_urls)
        self.session.flush()

    def get_person(self, initials: str) -> Person | None:
        row = self.session.scalar(select(PersonRow).where(PersonRow.initials == initials))
        return _person(row) if row is not None else None

    def list_people(self) -> list[Person]:
        return [_person(row) for row in self.session.scalars(select(PersonRow).order_by(PersonRow.initials))]

    # documents and their routes

    def save_document(self, document: Document) -> None:
        """Upsert by key; versions and steps become exactly those given (steps keep their ids by key)."""
        check_document(document)
        row = self.session.scalar(
            select(DocumentRow)
            .where(DocumentRow.key == document.key)
            .options(selectinload(DocumentRow.versions), selectinload(DocumentRow.steps))
        )
        if row is None:
            row = DocumentRow(key=document.key)
            self.session.add(row)
        row.title = document.title
        row.kind = DocumentKind(document.kind).value
        row.owner = document.owner
        row.dated = document.dated
        row.exempt = document.exempt

        versions = {v.number: v for v in row.versions}
        version_rows = []
        for ordinal, version in enumerate(document.versions):
            version_row = versions.get(version.number) or DocumentVersionRow(number=version.number)
            version_row.ordinal = ordinal
            version_row.label = version.label
            version_row.dated = version.dated
            version_rows.append(version_row)
        row.versions = version_rows

        steps = {s.key: s for s in row.steps}
        kept = {s.key for s in document.route.steps}
        dropped = [s for key, s in steps.items() if key not in kept]
        if dropped:
            decided = self.session.scalars(
                select(StepRow.key).join(DecisionRow, DecisionRow.step_id == StepRow.id)
                .where(StepRow.id.in_([s.id for s in dropped]))
                .distinct()
            ).all()
            if decided:
                raise ModelError(
                    f"document {document.key!r}: steps {', '.join(sorted(decided))} have decisions "
                    "recorded and cannot be removed from the route"
                )
        step_rows = []
        for step in document.route.steps:
            step_row = steps.get(step.key) or StepRow(key=step.key)
            step_row.position = step.position
            step_row.kind = StepKind(step.kind).value
            step_row.title = step.title
            step_row.body_code = step.body_code
            step_row.owner = step.owner
            step_row.waits_for = list(step.waits_for) if step.waits_for is not None else None
            step_row.meeting_key = step.meeting_key
            step_row.done_on = step.done_on
            store_when(step_row, step.when)
            step_rows.append(step_row)
        row.steps = step_rows
        self.session.flush()

    def get_document(self, key: str) -> Document | None:
        documents = _load_documents(self.session, DocumentRow.key == key)
        return documents[0] if documents else None

    def list_documents(self) -> list[Document]:
        return _load_documents(self.session)

    def set_step_done(self, document_key: str, step_key: str, done_on: dt.date | None) -> None:
        """Record the day a step was done (None: not done after all)."""
        step_id = self._step_id(document_key, step_key)
        if step_id is None:
            raise no_step(document_key, step_key)
        self.session.execute(update(StepRow).where(StepRow.id == step_id).values(done_on=done_on))

    def _step_id(self, document_key: str, step_key: str) -> int | None:
        return self.session.scalar(
            select(StepRow.id)
            .join(DocumentRow, StepRow.document_id == DocumentRow.id)
            .where(DocumentRow.key == document_key, StepRow.key == step_key)
        )

    # action plans

    def save_plan(self, plan: ActionPlan) -> None:
        """Upsert by key; recommendations, actions and measures become exactly those given.

        Progress updates are only ever added: those in `plan.updates` that are not stored yet are
        added, and stored ones missing from `plan.updates` stay.
        """
        check_plan(plan)
        row = self.session.scalar(
            select(ActionPlanRow).where(ActionPlanRow.key == plan.key).options(*_PLAN_LOADS)
        )
        if row is None:
            row = ActionPlanRow(key=plan.key)
            self.session.add(row)
        row.title = plan.title
        row.context_date = plan.context_date
        row.source = plan.source
        row.owner = plan.owner
        reminder_days = stored_reminder_days(plan.reminder_days, f"plan {plan.key!r}")
        row.reminder_days = list(reminder_days) if reminder_days is not None else None
        tolerances = plan.rag_tolerances
        row.rag_at_risk_within_days = tolerances.at_risk_within_days if tolerances else None
        row.rag_stale_after_days = tolerances.stale_after_days if tolerances else None

        recommendations = {r.number: r for r in row.recommendations}
        rec_rows = []
        for ordinal, rec in enumerate(plan.recommendations):
            rec_row = recommendations.get(rec.number) or RecommendationRow(number=rec.number)
            rec_row.ordinal = ordinal
            rec_row.text = rec.text
            rec_row.owner = rec.owner
            rec_row.note = rec.note
            rec_row.merged_with = list(rec.merged_with)
            rec_row.aligned_with = list(rec.aligned_with)
            _replace_actions(rec_row, rec.actions)
            _replace_measures(rec_row, rec.measures)
            rec_rows.append(rec_row)
        row.recommendations = rec_rows

        stored = [_update(u) for u in row.updates]
        for update in updates_to_add(stored, plan.updates):
            row.updates.append(_update_row(update))
        self.session.flush()

    def add_progress_update(self, plan_key: str, update: ProgressUpdate) -> None:
        """Add one dated progress record to a plan; nothing is ever overwritten."""
        row = self.session.scalar(
            select(ActionPlanRow)
            .where(ActionPlanRow.key == plan_key)
            .options(selectinload(ActionPlanRow.recommendations).selectinload(RecommendationRow.actions))
        )
        if row is None:
            raise ModelError(f"no action plan {plan_key!r}")
        check_update(plan_key, update, {r.number: r for r in row.recommendations})
        row.updates.append(_update_row(update))
        self.session.flush()

    def get_plan(self, key: str) -> ActionPlan | None:
        plans = _load_plans(self.session, ActionPlanRow.key == key)
        return plans[0] if plans else None

    def list_plans(self) -> list[ActionPlan]:
        return _load_plans(self.session)

    # decisions

    def add_decision(self, decision: Decision) -> None:
        step_id = self._step_id(decision.document_key, decision.step_key)
        if step_id is None:
            raise ModelError(
                f"cannot record a decision on step {decision.step_key!r} of document "
                f"{decision.document_key!r}: no such step"
            )
        self.session.add(
            DecisionRow(
                step_id=step_id,
                body_code=decision.body_code,
                outcome=DecisionOutcome(decision.outcome).value,
                decided_on=decision.decided_on,
                meeting_key=decision.meeting_key,
                minute=decision.minute,
                back_to=decision.back_to,
                recorded_by=decision.recorded_by,
            )
        )
        self.session.flush()

    def list_decisions(self, document_key: str | None = None) -> list[Decision]:
        """Decisions ordered by the day they were taken, then the order they were recorded."""
        query = (
            select(
                DocumentRow.key,
                StepRow.key,
                DecisionRow.body_code,
                DecisionRow.outcome,
                DecisionRow.decided_on,
                DecisionRow.meeting_key,
                DecisionRow.minute,
                DecisionRow.back_to,
                DecisionRow.recorded_by,
            )
            .select_from(DecisionRow)
            .join(StepRow, DecisionRow.step_id == StepRow.id)
            .join(DocumentRow, StepRow.document_id == DocumentRow.id)
            .order_by(DecisionRow.decided_on, DecisionRow.id)
        )
        if document_key is not None:
            query = query.where(DocumentRow.key == document_key)
        outcomes = _OUTCOMES
        return [
            Decision(
                document_key=doc_key,
                step_key=step_key,
                body_code=body_code,
                outcome=outcomes[outcome],
                decided_on=decided_on,
                meeting_key=meeting_key,
                minute=minute,
                back_to=back_to,
                recorded_by=recorded_by,
            )
            for doc_key, step_key, body_code, outcome, decided_on, meeting_key, minute, back_to, recorded_by in (
                _rows(self.session, query)
            )
        ]

    # step forecasts, their history and the nightly runs

    def save_step_forecasts(self, forecasts: Iterable[StepForecast]) -> None:
        """Upsert one forecast per step, by (document key, step key), in bulk.

        A forecast for a step that is in no stored route raises ModelError before anything is
        written. The step ids are found with one query and the rows go in with one executemany
        INSERT … ON CONFLICT (step_id) DO UPDATE."""
        latest = latest_forecasts(forecasts)
        if not latest:
            return
        step_ids = self._step_ids({document_key for document_key, _ in latest})
        missing = [key for key in latest if key not in step_ids]
        if missing:
            raise unknown_steps(missing)
        rows = [
            {
                "step_id": step_ids[key],
                "state": StepState(forecast.state).value,
                "date": forecast.date,
                "meeting_key": forecast.meeting_key,
                "tentative": bool(forecast.tentative),
                "reason": forecast.reason,
            }
            for key, forecast in latest.items()
        ]
        self.session.execute(self._upsert(StepForecastRow.__table__, "step_id"), rows)

    def _step_ids(self, document_keys: set[str]) -> dict[tuple[str, str], int]:
        """The ids of the steps of these documents, by (document key, step key), in one query (all
        steps when there are many documents: cheaper than a long IN list, and no bind limits)."""
        query = (
            select(DocumentRow.key, StepRow.key, StepRow.id)
            .select_from(StepRow)
            .join(DocumentRow, StepRow.document_id == DocumentRow.id)
        )
        if len(document_keys) <= _IN_LIST_LIMIT:
            query = query.where(DocumentRow.key.in_(sorted(document_keys)))
        return {(document_key, step_key): id_ for document_key, step_key, id_ in _rows(self.session, query)}

    def _upsert(self, table: Table, key: str) -> Any:
        statement = self._insert(table)
        return statement.on_conflict_do_update(
            index_elements=[table.c[key]],
            set_={column.name: statement.excluded[column.name] for column in table.c if column.name != key},
        )

    def list_step_forecasts(self, document_key: str | None = None) -> list[StepForecast]:
        """The stored forecasts (of one document, or all), by document key, step position and key."""
        query = (
            select(
                DocumentRow.key,
                StepRow.key,
                StepRow.position,
                StepForecastRow.state,
                StepForecastRow.date,
                StepForecastRow.meeting_key,
                StepForecastRow.tentative,
                StepForecastRow.reason,
            )
            .select_from(StepForecastRow)
            .join(StepRow, StepForecastRow.step_id == StepRow.id)
            .join(DocumentRow, StepRow.document_id == DocumentRow.id)
        )
        if document_key is not None:
            query = query.where(DocumentRow.key == document_key)
        states = _STATES
        rows = sorted(_rows(self.session, query), key=lambda r: (r[0], r[2], r[1]))
        return [
            StepForecast(
                document_key=doc_key,
                step_key=step_key,
                state=states[state],
                date=date,
                meeting_key=meeting_key,
                tentative=bool(tentative),
                reason=reason,
            )
            for doc_key, step_key, _, state, date, meeting_key, tentative, reason in rows
        ]

    def add_forecast_changes(self, changes: Iterable[ForecastChange]) -> None:
        """Add re-forecast records, in bulk and in the order given; none is changed or removed."""
        rows = [
            {
                "document_key": change.document_key,
                "step_key": change.step_key,
                "old_date": change.old_date,
                "new_date": change.new_date,
                "reason": change.reason,
                "recorded_on": change.recorded_on,
            }
            for change in changes
        ]
        if rows:
            self.session.execute(insert(ForecastChangeRow.__table__), rows)

    def list_forecast_changes(self, document_key: str | None = None) -> list[ForecastChange]:
        """Re-forecast records ordered by `recorded_on`, then the order they were added."""
        query = select(
            ForecastChangeRow.document_key,
            ForecastChangeRow.step_key,
            ForecastChangeRow.old_date,
            ForecastChangeRow.new_date,
            ForecastChangeRow.reason,
            ForecastChangeRow.recorded_on,
        ).order_by(ForecastChangeRow.recorded_on, ForecastChangeRow.id)
        if document_key is not None:
            query = query.where(ForecastChangeRow.document_key == document_key)
        return [
            ForecastChange(
                document_key=document_key,
                step_key=step_key,
                old_date=old_date,
                new_date=new_date,
                reason=reason,
                recorded_on=recorded_on,
            )
            for document_key, step_key, old_date, new_date, reason, recorded_on in _rows(self.session, query)
        ]

    def record_nightly_run(self, run: NightlyRun) -> None:
        """Store a completed run; a run for an as-of date already recorded replaces it."""
        summary = stored_summary(run)
        row = self.session.scalar(select(NightlyRunRow).where(NightlyRunRow.as_of == run.as_of))
        if row is None:
            row = NightlyRunRow(as_of=run.as_of)
            self.session.add(row)
        row.finished_at = run.finished_at
        row.summary = summary
        self.session.flush()

    def get_nightly_run(self, as_of: dt.date) -> NightlyRun | None:
        row = self.session.scalar(select(NightlyRunRow).where(NightlyRunRow.as_of == as_of))
        return _nightly_run(row) if row is not None else None

    def last_nightly_run(self) -> NightlyRun | None:
        """The run with the latest as-of date (not the one that finished last)."""
        row = self.session.scalar(select(NightlyRunRow).order_by(NightlyRunRow.as_of.desc()).limit(1))
        return _nightly_run(row) if row is not None else None

    # glossary

    def merge_glossary(self, glossary: Glossary) -> None:
        """Add new acronyms and update the meaning of known ones; none is removed."""
        existing = {
            t.acronym: t
            for t in self.session.scalars(
                select(GlossaryTermRow).where(GlossaryTermRow.acronym.in_(list(glossary.terms)))
            )
        }
        for acronym, meaning in glossary.terms.items():
            row = existing.get(acronym)
            if row is None:
                self.session.add(GlossaryTermRow(acronym=acronym, meaning=meaning))
            else:
                row.meaning = meaning
        self.session.flush()

    def get_glossary(self) -> Glossary:
        rows = self.session.scalars(select(GlossaryTermRow).order_by(GlossaryTermRow.acronym))
        return Glossary(terms={row.acronym: row.meaning for row in rows})

    # conditions that contingent Whens wait for

    def save_condition(self, condition: Condition) -> None:
        """Record that a condition is met; one per name regardless of case (saving again replaces it)."""
        key = condition_key(condition.name)
        row = self.session.scalar(select(ConditionRow).where(ConditionRow.name_key == key))
        if row is None:
            row = ConditionRow(name_key=key)
            self.session.add(row)
        row.name = condition.name.strip()
        row.met_on = condition.met_on
        row.note = condition.note
        self.session.flush()

    def list_conditions(self) -> list[Condition]:
        query = select(ConditionRow.name, ConditionRow.met_on, ConditionRow.note).order_by(ConditionRow.name_key)
        return [Condition(name=name, met_on=met_on, note=note) for name, met_on, note in _rows(self.session, query)]

    # the outbox

    def queue_reminders(self, reminders: Iterable[Reminder]) -> int:
        """Store the reminders not stored yet (by key: INSERT … ON CONFLICT DO NOTHING), then put
        every reminder that is in no message into its recipient's pending message, creating one
        where there is none. Returns how many reminders were new.

        On PostgreSQL the pending messages are locked (FOR UPDATE) before reminders join them, so a
        reminder never joins a message that a sender is sending at that moment: the queueing waits
        for that send to commit, then starts a new message."""
        rows = [_reminder_values(reminder) for reminder in unique_reminders(reminders).values()]
        table = ReminderRow.__table__
        new = 0
        for chunk in _chunks(rows, _INSERT_CHUNK):
            statement = self._insert(table).values(chunk).on_conflict_do_nothing(index_elements=["key"])
            new += len(self.session.execute(statement.returning(table.c.id)).all())
        self._join_pending_messages()
        return new

    def _join_pending_messages(self) -> None:
        """Attach every reminder without a message to its recipient's (locked) pending message."""
        unattached = dict(
            _rows(
                self.session,
                select(ReminderRow.recipient, func.min(ReminderRow.night))
                .where(ReminderRow.message_id.is_(None))
                .group_by(ReminderRow.recipient),
            )
        )
        if not unattached:
            return
        messages = MessageRow.__table__
        pending: dict[str, int] = {}
        missing = sorted(unattached)
        # A pending message can turn into a sent one while we wait for its lock; then make another.
        for _ in range(5):
            for chunk in _chunks(missing, _IN_LIST_CHUNK):
                self.session.execute(
                    self._insert(messages)
                    .values(
                        [
                            {"recipient": r, "status": PENDING, "attempts": 0, "created_on": unattached[r]}
                            for r in chunk
                        ]
                    )
                    .on_conflict_do_nothing(
                        index_elements=["recipient"], index_where=sql_text("status = 'pending'")
                    )
                )
                locked = (
                    select(MessageRow.recipient, MessageRow.id)
                    .where(MessageRow.status == PENDING, MessageRow.recipient.in_(chunk))
                    .order_by(MessageRow.id)
                    .with_for_update()
                )
                pending.update(dict(_rows(self.session, locked)))
            missing = [r for r in missing if r not in pending]
            if not missing:
                break
        else:  # pragma: no cover - needs five sends of the same recipient during one queueing
            raise ModelError(f"could not find or create a pending message for {', '.join(missing)}")
        reminders = ReminderRow.__table__
        self.session.execute(
            update(reminders)
            .where(reminders.c.recipient == bindparam("r"), reminders.c.message_id.is_(None))
            .values(message_id=bindparam("m")),
            [{"r": recipient, "m": message_id} for recipient, message_id in pending.items()],
        )

    def claim_next_message(self, now: dt.datetime) -> OutboxMessage | None:
        """The oldest pending message that is due at `now`, locked for this transaction.

        On PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED LIMIT 1, so two senders never claim the same
        message, and a sender that dies mid-send leaves it pending (its transaction rolls back).
        Send while the transaction is open, then `mark_message_sent` or `mark_message_failed` and
        commit. On SQLite (one writer) it is a plain SELECT: run one sender at a time there."""
        check_aware(now, "claiming outbox messages at")
        row = self.session.scalar(
            select(MessageRow)
            .where(
                MessageRow.status == PENDING,
                (MessageRow.next_attempt_at.is_(None)) | (MessageRow.next_attempt_at <= now),
            )
            .order_by(MessageRow.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if row is None:
            return None
        return self._messages([row])[0]

    def mark_message_sent(self, message_id: int, sent_at: dt.datetime, reminder_keys: Iterable[str]) -> None:
        """Mark a pending message sent. `reminder_keys` are the reminders the sent digest showed: any
        other reminder attached meanwhile is moved to a new pending message, never lost."""
        check_aware(sent_at, f"outbox message {message_id} sent at")
        check_message_pending(message_id, self.session.scalar(select(MessageRow.status).where(MessageRow.id == message_id)))
        self.session.execute(
            update(MessageRow)
            .where(MessageRow.id == message_id)
            .values(status=SENT, sent_at=sent_at, attempts=MessageRow.attempts + 1, next_attempt_at=None)
        )
        shown = set(reminder_keys)
        unshown = [
            id_
            for id_, key in _rows(
                self.session, select(ReminderRow.id, ReminderRow.key).where(ReminderRow.message_id == message_id)
            )
            if key not in shown
        ]
        if unshown:
            self.session.execute(update(ReminderRow).where(ReminderRow.id.in_(unshown)).values(message_id=None))
            self._join_pending_messages()

    def mark_message_failed(self, message_id: int, error: str, now: dt.datetime) -> dt.datetime:
        """Record a failed send: attempts + 1, the error (give it redacted), and the time of the next
        attempt (now + `retry_delay`), which is returned. The message stays pending."""
        check_aware(now, f"outbox message {message_id} failed at")
        status, attempts = self.session.execute(
            select(MessageRow.status, MessageRow.attempts).where(MessageRow.id == message_id)
        ).one_or_none() or (None, 0)
        check_message_pending(message_id, status)
        next_attempt_at = now + retry_delay(attempts + 1)
        self.session.execute(
            update(MessageRow)
            .where(MessageRow.id == message_id)
            .values(attempts=attempts + 1, last_error=error, next_attempt_at=next_attempt_at)
        )
        return next_attempt_at.astimezone(dt.timezone.utc)

    def list_messages(self, *, status: str | None = None, recipient: str | None = None) -> list[OutboxMessage]:
        """The outbox's messages (all, or by status and recipient), oldest first, with their reminders."""
        query = select(MessageRow).order_by(MessageRow.id)
        if status is not None:
            query = query.where(MessageRow.status == status)
        if recipient is not None:
            query = query.where(MessageRow.recipient == recipient)
        return self._messages(list(self.session.scalars(query)))

    def _messages(self, rows: list[MessageRow]) -> list[OutboxMessage]:
        reminders: dict[int, list[Reminder]] = {row.id: [] for row in rows}
        for chunk in _chunks(list(reminders), _IN_LIST_CHUNK):
            query = (
                select(*_REMINDER_COLUMNS, ReminderRow.message_id)
                .where(ReminderRow.message_id.in_(chunk))
                .order_by(ReminderRow.id)
            )
            for *values, message_id in _rows(self.session, query):
                reminders[message_id].append(_reminder(*values))
        return [
            OutboxMessage(
                id=row.id,
                recipient=row.recipient,
                status=row.status,
                attempts=row.attempts,
                created_on=row.created_on,
                reminders=tuple(reminders[row.id]),
                last_error=row.last_error,
                next_attempt_at=row.next_attempt_at,
                sent_at=row.sent_at,
            )
            for row in rows
        ]

    def _insert(self, table: Table) -> Any:
        dialect = self.session.connection().dialect.name
        if dialect == "postgresql":
            return postgresql.insert(table)
        if dialect == "sqlite":
            return sqlite.insert(table)
        raise NotImplementedError(f"no INSERT … ON CONFLICT for the {dialect} database")  # pragma: no cover

    # calendar feeds

    def feed_event_states(self, uids: Iterable[str] | None = None) -> dict[str, FeedEventState]:
        """The stored state of each of these event UIDs that has one (all of them when `uids` is None)."""
        columns = (FeedEventRow.uid, FeedEventRow.content_hash, FeedEventRow.sequence, FeedEventRow.last_modified)
        if uids is None:
            rows = list(_rows(self.session, select(*columns)))
        else:
            wanted = sorted(set(uids))
            rows = []
            for chunk in _chunks(wanted, _IN_LIST_CHUNK):
                rows.extend(_rows(self.session, select(*columns).where(FeedEventRow.uid.in_(list(chunk)))))
        return {
            uid: FeedEventState(uid, content_hash, sequence, last_modified)
            for uid, content_hash, sequence, last_modified in rows
        }

    def save_feed_event_states(self, states: Iterable[FeedEventState]) -> None:
        """Upsert event states by UID, in bulk (one INSERT … ON CONFLICT per chunk)."""
        by_uid = {state.uid: state for state in states}
        for state in by_uid.values():
            check_feed_event_state(state)
        rows = [
            {"uid": s.uid, "content_hash": s.content_hash, "sequence": s.sequence, "last_modified": s.last_modified}
            for s in by_uid.values()
        ]
        for chunk in _chunks(rows, _INSERT_CHUNK):
            self.session.execute(self._upsert(FeedEventRow.__table__, "uid"), list(chunk))

    def get_feed_token(self, initials: str) -> FeedToken | None:
        row = self.session.get(FeedTokenRow, initials)
        return _feed_token(row) if row is not None else None

    def list_feed_tokens(self) -> dict[str, FeedToken]:
        rows = self.session.scalars(select(FeedTokenRow).order_by(FeedTokenRow.initials))
        return {row.initials: _feed_token(row) for row in rows}

    def set_feed_token(self, initials: str, token: str, at: dt.datetime) -> FeedToken:
        """Give a person a feed token; replacing one records `at` as `rotated_at`."""
        check_aware(at, "feed token time")
        # One upsert, so two builds giving a new person a token at once do not collide: the later wins.
        table = FeedTokenRow.__table__
        statement = self._insert(table).values(initials=initials, token=token, created_at=at, rotated_at=None)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.initials],
            set_={"token": statement.excluded.token, "rotated_at": statement.excluded.created_at},
        )
        self.session.flush()
        self.session.execute(statement)
        self.session.expire_all()
        return self.get_feed_token(initials)  # type: ignore[return-value]

    # audit trail

    def add_audit_event(
        self,
        *,
        occurred_at: dt.datetime,
        actor: str,
        kind: str,
        subject: str,
        reason: str = "",
        details: dict[str, Any] | None = None,
    ) -> AuditEvent:
        """Record an event; returns it as stored (with its id, time in UTC)."""
        check_audit_time(occurred_at)
        row = AuditEventRow(
            occurred_at=occurred_at,
            actor=actor,
            kind=kind,
            subject=subject,
            reason=reason,
            details=dict(details or {}),
        )
        self.session.add(row)
        self.session.flush()
        return _audit_event(row)

    def list_audit_events(
        self,
        *,
        subject: str | None = None,
        kind: str | None = None,
        actor: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> list[AuditEvent]:
        """Events in time order; `since` is inclusive, `until` exclusive."""
        query = select(AuditEventRow).order_by(AuditEventRow.occurred_at, AuditEventRow.id)
        if subject is not None:
            query = query.where(AuditEventRow.subject == subject)
        if kind is not None:
            query = query.where(AuditEventRow.kind == kind)
        if actor is not None:
            query = query.where(AuditEventRow.actor == actor)
        if since is not None:
            check_audit_time(since)
            query = query.where(AuditEventRow.occurred_at >= since)
        if until is not None:
            check_audit_time(until)
            query = query.where(AuditEventRow.occurred_at < until)
        return [_audit_event(row) for row in self.session.scalars(query)]


# ---- rows to domain objects and back ------------------------------------------------------------

_PLAN_LOADS = (
    selectinload(ActionPlanRow.recommendations).selectinload(RecommendationRow.actions),
    selectinload(ActionPlanRow.recommendations).selectinload(RecommendationRow.measures),
    selectinload(ActionPlanRow.updates),
)
# Above this many keys a lookup reads every row instead of sending a long IN list.
_IN_LIST_LIMIT = 1000
_IN_LIST_CHUNK = 500  # keys per IN list or multi-row INSERT: well inside every bind-parameter limit
_INSERT_CHUNK = 500

_REMINDER_COLUMNS = (
    ReminderRow.recipient,
    ReminderRow.item_kind,
    ReminderRow.item_key,
    ReminderRow.title,
    ReminderRow.context,
    ReminderRow.body_code,
    ReminderRow.deadline,
    ReminderRow.when_text,
    ReminderRow.rule,
    ReminderRow.night,
)


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _reminder_values(reminder: Reminder) -> dict[str, Any]:
    item = reminder.item
    return {
        "key": reminder.key,
        "recipient": reminder.recipient,
        "item_kind": item.kind,
        "item_key": item.key,
        "title": item.title,
        "context": item.context,
        "body_code": item.body_code,
        "deadline": item.deadline,
        "when_text": item.when_text,
        "rule": reminder.rule,
        "night": reminder.night,
    }


def _reminder(
    recipient: str,
    kind: str,
    item_key: str,
    title: str,
    context: str,
    body_code: str | None,
    deadline: dt.date,
    when_text: str,
    rule: str,
    night: dt.date,
) -> Reminder:
    from governance_model.reminders import Reminder, ReminderItem

    item = ReminderItem(
        kind=kind,
        key=item_key,
        title=title,
        context=context,
        body_code=body_code,
        deadline=deadline,
        when_text=when_text,
    )
    return Reminder(recipient=recipient, item=item, rule=rule, night=night)

_MEETING_STATUSES = {status.value: status for status in MeetingStatus}
_DOCUMENT_KINDS = {kind.value: kind for kind in DocumentKind}
_STEP_KINDS = {kind.value: kind for kind in StepKind}
_OUTCOMES = {outcome.value: outcome for outcome in DecisionOutcome}
_STATES = {state.value: state for state in StepState}


def _feed_token(row: FeedTokenRow) -> FeedToken:
    return FeedToken(row.initials, row.token, row.created_at, row.rotated_at)


def _rows(session: Session, query: Any) -> Sequence[Row[Any]]:
    """All the rows of a SELECT of plain columns, fetched at once. Run on the session's connection
    (so in its transaction) after a flush, as the ORM's autoflush would, but without the ORM's
    per-row work."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(query).all()


def _when_of(row_class: type) -> tuple:
    return tuple(getattr(row_class, column) for column in when_columns())


def _store_meeting(row: MeetingRow, meeting: Meeting) -> None:
    row.starts_at = meeting.starts_at
    row.status = MeetingStatus(meeting.status).value
    row.location = meeting.location
    row.sequence = meeting.sequence
    store_when(row, meeting.when)


# The bulk loaders: one SELECT of plain columns per table, filtered (when `where` is given) by a
# condition on the aggregate's root table, joined in; the objects are put together in Python.


def _load_meetings(session: Session, where: ColumnElement[bool] | None = None) -> list[tuple[int, Meeting]]:
    """(body id, meeting) pairs; `where` is a condition on MeetingRow or BodyRow."""
    query = select(
        MeetingRow.body_id,
        BodyRow.code,
        MeetingRow.key,
        MeetingRow.starts_at,
        MeetingRow.status,
        MeetingRow.location,
        MeetingRow.sequence,
        *_when_of(MeetingRow),
    ).select_from(MeetingRow).join(BodyRow, MeetingRow.body_id == BodyRow.id)
    if where is not None:
        query = query.where(where)
    statuses = _MEETING_STATUSES
    return [
        (
            body_id,
            Meeting(
                key=key,
                body_code=body_code,
                starts_at=starts_at.astimezone(LONDON) if starts_at is not None else None,
                when=when_from_values(*when),
                status=statuses[status],
                location=location,
                sequence=sequence,
            ),
        )
        for body_id, body_code, key, starts_at, status, location, sequence, *when in _rows(session, query)
    ]


def _load_bodies(session: Session, where: ColumnElement[bool] | None = None) -> list[Body]:
    query = select(
        BodyRow.id,
        BodyRow.code,
        BodyRow.name,
        BodyRow.secretary,
        BodyRow.papers_lead_days,
        BodyRow.meeting_rule,
        BodyRow.exempt,
        BodyRow.reminder_days,
    )
    if where is not None:
        query = query.where(where)
    bodies = {
        id_: Body(
            code=code,
            name=name,
            secretary=secretary,
            papers_lead_days=papers_lead_days,
            meeting_rule=meeting_rule,
            exempt=exempt,
            reminder_days=tuple(reminder_days) if reminder_days is not None else None,
        )
        for id_, code, name, secretary, papers_lead_days, meeting_rule, exempt, reminder_days in _rows(
            session, query
        )
    }
    if not bodies:
        return []
    for body_id, meeting in _load_meetings(session, where):
        body = bodies.get(body_id)  # None: added by another transaction since the first SELECT
        if body is not None:
            body.meetings.append(meeting)
    for body in bodies.values():
        body.meetings.sort(key=meeting_order)
    return sorted(bodies.values(), key=lambda b: b.code)


def _load_documents(session: Session, where: ColumnElement[bool] | None = None) -> list[Document]:
    query = select(
        DocumentRow.id,
        DocumentRow.key,
        DocumentRow.title,
        DocumentRow.kind,
        DocumentRow.owner,
        DocumentRow.dated,
        DocumentRow.exempt,
    )
    if where is not None:
        query = query.where(where)
    kinds = _DOCUMENT_KINDS
    documents = {
        id_: Document(key=key, title=title, kind=kinds[kind], owner=owner, dated=dated, exempt=exempt)
        for id_, key, title, kind, owner, dated, exempt in _rows(session, query)
    }
    if not documents:
        return []

    versions = select(
        DocumentVersionRow.document_id, DocumentVersionRow.number, DocumentVersionRow.label, DocumentVersionRow.dated
    ).order_by(DocumentVersionRow.document_id, DocumentVersionRow.ordinal)
    steps = select(
        StepRow.document_id,
        StepRow.key,
        StepRow.position,
        StepRow.kind,
        StepRow.title,
        StepRow.body_code,
        StepRow.owner,
        StepRow.waits_for,
        StepRow.meeting_key,
        StepRow.done_on,
        *_when_of(StepRow),
    )
    if where is not None:
        versions = versions.join(DocumentRow, DocumentVersionRow.document_id == DocumentRow.id).where(where)
        steps = steps.join(DocumentRow, StepRow.document_id == DocumentRow.id).where(where)
    for document_id, number, label, dated in _rows(session, versions):
        document = documents.get(document_id)
        if document is not None:
            document.versions.append(DocumentVersion(number=number, label=label, dated=dated))
    step_kinds = _STEP_KINDS
    for document_id, key, position, kind, title, body_code, owner, waits_for, meeting_key, done_on, *when in (
        _rows(session, steps)
    ):
        document = documents.get(document_id)
        if document is not None:
            document.route.steps.append(
                Step(
                    key=key,
                    position=position,
                    kind=step_kinds[kind],
                    title=title,
                    body_code=body_code,
                    when=when_from_values(*when),
                    owner=owner,
                    waits_for=tuple(waits_for) if waits_for is not None else None,
                    meeting_key=meeting_key,
                    done_on=done_on,
                )
            )
    for document in documents.values():
        document.route.steps.sort(key=step_order)
    return sorted(documents.values(), key=lambda d: d.key)


def _load_plans(session: Session, where: ColumnElement[bool] | None = None) -> list[ActionPlan]:
    query = select(
        ActionPlanRow.id,
        ActionPlanRow.key,
        ActionPlanRow.title,
        ActionPlanRow.context_date,
        ActionPlanRow.source,
        ActionPlanRow.owner,
        ActionPlanRow.reminder_days,
        ActionPlanRow.rag_at_risk_within_days,
        ActionPlanRow.rag_stale_after_days,
    )
    if where is not None:
        query = query.where(where)
    plans = {
        id_: ActionPlan(
            key=key,
            title=title,
            context_date=context_date,
            source=source,
            owner=owner,
            reminder_days=tuple(reminder_days) if reminder_days is not None else None,
            rag_tolerances=_tolerances(at_risk, stale),
        )
        for id_, key, title, context_date, source, owner, reminder_days, at_risk, stale in _rows(session, query)
    }
    if not plans:
        return []

    recommendations_query = select(
        RecommendationRow.id,
        RecommendationRow.plan_id,
        RecommendationRow.number,
        RecommendationRow.text,
        RecommendationRow.owner,
        RecommendationRow.note,
        RecommendationRow.merged_with,
        RecommendationRow.aligned_with,
    ).order_by(RecommendationRow.plan_id, RecommendationRow.ordinal)
    actions = select(
        ActionRow.recommendation_id,
        ActionRow.position,
        ActionRow.text,
        ActionRow.owner,
        ActionRow.done_on,
        *_when_of(ActionRow),
    ).order_by(ActionRow.recommendation_id, ActionRow.ordinal)
    measures = select(MeasureRow.recommendation_id, MeasureRow.position, MeasureRow.text).order_by(
        MeasureRow.recommendation_id, MeasureRow.ordinal
    )
    updates = select(
        ProgressUpdateRow.plan_id,
        ProgressUpdateRow.recommendation_number,
        ProgressUpdateRow.recorded_on,
        ProgressUpdateRow.done,
        ProgressUpdateRow.difference,
        ProgressUpdateRow.to_develop,
        ProgressUpdateRow.next_steps,
        ProgressUpdateRow.action_position,
        ProgressUpdateRow.author,
        ProgressUpdateRow.action_complete,
    ).order_by(ProgressUpdateRow.recorded_on, ProgressUpdateRow.id)
    if where is not None:
        recommendations_query = recommendations_query.join(
            ActionPlanRow, RecommendationRow.plan_id == ActionPlanRow.id
        ).where(where)
        actions = (
            actions.join(RecommendationRow, ActionRow.recommendation_id == RecommendationRow.id)
            .join(ActionPlanRow, RecommendationRow.plan_id == ActionPlanRow.id)
            .where(where)
        )
        measures = (
            measures.join(RecommendationRow, MeasureRow.recommendation_id == RecommendationRow.id)
            .join(ActionPlanRow, RecommendationRow.plan_id == ActionPlanRow.id)
            .where(where)
        )
        updates = updates.join(ActionPlanRow, ProgressUpdateRow.plan_id == ActionPlanRow.id).where(where)

    recommendations: dict[int, Recommendation] = {}
    for id_, plan_id, number, text, owner, note, merged_with, aligned_with in _rows(session, recommendations_query):
        plan = plans.get(plan_id)
        if plan is not None:
            recommendation = Recommendation(
                number=number,
                text=text,
                owner=owner,
                note=note,
                merged_with=list(merged_with),
                aligned_with=list(aligned_with),
            )
            plan.recommendations.append(recommendation)
            recommendations[id_] = recommendation
    for recommendation_id, position, text, owner, done_on, *when in _rows(session, actions):
        recommendation = recommendations.get(recommendation_id)
        if recommendation is not None:
            recommendation.actions.append(
                Action(position=position, text=text, when=when_from_values(*when), owner=owner, done_on=done_on)
            )
    for recommendation_id, position, text in _rows(session, measures):
        recommendation = recommendations.get(recommendation_id)
        if recommendation is not None:
            recommendation.measures.append(Measure(position=position, text=text))
    for plan_id, number, recorded_on, done, difference, to_develop, next_steps, action_position, author, complete in (
        _rows(session, updates)
    ):
        plan = plans.get(plan_id)
        if plan is not None:
            plan.updates.append(
                ProgressUpdate(
                    recommendation_number=number,
                    recorded_on=recorded_on,
                    done=list(done),
                    difference=list(difference),
                    to_develop=list(to_develop),
                    next_steps=list(next_steps),
                    action_position=action_position,
                    author=author,
                    action_complete=bool(complete),
                )
            )
    return sorted((plan.apply_completions() for plan in plans.values()), key=lambda p: p.key)


def _tolerances(at_risk_within_days: int | None, stale_after_days: int | None) -> RagTolerances | None:
    if at_risk_within_days is None and stale_after_days is None:
        return None
    defaults = RagTolerances()
    return RagTolerances(
        at_risk_within_days=defaults.at_risk_within_days if at_risk_within_days is None else at_risk_within_days,
        stale_after_days=defaults.stale_after_days if stale_after_days is None else stale_after_days,
    )


def _nightly_run(row: NightlyRunRow) -> NightlyRun:
    return NightlyRun(
        as_of=row.as_of,
        finished_at=row.finished_at.astimezone(dt.timezone.utc),
        summary=json.loads(json.dumps(row.summary)),  # a copy: the row's own dict stays untouched
    )


def _person(row: PersonRow) -> Person:
    return Person(
        initials=row.initials,
        name=row.name,
        role=row.role,
        email=row.email,
        apprise_urls=list(row.apprise_urls),
    )


def _replace_actions(rec_row: RecommendationRow, actions: list[Action]) -> None:
    # Rows are reused by place in the list, so ids stay put when only the words change.
    old = sorted(rec_row.actions, key=lambda a: a.ordinal)
    rows = []
    for ordinal, action in enumerate(actions):
        action_row = old[ordinal] if ordinal < len(old) else ActionRow()
        action_row.ordinal = ordinal
        action_row.position = action.position
        action_row.text = action.text
        action_row.owner = action.owner
        action_row.done_on = action.done_on
        store_when(action_row, action.when)
        rows.append(action_row)
    rec_row.actions = rows


def _replace_measures(rec_row: RecommendationRow, measures: list[Measure]) -> None:
    old = sorted(rec_row.measures, key=lambda m: m.ordinal)
    rows = []
    for ordinal, measure in enumerate(measures):
        measure_row = old[ordinal] if ordinal < len(old) else MeasureRow()
        measure_row.ordinal = ordinal
        measure_row.position = measure.position
        measure_row.text = measure.text
        rows.append(measure_row)
    rec_row.measures = rows


def _update_row(update: ProgressUpdate) -> ProgressUpdateRow:
    return ProgressUpdateRow(
        recommendation_number=update.recommendation_number,
        recorded_on=update.recorded_on,
        action_position=update.action_position,
        author=update.author,
        action_complete=update.action_complete,
        done=list(update.done),
        difference=list(update.difference),
        to_develop=list(update.to_develop),
        next_steps=list(update.next_steps),
    )


def _update(row: ProgressUpdateRow) -> ProgressUpdate:
    return ProgressUpdate(
        recommendation_number=row.recommendation_number,
        recorded_on=row.recorded_on,
        done=list(row.done),
        difference=list(row.difference),
        to_develop=list(row.to_develop),
        next_steps=list(row.next_steps),
        action_position=row.action_position,
        author=row.author,
        action_complete=bool(row.action_complete),
    )


def _audit_event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        occurred_at=row.occurred_at.astimezone(dt.timezone.utc),
        actor=row.actor,
        kind=row.kind,
        subject=row.subject,
        reason=row.reason,
        details=dict(row.details),
    )
