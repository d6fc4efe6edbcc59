"""The rule that keeps a body's meetings in step with its source (governance_model.meeting_sync):
what one reading adds, matches, moves, cancels, confirms and flags, in words — and what it leaves
alone (meetings already past, other bodies' keys, a day the reading does not cover)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from governance_model.errors import ModelError
from governance_model.meeting_sources import MeetingSource, SourceKind, SourceProblem, SourceReading, SourcedMeeting
from governance_model.meeting_sync import ChangeKind, plan_sync
from governance_model.model import Body, Meeting, MeetingStatus
from governance_model.when import When

LONDON = ZoneInfo("Europe/London")
AS_OF = dt.date(2022, 3, 1)
MODERNGOV = MeetingSource(SourceKind.MODERNGOV, "https://democracy.example.gov.uk", committee="142")


def at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=LONDON)


def stored(key: str, day: str, time: str = "10:00", source_id: str | None = None, **fields) -> Meeting:
    return Meeting(key=key, body_code="SSPB", starts_at=at(day, time), source_id=source_id, **fields)


def body(*meetings: Meeting) -> Body:
    return Body(code="SSPB", name="SEND Strategic Partnership Board", meetings=list(meetings), source=MODERNGOV)


def reading(*meetings: SourcedMeeting, first: str = "2022-02-01", last: str = "2022-12-31", problems=()) -> SourceReading:
    return SourceReading(list(meetings), list(problems), dt.date.fromisoformat(first), dt.date.fromisoformat(last))


def sourced(source_id: str, day: str, time: str = "10:00", **fields) -> SourcedMeeting:
    return SourcedMeeting(source_id, at(day, time), **fields)


def kinds(plan) -> list[tuple[str, str]]:
    return [(c.kind.value, c.meeting_key) for c in plan.changes]


def test_a_meeting_only_the_source_has_is_added_keyed_by_its_day() -> None:
    plan = plan_sync(body(), reading(sourced("17400", "2022-04-07", "14:00", location="Civic Centre")), AS_OF)
    (change,) = plan.changes
    assert change.kind is ChangeKind.NEW and change.meeting_key == "SSPB-2022-04-07"
    assert change.words == "ModernGov: meeting 17400 added as SSPB-2022-04-07, 7 April 2022 at 14:00"
    meeting = change.meeting
    assert (meeting.key, meeting.body_code, meeting.source_id, meeting.location) == ("SSPB-2022-04-07", "SSPB", "17400", "Civic Centre")
    assert meeting.starts_at == at("2022-04-07", "14:00") and meeting.status is MeetingStatus.SCHEDULED
    assert not plan.nothing_changed


def test_a_new_meetings_key_is_unique_among_this_and_other_bodies() -> None:
    """The key a meeting moved away from stays its own; another body may hold a key too."""
    moved_away = stored("SSPB-2022-04-07", "2022-04-21", source_id="17355")
    plan = plan_sync(
        body(moved_away),
        reading(sourced("17355", "2022-04-21"), sourced("17400", "2022-04-07"), sourced("17401", "2022-04-07", "15:00"),
                sourced("17402", "2022-05-05")),
        AS_OF,
        taken_keys={"SSPB-2022-05-05"},
    )
    assert kinds(plan) == [("new", "SSPB-2022-04-07-2"), ("new", "SSPB-2022-04-07-3"), ("new", "SSPB-2022-05-05-2")]


def test_a_meeting_moved_at_the_source_is_moved_and_keeps_its_key() -> None:
    plan = plan_sync(
        body(stored("SSPB-2022-03-03", "2022-03-03", source_id="17355"), stored("SSPB-2022-04-07", "2022-04-07", source_id="17356")),
        reading(sourced("17355", "2022-03-10"), sourced("17356", "2022-04-07", "14:30")),
        AS_OF,
    )
    assert kinds(plan) == [("moved", "SSPB-2022-03-03"), ("moved", "SSPB-2022-04-07")]
    day, time = plan.changes
    assert day.words == "ModernGov: meeting 17355 moved from 3 March 2022 to 10 March 2022"
    assert (day.was, day.to) == (at("2022-03-03"), at("2022-03-10"))
    assert time.words == "ModernGov: meeting 17356 moved from 10:00 to 14:30 on 7 April 2022"


def test_cancelled_at_the_source_is_cancelled_a_tentative_one_confirmed_and_one_cancelled_here_kept() -> None:
    plan = plan_sync(
        body(
            stored("SSPB-2022-03-03", "2022-03-03", source_id="17355"),
            stored("SSPB-2022-04-07", "2022-04-07", source_id="17356", status=MeetingStatus.CANCELLED),
            stored("SSPB-2022-05-05", "2022-05-05", source_id="17357", status=MeetingStatus.TENTATIVE),
            stored("SSPB-2022-06-02", "2022-06-02", source_id="17358", status=MeetingStatus.CANCELLED),
        ),
        reading(
            sourced("17355", "2022-03-03", cancelled=True, status="Cancelled"),
            sourced("17356", "2022-04-07", "14:00", status="Confirmed"),
            sourced("17357", "2022-05-05"),
            sourced("17358", "2022-06-02", cancelled=True),  # cancelled on both sides: nothing to do
        ),
        AS_OF,
    )
    # A meeting cancelled here (perhaps by its secretary) is never reinstated by a sync: it is told.
    assert kinds(plan) == [("cancelled", "SSPB-2022-03-03"), ("confirmed", "SSPB-2022-05-05"), ("kept as recorded", "SSPB-2022-04-07")]
    assert plan.changes[0].words == "ModernGov: meeting 17355 on 3 March 2022 at 10:00 cancelled"
    assert plan.changes[2].words == (
        "ModernGov: meeting 17356 goes ahead on 7 April 2022 at 14:00, but it is cancelled here: kept cancelled "
        "(`govflow meeting confirm SSPB-2022-04-07` if it does go ahead)"
    )


def test_a_meeting_no_longer_listed_is_flagged_only_on_the_days_the_reading_covers() -> None:
    meetings = body(
        stored("SSPB-2022-03-03", "2022-03-03", source_id="17355"),
        stored("SSPB-2023-03-02", "2023-03-02", source_id="17399"),  # after the reading's last day
        stored("SSPB-2022-04-07", "2022-04-07", source_id="17356", missing_from_source=True),  # flagged already
        stored("SSPB-2022-05-05", "2022-05-05"),  # typed by hand, never from the source
    )
    plan = plan_sync(meetings, reading(), AS_OF)
    assert kinds(plan) == [("disappeared", "SSPB-2022-03-03")]
    assert plan.changes[0].words == (
        "ModernGov: meeting 17355 on 3 March 2022 at 10:00 is no longer listed; kept, and flagged as missing from the source"
    )
    unbounded = SourceReading([], [], None, dt.date(2022, 12, 31))
    assert plan_sync(meetings, unbounded, AS_OF).changes == []  # the reading does not say where it starts


def test_a_flagged_meeting_listed_again_is_unflagged_and_followed() -> None:
    plan = plan_sync(
        body(stored("SSPB-2022-04-07", "2022-04-07", source_id="17356", missing_from_source=True)),
        reading(sourced("17356", "2022-04-14")),
        AS_OF,
    )
    assert kinds(plan) == [("listed again", "SSPB-2022-04-07"), ("moved", "SSPB-2022-04-07")]


def test_a_meeting_typed_by_hand_is_matched_not_duplicated() -> None:
    plan = plan_sync(
        body(
            stored("SSPB-2022-03-03", "2022-03-03", "14:00"),
            stored("SSPB-2022-04-07-am", "2022-04-07", "09:30"),
            stored("SSPB-2022-04-07", "2022-04-07", "14:00"),
            Meeting(key="SSPB-2022-05-TBC", body_code="SSPB", status=MeetingStatus.TENTATIVE,
                    when=When("date", dt.date(2022, 5, 5), dt.date(2022, 5, 5), tentative=True, text="TBC 5 May 22")),
        ),
        reading(sourced("17355", "2022-03-03", "10:00"), sourced("17356", "2022-04-07", "14:00"), sourced("17357", "2022-05-05", "16:00")),
        AS_OF,
    )
    assert kinds(plan) == [
        ("matched", "SSPB-2022-03-03"), ("matched", "SSPB-2022-04-07"), ("matched", "SSPB-2022-05-TBC"),
        ("moved", "SSPB-2022-03-03"), ("confirmed", "SSPB-2022-05-TBC"),
    ]
    assert plan.changes[0].words == "ModernGov: meeting 17355 is SSPB-2022-03-03 (3 March 2022), typed by hand"
    assert plan.changes[3].words == "ModernGov: meeting 17355 moved from 14:00 to 10:00 on 3 March 2022"
    assert plan.changes[4].words == "ModernGov: meeting 17357 goes ahead on 5 May 2022 at 16:00 (it was tentative)"


def test_a_meeting_already_past_keeps_its_record() -> None:
    """Moved or cancelled at the source after its day: told, not changed; matching it is fine."""
    plan = plan_sync(
        body(
            stored("SSPB-2022-02-03", "2022-02-03", source_id="17350"),
            stored("SSPB-2022-02-10", "2022-02-10", source_id="17351"),
            stored("SSPB-2022-02-17", "2022-02-17"),
            stored("SSPB-2022-03-03", "2022-03-03", source_id="17355", status=MeetingStatus.HELD),
        ),
        reading(
            sourced("17350", "2022-03-10"), sourced("17351", "2022-02-10", cancelled=True),
            sourced("17352", "2022-02-17", "11:00"), sourced("17355", "2022-03-03", cancelled=True),
        ),
        AS_OF,
    )
    assert kinds(plan) == [
        ("matched", "SSPB-2022-02-17"),
        ("kept as recorded", "SSPB-2022-02-10"), ("kept as recorded", "SSPB-2022-02-17"),
        ("kept as recorded", "SSPB-2022-03-03"), ("kept as recorded", "SSPB-2022-02-03"),
    ]  # in the source's order
    assert plan.changes[4].words == (
        "ModernGov: meeting 17350 on 3 February 2022 at 10:00 has passed: the source now says 10 March 2022 at 10:00; "
        "the record of the meeting is kept as it was"
    )
    assert "now says cancelled" in plan.changes[1].words and "now says cancelled" in plan.changes[3].words


def test_a_cancelled_meeting_govflow_never_had_is_not_added() -> None:
    assert plan_sync(body(), reading(sourced("17400", "2022-04-07", cancelled=True)), AS_OF).changes == []


def test_the_readers_problems_are_carried_and_a_meeting_listed_twice_taken_once() -> None:
    problem = SourceProblem("meeting 17360", "31/02/2022", "not a date")
    plan = plan_sync(body(), reading(sourced("17400", "2022-04-07"), sourced("17400", "2022-04-14"), problems=[problem]), AS_OF)
    assert kinds(plan) == [("new", "SSPB-2022-04-07")]
    assert plan.problems[0] == problem
    assert plan.problems[1].where == "meeting 17400" and "listed more than once" in plan.problems[1].reason


def test_nothing_changed_when_the_source_agrees() -> None:
    plan = plan_sync(body(stored("SSPB-2022-03-03", "2022-03-03", source_id="17355")), reading(sourced("17355", "2022-03-03")), AS_OF)
    assert plan.changes == [] and plan.nothing_changed


def test_a_body_without_a_source_cannot_be_synced() -> None:
    with pytest.raises(ModelError, match="body 'SSPB' has no source"):
        plan_sync(Body(code="SSPB", name="SSPB"), reading(), AS_OF)


def test_a_source_that_gives_no_time_moves_only_the_day() -> None:
    plan = plan_sync(
        body(stored("SSPB-2022-03-03", "2022-03-03", "14:00", source_id="17355"), stored("SSPB-2022-04-07", "2022-04-07", "14:00", source_id="17356")),
        reading(sourced("17355", "2022-03-03", "00:00", time_known=False), sourced("17356", "2022-04-14", "00:00", time_known=False)),
        AS_OF,
    )
    assert kinds(plan) == [("moved", "SSPB-2022-04-07")]
    assert plan.changes[0].to == at("2022-04-14", "14:00")
    assert plan.changes[0].words == "ModernGov: meeting 17356 moved from 7 April 2022 to 14 April 2022"


def test_a_meeting_the_source_made_again_under_a_new_id_is_matched_not_duplicated() -> None:
    plan = plan_sync(
        body(stored("SSPB-2022-04-07", "2022-04-07", source_id="17356")),
        reading(sourced("20001", "2022-04-07", "14:00")),
        AS_OF,
    )
    assert kinds(plan) == [("matched", "SSPB-2022-04-07"), ("moved", "SSPB-2022-04-07")]
    assert plan.changes[0].words == "ModernGov: meeting 20001 is SSPB-2022-04-07 (7 April 2022), listed before as meeting 17356"


def test_a_meeting_the_reader_could_not_read_is_not_taken_as_gone_and_an_id_govflow_cannot_keep_is_a_problem() -> None:
    from governance_model.meeting_sources import SourceProblem

    unread = SourceProblem("meeting 17356", "31/04/2022", "its date cannot be read", source_id="17356")
    plan = plan_sync(
        body(stored("SSPB-2022-04-07", "2022-04-07", source_id="17356")),
        reading(sourced("x" * 300, "2022-05-05"), sourced("17400", "2022-06-02"), problems=[unread]),
        AS_OF,
    )
    assert kinds(plan) == [("new", "SSPB-2022-06-02")]  # nothing flagged, the long id left out
    assert any("longer than 255" in p.reason for p in plan.problems)


def test_a_future_meeting_is_never_moved_into_the_past() -> None:
    plan = plan_sync(body(stored("SSPB-2022-03-03", "2022-03-03", source_id="17355")), reading(sourced("17355", "2021-09-01")), AS_OF)
    assert kinds(plan) == [("kept as recorded", "SSPB-2022-03-03")]
    assert "which has passed" in plan.changes[0].words
