"""Answers given through a digest's signed links (issue 17): what the link's item is, and what Done,
Add an update and It will be late do, exactly as the CLI does it, recorded as the link's person's
with the audit saying it came from their link.

    item = find_item(uow, claim)                              # raises LinkRefused
    use = count_use(uow, token_id, claim, now)                # every POST counts, at most MAX_ANSWER_POSTS
    answer_done(uow_factory, claim, token_id, note, as_of=…, now=…)

What each answer does:

- Done on a step: `route_changes.mark_step_done` on the day of the answer (the route re-planned);
  on an action: a progress update recording it complete (`progress_recording.add_update`), so the
  next nightly no longer chases either. A papers item has no Done (notifications.answer_links).
  A recurring action is never done as a whole: its page offers no Done.
- Add an update: seed 001's four parts. On an action, a progress update as `govflow update` stores
  it; a step has no progress updates (they belong to plans), so its update is kept in the audit
  trail ("step.updated", the four parts in its details), which the Report to Board lists.
- It will be late: the phrase read by the When reader, shown back, then on confirmation
  `govflow.services.expected_dates.expect_late` (another part of issue 17).

A link is used up once its item is answered Done through it ("already answered on …"), and an item
already done (by any way) is not done again.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Callable

from governance_model.answer_link_uses import AnswerLinkUse
from governance_model.errors import WhenError
from governance_model.model import ProgressUpdate
from governance_model.ports import AbstractUnitOfWork
from governance_model.publication import Publication
from governance_model.school_terms import terms_for_reading
from governance_model.when import When, read_when
from govflow.errors import Error

from govflow.services import progress_recording
from govflow.services.done_answers import DONE, confirm_answer, record_done_answer
from governance_model.owner_answers import AWAITING, answer_words
from governance_model.reason_words import day_words
from notifications.answer_links import AnswerClaim, LinkRefused

UPDATE_PARTS = (  # seed 001's four parts: (field, heading)
    ("done", "What we have done"),
    ("difference", "The difference this makes"),
    ("to_develop", "What we need to develop"),
    ("next_steps", "Next steps"),
)
STEP_UPDATED = "step.updated"


class AlreadyAnswered(Error):
    """The link's item was answered already: nothing more is changed through it."""

    def __init__(self, message: str, on: dt.date) -> None:
        super().__init__(message)
        self.on = on


class TooManyAnswers(Error):
    """The link has been posted to more times than it may be."""


@dataclass(frozen=True)
class LinkedItem:
    """The item a link is about, as its page shows it."""

    kind: str  # "step" | "action" | "papers"
    key: str
    title: str
    context: str  # the document or plan (and recommendation)
    body_code: str | None
    when_text: str  # as written in the papers
    due: dt.date  # the deadline the reminder carried
    exempt: bool  # Part II business: its page shows no title or detail
    done_on: dt.date | None  # when it was done already (by any way); None: still open
    recurring: bool = False  # a recurring action: never done as a whole
    document_key: str | None = None
    step_key: str | None = None
    plan_key: str | None = None
    recommendation: str | None = None
    position: int | None = None
    responsible: frozenset[str] = field(default_factory=frozenset)  # whose reminders it goes to

    answer_id: int | None = None  # kind "answer": the owner's answer the secretary confirms

    @property
    def answers(self) -> tuple[str, ...]:
        """The answers its page offers (an owner's answer awaiting confirmation: only to confirm it)."""
        if self.kind == "answer":
            return () if self.done_on is not None else ("done",)
        done = () if self.kind == "papers" or self.recurring or self.done_on is not None else ("done",)
        # A papers item's date is its meeting's papers deadline: no owner's date can move that.
        late = () if self.kind == "papers" or self.done_on is not None else ("late",)
        return (*done, "update", *late)


def reason_words(initials: str, what: str, note: str = "") -> str:
    """The audit's reason: "done, via GB's reminder link: <note>"."""
    return f"{what}, via {initials}'s reminder link" + (f": {note.strip()}" if note.strip() else "")


def find_item(uow: AbstractUnitOfWork, claim: AnswerClaim) -> LinkedItem:
    """The item a genuine link names, if it is still there and still the link's person's to answer."""
    with uow:
        kind, _, rest = claim.item_key.partition(":")
        if kind in ("step", "papers"):
            item = _step_item(uow, kind, rest, claim)
        elif kind == "action":
            item = _action_item(uow, rest, claim)
        elif kind == "answer" and rest.isdigit():
            item = _answer_item(uow, int(rest), claim)
        else:
            item = None
    if item is None:
        raise LinkRefused(410, "What this link was about is no longer in govflow's records.")
    if claim.initials not in item.responsible:
        raise LinkRefused(
            403, f"This link was sent to {claim.initials}, who is not (or no longer) one of the people this item is for: nothing can be answered through it."
        )
    return item


