"""Which calendar feeds exist and what is in each (pure: domain objects in, Feed objects out).

- one feed per body (public): its meetings, the papers deadline before each, and the decisions
  expected there (the route steps at that body, on the date the route planner forecast);
- one feed per document (public): its whole route, forecast steps tentative;
- one feed per person (private, at a secret token): the steps and actions they own, the meetings
  and papers deadlines of the bodies they are secretary of, and the meetings of the bodies they
  bring papers to (a body at which a step they own is taken). A person with none of these (new, or
  with nothing of theirs in a route or plan yet) gets every public meeting of the council instead:
  the address they are given must hold a calendar that a calendar program accepts, never an empty one;
- "all" (public): everything public.

A step or action whose When is a window of more than one day (`governance_model.window_spans`:
every plan action with one, and every route step at no body with one) is two events: its deadline
on the closing day, as for any step or action (UID `step-…` / `action-…`), and one multi-day
all-day event over the whole window (UID `span-step-…` / `span-action-…`; DTEND the day after the
closing day, as RFC 5545 counts all-day ends), free time so it blocks no one's diary. The span has
the deadline event's summary, status and marking (TBC, forecast, cancelled) and moves with it when
the step slips.

Exempt items (`Body.exempt`, `Document.exempt`: business not for publication) never appear in a
public feed: an exempt body has no body feed and its meetings, papers deadlines and the steps that
sit at it are left out of every public feed; an exempt document has no document feed and its steps
are left out of every public feed; so are the actions of a plan that is exempt business (it
delivers an exempt strategy, or follows up questions at an exempt body's meeting). They do appear
in the owner's own private feed: that person owes them, and the feed's address is a secret only
they hold. A public step's "why this date" that
names anything exempt reads as the Part II placeholder. The rule is governance_model.publication's.

A body or document feed with no events is not published (the checkers, and subscribers, expect
events); person feeds and "all" always are, since their addresses are handed out.

Every event is built once, so an event has the same content (and UID) in every feed it is in.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from governance_model.model import (
    ActionPlan,
    Body,
    Document,
    Meeting,
    MeetingStatus,
    Person,
    Step,
    StepForecast,
    StepState,
)
from governance_model.organisation import DEFAULT_ORGANISATION
from governance_model.publication import Publication
from governance_model.window_spans import ItemSpan, action_span, step_span
from governance_model.working_days import WorkingCalendar

LONDON = ZoneInfo("Europe/London")
MEETING_LENGTH = dt.timedelta(hours=2)  # the model knows when a meeting starts, not when it ends
CONFIRMED, TENTATIVE, CANCELLED = "CONFIRMED", "TENTATIVE", "CANCELLED"
UID_DOMAIN = "govflow"

BODY, DOCUMENT, PERSON, ALL = "body", "document", "person", "all"


@dataclass(frozen=True, slots=True)  # a national night holds some 300,000: no __dict__ each
class FeedEvent:
    """One calendar event, before it is written. `start` and `end` are aware datetimes (a timed
    event) or dates (an all-day event; `end` exclusive)."""

    uid: str
    summary: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    status: str = CONFIRMED
    transparent: bool = False
    url: str = ""
    description: str = ""
    location: str = ""
    categories: tuple[str, ...] = ()
    public: bool = True  # False: exempt, so never in a public feed (not written out)

    def content_hash(self) -> str:
        """A hash of everything written for the event except DTSTAMP, SEQUENCE and LAST-MODIFIED."""
        def moment(value: dt.date | dt.datetime) -> str:
            if isinstance(value, dt.datetime):
                return value.astimezone(dt.timezone.utc).isoformat()
            return value.isoformat()

        content = [
            self.uid, self.summary, moment(self.start), moment(self.end), self.status, self.transparent,
            self.url, self.description, self.location, list(self.categories),
        ]
        return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Feed:
    """One feed: where it is written (relative to the feeds folder), what it is, and its events."""

    path: str  # "body/SSPB.ics", "document/<key>.ics", "person/<token>.ics", "all.ics"
    kind: str  # body | document | person | all
    key: str  # the body code, document key, person's initials, or "all"
    title: str
    public: bool
    events: tuple[FeedEvent, ...] = ()
    description: str = ""


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe(key: str) -> str:
    """A key as it may appear in a UID or a file name."""
    return _UNSAFE.sub("-", key).strip("-") or "-"


def uid(*parts: str, domain: str = UID_DOMAIN) -> str:
    return "-".join(safe(p) for p in parts) + f"@{domain}"


def uid_domain(organisation: str) -> str:
    """The part of every UID after the @: `govflow` for the default council, `<key>.govflow` for
    another, so two councils' events never share a UID in a calendar that subscribes to both."""
    return UID_DOMAIN if organisation == DEFAULT_ORGANISATION else f"{organisation}.{UID_DOMAIN}"


