"""The repository: domain objects in, domain objects out. The only code that maps rows to the model.

`SqlRepository` works inside a session that the unit of work owns; it never commits. Saving an
aggregate upserts it by its natural key. Rules both this repository and the in-memory fake follow
(the functions at the top of this module are shared with the fake):

- bodies come back with their meetings ordered by start (a TBC meeting by the start of its window,
  undated meetings last), then key; meetings missing from a saved body are left alone;
- documents come back with their steps ordered by position, then key; versions in the order given;
- plans keep the order of recommendations, actions and measures as given; progress updates are
  never deleted and come back ordered by date, then by the order they were added.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from governance_model.errors import ModelError
from governance_model.model import (
    Action,
    ActionPlan,
    Body,
    Decision,
    DecisionOutcome,
    Document,
    DocumentKind,
    DocumentVersion,
    Glossary,
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
from governance_model.storage.tables import (
    ActionPlanRow,
    ActionRow,
    AuditEventRow,
    BodyRow,
    DecisionRow,
    DocumentRow,
    DocumentVersionRow,
    GlossaryTermRow,
    MeasureRow,
    MeetingRow,
    PersonRow,
    ProgressUpdateRow,
    RecommendationRow,
    StepRow,
    load_when,
    store_when,
)

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
    def add_decision(self, decision: Decision) -> None: ...
    def list_decisions(self, document_key: str | None = None) -> list[Decision]: ...
    def merge_glossary(self, glossary: Glossary) -> None: ...
    def get_glossary(self) -> Glossary: ...
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
        if meeting.starts_at is not None and meeting.starts_at.utcoffset() is None:
            raise ModelError(f"meeting {meeting.key!r} starts at a time without a time zone")


def check_document(document: Document) -> None:
    document.route.validate()
    _check_unique(
        (str(v.number) for v in document.versions), f"document {document.key!r} has more than one version"
    )


def check_plan(plan: ActionPlan) -> None:
    _check_unique(
        (r.number for r in plan.recommendations), f"plan {plan.key!r} has more than one recommendation"
    )


def check_audit_time(moment: dt.datetime) -> None:
    if moment.utcoffset() is None:
        raise ModelError(f"audit event time {moment.isoformat()} has no time zone")


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
            meeting_row.starts_at = meeting.starts_at
            meeting_row.status = MeetingStatus(meeting.status).value
            meeting_row.location = meeting.location
            store_when(meeting_row, meeting.when)
        self.session.flush()

    def get_body(self, code: str) -> Body | None:
        row = self.session.scalar(
            select(BodyRow).where(BodyRow.code == code).options(selectinload(BodyRow.meetings))
        )
        return _body(row) if row is not None else None

    def list_bodies(self) -> list[Body]:
        rows = self.session.scalars(
            select(BodyRow).order_by(BodyRow.code).options(selectinload(BodyRow.meetings))
        )
        return [_body(row) for row in rows]

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
        row = self.session.scalar(
            select(DocumentRow).where(DocumentRow.key == key).options(*_DOCUMENT_LOADS)
        )
        return _document(row) if row is not None else None

    def list_documents(self) -> list[Document]:
        rows = self.session.scalars(select(DocumentRow).order_by(DocumentRow.key).options(*_DOCUMENT_LOADS))
        return [_document(row) for row in rows]

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
            .options(selectinload(ActionPlanRow.recommendations))
        )
        if row is None:
            raise ModelError(f"no action plan {plan_key!r}")
        if update.recommendation_number not in {r.number for r in row.recommendations}:
            raise ModelError(f"plan {plan_key!r} has no recommendation {update.recommendation_number!r}")
        row.updates.append(_update_row(update))
        self.session.flush()

    def get_plan(self, key: str) -> ActionPlan | None:
        row = self.session.scalar(select(ActionPlanRow).where(ActionPlanRow.key == key).options(*_PLAN_LOADS))
        return _plan(row) if row is not None else None

    def list_plans(self) -> list[ActionPlan]:
        rows = self.session.scalars(select(ActionPlanRow).order_by(ActionPlanRow.key).options(*_PLAN_LOADS))
        return [_plan(row) for row in rows]

    # decisions

    def add_decision(self, decision: Decision) -> None:
        step_id = self.session.scalar(
            select(StepRow.id)
            .join(DocumentRow, StepRow.document_id == DocumentRow.id)
            .where(DocumentRow.key == decision.document_key, StepRow.key == decision.step_key)
        )
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
            )
        )
        self.session.flush()

    def list_decisions(self, document_key: str | None = None) -> list[Decision]:
        """Decisions ordered by the day they were taken, then the order they were recorded."""
        query = (
            select(DecisionRow, StepRow.key, DocumentRow.key)
            .join(StepRow, DecisionRow.step_id == StepRow.id)
            .join(DocumentRow, StepRow.document_id == DocumentRow.id)
            .order_by(DecisionRow.decided_on, DecisionRow.id)
        )
        if document_key is not None:
            query = query.where(DocumentRow.key == document_key)
        return [
            Decision(
                document_key=doc_key,
                step_key=step_key,
                body_code=row.body_code,
                outcome=DecisionOutcome(row.outcome),
                decided_on=row.decided_on,
                meeting_key=row.meeting_key,
                minute=row.minute,
            )
            for row, step_key, doc_key in self.session.execute(query)
        ]

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

_DOCUMENT_LOADS = (selectinload(DocumentRow.versions), selectinload(DocumentRow.steps))
_PLAN_LOADS = (
    selectinload(ActionPlanRow.recommendations).selectinload(RecommendationRow.actions),
    selectinload(ActionPlanRow.recommendations).selectinload(RecommendationRow.measures),
    selectinload(ActionPlanRow.updates),
)


def _body(row: BodyRow) -> Body:
    meetings = [
        Meeting(
            key=m.key,
            body_code=row.code,
            starts_at=m.starts_at.astimezone(LONDON) if m.starts_at is not None else None,
            when=load_when(m),
            status=MeetingStatus(m.status),
            location=m.location,
        )
        for m in row.meetings
    ]
    return Body(
        code=row.code,
        name=row.name,
        secretary=row.secretary,
        papers_lead_days=row.papers_lead_days,
        meeting_rule=row.meeting_rule,
        meetings=sorted(meetings, key=meeting_order),
        exempt=row.exempt,
    )


def _person(row: PersonRow) -> Person:
    return Person(
        initials=row.initials,
        name=row.name,
        role=row.role,
        email=row.email,
        apprise_urls=list(row.apprise_urls),
    )


def _document(row: DocumentRow) -> Document:
    steps = [
        Step(
            key=s.key,
            position=s.position,
            kind=StepKind(s.kind),
            title=s.title,
            body_code=s.body_code,
            when=load_when(s),
            owner=s.owner,
            waits_for=tuple(s.waits_for) if s.waits_for is not None else None,
            meeting_key=s.meeting_key,
            done_on=s.done_on,
        )
        for s in row.steps
    ]
    return Document(
        key=row.key,
        title=row.title,
        kind=DocumentKind(row.kind),
        owner=row.owner,
        versions=[
            DocumentVersion(number=v.number, label=v.label, dated=v.dated)
            for v in sorted(row.versions, key=lambda v: v.ordinal)
        ],
        route=Route(steps=sorted(steps, key=step_order)),
        dated=row.dated,
        exempt=row.exempt,
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
    )


def _plan(row: ActionPlanRow) -> ActionPlan:
    recommendations = [
        Recommendation(
            number=r.number,
            text=r.text,
            owner=r.owner,
            note=r.note,
            merged_with=list(r.merged_with),
            aligned_with=list(r.aligned_with),
            actions=[
                Action(position=a.position, text=a.text, when=load_when(a), owner=a.owner)
                for a in sorted(r.actions, key=lambda a: a.ordinal)
            ],
            measures=[
                Measure(position=m.position, text=m.text) for m in sorted(r.measures, key=lambda m: m.ordinal)
            ],
        )
        for r in sorted(row.recommendations, key=lambda r: r.ordinal)
    ]
    return ActionPlan(
        key=row.key,
        title=row.title,
        context_date=row.context_date,
        source=row.source,
        recommendations=recommendations,
        updates=[_update(u) for u in sorted(row.updates, key=lambda u: (u.recorded_on, u.id))],
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
