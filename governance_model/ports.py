"""The ports: what the domain asks of storage, one small repository per aggregate, and the unit of
work that holds them and alone commits.

    with uow:
        uow.plans.save(plan)
        uow.audit.add(occurred_at=now, actor="GB", kind="plan.loaded", subject=plan.key)
        uow.commit()

Leaving the block without `commit()` — or through an exception — rolls back everything done in it,
which is what makes a load all-or-nothing. The SQL implementations are in governance_model/storage/sql;
the in-memory fakes in tests/fakes.py; tests/contract holds them both to the same rules
(governance_model/repository_rules.py).
"""
from __future__ import annotations

import abc
import datetime as dt
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Protocol

from governance_model.answer_link_uses import AnswerLinkUse
from governance_model.audit import AuditEvent
from governance_model.feed_state import FeedEventState, FeedToken
from governance_model.model import (
    ActionPlan,
    Body,
    Condition,
    Decision,
    Document,
    ExpectedDate,
    ForecastChange,
    Glossary,
    Meeting,
    NightlyRun,
    Person,
    ProgressUpdate,
    StepForecast,
)
from governance_model.organisation import DEFAULT_ORGANISATION
from governance_model.owner_answers import AwaitingAnswer
from governance_model.outbox_message import OutboxMessage
from governance_model.school_terms import SchoolTerms
from governance_model.strategy import MeetingQuestion

if TYPE_CHECKING:
    from governance_model.reminders import Reminder


class BodyRepository(Protocol):
    """Bodies by code, each with its meetings; meetings by key."""

    def save(self, body: Body) -> None: ...
    def get(self, code: str) -> Body | None: ...
    def list(self) -> list[Body]: ...
    def get_meeting(self, key: str) -> Meeting | None: ...
    def save_meeting(self, meeting: Meeting) -> None: ...


class PersonRepository(Protocol):
    """People by initials."""

    def save(self, person: Person) -> None: ...
    def get(self, initials: str) -> Person | None: ...
    def list(self) -> list[Person]: ...


class DocumentRepository(Protocol):
    """Documents with their routes, and what happens on those routes: steps done, decisions,
    the forecast of each step and the history of re-forecasts."""

    def save(self, document: Document) -> None: ...
    def get(self, key: str) -> Document | None: ...
    def list(self) -> list[Document]: ...
    def set_step_done(self, document_key: str, step_key: str, done_on: dt.date | None) -> None: ...
    def add_decision(self, decision: Decision) -> None: ...
    def list_decisions(self, document_key: str | None = None) -> list[Decision]: ...
    def save_forecasts(self, forecasts: Iterable[StepForecast]) -> None: ...
    def list_forecasts(self, document_key: str | None = None) -> list[StepForecast]: ...
    def add_forecast_changes(self, changes: Iterable[ForecastChange]) -> None: ...
    def list_forecast_changes(self, document_key: str | None = None) -> list[ForecastChange]: ...
    # Every document's revision, raised by each stored change that can move its route (save, step
    # done, decision, touch); with lock=True no other unit of work can change one until this ends.
    def revisions(self, *, lock: bool = False) -> dict[str, int]: ...
    def touch(self, document_keys: Iterable[str] | None = None) -> None: ...


class PlanRepository(Protocol):
    """Action plans by key, with their recommendations, actions, measures and progress updates."""

    def save(self, plan: ActionPlan) -> None: ...
    def get(self, key: str) -> ActionPlan | None: ...
    def list(self) -> list[ActionPlan]: ...
    def add_update(self, plan_key: str, update: ProgressUpdate) -> None: ...
    # As for documents: raised by a save, an update, or touch() (all plans).
    def revisions(self, *, lock: bool = False) -> dict[str, int]: ...
    def touch(self) -> None: ...


class QuestionRepository(Protocol):
    """Questions put at meetings, with their answers (the actions answers led to are in plans)."""

    # The meeting's questions become exactly those given (none: it has none).
    def save_for_meeting(self, meeting_key: str, questions: Iterable[MeetingQuestion]) -> None: ...
    # In meeting key and number order; `about`: only those about that document.
    def list(self, *, about: str | None = None) -> list[MeetingQuestion]: ...


class NightlyRunRepository(Protocol):
    """The nightly runs, one per as-of date."""

    def record(self, run: NightlyRun) -> None: ...
    def get(self, as_of: dt.date) -> NightlyRun | None: ...
    def last(self) -> NightlyRun | None: ...


class GlossaryRepository(Protocol):
    """The acronyms the papers use."""

    def merge(self, glossary: Glossary) -> None: ...
    def get(self) -> Glossary: ...


