"""Issue 12: one broken route never silences a council. A document whose values were stored out of
all reason (bypassing the loader, which refuses them) sits beside the Southend example; the nightly
flow, through Prefect, reports it by key, ends Failed, and still plans, reminds and publishes the rest."""
from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

from prefect import get_client
from prefect.client.schemas.objects import StateType

from flows.nightly import NightlyParameters, nightly
from governance_model.model import Body, Document, Meeting, Route, Step, StepKind
from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
from tests.flows.test_nightly_flow import summary_artifact
from tests.flows.test_nightly_reminders import MARCH_ACTIONS, NIGHT

BROKEN = "broken-route"


def store_broken_route(database_url: str) -> None:
    absurd = Body(
        code="VOID", name="A board stored with absurd values", secretary="GB", papers_lead_days=1_000_000,
        reminder_days=(1_000_000,),
        meetings=[Meeting("VOID-9999-12-31", "VOID", dt.datetime(9999, 12, 31, 23, 59, tzinfo=ZoneInfo("Europe/London")))],
    )
    document = Document(key=BROKEN, title="A route no one can plan", owner="GB", route=Route([
        Step("sign-off", 1, StepKind.DECIDE, "Signed off at the end of time", body_code="VOID", owner="GB",
             meeting_key="VOID-9999-12-31"),
        Step("publish", 2, StepKind.DECIDE, "Published at the board's next meeting after that", body_code="VOID", owner="GB"),
    ]))
    engine = make_engine(database_url)
    try:
        with SqlUnitOfWork(make_session_factory(engine)) as uow:
            uow.bodies.save(absurd)
            uow.documents.save(document)
            uow.commit()
    finally:
        engine.dispose()


def test_a_broken_route_is_reported_and_every_other_document_is_still_planned_reminded_and_published(
    prefect_api_url, southend_database, smtp_server, monkeypatch, tmp_path
):
    store_broken_route(southend_database)
    monkeypatch.setenv("GOVFLOW_SMTP_URL", smtp_server.url())
    monkeypatch.setenv("GOVFLOW_FEEDS_DIR", str(tmp_path / "feeds"))
    monkeypatch.setenv("GOVFLOW_REPORTS_DIR", str(tmp_path / "reports"))

    state = nightly(NightlyParameters(as_of=NIGHT), return_state=True)

    summary = state.result(raise_on_failure=False)
    assert state.is_failed(), state
    assert any(BROKEN in failed for failed in summary["failed"]), summary["failed"]
    assert BROKEN in state.message
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(state.state_details.flow_run_id).state_type is StateType.FAILED
    assert BROKEN in summary_artifact(state.state_details.flow_run_id)

    # Every other owner still gets the night's digest ...
    addresses = {m.rcpt_tos[0] for m in smtp_server.mailbox.received}
    assert set(MARCH_ACTIONS) <= addresses
    assert summary["digests_sent"] == len(smtp_server.mailbox.received)
    # ... the Southend strategy is still planned ...
    engine = make_engine(southend_database)
    try:
        with SqlUnitOfWork(make_session_factory(engine)) as uow:
            planned = uow.documents.list_forecasts("send-strategy-2021-24")
            assert {f.step_key for f in planned} >= {"share-sspb", "sspb-final"}
            stored_failures = uow.nightly_runs.get(NIGHT).summary["failed"]
            assert any(BROKEN in failed for failed in stored_failures), stored_failures
    finally:
        engine.dispose()
    # ... and its feeds are still built.
    feeds = tmp_path / "feeds"
    built = {str(p.relative_to(feeds)) for p in feeds.rglob("*.ics")}
    assert any(name.startswith("body") and "SSPB" in name for name in built), sorted(built)
    assert any("send-strategy-2021-24" in name for name in built), sorted(built)
    assert os.path.exists(feeds / "index.json")
    # ... and the Reports to Board whose papers window is open are written (JCB meets on 16 March;
    # the broken board's window, at the end of time, is not open, so its report is not even built).
    boards = {p.name for p in (tmp_path / "reports" / "board").glob("*.md")}
    assert "JCB.md" in boards and "VOID.md" not in boards, sorted(boards)
    assert not any(failed.startswith("report") for failed in summary["failed"]), summary["failed"]
