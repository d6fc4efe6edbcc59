"""Issue 12, defect 1: exempt business (a Part II item) never reaches a public board's report, and
a date that moved is never blamed on a decision that did not move it.

The council's case: an exempt contract award goes to a closed panel and is then noted at the public
board; a public delivery plan goes to the same public board after its draft. The panel approves the
award; the re-forecast that follows moved the plan's board date (its draft was still not done), and
the report to the public board listed the award, by title, and gave "approved at <the panel>" as
why the plan's date moved."""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from governance_model.model import Decision, DecisionOutcome
from governance_model.publication import EXEMPT_ITEM
from govflow.services import file_loading, route_changes
from govflow.services import report_writing as reports
from govflow.services.night_planning import run_nightly
from reports.board import board_html, board_markdown

pytestmark = pytest.mark.database

NOW = dt.datetime(2022, 1, 6, 18, tzinfo=dt.timezone.utc)
D = dt.date.fromisoformat

SETUP = """\
    context: 2021-12-01
    people:
      - {initials: GB, name: Gary Bloom}
      - {initials: XS, name: Panel Clerk}
    bodies:
      - code: PUBB
        name: Partnership Board
        secretary: GB
        meetings:
          dates: [{at: 2022-01-12 14:00}, {at: 2022-02-09 14:00}, {at: 2022-03-09 14:00}]
      - code: XPANEL
        name: Closed Commissioning Panel
        secretary: XS
        exempt: true
        meetings:
          dates: [{at: 2022-01-05 10:00}, {at: 2022-02-02 10:00}]
    documents:
      - key: delivery-plan
        title: Public Delivery Plan
        owner: GB
        dated: 2021-12-01
        route:
          - {key: draft, kind: revise, owner: GB, when: 31 December 21, title: Draft written}
          - {key: board-decision, kind: decide, body: PUBB, title: Plan agreed by the board}
      - key: zq-contract-award
        title: Zq Confidential Contract Award
        owner: XS
        dated: 2021-12-01
        exempt: true
        route:
          - {key: panel-approval, kind: decide, body: XPANEL, when: 5 January 22, title: Zq award approved}
          - {key: board-note, kind: share, body: PUBB, when: 12 January 22, title: Zq award noted}
"""
SECRETS = ("Zq", "zq-contract-award", "panel-approval", "XPANEL", "Closed Commissioning Panel", "RESOLVED that Zq")


def load_and_decide(uow_factory, tmp_path) -> route_changes.ChangeResult:
    setup = tmp_path / "setup.yaml"
    setup.write_text(textwrap.dedent(SETUP), encoding="utf-8")
    file_loading.load_files([setup], uow_factory())
    run_nightly(uow_factory, D("2022-01-03"), NOW)
    return route_changes.record_decision(
        uow_factory(),
        Decision("zq-contract-award", "panel-approval", "XPANEL", DecisionOutcome.APPROVED, D("2022-01-05"),
                 minute="RESOLVED that Zq Ltd be awarded the contract"),
        actor="XS", reason="minutes of the panel", as_of=D("2022-01-06"), now=NOW,
    )


def test_the_public_boards_report_shows_no_exempt_item_and_the_true_reason_a_date_moved(uow_factory, tmp_path):
    load_and_decide(uow_factory, tmp_path)

    report = reports.board_report(uow_factory(), "PUBB", D("2022-01-06"))
    markdown, page = board_markdown(report), board_html(report)

    for secret in SECRETS:
        assert secret not in markdown and secret not in page, secret
    assert EXEMPT_ITEM in markdown and EXEMPT_ITEM in page  # a Part II item, as councils print one
    (section,) = report.documents
    (moved,) = [row for row in section.timetable if row.moved]
    assert (moved.step_key, moved.was, moved.now) == ("board-decision", "12 Jan 2022", "9 Feb 2022")
    # It moved because its draft is still not done, not because of the panel's decision.
    assert "approved" not in moved.why and "because “Draft written” now finishes on 6 January 2022" in moved.why


def test_the_re_forecast_blames_only_the_dates_the_change_moved(uow_factory, tmp_path):
    result = load_and_decide(uow_factory, tmp_path)

    moved = {(c.document_key, c.step_key): c.reason for c in result.reforecast}
    assert not moved[("delivery-plan", "board-decision")].startswith("panel-approval approved")
    with uow_factory() as uow:
        stored = [c for c in uow.documents.list_forecast_changes() if c.document_key == "delivery-plan"]
    assert stored and not any("XPANEL" in c.reason for c in stored)