class ConditionRepository(Protocol):
    """Conditions that contingent dates wait for ("DfE contingent"), once met."""

    def save(self, condition: Condition) -> None: ...
    def list(self) -> list[Condition]: ...


class TermDateRepository(Protocol):
    """The council's own school term dates, loaded from the file it publishes: one table, which a
    save replaces whole. None until a council loads its own (the shipped table is used then)."""

    def save(self, terms: SchoolTerms, source: str) -> None: ...
    def get(self) -> SchoolTerms | None: ...


class OutboxRepository(Protocol):
    """Reminders queued into one pending digest per person, claimed and marked by the senders."""

    def queue(self, reminders: Iterable[Reminder]) -> int: ...
    def claim(self, now: dt.datetime, limit: int = 1, *, skip: Iterable[int] = ()) -> list[OutboxMessage]: ...
    def claim_next(self, now: dt.datetime) -> OutboxMessage | None: ...
    def mark_sent(self, message_id: int, sent_at: dt.datetime, reminder_keys: Iterable[str]) -> None: ...
    def mark_all_sent(self, shown: Mapping[int, Iterable[str]], sent_at: dt.datetime) -> None: ...
    def mark_failed(self, message_id: int, error: str, now: dt.datetime) -> dt.datetime: ...
    def list(self, *, status: str | None = None, recipient: str | None = None) -> list[OutboxMessage]: ...


class FeedRepository(Protocol):
    """What the calendar feeds remember between builds: event states and private feed tokens."""

    def event_states(self, uids: Iterable[str] | None = None) -> dict[str, FeedEventState]: ...
    def save_event_states(self, states: Iterable[FeedEventState]) -> None: ...
    def get_token(self, initials: str) -> FeedToken | None: ...
    def list_tokens(self) -> dict[str, FeedToken]: ...
    def set_token(self, initials: str, token: str, at: dt.datetime) -> FeedToken: ...


class AnswerLinkRepository(Protocol):
    """The uses of answer links, by token id (a hash of the token; never the token)."""

    def get(self, token_id: str) -> AnswerLinkUse | None: ...
    def count_use(self, token_id: str, initials: str, item_key: str, at: dt.datetime) -> AnswerLinkUse:
        """One more use of the link (its first makes its record), counted atomically: two POSTs at
        once are two uses."""
        ...
    def mark_answered(self, token_id: str, answer: str, at: dt.datetime) -> bool:
        """Claim the link for `answer`: True for the one call that finds it unanswered (of any number
        at once), False for the others, so an answer is made once."""
        ...
    def release(self, token_id: str) -> None:
        """Unclaim a link whose answer could not be made after all (it may be answered again)."""
        ...


class AuditRepository(Protocol):
    """The audit trail: events are only ever added."""

    def add(
        self,
        *,
        occurred_at: dt.datetime,
        actor: str,
        kind: str,
        subject: str,
        reason: str = "",
        details: dict[str, Any] | None = None,
    ) -> AuditEvent: ...
    def list(
        self,
        *,
        subject: str | None = None,
        kind: str | None = None,
        actor: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> list[AuditEvent]: ...


class OwnerAnswerRepository(Protocol):
    """What owners answer from a reminder: the dates they now expect items by (the latest said, by
    item key; the documents' and plans' reads attach them), and "done" answers awaiting confirmation."""

    def save_expected(self, expected: ExpectedDate) -> None: ...
    def expected(self, prefix: str = "") -> dict[str, ExpectedDate]: ...
    def add_awaiting(self, answer: AwaitingAnswer) -> AwaitingAnswer: ...
    def get_answer(self, answer_id: int) -> AwaitingAnswer | None: ...
    def answers(self, *, awaiting: bool = True, item_key: str | None = None) -> list[AwaitingAnswer]: ...
    def mark_confirmed(self, answer_id: int, by: str, at: dt.datetime) -> bool: ...


class AbstractUnitOfWork(abc.ABC):
    """The interface services depend on: the repositories of one transaction, and commit/rollback.
    A unit of work reads and writes one council's records (`organisation`), set before it opens."""

    organisation: str = DEFAULT_ORGANISATION
    bodies: BodyRepository
    people: PersonRepository
    documents: DocumentRepository
    plans: PlanRepository
    questions: QuestionRepository
    nightly_runs: NightlyRunRepository
    glossary: GlossaryRepository
    conditions: ConditionRepository
    term_dates: TermDateRepository
    outbox: OutboxRepository
    feeds: FeedRepository
    answer_links: AnswerLinkRepository
    audit: AuditRepository
    answers: OwnerAnswerRepository

    def __enter__(self) -> AbstractUnitOfWork:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        # After a commit there is nothing left to roll back; otherwise this discards everything.
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None:
        """Make everything done in this block permanent."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Discard everything done since the block began (or since the last commit)."""
