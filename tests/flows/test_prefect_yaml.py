"""prefect.yaml (for `prefect deploy --all`) describes the same deployments as `govflow deploy
--work-pool govflow` (flows/deployment.py): names, entrypoints, schedule and work pool."""
from __future__ import annotations

from pathlib import Path

import yaml

from flows.deployment import COUNCILS_QUEUE, CRON, TIMEZONE, WORK_POOL, build_council_deployment, build_deployment

PREFECT_YAML = Path(__file__).resolve().parents[2] / "prefect.yaml"


def test_prefect_yaml_describes_the_deployments_govflow_deploy_registers():
    described = {d["name"]: d for d in yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))["deployments"]}
    built = {d.name: d for d in (build_deployment(), build_council_deployment())}
    assert described.keys() == built.keys() == {"nightly", "council-nights"}
    for name, deployment in built.items():
        assert described[name]["entrypoint"] == deployment.entrypoint
        assert described[name]["work_pool"]["name"] == WORK_POOL
        assert described[name]["parameters"] == {}
    (schedule,) = described["nightly"]["schedules"]
    assert (schedule["cron"], schedule["timezone"]) == (CRON, TIMEZONE)
    (built_schedule,) = built["nightly"].schedules
    assert (built_schedule.schedule.cron, built_schedule.schedule.timezone) == (CRON, TIMEZONE)
    assert "schedules" not in described["council-nights"] and not built["council-nights"].schedules
    # The runs of councils go to the work queue whose concurrency limit bounds them (on a work pool).
    assert described["council-nights"]["work_pool"]["work_queue_name"] == COUNCILS_QUEUE
    assert build_council_deployment(COUNCILS_QUEUE).work_queue_name == COUNCILS_QUEUE