@dataclass
class _Catalogue:
    """Every event, built once, and which events each feed takes."""

    meetings: dict[str, list[FeedEvent]] = field(default_factory=dict)  # body code → meetings and papers
    steps_at_body: dict[str, list[FeedEvent]] = field(default_factory=dict)  # body code → step events
    steps_of_document: dict[str, list[FeedEvent]] = field(default_factory=dict)
    owned: dict[str, list[FeedEvent]] = field(default_factory=dict)  # initials → steps and actions
    actions: list[FeedEvent] = field(default_factory=list)
    sits_on: dict[str, set[str]] = field(default_factory=dict)  # initials → the body codes whose meetings they attend


def build_feeds(
    *,
    bodies: Iterable[Body],
    documents: Iterable[Document],
    forecasts: Mapping[tuple[str, str], StepForecast],
    plans: Iterable[ActionPlan] = (),
    people: Iterable[Person] = (),
    tokens: Mapping[str, str] | None = None,
    public_url: str = "http://127.0.0.1:8000",
    calendar: WorkingCalendar | None = None,
    organisation: str = DEFAULT_ORGANISATION,
) -> list[Feed]:
    """Every feed of one council (`organisation`): bodies, documents, people (those with a token in
    `tokens`), then "all"."""
    bodies = sorted(bodies, key=lambda b: b.code)
    documents = sorted(documents, key=lambda d: d.key)
    plans = sorted(plans, key=lambda p: p.key)
    people = sorted(people, key=lambda p: p.initials)
    tokens = tokens or {}
    calendar = calendar or WorkingCalendar()
    base = public_url.rstrip("/")
    publication = Publication(bodies, documents)
    domain = uid_domain(organisation)

    cat = _Catalogue()
    for body in bodies:
        events = []
        for meeting in body.meetings:
            events += meeting_events(body, meeting, base, calendar, domain)
        cat.meetings[body.code] = events
        if body.secretary:
            cat.owned.setdefault(body.secretary, []).extend(e for e in events if e.uid.startswith("papers-"))
            cat.sits_on.setdefault(body.secretary, set()).add(body.code)
    for document in documents:
        events = []
        for step in sorted(document.route.steps, key=lambda s: (s.position, s.key)):
            event = step_event(document, step, forecasts.get((document.key, step.key)), base, publication, domain)
            if event is None:
                continue
            step_events = [event, *span_events(event, step_span(step, event.start), uid("span", "step", document.key, step.key, domain=domain))]
            events += step_events
            if step.body_code:
                cat.steps_at_body.setdefault(step.body_code, []).extend(step_events)
            if step.owner:
                cat.owned.setdefault(step.owner, []).extend(step_events)
                if step.body_code:
                    cat.sits_on.setdefault(step.owner, set()).add(step.body_code)
        cat.steps_of_document[document.key] = events
    for plan in plans:
        public = publication.plan_is_public(plan)
        for rec in plan.recommendations:
            for action in rec.actions:
                event = action_event(plan, rec.number, action, base, domain, public=public)
                if event is None:
                    continue
                span_uid = uid("span", "action", plan.key, rec.number, str(action.position), domain=domain)
                action_events = [event, *span_events(event, action_span(action), span_uid)]
                cat.actions += action_events
                if action.owner:
                    cat.owned.setdefault(action.owner, []).extend(action_events)

    feeds: list[Feed] = []
    for body in bodies:
        if not publication.body_is_public(body.code):
            continue
        events = cat.meetings[body.code] + [e for e in cat.steps_at_body.get(body.code, []) if e.public]
        if not events:
            continue
        feeds.append(Feed(
            f"{BODY}/{safe(body.code)}.ics", BODY, body.code, _body_title(body), True, tuple(events),
            f"Meetings of the {body.name}, papers deadlines and the decisions expected at each."
            if body.papers
            else f"Sittings of the {body.name} (a gathering that takes no papers) and what comes to each.",
        ))
    for document in documents:
        if not publication.document_is_public(document):
            continue
        events = [e for e in cat.steps_of_document[document.key] if e.public]
        if not events:
            continue
        feeds.append(Feed(
            f"{DOCUMENT}/{safe(document.key)}.ics", DOCUMENT, document.key, document.title, True, tuple(events),
            f"The sign-off route of {document.title}; forecast dates are marked tentative.",
        ))
    for person in people:
        token = tokens.get(person.initials)
        if not token:
            continue
        name = person.name or person.initials
        events, description = _person_events(person.initials, name, cat)
        feeds.append(Feed(
            f"{PERSON}/{token}.ics", PERSON, person.initials, f"govflow deadlines: {name}", False,
            tuple(sorted(events, key=lambda e: e.uid)), description,
        ))
    everything = [e for code in cat.meetings for e in cat.meetings[code]]
    everything += [e for key in cat.steps_of_document for e in cat.steps_of_document[key]]
    everything += cat.actions
    feeds.append(Feed(
        "all.ics", ALL, "all", "govflow: all meetings and deadlines", True,
        tuple(e for e in everything if e.public),
        "Every public meeting, papers deadline, route step and action.",
    ))
    return feeds


