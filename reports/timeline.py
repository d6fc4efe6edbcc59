"""The timeline picture: where each mark of a `RouteTimeline` goes on a plain SVG, drawn by the
Jinja2 template timeline.html.j2 (with its text alternative, which the same template writes from the
same records, so the two cannot say different things).

Why plain SVG from a template rather than a charting library: the picture is a few dozen shapes on
a time axis; the library would be a new dependency (matplotlib, plotly, altair …), most of them draw
with JavaScript or emit SVG we could not give the accessible name, shapes and classes the pages and
their tests need, and none would be shorter than this module. The page works with no script at all.

Layout (in SVG units; the picture scales to the page's width): step titles in a column on the left,
the time axis with its months above, one lane of meeting markers per body, then one row per step,
a column on the right for steps with no date yet (TBC), and the legend underneath. Every mark is a
shape as well as a colour (never colour alone), and its date is written beside it.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from governance_model.reason_words import short_day
from governance_model.timeline import MARKS, RouteTimeline, TimelineMeeting, TimelineStep

WIDTH = 960
LABEL_LEFT, LABEL_RIGHT = 8, 312  # step titles start at the left; meeting lanes' names end at the right
PLOT_LEFT, PLOT_RIGHT = 332, 872  # the dated part of the axis
TBC_X = 920  # the column of steps with no date
TODAY_Y, MONTHS_Y, AXIS_Y = 14, 32, 40
LANE_HEIGHT, ROW_HEIGHT = 18, 28
LEGEND_HEIGHT = 44
TITLE_CHARS = 42  # of a step's title in the picture (the text alternative has it whole)
MONTH_LABEL_WIDTH = 64  # room one month's label needs ("Sep 2021" at 12 px, and a gap)


@dataclass(frozen=True)
class Tick:
    x: float
    label: str  # "" for a month not labelled (too many months for every label)


@dataclass(frozen=True)
class PlacedMeeting:
    meeting: TimelineMeeting
    x: float
    y: float


@dataclass(frozen=True)
class Lane:
    body_code: str
    y: float
    meetings: tuple[PlacedMeeting, ...]


@dataclass(frozen=True)
class Row:
    step: TimelineStep
    y: float
    x: float  # the mark's centre (the TBC column when the step has no date)
    label: str  # the title as drawn (shortened)
    date_label: str
    date_x: float
    date_anchor: str  # "start" | "end": beside the mark, on the side with room


@dataclass(frozen=True)
class TimelineFigure:
    timeline: RouteTimeline
    width: int
    height: int
    start: dt.date
    end: dt.date
    ticks: tuple[Tick, ...]
    lanes: tuple[Lane, ...]
    rows: tuple[Row, ...]
    today_x: float
    today_label: str
    top: float  # where the axis' vertical lines start
    bottom: float  # and end
    legend_y: float
    legend: tuple[tuple[str, float], ...]  # (mark, x) of each legend entry
    tbc_column: bool  # some step has no date

    # The fixed places, for the template (one source for both).
    label_left, label_right, plot_left, plot_right, tbc_x = LABEL_LEFT, LABEL_RIGHT, PLOT_LEFT, PLOT_RIGHT, TBC_X
    today_y, months_y = TODAY_Y, MONTHS_Y

    @property
    def span_words(self) -> str:
        last = self.end - dt.timedelta(days=1)
        return f"{self.start:%B %Y} to {last:%B %Y}"


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def shorten(text: str, limit: int = TITLE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def layout(timeline: RouteTimeline) -> TimelineFigure:
    """Where everything in the picture of `timeline` goes."""
    start = _month_start(min(timeline.days))
    end = _next_month(max(timeline.days))
    span = (end - start).days

    def x(day: dt.date) -> float:
        return round(PLOT_LEFT + (day - start).days / span * (PLOT_RIGHT - PLOT_LEFT), 1)

    months = []
    month = start
    while month < end:
        months.append(month)
        month = _next_month(month)
    every = max(1, math.ceil(len(months) * MONTH_LABEL_WIDTH / (PLOT_RIGHT - PLOT_LEFT)))
    ticks = tuple(Tick(x(m), f"{m:%b %Y}" if i % every == 0 else "") for i, m in enumerate(months))

    y = AXIS_Y + 6
    lanes = []
    for code in timeline.bodies:
        centre = y + LANE_HEIGHT / 2
        placed = tuple(PlacedMeeting(m, x(m.day), centre) for m in timeline.meetings if m.body_code == code)
        lanes.append(Lane(code, centre, placed))
        y += LANE_HEIGHT
    y += 6
    rows = []
    for step in timeline.steps:
        centre = y + ROW_HEIGHT / 2
        if step.day is None:
            mark_x, date_label = float(TBC_X), ""
        else:
            mark_x, date_label = x(step.day), short_day(step.day)
        right = mark_x < PLOT_RIGHT - 80
        rows.append(Row(step, centre, mark_x, shorten(step.title), date_label, mark_x + 11 if right else mark_x - 11, "start" if right else "end"))
        y += ROW_HEIGHT
    bottom = y + 4
    legend_y = bottom + LEGEND_HEIGHT / 2
    legend = tuple((mark, 20 + i * 116) for i, mark in enumerate(MARKS))
    return TimelineFigure(
        timeline, WIDTH, int(bottom + LEGEND_HEIGHT), start, end, ticks, tuple(lanes), tuple(rows),
        x(timeline.as_of), f"Today {short_day(timeline.as_of)}", AXIS_Y, bottom, legend_y, legend,
        any(s.day is None for s in timeline.steps),
    )
