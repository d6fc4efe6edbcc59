"""The reports boards read, from the Southend example on each database: the Report to Board against
seed 000's own table, the revised timetable after a meeting moves, the action-plan report's RAG for
every recommendation, and the HTML through axe-core in Chromium."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest

from governance_model.model import Decision, DecisionOutcome, ProgressUpdate
from governance_model.rag import Rag
from govflow.services import file_loading as services
from govflow.services import report_writing as reports
from govflow.services import route_changes
from govflow.services.night_planning import run_nightly
from reports.board import board_html, board_markdown
from reports.plan import plan_html, plan_markdown
from tests.accessibility import format_violations
from tests.data import SEED_000
from tests.e2e.test_cli import govflow

pytestmark = pytest.mark.database

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
PLAN = "send-peer-review-recommendations-high-level-implementation-plan-draft-1"
NOW = dt.datetime(2026, 11, 23, 12, tzinfo=dt.timezone.utc)
D = dt.date.fromisoformat


def seed_000_activities() -> list[tuple[str, str]]:
    """The rows of seed 000's "Activity and outcome / By when" table, as the council wrote them."""
    lines = SEED_000.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Activity and outcome\tBy when"))
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("Recommendations / Discussion"):
            break
        if line.strip():
            activity, by_when = line.split("\t")
            rows.append((activity.strip(), by_when.strip()))
    return rows


def markdown_table_after(markdown: str, heading: str) -> list[list[str]]:
    """The body rows of the first table after `heading` in a Markdown report."""
    lines = markdown[markdown.index(heading) :].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def html_rows(page: str, caption_start: str) -> list[list[str]]:
    """The body rows (header cell first) of the table whose caption starts with `caption_start`."""
    table = next(t for t in re.findall(r"<table>.*?</table>", page, re.S) if f"<caption>{caption_start}" in t)
    body = table.split("<tbody>", 1)[1]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_sspb_report_at_6_october_2021_lists_seed_000s_activities_and_by_when_dates(database_url, tmp_path):
    env = {"GOVFLOW_DATABASE_URL": database_url, "GOVFLOW_DATA_DIR": str(tmp_path / "data")}
    assert govflow("load", str(SOUTHEND), env=env).returncode == 0

    result = govflow("report", "board", "SSPB", "--as-of", "2021-10-06", "--out", str(tmp_path / "out"), env=env)

    assert result.returncode == 0, result.stderr
    markdown = (tmp_path / "out" / "SSPB.md").read_text(encoding="utf-8")
    page = (tmp_path / "out" / "SSPB.html").read_text(encoding="utf-8")
    in_markdown = [(row[0], row[1]) for row in markdown_table_after(markdown, "### 2. Proposed priorities and activities")]
    in_html = [(row[0], row[1]) for row in html_rows(page, "Activities for")]
    seed = seed_000_activities()
    assert len(seed) == 16
    # The same activities with the same by-when words. The report lists them in route order, in
    # which HWBB sign-off (7 March) comes before Cabinet, which waits for it; the seed lists
    # Cabinet first, so the rows are compared without their order.
    assert sorted(in_markdown) == sorted(seed)
    assert sorted(in_html) == sorted(seed)
    assert "Meeting date: Wednesday 6 October 2021" in markdown
    assert "Report by: Gary Bloom, Head of SEND, SBC" in markdown
    # What was done before the meeting is progress; what the board is asked is what comes to it.
    assert "- 15 Sep 2021: Version 11 of SEND Strategy shared with Joint Commissioning Board — done." in markdown
    assert "- To note: Version 11 of SEND Strategy shared with SSPB" in markdown


DONE_BY_JANUARY = {  # seed 000's steps before the January SSPB, done on their dates
    "share-sspb": "2021-10-06", "final-feedback": "2021-10-22", "action-planning": "2021-11-30",
    "peer-review": "2021-12-10", "presentation": "2021-12-17", "revise-peer-review": "2021-12-22",
}


