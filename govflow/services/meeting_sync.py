"""Syncing a body's meetings with its source: read the source (outside any transaction), plan the
changes (governance_model.meeting_sync) and make them as people's changes are made — a moved,
cancelled or reinstated meeting through route_changes' move / cancel / confirm (re-forecast, audit,
the feeds' SEQUENCE up), with the source as the actor and its words as the reason.

Transactions: what moves no date (meetings added, matched, flagged) is stored in one transaction
first; then each move, cancellation and confirmation in its own, as `govflow meeting move` does.
A failure part-way leaves every meeting as one of those transactions left it — never half changed
— and the next sync finds what is still different and does it. A source that cannot be read
changes nothing."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from committee_systems.errors import SourceUnreachable
from governance_model.errors import Error, ModelError
from governance_model.meeting_sources import MeetingSource, SourceProblem, SourceReading
from governance_model.meeting_sync import ChangeKind, MeetingChange, SyncPlan, plan_sync, with_source_fields
from governance_model.model import ForecastChange
from governance_model.ports import AbstractUnitOfWork
from governance_model.publication import EXEMPT_ITEM
from govflow.services import route_changes

Read = Callable[[MeetingSource, dt.date, dt.date], SourceReading]
UowFactory = Callable[[], AbstractUnitOfWork]

# The days a sync asks the source about, around `as_of`: the recent past (to match meetings typed
# by hand and flag what the source dropped; a past meeting's record is never changed) and a year on.
DAYS_BEFORE = 31
DAYS_AFTER = 366

_AUDIT_KINDS = {
    ChangeKind.MATCHED: "meeting.matched",
    ChangeKind.DISAPPEARED: "meeting.missing_from_source",
    ChangeKind.LISTED_AGAIN: "meeting.listed_again",
    ChangeKind.PAPERS: "meeting.papers_published",
}


@dataclass
class SyncResult:
    """One body's sync: the plan (the changes in words, the source's problems), what was done, and
    what could not be — the source unreadable (`failure`), or a change refused (`failed`)."""

    body_code: str
    source: str  # the source's name, as people are told it ("ModernGov committee 142")
    dry_run: bool = False
    plan: SyncPlan | None = None
    failure: str | None = None  # the source could not be read: nothing was changed
    unreachable: bool = False  # with `failure`: it did not answer (or a server error): worth asking again
    done: list[MeetingChange] = field(default_factory=list)
    failed: list[tuple[MeetingChange, str]] = field(default_factory=list)
    outcomes: list[route_changes.ChangeResult] = field(default_factory=list)  # each stored change's, with the dates it moved

    @property
    def reforecast(self) -> list[ForecastChange]:
        """Every date the sync's changes moved."""
        return [c for outcome in self.outcomes for c in outcome.reforecast]

    @property
    def ok(self) -> bool:
        return self.failure is None and not self.failed

    @property
    def problems(self) -> list[SourceProblem]:
        return self.plan.problems if self.plan else []


class _KeysOfOtherBodies:
    """The meeting keys a new meeting may not take: asked of the store one at a time."""

    def __init__(self, uow: AbstractUnitOfWork):
        self.uow = uow

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.uow.bodies.get_meeting(key) is not None


def sync_body(
    uow_factory: UowFactory, body_code: str, read: Read, *, as_of: dt.date, now: dt.datetime, dry_run: bool = False
) -> SyncResult:
    """Read `body_code`'s source and make the stored meetings agree with it (with `dry_run`, only
    say what would change). A body with no source is a ModelError; a source the reader cannot read
    (any govflow error it raises) is the result's `failure`, with nothing changed."""
    with uow_factory() as uow:
        body = uow.bodies.get(body_code)
    if body is None:
        raise ModelError(f"no body {body_code!r}")
    if body.source is None:
        raise ModelError(f"body {body_code!r} has no source: give it one in the setup file (source: …)")
    result = SyncResult(body_code, body.source.name, dry_run)
    try:
        reading = read(body.source, as_of - dt.timedelta(days=DAYS_BEFORE), as_of + dt.timedelta(days=DAYS_AFTER))
    except Error as error:
        result.failure = str(error)
        result.unreachable = isinstance(error, SourceUnreachable)
        return result
    actor = body.source.kind.label
    with uow_factory() as uow:  # planned against the meetings as they are now, not as before the read
        body = uow.bodies.get(body_code)
        if body is None or body.source is None:
            raise ModelError(f"body {body_code!r} was removed or unlinked from its source while it was read")
        result.plan = plan = plan_sync(body, reading, as_of, _KeysOfOtherBodies(uow))
        meetings = {m.key: m for m in body.meetings}
    if dry_run:
        return result
    _record(uow_factory, result, plan, meetings, actor=actor, as_of=as_of, now=now)
    for change in plan.changes:
        if change.kind in (ChangeKind.MOVED, ChangeKind.CANCELLED, ChangeKind.CONFIRMED):
            _change_route(uow_factory, result, change, actor=actor, as_of=as_of, now=now)
    return result


