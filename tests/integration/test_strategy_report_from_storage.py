"""`govflow report strategy KEY` on each database: a strategy, its delivery plan and the questions put
at a Scrutiny meeting (and at an exempt panel) stored through SQL, then the command's report and
the nightly's strategy/<key>.* files, with the gap called out and the exempt question nowhere."""
from __future__ import annotations

import pytest

from governance_model.strategy import follow_up_plan_key
from govflow.services import report_writing
from tests.e2e.test_cli import govflow
from tests.unit.test_strategy_account import (
    AS_OF,
    EXEMPT_MEETING,
    SCRUTINY_MEETING,
    bodies,
    delivery_plan,
    essex,
    follow_ups,
    questions,
)

pytestmark = pytest.mark.database


def store_essex(uow_factory) -> None:
    with uow_factory() as uow:
        for body in bodies():
            uow.bodies.save(body)
        uow.documents.save(essex())
        plan = follow_ups()
        plan.strategy = "send-strategy"  # as the setup file's questions make it
        for plan in (delivery_plan(), plan):
            uow.plans.save(plan)
        for meeting in (SCRUTINY_MEETING, EXEMPT_MEETING):
            uow.questions.save_for_meeting(meeting, [q for q in questions() if q.meeting_key == meeting and q.about == "send-strategy"])
        uow.commit()


def test_the_cli_prints_and_writes_the_strategy_report_from_the_database(database_url, uow_factory, tmp_path):
    store_essex(uow_factory)
    env = {"GOVFLOW_DATABASE_URL": database_url, "GOVFLOW_DATA_DIR": str(tmp_path / "data")}

    printed = govflow("report", "strategy", "send-strategy", "--as-of", AS_OF.isoformat(), env=env)
    written = govflow("report", "strategy", "send-strategy", "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "out"), "--format", "csv", env=env)
    unknown = govflow("report", "strategy", "delivery", "--as-of", AS_OF.isoformat(), env=env)

    assert printed.returncode == 0, printed.stderr
    assert "| Accurate identification of need | Red – overdue | 2 actions: 1 overdue, 1 on track |" in printed.stdout
    assert "| Joint commissioning | Gap – no action serves it | no action serves it |" in printed.stdout
    assert "**Question 1, from Tara Strydom:** What about the Dengie?" in printed.stdout
    assert follow_up_plan_key(SCRUTINY_MEETING) in (tmp_path / "out" / "send-strategy.csv").read_text(encoding="utf-8-sig")
    assert written.returncode == 0, written.stderr
    assert unknown.returncode == 2 and "no document 'delivery' in council 'default' (GOVFLOW_ORGANISATION names another) (strategies: send-strategy)" in unknown.stderr


def test_the_nightly_writes_the_strategy_report_without_the_exempt_panels_question(uow_factory, tmp_path):
    store_essex(uow_factory)

    written = report_writing.write_reports(uow_factory, tmp_path, AS_OF)

    assert [w.key for w in written if w.kind == "strategy"] == ["send-strategy"]
    markdown = (tmp_path / "strategy" / "send-strategy.md").read_text(encoding="utf-8")
    assert "Tara Strydom" in markdown
    for path in (tmp_path / "strategy").iterdir():
        text = path.read_bytes().decode("utf-8", "replace")
        assert "Secret panel question" not in text and EXEMPT_MEETING not in text, path.name
