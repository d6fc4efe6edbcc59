"""`govflow nightly`, `deploy` and `serve-nightly` as a person runs them, against the test Prefect server."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys


def govflow(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "govflow", *args], capture_output=True, text=True, env=full_env, timeout=120)


def test_nightly_runs_the_flow_once_and_prints_the_summary(prefect_api_url, southend_sqlite):
    first = govflow("nightly", "--as-of", "2021-10-06")
    assert first.returncode == 0, first.stderr
    # The configured server (PREFECT_API_URL), said first: no temporary server is started.
    assert first.stdout.startswith(f"Prefect: the Prefect server at {prefect_api_url} (PREFECT_API_URL)\n"), first.stdout
    assert "nightly run for 2021-10-06: ran 2021-10-06" in first.stdout
    assert "steps overdue:" in first.stdout
    # It ends by saying where things went (issue 14, point 3), with no Prefect log on the console.
    assert "\nWhere things went:\n" in first.stdout and "  subscribe page: http://127.0.0.1:8000/subscribe" in first.stdout
    assert first.stdout.rstrip().splitlines()[-1].startswith("  your own calendar (private")
    assert "| INFO" not in first.stderr, first.stderr

    again = govflow("nightly", "--as-of", "2021-10-06", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["nights"] == []  # stdout is the JSON alone ...
    assert f"Prefect: the Prefect server at {prefect_api_url}" in again.stderr  # ... the server is said on stderr


def test_nightly_refuses_a_configured_prefect_server_that_does_not_answer(southend_sqlite, tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api"
    result = govflow("nightly", "--as-of", "2021-10-06", env={"PREFECT_API_URL": url, "PREFECT_HOME": str(tmp_path / "prefect")})
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"the Prefect server at {url} (PREFECT_API_URL) does not answer" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_prefect_api_url_the_run_says_it_starts_a_temporary_server(monkeypatch, tmp_path):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from govflow.cli.nightly import prefect_server

    with temporary_settings(updates={PREFECT_API_URL: None}):
        assert prefect_server().startswith("a temporary Prefect server started for this run")


def test_deploy_prints_the_name_cron_and_time_zone(prefect_api_url):
    result = govflow("deploy")
    assert result.returncode == 0, result.stderr
    assert "deployment govflow-nightly/nightly" in result.stdout
    assert "cron: 0 3 * * *" in result.stdout
    assert "time zone: Europe/London" in result.stdout
    assert "deployment govflow-council-nights/council-nights" in result.stdout


def test_serve_nightly_refuses_prefects_temporary_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    result = subprocess.run(
        [sys.executable, "-m", "govflow", "serve-nightly"], capture_output=True, text=True, env={**env, "COLUMNS": "200"}, timeout=60
    )
    assert result.returncode == 2
    assert "never creates scheduled runs" in result.stderr
