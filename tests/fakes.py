"""In-memory stand-ins for the storage layer, for unit tests of services: no database, no mocks.

`FakeUnitOfWork` keeps its data in one `FakeStore` across `with` blocks (use one instance per test,
like one database) and, like the real one, throws away everything done in a block that is left
without `commit()`. It holds one fake repository per aggregate, as the SQL unit of work does; each
follows the same rules (governance_model/repository_rules.py, checked for both by tests/contract)
and hands out copies, so changing a returned object changes nothing stored.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from typing import Any, Iterable, Mapping

from governance_model.audit import AuditEvent, check_audit_time
from governance_model.errors import ModelError
from governance_model.feed_state import FeedEventState, FeedToken, check_feed_event_state
from governance_model.model import (
    ActionPlan, Body, Condition, Decision, Document, ForecastChange, Glossary, Meeting, NightlyRun, Person, ProgressUpdate,
    StepForecast, StepState,
)  # fmt: skip
from governance_model.outbox_message import (
    PENDING,
    SENT,
    OutboxMessage,
    check_message_pending,
    retry_delay,
    unique_reminders,
)
from governance_model.ports import AbstractUnitOfWork
from tests.fake_answers import FakeOwnerAnswerRepository
from governance_model.school_terms import AcademicYear, SchoolTerms
from tests.fake_answer_links import FakeAnswerLinkRepository
from governance_model.strategy import MeetingQuestion
from governance_model.repository_rules import (
    check_questions,
    LONDON,
    check_aware,
    check_body,
    check_document,
    check_meeting,
    check_meeting_body,
    check_plan,
    check_source_ids,
    check_update,
    condition_key,
    kept_source_fields,
    forecast_order,
    latest_forecasts,
    meeting_order,
    no_meeting,
    no_step,
    step_order,
    stored_reminder_days,
    stored_summary,
    term_years_to_store,
    unknown_steps,
    updates_to_add,
)


class FakeStore:
    """What a database would hold: dictionaries of domain objects keyed by their natural keys."""

    def __init__(self) -> None:
        self.bodies: dict[str, Body] = {}  # without meetings; those live in `meetings`
        self.meetings: dict[str, Meeting] = {}
        self.people: dict[str, Person] = {}
        self.documents: dict[str, Document] = {}
        self.plans: dict[str, ActionPlan] = {}
        self.questions: dict[str, list[MeetingQuestion]] = {}  # by meeting key
        self.document_revisions: dict[str, int] = {}  # by document key, as the documents.revision column
        self.plan_revisions: dict[str, int] = {}
        self.decisions: list[Decision] = []
        self.glossary: dict[str, str] = {}
        self.audit_events: list[AuditEvent] = []
        self.last_audit_id = 0
        self.forecasts: dict[tuple[str, str], StepForecast] = {}  # by (document key, step key)
        self.forecast_changes: list[ForecastChange] = []  # in the order added
        self.nightly_runs: dict[dt.date, NightlyRun] = {}
        self.conditions: dict[str, Condition] = {}  # by condition_key(name)
        self.term_dates: tuple[list[AcademicYear], str] | None = None  # (academic years, source)
        self.reminders: dict[str, Any] = {}  # by Reminder.key, in the order queued
        self.reminder_messages: dict[str, int | None] = {}  # Reminder.key → message id
        self.messages: dict[int, OutboxMessage] = {}  # without reminders: see reminder_messages
        self.last_message_id = 0
        self.feed_events: dict[str, FeedEventState] = {}  # by UID
        self.feed_tokens: dict[str, FeedToken] = {}  # by initials
        self.answer_link_uses: dict[str, Any] = {}  # AnswerLinkUse by token id (tests/fake_answer_links.py)


class _FakeRepository:
    def __init__(self, store: FakeStore) -> None:
        self.store = store


class FakeBodyRepository(_FakeRepository):
    """Bodies (kept without meetings) and meetings by key."""

    def save(self, body: Body) -> None:
        check_body(body)
        reminder_days = stored_reminder_days(body.reminder_days, f"body {body.code!r}")
        saved = []
        for meeting in body.meetings:
            known = self.store.meetings.get(meeting.key)
            if known is not None and known.body_code != body.code:
                raise ModelError(f"meeting key {meeting.key!r} already belongs to body {known.body_code!r}")
            saved.append(kept_source_fields(meeting, known, body.source is not None))
        self._check_source_ids(body.code, saved)
        stored = copy.deepcopy(body)
        stored.reminder_days = reminder_days
        for meeting in copy.deepcopy(saved):
            self.store.meetings[meeting.key] = _in_london(meeting)
        stored.meetings = []
        self.store.bodies[body.code] = stored

    def get(self, code: str) -> Body | None:
        if code not in self.store.bodies:
            return None
        body = copy.deepcopy(self.store.bodies[code])
        body.meetings = sorted(
            (copy.deepcopy(m) for m in self.store.meetings.values() if m.body_code == code), key=meeting_order
        )
        return body

    def list(self) -> list[Body]:
        return [self.get(code) for code in sorted(self.store.bodies)]  # type: ignore[misc]

    def get_meeting(self, key: str) -> Meeting | None:
        return copy.deepcopy(self.store.meetings.get(key))

    def save_meeting(self, meeting: Meeting) -> None:
        check_meeting(meeting)
        known = self.store.meetings.get(meeting.key)
        if known is None:
            raise no_meeting(meeting.key)
        check_meeting_body(meeting, known.body_code)
        self._check_source_ids(known.body_code, [meeting])
        self.store.meetings[meeting.key] = _in_london(copy.deepcopy(meeting))

    def _check_source_ids(self, body_code: str, changed: list[Meeting]) -> None:
        keys = {m.key for m in changed}
        others = [m for m in self.store.meetings.values() if m.body_code == body_code and m.key not in keys]
        check_source_ids(body_code, [*others, *changed])


class FakePersonRepository(_FakeRepository):
    """People by initials."""

    def save(self, person: Person) -> None:
        self.store.people[person.initials] = copy.deepcopy(person)

    def get(self, initials: str) -> Person | None:
        return copy.deepcopy(self.store.people.get(initials))

    def list(self) -> list[Person]:
        return [copy.deepcopy(self.store.people[k]) for k in sorted(self.store.people)]


class FakeDocumentRepository(_FakeRepository):
    """Documents, decisions, step forecasts and re-forecasts."""

    def save(self, document: Document) -> None:
        check_document(document)
        kept = {s.key for s in document.route.steps}
        decided = sorted(
            {d.step_key for d in self.store.decisions if d.document_key == document.key and d.step_key not in kept}
        )
        if decided:
            raise ModelError(
                f"document {document.key!r}: steps {', '.join(decided)} have decisions "
                "recorded and cannot be removed from the route"
            )
        stored = copy.deepcopy(document)
        stored.route.steps.sort(key=step_order)
        self.store.documents[document.key] = stored
        self.touch([document.key])
        # A step's forecast goes with the step (in the database, by ON DELETE CASCADE).
        for key in [k for k in self.store.forecasts if k[0] == document.key and k[1] not in kept]:
            del self.store.forecasts[key]

    def get(self, key: str) -> Document | None:
        return copy.deepcopy(self.store.documents.get(key))

    def list(self) -> list[Document]:
        return [copy.deepcopy(self.store.documents[k]) for k in sorted(self.store.documents)]

    def set_step_done(self, document_key: str, step_key: str, done_on: dt.date | None) -> None:
        document = self.store.documents.get(document_key)
        step = next((s for s in document.route.steps if s.key == step_key), None) if document else None
        if step is None:
            raise no_step(document_key, step_key)
        step.done_on = done_on
        self.touch([document_key])

    def add_decision(self, decision: Decision) -> None:
        document = self.store.documents.get(decision.document_key)
        if document is None or decision.step_key not in {s.key for s in document.route.steps}:
            raise ModelError(
                f"cannot record a decision on step {decision.step_key!r} of document "
                f"{decision.document_key!r}: no such step"
            )
        self.store.decisions.append(copy.deepcopy(decision))
        self.touch([decision.document_key])

    def revisions(self, *, lock: bool = False) -> dict[str, int]:
        # One process, one writer: nothing to lock.
        return {key: self.store.document_revisions.get(key, 0) for key in sorted(self.store.documents)}

    def touch(self, document_keys: Iterable[str] | None = None) -> None:
        keys = self.store.documents if document_keys is None else set(document_keys) & set(self.store.documents)
        for key in keys:
            self.store.document_revisions[key] = self.store.document_revisions.get(key, 0) + 1

    def list_decisions(self, document_key: str | None = None) -> list[Decision]:
        chosen = [d for d in self.store.decisions if document_key is None or d.document_key == document_key]
        return copy.deepcopy(sorted(chosen, key=lambda d: d.decided_on))

    def save_forecasts(self, forecasts: Iterable[StepForecast]) -> None:
        latest = latest_forecasts(forecasts)
        steps = self._steps({document_key for document_key, _ in latest})
        missing = [key for key in latest if key not in steps]
        if missing:
            raise unknown_steps(missing)
        for key, forecast in latest.items():
            # Stored as the database stores them: the state as a StepState, tentative as a bool.
            self.store.forecasts[key] = dataclasses.replace(
                forecast, state=StepState(forecast.state), tentative=bool(forecast.tentative), at_risk=bool(forecast.at_risk)
            )

    def list_forecasts(self, document_key: str | None = None) -> list[StepForecast]:
        chosen = [f for f in self.store.forecasts.values() if document_key is None or f.document_key == document_key]
        steps = self._steps({f.document_key for f in chosen})
        return sorted(chosen, key=lambda f: forecast_order(f, steps))

    def _steps(self, document_keys: set[str]) -> dict[tuple[str, str], Any]:
        return {
            (key, step.key): step
            for key in document_keys
            if key in self.store.documents
            for step in self.store.documents[key].route.steps
        }

    def add_forecast_changes(self, changes: Iterable[ForecastChange]) -> None:
        self.store.forecast_changes.extend(changes)  # frozen: no copy needed

    def list_forecast_changes(self, document_key: str | None = None) -> list[ForecastChange]:
        chosen = [c for c in self.store.forecast_changes if document_key is None or c.document_key == document_key]
        return sorted(chosen, key=lambda c: c.recorded_on)  # stable: same day keeps the order added


class FakePlanRepository(_FakeRepository):
    """Plans by key; updates only ever added."""

    def save(self, plan: ActionPlan) -> None:
        check_plan(plan)
        reminder_days = stored_reminder_days(plan.reminder_days, f"plan {plan.key!r}")
        stored_updates = self.store.plans[plan.key].updates if plan.key in self.store.plans else []
        stored = copy.deepcopy(plan)
        stored.reminder_days = reminder_days
        stored.updates = _by_date(stored_updates + copy.deepcopy(updates_to_add(stored_updates, plan.updates)))
        self.store.plans[plan.key] = stored
        self.store.plan_revisions[plan.key] = self.store.plan_revisions.get(plan.key, 0) + 1

    def add_update(self, plan_key: str, update: ProgressUpdate) -> None:
        plan = self.store.plans.get(plan_key)
        if plan is None:
            raise ModelError(f"no action plan {plan_key!r}")
        check_update(plan_key, update, {r.number: r for r in plan.recommendations})
        plan.updates = _by_date(plan.updates + [copy.deepcopy(update)])
        self.store.plan_revisions[plan_key] = self.store.plan_revisions.get(plan_key, 0) + 1

    def revisions(self, *, lock: bool = False) -> dict[str, int]:
        return {key: self.store.plan_revisions.get(key, 0) for key in sorted(self.store.plans)}

    def touch(self) -> None:
        for key in self.store.plans:
            self.store.plan_revisions[key] = self.store.plan_revisions.get(key, 0) + 1

    def get(self, key: str) -> ActionPlan | None:
        plan = copy.deepcopy(self.store.plans.get(key))
        return plan.apply_completions() if plan is not None else None

    def list(self) -> list[ActionPlan]:
        return [copy.deepcopy(self.store.plans[k]).apply_completions() for k in sorted(self.store.plans)]


class FakeQuestionRepository(_FakeRepository):
    """Questions put at meetings, by meeting key."""

    def save_for_meeting(self, meeting_key: str, questions) -> None:
        questions = [copy.deepcopy(q) for q in questions]
        if any(q.meeting_key != meeting_key for q in questions):
            raise ModelError(f"a question of another meeting given for {meeting_key!r}")
        check_questions(questions)
        if questions:
            self.store.questions[meeting_key] = sorted(questions, key=lambda q: q.number)
        else:
            self.store.questions.pop(meeting_key, None)

    def list(self, *, about: str | None = None) -> list[MeetingQuestion]:
        return [
            copy.deepcopy(q)
            for key in sorted(self.store.questions)
            for q in self.store.questions[key]
            if about is None or q.about == about
        ]


class FakeNightlyRunRepository(_FakeRepository):
    """Nightly runs by as-of date."""

    def record(self, run: NightlyRun) -> None:
        summary = stored_summary(run)
        self.store.nightly_runs[run.as_of] = NightlyRun(run.as_of, run.finished_at.astimezone(dt.timezone.utc), summary)

    def get(self, as_of: dt.date) -> NightlyRun | None:
        return copy.deepcopy(self.store.nightly_runs.get(as_of))

    def last(self) -> NightlyRun | None:
        return self.get(max(self.store.nightly_runs)) if self.store.nightly_runs else None


class FakeGlossaryRepository(_FakeRepository):
    """Acronyms, merged."""

    def merge(self, glossary: Glossary) -> None:
        self.store.glossary.update(glossary.terms)

    def get(self) -> Glossary:
        return Glossary(terms={k: self.store.glossary[k] for k in sorted(self.store.glossary)})


class FakeConditionRepository(_FakeRepository):
    """Conditions by case-folded name."""

    def save(self, condition: Condition) -> None:
        key = condition_key(condition.name)
        self.store.conditions[key] = dataclasses.replace(condition, name=condition.name.strip())

    def list(self) -> list[Condition]:
        return [self.store.conditions[k] for k in sorted(self.store.conditions)]


class FakeTermDateRepository(_FakeRepository):
    """The council's term dates: one table, replaced whole."""

    def save(self, terms: SchoolTerms, source: str) -> None:
        self.store.term_dates = (copy.deepcopy(term_years_to_store(terms, source)), source)

    def get(self) -> SchoolTerms | None:
        if self.store.term_dates is None:
            return None
        years, source = copy.deepcopy(self.store.term_dates)
        return SchoolTerms({year.starting: year for year in years}, source)


