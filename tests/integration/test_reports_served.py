"""Issue 13, 4: `govflow serve` renders any public report on request, as it stands today, with an
ETag taken from what it is made from (a client that has it gets 304), the nightly's file when that
is the same report; a report to an exempt body is not served, and a public body's shows no exempt
business. A real uvicorn on 127.0.0.1, on each database."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from governance_model.model import Body, Document, Meeting, ProgressUpdate, Route, Step, StepKind
from governance_model.publication import EXEMPT_ITEM
from govflow.services import file_loading, route_changes
from govflow.services import report_writing as reports
from govflow.web.app import create_app
from govflow.web.reports import ReportRoutes
from govflow.web.serve import run_in_thread
from tests.calendars.test_server import Running, request
from tests.e2e.test_cli import govflow
from tests.integration.test_exempt_items import SECRETS, load_and_decide

pytestmark = pytest.mark.database

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
PLAN = "send-peer-review-recommendations-high-level-implementation-plan-draft-1"
D = dt.date.fromisoformat
NOW = dt.datetime(2022, 2, 14, 12, tzinfo=dt.timezone.utc)


class Today:
    """The server's day, moved on by the test."""

    def __init__(self, day: str) -> None:
        self.day = D(day)

    def __call__(self) -> dt.date:
        return self.day


@pytest.fixture
def today() -> Today:
    return Today("2022-02-14")


@pytest.fixture
def served(uow_factory, tmp_path, today):
    """The base URL of the web app serving reports from the test's database and reports folder."""
    (tmp_path / "feeds").mkdir()
    routes = ReportRoutes(uow_factory, tmp_path / "reports", today)
    with run_in_thread(lambda url: create_app(tmp_path / "feeds", url, routes)) as url:
        yield url


def southend(uow_factory) -> None:
    file_loading.load_files([SOUTHEND], uow_factory())


def test_a_report_no_night_wrote_is_rendered_on_request_and_a_client_that_has_it_gets_304(uow_factory, served, tmp_path):
    southend(uow_factory)
    assert not (tmp_path / "reports").exists()  # SSPB's papers window is closed on 14 February

    status, headers, body = request(served, "/reports/board/SSPB.html")

    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8" and headers["cache-control"] == "no-cache"
    assert body == reports.render_board(reports.board_report(uow_factory(), "SSPB", D("2022-02-14")))[".html"]
    assert "Meeting date: Tuesday 1 March 2022" in request(served, "/reports/board/SSPB.md")[2].decode()
    etag = headers["etag"]
    status, again, body = request(served, "/reports/board/SSPB.html", headers={"If-None-Match": etag})
    assert (status, body, again["etag"]) == (304, b"", etag)
    assert request(served, "/reports/board/SSPB.html", headers={"If-None-Match": f'W/{etag}, "other"'})[0] == 304
    assert request(served, "/reports/board/SSPB.md", headers={"If-None-Match": etag})[0] == 200  # another format, another tag

    # A change is in the next answer: the records kept between requests are read again.
    route_changes.mark_step_done(uow_factory(), "send-strategy-2021-24", "share-sspb", D("2021-10-06"),
                                 actor="GB", reason="shared at the October SSPB", as_of=D("2022-02-14"), now=NOW)
    status, changed, body = request(served, "/reports/board/SSPB.html", headers={"If-None-Match": etag})
    assert status == 200 and changed["etag"] != etag
    assert body == reports.render_board(reports.board_report(uow_factory(), "SSPB", D("2022-02-14")))[".html"]


