"""Reminders for a window: the day it opens as well as before it closes (the rule is in
governance_model/reminders.py). Uses the worlds and helpers of tests/unit/test_reminders.py."""
from __future__ import annotations

from governance_model.model import StepState
from governance_model.reminders import reminders_owed, reminders_owed_over
from governance_model.when import When
from tests.unit.test_reminders import (
    CALENDAR,
    D,
    board,
    days,
    one_action_world,
    one_step_world,
    owed,
    read_southend,
    sitting,
    southend_owed,
)

DEVON = "eight-week consultation from 11 July 2019"  # Thursday 11 July … Thursday 5 September


def test_a_window_step_reminds_on_the_day_it_opens_then_counts_to_its_close():
    world = one_step_world("2019-09-05", when_text=DEVON)
    assert owed(world, "2019-07-01", "2019-09-06") == [
        ("2019-07-11", "BM", "opens"),
        ("2019-08-15", "BM", "before-14"),  # 26 August is the summer bank holiday
        ("2019-08-27", "BM", "before-7"),
        ("2019-09-03", "BM", "before-2"),
        ("2019-09-05", "BM", "on-the-day"),
        ("2019-09-06", "BM", "overdue-1"),
    ]
    (opening,) = reminders_owed(D("2019-07-11"), calendar=CALENDAR, **world)
    assert (opening.item.opens, opening.item.deadline) == (D("2019-07-11"), D("2019-09-05"))
    assert opening.key == "BM|step:doc/paper|opens|2019-09-05"


def test_a_window_keeps_the_keys_its_closing_reminders_had():
    # The outbox dedupes by key: the before-N, on-the-day and overdue reminders of an item with a
    # window are keyed exactly as before, so nothing already sent goes again.
    nights = days("2019-07-01", "2019-09-20")
    window = reminders_owed_over(nights, calendar=CALENDAR, **one_step_world("2019-09-05", when_text=DEVON))
    one_day = reminders_owed_over(nights, calendar=CALENDAR, **one_step_world("2019-09-05"))
    assert [r.key for r in window if r.rule != "opens"] == [r.key for r in one_day]
    assert "BM|step:doc/paper|before-14|2019-09-05" in {r.key for r in window}
    assert all(r.item.opens is None for r in one_day)


def test_a_slipped_window_opens_as_late_as_it_closes():
    # Forecast to close on 20 September (what it waits for finished late): the same eight weeks.
    world = one_step_world("2019-09-20", when_text=DEVON, tentative=True)
    assert owed(world, "2019-07-01", "2019-09-03")[:1] == [("2019-07-26", "BM", "opens")]
    # not yet firm (it still waits for earlier steps): no reminder at all, the opening included
    waiting = one_step_world("2019-09-20", when_text=DEVON, tentative=True, state=StepState.PLANNED)
    assert owed(waiting, "2019-07-01", "2019-09-30") == []


def test_a_window_action_opens_on_its_first_working_day():
    # "Jan" in a table headed "When (2022)": 1 January is a Saturday and 3 January the New Year
    # bank holiday, so it opens on Tuesday 4 January.
    world = one_action_world("Jan")
    assert owed(world, "2021-12-01", "2022-01-31") == [
        ("2022-01-04", "LM", "opens"),
        ("2022-01-11", "LM", "before-14"),
        ("2022-01-20", "LM", "before-7"),
        ("2022-01-27", "LM", "before-2"),
        ("2022-01-31", "LM", "on-the-day"),
    ]
    (opening,) = reminders_owed(D("2022-01-04"), calendar=CALENDAR, **world)
    assert opening.key == "LM|action:plan/6a/1|opens|2022-01-31"


def test_no_opening_reminder_without_a_span_or_a_working_day_before_the_close():
    # a step at a body sits on one meeting: its window says which, it does not open
    meeting = sitting("SSPB-2022-03-01", "2022-03-01")
    at_board = one_step_world("2022-03-01", body=board(meetings=[meeting]), meeting_key=meeting.key, when_text="March 2022")
    assert "opens" not in {rule for _, _, rule in owed(at_board, "2022-02-01", "2022-03-01")}
    # a weekend: it opens on Monday, after it fell due on the Friday
    weekend = one_action_world("Jan")
    weekend["plans"][0].recommendations[0].actions[0].when = When("window", D("2022-01-08"), D("2022-01-09"), text="8-9 January")
    assert "opens" not in {rule for _, _, rule in owed(weekend, "2021-12-01", "2022-01-10")}
    # provisional windows never remind; one done before it opens says nothing of opening
    assert owed(one_action_world("TBC March 22"), "2022-02-01", "2022-04-30") == []
    done = one_step_world("2019-09-05", when_text=DEVON, done_on=D("2019-07-10"))
    assert owed(done, "2019-07-01", "2019-09-30") == []


def test_catch_up_owes_the_opening_reminder_of_a_missed_night_once():
    world = one_action_world("Jan")
    nights = days("2022-01-01", "2022-01-12")
    caught_up = reminders_owed_over(nights, calendar=CALENDAR, **world)
    assert sorted((r.night.isoformat(), r.rule) for r in caught_up) == [("2022-01-04", "opens"), ("2022-01-11", "before-14")]
    assert reminders_owed_over(nights, calendar=CALENDAR, **world) == caught_up




def test_the_southend_windows_remind_on_opening_only_once_they_are_firm():
    found = southend_owed(read_southend(), days("2021-09-25", "2022-03-05"))
    assert [(r.night.isoformat(), r.recipient, r.item.key.split("/")[1]) for r in found if r.rule == "opens"] == [
        ("2021-10-25", "GB", "final-feedback"),  # "October 21 half term deadline": 25–29 October
        ("2021-11-01", "GB", "peer-review"),  # "November/December 21", waits for nothing
    ]
    # "October/November 21" (action planning) and "October 21 to December 21" open on 1 October,
    # before the 6 October SSPB they wait for; the consultation ("One month Jan/Feb 22") opens on
    # 4 January, before the 6 January SSPB: on their opening days they still wait, so they are
    # reminded only as they close (the consultation not at all here: no SSPB decision is recorded).
    closing = {(r.item.key.split("/")[1], r.rule) for r in found}
    assert {("action-planning", "before-14"), ("presentation", "before-14")} <= closing
    assert not {("action-planning", "opens"), ("presentation", "opens"), ("consultation", "opens")} & closing
