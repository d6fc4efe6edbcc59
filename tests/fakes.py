"""In-memory stand-ins for the storage layer, for unit tests of services: no database, no mocks.

`FakeUnitOfWork` keeps its data across `with` blocks (use one instance per test, like one database)
and, like the real one, throws away everything done in a block that is left without `commit()`.
`FakeRepository` follows the same rules as `SqlRepository` (shared from its module), and hands out
copies, so changing a returned object changes nothing stored.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from typing import Any, Iterable

from governance_model.errors import ModelError
from governance_model.model import (
    ActionPlan,
    Body,
    Condition,
    Decision,
    Document,
    ForecastChange,
    Glossary,
    Meeting,
    NightlyRun,
    Person,
    ProgressUpdate,
    StepForecast,
    StepState,
)
from governance_model.storage.repository import (
    LONDON,
    PENDING,
    SENT,
    AuditEvent,
    FeedEventState,
    FeedToken,
    OutboxMessage,
    check_audit_time,
    check_feed_event_state,
    check_aware,
    check_message_pending,
    condition_key,
    check_body,
    check_document,
    check_meeting,
    check_meeting_body,
    check_plan,
    check_update,
    forecast_order,
    latest_forecasts,
    meeting_order,
    no_meeting,
    no_step,
    retry_delay,
    step_order,
    stored_reminder_days,
    stored_summary,
    unique_reminders,
    unknown_steps,
    updates_to_add,
)
from governance_model.storage.unit_of_work import AbstractUnitOfWork


class FakeRepository:
    """Dictionaries of domain objects keyed by their natural keys."""

    def __init__(self) -> None:
        self.bodies: dict[str, Body] = {}  # without meetings; those live in `meetings`
        self.meetings: dict[str, Meeting] = {}
        self.people: dict[str, Person] = {}
        self.documents: dict[str, Document] = {}
        self.plans: dict[str, ActionPlan] = {}
        self.decisions: list[Decision] = []
        self.glossary: dict[str, str] = {}
        self.audit_events: list[AuditEvent] = []
        self.last_audit_id = 0
        self.forecasts: dict[tuple[str, str], StepForecast] = {}  # by (document key, step key)
        self.forecast_changes: list[ForecastChange] = []  # in the order added
        self.nightly_runs: dict[dt.date, NightlyRun] = {}
        self.conditions: dict[str, Condition] = {}  # by condition_key(name)
        self.reminders: dict[str, Any] = {}  # by Reminder.key, in the order queued
        self.reminder_messages: dict[str, int | None] = {}  # Reminder.key → message id
        self.messages: dict[int, OutboxMessage] = {}  # without reminders: see reminder_messages
        self.last_message_id = 0
        self.feed_events: dict[str, FeedEventState] = {}  # by UID
        self.feed_tokens: dict[str, FeedToken] = {}  # by initials

    # bodies and meetings

    def save_body(self, body: Body) -> None:
        check_body(body)
        reminder_days = stored_reminder_days(body.reminder_days, f"body {body.code!r}")
        for meeting in body.meetings:
            known = self.meetings.get(meeting.key)
            if known is not None and known.body_code != body.code:
                raise ModelError(f"meeting key {meeting.key!r} already belongs to body {known.body_code!r}")
        stored = copy.deepcopy(body)
        stored.reminder_days = reminder_days
        for meeting in stored.meetings:
            self.meetings[meeting.key] = _in_london(meeting)
        stored.meetings = []
        self.bodies[body.code] = stored

    def get_body(self, code: str) -> Body | None:
        if code not in self.bodies:
            return None
        body = copy.deepcopy(self.bodies[code])
        body.meetings = sorted(
            (copy.deepcopy(m) for m in self.meetings.values() if m.body_code == code), key=meeting_order
        )
        return body

    def list_bodies(self) -> list[Body]:
        return [self.get_body(code) for code in sorted(self.bodies)]  # type: ignore[misc]

    def get_meeting(self, key: str) -> Meeting | None:
        return copy.deepcopy(self.meetings.get(key))

    def save_meeting(self, meeting: Meeting) -> None:
        check_meeting(meeting)
        known = self.meetings.get(meeting.key)
        if known is None:
            raise no_meeting(meeting.key)
        check_meeting_body(meeting, known.body_code)
        self.meetings[meeting.key] = _in_london(copy.deepcopy(meeting))

    # people

    def save_person(self, person: Person) -> None:
        self.people[person.initials] = copy.deepcopy(person)

    def get_person(self, initials: str) -> Person | None:
        return copy.deepcopy(self.people.get(initials))

    def list_people(self) -> list[Person]:
        return [copy.deepcopy(self.people[k]) for k in sorted(self.people)]

    # documents

    def save_document(self, document: Document) -> None:
        check_document(document)
        kept = {s.key for s in document.route.steps}
        decided = sorted(
            {d.step_key for d in self.decisions if d.document_key == document.key and d.step_key not in kept}
        )
        if decided:
            raise ModelError(
                f"document {document.key!r}: steps {', '.join(decided)} have decisions "
                "recorded and cannot be removed from the route"
            )
        stored = copy.deepcopy(document)
        stored.route.steps.sort(key=step_order)
        self.documents[document.key] = stored
        # A step's forecast goes with the step (in the database, by ON DELETE CASCADE).
        for key in [k for k in self.forecasts if k[0] == document.key and k[1] not in kept]:
            del self.forecasts[key]

    def get_document(self, key: str) -> Document | None:
        return copy.deepcopy(self.documents.get(key))

    def list_documents(self) -> list[Document]:
        return [copy.deepcopy(self.documents[k]) for k in sorted(self.documents)]

    def set_step_done(self, document_key: str, step_key: str, done_on: dt.date | None) -> None:
        document = self.documents.get(document_key)
        step = next((s for s in document.route.steps if s.key == step_key), None) if document else None
        if step is None:
            raise no_step(document_key, step_key)
        step.done_on = done_on

    # plans

    def save_plan(self, plan: ActionPlan) -> None:
        check_plan(plan)
        reminder_days = stored_reminder_days(plan.reminder_days, f"plan {plan.key!r}")
        stored_updates = self.plans[plan.key].updates if plan.key in self.plans else []
        stored = copy.deepcopy(plan)
        stored.reminder_days = reminder_days
        stored.updates = _by_date(stored_updates + copy.deepcopy(updates_to_add(stored_updates, plan.updates)))
        self.plans[plan.key] = stored

    def add_progress_update(self, plan_key: str, update: ProgressUpdate) -> None:
        plan = self.plans.get(plan_key)
        if plan is None:
            raise ModelError(f"no action plan {plan_key!r}")
        check_update(plan_key, update, {r.number: r for r in plan.recommendations})
        plan.updates = _by_date(plan.updates + [copy.deepcopy(update)])

    def get_plan(self, key: str) -> ActionPlan | None:
        plan = copy.deepcopy(self.plans.get(key))
        return plan.apply_completions() if plan is not None else None

    def list_plans(self) -> list[ActionPlan]:
        return [copy.deepcopy(self.plans[k]).apply_completions() for k in sorted(self.plans)]

    # decisions

    def add_decision(self, decision: Decision) -> None:
        document = self.documents.get(decision.document_key)
        if document is None or decision.step_key not in {s.key for s in document.route.steps}:
            raise ModelError(
                f"cannot record a decision on step {decision.step_key!r} of document "
                f"{decision.document_key!r}: no such step"
            )
        self.decisions.append(copy.deepcopy(decision))

    def list_decisions(self, document_key: str | None = None) -> list[Decision]:
        chosen = [d for d in self.decisions if document_key is None or d.document_key == document_key]
        return copy.deepcopy(sorted(chosen, key=lambda d: d.decided_on))

    # step forecasts, their history and the nightly runs

    def save_step_forecasts(self, forecasts: Iterable[StepForecast]) -> None:
        latest = latest_forecasts(forecasts)
        steps = self._steps({document_key for document_key, _ in latest})
        missing = [key for key in latest if key not in steps]
        if missing:
            raise unknown_steps(missing)
        for key, forecast in latest.items():
            # Stored as the database stores them: the state as a StepState, tentative as a bool.
            self.forecasts[key] = dataclasses.replace(
                forecast, state=StepState(forecast.state), tentative=bool(forecast.tentative)
            )

    def list_step_forecasts(self, document_key: str | None = None) -> list[StepForecast]:
        chosen = [f for f in self.forecasts.values() if document_key is None or f.document_key == document_key]
        steps = self._steps({f.document_key for f in chosen})
        return sorted(chosen, key=lambda f: forecast_order(f, steps))

    def _steps(self, document_keys: set[str]) -> dict[tuple[str, str], Any]:
        return {
            (key, step.key): step
            for key in document_keys
            if key in self.documents
            for step in self.documents[key].route.steps
        }

    def add_forecast_changes(self, changes: Iterable[ForecastChange]) -> None:
        self.forecast_changes.extend(changes)  # frozen: no copy needed

    def list_forecast_changes(self, document_key: str | None = None) -> list[ForecastChange]:
        chosen = [c for c in self.forecast_changes if document_key is None or c.document_key == document_key]
        return sorted(chosen, key=lambda c: c.recorded_on)  # stable: same day keeps the order added

    def record_nightly_run(self, run: NightlyRun) -> None:
        summary = stored_summary(run)
        self.nightly_runs[run.as_of] = NightlyRun(run.as_of, run.finished_at.astimezone(dt.timezone.utc), summary)

    def get_nightly_run(self, as_of: dt.date) -> NightlyRun | None:
        return copy.deepcopy(self.nightly_runs.get(as_of))

    def last_nightly_run(self) -> NightlyRun | None:
        return self.get_nightly_run(max(self.nightly_runs)) if self.nightly_runs else None

    # glossary

    def merge_glossary(self, glossary: Glossary) -> None:
        self.glossary.update(glossary.terms)

    def get_glossary(self) -> Glossary:
        return Glossary(terms={k: self.glossary[k] for k in sorted(self.glossary)})

    # conditions

    def save_condition(self, condition: Condition) -> None:
        key = condition_key(condition.name)
        self.conditions[key] = dataclasses.replace(condition, name=condition.name.strip())

    def list_conditions(self) -> list[Condition]:
        return [self.conditions[k] for k in sorted(self.conditions)]

    # the outbox

    def queue_reminders(self, reminders: Iterable[Any]) -> int:
        new = 0
        for key, reminder in unique_reminders(reminders).items():
            if key not in self.reminders:
                self.reminders[key] = reminder  # frozen: no copy needed
                self.reminder_messages[key] = None
                new += 1
        self._join_pending_messages()
        return new

    def _join_pending_messages(self) -> None:
        for key, message_id in self.reminder_messages.items():
            if message_id is not None:
                continue
            reminder = self.reminders[key]
            pending = next(
                (m for m in self.messages.values() if m.status == PENDING and m.recipient == reminder.recipient), None
            )
            if pending is None:
                self.last_message_id += 1
                pending = OutboxMessage(
                    id=self.last_message_id,
                    recipient=reminder.recipient,
                    status=PENDING,
                    attempts=0,
                    created_on=min(
                        r.night
                        for k, r in self.reminders.items()
                        if r.recipient == reminder.recipient and self.reminder_messages[k] is None
                    ),
                )
                self.messages[pending.id] = pending
            self.reminder_messages[key] = pending.id

    def claim_next_message(self, now: dt.datetime) -> OutboxMessage | None:
        check_aware(now, "claiming outbox messages at")
        due = [
            m
            for m in self.messages.values()
            if m.status == PENDING and (m.next_attempt_at is None or m.next_attempt_at <= now)
        ]
        return self._with_reminders(min(due, key=lambda m: m.id)) if due else None

    def mark_message_sent(self, message_id: int, sent_at: dt.datetime, reminder_keys: Iterable[str]) -> None:
        check_aware(sent_at, f"outbox message {message_id} sent at")
        message = self.messages.get(message_id)
        check_message_pending(message_id, message.status if message else None)
        assert message is not None
        self.messages[message_id] = dataclasses.replace(
            message,
            status=SENT,
            sent_at=sent_at.astimezone(dt.timezone.utc),
            attempts=message.attempts + 1,
            next_attempt_at=None,
        )
        shown = set(reminder_keys)
        for key, attached_to in self.reminder_messages.items():
            if attached_to == message_id and key not in shown:
                self.reminder_messages[key] = None
        self._join_pending_messages()

    def mark_message_failed(self, message_id: int, error: str, now: dt.datetime) -> dt.datetime:
        check_aware(now, f"outbox message {message_id} failed at")
        message = self.messages.get(message_id)
        check_message_pending(message_id, message.status if message else None)
        assert message is not None
        next_attempt_at = (now + retry_delay(message.attempts + 1)).astimezone(dt.timezone.utc)
        self.messages[message_id] = dataclasses.replace(
            message, attempts=message.attempts + 1, last_error=error, next_attempt_at=next_attempt_at
        )
        return next_attempt_at

    def list_messages(self, *, status: str | None = None, recipient: str | None = None) -> list[OutboxMessage]:
        return [
            self._with_reminders(m)
            for _, m in sorted(self.messages.items())
            if (status is None or m.status == status) and (recipient is None or m.recipient == recipient)
        ]

    def _with_reminders(self, message: OutboxMessage) -> OutboxMessage:
        attached = tuple(self.reminders[k] for k, m in self.reminder_messages.items() if m == message.id)
        return dataclasses.replace(message, reminders=attached)

    # audit trail

    # calendar feeds

    def feed_event_states(self, uids: Iterable[str] | None = None) -> dict[str, FeedEventState]:
        if uids is None:
            return dict(self.feed_events)
        return {uid: self.feed_events[uid] for uid in set(uids) if uid in self.feed_events}

    def save_feed_event_states(self, states: Iterable[FeedEventState]) -> None:
        states = list(states)
        for state in states:
            check_feed_event_state(state)
        for state in states:
            self.feed_events[state.uid] = dataclasses.replace(
                state, last_modified=state.last_modified.astimezone(dt.timezone.utc)
            )

    def get_feed_token(self, initials: str) -> FeedToken | None:
        return self.feed_tokens.get(initials)

    def list_feed_tokens(self) -> dict[str, FeedToken]:
        return dict(sorted(self.feed_tokens.items()))

    def set_feed_token(self, initials: str, token: str, at: dt.datetime) -> FeedToken:
        check_aware(at, "feed token time")
        if any(t.token == token and i != initials for i, t in self.feed_tokens.items()):
            raise ModelError("feed token already in use")
        at = at.astimezone(dt.timezone.utc)
        known = self.feed_tokens.get(initials)
        stored = FeedToken(initials, token, at, None) if known is None else dataclasses.replace(known, token=token, rotated_at=at)
        self.feed_tokens[initials] = stored
        return stored

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
        check_audit_time(occurred_at)
        self.last_audit_id += 1
        event = AuditEvent(
            id=self.last_audit_id,
            occurred_at=occurred_at.astimezone(dt.timezone.utc),
            actor=actor,
            kind=kind,
            subject=subject,
            reason=reason,
            details=copy.deepcopy(details or {}),
        )
        self.audit_events.append(event)
        return copy.deepcopy(event)

    def list_audit_events(
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
            for e in self.audit_events
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


class FakeUnitOfWork(AbstractUnitOfWork):
    """A unit of work over a FakeRepository; `commits` counts the commits, for assertions."""

    def __init__(self, repo: FakeRepository | None = None):
        self.repo = repo or FakeRepository()
        self.commits = 0
        self._saved: dict[str, Any] | None = None

    def __enter__(self) -> FakeUnitOfWork:
        self._saved = copy.deepcopy(self.repo.__dict__)
        return self

    def commit(self) -> None:
        self.commits += 1
        self._saved = copy.deepcopy(self.repo.__dict__)

    def rollback(self) -> None:
        if self._saved is not None:
            self.repo.__dict__.update(copy.deepcopy(self._saved))

    @property
    def committed(self) -> bool:
        return self.commits > 0
