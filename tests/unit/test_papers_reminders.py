"""Papers deadlines in the reminders (issue 14, points 8 and 10): who is reminded of a meeting's
papers deadline, ahead of it by the board's reminder days and on the day, and when there is none (a
body that takes no papers, a step at no body, a cancelled or unfixed meeting). The worlds and helpers
are test_reminders.py's."""
from __future__ import annotations

from governance_model.model import Document, MeetingStatus, Route, Step, StepForecast, StepKind, StepState
from governance_model.reminders import reminders_owed
from tests.unit.test_reminders import CALENDAR, D, board, one_step_world, owed, sitting


def test_the_papers_deadline_goes_to_the_owners_of_the_papers_at_the_meeting():
    meeting = sitting("SSPB-2022-01-06", "2022-01-06")
    sspb = board(lead=5, reminder_days=(), meetings=[meeting])  # no before-reminders: only papers
    strategy = Document(
        key="strategy", title="SEND Strategy", owner="GB",
        route=Route([Step("draft", 1, StepKind.DECIDE, "Final draft", body_code="SSPB", owner="BM", meeting_key=meeting.key)]),
    )  # fmt: skip
    report = Document(
        key="report", title="Progress report", owner="LM",
        route=Route([Step("update", 1, StepKind.SHARE, "Progress update", body_code="SSPB", meeting_key=meeting.key)]),
    )  # fmt: skip
    elsewhere = Document(
        key="other", title="Other", owner="AK",
        route=Route([Step("x", 1, StepKind.SHARE, "Elsewhere", body_code="SSPB")]),
    )  # fmt: skip
    forecasts = {
        ("strategy", "draft"): StepForecast("strategy", "draft", StepState.SCHEDULED, D("2022-01-06"), meeting.key),
        ("report", "update"): StepForecast("report", "update", StepState.DUE, D("2022-01-06"), meeting.key),
        ("other", "x"): StepForecast("other", "x", StepState.PLANNED, None),
    }
    world = dict(documents=[strategy, report, elsewhere], forecasts=forecasts, bodies=[sspb], plans=[])
    # 5 working days before Thursday 6 January 2022: 5, 4 Jan, 31, 30, 29 Dec (3 Jan is a bank holiday).
    assert owed(world, "2021-12-01", "2022-01-05") == [
        ("2021-12-29", "BM", "papers-deadline"),
        ("2021-12-29", "LM", "papers-deadline"),
    ]
    reminders = reminders_owed(D("2021-12-29"), calendar=CALENDAR, **world)
    assert [r.item.key for r in reminders] == ["papers:SSPB-2022-01-06/strategy/draft", "papers:SSPB-2022-01-06/report/update"]
    assert {r.item.deadline for r in reminders} == {D("2021-12-29")}
    assert all(r.item.kind == "papers" and r.item.body_code == "SSPB" for r in reminders)
    assert "Thursday 6 January 2022" in reminders[0].item.context


def test_the_papers_deadline_is_reminded_before_the_day_by_the_boards_reminder_days():
    """Issue 14, point 8: an owner hears of the papers deadline ahead of it, as of any deadline."""
    meeting = sitting("SSPB-2022-01-06", "2022-01-06")
    world = one_step_world("2022-01-06", body=board(reminder_days=(7, 2), meetings=[meeting]), meeting_key=meeting.key)
    papers = [(night, who, rule) for night, who, rule in owed(world, "2021-12-01", "2022-01-06") if rule.startswith("papers")]
    # Papers due Wednesday 29 December (27 and 28 December are bank holidays): 7 and 2 working days
    # before it, and on the day itself even though the board's days have no 0.
    assert papers == [
        ("2021-12-16", "BM", "papers-before-7"),
        ("2021-12-23", "BM", "papers-before-2"),
        ("2021-12-29", "BM", "papers-deadline"),
    ]
    # A board with no reminder days of its own uses the default ones (14, 7, 2 and the day).
    default = one_step_world("2022-01-06", body=board(meetings=[meeting]), meeting_key=meeting.key)
    assert [rule for _, _, rule in owed(default, "2021-12-01", "2022-01-06") if rule.startswith("papers")] == [
        "papers-before-14", "papers-before-7", "papers-before-2", "papers-deadline",
    ]  # fmt: skip
    (reminder,) = [r for r in reminders_owed(D("2021-12-16"), calendar=CALENDAR, **world) if r.item.kind == "papers"]
    assert reminder.item.deadline == D("2021-12-29")
    assert "papers for the SSPB meeting on Thursday 6 January 2022" in reminder.item.context


