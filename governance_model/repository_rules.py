"""The rules every repository keeps, the SQL one and the in-memory fake in tests alike.

What a save refuses, and the order things come back in, is decided here once, so the two cannot
drift apart (tests/contract checks both against the same expectations):

- bodies come back with their meetings ordered by start (a TBC meeting by the start of its window,
  undated meetings last), then key; meetings missing from a saved body are left alone;
- a body's source comes back as saved (None: typed by hand); a meeting's id at the source is one
  meeting's within its body (`check_source_ids`); saving a body whose meeting has no source id
  (a setup file loaded again) keeps the id and the missing-from-source flag stored for it — and,
  while the body has a source, the meeting as stored (it follows the source) — while
  `save_meeting` stores both as given (the sync sets and clears them);
- documents come back with their steps ordered by position, then key; versions in the order given;
- plans keep the order of recommendations, actions and measures as given; progress updates are
  never deleted and come back ordered by date, then by the order they were added;
- step forecasts are one per step, upserted by (document key, step key), and go when their step
  goes; they come back ordered by document key, then step position and key;
- forecast changes are only ever added and come back ordered by `recorded_on`, then the order added;
- nightly runs are one per as-of date (recording a date again replaces it);
- `reminder_days` (of a body or a plan) come back as a tuple, or None for the default;
- conditions are one per name, matched without regard to case (saving "dfe" replaces "DfE") and
  come back ordered by that case-folded name;
- the outbox: a reminder is stored once per `Reminder.key` (queueing it again adds nothing); every
  reminder not yet in a message joins its recipient's one pending message (one is created when
  there is none); messages are claimed one at a time, oldest first, once `next_attempt_at` has
  come; a failed send stays pending with `attempts` + 1, the (redacted) error and a later
  `next_attempt_at` (`outbox_message.retry_delay`); nothing in the outbox is ever deleted;
- term dates are one table, the council's own: saving replaces everything stored, keeps only the
  academic years the table holds (not its estimates or its backing table), needs at least one and
  a source; they come back in academic-year order, with that source, estimating nothing.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from collections import Counter
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from governance_model.errors import ModelError
from governance_model.limits import SOURCE_ID_LENGTH
from governance_model.strategy import MeetingQuestion
from governance_model.model import (
    ActionPlan,
    Body,
    Document,
    Meeting,
    NightlyRun,
    ProgressUpdate,
    Step,
    StepForecast,
    StepState,
)
from governance_model.school_terms import AcademicYear, SchoolTerms
from governance_model.working_days import is_day_count

LONDON = ZoneInfo("Europe/London")
_LAST = dt.datetime.max.replace(tzinfo=dt.timezone.utc)


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
        check_meeting(meeting)


def check_meeting(meeting: Meeting) -> None:
    if meeting.starts_at is not None and meeting.starts_at.utcoffset() is None:
        raise ModelError(f"meeting {meeting.key!r} starts at a time without a time zone")
    if meeting.source_id is not None and not (0 < len(meeting.source_id.strip()) and len(meeting.source_id) <= SOURCE_ID_LENGTH):
        raise ModelError(
            f"meeting {meeting.key!r}: its id at the source must be 1 to {SOURCE_ID_LENGTH} characters; got {meeting.source_id!r:.80}"
        )


def kept_source_fields(meeting: Meeting, stored: Meeting | None, linked: bool = False) -> Meeting:
    """`meeting` as a body save stores it: one that names no source id keeps what is stored (a
    setup file loaded again knows nothing of the source; its meetings stay matched). A meeting
    matched to the source of a body still `linked` to it follows the source, not the file: it keeps
    its stored start, window, status, location and sequence too."""
    if meeting.source_id is not None or stored is None or stored.source_id is None:
        return meeting
    if linked:
        return replace(stored, key=meeting.key, body_code=meeting.body_code)
    return replace(meeting, source_id=stored.source_id, missing_from_source=stored.missing_from_source)


def check_source_ids(body_code: str, meetings: Iterable[Meeting]) -> None:
    """Refuse two meetings of one body with the same id at its source: `meetings` is the body's
    meetings as they will be stored once the save is done."""
    holders: dict[str, list[str]] = {}
    for meeting in meetings:
        if meeting.source_id is not None:
            holders.setdefault(meeting.source_id, []).append(meeting.key)
    for source_id, keys in sorted(holders.items()):
        if len(keys) > 1:
            raise ModelError(
                f"body {body_code!r}: meetings {', '.join(repr(k) for k in sorted(keys))} have the same id at the source, {source_id!r}"
            )


def check_meeting_body(meeting: Meeting, stored_body_code: str) -> None:
    """`save_meeting` changes a meeting, never the body it belongs to."""
    if meeting.body_code != stored_body_code:
        raise ModelError(
            f"meeting {meeting.key!r} belongs to body {stored_body_code!r}, not {meeting.body_code!r}"
        )


def no_meeting(key: str) -> ModelError:
    return ModelError(f"no meeting {key!r}")


def no_step(document_key: str, step_key: str) -> ModelError:
    return ModelError(f"document {document_key!r} has no step {step_key!r}")


def check_document(document: Document) -> None:
    document.route.validate()
    _check_unique(
        (str(v.number) for v in document.versions), f"document {document.key!r} has more than one version"
    )


def check_plan(plan: ActionPlan) -> None:
    _check_unique(
        (r.number for r in plan.recommendations), f"plan {plan.key!r} has more than one recommendation"
    )


def check_questions(questions: Iterable[MeetingQuestion]) -> None:
    """A meeting's questions are numbered 1, 2, … once each, and each says what was asked."""
    questions = list(questions)
    for question in questions:
        if not isinstance(question.number, int) or isinstance(question.number, bool) or question.number < 1:
            raise ModelError(f"a question at {question.meeting_key!r} needs a number 1 or more; got {question.number!r}")
        if not question.question.strip():
            raise ModelError(f"question {question.number} at {question.meeting_key!r} says nothing")
    _check_unique((q.number for q in questions), "a meeting has more than one question")