class FakeOutboxRepository(_FakeRepository):
    """Reminders by key and the messages that carry them."""

    def queue(self, reminders: Iterable[Any]) -> int:
        new = 0
        for key, reminder in unique_reminders(reminders).items():
            if key not in self.store.reminders:
                self.store.reminders[key] = reminder  # frozen: no copy needed
                self.store.reminder_messages[key] = None
                new += 1
        self._join_pending_messages()
        return new

    def _join_pending_messages(self) -> None:
        for key, message_id in self.store.reminder_messages.items():
            if message_id is not None:
                continue
            reminder = self.store.reminders[key]
            pending = next(
                (m for m in self.store.messages.values() if m.status == PENDING and m.recipient == reminder.recipient), None
            )
            if pending is None:
                self.store.last_message_id += 1
                pending = OutboxMessage(
                    id=self.store.last_message_id,
                    recipient=reminder.recipient,
                    status=PENDING,
                    attempts=0,
                    created_on=min(
                        r.night
                        for k, r in self.store.reminders.items()
                        if r.recipient == reminder.recipient and self.store.reminder_messages[k] is None
                    ),
                )
                self.store.messages[pending.id] = pending
            self.store.reminder_messages[key] = pending.id

    def claim(self, now: dt.datetime, limit: int = 1, *, skip: Iterable[int] = ()) -> list[OutboxMessage]:
        check_aware(now, "claiming outbox messages at")
        skipped = set(skip)
        due = sorted(
            (
                m
                for m in self.store.messages.values()
                if m.status == PENDING and m.id not in skipped and (m.next_attempt_at is None or m.next_attempt_at <= now)
            ),
            key=lambda m: m.id,
        )
        return [self._with_reminders(m) for m in due[: max(limit, 0)]]

    def claim_next(self, now: dt.datetime) -> OutboxMessage | None:
        claimed = self.claim(now, 1)
        return claimed[0] if claimed else None

    def mark_sent(self, message_id: int, sent_at: dt.datetime, reminder_keys: Iterable[str]) -> None:
        self.mark_all_sent({message_id: reminder_keys}, sent_at)

    def mark_all_sent(self, shown: Mapping[int, Iterable[str]], sent_at: dt.datetime) -> None:
        check_aware(sent_at, f"outbox messages {', '.join(map(str, shown))} sent at")
        for message_id in sorted(shown):
            message = self.store.messages.get(message_id)
            check_message_pending(message_id, message.status if message else None)
        for message_id, keys in shown.items():
            message = self.store.messages[message_id]
            self.store.messages[message_id] = dataclasses.replace(
                message,
                status=SENT,
                sent_at=sent_at.astimezone(dt.timezone.utc),
                attempts=message.attempts + 1,
                next_attempt_at=None,
            )
            kept = set(keys)
            for key, attached_to in self.store.reminder_messages.items():
                if attached_to == message_id and key not in kept:
                    self.store.reminder_messages[key] = None
        self._join_pending_messages()

    def mark_failed(self, message_id: int, error: str, now: dt.datetime) -> dt.datetime:
        check_aware(now, f"outbox message {message_id} failed at")
        message = self.store.messages.get(message_id)
        check_message_pending(message_id, message.status if message else None)
        assert message is not None
        next_attempt_at = (now + retry_delay(message.attempts + 1)).astimezone(dt.timezone.utc)
        self.store.messages[message_id] = dataclasses.replace(
            message, attempts=message.attempts + 1, last_error=error, next_attempt_at=next_attempt_at
        )
        return next_attempt_at

    def list(self, *, status: str | None = None, recipient: str | None = None) -> list[OutboxMessage]:
        return [
            self._with_reminders(m)
            for _, m in sorted(self.store.messages.items())
            if (status is None or m.status == status) and (recipient is None or m.recipient == recipient)
        ]

    def _with_reminders(self, message: OutboxMessage) -> OutboxMessage:
        attached = tuple(self.store.reminders[k] for k, m in self.store.reminder_messages.items() if m == message.id)
        return dataclasses.replace(message, reminders=attached)


