"""Finding things: who the people are and where their own calendar is, which meetings there are
(with the keys `govflow meeting confirm|move|cancel` take) and what is on them, and where each
document stands (`govflow people`, `govflow feeds show`, `govflow meeting list`, `govflow documents`).

A person's calendar address is `<public address>/feeds/person/<token>.ics`: the token is made the
first time the feeds are published (`govflow feeds build`, the nightly), so before that a person has
no address yet (None here), and nothing is made up.

What is listed follows governance_model.publication as `govflow status` does: an exempt document is
only counted, as a Part II item, and is named on no meeting. Meetings are listed for every body,
exempt ones marked, since their secretaries confirm and move them by key too."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from calendars.feed_folder import feed_url, webcal_url
from calendars.feeds import PERSON
from governance_model.linked_routes import plan_routes
from governance_model.model import Body, Meeting, StepState
from governance_model.ports import AbstractUnitOfWork
from governance_model.publication import EXEMPT_ITEM, Publication
from governance_model.route_planner import MeetingIndex
from governance_model.working_days import WorkingCalendar
from govflow.errors import Error
from notifications.digest import FeedLinks

LONDON_FORMAT = "%Y-%m-%d %H:%M"
OPEN_STATES = frozenset(s for s in StepState if s.value not in ("done", "skipped", "stopped"))


class NotFound(Error):
    """What was asked for by name (a person's initials, a body's code) is not there."""


# --- people and their calendars ------------------------------------------------------------------


def feed_links(public_url: str, token: str) -> FeedLinks:
    """A person's calendar address, both ways, from their token."""
    https = feed_url(public_url, f"{PERSON}/{token}.ics")
    return FeedLinks(webcal=webcal_url(https), https=https)


def feed_links_of(public_url: str):
    """For the outbox's senders: each recipient's calendar address, read in the sender's own unit of
    work (None when they have no feed token yet)."""

    def links(uow: AbstractUnitOfWork, initials: str) -> FeedLinks | None:
        token = uow.feeds.get_token(initials)
        return feed_links(public_url, token.token) if token is not None else None

    return links


@dataclass(frozen=True)
class PersonEntry:
    initials: str
    name: str
    role: str
    email: str | None
    secretary_of: list[str] = field(default_factory=list)  # body codes
    steps_at: list[str] = field(default_factory=list)  # body codes where a step they own is taken
    steps: int = 0  # route steps they own
    actions: int = 0  # plan actions they own
    documents: list[str] = field(default_factory=list)  # keys of the documents they own
    feed: FeedLinks | None = None


def people(uow: AbstractUnitOfWork, public_url: str) -> list[PersonEntry]:
    """Every person of the council, with the bodies they sit on, what they own and their calendar."""
    with uow:
        everyone, bodies, documents, plans = uow.people.list(), uow.bodies.list(), uow.documents.list(), uow.plans.list()
        tokens = uow.feeds.list_tokens()
    entries = []
    for person in sorted(everyone, key=lambda p: p.initials.casefold()):
        me = person.initials
        owned_steps = [s for d in documents for s in d.route.steps if s.owner == me]
        token = tokens.get(me)
        entries.append(PersonEntry(
            initials=me,
            name=person.name,
            role=person.role,
            email=person.email,
            secretary_of=sorted((b.code for b in bodies if b.secretary == me), key=str.casefold),
            steps_at=sorted({s.body_code for s in owned_steps if s.body_code}, key=str.casefold),
            steps=len(owned_steps),
            actions=sum(1 for p in plans for r in p.recommendations for a in r.actions if a.owner == me),
            documents=sorted(d.key for d in documents if d.owner == me),
            feed=feed_links(public_url, token.token) if token is not None else None,
        ))
    return entries


def person(uow: AbstractUnitOfWork, public_url: str, initials: str) -> PersonEntry:
    """One person's entry, found by their initials (as written, or in any case when that is unique)."""
    entries = people(uow, public_url)
    found = [e for e in entries if e.initials == initials] or [e for e in entries if e.initials.casefold() == initials.casefold()]
    if len(found) != 1:
        known = ", ".join(e.initials for e in entries) or "none loaded yet"
        raise NotFound(f"no person with initials {initials!r} (people: {known})")
    return found[0]


# --- meetings --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingOnIt:
    """A document's step that sits on a meeting."""

    document_key: str
    document_title: str
    step_key: str
    step_title: str
    state: str


@dataclass(frozen=True)
class MeetingEntry:
    key: str  # what `govflow meeting confirm|move|cancel` take
    body_code: str
    body_name: str
    status: str  # scheduled | tentative | cancelled | held
    starts_at: str | None  # "YYYY-MM-DD HH:MM", Europe/London; None while TBC
    window: str | None  # a TBC meeting's window as written ("TBC March 22"), else None
    window_start: dt.date | None
    window_end: dt.date | None
    exempt: bool
    on_it: list[MeetingOnIt] = field(default_factory=list)
    part_two: int = 0  # exempt documents' steps on it, counted only

    @property
    def when(self) -> str:
        """The date and time, or the TBC window, in words."""
        if self.starts_at:
            return self.starts_at
        written = f" (as written: {self.window})" if self.window and self.window.strip().upper() != "TBC" else ""
        if self.window_start and self.window_end:
            if self.window_start == self.window_end:
                return f"TBC, {self.window_start}{written}"
            return f"TBC, between {self.window_start} and {self.window_end}{written}"
        return f"TBC, no date yet{written}"


