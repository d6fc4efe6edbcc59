"""Issue 13, 4: the nightly writes a report only where someone will read it. A body's Report to Board
is written on the nights its meeting's papers window is open (a working week before the papers
deadline up to the meeting) and left alone on the others; a plan's report is written again when
the plan changed and left alone when it did not. On each database, from the Southend example."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from governance_model.model import Body, Meeting, MeetingStatus, ProgressUpdate
from governance_model.working_days import WorkingCalendar
from govflow.services import file_loading
from govflow.services import report_writing as reports

pytestmark = pytest.mark.database

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
PLAN = "send-peer-review-recommendations-high-level-implementation-plan-draft-1"
D = dt.date.fromisoformat


def written_on(uow_factory, out: Path, day: str) -> set[str]:
    return {f"{w.kind}/{w.key}" for w in reports.write_reports(uow_factory, out, D(day))}


def stamp(path: Path) -> tuple[int, int]:
    """What a rewrite changes even when the bytes come out the same: the file's inode and mtime."""
    status = path.stat()
    return status.st_ino, status.st_mtime_ns


def test_a_boards_report_is_written_while_its_papers_window_is_open_and_left_alone_otherwise(uow_factory, tmp_path):
    file_loading.load_files([SOUTHEND], uow_factory())
    out = tmp_path / "reports"
    sspb = out / "board" / "SSPB.md"

    # SSPB meets on Thursday 6 January 2022; its papers are due 5 working days before, on Wednesday
    # 29 December (after the Christmas bank holidays): its window opened a working week before that,
    # on Monday 20 December, and closes on the day.
    assert "board/SSPB" not in written_on(uow_factory, out, "2021-12-17")
    assert "board/SSPB" in written_on(uow_factory, out, "2021-12-20")
    assert "board/SSPB" in written_on(uow_factory, out, "2022-01-06")
    january = sspb.read_text(encoding="utf-8")
    assert "Meeting date: Thursday 6 January 2022" in january
    before = stamp(sspb)

    # Between meetings no one reads it: the January report stays as it was written.
    for night in ("2022-01-07", "2022-01-20", "2022-02-14"):
        assert "board/SSPB" not in written_on(uow_factory, out, night), night
    assert stamp(sspb) == before and sspb.read_text(encoding="utf-8") == january

    # The window of 1 March opens on 15 February (papers due 22 February): written for that meeting.
    assert "board/SSPB" in written_on(uow_factory, out, "2022-02-15")
    march = sspb.read_text(encoding="utf-8")
    assert "Meeting date: Tuesday 1 March 2022" in march and "as of Tuesday 15 February 2022" in march
    assert (out / "board" / "SSPB.html").read_text(encoding="utf-8").count("1 March 2022") >= 1


def test_a_plans_reports_are_written_again_when_the_plan_changed_and_not_when_it_did_not(uow_factory, tmp_path):
    file_loading.load_files([SOUTHEND], uow_factory())
    out = tmp_path / "reports"
    files = [out / "plan" / f"{PLAN}{suffix}" for suffix in (".md", ".html", ".csv", ".xlsx")]

    assert f"plan/{PLAN}" in written_on(uow_factory, out, "2022-04-29")
    first = {path: stamp(path) for path in files}
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert index["reports"][f"plan/{PLAN}"]["as_of"] == "2022-04-29"

    # Nothing recorded since: none of the four files (the workbook included) is written again.
    assert f"plan/{PLAN}" not in written_on(uow_factory, out, "2022-05-03")
    assert {path: stamp(path) for path in files} == first
    assert "Action-plan report as of 29 Apr 2022" in files[0].read_text(encoding="utf-8")

    with uow_factory() as uow:
        uow.plans.add_update(PLAN, ProgressUpdate("14", D("2022-05-03"), done=["Learning review drafted"], next_steps=["Sign off at SENDOps"]))
        uow.commit()

    assert f"plan/{PLAN}" in written_on(uow_factory, out, "2022-05-04")
    assert all(stamp(path) != first[path] for path in files)
    markdown = files[0].read_text(encoding="utf-8")
    assert "Action-plan report as of 4 May 2022" in markdown and "- Sign off at SENDOps" in markdown


def test_a_plan_whose_files_were_deleted_is_written_again(uow_factory, tmp_path):
    file_loading.load_files([SOUTHEND], uow_factory())
    out = tmp_path / "reports"
    written_on(uow_factory, out, "2022-04-29")
    (out / "plan" / f"{PLAN}.xlsx").unlink()

    assert f"plan/{PLAN}" in written_on(uow_factory, out, "2022-05-03")
    assert (out / "plan" / f"{PLAN}.xlsx").stat().st_size > 0


LONDON = reports.LONDON


def meeting(day: str, status: MeetingStatus = MeetingStatus.SCHEDULED, *, tbc: bool = False) -> Meeting:
    at = None if tbc else dt.datetime.fromisoformat(f"{day}T14:00").replace(tzinfo=LONDON)
    return Meeting(f"B-{day}", "B", starts_at=at, status=status)


@pytest.mark.parametrize(
    ("lead", "opens"),
    [(5, "2022-02-15"), (0, "2022-02-22"), (10, "2022-02-08")],
)
def test_the_papers_window_opens_a_working_week_before_the_papers_deadline(lead, opens):
    body = Body("B", "Board", papers_lead_days=lead, meetings=[meeting("2022-03-01")])
    calendar = WorkingCalendar()

    assert reports.papers_window(body, body.meetings[0], calendar) == (D(opens), D("2022-03-01"))
    assert reports.open_papers_window(body, D(opens), calendar) is body.meetings[0]
    assert reports.open_papers_window(body, D(opens) - dt.timedelta(days=1), calendar) is None
    assert reports.open_papers_window(body, D("2022-03-02"), calendar) is None


def test_a_cancelled_or_undated_meeting_opens_no_window():
    calendar = WorkingCalendar()
    for cancelled_or_tbc in (meeting("2022-03-01", MeetingStatus.CANCELLED), meeting("2022-03-01", tbc=True)):
        body = Body("B", "Board", meetings=[cancelled_or_tbc])
        assert reports.open_papers_window(body, D("2022-02-28"), calendar) is None
