"""Progress updates on recommendations and actions (seed 001's shape): added one at a time or loaded
from a file. All or nothing: every update is checked against the stored plan before any is stored.
Each is a dated record that is never overwritten, and each is kept with an audit event. An update
identical to one already stored is not added again, and the result says so: loading the same file
twice stores nothing new."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from governance_model.errors import LoadError, ModelError
from governance_model.importing.progress_updates import ParsedUpdate, read_progress_updates
from governance_model.model import ActionPlan, ProgressUpdate
from governance_model.ports import AbstractUnitOfWork
from governance_model.repository_rules import check_update, updates_to_add
from govflow.services.file_loading import DEFAULT_LIMITS, FileLimits, decode_utf8, read_bytes

AUDIT_KIND = "progress.updated"


@dataclass
class RecordedUpdate:
    """One update of the result: what it is about and its day."""

    label: str  # "recommendation 11, action 1"
    subject: str  # the audit subject: "<plan>/11/1"
    recorded_on: dt.date


@dataclass
class ProgressResult:
    plan_key: str
    plan_title: str
    added: list[RecordedUpdate] = field(default_factory=list)
    already_recorded: list[RecordedUpdate] = field(default_factory=list)  # identical ones, not added again
    completed: list[str] = field(default_factory=list)  # actions complete once these updates are stored
    notes: list[str] = field(default_factory=list)


def _label(update: ProgressUpdate) -> str:
    action = f", action {update.action_position}" if update.action_position is not None else ""
    return f"recommendation {update.recommendation_number}{action}"


def _subject(plan_key: str, update: ProgressUpdate) -> str:
    action = f"/{update.action_position}" if update.action_position is not None else ""
    return f"{plan_key}/{update.recommendation_number}{action}"


def normalise_text(text: str) -> str:
    """Recommendation text as compared: case, spacing, curly quotes, dashes and a final full stop
    do not count (a file retyped from a Word paper differs in exactly these)."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
    text = text.lstrip("*").strip().rstrip(".").strip()
    return re.sub(r"\s+", " ", text).casefold()


def _load_plan(uow: AbstractUnitOfWork, plan_key: str) -> ActionPlan:
    plan = uow.plans.get(plan_key)
    if plan is None:
        keys = ", ".join(p.key for p in uow.plans.list()) or "none loaded"
        raise ModelError(f"no action plan {plan_key!r} (plans: {keys})")
    return plan


def _check(plan: ActionPlan, parsed: ParsedUpdate | None, update: ProgressUpdate) -> None:
    """The update names a recommendation (and action) of the plan, and states its text right."""
    try:
        check_update(plan.key, update, {r.number: r for r in plan.recommendations})
    except ModelError as exc:
        if parsed is None:
            raise
        raise LoadError(str(exc), file=parsed.source, row=parsed.line) from exc
    if parsed is None or parsed.stated_text is None:
        return
    stored = plan.recommendation(update.recommendation_number).text
    if normalise_text(parsed.stated_text) != normalise_text(stored):
        raise LoadError(
            f"recommendation {update.recommendation_number} is not the one in plan {plan.key!r} — is this "
            f"update for another plan? The file says {parsed.stated_text!r}; the plan says {stored!r}",
            file=parsed.source,
            row=parsed.stated_line,
        )


def _record(uow: AbstractUnitOfWork, plan: ActionPlan, entries: list[tuple[ParsedUpdate | None, ProgressUpdate]], *, actor: str, reason: str, now: dt.datetime) -> ProgressResult:
    """Check every update, then store the new ones with an audit event each."""
    for parsed, update in entries:
        _check(plan, parsed, update)
    seen: dict[tuple, int] = {}
    for parsed, update in entries:
        if parsed is None:
            continue
        key = repr(update)
        if key in seen:
            raise LoadError(f"this block repeats the block at line {seen[key]} word for word", file=parsed.source, row=parsed.line)
        seen[key] = parsed.line

    result = ProgressResult(plan.key, plan.title)
    stored = list(plan.updates)
    completed_before = _completed(plan)
    for parsed, update in entries:
        subject = _subject(plan.key, update)
        recorded = RecordedUpdate(_label(update), subject, update.recorded_on)
        if not updates_to_add(stored, [update]):
            result.already_recorded.append(recorded)
            continue
        same_day = [
            u for u in stored
            if (u.recommendation_number, u.action_position, u.recorded_on) == (update.recommendation_number, update.action_position, update.recorded_on)
        ]
        if same_day:
            result.notes.append(
                f"{_label(update)} already had an update dated {update.recorded_on.isoformat()}: both are kept "
                "(updates are never overwritten)"
            )
        if update.action_complete and (update.recommendation_number, update.action_position) in completed_before:
            day = completed_before[update.recommendation_number, update.action_position][1]
            result.notes.append(f"{_label(update)} was already complete (on {day.isoformat()}); this update is kept as well")
        uow.plans.add_update(plan.key, update)
        details = {
            "recorded_on": update.recorded_on.isoformat(),
            "recommendation": update.recommendation_number,
            "action": update.action_position,
            "action_complete": update.action_complete,
            "author": update.author,
        }
        if parsed is not None:
            details.update(source=parsed.source, line=parsed.line)
        uow.audit.add(occurred_at=now, actor=actor, kind=AUDIT_KIND, subject=subject, reason=reason, details=details)
        stored.append(update)
        result.added.append(recorded)

    plan.updates = stored
    for (number, position), (text, day) in _completed(plan).items():
        if (number, position) not in completed_before:
            result.completed.append(f"recommendation {number}, action {position} ({text}): complete on {day.isoformat()}")
    return result


def _completed(plan: ActionPlan) -> dict[tuple[str, int], tuple[str, dt.date]]:
    """(recommendation, action position) → (action text, day done) for every complete action."""
    done = {}
    for rec in plan.recommendations:
        for action in rec.actions:
            day = plan.completed_on(rec.number, action)
            if day is not None:
                done[rec.number, action.position] = (action.text, day)
    return done


def add_update(uow: AbstractUnitOfWork, plan_key: str, update: ProgressUpdate, *, actor: str, now: dt.datetime, reason: str = "") -> ProgressResult:
    """Add one progress update to a plan (unless an identical one is already recorded)."""
    with uow:
        plan = _load_plan(uow, plan_key)
        result = _record(uow, plan, [(None, update)], actor=actor, reason=reason, now=now)
        uow.commit()
    return result


def load_updates(
    uow,
    plan_key: str,
    path: Path | str,
    *,
    recorded_on: dt.date | None,
    actor: str,
    now: dt.datetime,
    author: str | None = None,
    reason: str = "",
    limits: FileLimits = DEFAULT_LIMITS,
) -> ProgressResult:
    """Load every block of a progress-update file into a plan: all of them or none of them.
    `recorded_on` is the day of blocks that give none; `author` the author of blocks without "By:";
    `limits` the most the file may hold."""
    path = Path(path)
    source = str(path)
    text = decode_utf8(read_bytes(path, limits), source)
    parsed = read_progress_updates(text, source, recorded_on=recorded_on)
    entries = []
    for item in parsed:
        update = item.update
        if update.author is None and author:
            update.author = author
        entries.append((item, update))
    with uow:
        plan = _load_plan(uow, plan_key)
        result = _record(uow, plan, entries, actor=actor, reason=reason or f"loaded from {path.name}", now=now)
        uow.commit()
    return result
