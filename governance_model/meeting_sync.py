"""The rule that keeps a body's meetings in step with its source: from the stored meetings and one
reading of the source, the changes to make, each in words. Pure: it reads no source and stores
nothing (govflow.services.meeting_sync does both).

What a reading changes, meeting by meeting:

- NEW: a meeting the source lists that no stored meeting matches is added, keyed CODE-YYYY-MM-DD
  (CODE-YYYY-MM-DD-2, -3 … when that key is taken). One the source lists as cancelled is not added:
  there is nothing to take to it (it is added if the source lists it again, going ahead).
- MATCHED: a meeting typed by hand (no source id) of the same body on the same day is the source's
  meeting: it takes the source id, keeps its key, and from then on follows the source. Of two typed
  on that day, the one at the source's time is taken first, else the earlier. So is a stored meeting
  whose id the source no longer lists, on the same day (the source made the meeting again under a
  new id, or the body was linked to another source): it takes the new id instead of a duplicate.
- MOVED: the source has the meeting (same source id) at another day or time (a source that gives
  no time moves only the day: the stored time of day is kept).
- CANCELLED: the source says cancelled, the stored meeting is not.
- CONFIRMED: the stored meeting is tentative and the source lists it as going ahead: it is confirmed
  at the source's time. A meeting cancelled here is never reinstated by a sync (a person may have
  cancelled it): the difference is told (KEPT), for `govflow meeting confirm` if it does go ahead.
- DISAPPEARED: a stored meeting with a source id, on a day the reading covers (first_day…last_day,
  both given), that the reading does not list: kept, flagged missing_from_source, never deleted.
  A reading that does not say which days it covers finds nothing missing.
- LISTED AGAIN: a flagged meeting the source lists again is unflagged.
- PAPERS: the source lists papers for the meeting (an agenda pack, reports) that are not stored
  with it: they are stored, so a step on it whose papers are among them is no longer chased
  (meeting_sources.papers_for). Papers are only ever added: one the source stops listing stays.
- KEPT: the source differs about a meeting already past (its day before `as_of`) or held, would
  move a meeting into the past, or lists one cancelled here as going ahead: a sync never moves,
  cancels or confirms it — the record of what happened stays; the difference is told,
  for a person to change by hand (`govflow meeting move|cancel|confirm`) if the record is wrong.
  Taking a source id (MATCHED) and the missing flag are not changes to the record and apply to
  past meetings too.

The problems the reader met (meetings it could not read) are carried through, with any meeting
the source listed twice (the first is taken) or under an id govflow cannot keep (empty, or longer
than SOURCE_ID_LENGTH). A meeting the reader could not read is not taken as gone from the source. Only the body's own meetings are looked at."""
from __future__ import annotations

import datetime as dt
from collections.abc import Container
from dataclasses import dataclass, field, replace
from enum import Enum

from governance_model.errors import ModelError
from governance_model.limits import KEY_LENGTH, SOURCE_ID_LENGTH
from governance_model.meeting_sources import PublishedPaper, SourceProblem, SourceReading, SourcedMeeting
from governance_model.model import Body, Meeting, MeetingStatus
from governance_model.reason_words import day_words
from governance_model.repository_rules import LONDON


class ChangeKind(str, Enum):
    """What a sync does to one meeting; the value is how the sync's report heads it."""

    NEW = "new"
    MATCHED = "matched"
    MOVED = "moved"
    CANCELLED = "cancelled"
    CONFIRMED = "confirmed"
    DISAPPEARED = "disappeared"
    LISTED_AGAIN = "listed again"
    PAPERS = "papers published"
    KEPT = "kept as recorded"


@dataclass(frozen=True)
class MeetingChange:
    """One change, in words ("ModernGov: meeting 17355 moved from 3 March 2022 to 10 March 2022")
    and in data: the stored meeting's key, the source's id, the start before and after. For NEW,
    `meeting` is the meeting to store."""

    kind: ChangeKind
    meeting_key: str
    source_id: str
    words: str
    was: dt.datetime | None = None
    to: dt.datetime | None = None
    meeting: Meeting | None = None
    papers: tuple[PublishedPaper, ...] = ()  # PAPERS: the meeting's papers once the new ones are added