def test_a_body_that_takes_no_papers_and_a_step_at_no_body_have_no_papers_deadline():
    """Issue 14, point 10: a conference (no papers) or a workshop at no body is reminded of its own
    date alone."""
    meeting = sitting("Conf-2022-01-06", "2022-01-06", body_code="Conf")
    conference = board("Conf", lead=0, meetings=[meeting])  # `papers: false` in a setup file
    at_conference = one_step_world("2022-01-06", body=conference, meeting_key=meeting.key)
    workshop = one_step_world("2022-01-06")
    for world in (at_conference, workshop):
        found = owed(world, "2021-12-01", "2022-01-06")
        assert [rule for _, _, rule in found] == ["before-14", "before-7", "before-2", "on-the-day"]


def test_no_papers_deadline_for_a_cancelled_or_unfixed_meeting():
    meeting = sitting("SSPB-2022-01-06", "2022-01-06", status=MeetingStatus.CANCELLED)
    world = one_step_world("2022-01-06", body=board(reminder_days=(), meetings=[meeting]), meeting_key=meeting.key)
    assert owed(world, "2021-12-01", "2022-01-05") == []


def test_papers_the_committee_system_has_published_are_not_chased():
    from governance_model.meeting_sources import PublishedPaper

    def world_with(papers):
        meeting = sitting("SSPB-2022-01-06", "2022-01-06")
        meeting.papers = papers
        sspb = board(lead=5, reminder_days=(), meetings=[meeting])
        documents = [
            Document(key=key, title=title, owner="GB",
                     route=Route([Step("s", 1, StepKind.SHARE, title, body_code="SSPB", owner=owner, meeting_key=meeting.key)]))
            for key, title, owner in (("strategy", "SEND Strategy 2021-24", "BM"), ("report", "Progress report", "LM"))
        ]  # fmt: skip
        forecasts = {(d.key, "s"): StepForecast(d.key, "s", StepState.SCHEDULED, D("2022-01-06"), meeting.key) for d in documents}
        return dict(documents=documents, forecasts=forecasts, bodies=[sspb], plans=[])

    both = [("2021-12-29", "BM", "papers-deadline"), ("2021-12-29", "LM", "papers-deadline")]
    assert owed(world_with(()), "2021-12-01", "2022-01-05") == both
    # A report titled with the strategy's name is out: its owner is no longer chased; minutes never count.
    report = PublishedPaper("Item 5 - SEND STRATEGY 2021-24: final draft", "https://democracy.example.gov.uk/mgConvert2PDF.aspx?ID=1")
    minutes = PublishedPaper("Minutes SEND Strategy 2021-24 (previous meeting)", "https://democracy.example.gov.uk/m.pdf")
    assert owed(world_with((minutes,)), "2021-12-01", "2022-01-05") == both
    assert owed(world_with((report,)), "2021-12-01", "2022-01-05") == [("2021-12-29", "LM", "papers-deadline")]
    # The whole agenda pack is out: nobody is.
    pack = PublishedPaper("Public reports pack 06/01/2022 SEND Strategic Partnership Board", "https://democracy.example.gov.uk/pack.pdf")
    assert owed(world_with((pack,)), "2021-12-01", "2022-01-05") == []


def test_only_the_whole_pack_or_a_report_named_with_the_documents_whole_title_counts_as_its_papers():
    from governance_model.meeting_sources import PublishedPaper, is_agenda_pack, papers_for

    def paper(title: str) -> PublishedPaper:
        return PublishedPaper(title, "https://democracy.example.gov.uk/doc.pdf")

    for pack in ("Agenda", "Agenda frontsheet 10/03/2022 Cabinet", "Public reports pack 10/03/2022 Cabinet", "Agenda and reports"):
        assert is_agenda_pack(paper(pack)), pack
    # Papers of their own that happen to start with the word (an NHS pay paper, a supplementary agenda).
    for not_pack in ("Agenda for Change pay award 2022/23", "Supplementary agenda - item 7 Budget", "Agenda item 5: Appendix 2 - Budget"):
        assert not is_agenda_pack(paper(not_pack)), not_pack
    # A document's title as whole words: "Care" is not in "Careers strategy", "Plan" not in "Planning".
    assert papers_for("Care", [paper("Careers strategy")]) is None
    assert papers_for("Plan", [paper("Planning Applications Update")]) is None
    assert papers_for("SEND Strategy", [paper("Item 5 - SEND strategy: final draft")]) is not None
