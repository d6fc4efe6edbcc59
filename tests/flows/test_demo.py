"""`govflow demo` (what `make demo` runs): loads the Southend example, runs the nightly flow through
Prefect, prints the example's status and ends by saying where things went: the mailbox, feeds and
reports folders, the subscribe page, and how a person finds their own calendar (issue 14, point 3).
Prefect's own log stays off the console unless asked for with --verbose."""
from __future__ import annotations

import email
import email.policy
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
    assert (tmp_path / "data" / "govflow.db").exists()

    # It ends by saying where everything went, and the folders it names hold what the night made.
    data = (tmp_path / "data").resolve()
    summary = out[out.index("Where things went:"):].splitlines()
    assert summary[1:5] == [
        f"  reminders (an .eml file per email, for any mail program): {data / 'mailbox'}",
        f"  calendar feeds: {data / 'feeds'}",
        f"  reports: {data / 'reports'}",
        f"  subscribe page: http://127.0.0.1:8000/subscribe (while `{sys.executable.rsplit('/', 1)[-1]} -m govflow serve` runs)",
    ]
    assert "feeds show GB` prints one person's" in summary[5] and "people` lists everyone's" in summary[5]
    assert list((data / "mailbox").glob("*.eml")) and (data / "feeds" / "index.json").is_file()
    assert list((data / "reports").rglob("*.html"))
    # Following it: the command it names prints GB's own calendar, which the mailbox's email carries too.
    shown = subprocess.run([sys.executable, "-m", "govflow", "feeds", "show", "GB"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    webcal = next(line.split(": ", 1)[1].strip() for line in shown.stdout.splitlines() if "Outlook, Apple, Thunderbird:" in line)
    (gb_email,) = (data / "mailbox").glob("*-GB-*.eml")
    message = email.message_from_bytes(gb_email.read_bytes(), policy=email.policy.default)
    assert webcal in message.get_body(("plain",)).get_content()
    # No Prefect or setuptools noise on a normal run.
    assert "INFO" not in result.stderr and "Starting temporary server" not in result.stderr
    assert "Warning" not in result.stderr, result.stderr

    again = subprocess.run([sys.executable, "-m", "govflow", "demo", "--verbose"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=180)
    assert again.returncode == 0, again.stderr
    assert "nightly runs have already reached 2021-10-06: nothing changed" in again.stdout
    assert "Where things went:" in again.stdout
    assert "| INFO    | Flow run" in again.stderr  # --verbose: Prefect's log of the run is back