@dataclass
class SyncPlan:
    """The changes one reading of a body's source asks for, in the order they are made: matches,
    new meetings and flags first (they move no date), then moves, cancellations and confirmations."""

    body_code: str
    changes: list[MeetingChange] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)

    def of(self, kind: ChangeKind) -> list[MeetingChange]:
        return [c for c in self.changes if c.kind is kind]

    @property
    def nothing_changed(self) -> bool:
        """True when the sync would store nothing (a KEPT difference changes nothing either)."""
        return all(c.kind is ChangeKind.KEPT for c in self.changes)


# Changes that only record what the source says of a meeting (its id there, the missing flag) or
# add one: stored together. The rest go through the route changes, one by one (they re-forecast).
RECORDED = (ChangeKind.MATCHED, ChangeKind.NEW, ChangeKind.DISAPPEARED, ChangeKind.LISTED_AGAIN, ChangeKind.PAPERS)
ROUTE_CHANGES = (ChangeKind.MOVED, ChangeKind.CANCELLED, ChangeKind.CONFIRMED)
_ORDER = {kind: i for i, kind in enumerate((*RECORDED, *ROUTE_CHANGES, ChangeKind.KEPT))}


def plan_sync(body: Body, reading: SourceReading, as_of: dt.date, taken_keys: Container[str] = ()) -> SyncPlan:
    """What `reading` of `body`'s source changes in its stored meetings, as of `as_of`.
    `taken_keys`: meeting keys held by other bodies, which a new meeting must not take."""
    if body.source is None:
        raise ModelError(f"body {body.code!r} has no source: give it one in the setup file (source: …)")
    label = body.source.kind.label
    plan = SyncPlan(body.code, problems=list(reading.problems))
    listed = _first_of_each(reading.meetings, plan.problems)
    unread = {p.source_id for p in plan.problems if p.source_id is not None and not p.kept}
    by_source_id = {m.source_id: m for m in body.meetings if m.source_id is not None}
    # Meetings the source may be listing under a new id: typed by hand, or no longer listed under theirs.
    typed = [
        m for m in body.meetings
        if _day_of(m) is not None and (m.source_id is None or (m.source_id not in listed and m.source_id not in unread))
    ]
    keys = _Keys(body, taken_keys)
    for sourced in sorted(listed.values(), key=lambda s: (s.starts_at, s.source_id)):
        stored = by_source_id.get(sourced.source_id)
        if stored is None:
            stored = _typed_by_hand(typed, sourced)
            if stored is not None:
                typed.remove(stored)
                how = "typed by hand" if stored.source_id is None else f"listed before as meeting {stored.source_id}"
                words = f"{label}: meeting {sourced.source_id} is {stored.key} ({day_words(sourced.day)}), {how}"
                plan.changes.append(MeetingChange(ChangeKind.MATCHED, stored.key, sourced.source_id, words, stored.starts_at, stored.starts_at))
                stored = replace(stored, source_id=sourced.source_id, missing_from_source=False)
        if stored is None:
            if not sourced.cancelled:
                meeting = Meeting(
                    key=keys.new(sourced.day), body_code=body.code, starts_at=sourced.starts_at.astimezone(LONDON),
                    location=sourced.location, source_id=sourced.source_id, papers=sourced.papers,
                )
                words = f"{label}: meeting {sourced.source_id} added as {meeting.key}, {_moment(sourced.starts_at)}"
                plan.changes.append(MeetingChange(ChangeKind.NEW, meeting.key, sourced.source_id, words, None, meeting.starts_at, meeting))
            continue
        if stored.missing_from_source:
            words = f"{label}: meeting {sourced.source_id} is listed again"
            plan.changes.append(MeetingChange(ChangeKind.LISTED_AGAIN, stored.key, sourced.source_id, words, stored.starts_at, stored.starts_at))
        new_papers = [p for p in sourced.papers if (p.title, p.url) not in {(q.title, q.url) for q in stored.papers}]
        if new_papers:
            titles = "; ".join(f"{p.title} ({p.url})" for p in new_papers)
            words = f"{label}: meeting {sourced.source_id} ({stored.key}) has papers published: {titles}"
            plan.changes.append(
                MeetingChange(ChangeKind.PAPERS, stored.key, sourced.source_id, words, stored.starts_at, stored.starts_at, papers=(*stored.papers, *new_papers))
            )
        change = _difference(stored, sourced, label, as_of)
        if change is not None:
            plan.changes.append(change)
    matched = {c.meeting_key for c in plan.changes if c.kind is ChangeKind.MATCHED}
    for stored in body.meetings:
        if stored.source_id is None or stored.source_id in listed or stored.missing_from_source:
            continue
        if stored.source_id in unread or stored.key in matched:
            continue  # not read this time (a problem said why), or listed now under a new id
        if _covers(reading, _day_of(stored)):
            words = (
                f"{label}: meeting {stored.source_id} on {_moment_of(stored)} is no longer listed; "
                "kept, and flagged as missing from the source"
            )
            plan.changes.append(MeetingChange(ChangeKind.DISAPPEARED, stored.key, stored.source_id, words, stored.starts_at, stored.starts_at))
    plan.changes.sort(key=lambda c: _ORDER[c.kind])  # stable: each kind keeps the source's order
    return plan


