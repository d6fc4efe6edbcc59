"""What the public pages `govflow serve` shows hold (issue 14, 11): a document's page (its route
and the timeline), a body's page (its coming meetings and what is on each) and a meeting's page
(where every meeting in the calendar feeds links: when, its status, its papers deadline and what is
on it). Pure: the records, the planned routes, the audit trail and the day are passed in; the HTML
is in reports/pages.py.

Only what may be published (governance_model.publication): an exempt document or an exempt body has
no page, nor has an exempt body's meeting (None, as for one that does not exist); a public document
shows only its public steps; a meeting of a public body counts the exempt business on it as Part II
items, with no title and no detail.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from governance_model.board_report import TrailEvent, event_day
from governance_model.model import Body, Document, Meeting, MeetingStatus, Person, StepForecast, StepState
from governance_model.publication import EXEMPT_ITEM, Publication
from governance_model.route_planner import RoutePlan
from governance_model.reason_words import standing_words
from governance_model.timeline import RouteTimeline, route_timeline
from governance_model.working_days import WorkingCalendar

LONDON = ZoneInfo("Europe/London")
CLOSED = (StepState.DONE, StepState.STOPPED, StepState.SKIPPED)


@dataclass(frozen=True)
class BodyLink:
    code: str
    name: str


@dataclass(frozen=True)
class DocumentPage:
    key: str
    title: str
    owner: str  # name and role, as a report's "Report by" line
    as_of: dt.date
    timeline: RouteTimeline
    bodies: tuple[BodyLink, ...]  # the public bodies on its route, in route order


@dataclass(frozen=True)
class AgendaItem:
    document_key: str
    document_title: str
    step_title: str
    kind: str  # the step's kind ("decide", "review" …)
    words: str  # where it stands ("scheduled 1 Mar 2022 — at risk: …")


@dataclass(frozen=True)
class MeetingAgenda:
    meeting: Meeting
    papers_due: dt.date | None  # the body's lead time before a meeting with a date
    items: tuple[AgendaItem, ...]
    exempt_items: int = 0

    @property
    def part_two(self) -> tuple[str, ...]:
        return (EXEMPT_ITEM,) * self.exempt_items

    @property
    def tbc(self) -> str | None:
        """The window of a meeting not yet fixed ("TBC March 22"), or None when it has a date."""
        if self.meeting.starts_at is not None:
            return None
        return self.meeting.when.shown if self.meeting.when else "TBC"


@dataclass(frozen=True)
class BodyPage:
    code: str
    name: str
    as_of: dt.date
    papers_lead_days: int
    meetings: tuple[MeetingAgenda, ...]  # on or after as_of, soonest first


@dataclass(frozen=True)
class MeetingMove:
    """A meeting moved (or confirmed at another time): from when, to when, the day it was recorded
    and why (a reason that names exempt business is shown only as the Part II placeholder)."""

    was: dt.datetime  # Europe/London
    now: dt.datetime
    recorded_on: dt.date
    why: str


@dataclass(frozen=True)
class MeetingPage:
    body: BodyLink
    papers_lead_days: int
    as_of: dt.date
    agenda: MeetingAgenda
    status: str  # "confirmed", "tentative", "moved", "cancelled" or "held"
    moves: tuple[MeetingMove, ...]  # oldest first


def document_page(
    document: Document, route: RoutePlan, bodies: Iterable[Body], documents: Iterable[Document],
    people: Mapping[str, Person], as_of: dt.date,
) -> DocumentPage | None:
    """The page of `document` on `as_of` (None for an exempt document: it has no public page)."""
    bodies = list(bodies)
    publication = Publication(bodies, documents)
    if not publication.document_is_public(document):
        return None
    shown, shown_route = publication.public_view(document, route)
    by_code = {b.code: b for b in bodies}
    codes = dict.fromkeys(s.body_code for s in sorted(shown.route.steps, key=lambda s: s.position) if s.body_code)
    owner = people.get(document.owner) if document.owner else None
    return DocumentPage(
        document.key, document.title,
        ", ".join(x for x in (owner.name, owner.role) if x) if owner else (document.owner or ""),
        as_of,
        route_timeline(shown, shown_route, {b.code: b.meetings for b in bodies}, as_of),
        tuple(BodyLink(c, by_code[c].name if c in by_code else c) for c in codes),
    )


def body_page(
    body: Body, bodies: Iterable[Body], documents: Iterable[Document], routes: Mapping[str, RoutePlan], as_of: dt.date,
    calendar: WorkingCalendar | None = None,
) -> BodyPage | None:
    """The page of `body` on `as_of`: its meetings from that day on and, on each, the open steps of
    the documents planned onto it (None for an exempt body: it has no public page). `routes`: every
    document's route planned on `as_of`, by key."""
    documents = list(documents)
    publication = Publication(bodies, documents)
    if not publication.body_is_public(body.code):
        return None
    calendar = calendar or WorkingCalendar()
    coming = sorted((m for m in body.meetings if m.day is not None and m.day >= as_of), key=lambda m: (m.day, m.key))
    agendas = tuple(_agenda(body, m, documents, routes, publication, calendar, as_of, closed_too=False) for m in coming)
    return BodyPage(body.code, body.name, as_of, body.papers_lead_days, agendas)