def southend_after_the_january_sspb(uow_factory) -> None:
    """Southend with every step before 6 January 2022 done and the draft endorsed that day."""
    services.load_files([SOUTHEND], uow_factory())
    for step, day in DONE_BY_JANUARY.items():
        route_changes.mark_step_done(uow_factory(), "send-strategy-2021-24", step, D(day), actor="GB", reason="", as_of=D(day), now=NOW)
    run_nightly(uow_factory, D("2022-01-06"), NOW)
    route_changes.record_decision(
        uow_factory(),
        Decision("send-strategy-2021-24", "sspb-draft", "SSPB", DecisionOutcome.ENDORSED, D("2022-01-06"), minute="RESOLVED that the draft go to consultation"),
        actor="SEC", reason="minutes of 6 January", as_of=D("2022-01-06"), now=NOW,
    )


def test_the_revised_timetable_says_what_moved_from_what_and_why(uow_factory):
    southend_after_the_january_sspb(uow_factory)
    route_changes.move_meeting(
        uow_factory(), "SSPB-2022-03-01", dt.datetime(2022, 3, 8, 14, tzinfo=dt.timezone.utc),
        actor="SEC", reason="clash with budget council", as_of=D("2022-01-10"), now=NOW,
    )

    report = reports.board_report(uow_factory(), "SSPB", D("2022-01-10"))

    assert report.meeting_day == D("2022-03-08") and report.since == D("2022-01-06")
    (section,) = report.documents
    moved = {row.step_key: row for row in section.timetable if row.moved}
    assert set(moved) == {"sspb-final", "hwbb", "cabinet"}
    assert (moved["sspb-final"].was, moved["sspb-final"].now) == ("1 Mar 2022", "8 Mar 2022")
    # Why it moved, as the secretary would write it: no meeting key, step key or ISO date.
    assert moved["sspb-final"].why == (
        "moved to SSPB on 8 March 2022 because the SSPB meeting of 1 March 2022 moved to 8 March 2022 (re-planned on 10 January 2022)"
    )
    assert moved["hwbb"].why.startswith("moved to HWBB on ")
    assert "because the SSPB meeting of 1 March 2022 moved to 8 March 2022; so the HWBB meeting of 7 March 2022 comes too soon" in moved["hwbb"].why
    for row in moved.values():
        assert not re.search(r"\d{4}-\d{2}-\d{2}|SSPB-2022|sspb-final|hwbb(?! )|forecast 20", row.why), row.why
    assert "clash with budget council" in " ".join(section.progress)
    # What the last meeting (6 January) itself decided is news to this one.
    assert any(item.startswith("6 Jan 2022: SSPB endorsed") and "RESOLVED that the draft go to consultation" in item for item in section.progress)
    assert "To decide: SSSPB final version" in section.decisions_required
    assert any(item.startswith("To note and agree the revised timetable for SEND Strategy 2021-24: 3 dates have moved") for item in section.decisions_required)
    markdown = board_markdown(report)
    rows = {row[0]: row for row in markdown_table_after(markdown, "### 3. Revised timetable")}
    assert rows["SSSPB final version"][3:5] == ["8 Mar 2022", "1 Mar 2022"]
    assert set(rows) == {"SSSPB final version", "HWBB sign off", "Cabinet"}  # only what changed


def test_a_revised_timetable_with_nothing_moved_says_so(uow_factory):
    southend_after_the_january_sspb(uow_factory)

    report = reports.board_report(uow_factory(), "SSPB", D("2022-01-10"))

    markdown, page = board_markdown(report), board_html(report)
    section = markdown.split("### 3. Revised timetable", 1)[1].split("### 4.", 1)[0]
    assert section.strip() == "No changes since the last meeting."
    assert "<p>No changes since the last meeting.</p>" in page and "unchanged" not in page