def test_a_plans_report_comes_in_every_format_and_a_new_etag_when_the_plan_changes_or_the_day_does(uow_factory, served, today):
    southend(uow_factory)

    answers = {suffix: request(served, f"/reports/plan/{PLAN}{suffix}") for suffix in (".md", ".html", ".csv", ".xlsx")}

    assert {s: a[0] for s, a in answers.items()} == dict.fromkeys(answers, 200)
    assert answers[".xlsx"][1]["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert answers[".xlsx"][2].startswith(b"PK") and answers[".csv"][1]["content-type"] == "text/csv; charset=utf-8"
    assert answers[".md"][2].decode().startswith("# SEND Peer Review Recommendations")
    etag = answers[".md"][1]["etag"]
    assert request(served, f"/reports/plan/{PLAN}.md", headers={"If-None-Match": etag})[0] == 304

    with uow_factory() as uow:
        uow.plans.add_update(PLAN, ProgressUpdate("14", D("2022-02-14"), done=["Learning review drafted"]))
        uow.commit()
    status, headers, body = request(served, f"/reports/plan/{PLAN}.md", headers={"If-None-Match": etag})
    assert status == 200 and headers["etag"] != etag and "- Learning review drafted" in body.decode()

    today.day = D("2022-02-15")  # RAG is judged on the day asked
    status, later, body = request(served, f"/reports/plan/{PLAN}.md", headers={"If-None-Match": headers["etag"]})
    assert status == 200 and later["etag"] != headers["etag"] and "as of 15 Feb 2022" in body.decode()


def test_the_nightlys_file_is_served_when_it_is_the_same_report(uow_factory, served, today, tmp_path, monkeypatch):
    southend(uow_factory)
    today.day = D("2022-02-15")  # SSPB's window is open: the nightly writes its report
    written = {f"{w.kind}/{w.key}" for w in reports.write_reports(uow_factory, tmp_path / "reports", today.day)}
    assert "board/SSPB" in written

    def no_rendering(report):
        raise AssertionError("rendered again")

    monkeypatch.setattr(reports, "render_board", no_rendering)
    status, _, body = request(served, "/reports/board/SSPB.html")

    assert status == 200 and body == (tmp_path / "reports" / "board" / "SSPB.html").read_bytes()


def test_no_report_of_an_exempt_body_is_served_and_a_public_boards_shows_no_exempt_business(uow_factory, served, today, tmp_path):
    load_and_decide(uow_factory, tmp_path)
    today.day = D("2022-01-06")

    exempt = request(served, "/reports/board/XPANEL.html")
    missing = request(served, "/reports/board/NOSUCH.html")
    public = request(served, "/reports/board/PUBB.html")
    markdown = request(served, "/reports/board/PUBB.md")

    assert exempt[0] == 404 and exempt[2] == missing[2] == b"No such report.\n"
    assert "etag" not in exempt[1]
    assert public[0] == 200 and markdown[0] == 200
    for secret in SECRETS:
        assert secret not in public[2].decode() and secret not in markdown[2].decode(), secret
    assert EXEMPT_ITEM in markdown[2].decode()


def test_only_the_formats_each_report_comes_in_are_served(uow_factory, served):
    southend(uow_factory)

    for path in ("/reports/board/SSPB.xlsx", "/reports/board/SSPB", "/reports/plan/no-such-plan.md",
                 "/reports/minutes/SSPB.md", f"/reports/plan/{PLAN}.pdf", "/reports/board/.md"):
        assert request(served, path)[0] == 404, path


def test_govflow_serve_serves_the_reports_of_its_database(database_url, tmp_path):
    env = {"GOVFLOW_DATABASE_URL": database_url, "GOVFLOW_DATA_DIR": str(tmp_path / "data")}
    assert govflow("load", str(SOUTHEND), env=env).returncode == 0
    running = Running([sys.executable, "-m", "govflow", "serve", "--port", "0"], tmp_path, env)
    try:
        url = running.wait_for(r"subscribe page: (http://127\.0\.0\.1:\d+)/").group(1)
        status, headers, body = request(url, "/reports/board/SSPB.md")
        assert status == 200, running.text("stderr")
        assert body.decode().startswith("# Report to Southend SEND Strategic Partnership Board (SSPB)")
        assert request(url, "/reports/board/SSPB.md", headers={"If-None-Match": headers["etag"]})[0] == 304
    finally:
        running.stop()


def test_a_report_that_cannot_be_built_is_answered_500_without_the_reason_and_the_others_still_are(uow_factory, served):
    southend(uow_factory)
    with uow_factory() as uow:  # stored out of all reason, as only a hand-edited database could hold it
        uow.bodies.save(Body("VOID", "A board with absurd values", papers_lead_days=1_000_000, meetings=[
            Meeting("VOID-9999-12-31", "VOID", dt.datetime(9999, 12, 31, 23, 59, tzinfo=reports.LONDON))]))
        uow.documents.save(Document(key="broken-route", title="A route no one can plan", route=Route([
            Step("sign-off", 1, StepKind.DECIDE, "Signed off at the end of time", body_code="VOID", meeting_key="VOID-9999-12-31"),
            Step("publish", 2, StepKind.DECIDE, "Published at the next meeting after that", body_code="VOID"),
        ])))
        uow.commit()

    status, headers, body = request(served, "/reports/board/VOID.md")

    assert (status, body) == (500, b"This report cannot be built at the moment.\n")
    assert "etag" not in headers
    assert request(served, "/reports/board/SSPB.md")[0] == 200


def test_a_strategys_report_is_served_with_its_plan_naming_the_findings_and_not_once_it_is_exempt(uow_factory, served):
    southend(uow_factory)

    answers = {suffix: request(served, f"/reports/strategy/send-strategy-2021-24{suffix}") for suffix in (".md", ".html", ".csv", ".xlsx")}

    assert {s: a[0] for s, a in answers.items()} == dict.fromkeys(answers, 200)
    markdown = answers[".md"][2].decode()
    assert "Oversight and challenge of SEND" in markdown and "Preparing for adulthood" in markdown
    assert 'role="img"' in answers[".html"][2].decode()  # the findings × strands matrix
    etag = answers[".md"][1]["etag"]
    assert request(served, "/reports/strategy/send-strategy-2021-24.md", headers={"If-None-Match": etag})[0] == 304
    # The plan that delivers it names its findings by title in its Finding column.
    plan_csv = request(served, f"/reports/plan/{PLAN}.csv")[2].decode("utf-8-sig")
    assert plan_csv.splitlines()[0].startswith(
        "No,Recommendation,Summary actions,When (2022),Who,Measure of success,"
        "Finding (strategy send-strategy-2021-24),Thread (strategy send-strategy-2021-24),Strand (strategy send-strategy-2021-24)"
    )
    assert "Oversight and challenge of SEND" in plan_csv
    assert request(served, "/reports/strategy/no-such-strategy.md")[0] == 404
    assert request(served, "/reports/strategy/send-strategy-2021-24.svg")[0] == 404

    with uow_factory() as uow:
        document = uow.documents.get("send-strategy-2021-24")
        document.exempt = True
        uow.documents.save(document)
        uow.commit()
    assert request(served, "/reports/strategy/send-strategy-2021-24.md")[0] == 404
