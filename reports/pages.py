"""The public pages `govflow serve` shows (issue 14, 11) as accessible HTML with no script: a
document's route and timeline (/documents/<key>), an action plan with RAG (/plans/<key>), a
body's coming meetings with what is on them (/bodies/<code>) and one meeting (/meetings/<key>, where
the calendar feeds' meetings link). Links between them are relative, so
they work under a council's prefix (/<council>/documents/…) as well."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from governance_model.model import ActionPlan, MeetingStatus
from governance_model.public_pages import BodyPage, DocumentPage, MeetingAgenda, MeetingPage
from governance_model.rag import PlanRag
from governance_model.reminders import format_day
from reports.html import render
from reports.plan import SECTIONS, rule_text, update_heading

LONDON = ZoneInfo("Europe/London")


def meeting_words(agenda: MeetingAgenda) -> str:
    """"Tuesday 1 March 2022 at 14:00", "to be confirmed (TBC March 22)", with "(cancelled)"."""
    meeting = agenda.meeting
    if agenda.tbc is not None:
        words = f"To be confirmed ({agenda.tbc})"
    else:
        words = london_time(meeting.starts_at)
    if meeting.status is MeetingStatus.CANCELLED:
        words += " (cancelled)"
    elif meeting.status is MeetingStatus.TENTATIVE and agenda.tbc is None:
        words += " (tentative)"
    return words


def london_time(moment: dt.datetime) -> str:
    """"Tuesday 1 March 2022 at 14:00", in Europe/London whatever zone `moment` is in."""
    local = moment.astimezone(LONDON)
    return f"{format_day(local.date())} at {local:%H:%M}"


def document_page_html(page: DocumentPage) -> str:
    return render("document.html.j2", page=page)


def body_page_html(page: BodyPage) -> str:
    return render("body.html.j2", page=page, meeting_words=meeting_words)


def meeting_page_html(page: MeetingPage) -> str:
    tbc = page.agenda.tbc
    if tbc is not None:
        when, heading = f"To be confirmed ({tbc})", f"{page.body.name}: meeting, date to be confirmed ({tbc})"
    else:
        when = london_time(page.agenda.meeting.starts_at)
        heading = f"{page.body.name}: meeting on {when}"
    return render("meeting.html.j2", page=page, when=when, heading=heading, london_time=london_time)


def plan_page_html(plan: ActionPlan, judged: PlanRag) -> str:
    measures = {rec.number: rec.measures for rec in plan.recommendations}
    return render(
        "plan_page.html.j2", plan=plan, judged=judged, rule=rule_text(judged), measures=measures,
        sections=SECTIONS, update_heading=update_heading,
    )