def _step_item(uow: AbstractUnitOfWork, kind: str, rest: str, claim: AnswerClaim) -> LinkedItem | None:
    parts = rest.rsplit("/", 2) if kind == "papers" else rest.rsplit("/", 1)
    if len(parts) != (3 if kind == "papers" else 2):
        return None
    document_key, step_key = parts[-2], parts[-1]
    document = uow.documents.get(document_key)
    step = next((s for s in document.route.steps if s.key == step_key), None) if document is not None else None
    if document is None or step is None:
        return None
    bodies = uow.bodies.list()
    secretary = next((b.secretary for b in bodies if b.code == step.body_code), None)
    publication = Publication(bodies, uow.documents.list())
    forecast = next((f for f in uow.documents.list_forecasts(document_key) if f.step_key == step_key), None)
    return LinkedItem(
        kind=kind, key=claim.item_key, title=step.title, context=document.title, body_code=step.body_code,
        when_text=step.when.shown if step.when else "", due=claim.deadline,
        exempt=not publication.step_is_public(document, step),
        done_on=step.done_on or (forecast.date if forecast is not None and forecast.state.value == "done" else None),
        document_key=document_key, step_key=step_key,
        responsible=frozenset(p for p in (step.owner or document.owner, document.owner, secretary) if p),
    )


def _answer_item(uow: AbstractUnitOfWork, answer_id: int, claim: AnswerClaim) -> LinkedItem | None:
    """An owner's "done" awaiting confirmation: the step it is about, for the body's secretary alone."""
    answer = uow.answers.get_answer(answer_id)
    if answer is None:
        return None
    step_item = _step_item(uow, "step", answer.item_key.partition(":")[2], claim)
    body = uow.bodies.get(answer.body_code)
    if step_item is None or body is None:
        return None
    return replace(
        step_item, kind="answer", context=f"{step_item.context}: {answer_words(answer)}", answer_id=answer.id,
        done_on=answer.confirmed_at.date() if answer.status != AWAITING and answer.confirmed_at else step_item.done_on,
        responsible=frozenset({body.secretary} if body.secretary else ()),
    )


def _action_item(uow: AbstractUnitOfWork, rest: str, claim: AnswerClaim) -> LinkedItem | None:
    parts = rest.rsplit("/", 2)
    if len(parts) != 3 or not parts[2].isdigit():
        return None
    plan_key, number, position = parts[0], parts[1], int(parts[2])
    plan = uow.plans.get(plan_key)
    rec = next((r for r in plan.recommendations if r.number == number), None) if plan is not None else None
    action = next((a for a in rec.actions if a.position == position), None) if rec is not None else None
    if plan is None or rec is None or action is None:
        return None
    publication = Publication(uow.bodies.list(), uow.documents.list())
    return LinkedItem(
        kind="action", key=claim.item_key, title=action.text, context=f"{plan.title}, recommendation {rec.number}", body_code=None,
        when_text=action.when.shown if action.when else "", due=claim.deadline, exempt=not publication.plan_is_public(plan),
        done_on=plan.completed_on(rec.number, action), recurring=action.when is not None and action.when.kind == "recurring",
        plan_key=plan_key, recommendation=rec.number, position=position,
        responsible=frozenset(p for p in (action.owner or rec.owner or plan.owner, plan.owner) if p),
    )


def link_use(uow: AbstractUnitOfWork, token_id: str) -> AnswerLinkUse | None:
    with uow:
        return uow.answer_links.get(token_id)


def count_use(uow: AbstractUnitOfWork, token_id: str, claim: AnswerClaim, now: dt.datetime) -> AnswerLinkUse:
    """Count one POST to a link, committed whatever follows (a refused POST counts too)."""
    with uow:
        use = uow.answer_links.count_use(token_id, claim.initials, claim.item_key, now)
        uow.commit()
    return use


def check_open(use: AnswerLinkUse | None, item: LinkedItem, answer: str) -> None:
    """Raise AlreadyAnswered or TooManyAnswers when the link may not give `answer` now."""
    if use is not None and use.answered_at is not None:
        day = use.answered_at.date()
        raise AlreadyAnswered(f"This item was already answered through this link on {day.isoformat()}: nothing more was changed.", day)
    if use is not None and use.used_up:
        raise TooManyAnswers("This link has been used as many times as it may be. Answer from your next reminder, or ask the board's secretary.")
    if answer not in item.answers:
        if item.done_on is not None:
            raise AlreadyAnswered(f"This item was already done on {day_words(item.done_on)}: nothing was changed.", item.done_on)
        raise Error(f"this item cannot be answered {answer!r} through a link")


