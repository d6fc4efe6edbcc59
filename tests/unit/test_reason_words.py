"""Why a date moved, and where a step stands, in words a board secretary would write (issue 14,
points 4 and 5): step titles not step keys, "1 March 2022" not "2022-03-01", and states that do not
contradict themselves. The planner keeps its own reason as text; these are renderings of its facts."""
import datetime as dt
import re
from pathlib import Path

import pytest

from governance_model.model import Decision, DecisionOutcome, ForecastChange, StepForecast, StepState
from governance_model.reason_words import move_words, reason_words, state_words
from governance_model.reasons import Reason
from governance_model.route_planner import MeetingIndex, plan_route
from governance_model.working_days import WorkingCalendar
from tests.unit.test_route_planner import southend  # noqa: F401 - the Southend strategy and bodies, bound to their meetings

D = dt.date.fromisoformat
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
TITLES = {"consult": "Wider public consultation", "draft": "Draft written", "hwbb": "HWBB sign off"}
KEYS = re.compile(r"(?<![\w“])(consult|draft|hwbb|sspb-final)(?![\w”])")


def plain(words: str) -> None:
    """No ISO date, no step key, no "(forecast …)" code: words a person wrote."""
    assert not ISO.search(words), words
    assert not KEYS.search(words.replace("“Draft written”", "")), words
    assert "(forecast " not in words and "it was re-planned" not in words, words


