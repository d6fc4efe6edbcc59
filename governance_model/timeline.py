"""A document's route against time, for the pictures (the timeline on a document's page and in the
Report to Board): each step with its date and what kind of mark it gets — done, due, overdue,
scheduled, forecast, at risk, TBC — the meetings of the bodies on the route, and the day it is drawn
for ("today", which is always passed in). Pure: geometry and drawing are in reports/timeline.py.

Built from what the public may see: the caller hands in the document's public view (see
governance_model.publication), so a step at an exempt body, and that body's meetings, never get here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from governance_model.model import Document, Meeting, MeetingStatus, Step, StepForecast, StepState
from governance_model.reason_words import short_day, standing_words
from governance_model.route_planner import RoutePlan

# The kinds of mark, in the order the legend shows them.
MARKS = ("done", "due", "overdue", "scheduled", "forecast", "at risk", "TBC", "stopped")


@dataclass(frozen=True)
class TimelineStep:
    step_key: str
    title: str
    body_code: str | None
    day: dt.date | None  # None: no date yet (drawn in the TBC column)
    mark: str  # one of MARKS
    words: str  # where it stands, in words ("done 15 Sep 2021", "forecast 10 May 2022 — at risk: …")


@dataclass(frozen=True)
class TimelineMeeting:
    key: str
    body_code: str
    day: dt.date
    tbc: bool = False  # only a window is known: drawn at its last day, marked TBC

    @property
    def words(self) -> str:
        return f"TBC, by {short_day(self.day)}" if self.tbc else short_day(self.day)


@dataclass(frozen=True)
class RouteTimeline:
    document_key: str
    title: str
    as_of: dt.date  # today's line
    steps: tuple[TimelineStep, ...]
    meetings: tuple[TimelineMeeting, ...]  # of the bodies the steps sit at, within the steps' span

    @property
    def days(self) -> list[dt.date]:
        """Every dated thing drawn, today included: the span the picture covers."""
        return [self.as_of, *(s.day for s in self.steps if s.day is not None)]

    @property
    def bodies(self) -> tuple[str, ...]:
        """The bodies whose meetings are drawn, in route order."""
        drawn = {m.body_code for m in self.meetings}
        return tuple(code for code in dict.fromkeys(s.body_code for s in self.steps) if code in drawn)


def is_tbc(step: Step) -> bool:
    """Whether the route itself says the step's date is not settled (TBC, provisional, contingent)."""
    return bool(step.when and (step.when.tentative or step.when.kind in ("tbc", "contingent")))


def step_mark(step: Step, forecast: StepForecast) -> str:
    """The one mark a step gets: what is recorded first (done, stopped), then a warning (at risk),
    then its date's standing."""
    state = forecast.state
    if state is StepState.DONE:
        return "done"
    if state in (StepState.STOPPED, StepState.SKIPPED):
        return "stopped"
    if forecast.at_risk:
        return "at risk"
    if forecast.date is None:
        return "TBC"
    if state is StepState.OVERDUE:
        return "overdue"
    if state is StepState.DUE:
        return "due"
    if is_tbc(step):
        return "TBC"
    return "scheduled" if state is StepState.SCHEDULED else "forecast"


def route_timeline(
    document: Document, route: RoutePlan, meetings: Mapping[str, Iterable[Meeting]], as_of: dt.date
) -> RouteTimeline:
    """The timeline of `document` (as the public may see it: its public view and route) on `as_of`;
    `meetings`: each body's meetings, by code (only those of bodies the steps sit at are drawn, and
    only within the span of the steps' dates and today; cancelled ones are not)."""
    forecasts = {f.step_key: f for f in route.steps}
    titles = {s.key: s.title for s in document.route.steps}
    steps = tuple(
        TimelineStep(
            s.key, s.title, s.body_code, forecasts[s.key].date, step_mark(s, forecasts[s.key]),
            standing_words(forecasts[s.key], s, as_of, titles),  # the board report's words: they say what the mark shows
        )
        for s in sorted(document.route.steps, key=lambda s: s.position)
        if s.key in forecasts
    )
    days = [as_of, *(s.day for s in steps if s.day is not None)]
    first, last = min(days), max(days)
    shown: list[TimelineMeeting] = []
    for code in dict.fromkeys(s.body_code for s in steps if s.body_code):
        for meeting in meetings.get(code, ()):
            if meeting.status is MeetingStatus.CANCELLED or meeting.day is None or not first <= meeting.day <= last:
                continue
            shown.append(TimelineMeeting(meeting.key, code, meeting.day, tbc=meeting.starts_at is None))
    shown.sort(key=lambda m: (m.day, m.body_code, m.key))
    return RouteTimeline(document.key, document.title, as_of, steps, tuple(shown))