def test_decisions_of_the_period_are_progress_at_the_next_meeting(uow_factory):
    southend_after_the_january_sspb(uow_factory)

    report = reports.board_report(uow_factory(), "SSPB", D("2022-02-20"))

    assert report.meeting_day == D("2022-03-01") and report.since == D("2022-01-06")
    progress = report.documents[0].progress
    assert any("RESOLVED that the draft go to consultation" in item for item in progress)  # decided at the last meeting itself
    assert not any("Version 11 of SEND Strategy shared with SSPB" in item for item in progress)  # done 6 Oct: an earlier period
    report = reports.board_report(uow_factory(), "HWBB", D("2022-02-20"))
    assert any("SSPB endorsed “Potential sign off or final draft Strategy potentially at the 6 January SSPB”. RESOLVED that the draft go to consultation" in item for item in report.documents[0].progress)


def test_the_plan_report_on_1_may_2022_gives_every_recommendation_a_rag_and_its_reason(uow_factory, tmp_path):
    services.load_files([SOUTHEND], uow_factory())
    with uow_factory() as uow:
        uow.plans.add_update(PLAN, ProgressUpdate("11", D("2022-02-14"), done=["New chair of RAP appointed"], action_position=1, action_complete=True))
        uow.plans.add_update(PLAN, ProgressUpdate("14", D("2022-04-25"), done=["Learning review drafted"], next_steps=["Sign off at SENDOps"]))
        uow.commit()

    report = reports.plan_report(uow_factory(), PLAN, D("2022-05-01"))

    judged = report.judged
    with uow_factory() as uow:
        numbers = [r.number for r in uow.plans.get(PLAN).recommendations]
    assert [r.number for r in judged.recommendations] == numbers and len(numbers) == 16
    assert all(isinstance(r.rag, Rag) and len(r.reason) > 10 for r in judged.recommendations)
    assert judged.recommendation("11").rag is Rag.COMPLETE
    assert judged.recommendation("11").reason == "its action was completed on 14 Feb 2022"
    assert judged.action("14", 2).rag is Rag.ON_TRACK  # due 31 May, updated a week ago
    # Every recommendation's row in the Markdown and the HTML carries its RAG in words and the reason.
    markdown = plan_markdown(report.plan, judged)
    page = plan_html(report.plan, judged)
    md_rows = {row[0]: row for row in markdown_table_after(markdown, "## Summary")}
    html_summary = {row[0]: row for row in html_rows(page, "Every recommendation")}
    for rec in judged.recommendations:
        assert md_rows[rec.number][3:5] == [rec.rag.words, rec.reason]
        assert html_summary[rec.number][3:5] == [rec.rag.words, rec.reason]
    assert md_rows["14"][5] == "25 Apr 2022"
    assert "*Next steps:*\n\n- Sign off at SENDOps" in markdown


def test_the_cli_prints_the_plan_report_and_writes_csv_and_excel(database_url, tmp_path):
    env = {"GOVFLOW_DATABASE_URL": database_url, "GOVFLOW_DATA_DIR": str(tmp_path / "data")}
    assert govflow("load", str(SOUTHEND), env=env).returncode == 0

    printed = govflow("report", "plan", PLAN, "--as-of", "2022-05-01", env=env)
    written = govflow("report", "plan", PLAN, "--as-of", "2022-05-01", "--out", str(tmp_path / "out"), env=env)
    unknown = govflow("report", "plan", "no-such-plan", "--as-of", "2022-05-01", env=env)

    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("# SEND Peer Review Recommendations, high level implementation plan DRAFT 1\n")
    assert written.returncode == 0, written.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"{PLAN}{s}" for s in (".csv", ".html", ".md", ".xlsx")]
    assert unknown.returncode == 2 and "no action plan 'no-such-plan'" in unknown.stderr
    status = govflow("status", "--as-of", "2022-05-01", "--json", env=env)
    (plan,) = json.loads(status.stdout)["plans"]
    assert (plan["rag"], plan["rag_reason"]) == ("Red – overdue", "16 recommendations: 16 overdue")


