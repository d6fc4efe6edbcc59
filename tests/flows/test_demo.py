"""`govflow demo` (what `make demo` runs): loads the Southend example, runs the nightly flow through
Prefect and ends by printing the example's status."""
from __future__ import annotations

import os
import subprocess
import sys


def test_demo_runs_the_nightly_flow_and_ends_with_the_southend_status(prefect_api_url, tmp_path):
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "GOVFLOW_DATA_DIR": str(tmp_path / "data"), "GOVFLOW_DATABASE_URL": ""}
    result = subprocess.run([sys.executable, "-m", "govflow", "demo"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=180)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "16 recommendations: 1, 2, 3, 4, 6, 6a, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15" in out
    # It says what it runs: the configured Prefect server (the tests'), each council's night in this process.
    assert f"running the nightly flow through Prefect, on the Prefect server at {prefect_api_url} (PREFECT_API_URL); each council's night runs in this process" in out
    assert "nightly run for 2021-10-06: ran 2021-10-06" in out
    assert "Status as of Wednesday 6 October 2021" in out
    assert "current step: Version 11 of SEND Strategy shared with SSPB" in out  # its title, not its key
    assert "next deadline: 6 October 2021; overdue steps: 0" in out
    assert out.strip().splitlines()[-1].startswith("  actions due:")
    assert (tmp_path / "data" / "govflow.db").exists()

    again = subprocess.run([sys.executable, "-m", "govflow", "demo"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=180)
    assert again.returncode == 0, again.stderr
    assert "nightly runs have already reached 2021-10-06: nothing changed" in again.stdout