def answer_done(
    uow_factory: Callable[[], AbstractUnitOfWork], item: LinkedItem, claim: AnswerClaim, token_id: str, note: str, *, as_of: dt.date, now: dt.datetime
) -> str:
    """Record the item done on `as_of` as the link's person's; what was done, in words. The link is
    claimed first (one atomic UPDATE), so of two POSTs at once only one makes the answer; if the
    answer then cannot be made, the claim is let go."""
    with uow_factory() as uow:
        claimed = uow.answer_links.mark_answered(token_id, "done", now)
        uow.commit()
    if not claimed:
        raise AlreadyAnswered("This item was already answered through this link: nothing more was changed.", as_of)
    try:
        return _record_done(uow_factory, item, claim, note, as_of=as_of, now=now)
    except BaseException:
        with uow_factory() as uow:
            uow.answer_links.release(token_id)
            uow.commit()
        raise


def _record_done(uow_factory: Callable[[], AbstractUnitOfWork], item: LinkedItem, claim: AnswerClaim, note: str, *, as_of: dt.date, now: dt.datetime) -> str:
    who, reason = claim.initials, reason_words(claim.initials, "done", note)
    day = day_words(as_of)
    if item.kind == "answer":
        assert item.answer_id is not None
        confirm_answer(uow_factory(), item.answer_id, by=who, as_of=as_of, now=now, reason=reason_words(who, "confirmed", note))
        return f"{item.title}: confirmed done"
    if item.kind == "step":
        assert item.document_key and item.step_key
        # As `govflow step done` does, unless the step's body asks its secretary to confirm first.
        outcome = record_done_answer(uow_factory(), item.key, by=who, note=note, as_of=as_of, now=now, reason=reason)
        return f"{item.title}: done on {day}" if outcome == DONE else (
            f"{item.title}: done on {day}, awaiting the confirmation of the board's secretary"
        )
    assert item.plan_key and item.recommendation and item.position is not None
    update = ProgressUpdate(
        recommendation_number=item.recommendation, recorded_on=as_of, done=[note.strip()] if note.strip() else [],
        action_position=item.position, author=who, action_complete=True,
    )
    progress_recording.add_update(uow_factory(), item.plan_key, update, actor=who, now=now, reason=reason)
    return f"{item.title}: complete on {day}"


def answer_update(
    uow_factory: Callable[[], AbstractUnitOfWork], item: LinkedItem, claim: AnswerClaim, parts: dict[str, list[str]], *, as_of: dt.date, now: dt.datetime
) -> str:
    """Store an update in seed 001's four parts as the link's person's; what was stored, in words."""
    parts = {name: [line.strip() for line in parts.get(name, []) if line.strip()] for name, _ in UPDATE_PARTS}
    if not any(parts.values()):
        raise Error("the update says nothing: write at least one of its four parts")
    who, reason = claim.initials, reason_words(claim.initials, "update")
    if item.kind == "action":
        assert item.plan_key and item.recommendation and item.position is not None
        update = ProgressUpdate(recommendation_number=item.recommendation, recorded_on=as_of, action_position=item.position, author=who, **parts)
        progress_recording.add_update(uow_factory(), item.plan_key, update, actor=who, now=now, reason=reason)
    else:
        with uow_factory() as uow:
            uow.audit.add(
                occurred_at=now, actor=who, kind=STEP_UPDATED, subject=f"{item.document_key}/{item.step_key}", reason=reason,
                details={"recorded_on": as_of.isoformat(), "author": who, **parts},
            )
            uow.commit()
    return f"update on {item.title} recorded for {as_of.isoformat()}"


def read_new_date(uow: AbstractUnitOfWork, phrase: str, as_of: dt.date) -> When:
    """How a new expected date reads (the council's term dates), or WhenError; one with no last day
    ("TBC", "ongoing", "after Cabinet") cannot be a new date."""
    phrase = phrase.strip()
    if not phrase:
        raise WhenError(phrase, "write when it will be done, e.g. “end of March” or “w/c 14 March”")
    with uow:
        terms = uow.term_dates.get()
    when = read_when(phrase, as_of, terms_for_reading(terms))
    if when.deadline is None:
        raise WhenError(phrase, "it gives no day it will be done by")
    if when.deadline < as_of:
        raise WhenError(phrase, f"it reads as {when.deadline.isoformat()}, which has passed")
    return when
