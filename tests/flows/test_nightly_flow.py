"""The nightly flow run through a real Prefect API on the Southend example, on each database."""
from __future__ import annotations

import datetime as dt
import time

from prefect import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterParentFlowRunId,
)
from prefect.client.schemas.objects import StateType
from prefect.flow_engine import run_flow
from prefect.states import Scheduled
from sqlalchemy import select

from flows.nightly import SUMMARY_ARTIFACT_KEY, NightlyParameters, london_day, nightly
from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
from governance_model.storage.tables import Base

AS_OF = dt.date(2021, 10, 6)  # the SSPB meeting that seed 000's report went to
TASKS = {"load_snapshot", "work_out_nights", "bring_routes_up_to_date", "owed_reminders", "write_outputs", "save_update", "write_reports", "send_reminders", "publish_summary"}


def council_run_id(nightly_run_id, council: str = "default"):
    """The flow run of one council's night that a nightly run started (its subflow)."""
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[nightly_run_id]))
        )
    (run,) = [r for r in runs if r.parameters["params"]["organisation"] == council]
    return run.id


def summary_artifact(nightly_run_id, council: str = "default") -> str:
    """The markdown summary a council's night (started by the nightly run) published."""
    key = SUMMARY_ARTIFACT_KEY if council == "default" else f"{SUMMARY_ARTIFACT_KEY}-{council}"
    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[key]), flow_run_id=ArtifactFilterFlowRunId(any_=[council_run_id(nightly_run_id, council)])
            )
        )
    return artifact.data


def task_run_names(flow_run_id, expected: int, timeout: float = 15) -> set[str]:
    """The task runs the API shows for a flow run (recorded from events, so they may lag a little)."""
    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            if len(runs) >= expected or time.monotonic() > deadline:
                return {run.name.rsplit("-", 1)[0] for run in runs}
            time.sleep(0.2)