# One of every kind of reason the planner gives, with the words each must say.
EVERY_KIND = [
    (Reason.of("done", day=D("2021-09-15")), "it was done on 15 September 2021"),
    (Reason.of("decided", outcome="approved_with_amendments", body="SSPB", day=D("2022-01-06")), "SSPB approved with amendments it on 6 January 2022"),
    (Reason.of("rejected", body="Cabinet", day=D("2022-04-12")), "Cabinet rejected the document on 12 April 2022"),
    (Reason.of("waits_undated", steps=["consult", "condition:DfE"]), "it waits for “Wider public consultation” and “DfE” (not yet met), which have no date yet"),
    (Reason.of("waits_undated", steps=["other-doc/approve"]), "it waits for a step of another document, which has no date yet"),
    (Reason.of("anchor_missing", when="two weeks before the panel", anchor="the panel"), "its date, “two weeks before the panel”, is counted from something the route does not have"),
    (Reason.of("anchor_undated", when="two weeks before the meeting", step="hwbb"), "counted from “HWBB sign off”, which has no date yet"),
    (Reason.of("counted_from", when="two weeks before the meeting", step="hwbb", day=D("2022-03-07")), "counted from “HWBB sign off” on 7 March 2022"),
    (Reason.of("in_time_for", step="hwbb", body="HWBB", day=D("2022-03-07"), lead=5), "in time for “HWBB sign off” at HWBB on 7 March 2022, with the papers 5 working days before"),
    (Reason.of("followers_undated"), "what follows it has no date yet"),
    (Reason.of("after", step="draft"), "it follows “Draft written”"),
    (Reason.of("after"), "it was re-opened"),
    (Reason.of("own_date", when="December 21"), "the route gives it “December 21”"),
    (Reason.of("slipped", step="draft", day=D("2022-01-10"), when="December 21"), "“Draft written” now finishes on 10 January 2022, later than the planned “December 21”"),
    (Reason.of("deferred", body="SSPB", day=D("2022-01-06"), meeting_on=D("2022-03-01")), "SSPB deferred it on 6 January 2022"),
    (Reason.of("meeting_cancelled", body="SSPB", cancelled_on=D("2022-01-06"), no_meeting=True), "the SSPB meeting of 6 January 2022 was cancelled; there is no SSPB meeting in the diary yet"),
    (Reason.of("meeting_not_fixed", body="EducationBoard", when="TBC March 22", on=D("2022-03-31")), "the EducationBoard meeting it is on is not yet fixed (“TBC March 22”)"),
    (Reason.of("to_be_confirmed", body="ImprovementBoard"), "its ImprovementBoard date is to be confirmed"),
    (Reason.of("first_meeting_after", body="SSPB", step="consult", day=D("2022-02-28"), lead=5, meeting_on=D("2022-03-01")),
     "“Wider public consultation” now finishes on 28 February 2022 and SSPB needs the papers 5 working days before its meeting"),
    (Reason.of("first_meeting_from", body="SSPB", day=D("2022-01-01"), when="January 22", meeting_on=D("2022-01-06")),
     "it cannot be taken before 1 January 2022 (the route says “January 22”), and SSPB meets next on 6 January 2022"),
    (Reason.of("too_soon", body="HWBB", was=D("2022-03-07"), step="sspb-final", day=D("2022-03-08"), lead=5, meeting_on=D("2022-06-06")),
     "the HWBB meeting of 7 March 2022 comes too soon: an earlier step finishes on 8 March 2022 and HWBB needs the papers 5 working days before its meeting"),
    (Reason.of("on_meeting", body="SSPB", day=D("2022-03-01")), "it is on the SSPB meeting of 1 March 2022"),
    (Reason.of("on_meeting", body="SSPB", day=D("2022-03-01"), risk="late", step="consult", ready=D("2022-03-03")),
     "at risk: “Wider public consultation” is forecast to finish on 3 March 2022, after this meeting"),
    (Reason.of("on_meeting", body="SSPB", day=D("2022-03-01"), risk="undated", steps=["consult"]), "at risk: it waits for “Wider public consultation”, which has no date yet"),
    (Reason.of("own_date", when="March 22", cause=Reason.of("referred_back", body="SSPB", day=D("2022-03-01"))), "SSPB referred it back on 1 March 2022, and the route gives it “March 22”"),
    (Reason.of("after", step="draft", cause=Reason.of("amendments", body="SSPB", day=D("2022-01-06"))), "SSPB asked for amendments on 6 January 2022, and it follows “Draft written”"),
    (Reason.of("change_decision", step="draft", outcome="deferred", body="SSPB", day=D("2022-01-06"), then=Reason.of("first_meeting_after", body="SSPB", step="draft", day=D("2022-01-06"), lead=5)),
     "SSPB deferred “Draft written” on 6 January 2022; so “Draft written” now finishes on 6 January 2022"),
    (Reason.of("change_step_done", step="draft", day=D("2022-01-04")), "“Draft written” was done on 4 January 2022"),
    (Reason.of("expected_late", by="GB", note="the data is not in yet", when="end of March", day=D("2022-03-31"), was=D("2022-01-31")),
     "expected late by GB: the data is not in yet; now expected by 31 March 2022 (“end of March”)"),
    (Reason.of("expected_late", by="GB", when="w/c 14 March", day=D("2022-03-20"), body="SSPB", meeting_on=D("2022-04-05")),
     "expected late by GB; now expected by 20 March 2022 (“w/c 14 March”), and SSPB meets next on 5 April 2022"),
    (Reason.of("change_expected_late", step="draft", by="GB", note="legal sign-off", day=D("2022-03-31")),
     "expected late by GB: legal sign-off (“Draft written” now expected by 31 March 2022)"),
    (Reason.of("change_meeting_moved", body="SSPB", was=D("2022-03-01"), to=D("2022-03-08")), "the SSPB meeting of 1 March 2022 moved to 8 March 2022"),
    (Reason.of("change_meeting_cancelled", body="SSPB", was=D("2022-03-01")), "the SSPB meeting of 1 March 2022 was cancelled"),
    (Reason.of("change_meeting_confirmed", body="SSPB", was=D("2022-03-01"), to=D("2022-03-01")), "the SSPB meeting of 1 March 2022 was confirmed for 1 March 2022"),
]


@pytest.mark.parametrize(("why", "expected"), EVERY_KIND, ids=[f"{w.kind}-{i}" for i, (w, _) in enumerate(EVERY_KIND)])
def test_every_kind_of_reason_reads_as_a_person_would_write_it(why: Reason, expected: str) -> None:
    words = reason_words(why, TITLES)
    assert expected in words
    plain(words)


def test_every_kind_the_planner_gives_is_rendered() -> None:
    """The planner's reasons as facts (route_planner, route_changes) are all in the table above."""
    source = "".join(p.read_text() for p in (Path(__file__).resolve().parents[2] / "governance_model" / "route_planner.py",))
    planner_kinds = set(re.findall(r'Reason\.of\("(\w+)"', source))
    assert planner_kinds <= {why.kind for why, _ in EVERY_KIND} | {why.cause.kind for why, _ in EVERY_KIND if why.cause}


