"""A school-term date from a year govflow holds no term dates for is estimated by rule, and every
output that shows it says so: `govflow status`, the Report to Board, the calendar feeds and the
reminder digest never show an estimate as if it were a published date."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from governance_model.when import read_when
from govflow.services import file_loading
from govflow.services.feed_publishing import publish
from govflow.services.night_planning import run_nightly
from govflow.services.report_writing import board_report
from govflow.services.status_overview import status
from reports.board import board_markdown

SETUP = """
context: 2011-09-01
people:
  - {initials: GB, name: Gary Bloom, email: gb@example.org}
bodies:
  - code: SSPB
    name: SEND Strategic Partnership Board
    secretary: GB
    meetings: {dates: [{at: 2011-11-10 14:00}]}
documents:
  - key: strategy
    title: Strategy
    owner: GB
    dated: 2011-09-01
    route:
      - {key: feedback, kind: feedback, owner: GB, when: October half term, title: Feedback from the boards}
      - {key: sign-off, kind: decide, body: SSPB, owner: GB, when: 10 November 2011, title: Signed off}
"""
NOW = dt.datetime(2011, 10, 1, 9, 0, tzinfo=dt.timezone.utc)


def test_an_estimated_half_term_says_so_in_every_output(uow_factory, tmp_path: Path) -> None:
    assert read_when("October half term", dt.date(2011, 9, 1)).estimated  # 2011: not in the shipped table
    setup = tmp_path / "setup.yaml"
    setup.write_text(SETUP, encoding="utf-8")
    file_loading.load_files([setup], uow_factory())
    shown = "October half term (term dates estimated)"

    steps = {s.key: s for s in status(uow_factory(), dt.date(2011, 10, 1)).documents[0].steps}
    assert steps["feedback"].when_text == shown

    markdown = board_markdown(board_report(uow_factory(), "SSPB", dt.date(2011, 10, 1)))
    assert f"| {shown} |" in markdown

    feeds = publish(uow_factory, tmp_path / "feeds", dt.date(2011, 10, 1), NOW, "https://govflow.example.org")
    document_feed = next(f.file for f in feeds if f.file.name == "strategy.ics").read_bytes().decode("utf-8")
    assert "Planned: October half term (term dates estimated)" in document_feed.replace("\r\n ", "")

    run_nightly(uow_factory, dt.date(2011, 10, 10), NOW)  # 14 working days before the half term's Friday
    with uow_factory() as uow:
        owed = [r for m in uow.outbox.list() for r in m.reminders if r.item.key.endswith("/feedback")]
    assert owed and {r.item.when_text for r in owed} == {shown}
