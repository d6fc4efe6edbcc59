"""What goes in which feed, how events are written, and how SEQUENCE / LAST-MODIFIED move (pure)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.feeds import CANCELLED, CONFIRMED, TENTATIVE, FeedEvent, build_feeds
from calendars.ical import render_feed
from calendars.stability import changed_states, next_states
from governance_model.model import (
    Body,
    Document,
    Meeting,
    MeetingStatus,
    Person,
    Route,
    Step,
    StepForecast,
    StepKind,
    StepState,
)
from governance_model.feed_state import FeedEventState
from governance_model.when import When

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2021, 10, 6, 3, 0, tzinfo=dt.timezone.utc)
LATER = NOW + dt.timedelta(days=1)


def meeting(key: str, body: str, at: dt.datetime | None, status=MeetingStatus.SCHEDULED, when=None) -> Meeting:
    return Meeting(key=key, body_code=body, starts_at=at, status=status, when=when)


def board(code="SSPB", exempt=False, meetings=()) -> Body:
    return Body(code=code, name=f"{code} board", secretary="SEC", papers_lead_days=5, meetings=list(meetings), exempt=exempt)


def strategy(key="doc", exempt=False, body="SSPB") -> Document:
    steps = [
        Step(key="share", position=1, kind=StepKind.SHARE, title="Share it", body_code=body, owner="GB",
             meeting_key=f"{body}-2022-01-06"),
        Step(key="decide", position=2, kind=StepKind.DECIDE, title="Decide it", body_code="Cabinet", owner="GB"),
    ]
    return Document(key=key, title=f"Title of {key}", exempt=exempt, route=Route(steps), owner="GB")


def by_uid(feed) -> dict[str, FeedEvent]:
    return {e.uid: e for e in feed.events}


def test_meetings_are_timed_in_london_with_a_papers_deadline() -> None:
    body = board(meetings=[meeting("SSPB-2022-01-06", "SSPB", dt.datetime(2022, 1, 6, 14, tzinfo=LONDON))])
    feeds = {f.path: f for f in build_feeds(bodies=[body], documents=[], forecasts={})}
    events = by_uid(feeds["body/SSPB.ics"])
    sitting = events["meeting-SSPB-2022-01-06@govflow"]
    assert sitting.start == dt.datetime(2022, 1, 6, 14, tzinfo=LONDON)
    assert sitting.end - sitting.start == dt.timedelta(hours=2)
    assert sitting.status == CONFIRMED and not sitting.transparent
    assert sitting.url == "http://127.0.0.1:8000/meetings/SSPB-2022-01-06"
    papers = events["papers-SSPB-2022-01-06@govflow"]
    assert (papers.start, papers.end) == (dt.date(2021, 12, 29), dt.date(2021, 12, 30))
    assert papers.transparent
    # The secretary's private feed has the papers deadline.
    secretary = build_feeds(bodies=[body], documents=[], forecasts={}, people=[Person("SEC")], tokens={"SEC": "t"})
    assert "papers-SSPB-2022-01-06@govflow" in by_uid(next(f for f in secretary if f.kind == "person"))


def test_tbc_cancelled_and_forecast_items() -> None:
    body = board(meetings=[
        meeting("SSPB-2022-01-06", "SSPB", dt.datetime(2022, 1, 6, 14, tzinfo=LONDON), MeetingStatus.CANCELLED),
        meeting("SSPB-2022-03", "SSPB", None, MeetingStatus.TENTATIVE,
                When(kind="tbc", start=dt.date(2022, 3, 1), end=dt.date(2022, 3, 31), tentative=True, text="TBC March 22")),
    ])
    document = strategy()
    forecasts = {
        ("doc", "share"): StepForecast("doc", "share", StepState.SCHEDULED, dt.date(2022, 1, 6), "SSPB-2022-01-06"),
        ("doc", "decide"): StepForecast("doc", "decide", StepState.PLANNED, dt.date(2022, 2, 8), None, tentative=True),
    }
    feeds = {f.path: f for f in build_feeds(bodies=[body], documents=[document], forecasts=forecasts)}
    events = by_uid(feeds["all.ics"])
    assert events["meeting-SSPB-2022-01-06@govflow"].status == CANCELLED
    assert events["papers-SSPB-2022-01-06@govflow"].status == CANCELLED
    window = events["meeting-SSPB-2022-03@govflow"]
    assert window.status == TENTATIVE and window.summary.endswith("(TBC)")
    assert (window.start, window.end) == (dt.date(2022, 3, 1), dt.date(2022, 4, 1))
    decide = events["step-doc-decide@govflow"]
    assert decide.status == TENTATIVE and decide.summary == "Title of doc: Decide it (forecast)"
    assert events["step-doc-share@govflow"].status == CONFIRMED
    assert events["step-doc-share@govflow"].url == "http://127.0.0.1:8000/documents/doc"
    assert set(by_uid(feeds["document/doc.ics"])) == {"step-doc-share@govflow", "step-doc-decide@govflow"}


def test_exempt_items_stay_out_of_public_feeds_but_reach_their_owner() -> None:
    bodies = [board("SSPB", meetings=[meeting("SSPB-2022-01-06", "SSPB", dt.datetime(2022, 1, 6, 14, tzinfo=LONDON))]),
              board("Secret", exempt=True, meetings=[meeting("Secret-1", "Secret", dt.datetime(2022, 2, 1, 10, tzinfo=LONDON))])]
    documents = [strategy("open"), strategy("hidden", exempt=True), strategy("at-secret", body="Secret")]
    forecasts = {(d.key, "share"): StepForecast(d.key, "share", StepState.DUE, dt.date(2022, 1, 6)) for d in documents}
    feeds = build_feeds(bodies=bodies, documents=documents, forecasts=forecasts, people=[Person("GB")], tokens={"GB": "t"})
    paths = {f.path for f in feeds}
    assert "body/Secret.ics" not in paths and "document/hidden.ics" not in paths
    public = [e.uid for f in feeds if f.public for e in f.events]
    assert "meeting-Secret-1@govflow" not in public
    assert "step-hidden-share@govflow" not in public
    assert "step-at-secret-share@govflow" not in public  # sits at an exempt body
    mine = by_uid(next(f for f in feeds if f.kind == "person"))
    assert {"step-hidden-share@govflow", "step-at-secret-share@govflow", "step-open-share@govflow"} <= set(mine)


def test_the_calendar_is_written_as_subscribers_need() -> None:
    body = board(meetings=[meeting("SSPB-2021-10-06", "SSPB", dt.datetime(2021, 10, 6, 14, tzinfo=LONDON))])
    feed = next(f for f in build_feeds(bodies=[body], documents=[], forecasts={}) if f.kind == "body")
    data = render_feed(feed, stamp=NOW)
    text = data.decode()
    assert data.endswith(b"\r\n") and "\n" not in text.replace("\r\n", "")
    for line in (
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H", "X-PUBLISHED-TTL:PT12H", "NAME:SSPB board (SSPB)",
        "X-WR-CALNAME:SSPB board (SSPB)", "DTSTART;TZID=Europe/London:20211006T140000",
        "DTEND;TZID=Europe/London:20211006T160000", "DTSTART;VALUE=DATE:20210929", "DTSTAMP:20211006T030000Z",
        "TRANSP:TRANSPARENT", "DTSTART:19700329T010000", "DTSTART:19701025T020000",
    ):
        assert line + "\r\n" in text, line
    assert "RDATE" not in text
    assert render_feed(feed, stamp=NOW) == data  # reproducible
    parsed = icalendar.Calendar.from_ical(data)
    start = next(e for e in parsed.walk("VEVENT") if str(e["UID"]).startswith("meeting-"))["DTSTART"].dt
    assert start.astimezone(dt.timezone.utc) == dt.datetime(2021, 10, 6, 13, tzinfo=dt.timezone.utc)


def event(uid="e@govflow", summary="A", day=dt.date(2022, 1, 6), status=CONFIRMED) -> FeedEvent:
    return FeedEvent(uid, summary, day, day + dt.timedelta(days=1), status, True)


def test_states_move_only_when_the_event_changes() -> None:
    first = next_states({}, [event()], NOW)
    assert first["e@govflow"].sequence == 0 and first["e@govflow"].last_modified == NOW
    again = next_states(first, [event()], LATER)
    assert again == first and changed_states(first, again) == []
    moved = next_states(first, [event(day=dt.date(2022, 1, 13))], LATER)
    assert moved["e@govflow"].sequence == 1 and moved["e@govflow"].last_modified == LATER
    renamed = next_states(moved, [event(summary="B", day=dt.date(2022, 1, 13))], LATER + dt.timedelta(hours=1))
    assert renamed["e@govflow"].sequence == 2
    # A clock that went backwards still moves LAST-MODIFIED forwards.
    back = next_states(renamed, [event(status=CANCELLED)], NOW)
    assert back["e@govflow"].last_modified > renamed["e@govflow"].last_modified


def test_stamps_come_from_the_states() -> None:
    body = board(meetings=[meeting("SSPB-2021-10-06", "SSPB", dt.datetime(2021, 10, 6, 14, tzinfo=LONDON))])
    feed = next(f for f in build_feeds(bodies=[body], documents=[], forecasts={}) if f.kind == "body")
    states = {"meeting-SSPB-2021-10-06@govflow": FeedEventState("meeting-SSPB-2021-10-06@govflow", "x", 3, LATER)}
    text = render_feed(feed, {u: (s.sequence, s.last_modified) for u, s in states.items()}, stamp=NOW).decode()
    assert "SEQUENCE:3\r\n" in text and "LAST-MODIFIED:20211007T030000Z" in text and "DTSTAMP:20211006T030000Z" in text


# ---- property: whatever the data, nothing exempt in a public feed ---------------------------------

@st.composite
def governance_data(draw):
    n_bodies = draw(st.integers(1, 4))
    bodies = []
    for i in range(n_bodies):
        code = f"B{i}Q"
        meetings = [
            meeting(f"{code}-M{j}", code, dt.datetime(2022, 1 + j, 10, 14, tzinfo=LONDON),
                    draw(st.sampled_from(list(MeetingStatus))))
            for j in range(draw(st.integers(0, 3)))
        ]
        bodies.append(Body(code=code, name=f"Bodyname{i}Z", meetings=meetings, exempt=draw(st.booleans()),
                           papers_lead_days=draw(st.integers(0, 5)), secretary="P0"))
    documents, forecasts = [], {}
    for d in range(draw(st.integers(0, 4))):
        key = f"D{d}K"
        steps = []
        for s in range(draw(st.integers(1, 4))):
            body = draw(st.sampled_from([None, *(b.code for b in bodies)]))
            steps.append(Step(key=f"S{s}", position=s, kind=draw(st.sampled_from(list(StepKind))),
                              title=f"Steptitle{d}x{s}W", body_code=body, owner=draw(st.sampled_from(["P0", "P1", None]))))
            if draw(st.booleans()):
                forecasts[(key, f"S{s}")] = StepForecast(
                    key, f"S{s}", draw(st.sampled_from(list(StepState))), dt.date(2022, 3, 1) + dt.timedelta(days=s),
                    tentative=draw(st.booleans()))
        documents.append(Document(key=key, title=f"Doctitle{d}Y", route=Route(steps), exempt=draw(st.booleans())))
    return bodies, documents, forecasts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(governance_data())
def test_no_exempt_item_appears_in_any_public_feed(data) -> None:
    bodies, documents, forecasts = data
    feeds = build_feeds(bodies=bodies, documents=documents, forecasts=forecasts,
                        people=[Person("P0"), Person("P1")], tokens={"P0": "t0", "P1": "t1"})
    secret_uids, secret_titles = set(), set()
    exempt_bodies = {b.code for b in bodies if b.exempt}
    for body in bodies:
        if body.exempt:
            secret_titles.add(body.name)
            secret_uids |= {f"meeting-{m.key}@govflow" for m in body.meetings} | {f"papers-{m.key}@govflow" for m in body.meetings}
    for document in documents:
        for step in document.route.steps:
            if document.exempt or step.body_code in exempt_bodies:
                secret_uids.add(f"step-{document.key}-{step.key}@govflow")
                secret_titles.add(step.title)
        if document.exempt:
            secret_titles.add(document.title)
    for feed in feeds:
        if not feed.public:
            continue
        assert feed.kind != "person"
        text = render_feed(feed, stamp=NOW).decode().replace("\r\n ", "")
        for uid in secret_uids:
            assert f"UID:{uid}\r\n" not in text, (feed.path, uid)
        for title in secret_titles:
            assert title not in text, (feed.path, title)


def test_another_councils_events_have_uids_of_their_own() -> None:
    """Issue 13: two councils may both have a Cabinet; a calendar subscribed to both must not take one
    council's meeting for the other's (the same UID is the same event to a calendar)."""
    body = Body(code="Cabinet", name="Cabinet", meetings=[Meeting(key="Cabinet-2022-03-01", body_code="Cabinet",
                starts_at=dt.datetime(2022, 3, 1, 14, tzinfo=LONDON))])  # fmt: skip
    default = {e.uid for f in build_feeds(bodies=[body], documents=[], forecasts={}) for e in f.events}
    plymouth = {e.uid for f in build_feeds(bodies=[body], documents=[], forecasts={}, organisation="plymouth") for e in f.events}
    assert "meeting-Cabinet-2022-03-01@govflow" in default  # the default council's UIDs are as they were
    assert "meeting-Cabinet-2022-03-01@plymouth.govflow" in plymouth
    assert not default & plymouth


def test_a_gathering_and_an_event_at_no_body_have_their_date_and_no_papers_deadline(tmp_path, check_ics) -> None:
    """Issue 14, point 10: a conference (a body that takes no papers) and a parents' workshop (a
    step with its own date and no body) are in the feeds on their days, with no papers deadline."""
    conference = Body(code="SENDConf", name="Annual SEND Conference", papers=False, papers_lead_days=0,
                      meetings=[meeting("SENDConf-2022-02-10", "SENDConf", dt.datetime(2022, 2, 10, 9, 30, tzinfo=LONDON))])
    sspb = board(meetings=[meeting("SSPB-2022-03-01", "SSPB", dt.datetime(2022, 3, 1, 14, tzinfo=LONDON))])
    steps = [
        Step(key="conference", position=1, kind=StepKind.WORKSHOP, title="Presented at the SEND conference",
             body_code="SENDConf", owner="GB", meeting_key="SENDConf-2022-02-10"),
        Step(key="parents", position=2, kind=StepKind.WORKSHOP, title="Parents' workshop", owner="GB",
             when=When(kind="date", start=dt.date(2022, 2, 15), end=dt.date(2022, 2, 15), text="15 February 22")),
        Step(key="sign-off", position=3, kind=StepKind.DECIDE, title="Signed off", body_code="SSPB", owner="GB",
             meeting_key="SSPB-2022-03-01"),
    ]
    document = Document(key="doc", title="SEND Strategy", route=Route(steps), owner="GB")
    forecasts = {
        ("doc", "conference"): StepForecast("doc", "conference", StepState.DUE, dt.date(2022, 2, 10), "SENDConf-2022-02-10"),
        ("doc", "parents"): StepForecast("doc", "parents", StepState.SCHEDULED, dt.date(2022, 2, 15)),
        ("doc", "sign-off"): StepForecast("doc", "sign-off", StepState.SCHEDULED, dt.date(2022, 3, 1), "SSPB-2022-03-01"),
    }
    feeds = {f.path: f for f in build_feeds(bodies=[conference, sspb], documents=[document], forecasts=forecasts)}
    gathering = feeds["body/SENDConf.ics"]
    assert "takes no papers" in gathering.description and "papers deadlines" not in gathering.description
    assert not [uid for uid in by_uid(gathering) if uid.startswith("papers-")]
    everything = by_uid(feeds["all.ics"])
    assert [uid for uid in everything if uid.startswith("papers-")] == ["papers-SSPB-2022-03-01@govflow"]  # the board's only
    assert everything["step-doc-parents@govflow"].start == dt.date(2022, 2, 15)
    path = tmp_path / "all.ics"
    path.write_bytes(render_feed(feeds["all.ics"], stamp=NOW))
    result = check_ics(path, "--strict")
    assert result.returncode == 0, result.stderr
    seen = {uid: (start, status) for start, _, status, uid, _ in result.events}
    assert seen["meeting-SENDConf-2022-02-10@govflow"][0].startswith("2022-02-10T09:30")
    assert seen["step-doc-parents@govflow"] == ("2022-02-15", "CONFIRMED")