def stored_rows(database_url: str) -> dict[str, list[tuple]]:
    """Every row of every govflow table: what "nothing changed" is checked against."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return {table.name: sorted(map(tuple, connection.execute(select(table))), key=repr) for table in Base.metadata.sorted_tables}
    finally:
        engine.dispose()


def stored_state(database_url: str):
    """The stored forecasts, forecast changes and last nightly run, through the repository."""
    engine = make_engine(database_url)
    try:
        with SqlUnitOfWork(make_session_factory(engine)) as uow:
            return uow.documents.list_forecasts(), uow.documents.list_forecast_changes(), uow.nightly_runs.last()
    finally:
        engine.dispose()


def test_the_flow_runs_through_prefect_and_publishes_its_summary(prefect_api_url, southend_database):
    state = nightly(NightlyParameters(as_of=AS_OF), return_state=True)

    summary = state.result()
    assert summary["as_of"] == "2021-10-06"
    assert summary["nights"] == ["2021-10-06"]
    flow_run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
    assert flow_run.flow_id and flow_run.state_type is StateType.COMPLETED
    assert flow_run.parameters == {"params": {"as_of": "2021-10-06", "children": "auto"}}
    markdown = summary_artifact(flow_run_id)
    assert "Wednesday 06 October 2021" in markdown
    assert f"steps overdue: {summary['steps_overdue']}" in markdown
    # The council's night is a subflow of the nightly run (no workers here), with the night's tasks.
    assert task_run_names(council_run_id(flow_run_id), expected=len(TASKS)) == TASKS
    assert {"list_councils", "council", "publish_councils"} <= task_run_names(flow_run_id, expected=4)

    forecasts, _changes, last_run = stored_state(southend_database)
    assert forecasts, "the first night stores a forecast for every step"
    assert last_run.as_of == AS_OF and last_run.finished_at.tzinfo is not None


def test_the_night_reads_the_council_once_for_every_stage(prefect_api_url, southend_database, monkeypatch):
    """Issue 13, 4: one read of the council per night, shared by the planning, the feeds and the
    reports (before, each stage read every document, body and plan again: 18,000 documents read
    for 6,000 in the national benchmark). The outputs are still made: feeds, reports, digests."""
    from governance_model.storage.sql.bodies import SqlBodyRepository
    from governance_model.storage.sql.documents import SqlDocumentRepository
    from governance_model.storage.sql.plans import SqlPlanRepository

    reads = {"documents": 0, "bodies": 0, "plans": 0}
    for name, repository in (("documents", SqlDocumentRepository), ("bodies", SqlBodyRepository), ("plans", SqlPlanRepository)):
        listed = repository.list

        def counted(self, *args, _listed=listed, _name=name, **kwargs):
            reads[_name] += 1
            return _listed(self, *args, **kwargs)

        monkeypatch.setattr(repository, "list", counted)
    summary = nightly(NightlyParameters(as_of=AS_OF))
    assert summary["nights"] == ["2021-10-06"] and summary["reports_written"]
    assert reads == {"documents": 1, "bodies": 1, "plans": 1}


def test_a_second_run_for_the_same_date_changes_nothing(prefect_api_url, southend_database):
    first = nightly(NightlyParameters(as_of=AS_OF))
    assert first["nights"] == ["2021-10-06"]
    before, rows_before = stored_state(southend_database), stored_rows(southend_database)

    state = nightly(NightlyParameters(as_of=AS_OF), return_state=True)

    second = state.result()
    assert stored_state(southend_database) == before  # forecasts, forecast changes, last run
    assert stored_rows(southend_database) == rows_before  # and nothing else either
    assert first["reminders_owed"] >= 1 and first["digests_sent"] >= 1  # GB: Version 11 at SSPB, today
    # Reports are written where they are read: the boards whose papers window is open, again; the
    # plan's, not again (the plan has not changed since the first run wrote them).
    boards = [path for path in first["reports_written"] if "/board/" in path]
    assert boards and len(boards) < len(first["reports_written"])
    assert second == {
        **first, "nights": [], "documents_moved": [], "steps_moved": 0, "dates_reforecast": 0, "reminders_owed": 0, "digests_sent": 0,
        "reports_written": boards,
    }
    assert "Nightly runs have already reached 06 October 2021: nothing changed." in summary_artifact(state.state_details.flow_run_id)


def test_missed_nights_are_caught_up(prefect_api_url, southend_database):
    nightly(NightlyParameters(as_of=AS_OF - dt.timedelta(days=3)))

    state = nightly(NightlyParameters(as_of=AS_OF), return_state=True)

    assert state.result()["nights"] == ["2021-10-04", "2021-10-05", "2021-10-06"]
    assert "Caught up 3 nights, 2021-10-04 to 2021-10-06." in summary_artifact(state.state_details.flow_run_id)
    assert stored_state(southend_database)[2].as_of == AS_OF


def test_a_late_scheduled_run_works_for_the_day_it_was_scheduled(prefect_api_url, southend_database):
    # Scheduled for 03:00 BST on 6 October 2021 (02:00 UTC), started years later: it runs for the 6th.
    scheduled = dt.datetime(2021, 10, 6, 2, 0, tzinfo=dt.timezone.utc)
    with get_client(sync_client=True) as client:
        flow_run = client.create_flow_run(nightly, parameters={}, state=Scheduled(scheduled_time=scheduled))

    summary = run_flow(nightly, flow_run=flow_run)

    assert summary["as_of"] == "2021-10-06"


def test_the_run_date_is_the_day_in_london():
    assert london_day(dt.datetime(2021, 10, 5, 23, 30, tzinfo=dt.timezone.utc)) == dt.date(2021, 10, 6)  # 00:30 BST
    assert london_day(dt.datetime(2021, 12, 5, 23, 30, tzinfo=dt.timezone.utc)) == dt.date(2021, 12, 5)  # 23:30 GMT
