"""What goes into a Report to Board (seed 000) for one body on one day: progress since the body's
last meeting (from the audit trail and the routes), the activities for the next period with their
"by when", the decisions required of the board, and the revised timetable with the reasons dates
moved. Pure: the routes, the trail and the day are passed in; rendering is elsewhere (reports/).

The report to a public body is public (governance_model.publication): an exempt document that comes
to it is only counted, as a Part II item with no title and no detail; of a public document, the
steps at exempt bodies and the decisions taken there are left out, and a reason or a line of
progress that names anything exempt reads as the Part II placeholder. The report to an exempt body
is that body's own Part II paper, and shows all it takes."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from governance_model.model import (
    Body,
    Document,
    ForecastChange,
    Meeting,
    MeetingStatus,
    Person,
    StepKind,
    StepState,
)
from governance_model.publication import EXEMPT_ITEM, Publication
from governance_model.rag import PlanRag
from governance_model.reason_words import day_words, move_words, risk_words, short_day, standing_words
from governance_model.route_planner import RoutePlan
from governance_model.timeline import RouteTimeline, route_timeline


LONDON = ZoneInfo("Europe/London")


class TrailEvent(Protocol):
    """What the report reads of an audit event (storage's AuditEvent has these)."""

    occurred_at: dt.datetime
    actor: str
    kind: str
    subject: str
    reason: str
    details: dict[str, Any]


@dataclass(frozen=True)
class Activity:
    """One row of "Proposed priorities and activities for next period"."""

    step_key: str
    title: str
    by_when: str  # as the route's When writes it ("15 th September 21"), or "TBC"
    body_code: str | None
    state: str  # the step's state in words: "done 15 Sep 2021", "forecast 6 Jan 2022", …


@dataclass(frozen=True)
class TimetableRow:
    """One step of the revised timetable: its date now and, where it moved, from what and why."""

    step_key: str
    title: str
    body_code: str | None
    by_when: str
    now: str  # the date now in words ("6 Jan 2022", "TBC")
    moves: tuple[ForecastChange, ...] = ()  # in the period, oldest first
    # The route's step titles by key, for the reasons in words (never step keys).
    titles: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def moved(self) -> bool:
        return bool(self.moves)

    @property
    def was(self) -> str:
        first = self.moves[0].old_date if self.moves else None
        return short_day(first) if first else ("—" if not self.moves else "no date")

    @property
    def why(self) -> str:
        why = "; ".join(f"{move_words(c, self.titles)} (re-planned on {day_words(c.recorded_on)})" for c in self.moves)
        last = self.moves[-1].new_date if self.moves else None
        if self.moves and self.now not in ("TBC", "stopped") and (last is None or short_day(last) != self.now):
            why += f"; re-planned since to {self.now}"
        return why


@dataclass(frozen=True)
class DocumentSection:
    key: str
    title: str
    report_by: str  # the owner's name and role, as the seed's "Report by:" line
    version: str
    progress: tuple[str, ...]
    activities: tuple[Activity, ...]
    decisions_required: tuple[str, ...]
    timetable: tuple[TimetableRow, ...]
    timeline: RouteTimeline | None = None  # the route against time, as the report may show it

    @property
    def moved(self) -> tuple[TimetableRow, ...]:
        """The rows of the revised timetable whose dates moved in the period: all the table shows
        (an empty one says "no changes since the last meeting")."""
        return tuple(row for row in self.timetable if row.moved)


@dataclass(frozen=True)
class BoardReport:
    body_code: str
    body_name: str
    as_of: dt.date
    meeting: Meeting | None  # the meeting the report goes to: the body's next one on or after as_of
    since: dt.date | None  # the body's meeting before that one: "since last period"
    documents: tuple[DocumentSection, ...] = ()
    plans: tuple[PlanRag, ...] = ()
    exempt_items: int = 0  # exempt documents that come to a public body: shown only as Part II items
    takes_papers: bool = True  # False: a gathering (a conference, a workshop), not a board (Body.papers)

    @property
    def gathering_note(self) -> str:
        """What a report to a gathering that takes no papers says of it; "" for a board."""
        if self.takes_papers:
            return ""
        return (
            f"The {self.body_name} is a gathering, not a board: it takes no papers and has no papers deadline. "
            "This report says what comes to it, for information."
        )

    @property
    def part_two(self) -> tuple[str, ...]:
        """One Part II line per exempt item: the placeholder, with no title and no detail."""
        return (EXEMPT_ITEM,) * self.exempt_items

    @property
    def meeting_day(self) -> dt.date | None:
        return self.meeting.day if self.meeting else None

    @property
    def meeting_tbc(self) -> str | None:
        """The window of a meeting not yet fixed ("TBC March 22"), or None when it has a date."""
        if self.meeting is None or self.meeting.starts_at is not None:
            return None
        return self.meeting.when.shown if self.meeting.when else "TBC"


def event_day(event: TrailEvent) -> dt.date:
    """The day an event counts for: the date it records (decided, done, met, updated, or the as-of of
    the change), else the day it was recorded in Europe/London."""
    for key in ("decided_on", "done_on", "met_on", "recorded_on", "as_of"):
        value = event.details.get(key) if event.details else None
        if value:
            try:
                return dt.date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
    return event.occurred_at.astimezone(LONDON).date()


def body_meetings(body: Body) -> list[Meeting]:
    return sorted(
        (m for m in body.meetings if m.status is not MeetingStatus.CANCELLED and m.day is not None),
        key=lambda m: (m.day, m.key),
    )


def build_board_report(
    body: Body,
    documents: Iterable[Document],
    routes: Mapping[str, RoutePlan],
    changes: Iterable[ForecastChange],
    events: Iterable[TrailEvent],
    as_of: dt.date,
    *,
    people: Mapping[str, Person] | None = None,
    plans: Iterable[PlanRag] = (),
    publication: Publication,
    meetings_of: Mapping[str, Iterable[Meeting]] | None = None,
) -> BoardReport:
    """The report for `body`'s next meeting on or after `as_of`, covering every document whose route
    comes to the body; for a public body, what `publication` says the public may see of them.
    `meetings_of`: every body's meetings by code, the markers on each document's timeline (default:
    only `body`'s)."""
    meetings = body_meetings(body)
    meeting = next((m for m in meetings if m.day >= as_of), None)
    # "Since last period": the body's last sitting with a date (a TBC window is not a sitting yet).
    before = [m for m in meetings if m.starts_at is not None and m.day < (meeting.day if meeting else as_of)]
    since = before[-1].day if before else None
    people = people or {}
    changes, events = list(changes), list(events)
    public = publication.body_is_public(body.code)
    sections, exempt_items = [], 0
    for document in documents:
        if not any(s.body_code == body.code for s in document.route.steps):
            continue
        route = routes[document.key]
        finished = all(f.state in (StepState.DONE, StepState.STOPPED, StepState.SKIPPED) for f in route.steps)
        if public and not publication.document_is_public(document):
            exempt_items += not finished
            continue
        mine = [c for c in changes if c.document_key == document.key]
        seen = events
        if public:
            mine, seen = publication.public_changes(document, mine), _public_trail(document, events, publication)
            document, route = publication.public_view(document, route)
        section = _section(body, document, route, mine, seen, since, as_of, meeting, people)
        if public:
            section = replace(section, progress=tuple(p for p in section.progress if not publication.names_exempt(p, document.key)))
        if finished and not section.progress:
            continue  # signed off or stopped before the last meeting: nothing left to report
        # The timeline picture (issue 14, 11): of what the report shows (the public view when public).
        timeline = route_timeline(document, route, meetings_of if meetings_of is not None else {body.code: body.meetings}, as_of)
        sections.append(replace(section, timeline=timeline))
    return BoardReport(body.code, body.name, as_of, meeting, since, tuple(sections), tuple(plans), exempt_items, body.papers)


def _public_trail(document: Document, events: list, publication: Publication) -> list:
    """The trail the public may read about `document`: nothing about its hidden steps, nor about
    decisions taken at exempt bodies."""
    keys = {s.key for s in publication.public_steps(document)}
    prefix = f"{document.key}/"

    def seen(event) -> bool:
        if not event.subject.startswith(prefix):
            return True
        body = (event.details or {}).get("body")
        return event.subject[len(prefix):] in keys and publication.body_is_public(body)

    return [e for e in events if seen(e)]


def _in_period(day: dt.date | None, since: dt.date | None, as_of: dt.date) -> bool:
    """Since the last meeting, that meeting's own day included (what it decided is news to the next),
    up to the report's day."""
    return day is not None and (since is None or day >= since) and day <= as_of


def _section(body, document: Document, route: RoutePlan, changes, events, since, as_of, meeting, people) -> DocumentSection:
    forecasts = {f.step_key: f for f in route.steps}
    steps = sorted(document.route.steps, key=lambda s: s.position)
    titles = {s.key: s.title for s in steps}
    meeting_keys = {f.meeting_key for f in route.steps if f.meeting_key}  # the sittings its steps are on

    # Progress since the last meeting: what the trail recorded, then steps done that it does not mention.
    progress: list[tuple[dt.date, str]] = []
    mentioned: set[str] = set()
    for event in events:
        day = event_day(event)
        if not _in_period(day, since, as_of):
            continue
        item = _describe(event, document, titles, meeting_keys)
        if item is not None:
            progress.append((day, item))
            if event.subject.startswith(f"{document.key}/"):
                mentioned.add(event.subject.split("/", 1)[1])
    for step in steps:
        forecast = forecasts[step.key]
        if forecast.state is StepState.DONE and step.key not in mentioned and _in_period(forecast.date, since, as_of):
            progress.append((forecast.date, f"{short_day(forecast.date)}: {step.title} — done."))
    progress.sort(key=lambda p: p[0])

    # Activities: every step not already done by the last meeting, in route order.
    activities = tuple(
        Activity(s.key, s.title, s.when.shown if s.when and s.when.text else "TBC", s.body_code, standing_words(forecasts[s.key], s, as_of, titles))
        for s in steps
        if not (forecasts[s.key].state is StepState.DONE and since is not None and forecasts[s.key].date and forecasts[s.key].date <= since)
    )

    # The revised timetable: open steps (and steps done in the period) with their moves in the period.
    timetable = []
    for step in steps:
        forecast = forecasts[step.key]
        if forecast.state is StepState.DONE and not _in_period(forecast.date, since, as_of):
            continue
        moves = tuple(
            sorted(
                (c for c in changes if c.step_key == step.key and _in_period(c.recorded_on, since, as_of) and c.old_date != c.new_date),
                key=lambda c: c.recorded_on,
            )
        )
        now = "stopped" if forecast.state is StepState.STOPPED else (short_day(forecast.date) if forecast.date else "TBC")
        timetable.append(
            TimetableRow(step.key, step.title, step.body_code, step.when.shown if step.when and step.when.text else "TBC", now, moves, titles)
        )

    # Decisions required: what the route brings to this body's meeting, and a moved timetable to agree.
    required = []
    if meeting is not None:
        for step in steps:
            forecast = forecasts[step.key]
            if step.body_code != body.code or forecast.state in (StepState.DONE, StepState.STOPPED, StepState.SKIPPED):
                continue
            if forecast.meeting_key == meeting.key or (forecast.date is not None and forecast.date == meeting.day):
                risk = risk_words(forecast, titles)
                required.append(f"{_ASK.get(step.kind, 'To consider')}: {step.title}{f' — at risk: {risk}' if risk else ''}")
            elif forecast.state is StepState.OVERDUE and forecast.date is not None:
                required.append(f"{_ASK.get(step.kind, 'To consider')} (overdue since {short_day(forecast.date)}): {step.title}")
    moved = [row for row in timetable if row.moved]
    if moved:
        required.append(
            f"To note and agree the revised timetable for {document.title}: {len(moved)} "
            f"{'date has' if len(moved) == 1 else 'dates have'} moved (see the revised timetable)"
        )
    if not required:
        required.append(f"To note the progress of {document.title}; nothing comes to this meeting for decision")

    owner = people.get(document.owner) if document.owner else None
    report_by = ", ".join(x for x in (owner.name, owner.role) if x) if owner else (document.owner or "")
    # The latest version dated by the report's day; undated versions say nothing about which is current.
    dated = [v for v in document.versions if v.dated is not None and v.dated <= as_of]
    latest = max(dated, key=lambda v: v.number) if dated else None
    version = (latest.label or f"Version {latest.number}") if latest else ""
    return DocumentSection(
        document.key, document.title, report_by, version,
        tuple(text for _, text in progress), activities, tuple(required), tuple(timetable),
    )


_ASK = {
    StepKind.SHARE: "To note",
    StepKind.FEEDBACK: "To give feedback on",
    StepKind.WORKSHOP: "To take part in",
    StepKind.REVIEW: "To review",
    StepKind.REVISE: "To note the revision",
    StepKind.CONSULT: "To note the consultation",
    StepKind.DECIDE: "To decide",
    StepKind.PUBLISH: "To note the publication",
}


def _describe(event: TrailEvent, document: Document, titles: Mapping[str, str], meeting_keys: set[str]) -> str | None:
    """One progress line for an audit event that concerns `document`, or None."""
    details = event.details or {}
    day = short_day(event_day(event))
    why = f" ({event.reason})" if event.reason else ""
    if event.subject.startswith(f"{document.key}/"):
        step_key = event.subject.split("/", 1)[1]
        title = titles.get(step_key, step_key)
        if event.kind == "decision.recorded":
            outcome = str(details.get("outcome", "")).replace("_", " ")
            minute = f" {details['minute']}" if details.get("minute") else ""
            return f"{day}: {details.get('body') or ''} {outcome} “{title}”.{minute}{why}".replace(":  ", ": ")
        if event.kind == "step.done":
            return f"{day}: {title} — done.{why}"
        return f"{day}: {title} — {event.kind}.{why}"
    if event.kind.startswith("meeting.") and event.subject in meeting_keys:
        what = event.kind.split(".", 1)[1]
        moved = ""
        if what == "moved" and details.get("from") and details.get("to"):
            moved = f" from {short_day(dt.date.fromisoformat(details['from'][:10]))} to {short_day(dt.date.fromisoformat(details['to'][:10]))}"
        return f"{day}: meeting {event.subject} {what}{moved}.{why}"
    return None