def _person_events(initials: str, name: str, cat: _Catalogue) -> tuple[list[FeedEvent], str]:
    """A person's own feed: what they own and the meetings of the bodies they sit on (secretary of,
    or bringing papers to); with none of these, every public meeting, so that the calendar they
    subscribe to is never empty (calendar programs refuse a feed without events)."""
    owned = cat.owned.get(initials, [])
    bodies = sorted(cat.sits_on.get(initials, ()))
    seen = {e.uid for e in owned}
    meetings = [e for code in bodies for e in cat.meetings.get(code, []) if e.uid.startswith("meeting-") and e.uid not in seen]
    if owned or meetings:
        where = f", and the meetings of {', '.join(bodies)}" if meetings else ""
        return owned + meetings, f"The route steps and actions {name} owns{where} (private)."
    everything = [e for code in cat.meetings for e in cat.meetings[code] if e.public and e.uid.startswith("meeting-")]
    return everything, f"{name} owns nothing yet and sits on no board: every board's meetings until then (private)."


def meeting_events(body: Body, meeting: Meeting, base: str, calendar: WorkingCalendar, domain: str = UID_DOMAIN) -> list[FeedEvent]:
    """A meeting (timed, or all-day over its window while TBC) and the papers deadline before it."""
    cancelled = meeting.status is MeetingStatus.CANCELLED
    tbc = meeting.status is MeetingStatus.TENTATIVE or meeting.starts_at is None
    status = CANCELLED if cancelled else TENTATIVE if tbc else CONFIRMED
    summary = _body_title(body) + (" (TBC)" if tbc and not cancelled else "")
    url = f"{base}/meetings/{meeting.key}"
    public = not body.exempt  # governance_model.publication: an exempt body's meetings are not public
    categories = (body.code, "meeting")
    if meeting.starts_at is not None:
        start = meeting.starts_at.astimezone(LONDON)
        event = FeedEvent(
            uid("meeting", meeting.key, domain=domain), summary, start, start + MEETING_LENGTH, status, False, url,
            _meeting_description(body, meeting), meeting.location, categories, public,
        )
    elif meeting.when is not None and meeting.when.start is not None and meeting.when.end is not None:
        # Only a window is known: an all-day event over it, free time so it blocks no one's diary.
        event = FeedEvent(
            uid("meeting", meeting.key, domain=domain), summary, meeting.when.start, meeting.when.end + dt.timedelta(days=1),
            status, True, url, f"Date to be confirmed ({meeting.when.shown}).", meeting.location, categories, public,
        )
    else:
        return []
    events = [event]
    if meeting.starts_at is not None and body.papers_lead_days > 0:
        day = meeting.starts_at.astimezone(LONDON).date()
        due = calendar.add_working_days(day, -body.papers_lead_days)
        events.append(FeedEvent(
            uid("papers", meeting.key, domain=domain),
            f"Papers due: {body.code} meeting {_day(day)}" + (" (TBC)" if tbc and not cancelled else ""),
            due, due + dt.timedelta(days=1), status, True, url,
            f"Papers for the {body.name} meeting on {_day(day)} are due "
            f"{body.papers_lead_days} working days before it.",
            "", (body.code, "papers deadline"), public,
        ))
    return events