def test_the_html_reports_pass_axe_core_in_chromium(uow_factory, axe, tmp_path):
    services.load_files([SOUTHEND], uow_factory())
    with uow_factory() as uow:
        uow.plans.add_update(PLAN, ProgressUpdate("1", D("2022-03-01"), done=["Files <sampled> & reviewed"], difference=["Oversight"], action_position=1, action_complete=True))
        uow.commit()
    board = reports.board_report(uow_factory(), "SSPB", D("2021-10-06"))
    plan = reports.plan_report(uow_factory(), PLAN, D("2022-05-01"))

    for name, page in (("board.html", board_html(board)), ("plan.html", plan_html(plan.plan, plan.judged))):
        path = tmp_path / name
        path.write_text(page, encoding="utf-8")
        violations = axe(path)
        assert violations == [], f"{name}:\n" + format_violations(violations)
    assert "Files &lt;sampled&gt; &amp; reviewed" in plan_html(plan.plan, plan.judged)  # escaped, not markup


def test_what_a_board_secretary_would_query(uow_factory, tmp_path):
    services.load_files([SOUTHEND], uow_factory())
    # Version 11 was never recorded as shared with SSPB: by February it is overdue, and the board is asked.
    sspb = reports.board_report(uow_factory(), "SSPB", D("2022-02-20"))
    assert "To note (overdue since 6 Oct 2021): Version 11 of SEND Strategy shared with SSPB" in sspb.documents[0].decisions_required
    # A sitting known only as a window is not printed as a date.
    education = board_markdown(reports.board_report(uow_factory(), "EducationBoard", D("2022-02-20")))
    assert "Meeting date: to be confirmed (TBC March 22)" in education
    # Its key, which the secretary types to confirm it once the date is fixed, is in the report.
    assert "Meeting key: EducationBoard-2022-03-01 (what `govflow meeting confirm`, `move` and `cancel` take)" in education
    education_html = board_html(reports.board_report(uow_factory(), "EducationBoard", D("2022-02-20")))
    assert "Meeting key: <code>EducationBoard-2022-03-01</code>" in education_html
    # Text that looks like markup stays text in the Markdown (the Prefect artifact renders it).
    with uow_factory() as uow:
        document = uow.documents.get("send-strategy-2021-24")
        document.title = "SEND Strategy <draft> & plan"
        uow.documents.save(document)
        uow.commit()
    markdown = board_markdown(reports.board_report(uow_factory(), "SSPB", D("2021-10-06")))
    assert "## SEND Strategy &lt;draft&gt; &amp; plan" in markdown and "<draft>" not in markdown
    # Reports are readable by others (a web server, colleagues), not owner-only.
    written = reports.write_reports(uow_factory, tmp_path, D("2021-10-06"))
    assert all(path.stat().st_mode & 0o777 == 0o644 for w in written for path in w.files)


def test_a_rejected_document_leaves_the_reports_after_the_meeting_that_rejected_it(uow_factory):
    southend_after_the_january_sspb(uow_factory)
    route_changes.record_decision(
        uow_factory(),
        Decision("send-strategy-2021-24", "sspb-final", "SSPB", DecisionOutcome.REJECTED, D("2022-03-01"), minute="RESOLVED that the strategy be not adopted"),
        actor="SEC", reason="", as_of=D("2022-03-01"), now=NOW,
    )

    at_the_next = reports.board_report(uow_factory(), "SSPB", D("2022-03-02"))
    later = reports.board_report(uow_factory(), "SSPB", D("2022-06-01"))

    (section,) = at_the_next.documents  # the rejection is news to the next meeting…
    assert any("rejected" in item and "RESOLVED that the strategy be not adopted" in item for item in section.progress)
    assert {row.now for row in section.timetable if row.step_key in ("hwbb", "cabinet")} == {"stopped"}
    assert later.documents == ()  # …and after that there is nothing left to report