def test_a_moved_date_says_where_it_went_and_why() -> None:
    change = ForecastChange(
        "send-strategy-2021-24", "sspb-final", D("2022-01-06"), D("2022-03-01"),
        "first SSPB meeting after papers 5 working days after consult (forecast 2022-02-28) (2022-03-01)", D("2021-12-01"),
        Reason.of("first_meeting_after", body="SSPB", step="consult", day=D("2022-02-28"), lead=5, meeting_on=D("2022-03-01")),
    )
    words = move_words(change, TITLES)
    assert words.startswith("moved to SSPB on 1 March 2022 because “Wider public consultation” now finishes on 28 February 2022")
    plain(words)
    # Stored before reasons had facts: where it went, and nothing made up.
    assert move_words(ForecastChange("d", "sspb-final", D("2022-01-06"), D("2022-03-01"), "old text with consult", D("2021-12-01"))) == "moved to 1 March 2022"
    assert move_words(ForecastChange("d", "hwbb", None, D("2022-03-07"), "", D("2021-12-01")), TITLES).startswith("has a date again: 7 March 2022")
    assert move_words(ForecastChange("d", "hwbb", D("2022-03-07"), None, "", D("2021-12-01")), TITLES) == "lost its date"


def test_a_reason_stored_as_json_reads_back_the_same() -> None:
    why = Reason.of(
        "change_decision", step="draft", outcome="deferred", body="SSPB", day=D("2022-01-06"),
        then=Reason.of("on_meeting", body="SSPB", day=D("2022-03-01"), risk="undated", steps=["consult", "condition:DfE"],
                       cause=Reason.of("referred_back", body="SSPB", day=D("2022-01-06"))),
    )
    assert Reason.from_json(why.to_json()) == why
    assert Reason.from_json(None) is None and Reason.from_json("a reason of old") is None


@pytest.mark.parametrize(
    ("as_of", "decisions"),
    [
        ("2021-10-06", []),
        ("2022-01-20", [Decision("send-strategy-2021-24", "sspb-draft", "SSPB", DecisionOutcome.DEFERRED, D("2022-01-06"))]),
        ("2022-03-02", [Decision("send-strategy-2021-24", "sspb-final", "SSPB", DecisionOutcome.REFERRED_BACK, D("2022-03-01"))]),
        ("2022-03-02", [Decision("send-strategy-2021-24", "sspb-final", "SSPB", DecisionOutcome.APPROVED_WITH_AMENDMENTS, D("2022-03-01"))]),
        ("2022-04-13", [Decision("send-strategy-2021-24", "cabinet", "Cabinet", DecisionOutcome.REJECTED, D("2022-04-12"))]),
    ],
)
def test_the_planners_reasons_on_the_southend_route_read_without_keys_or_iso_dates(southend, as_of, decisions) -> None:
    strategy, bodies = southend
    titles = {s.key: s.title for s in strategy.route.steps}
    route = plan_route(strategy, MeetingIndex(bodies), decisions, D(as_of), WorkingCalendar())
    for forecast in route.steps:
        assert forecast.why is not None, forecast
        words = reason_words(forecast.why, titles)
        assert words and not ISO.search(words), words
        assert not any(re.search(rf"(?<![\w-]){re.escape(s.key)}(?![\w-])", words) for s in strategy.route.steps if s.key not in s.title), words


def test_states_do_not_contradict_themselves(southend) -> None:
    """Cabinet "TBC" is to be confirmed, not "scheduled … (tentative)"; a window that has not
    opened is not "due"."""
    strategy, bodies = southend
    route = plan_route(strategy, MeetingIndex(bodies), [], D("2021-10-06"), WorkingCalendar())
    words = {f.step_key: state_words(f, strategy.route.step(f.step_key), route.as_of) for f in route.steps}
    assert words["cabinet"] == "to be confirmed (forecast April 2022)"
    assert words["education-board"] == "to be confirmed (forecast March 2022)"
    assert words["improvement-board"] == "to be confirmed"
    assert words["peer-review"] == "opens 1 Nov 2021, closes 31 Dec 2021"  # November/December 21: not due on 6 October
    assert words["share-sspb"] == "due 6 Oct 2021"
    assert words["sspb-final"] == "scheduled 1 Mar 2022"
    assert not any("tentative" in w or ("scheduled" in w and "confirmed" in w) for w in words.values())
    # The day it opens, it is due.
    later = plan_route(strategy, MeetingIndex(bodies), [], D("2021-11-01"), WorkingCalendar())
    assert state_words(later.step("peer-review"), strategy.route.step("peer-review"), D("2021-11-01")) == "due 31 Dec 2021"


def test_a_forecast_on_a_tentative_meeting_is_not_scheduled() -> None:
    forecast = StepForecast("d", "hwbb", StepState.SCHEDULED, D("2022-03-07"), "HWBB-2022-03-07", True, "HWBB meeting on 2022-03-07")
    assert state_words(forecast, None, D("2021-10-06")) == "forecast 7 Mar 2022"