def _meeting_description(body: Body, meeting: Meeting) -> str:
    if meeting.status is MeetingStatus.CANCELLED:
        return f"This meeting of the {body.name} is cancelled."
    return f"Meeting of the {body.name}."


def step_event(
    document: Document,
    step: Step,
    forecast: StepForecast | None,
    base: str,
    publication: Publication,
    domain: str = UID_DOMAIN,
) -> FeedEvent | None:
    """A route step as an all-day event on its done, scheduled or forecast date (None: no date)."""
    if forecast is not None:
        day, state, forecast_tentative, reason = forecast.date, forecast.state, forecast.tentative, forecast.reason
    else:
        day, state, forecast_tentative, reason = step.deadline, None, False, ""
    if day is None:
        return None
    done = state is StepState.DONE
    when_tbc = bool(step.when and (step.when.tentative or step.when.kind in ("tbc", "contingent")))
    if state is StepState.STOPPED:
        status, suffix = CANCELLED, ""
    elif done:
        status, suffix = CONFIRMED, ""
    elif when_tbc:
        status, suffix = TENTATIVE, " (TBC)"
    elif forecast_tentative:
        status, suffix = TENTATIVE, " (forecast)"
    else:
        status, suffix = CONFIRMED, ""
    where = f" at {step.body_code}" if step.body_code else ""
    lines = [f"{step.kind.value.capitalize()}{where}: {step.title}"]
    if step.when is not None and step.when.text:
        lines.append(f"Planned: {step.when.shown}")
    if state is not None:
        lines.append(f"State: {state.value}")
    public = publication.step_is_public(document, step)
    if reason:
        # Built once for every feed it is in: a public step's reason may not name exempt business.
        lines.append(f"Why this date: {publication.public_text(reason, document.key) if public else reason}")
    if step.owner:
        lines.append(f"Owner: {step.owner}")
    categories = tuple(c for c in (step.body_code, step.kind.value) if c)
    return FeedEvent(
        uid("step", document.key, step.key, domain=domain),
        f"{document.title}: {step.title}{suffix}",
        day, day + dt.timedelta(days=1), status, True, f"{base}/documents/{document.key}",
        "\n".join(lines), "", categories,
        public=public,
    )


def action_event(
    plan: ActionPlan, number: str, action, base: str, domain: str = UID_DOMAIN, *, public: bool = True
) -> FeedEvent | None:
    """An action of a plan as an all-day event on its deadline (None: it has no end date);
    `public` False for a plan that is exempt business (only in its owner's private feed)."""
    when = action.when
    if when is None or when.end is None:
        return None
    tbc = when.tentative or when.kind in ("tbc", "contingent")
    status = TENTATIVE if tbc and action.done_on is None else CONFIRMED
    lines = [f"{plan.title}, recommendation {number}", f"Planned: {when.shown}"]
    if action.owner:
        lines.append(f"Owner: {action.owner}")
    if action.done_on is not None:
        lines.append(f"Done on {action.done_on.isoformat()}")
    return FeedEvent(
        uid("action", plan.key, number, str(action.position), domain=domain),
        f"Action {number}.{action.position}: {action.text}" + (" (TBC)" if status == TENTATIVE else ""),
        when.end, when.end + dt.timedelta(days=1), status, True, f"{base}/plans/{plan.key}",
        "\n".join(lines), "", ("action",), public,
    )


def span_events(deadline: FeedEvent, span: ItemSpan | None, span_uid: str) -> list[FeedEvent]:
    """The multi-day all-day event over a window (none when there is no span): the deadline event's
    summary, status, marking, categories and visibility, from the day it opens to the day after it
    closes (DTEND is exclusive), free time."""
    if span is None:
        return []
    description = f"Runs from {_day(span.opens)} to {_day(span.closes)} (the deadline)."
    return [dataclasses.replace(
        deadline,
        uid=span_uid,
        start=span.opens,
        end=span.closes + dt.timedelta(days=1),
        transparent=True,
        description=f"{description}\n{deadline.description}" if deadline.description else description,
    )]


def _body_title(body: Body) -> str:
    if not body.name or body.name == body.code:
        return body.name or body.code
    return f"{body.name} ({body.code})"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
