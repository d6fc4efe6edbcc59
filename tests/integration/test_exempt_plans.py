"""Issue 15 review: a plan is exempt business when the strategy it delivers is an exempt document, or
when it holds the follow-ups of questions put at an exempt body's meeting (governance_model.publication).

The council's case: questions at a closed panel's meeting, with an action that followed; a question
at the public board about a confidential strategy, with an action that followed; and a delivery plan
of that confidential strategy whose Finding column names its findings. Each was a plan like any
other, so its questions, actions and findings were in `govflow status`, the nightly's plan reports,
the public calendar feed, /plans/<key>, /reports/plan/<key> and the public board's report. None may
be; the owners are still reminded, and see their actions in their own private feed; `govflow report
plan` still gives such a plan its report when asked for it by name."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import textwrap
from pathlib import Path

import openpyxl
import pytest

from governance_model.publication import EXEMPT_ITEM
from governance_model.strategy import follow_up_plan_key
from govflow.cli.console import out, print_status
from govflow.services import file_loading, status_overview
from govflow.services import report_writing as reports
from govflow.services.feed_publishing import publish_feeds
from govflow.services.night_planning import (
    advance_routes,
    failure,
    load_snapshot,
    nights_to_run,
    public_summary,
    run_nightly,
    summary_markdown,
)
from reports.board import board_markdown
from tests.calendars.test_server import request
from tests.integration.test_reports_served import Today, served, today  # noqa: F401 - fixtures

pytestmark = pytest.mark.database

D = dt.date.fromisoformat
NIGHT = D("2022-01-12")  # 7 working days before the follow-ups' deadline of 21 January: reminded tonight
NOW = dt.datetime(2022, 1, 12, 22, tzinfo=dt.timezone.utc)

SETUP = """\
    context: 2021-12-01
    people:
      - {initials: GB, name: Gary Bloom, email: gb@example.org}
      - {initials: XS, name: Panel Clerk, email: xs@example.org}
      - {initials: OA, name: Olive Ash, email: oa@example.org}
    bodies:
      - code: PUBB
        name: Partnership Board
        secretary: GB
        meetings:
          dates: [{at: 2022-01-12 14:00}, {at: 2022-02-09 14:00}]
      - code: XPANEL
        name: Closed Commissioning Panel
        secretary: XS
        exempt: true
        meetings:
          dates: [{at: 2022-01-05 10:00}, {at: 2022-02-02 10:00}]
    documents:
      - key: public-strategy
        title: Public Inclusion Strategy
        owner: GB
        dated: 2021-12-01
        framework:
          findings: [{key: need, title: Identification of need}]
        route:
          - {key: board-decision, kind: decide, body: PUBB, title: Strategy agreed by the board}
      - key: zq-strategy
        title: Zq Confidential Strategy
        owner: GB
        dated: 2021-12-01
        exempt: true
        framework:
          findings: [{key: zq-finding, title: Zq hidden finding}]
    questions:
      - meeting: XPANEL-2022-01-05
        asked:
          - asked_by: Zq Informant
            question: Zq what of the contract?
            answer: Zq it is in hand.
            actions:
              - {text: Zq review the contract, owner: XS, when: 21 January 2022}
      - meeting: PUBB-2022-01-12
        about: zq-strategy
        asked:
          - asked_by: A resident
            question: Zq when is the confidential strategy done?
            actions:
              - {text: Zq report on the confidential strategy, owner: GB, when: 21 January 2022}
    plans:
      - file: zq-plan.csv
        title: Delivery plan
        owner: GB
        strategy: zq-strategy
      - file: public-plan.csv
        title: Public plan
        owner: GB
        strategy: public-strategy
"""
ZQ_PLAN = """\
    No,Recommendation,Summary actions,When (2022),Who,Measure of success,Finding
    1,Deliver the programme,Train staff,21 January 22,GB,Staff trained,Zq hidden finding
"""
PUBLIC_PLAN = """\
    No,Recommendation,Summary actions,When (2022),Who,Measure of success,Finding
    1,Identify need early,Visible training action,21 January 22,GB,Fewer late plans,Identification of need
