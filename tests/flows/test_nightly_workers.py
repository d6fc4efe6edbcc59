"""Issue 13, 3: the nightly on real Prefect workers. A Prefect server on 127.0.0.1 (a free port, its own
PREFECT_HOME), a process work pool and two process workers (flows/local_prefect.py), the two
deployments applied to the pool, a night triggered, on PostgreSQL. Checked: both workers ran runs of
the night, the outcome (forecasts, outbox, feeds) is what the same night run in one process gives,
and no reminder is queued twice.

Each worker runs one flow run at a time (`--limit 1`), so which worker runs what is certain: a
nightly run on one worker sends its councils' run to the other; three councils, two at once (the
GOVFLOW_COUNCILS_AT_ONCE is 2), go in two runs of the council-nights deployment, one to each worker,
and each council's night is a flow run of its own inside them.

Marked slow (a server and two workers start: about a minute here), and run by `make test` and CI.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from prefect import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId
from prefect.deployments import run_deployment

from flows.deployment import COUNCIL_FULL_NAME, COUNCILS_QUEUE, FULL_NAME, apply_deployments
from flows.local_prefect import LocalPrefect
from flows.nightly import NightlyParameters, nightly
from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
from govflow import wiring
from govflow.services import file_loading
from govflow.settings import Settings
from tests.conftest import _postgresql_schema, database_targets, unavailable
from tests.flows.conftest import SOUTHEND

pytestmark = pytest.mark.slow

NIGHT = dt.date(2022, 3, 11)  # a Friday on which the Southend owners are owed their March digests
COUNCILS = ("north-council", "east-council", "west-council")
WORKER = "prefect.worker.name"
VOLATILE = ("DTSTAMP", "LAST-MODIFIED", "CREATED")  # when a feed was written, not what it says


@pytest.fixture(scope="module")
def databases() -> Iterator[tuple[str, str]]:
    """Two PostgreSQL schemas of their own: the workers' nights, and the same nights in one process."""
    targets = [target for target, database in database_targets() if database == "postgresql"]
    if not targets:
        unavailable("the multi-worker test runs on PostgreSQL: GOVFLOW_TEST_DATABASE_URL names none")
    on_workers, in_process = _postgresql_schema(targets[0]), _postgresql_schema(targets[0])
    try:
        yield next(on_workers), next(in_process)
    finally:
        for url in (on_workers, in_process):
            url.close()  # drops the schema


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, databases: tuple[str, str]) -> Iterator[LocalPrefect]:
    """The server and two workers, whose runs use the workers' schema and a data folder of their own."""
    folder = tmp_path_factory.mktemp("prefect-cluster")
    env = {"GOVFLOW_DATA_DIR": str(folder / "worker-data"), "GOVFLOW_DATABASE_URL": databases[0], "GOVFLOW_SMTP_URL": ""}
    with LocalPrefect(folder, workers=2, worker_limit=1, env=env) as prefect:
        with prefect.client_settings():
            apply_deployments(prefect.work_pool, councils_at_once=2)
            yield prefect


def test_the_runs_of_councils_are_bounded_by_a_prefect_work_queue_limit(cluster):
    """Issue 13, 2: the bound is Prefect's own (the server's), not only the nightly run's: the
    council-nights deployment's runs go to a work queue whose concurrency limit is
    GOVFLOW_COUNCILS_AT_ONCE; applying again with another limit updates it."""
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(COUNCIL_FULL_NAME)
        queue = client.read_work_queue_by_name(COUNCILS_QUEUE, work_pool_name=cluster.work_pool)
        assert (deployment.work_queue_name, deployment.work_pool_name) == (COUNCILS_QUEUE, cluster.work_pool)
        assert queue.concurrency_limit == 2
        apply_deployments(cluster.work_pool, councils_at_once=3)
        assert client.read_work_queue_by_name(COUNCILS_QUEUE, work_pool_name=cluster.work_pool).concurrency_limit == 3
        apply_deployments(cluster.work_pool, councils_at_once=2)
        assert client.read_work_queue_by_name(COUNCILS_QUEUE, work_pool_name=cluster.work_pool).concurrency_limit == 2


