""""Done", answered by an owner from a reminder (issue 17): it counts at once, as `govflow step done`
does, unless the step's body asks its secretary to confirm what owners answer (`confirm_done: true`);
then it is kept awaiting confirmation, listed in the secretary's digest and by `govflow answers list`,
and the step is done only when the secretary confirms it (with the day the owner said). An action
of a plan has no body: its "done" is a progress update marking it complete, at once."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from governance_model.errors import ModelError
from governance_model.model import ProgressUpdate
from governance_model.owner_answers import AWAITING, DONE, AwaitingAnswer, ItemRef, answer_words, needs_confirmation, step_of
from governance_model.ports import AbstractUnitOfWork
from governance_model.reason_words import day_words
from govflow.services.progress_recording import add_update
from govflow.services.route_changes import ChangeResult, _audit, step_done_in


@dataclass(frozen=True)
class AnswerShown:
    """An answer awaiting confirmation, as a list shows it: the step and document by their titles."""

    answer: AwaitingAnswer
    title: str
    document: str
    secretary: str | None
    words: str  # "done on 3 March 2022, answered by GB: sent to the clerk"


def record_done_answer(
    uow: AbstractUnitOfWork, item_key: str, *, by: str, note: str = "", as_of: dt.date, now: dt.datetime, reason: str = ""
) -> str:
    """An owner's "done" for an item ("step:DOC/STEP", "action:PLAN/REC/POS"), on `as_of`: "done"
    when it counts at once, "awaiting confirmation" when the step's body asks its secretary first.
    `reason` goes in the audit (default: "done, answered by GB")."""
    ref = ItemRef.parse(item_key)
    note = " ".join(note.split())
    reason = reason or f"done, answered by {by}" + (f": {note}" if note else "")
    if ref.kind == "action":
        update = ProgressUpdate(ref.recommendation or "", as_of, done=[note] if note else [], action_position=ref.position, author=by, action_complete=True)
        add_update(uow, ref.parent, update, actor=by, now=now, reason=reason)
        return DONE
    with uow:
        document = uow.documents.get(ref.parent)
        if document is None:
            raise ModelError(f"no document {ref.parent!r}")
        step = step_of(document, ref.step_key or "")
        if step.done_on is not None:
            raise ModelError(f"“{step.title}” was recorded done on {day_words(step.done_on)} already")
        body = uow.bodies.get(step.body_code) if step.body_code else None
        if not needs_confirmation(body):
            step_done_in(uow, document.key, step.key, as_of, actor=by, reason=reason, as_of=as_of, now=now)
            uow.commit()
            return DONE
        assert body is not None
        if not uow.answers.answers(item_key=ref.key):  # answered twice: the first one waits, once
            answer = uow.answers.add_awaiting(AwaitingAnswer(0, ref.key, by, as_of, now, body.code, note))
            _audit(uow, now, by, "answer.awaiting_confirmation", ref.key, reason,
                   {"answer": answer.id, "done_on": as_of.isoformat(), "note": note, "secretary": body.secretary})
        uow.commit()
    return AWAITING


def confirm_answer(uow: AbstractUnitOfWork, answer_id: int, *, by: str, as_of: dt.date, now: dt.datetime, reason: str = "") -> ChangeResult:
    """The secretary confirms an answer awaiting it: the step is done on the day the owner said, in
    the same transaction, and the routes re-forecast from it. An answer confirmed already is refused."""
    with uow:
        answer = uow.answers.get_answer(answer_id)
        if answer is None:
            raise ModelError(f"no answer {answer_id} (see `govflow answers list`)")
        if answer.status != AWAITING or not uow.answers.mark_confirmed(answer_id, by, now):
            raise ModelError(f"answer {answer_id} is not awaiting confirmation: {answer.confirmed_by or 'someone'} confirmed it already")
        ref = ItemRef.parse(answer.item_key)
        why = reason or f"{answer_words(answer)}; confirmed by {by}"
        result = step_done_in(uow, ref.parent, ref.step_key or "", answer.answered_on, actor=by, reason=why, as_of=as_of, now=now,
                              details={"answer": answer.id, "answered_by": answer.answered_by, "confirmed_by": by})
        _audit(uow, now, by, "answer.confirmed", answer.item_key, why, {"answer": answer.id, "answered_by": answer.answered_by})
        uow.commit()
    return result


def awaiting_answers(uow: AbstractUnitOfWork) -> list[AnswerShown]:
    """Every answer awaiting confirmation, oldest first, with what it is about in words."""
    with uow:
        answers = uow.answers.answers()
        documents = {d.key: d for d in uow.documents.list()} if answers else {}
        bodies = {b.code: b for b in uow.bodies.list()} if answers else {}
    shown = []
    for answer in answers:
        ref = ItemRef.parse(answer.item_key)
        document = documents.get(ref.parent)
        step = next((s for s in document.route.steps if s.key == ref.step_key), None) if document else None
        body = bodies.get(answer.body_code)
        shown.append(AnswerShown(answer, step.title if step else answer.item_key, document.title if document else ref.parent,
                                 body.secretary if body else None, answer_words(answer)))
    return shown
