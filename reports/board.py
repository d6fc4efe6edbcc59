"""The Report to Board (seed 000's shape) as Markdown and as accessible HTML."""
from __future__ import annotations

from governance_model.board_report import BoardReport
from governance_model.reason_words import short_day
from governance_model.reminders import format_day
from reports.html import render
from reports.markdown import bullets, table, text


def _long(day) -> str:
    return format_day(day) if day else "no meeting scheduled"


def meeting_words(report: BoardReport) -> str:
    if report.meeting_tbc is not None:
        return f"to be confirmed ({report.meeting_tbc})"
    return _long(report.meeting_day)


def _since(report: BoardReport) -> str:
    return f"since the last meeting on {short_day(report.since)} (its own decisions included)" if report.since else "since the record began (no earlier meeting of this body is recorded)"


def board_markdown(report: BoardReport) -> str:
    out = [
        f"# Report to {text(report.body_name)} ({text(report.body_code)})",
        "",
        f"Meeting date: {meeting_words(report)}  ",
        *([f"Meeting key: {text(report.meeting.key)} (what `govflow meeting confirm`, `move` and `cancel` take)  "] if report.meeting else []),
        f"Prepared from govflow's records as of {_long(report.as_of)}.",
    ]
    if report.gathering_note:
        out += ["", text(report.gathering_note)]
    if not report.documents and not report.exempt_items:
        out += ["", f"No document's route comes to {text(report.body_code)}."]
    for document in report.documents:
        out += [
            "",
            f"## {text(document.title)}",
            "",
            f"Title: {text(document.title)}  ",
            f"Report by: {text(document.report_by) or '—'}  ",
            *([f"Version: {text(document.version)}  "] if document.version else []),
            f"Meeting date: {meeting_words(report)}",
            "",
            "### 1. Summary of progress and actions since last period",
            "",
            f"Progress {_since(report)}:",
            "",
            bullets(document.progress) if document.progress else "- Nothing recorded in this period.",
            "",
            "### 2. Proposed priorities and activities for next period",
            "",
            table(
                ["Activity and outcome", "By when", "Where it stands"],
                [(a.title, a.by_when, a.state) for a in document.activities],
            ),
            "",
            "### 3. Revised timetable",
            "",
            table(
                ["Step", "Body", "By when", "Date now", "Was", "Why it moved"],
                [(row.title, row.body_code or "—", row.by_when, row.now, row.was, row.why or "—") for row in document.moved],
            )
            if document.moved
            else "No changes since the last meeting.",
            "",
            "### 4. Recommendations / Discussion / Decisions required from the Board",
            "",
            bullets(document.decisions_required),
        ]
    if report.part_two:
        out += ["", "## Part II", "", bullets(report.part_two)]
    if report.plans:
        out += [
            "",
            "## Action plans",
            "",
            table(
                ["Plan", "RAG", "Why"],
                [(p.title, p.rag.words, p.reason) for p in report.plans],
            ),
        ]
    return "\n".join(out) + "\n"


def board_html(report: BoardReport) -> str:
    return render("board.html.j2", report=report, long=_long, since=_since(report), meeting=meeting_words(report))