def meeting_page(
    key: str, bodies: Iterable[Body], documents: Iterable[Document], routes: Mapping[str, RoutePlan],
    trail: Iterable[TrailEvent], as_of: dt.date, calendar: WorkingCalendar | None = None,
) -> MeetingPage | None:
    """The page of the meeting `key` on `as_of`: when it is, its status, its papers deadline and the
    steps of the documents planned onto it, done ones too (None for no such meeting and for a
    meeting of an exempt body: it has no public page). `routes`: every document's route planned on
    `as_of`, by key; `trail`: the audit events (its moves are read from them)."""
    bodies, documents = list(bodies), list(documents)
    found = next(((b, m) for b in bodies for m in b.meetings if m.key == key), None)
    if found is None:
        return None
    body, meeting = found
    publication = Publication(bodies, documents)
    if not publication.body_is_public(body.code):
        return None
    agenda = _agenda(body, meeting, documents, routes, publication, calendar or WorkingCalendar(), as_of, closed_too=True)
    moves = tuple(
        MeetingMove(_moment(e.details["from"]), _moment(e.details["to"]), event_day(e), publication.public_text(e.reason))
        for e in sorted(trail, key=lambda e: e.occurred_at)
        if e.subject == key and e.kind in ("meeting.moved", "meeting.confirmed")
        and (e.details or {}).get("from") and (e.details or {}).get("to") and e.details["from"] != e.details["to"]
    )
    if meeting.status is MeetingStatus.CANCELLED:
        status = "cancelled"
    elif meeting.status is MeetingStatus.TENTATIVE or meeting.starts_at is None:
        status = "tentative"
    elif moves:
        status = "moved"
    elif meeting.status is MeetingStatus.HELD:
        status = "held"
    else:
        status = "confirmed"
    return MeetingPage(BodyLink(body.code, body.name), body.papers_lead_days, as_of, agenda, status, moves)


def _agenda(
    body: Body, meeting: Meeting, documents: list[Document], routes: Mapping[str, RoutePlan], publication: Publication,
    calendar: WorkingCalendar, as_of: dt.date, closed_too: bool,
) -> MeetingAgenda:
    """What is on `meeting` of `body`: the steps of the documents planned onto it (open ones only,
    unless `closed_too`), the exempt ones counted, not shown; and its papers deadline."""
    items, exempt = [], 0
    if meeting.status is not MeetingStatus.CANCELLED:
        for document in documents:
            route = routes.get(document.key)
            if route is None:
                continue
            forecasts = {f.step_key: f for f in route.steps}
            for step in sorted(document.route.steps, key=lambda s: s.position):
                forecast = forecasts.get(step.key)
                if step.body_code != body.code or forecast is None or (forecast.state in CLOSED and not closed_too):
                    continue
                on_it = forecast.meeting_key == meeting.key or (
                    forecast.meeting_key is None and forecast.date is not None and forecast.date == meeting.day
                )
                if not on_it:
                    continue
                if not publication.step_is_public(document, step):
                    exempt += 1
                    continue
                reason = publication.public_text(forecast.reason, document.key)
                titles = {s.key: s.title for s in publication.public_steps(document)}
                words = standing_words(forecast if reason == forecast.reason else _without_reason(forecast), step, as_of, titles)
                items.append(AgendaItem(document.key, document.title, step.title, step.kind.value, words))
    papers_due = None
    if meeting.starts_at is not None and meeting.status is not MeetingStatus.CANCELLED and body.papers_lead_days > 0:
        papers_due = calendar.add_working_days(meeting.starts_at.astimezone(LONDON).date(), -body.papers_lead_days)
    return MeetingAgenda(meeting, papers_due, tuple(items), exempt)


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(LONDON)


def _without_reason(forecast: StepForecast) -> StepForecast:
    """A forecast whose reason names exempt business: its at-risk words say only that it is at risk."""
    return replace(forecast, reason="", why=None)