def _record(uow_factory: UowFactory, result: SyncResult, plan: SyncPlan, meetings: dict, **who) -> None:
    """Meetings added, matched, flagged and unflagged: one transaction (all or none)."""
    added = [(c.meeting, c.words) for c in plan.changes if c.kind is ChangeKind.NEW and c.meeting is not None]
    recorded = [c for c in plan.changes if c.kind in _AUDIT_KINDS]
    if not added and not recorded:
        return
    changed = []
    for change in recorded:  # a meeting matched and listed again in one sync: both, in order
        meeting = with_source_fields(meetings[change.meeting_key], change)
        meetings[change.meeting_key] = meeting
        changed.append((meeting, _AUDIT_KINDS[change.kind], change.words))
    done = [c for c in plan.changes if c.kind is ChangeKind.NEW or c.kind in _AUDIT_KINDS]
    try:
        outcome = route_changes.record_source_meetings(uow_factory(), result.body_code, added, changed, **who)
    except Error as error:
        result.failed.extend((c, str(error)) for c in done)
        return
    result.done.extend(done)
    result.outcomes.append(outcome)


def _change_route(uow_factory: UowFactory, result: SyncResult, change: MeetingChange, *, actor: str, as_of: dt.date, now: dt.datetime) -> None:
    """A move, cancellation or confirmation, exactly as `govflow meeting move|cancel|confirm` makes it."""
    who = {"actor": actor, "reason": change.words, "as_of": as_of, "now": now}
    try:
        if change.kind is ChangeKind.MOVED:
            outcome = route_changes.move_meeting(uow_factory(), change.meeting_key, change.to, **who)
        elif change.kind is ChangeKind.CANCELLED:
            outcome = route_changes.cancel_meeting(uow_factory(), change.meeting_key, **who)
        else:
            outcome = route_changes.confirm_meeting(uow_factory(), change.meeting_key, change.to, **who)
    except Error as error:
        result.failed.append((change, str(error)))
        return
    result.done.append(change)
    result.outcomes.append(outcome)


def linked_bodies(uow_factory: UowFactory) -> list[str]:
    """The codes of the bodies whose meetings come from a source, in code order."""
    with uow_factory() as uow:
        return [b.code for b in uow.bodies.list() if b.source is not None]


def sync_bodies(
    uow_factory: UowFactory, body_code: str | None, read: Read, *, as_of: dt.date, now: dt.datetime, dry_run: bool = False
) -> list[SyncResult]:
    """`sync_body` for one body, or (None) every body linked to a source; one's failure does not
    stop the others."""
    codes = [body_code] if body_code is not None else linked_bodies(uow_factory)
    return [sync_body(uow_factory, code, read, as_of=as_of, now=now, dry_run=dry_run) for code in codes]


def night_summary(results: list[SyncResult], exempt_bodies: set[str]) -> list[dict]:
    """What the night's summary (a Prefect artifact, `govflow nightly --json`) says of each body's
    sync: its source, the changes and problems in words, or why the source could not be read. An
    exempt body's sync is only counted, as the Part II placeholder: its meetings are not public."""
    lines = []
    for result in results:
        if result.body_code in exempt_bodies:
            lines.append({"body": EXEMPT_ITEM, "changes": len(result.done), "failed": result.failure is not None})
            continue
        lines.append(
            {
                "body": result.body_code,
                "source": result.source,
                "changes": [c.words for c in result.done],
                "refused": [f"{c.words}: {why}" for c, why in result.failed],
                "problems": [f"{p.where}: {p.reason}" for p in result.problems],
                "failure": result.failure,
            }
        )
    return lines