def stored_reminder_days(days: Iterable[int] | None, owner: str) -> tuple[int, ...] | None:
    """`days` as stored and read back (a tuple of whole working days, None for the default), or
    ModelError naming `owner` when one is not a whole number of days, or is negative."""
    if days is None:
        return None
    stored = []
    for day in days:
        if not is_day_count(day):
            raise ModelError(f"{owner}: reminder days must be whole working days, 0 or more; got {day!r}")
        stored.append(day)
    return tuple(stored)


def condition_key(name: str) -> str:
    """What makes two condition names the same: case (and surrounding spaces) do not count."""
    key = name.strip().casefold()
    if not key:
        raise ModelError("a condition needs a name")
    return key


def latest_forecasts(forecasts: Iterable[StepForecast]) -> dict[tuple[str, str], StepForecast]:
    """The forecasts by (document key, step key); a step given twice keeps the last one."""
    latest: dict[tuple[str, str], StepForecast] = {}
    for forecast in forecasts:
        StepState(forecast.state)  # refuse a state that is not one
        latest[(forecast.document_key, forecast.step_key)] = forecast
    return latest


def unknown_steps(unknown: Iterable[tuple[str, str]]) -> ModelError:
    """The error for forecasts of steps that are not in any stored route; names (some of) them."""
    names = sorted(f"{document_key}/{step_key}" for document_key, step_key in unknown)
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    return ModelError(f"cannot save forecasts for steps that are in no stored route: {shown}")


def forecast_order(forecast: StepForecast, steps: dict[tuple[str, str], Step]) -> tuple:
    step = steps[(forecast.document_key, forecast.step_key)]
    return (forecast.document_key, step.position, step.key)


def stored_summary(run: NightlyRun) -> dict[str, Any]:
    """The run's summary as JSON gives it back (so the fake and the database agree), or ModelError."""
    check_aware(run.finished_at, f"nightly run {run.as_of.isoformat()} finished at")
    try:
        return json.loads(json.dumps(run.summary))
    except (TypeError, ValueError) as error:
        raise ModelError(f"the summary of nightly run {run.as_of.isoformat()} is not JSON: {error}") from None


def check_aware(moment: dt.datetime, what: str) -> None:
    if moment.utcoffset() is None:
        raise ModelError(f"{what} {moment.isoformat()}, a time without a time zone")


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


def check_update(plan_key: str, update: ProgressUpdate, recommendations: dict[str, Any]) -> None:
    """An update must name a recommendation of the plan (and one of its actions, if it names one)."""
    rec = recommendations.get(update.recommendation_number)
    if rec is None:
        numbers = ", ".join(recommendations)
        raise ModelError(f"plan {plan_key!r} has no recommendation {update.recommendation_number!r} (it has {numbers})")
    if update.action_position is not None:
        positions = [a.position for a in rec.actions]
        if update.action_position not in positions:
            raise ModelError(
                f"recommendation {update.recommendation_number} of plan {plan_key!r} has no action "
                f"{update.action_position} (its actions are numbered {', '.join(map(str, positions)) or 'none'})"
            )
    elif update.action_complete:
        raise ModelError("only an action can be recorded complete: say which action of the recommendation")


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
        update.action_complete,
    )


def _check_unique(keys: Iterable[str], message: str) -> None:
    counts = Counter(keys)
    repeated = sorted(k for k, n in counts.items() if n > 1)
    if repeated:
        raise ModelError(f"{message} numbered or keyed {', '.join(repr(k) for k in repeated)}")


def term_years_to_store(terms: SchoolTerms, source: str) -> list[AcademicYear]:
    """The academic years a term-dates save stores; refuses a table with none, or no source."""
    if not source or not source.strip():
        raise ModelError("term dates need a source (the file they were loaded from)")
    years = terms.years()
    if not years:
        raise ModelError("term dates with no academic year cannot be stored")
    return years
