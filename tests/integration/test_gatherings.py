"""Issue 14, point 10 on each database: not every gathering is a board. A conference (a body marked
`papers: false`) and a parents' workshop (a step with its own date and no body) are loaded, planned,
reminded, published and reported like any step, with no papers deadline; the SSPB that follows them
keeps its own."""
from __future__ import annotations

import datetime as dt

import pytest

from govflow.services import file_loading as services
from govflow.services import report_writing as reports
from govflow.services.night_planning import run_nightly
from reports.board import board_html, board_markdown

pytestmark = pytest.mark.database

NOW = dt.datetime(2026, 12, 1, 3, tzinfo=dt.timezone.utc)
D = dt.date.fromisoformat

SETUP = """\
context: 2022-01-01
people:
  - {initials: GB, name: Gary Bloom, email: gb@example.org}
  - {initials: SEC, name: Democratic Services, email: sec@example.org}
bodies:
  - code: SSPB
    name: SEND Strategic Partnership Board
    secretary: SEC
    reminder_days: [7, 2, 0]
    meetings:
      dates:
        - at: 2022-03-01 14:00
  - code: SENDConf
    name: Annual SEND Conference
    papers: false
    reminder_days: [7, 2, 0]
    meetings:
      dates:
        - at: 2022-02-10 09:30
documents:
  - key: strategy
    title: SEND Strategy
    owner: GB
    dated: 2022-01-01
    route:
      - {key: conference, kind: workshop, body: SENDConf, when: 10 February 22, title: Strategy presented at the SEND conference}
      - {key: parents, kind: workshop, when: 15 February 22, waits_for: [], title: Parents' workshop on the draft}
      - {key: sign-off, kind: decide, body: SSPB, when: 1 March 22, title: Signed off at SSPB}
"""


def test_a_conference_and_a_workshop_are_reminded_of_their_day_and_have_no_papers_deadline(uow_factory, tmp_path):
    setup = tmp_path / "setup.yaml"
    setup.write_text(SETUP, encoding="utf-8")
    services.load_files([setup], uow_factory())
    with uow_factory() as uow:
        assert [(b.code, b.papers, b.papers_lead_days) for b in uow.bodies.list()] == [("SENDConf", False, 0), ("SSPB", True, 5)]

    run_nightly(uow_factory, D("2022-01-31"), NOW)
    run_nightly(uow_factory, D("2022-02-28"), NOW)  # catches up every night of February
    with uow_factory() as uow:
        owed = sorted((r.item.key, r.rule, r.night.isoformat()) for m in uow.outbox.list() for r in m.reminders)
    conference = [(rule, night) for key, rule, night in owed if key == "step:strategy/conference" and not rule.startswith(("overdue", "escalation"))]
    assert conference == [("before-2", "2022-02-08"), ("before-7", "2022-02-01"), ("on-the-day", "2022-02-10")]  # nobody recorded it done
    workshop = [(rule, night) for key, rule, night in owed if key == "step:strategy/parents"]
    assert ("on-the-day", "2022-02-15") in workshop
    papers = sorted({key for key, rule, _ in owed if rule.startswith("papers")})
    assert papers == ["papers:SSPB-2022-03-01/strategy/sign-off"]  # the board's, not the conference's

    report = reports.board_report(uow_factory(), "SENDConf", D("2022-02-01"))
    note = "The Annual SEND Conference is a gathering, not a board: it takes no papers and has no papers deadline."
    assert note in board_markdown(report) and note in board_html(report)
    assert "gathering" not in board_markdown(reports.board_report(uow_factory(), "SSPB", D("2022-02-01")))
