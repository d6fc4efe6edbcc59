"""`govflow nightly`, `deploy` and `serve-nightly` as a person runs them, against the test Prefect server."""
from __future__ import annotations

import json
import os
import subprocess
import sys


def govflow(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "govflow", *args], capture_output=True, text=True, env=full_env, timeout=120)


def test_nightly_runs_the_flow_once_and_prints_the_summary(prefect_api_url, southend_sqlite):
    first = govflow("nightly", "--as-of", "2021-10-06")
    assert first.returncode == 0, first.stderr
    assert "nightly run for 2021-10-06: ran 2021-10-06" in first.stdout
    assert "steps overdue:" in first.stdout

    again = govflow("nightly", "--as-of", "2021-10-06", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["nights"] == []


def test_deploy_prints_the_name_cron_and_time_zone(prefect_api_url):
    result = govflow("deploy")
    assert result.returncode == 0, result.stderr
    assert "deployment govflow-nightly/nightly" in result.stdout
    assert "cron: 0 3 * * *" in result.stdout
    assert "time zone: Europe/London" in result.stdout


def test_serve_nightly_refuses_prefects_temporary_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    result = subprocess.run(
        [sys.executable, "-m", "govflow", "serve-nightly"], capture_output=True, text=True, env={**env, "COLUMNS": "200"}, timeout=60
    )
    assert result.returncode == 2
    assert "never creates scheduled runs" in result.stderr
