""""It will be late": an owner gives the date they now expect a step or an action by, as people write
it ("end of March", "w/c 14 March"). The date is kept (apart from the setup, so a reload keeps it),
audited, and the routes re-forecast from it as after any change (govflow.services.route_changes):
the step moves to that day, the steps after it move with it, and each says why ("expected late by
GB: …"). An action falls due on that day (governance_model.owner_answers.action_deadline).

Refused: a phrase the When reader cannot read (its error quotes it), one that gives no day (TBC, a
recurrence), a day not later than the one the item has now, and an item already done."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from governance_model.errors import ModelError
from governance_model.model import Action, ActionPlan, Document, ExpectedDate, Recommendation, StepState
from governance_model.owner_answers import ItemRef, action_deadline, expected_words, step_of
from governance_model.ports import AbstractUnitOfWork
from governance_model.reason_words import day_words
from governance_model.reasons import Reason
from governance_model.school_terms import terms_for_reading
from governance_model.when import When, read_when
from govflow.services.night_planning import advance_routes, snapshot_from
from govflow.services.route_changes import ChangeResult, _audit, _named, _reforecast

AUDIT_KIND = {"step": "step.expected_late", "action": "action.expected_late"}


def expect_late(
    uow: AbstractUnitOfWork, item_key: str, when_text: str, note: str = "", *, actor: str, as_of: dt.date, now: dt.datetime,
    dry_run: bool = False,
) -> ChangeResult:
    """Record that `actor` now expects the item ("step:DOC/STEP", "action:PLAN/REC/POS") by
    `when_text` (read with `as_of` as context), and re-forecast from it. With `dry_run`, every check
    is made and nothing is kept (the answer page's preview: a date it would refuse is said before)."""
    ref = ItemRef.parse(item_key)
    note = " ".join(note.split())
    with uow:
        when = _read(when_text, as_of, uow)
        expected = ExpectedDate(ref.key, when, actor, as_of, note, now)
        if ref.kind == "step":
            result = _step_late(uow, ref, expected, as_of, now)
        else:
            result = _action_late(uow, ref, expected, now)
        if not dry_run:
            uow.commit()
    return result


def _read(when_text: str, as_of: dt.date, uow: AbstractUnitOfWork) -> When:
    when = read_when(when_text.strip(), as_of, terms_for_reading(uow.term_dates.get()))
    if when.end is None or when.kind not in ("date", "window"):
        raise ModelError(f"“{when_text.strip()}” gives no day to plan on: write the day or the week you now expect, e.g. “end of March”, “w/c 14 March”")
    return when


def _not_later(expected: ExpectedDate, current: dt.date | None, what: str) -> None:
    assert expected.day is not None
    if current is not None and expected.day <= current:
        raise ModelError(
            f"“{expected.when.text}” reads as {day_words(expected.day)}, which is not later than {day_words(current)}, "
            f"the date {what} has now: nothing to change"
        )


def _audit_late(uow: AbstractUnitOfWork, expected: ExpectedDate, kind: str, was: dt.date | None, now: dt.datetime) -> None:
    reading = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(expected.when).items()}
    _audit(uow, now, expected.by, AUDIT_KIND[kind], expected.item_key, expected.reason,
           {"phrase": expected.when.text, "reading": reading, "expected": expected.day.isoformat() if expected.day else None,
            "was": was.isoformat() if was else None, "note": expected.note, "said_on": expected.said_on.isoformat()})


def _step_late(uow: AbstractUnitOfWork, ref: ItemRef, expected: ExpectedDate, as_of: dt.date, now: dt.datetime) -> ChangeResult:
    document: Document | None = uow.documents.get(ref.parent)
    if document is None:
        raise ModelError(f"no document {ref.parent!r}")
    step = step_of(document, ref.step_key or "")
    before = snapshot_from(uow)
    planned = advance_routes(before, [as_of]).forecasts.get((document.key, step.key))
    if planned is not None and planned.state in (StepState.DONE, StepState.STOPPED):
        raise ModelError(f"“{step.title}” is {planned.state.value} already: it cannot be late")
    current = planned.date if planned is not None else step.deadline
    _not_later(expected, current, f"“{step.title}”")
    uow.answers.save_expected(expected)
    uow.documents.touch([document.key])  # a night being planned meanwhile plans this route again
    _audit_late(uow, expected, "step", current, now)
    cause = Reason.of("change_expected_late", step=step.key, document=document.key, by=expected.by, note=expected.note or None, day=expected.day)
    changes = _reforecast(uow, before, as_of, expected.reason, cause)
    description = f"{document.title}: {step.title} — {expected_words(expected, step.when.text if step.when else None)}"
    return _named(ChangeResult(description, changes), uow)


def _action_late(uow: AbstractUnitOfWork, ref: ItemRef, expected: ExpectedDate, now: dt.datetime) -> ChangeResult:
    plan: ActionPlan | None = uow.plans.get(ref.parent)
    if plan is None:
        raise ModelError(f"no action plan {ref.parent!r}")
    rec: Recommendation = plan.recommendation(ref.recommendation or "")
    action: Action | None = next((a for a in rec.actions if a.position == ref.position), None)
    if action is None:
        raise ModelError(f"recommendation {rec.number} of plan {plan.key!r} has no action {ref.position}")
    if plan.completed_on(rec.number, action) is not None:
        raise ModelError(f"action {ref.position} of recommendation {rec.number} is complete already: it cannot be late")
    if action.when is not None and action.when.kind in ("recurring", "ongoing"):
        raise ModelError(f"action {ref.position} of recommendation {rec.number} is {action.when.kind} (“{action.when.text}”): it has no one date to move; add a progress update instead")
    moved = action_deadline(action)
    current = moved[0] if moved else (action.when.end if action.when and action.when.kind != "contingent" else None)
    _not_later(expected, current, f"action {ref.position} of recommendation {rec.number}")
    uow.answers.save_expected(expected)
    uow.plans.touch()  # a night being planned meanwhile plans the plans again
    _audit_late(uow, expected, "action", current, now)
    planned = action.when.text if action.when else None
    return ChangeResult(f"{plan.title}, recommendation {rec.number}, action {ref.position}: {expected_words(expected, planned)}")
