"""Changes people make: a decision recorded, a meeting moved, cancelled or confirmed, a step done.
Each is kept as an audit event (who, when, why) and followed at once by a re-forecast whose moved
dates are kept with the old date, the new date and the reason."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from governance_model.errors import ModelError
from governance_model.model import Condition, Decision, DecisionOutcome, ForecastChange, Meeting, MeetingStatus, StepState
from governance_model.ports import AbstractUnitOfWork
from governance_model.reason_words import day_words
from governance_model.reasons import Reason
from govflow.clock import LONDON
from govflow.services.night_planning import Snapshot, advance_routes, snapshot_from


@dataclass
class ChangeResult:
    description: str
    reforecast: list[ForecastChange] = field(default_factory=list)
    # What people call what moved: each document's title and its steps' titles, by key, so the
    # dates that moved can be listed in words (governance_model.reason_words), never by key.
    documents: dict[str, str] = field(default_factory=dict)
    titles: dict[str, dict[str, str]] = field(default_factory=dict)

    def step_title(self, document_key: str, step_key: str) -> str:
        return self.titles.get(document_key, {}).get(step_key, step_key)


def _named(result: ChangeResult, uow: AbstractUnitOfWork) -> ChangeResult:
    """`result` with the titles of the documents whose dates moved."""
    moved = {c.document_key for c in result.reforecast}
    for document in uow.documents.list() if moved else ():
        if document.key in moved:
            result.documents[document.key] = document.title
            result.titles[document.key] = {s.key: s.title for s in document.route.steps}
    return result


def _reforecast(uow: AbstractUnitOfWork, before: Snapshot, as_of: dt.date, why: str, cause: Reason) -> list[ForecastChange]:
    """Re-plan every route as of `as_of` after a change, and keep the dates that moved.

    A date is put down to the change (`why`) only when the change moved it: the stored forecasts
    may be from an earlier night, so a date can also move because a day has passed (a step still
    not done). Those moves keep the planner's own reason, never another document's decision.
    `before` is what was stored before the change was made; `cause` is `why` as facts."""
    update = advance_routes(snapshot_from(uow), [as_of])
    without = advance_routes(before, [as_of]).forecasts  # the same day, had the change not been made
    changes = [
        c if _moves_anyway(c, without) else replace(c, reason=f"{why}: {c.reason}", why=replace(_seen_from(cause, c.document_key), then=c.why))
        for c in update.reforecast
    ]
    # A step with no stored forecast (no night has run since it was loaded) moved too when the
    # change gave it another date than it would have had: those moves are the change's as well.
    for key, forecast in update.forecasts.items():
        old = without.get(key)
        if key in before.forecasts or old is None or old.date == forecast.date or forecast.state in (StepState.DONE, StepState.STOPPED):
            continue
        changes.append(
            ForecastChange(*key, old.date, forecast.date, f"{why}: {forecast.reason}", as_of, replace(_seen_from(cause, key[0]), then=forecast.why))
        )
    uow.documents.save_forecasts(update.changed)
    uow.documents.add_forecast_changes(changes)
    return changes


def _seen_from(cause: Reason, document_key: str) -> Reason:
    """The change's cause as a move of `document_key` names it: a step of another document by
    "document/step" (its words then say "a step of another document", never the title of a step
    of this document that has the same key)."""
    document = cause.get("document")
    if document is None or document == document_key:
        return cause
    return cause.with_facts(step=f"{document}/{cause.get('step')}")


def _moves_anyway(change: ForecastChange, without: dict) -> bool:
    forecast = without.get((change.document_key, change.step_key))
    return forecast is not None and forecast.date == change.new_date


def _audit(uow: AbstractUnitOfWork, now: dt.datetime, actor: str, kind: str, subject: str, reason: str, details: dict) -> None:
    uow.audit.add(occurred_at=now, actor=actor, kind=kind, subject=subject, reason=reason, details=details)


def _when(starts_at: dt.datetime | None) -> str:
    return starts_at.astimezone(LONDON).strftime("%a %d %b %Y %H:%M") if starts_at else "TBC"


def record_decision(uow: AbstractUnitOfWork, decision: Decision, *, actor: str, reason: str, as_of: dt.date, now: dt.datetime) -> ChangeResult:
    """Store what a body resolved on a step, and re-plan the route from it."""
    with uow:
        document = uow.documents.get(decision.document_key)
        if document is None:
            raise ModelError(f"no document {decision.document_key!r}")
        step = next((s for s in document.route.steps if s.key == decision.step_key), None)
        if step is None:
            keys = ", ".join(s.key for s in document.route.steps)
            raise ModelError(f"document {document.key!r} has no step {decision.step_key!r} (its steps: {keys})")
        if decision.back_to is not None:
            if decision.outcome not in (DecisionOutcome.REFERRED_BACK, DecisionOutcome.APPROVED_WITH_AMENDMENTS):
                raise ModelError("--back-to goes with referred_back or approved_with_amendments only")
            if decision.back_to not in {s.key for s in document.route.steps}:
                raise ModelError(f"document {document.key!r} has no step {decision.back_to!r} to go back to")
        if not decision.body_code:
            if step.body_code is None:
                raise ModelError(f"step {step.key!r} is at no body: say which body decided (--body)")
            decision = replace(decision, body_code=step.body_code)
        if uow.bodies.get(decision.body_code) is None:
            raise ModelError(f"no body {decision.body_code!r}")
        if decision.meeting_key and uow.bodies.get_meeting(decision.meeting_key) is None:
            raise ModelError(f"no meeting {decision.meeting_key!r}")
        decision = replace(decision, recorded_by=actor)
        before = snapshot_from(uow)
        uow.documents.add_decision(decision)
        description = f"{decision.outcome.value.replace('_', ' ')} at {decision.body_code} on {day_words(decision.decided_on)}"
        _audit(uow, now, actor, "decision.recorded", f"{document.key}/{step.key}", reason,
               {"outcome": decision.outcome.value, "body": decision.body_code, "decided_on": decision.decided_on.isoformat(),
                "meeting": decision.meeting_key, "back_to": decision.back_to, "minute": decision.minute})
        cause = Reason.of(
            "change_decision", step=step.key, document=document.key, outcome=decision.outcome.value, body=decision.body_code, day=decision.decided_on
        )
        changes = _reforecast(uow, before, as_of, f"{step.key} {description}", cause)
        result = _named(ChangeResult(f"{document.title}: {step.title} — {description}", changes), uow)
        uow.commit()
    return result


def _change_meeting(uow: AbstractUnitOfWork, key: str, change, *, kind: str, actor: str, reason: str, as_of: dt.date, now: dt.datetime) -> ChangeResult:
    with uow:
        meeting = uow.bodies.get_meeting(key)
        if meeting is None:
            raise ModelError(f"no meeting {key!r}")
        stored = snapshot_from(uow)
        before = replace(meeting)
        description = change(meeting)
        meeting.sequence = before.sequence + 1
        uow.bodies.save_meeting(meeting)
        # The routes with a step at its body are planned from it: a nightly run that read them
        # before this commits must plan them again (see night_planning.save_night).
        uow.documents.touch(
            d.key for d in uow.documents.list()
            if any(s.body_code == meeting.body_code or s.meeting_key == key for s in d.route.steps)
        )
        _audit(uow, now, actor, kind, key, reason,
               {"from": before.starts_at.isoformat() if before.starts_at else None,
                "to": meeting.starts_at.isoformat() if meeting.starts_at else None,
                "status_from": before.status.value, "status_to": meeting.status.value,
                "as_of": as_of.isoformat()})
        cause = Reason.of(f"change_{kind.replace('.', '_')}", body=meeting.body_code, was=before.day, to=meeting.day)
        changes = _reforecast(uow, stored, as_of, description, cause)
        result = _named(ChangeResult(description, changes), uow)
        uow.commit()
    return result


def move_meeting(uow: AbstractUnitOfWork, key: str, starts_at: dt.datetime, **who) -> ChangeResult:
    """Move a meeting to another day or time; it keeps its identity, and its steps move with it."""
    if starts_at.tzinfo is None:
        raise ModelError("a meeting time needs its time zone (Europe/London)")

    def change(meeting: Meeting) -> str:
        if meeting.status is MeetingStatus.CANCELLED:
            raise ModelError(f"meeting {key!r} is cancelled: confirm it before moving it")
        old = meeting.starts_at
        meeting.starts_at = starts_at
        return f"{key} moved from {_when(old)} to {_when(starts_at)}"

    return _change_meeting(uow, key, change, kind="meeting.moved", **who)


def cancel_meeting(uow: AbstractUnitOfWork, key: str, **who) -> ChangeResult:
    """Cancel a meeting: it stays in the diary as cancelled, and its steps go to the next one."""

    def change(meeting: Meeting) -> str:
        meeting.status = MeetingStatus.CANCELLED
        return f"{key} cancelled"

    return _change_meeting(uow, key, change, kind="meeting.cancelled", **who)


def confirm_meeting(uow: AbstractUnitOfWork, key: str, starts_at: dt.datetime | None = None, **who) -> ChangeResult:
    """Confirm a tentative or cancelled meeting, fixing its date and time if it had none."""

    def change(meeting: Meeting) -> str:
        if starts_at is None and meeting.starts_at is None:
            raise ModelError(f"meeting {key!r} has no date yet: give its date and time (--at)")
        if starts_at is not None:
            meeting.starts_at = starts_at
        meeting.status = MeetingStatus.SCHEDULED
        return f"{key} confirmed for {_when(meeting.starts_at)}"

    return _change_meeting(uow, key, change, kind="meeting.confirmed", **who)


def record_source_meetings(
    uow: AbstractUnitOfWork, body_code: str, added: list[tuple[Meeting, str]], changed: list[tuple[Meeting, str, str]], *, actor: str, as_of: dt.date, now: dt.datetime
) -> ChangeResult:
    """Store, in one transaction, what a body's meeting source says that moves no stored date: the
    meetings it `added` (meeting, reason), and the `changed` meetings' ids there, missing-from-source
    flags and papers published (meeting, audit kind, reason); each kept as an audit event. A meeting added can take a step sooner
    than the meeting it waited for, so the routes are re-forecast as after a move."""
    with uow:
        body = uow.bodies.get(body_code)
        if body is None:
            raise ModelError(f"no body {body_code!r}")
        stored = snapshot_from(uow)
        for meeting, _ in added:
            if meeting.body_code != body_code or uow.bodies.get_meeting(meeting.key) is not None:
                raise ModelError(f"meeting {meeting.key!r} cannot be added to body {body_code!r}: the key is taken")
        if added:
            uow.bodies.save(replace(body, meetings=[m for m, _ in added]))
        for meeting, kind, reason in changed:
            now_stored = uow.bodies.get_meeting(meeting.key)
            if now_stored is None or now_stored.body_code != body_code:
                raise ModelError(f"no meeting {meeting.key!r} of body {body_code!r}")
            # Only the source fields: the rest of the meeting may have changed since it was read.
            uow.bodies.save_meeting(
                replace(now_stored, source_id=meeting.source_id, missing_from_source=meeting.missing_from_source, papers=meeting.papers)
            )
            _audit(uow, now, actor, kind, meeting.key, reason, {"source_id": meeting.source_id, "missing_from_source": meeting.missing_from_source})
        for meeting, reason in added:
            _audit(uow, now, actor, "meeting.added", meeting.key, reason,
                   {"to": meeting.starts_at.isoformat() if meeting.starts_at else None, "source_id": meeting.source_id, "as_of": as_of.isoformat()})
        changes: list[ForecastChange] = []
        if added:
            uow.documents.touch(d.key for d in uow.documents.list() if any(s.body_code == body_code for s in d.route.steps))
            first = min((m for m, _ in added if m.starts_at), key=lambda m: m.starts_at, default=None)
            description = f"{body_code} meetings added: {', '.join(m.key for m, _ in added)}"
            changes = _reforecast(uow, stored, as_of, description, Reason.of("change_meeting_added", body=body_code, to=first.day if first else None))
        result = _named(ChangeResult(f"{len(added)} added, {len(changed)} recorded", changes), uow)
        uow.commit()
    return result


def mark_step_done(uow: AbstractUnitOfWork, document_key: str, step_key: str, done_on: dt.date, *, actor: str, reason: str, as_of: dt.date, now: dt.datetime) -> ChangeResult:
    """Record that a step without a decision (a share, a consultation, a revision) is done."""
    with uow:
        result = step_done_in(uow, document_key, step_key, done_on, actor=actor, reason=reason, as_of=as_of, now=now)
        uow.commit()
    return result


def step_done_in(
    uow: AbstractUnitOfWork, document_key: str, step_key: str, done_on: dt.date, *, actor: str, reason: str, as_of: dt.date, now: dt.datetime,
    details: dict | None = None,
) -> ChangeResult:
    """`mark_step_done` inside a unit of work the caller has open (and commits): with what else it
    records in the same transaction (a confirmed answer, govflow.services.done_answers)."""
    document = uow.documents.get(document_key)
    if document is None:
        raise ModelError(f"no document {document_key!r}")
    if step_key not in {s.key for s in document.route.steps}:
        raise ModelError(f"document {document_key!r} has no step {step_key!r}")
    before = snapshot_from(uow)
    uow.documents.set_step_done(document_key, step_key, done_on)
    _audit(uow, now, actor, "step.done", f"{document_key}/{step_key}", reason, {"done_on": done_on.isoformat(), **(details or {})})
    title = next(s.title for s in document.route.steps if s.key == step_key)
    changes = _reforecast(uow, before, as_of, f"{step_key} done on {done_on.isoformat()}", Reason.of("change_step_done", step=step_key, document=document_key, day=done_on))
    return _named(ChangeResult(f"{document.title}: {title} — done on {day_words(done_on)}", changes), uow)


def record_condition(uow: AbstractUnitOfWork, condition: Condition, *, actor: str, reason: str, as_of: dt.date, now: dt.datetime) -> ChangeResult:
    """Record that something contingent actions wait for has happened ("DfE" published, "cabinet" decided):
    from then on those actions have a deadline and are reminded."""
    with uow:
        uow.conditions.save(condition)
        uow.documents.touch()  # routes and plans may wait for it: a nightly run going on plans them again
        uow.plans.touch()
        _audit(uow, now, actor, "condition.met", condition.name, reason, {"met_on": condition.met_on.isoformat(), "note": condition.note})
        uow.commit()
    return ChangeResult(f"condition {condition.name!r} met on {condition.met_on.isoformat()}")
