"""A digest item whose date moved says why (issue 14, point 4), but never names exempt business: a
public step that moved because a step at a Part II panel finishes later says only where it went and
"exempt item – not for publication", even to its own owner (a digest is an email: forwarded,
printed). The nightly case through Prefect and SMTP is tests/flows/test_digest_why_it_moved.py."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from governance_model.model import Body, Document, ForecastChange, Meeting, Person, Route, Step, StepForecast, StepKind, StepState
from governance_model.reasons import Reason
from governance_model.reminders import reminders_owed
from governance_model.when import When
from governance_model.working_days import WorkingCalendar
from notifications.digest import build_digest

LONDON = ZoneInfo("Europe/London")
CALENDAR = WorkingCalendar()
MARCH_1, MARCH_8 = dt.date(2022, 3, 1), dt.date(2022, 3, 8)
NIGHT = CALENDAR.add_working_days(MARCH_8, -7)  # the 7 working days' notice of the step's new date


def meeting(code: str, day: dt.date) -> Meeting:
    return Meeting(f"{code}-{day.isoformat()}", code, dt.datetime.combine(day, dt.time(14), LONDON))


BODIES = [
    Body("PB", "Partnership Board", secretary="SEC", meetings=[meeting("PB", MARCH_1), meeting("PB", MARCH_8)]),
    Body("XQZ", "Xqz Appeals Panel", secretary="AA", meetings=[meeting("XQZ", dt.date(2022, 2, 28))], exempt=True),
]
PANEL = Step("xqz-hearing", 0, StepKind.DECIDE, "Xqz hearing", "XQZ", owner="AA")
SIGN_OFF = Step("sign-off", 1, StepKind.DECIDE, "Partnership Board sign-off", "PB", owner="GB", waits_for=("xqz-hearing",))
DOCUMENT = Document("strategy", "Inclusion Strategy", owner="GB", route=Route([PANEL, SIGN_OFF]), dated=dt.date(2021, 12, 1))
FORECAST = StepForecast("strategy", "sign-off", StepState.SCHEDULED, MARCH_8, meeting_key="PB-2022-03-08")


def digest_text(change: ForecastChange | None, step: Step = SIGN_OFF) -> str:
    document = Document(DOCUMENT.key, DOCUMENT.title, owner="GB", route=Route([PANEL, step]), dated=DOCUMENT.dated)
    owed = reminders_owed(
        NIGHT, documents=[document], forecasts={("strategy", step.key): FORECAST}, bodies=BODIES, plans=[],
        calendar=CALENDAR, changes=[change] if change else [],
    )
    mine = [r for r in owed if r.recipient == "GB" and r.item.kind == "step"]
    assert mine, owed
    digest = build_digest(Person("GB", "Gary Bloom", email="gb@council.example.org"), mine)
    return digest.text + digest.html


def test_a_move_caused_by_exempt_business_is_said_to_be_exempt_and_names_none_of_it():
    because_of_the_panel = ForecastChange(
        "strategy", "sign-off", MARCH_1, MARCH_8, "first meeting after xqz-hearing finishes 2022-02-28 (XQZ)", NIGHT,
        Reason.of("first_meeting_after", step="xqz-hearing", day=dt.date(2022, 2, 28), body="PB", lead=5),
    )
    text = digest_text(because_of_the_panel)
    assert "Why this date: moved to 8 March 2022 (exempt item – not for publication)" in text
    assert "xqz" not in text.lower() and "hearing" not in text.lower()


def test_a_move_caused_by_public_business_says_why_and_one_that_never_moved_says_nothing():
    public = Step("sign-off", 1, StepKind.DECIDE, "Partnership Board sign-off", "PB", owner="GB",
                  when=When(kind="date", start=MARCH_1, end=MARCH_1, text="1 March 22"))
    meeting_moved = ForecastChange(
        "strategy", "sign-off", MARCH_1, MARCH_8, "meeting PB-2022-03-01 moved", NIGHT,
        Reason.of("change_meeting_moved", body="PB", was=MARCH_1, to=MARCH_8, then=None),
    )
    assert "Why this date: moved to 8 March 2022 because the PB meeting of 1 March 2022 moved to 8 March 2022" in digest_text(meeting_moved, public)
    assert "Why this date" not in digest_text(None, public)