"""
PANEL_FOLLOW_UPS = follow_up_plan_key("XPANEL-2022-01-05")  # a plan of the closed panel's meeting (a)
BOARD_FOLLOW_UPS = follow_up_plan_key("PUBB-2022-01-12")  # a plan about the confidential strategy (b)
EXEMPT_PLANS = (PANEL_FOLLOW_UPS, BOARD_FOLLOW_UPS, "delivery-plan")  # ... and one delivering it (c)
SECRETS = ("Zq", "XPANEL", "Closed Commissioning Panel", *EXEMPT_PLANS)


def load(uow_factory, tmp_path: Path) -> None:
    (tmp_path / "setup.yaml").write_text(textwrap.dedent(SETUP), encoding="utf-8")
    (tmp_path / "zq-plan.csv").write_text(textwrap.dedent(ZQ_PLAN), encoding="utf-8")
    (tmp_path / "public-plan.csv").write_text(textwrap.dedent(PUBLIC_PLAN), encoding="utf-8")
    file_loading.load_files([tmp_path / "setup.yaml"], uow_factory())
    with uow_factory() as uow:
        assert {p.key for p in uow.plans.list()} == {*EXEMPT_PLANS, "public-plan"}


def text_of(path: Path) -> str:
    """What a report file says: an Excel workbook's cells, any other file's text."""
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    return path.read_text(encoding="utf-8")


def leaks(outputs: dict[str, str]) -> dict[str, list[str]]:
    found = {name: [s for s in SECRETS if s in text] for name, text in outputs.items()}
    return {name: secrets for name, secrets in found.items() if secrets}


def test_plans_of_exempt_business_reach_no_public_output_and_their_owners_are_still_reminded(uow_factory, tmp_path):
    load(uow_factory, tmp_path)
    folder = tmp_path / "reports"
    for key in EXEMPT_PLANS:  # written on a night before the rule: the public copies go
        for suffix in reports.PLAN_FORMATS:
            (folder / "plan").mkdir(parents=True, exist_ok=True)
            (folder / "plan" / f"{key}{suffix}").write_text("Zq old copy", encoding="utf-8")
    run_nightly(uow_factory, NIGHT, NOW)

    outputs: dict[str, str] = {}
    written = reports.write_reports(uow_factory, folder, NIGHT)
    outputs["reports written (the Prefect summary's list)"] = " ".join(f"{w.key} {w.title}" for w in written)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        outputs[str(path.relative_to(folder))] = f"{path.name}\n{text_of(path)}"
    outputs["board report PUBB"] = board_markdown(reports.board_report(uow_factory(), "PUBB", NIGHT))
    status = status_overview.status(uow_factory(), NIGHT)
    outputs["status json"] = json.dumps(dataclasses.asdict(status), default=str)
    with out.capture() as printed:
        print_status(status)
    outputs["status printed"] = printed.get()
    publish_feeds(uow_factory, tmp_path / "feeds", NIGHT, NOW, "https://govflow.example.org")
    with uow_factory() as uow:
        tokens = {i: t.token for i, t in uow.feeds.list_tokens().items()}
        owed = [(m.recipient, r.item.title) for m in uow.outbox.list() for r in m.reminders]
    for path in (tmp_path / "feeds").rglob("*.ics"):
        if path.parent.name != "person" or path.stem == tokens["OA"]:  # the public feeds, and an outsider's own
            outputs[f"feed {path.relative_to(tmp_path / 'feeds')}"] = path.read_text(encoding="utf-8")

    assert not leaks(outputs), leaks(outputs)
    # The public plan is still published everywhere: the outputs above are the ones that held the leaks.
    assert "Visible training action" in outputs["feed all.ics"] and "Visible training action" in outputs["plan/public-plan.md"]
    assert "Public plan" in outputs["status printed"] and "Public plan" in outputs["board report PUBB"]
    for title in ("Delivery plan", "Actions from questions at"):  # the exempt plans' own titles
        assert title not in outputs["board report PUBB"] and title not in outputs["status printed"], title
    assert status.part_two.count(EXEMPT_ITEM) == 4  # the confidential strategy and the three plans, as Part II
    # The owners are reminded, and find their actions in their own private feed.
    assert {("XS", "Zq review the contract"), ("GB", "Zq report on the confidential strategy"), ("GB", "Train staff")} <= set(owed)
    assert "Zq review the contract" in (tmp_path / "feeds" / "person" / f"{tokens['XS']}.ics").read_text(encoding="utf-8")
    # Asked for by name, such a plan still has its report (as `govflow report board` gives an exempt body its own).
    asked = reports.render_plan(reports.plan_report(uow_factory(), "delivery-plan", NIGHT))
    assert "Zq hidden finding" in asked[".csv"].decode("utf-8-sig")


def test_a_plan_of_exempt_business_is_served_as_no_such_plan(uow_factory, tmp_path, served):
    load(uow_factory, tmp_path)
    for key in EXEMPT_PLANS:
        for path in (f"/plans/{key}", *(f"/reports/plan/{key}{suffix}" for suffix in reports.PLAN_FORMATS)):
            status, _, body = request(served, path)
            assert status == 404 and b"Zq" not in body, path
    assert request(served, "/plans/public-plan")[0] == 200
    assert request(served, "/reports/plan/public-plan.csv")[0] == 200


def test_a_night_that_fails_on_such_a_plan_names_it_only_as_part_ii(uow_factory, tmp_path):
    load(uow_factory, tmp_path)
    snapshot = load_snapshot(uow_factory())
    update = advance_routes(snapshot, nights_to_run(snapshot.last_run, NIGHT))
    for key in (*EXEMPT_PLANS, "public-plan"):  # its reminders (or its feed events) could not be worked out
        update.add_failure(failure("plan", key, "reminders", ValueError("a date out of all reason")))

    shown = {"summary artifact": summary_markdown(update, snapshot), "nightly result": json.dumps(public_summary(update, snapshot))}

    assert not leaks(shown), leaks(shown)
    assert shown["summary artifact"].count(f"{EXEMPT_ITEM}: reminders failed") == 3
    assert "plan public-plan: reminders failed" in shown["summary artifact"]
