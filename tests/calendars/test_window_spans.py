"""A window is a span (issue 11): a step at no body, or an action, whose When is a window of more than
one day shows as one multi-day all-day event over the window beside its closing-day deadline event,
moving with the step when it slips; the three parsers of ical-check read it as all-day, DTEND exclusive."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from calendars.feeds import CONFIRMED, TENTATIVE, build_feeds
from calendars.ical import render_feed
from governance_model.model import (
    Action,
    ActionPlan,
    Body,
    Document,
    Person,
    Recommendation,
    Route,
    Step,
    StepForecast,
    StepKind,
    StepState,
)
from governance_model.when import read_when
from governance_model.window_spans import ItemSpan, action_span, step_span, window_span

D = dt.date.fromisoformat
NOW = dt.datetime(2019, 7, 1, 3, 0, tzinfo=dt.timezone.utc)
DEVON = read_when("eight-week consultation from 11 July 2019", D("2019-07-01"))  # 11 July … 5 September


def consultation_document(*, body: str | None = None, when=DEVON) -> Document:
    steps = [
        Step(key="consult", position=1, kind=StepKind.CONSULT, title="Consultation on the draft", body_code=body,
             when=when, owner="GB"),
    ]
    return Document(key="doc", title="SEND Strategy", owner="GB", route=Route(steps))


def forecast(day: str, state=StepState.SCHEDULED, tentative=False) -> dict:
    return {("doc", "consult"): StepForecast("doc", "consult", state, D(day), None, tentative, "by the window")}


def events_of(feeds, path="all.ics"):
    return {e.uid: e for e in next(f for f in feeds if f.path == path).events}


def test_the_window_rule() -> None:
    assert (DEVON.start, DEVON.end, DEVON.duration) == (D("2019-07-11"), D("2019-09-05"), "P8W")
    assert window_span(DEVON, D("2019-09-05")) == ItemSpan(D("2019-07-11"), D("2019-09-05"))
    # slipped: the same eight weeks, closing on the planner's date
    assert window_span(DEVON, D("2019-09-20")) == ItemSpan(D("2019-07-26"), D("2019-09-20"))
    # done early: it opened as planned and closed that day; done before it opened: one day, no span
    assert window_span(DEVON, D("2019-08-01")) == ItemSpan(D("2019-07-11"), D("2019-08-01"))
    assert window_span(DEVON, D("2019-07-11")) is None
    # not a window of more than one day
    assert window_span(read_when("11 July 2019", D("2019-07-01")), D("2019-07-11")) is None
    assert window_span(read_when("Quarterly wef Jan 2022", D("2022-01-01")), D("2022-03-31")) is None
    assert window_span(DEVON, None) is None
    # a step at a body sits on one meeting: no span, whatever its When
    (at_board,) = consultation_document(body="SSPB").route.steps
    assert step_span(at_board, D("2019-09-05")) is None
    assert action_span(Action(1, "Consult", DEVON, "GB")) == ItemSpan(D("2019-07-11"), D("2019-09-05"))


def test_a_window_step_is_one_span_beside_its_closing_day() -> None:
    feeds = build_feeds(bodies=[], documents=[consultation_document()], forecasts=forecast("2019-09-05"),
                        people=[Person("GB")], tokens={"GB": "t"})
    events = events_of(feeds, "document/doc.ics")
    assert set(events) == {"step-doc-consult@govflow", "span-step-doc-consult@govflow"}
    closing, span = events["step-doc-consult@govflow"], events["span-step-doc-consult@govflow"]
    assert (closing.start, closing.end) == (D("2019-09-05"), D("2019-09-06"))  # as before
    assert (span.start, span.end) == (D("2019-07-11"), D("2019-09-06"))  # DTEND exclusive
    assert span.transparent and span.status == closing.status == CONFIRMED
    assert span.summary == closing.summary == "SEND Strategy: Consultation on the draft"
    assert span.description.startswith("Runs from 11 July 2019 to 5 September 2019 (the deadline).\n")
    assert (span.url, span.categories, span.public) == (closing.url, closing.categories, closing.public)
    # in the owner's feed and in "all" too
    assert "span-step-doc-consult@govflow" in events_of(feeds, "person/t.ics")
    assert "span-step-doc-consult@govflow" in events_of(feeds)


def test_a_slipped_step_moves_its_span_keeping_its_length_and_is_marked_forecast() -> None:
    feeds = build_feeds(bodies=[], documents=[consultation_document()],
                        forecasts=forecast("2019-09-20", StepState.PLANNED, tentative=True))
    events = events_of(feeds)
    span, closing = events["span-step-doc-consult@govflow"], events["step-doc-consult@govflow"]
    assert (span.start, span.end) == (D("2019-07-26"), D("2019-09-21"))
    assert (span.end - span.start).days == 57  # eight weeks and the closing day, as before
    assert span.status == closing.status == TENTATIVE
    assert span.summary == closing.summary == "SEND Strategy: Consultation on the draft (forecast)"


def test_tbc_windows_are_tentative_and_steps_at_a_body_have_no_span() -> None:
    tbc = read_when("TBC March 22", D("2022-01-01"))
    feeds = build_feeds(bodies=[], documents=[consultation_document(when=tbc)], forecasts=forecast("2022-03-31"))
    span = events_of(feeds)["span-step-doc-consult@govflow"]
    assert (span.start, span.end, span.status) == (D("2022-03-01"), D("2022-04-01"), TENTATIVE)
    assert span.summary.endswith("(TBC)")
    board = Body(code="SSPB", name="SSPB board")
    feeds = build_feeds(bodies=[board], documents=[consultation_document(body="SSPB")], forecasts=forecast("2019-09-05"))
    assert set(events_of(feeds)) == {"step-doc-consult@govflow"}


def window_plan(when_text: str = "Jan", context: str = "2022-01-01") -> ActionPlan:
    action = Action(position=2, text="Review the evidence", when=read_when(when_text, D(context)), owner="LM")
    rec = Recommendation(number="6a", text="Evidence", owner="LM", actions=[action])
    return ActionPlan(key="plan", title="Peer review plan", owner="GB", recommendations=[rec])


def test_a_window_action_is_one_span_beside_its_deadline() -> None:
    feeds = build_feeds(bodies=[], documents=[], forecasts={}, plans=[window_plan()], people=[Person("LM")], tokens={"LM": "t"})
    events = events_of(feeds, "person/t.ics")
    deadline, span = events["action-plan-6a-2@govflow"], events["span-action-plan-6a-2@govflow"]
    assert (deadline.start, deadline.end) == (D("2022-01-31"), D("2022-02-01"))
    assert (span.start, span.end) == (D("2022-01-01"), D("2022-02-01"))
    assert span.summary == deadline.summary == "Action 6a.2: Review the evidence"
    assert span.transparent and span.status == CONFIRMED
    # a one-day action has no span
    feeds = build_feeds(bodies=[], documents=[], forecasts={}, plans=[window_plan("7 January 2022")])
    assert set(events_of(feeds)) == {"action-plan-6a-2@govflow"}


def test_spans_pass_the_three_parsers_as_all_day_with_an_exclusive_end(tmp_path: Path, check_ics) -> None:
    documents = [consultation_document()]
    slipped = dataclasses.replace(documents[0], key="late")
    forecasts = {**forecast("2019-09-05"),
                 ("late", "consult"): StepForecast("late", "consult", StepState.PLANNED, D("2019-09-20"), None, True)}
    feeds = build_feeds(bodies=[], documents=[*documents, slipped], forecasts=forecasts, plans=[window_plan()])
    feed = next(f for f in feeds if f.path == "all.ics")
    path = tmp_path / "all.ics"
    path.write_bytes(render_feed(feed, stamp=NOW))
    text = path.read_bytes().decode()
    assert "DTSTART;VALUE=DATE:20190711\r\nDTEND;VALUE=DATE:20190906\r\n" in text
    assert "DTSTART;VALUE=DATE:20190726\r\nDTEND;VALUE=DATE:20190921\r\n" in text
    assert "DTSTART;VALUE=DATE:20220101\r\nDTEND;VALUE=DATE:20220201\r\n" in text
    result = check_ics(path, "--strict")
    assert result.returncode == 0, result.stderr
    # ical.js, libical and khal agree (check-ics fails otherwise) on dates, not times, and the end
    # the day after the closing day: no parser shortens the span by a day or shifts it by a zone.
    seen = {uid: (start, end, status) for start, end, status, uid, _ in result.events}
    assert seen["span-step-doc-consult@govflow"] == ("2019-07-11", "2019-09-06", "CONFIRMED")
    assert seen["step-doc-consult@govflow"] == ("2019-09-05", "2019-09-06", "CONFIRMED")
    assert seen["span-step-late-consult@govflow"] == ("2019-07-26", "2019-09-21", "TENTATIVE")
    assert seen["span-action-plan-6a-2@govflow"] == ("2022-01-01", "2022-02-01", "CONFIRMED")
