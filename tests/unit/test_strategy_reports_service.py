"""`govflow report strategy KEY` and the nightly's strategy reports, through the in-memory unit of
work (tests/fakes.py): the command prints or writes the report and names the strategies when KEY is
not one; the nightly writes strategy/<key>.* when what it is made from changed, never for an exempt
document (removing a copy written before), and never shows a question put at an exempt meeting."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from govflow import wiring
from govflow.cli import app
from govflow.services import report_writing, strategy_reports
from governance_model.errors import ModelError
from governance_model.strategy import MeetingQuestion
from tests.fakes import FakeStore, FakeUnitOfWork
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

FORMATS = [".csv", ".html", ".md", ".xlsx"]


@pytest.fixture
def store() -> FakeStore:
    store = FakeStore()
    uow = FakeUnitOfWork(store)
    with uow:
        for body in bodies():
            uow.bodies.save(body)
        uow.documents.save(essex())
        for plan in (delivery_plan(), follow_ups()):
            uow.plans.save(plan)
        for meeting in (SCRUTINY_MEETING, EXEMPT_MEETING):
            uow.questions.save_for_meeting(meeting, [q for q in questions() if q.meeting_key == meeting])
        uow.commit()
    return store


def test_the_command_prints_the_report_and_writes_all_four_formats(store, monkeypatch, tmp_path):
    monkeypatch.setattr(wiring, "unit_of_work", lambda settings: FakeUnitOfWork(store))
    runner = CliRunner()

    printed = runner.invoke(app, ["report", "strategy", "send-strategy", "--as-of", AS_OF.isoformat()])
    written = runner.invoke(app, ["report", "strategy", "send-strategy", "--as-of", AS_OF.isoformat(), "--out", str(tmp_path)])

    assert printed.exit_code == 0, printed.output
    assert printed.stdout.startswith("# Essex SEND Strategy 2022-2027: how the strategy answers for itself\n")
    assert "| Joint commissioning | Gap – no action serves it |" in printed.stdout
    assert written.exit_code == 0, written.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"send-strategy{s}" for s in FORMATS]


def test_a_key_that_is_not_a_strategy_is_refused_naming_the_strategies(store, monkeypatch):
    monkeypatch.setattr(wiring, "unit_of_work", lambda settings: FakeUnitOfWork(store))

    result = CliRunner().invoke(app, ["report", "strategy", "no-such", "--as-of", AS_OF.isoformat()])

    assert result.exit_code == 2
    assert "no document 'no-such' in council 'default' (GOVFLOW_ORGANISATION names another) (strategies: send-strategy)" in result.stderr
    assert "Traceback" not in result.output
    store.documents["plain"] = dataclasses.replace(essex(), key="plain", framework=None)
    with pytest.raises(ModelError, match=r"no strategy framework .* for document 'plain' in council 'default' .*\(strategies: send-strategy\)"):
        strategy_reports.strategy_report(FakeUnitOfWork(store), "plain", AS_OF)


def everything_written(folder) -> str:
    return " ".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix != ".xlsx")


def test_the_nightly_writes_a_strategys_report_again_only_when_its_sources_change(store, tmp_path):
    uow = FakeUnitOfWork(store)

    first = report_writing.write_reports(lambda: uow, tmp_path, AS_OF)
    again = report_writing.write_reports(lambda: uow, tmp_path, AS_OF + dt.timedelta(days=1))
    with uow:
        uow.questions.save_for_meeting(SCRUTINY_MEETING, questions()[:2] + [MeetingQuestion(SCRUTINY_MEETING, 5, "New Asker", "And now?", about="send-strategy")])
        uow.commit()
    after_a_question = report_writing.write_reports(lambda: uow, tmp_path, AS_OF + dt.timedelta(days=2))

    assert [(w.kind, w.key) for w in first if w.kind == "strategy"] == [("strategy", "send-strategy")]
    assert sorted(p.name for p in (tmp_path / "strategy").iterdir()) == [f"send-strategy{s}" for s in FORMATS]
    assert "strategy/send-strategy" in json.loads((tmp_path / "index.json").read_text())["reports"]
    assert [w for w in again if w.kind == "strategy"] == []
    assert [w.key for w in after_a_question if w.kind == "strategy"] == ["send-strategy"]
    assert "New Asker" in (tmp_path / "strategy" / "send-strategy.md").read_text()


def test_a_question_at_an_exempt_bodys_meeting_is_in_no_strategy_report(store, tmp_path):
    uow = FakeUnitOfWork(store)

    report_writing.write_reports(lambda: uow, tmp_path, AS_OF)

    written = everything_written(tmp_path)
    assert "Tara Strydom" in written  # the public question is there
    for secret in ("Secret panel question", "Secret answer", "Closed panel", EXEMPT_MEETING):
        assert secret not in written


def test_an_exempt_strategy_gets_no_report_and_loses_one_written_before(store, tmp_path):
    uow = FakeUnitOfWork(store)
    report_writing.write_reports(lambda: uow, tmp_path, AS_OF)
    assert (tmp_path / "strategy" / "send-strategy.html").exists()
    with uow:
        uow.documents.save(dataclasses.replace(essex(), exempt=True))
        uow.commit()

    written = report_writing.write_reports(lambda: uow, tmp_path, AS_OF + dt.timedelta(days=1))

    assert [w for w in written if w.kind == "strategy"] == []
    assert list((tmp_path / "strategy").iterdir()) == []
    assert "strategy/send-strategy" not in json.loads((tmp_path / "index.json").read_text())["reports"]