def load(database_url: str, setup_files: list[Path]) -> None:
    engine = make_engine(database_url)
    try:
        for setup in setup_files:
            file_loading.load_files([setup], SqlUnitOfWork(make_session_factory(engine)))
    finally:
        engine.dispose()


def outcome(database_url: str, feeds_dir: Path, councils: list[str]) -> dict:
    """What a night leaves, for comparing two nights: forecasts, outbox and feeds, by council."""
    engine = make_engine(database_url)
    found = {}
    try:
        for council in councils:
            with SqlUnitOfWork(make_session_factory(engine), council) as uow:
                forecasts = sorted(repr(dataclasses.astuple(f)) for f in uow.documents.list_forecasts())
                outbox = sorted((m.recipient, m.status, tuple(sorted(r.key for r in m.reminders))) for m in uow.outbox.list())
            folder = Settings(feeds_dir=feeds_dir).for_organisation(council).feeds_dir
            feeds, people = {}, []
            for path in sorted(folder.rglob("*.ics")):
                relative = path.relative_to(folder)
                if council == "default" and relative.parts[0] in COUNCILS:
                    continue  # another council's folder, under the default council's
                lines = [line for line in path.read_text().splitlines() if not line.startswith(VOLATILE)]
                if relative.parts[0] == "person":  # named by each person's secret token, random per database
                    people.append(lines)
                else:
                    feeds[relative.as_posix()] = lines
            feeds["person/*"] = sorted(people)
            found[council] = {"forecasts": forecasts, "outbox": outbox, "feeds": feeds}
    finally:
        engine.dispose()
    return found


def differences(one: dict, other: dict) -> list[str]:
    """Where two outcomes differ, said per council, part and feed (empty: the same)."""
    found = []
    for council in sorted(one.keys() | other.keys()):
        a, b = one.get(council, {}), other.get(council, {})
        for part in ("forecasts", "outbox"):
            if a.get(part) != b.get(part):
                changed = sorted(set(a.get(part, [])) ^ set(b.get(part, [])))[:4]
                found.append(f"{council} {part}: {len(a.get(part, []))} against {len(b.get(part, []))}: {changed}")
        feeds_a, feeds_b = a.get("feeds", {}), b.get("feeds", {})
        for feed in sorted(feeds_a.keys() | feeds_b.keys()):
            if feeds_a.get(feed) != feeds_b.get(feed):
                lines = sorted(set(map(str, feeds_a.get(feed, []))) ^ set(map(str, feeds_b.get(feed, []))))
                found.append(f"{council} feed {feed}: {lines[:4]}")
    return found


def queued_twice(found: dict) -> list[str]:
    """Reminders in more than one digest of the same council (each council has its own keys)."""
    keys = Counter(
        f"{name}: {key}" for name, council in found.items() for _recipient, _status, reminders in council["outbox"] for key in reminders
    )
    return [key for key, n in keys.items() if n > 1]


def child_runs(parent_id) -> list:
    with get_client(sync_client=True) as client:
        return client.read_flow_runs(flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent_id])))