def _difference(stored: Meeting, sourced: SourcedMeeting, label: str, as_of: dt.date) -> MeetingChange | None:
    """How the source's meeting differs from the stored one that is it (same id, or just matched)."""
    status = stored.status
    starts_at = _source_start(stored, sourced)
    cancelled = sourced.cancelled and status is not MeetingStatus.CANCELLED
    reinstated = not sourced.cancelled and status is MeetingStatus.CANCELLED
    confirmed = not sourced.cancelled and status is MeetingStatus.TENTATIVE
    moved = not sourced.cancelled and stored.starts_at != starts_at
    if not (cancelled or reinstated or confirmed or moved):
        return None
    name = f"{label}: meeting {sourced.source_id}"
    day = _day_of(stored)
    if reinstated:
        words = (
            f"{name} goes ahead on {_moment(starts_at)}, but it is cancelled here: kept cancelled "
            f"(`govflow meeting confirm {stored.key}` if it does go ahead)"
        )
        return MeetingChange(ChangeKind.KEPT, stored.key, sourced.source_id, words, stored.starts_at, starts_at)
    if moved and starts_at.astimezone(LONDON).date() < as_of and not (day is not None and day < as_of):
        words = (
            f"{name} on {_moment_of(stored)} is now listed on {_moment(starts_at)}, which has passed: "
            "the meeting is kept as it was (move it by hand if the source is right)"
        )
        return MeetingChange(ChangeKind.KEPT, stored.key, sourced.source_id, words, stored.starts_at, starts_at)
    if status is MeetingStatus.HELD or (day is not None and day < as_of):
        now_says = "cancelled" if sourced.cancelled else _moment(starts_at)
        words = (
            f"{name} on {_moment_of(stored)} has passed: the source now says {now_says}; "
            "the record of the meeting is kept as it was"
        )
        return MeetingChange(ChangeKind.KEPT, stored.key, sourced.source_id, words, stored.starts_at, starts_at)
    if cancelled:
        words = f"{name} on {_moment_of(stored)} cancelled"
        return MeetingChange(ChangeKind.CANCELLED, stored.key, sourced.source_id, words, stored.starts_at, stored.starts_at)
    if confirmed:
        words = f"{name} goes ahead on {_moment(starts_at)} (it was {status.value})"
        return MeetingChange(ChangeKind.CONFIRMED, stored.key, sourced.source_id, words, stored.starts_at, starts_at)
    words = f"{name} moved {_from_to(stored.starts_at, starts_at)}"
    return MeetingChange(ChangeKind.MOVED, stored.key, sourced.source_id, words, stored.starts_at, starts_at)


def _source_start(stored: Meeting, sourced: SourcedMeeting) -> dt.datetime:
    """When the source says the meeting starts: a source that gives no time (a blank, TBC, an
    all-day event) keeps the stored meeting's time of day, on the source's day."""
    starts_at = sourced.starts_at.astimezone(LONDON)
    if sourced.time_known or stored.starts_at is None:
        return starts_at
    return dt.datetime.combine(starts_at.date(), stored.starts_at.astimezone(LONDON).time(), LONDON)