def meetings(uow: AbstractUnitOfWork, as_of: dt.date, body: str | None = None, since: dt.date | None = None) -> list[MeetingEntry]:
    """The meetings (of `body` only, when given; from `since` on, when given: a TBC meeting counts
    from the end of its window, an undated one always), in date order, each with the documents whose
    steps sit on it as routes are planned on `as_of`."""
    with uow:
        bodies, documents = uow.bodies.list(), uow.documents.list()
        decisions, conditions = uow.documents.list_decisions(), uow.conditions.list()
    if body is not None:
        chosen = [b for b in bodies if b.code == body] or [b for b in bodies if b.code.casefold() == body.casefold()]
        if len(chosen) != 1:
            raise NotFound(f"no body with code {body!r} (bodies: {', '.join(sorted(b.code for b in bodies)) or 'none loaded yet'})")
        shown_bodies = chosen
    else:
        shown_bodies = bodies
    routes = plan_routes(documents, MeetingIndex(bodies), decisions, as_of, WorkingCalendar(), conditions)
    publication = Publication(bodies, documents)
    titles = {d.key: d for d in documents}
    on: dict[str, list[MeetingOnIt]] = {}
    hidden: dict[str, int] = {}
    for document in documents:
        public = publication.document_is_public(document)
        steps = {s.key: s for s in (publication.public_steps(document) if public else document.route.steps)}
        for forecast in routes[document.key].steps if document.key in routes else ():
            if forecast.meeting_key is None:
                continue
            if not public or forecast.step_key not in steps:
                hidden[forecast.meeting_key] = hidden.get(forecast.meeting_key, 0) + 1
                continue
            step = steps[forecast.step_key]
            on.setdefault(forecast.meeting_key, []).append(
                MeetingOnIt(document.key, titles[document.key].title, step.key, step.title, forecast.state.value)
            )
    entries = [
        _meeting_entry(b, m, on.get(m.key, []), hidden.get(m.key, 0))
        for b in shown_bodies for m in b.meetings
        if since is None or m.day is None or m.day >= since
    ]
    return sorted(entries, key=lambda e: (_sort_day(e), e.body_code, e.key))


def _meeting_entry(body: Body, meeting: Meeting, on_it: list[MeetingOnIt], part_two: int) -> MeetingEntry:
    when = meeting.when
    return MeetingEntry(
        key=meeting.key,
        body_code=body.code,
        body_name=body.name,
        status=meeting.status.value,
        starts_at=meeting.starts_at.strftime(LONDON_FORMAT) if meeting.starts_at is not None else None,
        window=when.shown if when is not None and meeting.starts_at is None else None,
        window_start=when.start if when is not None and meeting.starts_at is None else None,
        window_end=when.end if when is not None and meeting.starts_at is None else None,
        exempt=body.exempt,
        on_it=on_it,
        part_two=part_two,
    )


def _sort_day(entry: MeetingEntry) -> dt.date:
    if entry.starts_at:
        return dt.date.fromisoformat(entry.starts_at[:10])
    return entry.window_start or dt.date.max


# --- documents -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentEntry:
    key: str
    title: str
    owner: str | None
    version: str | None  # "Version 11"
    current_step: str | None  # the step's key: the first that is not yet done (None: all done, or stopped)
    current_title: str | None
    current_body: str | None
    current_date: dt.date | None
    current_state: str | None  # due | overdue | scheduled | planned | waiting …
    current_meeting: str | None  # the meeting key it sits on, when it sits on one
    overdue_steps: int
    stopped: bool
    finished: bool


@dataclass(frozen=True)
class Documents:
    as_of: dt.date
    documents: list[DocumentEntry]
    part_two: list[str]  # one EXEMPT_ITEM per exempt document: counted, never named


def documents(uow: AbstractUnitOfWork, as_of: dt.date) -> Documents:
    """Every public document with its current step (its first step not yet done) as of `as_of`."""
    with uow:
        bodies, docs = uow.bodies.list(), uow.documents.list()
        decisions, conditions = uow.documents.list_decisions(), uow.conditions.list()
    routes = plan_routes(docs, MeetingIndex(bodies), decisions, as_of, WorkingCalendar(), conditions)
    publication = Publication(bodies, docs)
    entries = []
    for document in sorted(docs, key=lambda d: d.key):
        if not publication.document_is_public(document) or document.key not in routes:
            continue
        shown, route = publication.public_view(document, routes[document.key])
        steps = {s.key: s for s in shown.route.steps}
        open_steps = [f for f in route.steps if f.state in OPEN_STATES]
        current = next((f for f in open_steps if f.state.value in ("due", "overdue")), open_steps[0] if open_steps else None)
        step = steps.get(current.step_key) if current is not None else None
        version = shown.current_version
        entries.append(DocumentEntry(
            key=document.key,
            title=document.title,
            owner=document.owner,
            version=(version.label or f"Version {version.number}") if version else None,
            current_step=current.step_key if current else None,
            current_title=step.title if step else None,
            current_body=step.body_code if step else None,
            current_date=current.date if current else None,
            current_state=current.state.value if current else None,
            current_meeting=current.meeting_key if current else None,
            overdue_steps=sum(1 for f in route.steps if f.state.value == "overdue"),
            stopped=route.stopped,
            finished=route.finished,
        ))
    exempt = sum(1 for d in docs if not publication.document_is_public(d))
    return Documents(as_of, entries, [EXEMPT_ITEM] * exempt)