def in_process_night(database_url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The same night in this process (children as subflows): what the workers' night must equal."""
    with monkeypatch.context() as env:
        env.setenv("GOVFLOW_DATABASE_URL", database_url)
        env.setenv("GOVFLOW_DATA_DIR", str(data_dir))
        summary = nightly(NightlyParameters(as_of=NIGHT, children="in_process"))
    wiring._engine(database_url).dispose()
    return summary


def test_the_default_council_on_two_workers_equals_the_night_in_one_process(cluster, databases, monkeypatch):
    workers_url, here_url = databases
    here = cluster.folder / "in-process-data"
    # the module's schemas: the three-council test below adds its councils beside this one
    load(workers_url, [SOUTHEND])
    load(here_url, [SOUTHEND])

    # Triggered as the schedule would: a run of the nightly deployment, on the pool, with `children`
    # left to `auto`, which finds the council-nights deployment polled by the workers.
    parent = run_deployment(FULL_NAME, parameters={"params": {"as_of": NIGHT.isoformat()}}, timeout=300, poll_interval=1, as_subflow=False)
    assert parent.state.is_completed(), (parent.state, cluster.logs())
    (child,) = child_runs(parent.id)
    assert child.state.is_completed(), child.state
    assert child.parameters["params"]["organisations"] == ["default"]
    # The nightly ran on one worker, which (limit 1) left its councils' run to the other.
    assert {parent.labels[WORKER], child.labels[WORKER]} == set(cluster.worker_names)
    (night,) = child_runs(child.id)  # the council's night: a flow run of its own, in that run
    assert night.parameters["params"]["organisation"] == "default" and night.state.is_completed()
    summary = parent.state.result()
    assert summary["nights"] == [NIGHT.isoformat()] and summary["digests_sent"] > 0

    reference = in_process_night(here_url, here, monkeypatch)
    assert {k: v for k, v in reference.items() if k != "reports_written"} == {
        k: v for k, v in summary.items() if k != "reports_written"
    }
    on_workers = outcome(workers_url, cluster.folder / "worker-data" / "feeds", ["default"])
    in_process = outcome(here_url, here / "feeds", ["default"])
    assert on_workers["default"]["forecasts"] and on_workers["default"]["outbox"] and on_workers["default"]["feeds"]
    assert differences(on_workers, in_process) == []
    assert queued_twice(on_workers) == []


def council_setup_files(folder: Path) -> list[Path]:
    """Three councils' setup files: the Southend example, copied, each naming its own organisation."""
    files = []
    for council in COUNCILS:
        copy = folder / council
        shutil.copytree(SOUTHEND.parent, copy)
        setup = copy / SOUTHEND.name
        data = yaml.safe_load(setup.read_text(encoding="utf-8"))
        setup.write_text(yaml.safe_dump({"organisation": council, **data}, sort_keys=False), encoding="utf-8")
        files.append(setup)
    return files


def test_three_councils_on_two_workers_equal_the_night_in_one_process(cluster, databases, monkeypatch, tmp_path):
    files = council_setup_files(tmp_path / "councils")
    workers_url, here_url = databases
    here = cluster.folder / "in-process-data"
    load(workers_url, files)
    listed = wiring.organisations(Settings(database_url=workers_url))
    wiring._engine(workers_url).dispose()
    assert set(COUNCILS) <= set(listed), listed
    load(here_url, files)
    # Triggered from here, its council nights on the workers: two at once, one on each worker.
    with monkeypatch.context() as env:
        env.setenv("GOVFLOW_DATABASE_URL", workers_url)
        env.setenv("GOVFLOW_DATA_DIR", str(cluster.folder / "worker-data"))
        state = nightly(NightlyParameters(as_of=NIGHT, children="workers"), return_state=True)
    wiring._engine(workers_url).dispose()
    summary = state.result()
    assert set(COUNCILS) <= set(summary["councils"]) and not summary["failed"], summary
    runs = child_runs(state.state_details.flow_run_id)
    # Two at once: the councils (three, and the default council when the test above ran first) in two runs.
    assert len(runs) == 2, [r.parameters for r in runs]
    assert {r.labels[WORKER] for r in runs} == set(cluster.worker_names), "both workers ran councils' nights"
    nights = [night for run in runs for night in child_runs(run.id)]
    assert sorted(n.parameters["params"]["organisation"] for n in nights) == sorted(summary["councils"])  # one night each
    assert all(n.state.is_completed() for n in nights)

    reference = in_process_night(here_url, here, monkeypatch)
    assert reference["councils"].keys() == summary["councils"].keys()
    on_workers = outcome(workers_url, cluster.folder / "worker-data" / "feeds", list(COUNCILS))
    in_process = outcome(here_url, here / "feeds", list(COUNCILS))
    assert all(on_workers[c]["forecasts"] and on_workers[c]["outbox"] and on_workers[c]["feeds"] for c in COUNCILS)
    assert differences(on_workers, in_process) == []
    assert queued_twice(on_workers) == []
