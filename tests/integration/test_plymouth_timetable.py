"""A second council, as its paper was written: Plymouth's Children and Young People's Plan 2011-14
(examples/plymouth/setup.yaml, transcribed from the forward plan entry
https://democracy.plymouth.gov.uk/mgIssueHistoryHome.aspx?IId=44316&PlanId=230&RPID=0 and the decisions
https://democracy.plymouth.gov.uk/ieIssueDetails.aspx?IId=45993&Opt=3&PlanId=0).

Replayed night by night on SQLite and PostgreSQL from the day the entry was first published to the
week after the City Council adopted the plan, with the decisions the minutes record on their days:
the dates the paper fixes stay fixed, consultees never hold up Cabinet, the reminders go out for the
right deadlines, the Report to Cabinet asks for the recommendation, and the feeds pass all three
calendar parsers."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from governance_model.model import Decision, DecisionOutcome
from govflow.services import file_loading, route_changes
from govflow.services.feed_publishing import publish
from govflow.services.night_planning import run_nightly
from govflow.services.report_writing import board_report
from reports.board import board_markdown

ROOT = Path(__file__).resolve().parents[2]
PLYMOUTH = ROOT / "examples" / "plymouth" / "setup.yaml"
DOC = "cypp-2011-14"
D = dt.date.fromisoformat
NOW = dt.datetime(2011, 4, 20, 9, 0, tzinfo=dt.timezone.utc)

# What happened, on the days the papers give. The Cabinet of 8 February and the Scrutiny Panel of
# 24 February are recorded as noted: their minutes were not found, only that the plan went on.
MINUTES = {
    "2011-02-08": [("decide", "cabinet-draft", "Cabinet", DecisionOutcome.NOTED, "")],
    "2011-02-24": [("decide", "scrutiny", "CYPScrutiny", DecisionOutcome.NOTED, "")],
    "2011-03-14": [("done", "representations")],
    "2011-03-29": [("decide", "cabinet-recommendation", "Cabinet", DecisionOutcome.APPROVED,
                    "Minute 137: the recommendation to the City Council to adopt the Children and Young People's Plan 2011/14")],
    "2011-04-11": [("decide", "council", "Council", DecisionOutcome.APPROVED_WITH_AMENDMENTS,
                    "Agreed that the Children and Young People's Plan 2011/14 is adopted, as amended.")],
}  # fmt: skip


def apply(uow_factory, day: dt.date, change) -> None:
    who = {"actor": "DS", "reason": "as minuted", "as_of": day, "now": NOW}
    if change[0] == "done":
        route_changes.mark_step_done(uow_factory(), DOC, change[1], day, **who)
        return
    _, step, body, outcome, minute = change
    decision = Decision(DOC, step, body, outcome, day, meeting_key=f"{body}-{day.isoformat()}", minute=minute)
    route_changes.record_decision(uow_factory(), decision, **who)


def stored(uow_factory) -> dict[str, tuple[str, str | None, bool]]:
    with uow_factory() as uow:
        return {f.step_key: (f.state.value, f.date.isoformat() if f.date else None, f.at_risk) for f in uow.documents.list_forecasts(DOC)}


def replay(uow_factory, last: str, checkpoints: tuple[str, ...]) -> dict[str, dict]:
    seen, day = {}, D("2010-11-11")
    while day <= D(last):
        for change in MINUTES.get(day.isoformat(), []):
            apply(uow_factory, day, change)
        run_nightly(uow_factory, day, NOW)
        if day.isoformat() in checkpoints:
            seen[day.isoformat()] = stored(uow_factory)
        day += dt.timedelta(days=1)
    return seen


def test_plymouths_timetable_replayed_from_the_forward_plan_to_adoption(uow_factory, tmp_path: Path, check_ics) -> None:
    file_loading.load_files([PLYMOUTH], uow_factory())
    seen = replay(uow_factory, "2011-04-18", checkpoints=("2010-11-11", "2011-03-01", "2011-03-29", "2011-04-18"))

    # The day the entry was published: every date the paper fixes is in the timetable, firm.
    published = seen["2010-11-11"]
    assert published["cabinet-draft"] == ("due", "2011-02-08", False)
    assert published["scrutiny"] == ("scheduled", "2011-02-24", False)
    assert published["representations"] == ("planned", "2011-03-14", False)
    assert published["cabinet-recommendation"] == ("scheduled", "2011-03-29", False)  # consultees never hold it up
    assert published["council"] == ("scheduled", "2011-04-11", False)
    for consultee in ("pscb", "nhs-plymouth", "cyp-trust", "plymouth-2020"):
        assert published[consultee] == ("planned", None, False)  # no date published: shown, not guessed
    # Groups with no meeting are due in time for Cabinet's papers, 5 working days before 29 March.
    assert published["families"][1] == published["staff"][1] == "2011-03-22"

    assert seen["2011-03-01"]["representations"] == ("due", "2011-03-14", False)
    assert seen["2011-03-29"]["cabinet-recommendation"] == ("done", "2011-03-29", False)
    adopted = seen["2011-04-18"]
    assert adopted["council"] == ("done", "2011-04-11", False)

    with uow_factory() as uow:
        # Nothing the paper fixed ever moved: no re-forecast of a firm date, and never from "no date".
        changes = [c for c in uow.documents.list_forecast_changes(DOC) if c.step_key in {"cabinet-recommendation", "council"}]
        assert changes == []
        # One digest item for Cabinet's papers: due Tuesday 22 March (5 working days before 29 March).
        reminders = [r for m in uow.outbox.list() for r in m.reminders]
    owed = {(r.recipient, r.item.key, r.item.deadline.isoformat(), r.rule) for r in reminders}
    # Cabinet's papers for 29 March are due Tuesday 22 March (5 working days before).
    assert ("MW", "papers:Cabinet-2011-03-29/cypp-2011-14/cabinet-recommendation", "2011-03-22", "papers-deadline") in owed
    assert ("MW", "step:cypp-2011-14/representations", "2011-03-14", "before-2") in owed  # representations close
    # The consultee groups are chased for Cabinet's papers deadline; they never hold Cabinet up.
    assert ("DCS", "step:cypp-2011-14/families", "2011-03-22", "before-7") in owed
    # Boards that published no date are shown but never chased for a date nobody gave.
    assert not any(key.endswith(("/pscb", "/nhs-plymouth", "/cyp-trust", "/plymouth-2020")) for _, key, _, _ in owed)

    # The Report to Cabinet for 29 March asks it for the recommendation, with its date, not "TBC".
    report = board_report(uow_factory(), "Cabinet", D("2011-03-22"))
    markdown = board_markdown(report)
    assert "To decide: A recommendation made by Cabinet to the City Council" in markdown
    assert "Meeting date: Tuesday 29 March 2011" in markdown
    row = next(line for line in markdown.splitlines() if line.startswith("| A recommendation made by Cabinet"))
    assert "| 29 March 2011 |" in row and "TBC" not in row, row

    # Every feed passes the three calendar parsers.
    published_feeds = publish(uow_factory, tmp_path, D("2011-03-01"), NOW, "https://govflow.example.org")
    for feed in published_feeds:
        result = check_ics(feed.file, "--strict")
        assert result.returncode == 0, f"{feed.file.name}: {result.stderr}"