class FakeFeedRepository(_FakeRepository):
    """Feed event states by UID and feed tokens by initials."""

    def event_states(self, uids: Iterable[str] | None = None) -> dict[str, FeedEventState]:
        if uids is None:
            return dict(self.store.feed_events)
        return {uid: self.store.feed_events[uid] for uid in set(uids) if uid in self.store.feed_events}

    def save_event_states(self, states: Iterable[FeedEventState]) -> None:
        states = list(states)
        for state in states:
            check_feed_event_state(state)
        for state in states:
            self.store.feed_events[state.uid] = dataclasses.replace(
                state, last_modified=state.last_modified.astimezone(dt.timezone.utc)
            )

    def get_token(self, initials: str) -> FeedToken | None:
        return self.store.feed_tokens.get(initials)

    def list_tokens(self) -> dict[str, FeedToken]:
        return dict(sorted(self.store.feed_tokens.items()))

    def set_token(self, initials: str, token: str, at: dt.datetime) -> FeedToken:
        check_aware(at, "feed token time")
        if any(t.token == token and i != initials for i, t in self.store.feed_tokens.items()):
            raise ModelError("feed token already in use")
        at = at.astimezone(dt.timezone.utc)
        known = self.store.feed_tokens.get(initials)
        stored = FeedToken(initials, token, at, None) if known is None else dataclasses.replace(known, token=token, rotated_at=at)
        self.store.feed_tokens[initials] = stored
        return stored


