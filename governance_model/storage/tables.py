"""The database tables, as SQLAlchemy 2 typed declarative classes; rows never leave the storage package.

A When is stored flat, as ten nullable columns `<prefix>_kind … <prefix>_anchor` (see when_columns.py),
so deadlines can be queried with plain SQL. Enumerations are stored as their string values. Natural
keys (body code, meeting key, document key, …) are unique within a council (`organisation`); foreign
keys use integer surrogate ids. References to another aggregate (a step's body, an owner's initials,
a decision's meeting) are natural keys, not foreign keys, so aggregates load in any order."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from governance_model.limits import KEY_LENGTH, SOURCE_ID_LENGTH
from governance_model.organisation import DEFAULT_ORGANISATION, ORGANISATION_LENGTH, current_organisation

NAMING_CONVENTION = {  # deterministic constraint names, so Alembic can find (and alter or drop) each one
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

KEY = KEY_LENGTH  # length of natural keys and codes (governance_model.limits)
ENUM = 32  # length of stored enumeration values


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored in UTC. SQLite keeps no offset, so naive values read back are UTC."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"refusing to store a naive datetime ({value.isoformat()}): give it a time zone")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


def _organisation_of_the_insert(context: Any) -> str:
    """The council an INSERT is for: the one its connection's session works in (set as the session
    begins on it, storage/organisation_scope.py), else the one a writer names (current_organisation)."""
    return context.connection.info.get(CONNECTION_KEY) or current_organisation()


CONNECTION_KEY = "govflow.organisation"  # in Connection.info while a unit of work's session uses it


class OrganisationOwned:
    """Every row is one council's: rows inserted take the open unit of work's (`_organisation_of_the_insert`),
    and what it reads and changes is kept to it (storage/organisation_scope.py)."""

    organisation: Mapped[str] = mapped_column(
        String(ORGANISATION_LENGTH), default=_organisation_of_the_insert, server_default=DEFAULT_ORGANISATION, index=True
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        str: String(255),
        dt.date: Date(),
        dt.datetime: UtcDateTime(),
        bool: Boolean(),
        int: Integer(),
    }


class BodyRow(OrganisationOwned, Base):
    __tablename__ = "bodies"
    __table_args__ = (UniqueConstraint("organisation", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(KEY))
    name: Mapped[str] = mapped_column(Text)
    secretary: Mapped[Optional[str]] = mapped_column(String(KEY))
    papers_lead_days: Mapped[int]
    meeting_rule: Mapped[Optional[str]] = mapped_column(Text)
    exempt: Mapped[bool]
    # Working days before a deadline that owners are reminded; NULL: the default.
    reminder_days: Mapped[Optional[list[int]]] = mapped_column(JSON(none_as_null=True))
    # False: a gathering that takes no papers (a conference, a workshop), not a board (migration 0012).
    papers: Mapped[bool] = mapped_column(server_default=true(), default=True)
    confirm_done: Mapped[bool] = mapped_column(server_default=false(), default=False)  # migration 0017
    # Where its meetings are read from (governance_model.meeting_sources.MeetingSource); all NULL:
    # typed by hand (migration 0016).
    source_kind: Mapped[Optional[str]] = mapped_column(String(ENUM))
    source_url: Mapped[Optional[str]] = mapped_column(Text)
    source_committee: Mapped[Optional[str]] = mapped_column(String(KEY))
    source_match: Mapped[Optional[str]] = mapped_column(Text)

    meetings: Mapped[list[MeetingRow]] = relationship(
        back_populates="body", cascade="all, delete-orphan", passive_deletes=True
    )


class MeetingRow(OrganisationOwned, Base):
    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("organisation", "key"),
        # One stored meeting per meeting at the body's source; NULL (typed by hand) repeats freely.
        Index("ix_meetings_organisation_body_id_source_id", "organisation", "body_id", "source_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY))
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[Optional[dt.datetime]] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(ENUM))
    location: Mapped[str] = mapped_column(Text)
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    # The window of a meeting marked TBC.
    when_kind: Mapped[Optional[str]] = mapped_column(String(ENUM))
    when_start: Mapped[Optional[dt.date]]
    when_end: Mapped[Optional[dt.date]]
    when_every: Mapped[Optional[str]] = mapped_column(String(ENUM))
    when_depends_on: Mapped[Optional[str]] = mapped_column(Text)
    when_tentative: Mapped[Optional[bool]]
    when_text: Mapped[Optional[str]] = mapped_column(Text)
    when_estimated: Mapped[Optional[bool]]
    when_duration: Mapped[Optional[str]] = mapped_column(String(ENUM))
    when_anchor: Mapped[Optional[str]] = mapped_column(Text)
    # Its id at the body's source, and whether the source's last reading left it out (migration 0016).
    source_id: Mapped[Optional[str]] = mapped_column(String(SOURCE_ID_LENGTH))
    missing_from_source: Mapped[bool] = mapped_column(server_default=false(), default=False)
    # The papers its source lists: [{"title", "url", "published_on"}]; NULL: none (0016).
    papers: Mapped[Optional[list[dict[str, Any]]]] = mapped_column(JSON(none_as_null=True))

    body: Mapped[BodyRow] = relationship(back_populates="meetings")


class PersonRow(OrganisationOwned, Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("organisation", "initials"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initials: Mapped[str] = mapped_column(String(KEY))
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text)
    email: Mapped[Optional[str]]
    apprise_urls: Mapped[list[str]] = mapped_column(JSON)


class DocumentRow(OrganisationOwned, Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("organisation", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY))
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(ENUM))
    owner: Mapped[Optional[str]] = mapped_column(String(KEY))
    dated: Mapped[Optional[dt.date]]
    exempt: Mapped[bool]
    # Raised by every stored change that can move the route (a save, a step done, a decision, a
    # meeting of its bodies moved): the nightly run re-plans a document whose revision moved after
    # it read its snapshot instead of overwriting what was stored since.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    # A strategy's findings, threads, strands and links (storage/sql/frameworks.py); NULL: none (0015).
    framework: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON(none_as_null=True))

    versions: Mapped[list[DocumentVersionRow]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="DocumentVersionRow.ordinal",
    )
    steps: Mapped[list[StepRow]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=lambda: (StepRow.position, StepRow.key),
    )


class DocumentVersionRow(OrganisationOwned, Base):
    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    ordinal: Mapped[int]  # place in Document.versions
    number: Mapped[int]
    label: Mapped[str] = mapped_column(Text)
    dated: Mapped[Optional[dt.date]]

    document: Mapped[DocumentRow] = relationship(back_populates="versions")


class StepRow(OrganisationOwned, Base):
    __tablename__ = "route_steps"
    __table_args__ = (UniqueConstraint("document_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(KEY))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(ENUM))
    title: Mapped[str] = mapped_column(Text)
    body_code: Mapped[Optional[str]] = mapped_column(String(KEY))
    owner: Mapped[Optional[str]] = mapped_column(String(KEY))
    # NULL: the step before it; otherwise a JSON list of step keys ([] waits for nothing).
    waits_for: Mapped[Optional[list[str]]] = mapped_column(JSON(none_as_null=True))
    meeting_key: Mapped[Optional[str]] = mapped_column(String(KEY))
    done_on: Mapped[Optional[dt.date]]
    advisory: Mapped[bool] = mapped_column(server_default=false(), default=False)
    when_kind: Mapped[Optional[str]] = mapped_column(String(ENUM))
    when_start: Mapped[Optional[dt.date]]
    when_end: Mapped[Optional[dt.date]] = mapped_column(index=True)
    when_every: Mapped[Optional[str]] = mapped_column(String(ENUM))
    when_depends_on: Mapped[Optional[str]] = mapped_column(Text)
    when_tentative: Mapped[Optional[bool]]
    when_text: Mapped[Optional[str]] = mapped_column(Text)
    when_estimated: Mapped[Optional[bool]]
    when_duration: Mapped[Optional[str]] = mapped_column(String(ENUM))
    when_anchor: Mapped[Optional[str]] = mapped_column(Text)

    document: Mapped[DocumentRow] = relationship(back_populates="steps")


class DecisionRow(OrganisationOwned, Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The step decided on (and through it the document); a decision belongs to its step.
    step_id: Mapped[int] = mapped_column(ForeignKey("route_steps.id", ondelete="CASCADE"), index=True)
    body_code: Mapped[str] = mapped_column(String(KEY))
    outcome: Mapped[str] = mapped_column(String(ENUM))
    decided_on: Mapped[dt.date]
    meeting_key: Mapped[Optional[str]] = mapped_column(String(KEY))
    minute: Mapped[str] = mapped_column(Text)
    back_to: Mapped[Optional[str]] = mapped_column(String(KEY))  # a step key of the same document
    recorded_by: Mapped[str] = mapped_column(Text, default="", server_default="")

    step: Mapped[StepRow] = relationship()


class StepForecastRow(OrganisationOwned, Base):
    """What the last nightly run worked out for one step. One row per step, keyed by the step, so
    deleting the step (or its document) deletes its forecast."""

    __tablename__ = "step_forecasts"

    step_id: Mapped[int] = mapped_column(
        ForeignKey("route_steps.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    state: Mapped[str] = mapped_column(String(ENUM))
    date: Mapped[Optional[dt.date]]
    meeting_key: Mapped[Optional[str]] = mapped_column(String(KEY))
    tentative: Mapped[bool]
    reason: Mapped[str] = mapped_column(Text)
    at_risk: Mapped[bool] = mapped_column(server_default=false(), default=False)
    why: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON(none_as_null=True))  # the reason as facts


class ForecastChangeRow(OrganisationOwned, Base):
    """A step's date moved by a re-forecast. Only ever added; kept by natural key (document, step),
    not tied to the step, so the history outlives a route that is edited or replaced."""

    __tablename__ = "forecast_changes"
    __table_args__ = (
        Index("ix_forecast_changes_document_key_recorded_on", "document_key", "recorded_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_key: Mapped[str] = mapped_column(String(KEY))
    step_key: Mapped[str] = mapped_column(String(KEY))
    old_date: Mapped[Optional[dt.date]]
    new_date: Mapped[Optional[dt.date]]
    reason: Mapped[str] = mapped_column(Text)
    recorded_on: Mapped[dt.date] = mapped_column(index=True)
    why: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON(none_as_null=True))  # the reason as facts


class NightlyRunRow(OrganisationOwned, Base):
    """One completed nightly run per as-of date."""

    __tablename__ = "nightly_runs"
    __table_args__ = (UniqueConstraint("organisation", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[dt.date]
    finished_at: Mapped[dt.datetime]
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)


class ActionPlanRow(OrganisationOwned, Base):
    __tablename__ = "action_plans"
    __table_args__ = (UniqueConstraint("organisation", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY))
    title: Mapped[str] = mapped_column(Text)
    context_date: Mapped[Optional[dt.date]]
    source: Mapped[str] = mapped_column(Text)
    owner: Mapped[Optional[str]] = mapped_column(String(KEY))  # who overdue actions are escalated to
    reminder_days: Mapped[Optional[list[int]]] = mapped_column(JSON(none_as_null=True))
    rag_at_risk_within_days: Mapped[Optional[int]]  # None: RagTolerances' default
    rag_stale_after_days: Mapped[Optional[int]]
    revision: Mapped[int] = mapped_column(default=0, server_default="0")  # as documents.revision: raised by a save or an update
    strategy: Mapped[Optional[str]] = mapped_column(String(KEY))  # the strategy document it delivers (0015)

    recommendations: Mapped[list[RecommendationRow]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="RecommendationRow.ordinal",
    )
    updates: Mapped[list[ProgressUpdateRow]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=lambda: (ProgressUpdateRow.recorded_on, ProgressUpdateRow.id),
    )


class RecommendationRow(OrganisationOwned, Base):
    __tablename__ = "recommendations"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"))
    ordinal: Mapped[int]  # place in ActionPlan.recommendations
    number: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[Optional[str]] = mapped_column(String(KEY))
    note: Mapped[str] = mapped_column(Text)
    merged_with: Mapped[list[str]] = mapped_column(JSON)
    aligned_with: Mapped[list[str]] = mapped_column(JSON)
    # What it serves of the plan's strategy: {"findings": [...], "threads": [...], "strands": [...]};
    # NULL: nothing (0015).
    serves: Mapped[Optional[dict[str, list[str]]]] = mapped_column(JSON(none_as_null=True))

    plan: Mapped[ActionPlanRow] = relationship(back_populates="recommendations")
    actions: Mapped[list[ActionRow]] = relationship(
        back_populates="recommendation",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ActionRow.ordinal",
    )
    measures: Mapped[list[MeasureRow]] = relationship(
        back_populates="recommendation",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="MeasureRow.ordinal",
    )


class ActionRow(OrganisationOwned, Base):
    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    ordinal: Mapped[int]  # place in Recommendation.actions
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[Optional[str]] = mapped_column(String(KEY))
    done_on: Mapped[Optional[dt.date]]
    when_kind: Mapped[Optional[str]] = mapped_column(String(ENUM))
    when_start: Mapped[Optional[dt.date]]
    when_end: Mapped[Optional[dt.date]] = mapped_column(index=True)
    when_every: Mapped[Optional[str]] = mapped_column(String(ENUM))
    when_depends_on: Mapped[Optional[str]] = mapped_column(Text)
    when_tentative: Mapped[Optional[bool]]
    when_text: Mapped[Optional[str]] = mapped_column(Text)
    when_estimated: Mapped[Optional[bool]]
    when_duration: Mapped[Optional[str]] = mapped_column(String(ENUM))
    when_anchor: Mapped[Optional[str]] = mapped_column(Text)
    serves: Mapped[Optional[dict[str, list[str]]]] = mapped_column(JSON(none_as_null=True))  # its own, as above

    recommendation: Mapped[RecommendationRow] = relationship(back_populates="actions")


class MeasureRow(OrganisationOwned, Base):
    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    ordinal: Mapped[int]  # place in Recommendation.measures
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    recommendation: Mapped[RecommendationRow] = relationship(back_populates="measures")


class ProgressUpdateRow(OrganisationOwned, Base):
    """Never updated or deleted by the repository: progress is only ever added."""

    __tablename__ = "progress_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"), index=True)
    # A natural key, not a foreign key: updates outlive a re-import that renumbers recommendations.
    recommendation_number: Mapped[str] = mapped_column(String(16))
    recorded_on: Mapped[dt.date]
    action_position: Mapped[Optional[int]]
    author: Mapped[Optional[str]] = mapped_column(String(KEY))
    done: Mapped[list[str]] = mapped_column(JSON)
    difference: Mapped[list[str]] = mapped_column(JSON)
    to_develop: Mapped[list[str]] = mapped_column(JSON)
    next_steps: Mapped[list[str]] = mapped_column(JSON)
    action_complete: Mapped[bool] = mapped_column(default=False, server_default=false())

    plan: Mapped[ActionPlanRow] = relationship(back_populates="updates")


class GlossaryTermRow(OrganisationOwned, Base):
    __tablename__ = "glossary_terms"
    __table_args__ = (UniqueConstraint("organisation", "acronym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    acronym: Mapped[str] = mapped_column(String(KEY))
    meaning: Mapped[str] = mapped_column(Text)


class AuditEventRow(OrganisationOwned, Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject_occurred_at", "subject", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(KEY))
    kind: Mapped[str] = mapped_column(String(KEY))
    subject: Mapped[str]
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)


class ConditionRow(OrganisationOwned, Base):
    """Something a contingent When waits for, once met. `name_key` (the name, case folded) is unique,
    so "DfE" and "dfe" are one condition."""

    __tablename__ = "conditions"
    __table_args__ = (UniqueConstraint("organisation", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name_key: Mapped[str] = mapped_column(String(KEY))
    name: Mapped[str] = mapped_column(String(KEY))  # as last written
    met_on: Mapped[dt.date]
    note: Mapped[str] = mapped_column(Text)


class TermDateRow(OrganisationOwned, Base):
    """One term or half term of the council's own term dates (`governance_model.school_terms`):
    `kind` is term or half_term, `name` the term (autumn, spring, summer) or break (october,
    february, may); the days are inclusive. Every row has the same `source`, the file loaded; a load
    replaces them all."""

    __tablename__ = "term_dates"
    __table_args__ = (
        UniqueConstraint("organisation", "academic_year", "kind", "name"),
        CheckConstraint("kind IN ('term', 'half_term')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    academic_year: Mapped[int]  # the calendar year it starts in: 2024 is 2024/25
    kind: Mapped[str] = mapped_column(String(ENUM))
    name: Mapped[str] = mapped_column(String(ENUM))
    first_day: Mapped[dt.date]
    last_day: Mapped[dt.date]
    source: Mapped[str] = mapped_column(Text)


# ---- the outbox ---------------------------------------------------------------------------------

MESSAGE_STATUSES = ("pending", "sent")


class MessageRow(OrganisationOwned, Base):
    """One digest for one recipient: the reminders attached to it go out together. A recipient has
    at most one pending message (the partial unique index), which new reminders join until it is
    sent. Rows are never deleted."""

    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent')", name="status"),
        Index(
            "uq_messages_pending_recipient",
            "organisation",
            "recipient",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(KEY))  # a person's initials
    status: Mapped[str] = mapped_column(String(ENUM))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[Optional[str]] = mapped_column(Text)  # redacted: no URL passwords
    next_attempt_at: Mapped[Optional[dt.datetime]]  # NULL: at once
    sent_at: Mapped[Optional[dt.datetime]]
    created_on: Mapped[dt.date]


class ReminderRow(OrganisationOwned, Base):
    """One reminder owed to one person (governance_model.reminders.Reminder, flattened). `key` is
    unique, so queueing the same reminder again adds nothing; `message_id` is the digest it went
    (or goes) out in."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("organisation", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Text)
    recipient: Mapped[str] = mapped_column(String(KEY), index=True)
    item_kind: Mapped[str] = mapped_column(String(ENUM))
    item_key: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text)
    body_code: Mapped[Optional[str]] = mapped_column(String(KEY))
    deadline: Mapped[dt.date]
    when_text: Mapped[str] = mapped_column(Text)
    opens: Mapped[Optional[dt.date]]  # the day its window opens (migration 0008); NULL: not a window
    rule: Mapped[str] = mapped_column(String(KEY))
    night: Mapped[dt.date]
    # The night of the run that caught up with it, when later than `night` (the nightly missed that
    # night): it went out late, and the digest says so (migration 0012). NULL: owed on time.
    caught_up_on: Mapped[Optional[dt.date]]
    # Why a route step's date moved, in words, as the digest shows it (migration 0014): rendered
    # when the reminder was owed, so a digest built later, in another process, needs nothing else.
    # NULL: the date did not move (or an action, a papers deadline).
    why: Mapped[Optional[str]] = mapped_column(Text)
    message_id: Mapped[Optional[int]] = mapped_column(ForeignKey("messages.id"), index=True)


# ---- calendar feeds -----------------------------------------------------------------------------


class FeedEventRow(OrganisationOwned, Base):
    """What was last published for one calendar event (by its UID): a hash of its content, its
    SEQUENCE and its LAST-MODIFIED (also its DTSTAMP), so an unchanged event is written unchanged."""

    __tablename__ = "feed_events"
    __table_args__ = (PrimaryKeyConstraint("organisation", "uid"),)

    uid: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int]
    last_modified: Mapped[dt.datetime]


class FeedTokenRow(OrganisationOwned, Base):
    """The secret in the address of one person's private feed; rotating it retires the old address."""

    __tablename__ = "feed_tokens"
    __table_args__ = (PrimaryKeyConstraint("organisation", "initials"),)

    initials: Mapped[str] = mapped_column(String(KEY))
    token: Mapped[str] = mapped_column(String(KEY), unique=True)
    created_at: Mapped[dt.datetime]
    rotated_at: Mapped[Optional[dt.datetime]]