def _first_of_each(meetings: list[SourcedMeeting], problems: list[SourceProblem]) -> dict[str, SourcedMeeting]:
    """The source's meetings by id; one listed twice is taken once (the first) and told."""
    listed: dict[str, SourcedMeeting] = {}
    for meeting in meetings:
        if not meeting.source_id.strip() or len(meeting.source_id) > SOURCE_ID_LENGTH:
            problems.append(SourceProblem(
                f"meeting on {_moment(meeting.starts_at)}", meeting.source_id[:80],
                f"its id at the source is empty or longer than {SOURCE_ID_LENGTH} characters, so govflow cannot keep it: left out",
            ))
            continue
        if meeting.source_id in listed:
            problems.append(SourceProblem(f"meeting {meeting.source_id}", _moment(meeting.starts_at), "listed more than once: the first is taken"))
            continue
        listed[meeting.source_id] = meeting
    return listed


def _typed_by_hand(typed: list[Meeting], sourced: SourcedMeeting) -> Meeting | None:
    """The meeting typed by hand on the source's meeting's day: the one at its time, else the earliest."""
    same_day = [m for m in typed if _day_of(m) == sourced.day]
    if not same_day:
        return None
    at_the_time = [m for m in same_day if m.starts_at == sourced.starts_at]
    return (at_the_time or sorted(same_day, key=lambda m: (m.starts_at is None, m.starts_at or sourced.starts_at, m.key)))[0]


def _day_of(meeting: Meeting) -> dt.date | None:
    """The day a meeting is on, if it is known to the day: its start, or a TBC "window" of one day."""
    if meeting.starts_at is not None:
        return meeting.starts_at.astimezone(LONDON).date()
    when = meeting.when
    if when is not None and when.start is not None and when.start == when.end:
        return when.start
    return None


def _covers(reading: SourceReading, day: dt.date | None) -> bool:
    if day is None or reading.first_day is None or reading.last_day is None:
        return False
    return reading.first_day <= day <= reading.last_day


class _Keys:
    """Keys for new meetings: CODE-YYYY-MM-DD, then -2, -3 … when taken (by this body or another)."""

    def __init__(self, body: Body, taken: Container[str]):
        self.own = {m.key for m in body.meetings}
        self.taken = taken
        self.code = body.code[: KEY_LENGTH - len("-2000-01-01-999")]

    def new(self, day: dt.date) -> str:
        base = f"{self.code}-{day.isoformat()}"
        key, number = base, 1
        while key in self.own or key in self.taken:
            number += 1
            key = f"{base}-{number}"
        self.own.add(key)
        return key


def _time(moment: dt.datetime) -> str:
    return moment.astimezone(LONDON).strftime("%H:%M")


def _moment(moment: dt.datetime) -> str:
    """"10 March 2022 at 14:00" (London time)."""
    local = moment.astimezone(LONDON)
    return f"{day_words(local.date())} at {_time(local)}"


def _moment_of(meeting: Meeting) -> str:
    if meeting.starts_at is not None:
        return _moment(meeting.starts_at)
    return meeting.when.text if meeting.when is not None and meeting.when.text else "TBC"


def _from_to(was: dt.datetime | None, to: dt.datetime) -> str:
    """"from 3 March 2022 to 10 March 2022" (the day moved, at the same time), "from 10:00 to 14:00
    on 3 March 2022" (the time moved), or with both when both moved."""
    if was is None:
        return f"from TBC to {_moment(to)}"
    was_local, to_local = was.astimezone(LONDON), to.astimezone(LONDON)
    if was_local.date() == to_local.date():
        return f"from {_time(was_local)} to {_time(to_local)} on {day_words(to_local.date())}"
    if _time(was_local) == _time(to_local):
        return f"from {day_words(was_local.date())} to {day_words(to_local.date())}"
    return f"from {_moment(was_local)} to {_moment(to_local)}"


def with_source_fields(meeting: Meeting, change: MeetingChange) -> Meeting:
    """`meeting` as a recorded change leaves its source fields (MATCHED, DISAPPEARED, LISTED AGAIN, PAPERS)."""
    if change.kind is ChangeKind.MATCHED:
        return replace(meeting, source_id=change.source_id)
    if change.kind is ChangeKind.DISAPPEARED:
        return replace(meeting, missing_from_source=True)
    if change.kind is ChangeKind.LISTED_AGAIN:
        return replace(meeting, missing_from_source=False)
    if change.kind is ChangeKind.PAPERS:
        return replace(meeting, papers=change.papers)
    return meeting