class FakeAuditRepository(_FakeRepository):
    """Audit events, in the order added."""

    def add(
        self,
        *,
        occurred_at: dt.datetime,
        actor: str,
        kind: str,
        subject: str,
        reason: str = "",
        details: dict[str, Any] | None = None,
    ) -> AuditEvent:
        check_audit_time(occurred_at)
        self.store.last_audit_id += 1
        event = AuditEvent(
            id=self.store.last_audit_id,
            occurred_at=occurred_at.astimezone(dt.timezone.utc),
            actor=actor,
            kind=kind,
            subject=subject,
            reason=reason,
            details=copy.deepcopy(details or {}),
        )
        self.store.audit_events.append(event)
        return copy.deepcopy(event)

    def list(
        self,
        *,
        subject: str | None = None,
        kind: str | None = None,
        actor: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> list[AuditEvent]:
        chosen = [
            e
            for e in self.store.audit_events
            if (subject is None or e.subject == subject)
            and (kind is None or e.kind == kind)
            and (actor is None or e.actor == actor)
            and (since is None or e.occurred_at >= since)
            and (until is None or e.occurred_at < until)
        ]
        return copy.deepcopy(sorted(chosen, key=lambda e: (e.occurred_at, e.id)))


def _in_london(meeting: Meeting) -> Meeting:
    """The meeting with its start in Europe/London time, as the database gives it back."""
    if meeting.starts_at is not None:
        meeting.starts_at = meeting.starts_at.astimezone(LONDON)
    return meeting


def _by_date(updates: list[ProgressUpdate]) -> list[ProgressUpdate]:
    return sorted(updates, key=lambda u: u.recorded_on)  # stable: same day keeps the order added


_REPOSITORIES = {
    "bodies": FakeBodyRepository,
    "people": FakePersonRepository,
    "documents": FakeDocumentRepository,
    "plans": FakePlanRepository,
    "questions": FakeQuestionRepository,
    "nightly_runs": FakeNightlyRunRepository,
    "glossary": FakeGlossaryRepository,
    "conditions": FakeConditionRepository,
    "term_dates": FakeTermDateRepository,
    "outbox": FakeOutboxRepository,
    "feeds": FakeFeedRepository,
    "answer_links": FakeAnswerLinkRepository,
    "audit": FakeAuditRepository,
    "answers": FakeOwnerAnswerRepository,
}


class FakeUnitOfWork(AbstractUnitOfWork):
    """A unit of work over a FakeStore; `commits` counts the commits, for assertions."""

    def __init__(self, store: FakeStore | None = None):
        self.store = store or FakeStore()
        for name, repository in _REPOSITORIES.items():
            setattr(self, name, repository(self.store))
        self.commits = 0
        self._saved: dict[str, Any] | None = None

    def __enter__(self) -> FakeUnitOfWork:
        self._saved = copy.deepcopy(self.store.__dict__)
        return self

    def commit(self) -> None:
        self.commits += 1
        self._saved = copy.deepcopy(self.store.__dict__)

    def rollback(self) -> None:
        if self._saved is not None:
            self.store.__dict__.update(copy.deepcopy(self._saved))

    @property
    def committed(self) -> bool:
        return self.commits > 0
