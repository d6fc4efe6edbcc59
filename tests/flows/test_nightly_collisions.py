"""Issue 13, 6: runs that cannot collide. A second night for a council while one runs gives way
cleanly ("another nightly run for <council> is running") before it reads or writes anything: held
off by the database's night lock. Before, two runs at once both ran the whole night and the second failed in
send_reminders ("outbox message 2 is sent, not pending"). On SQLite and PostgreSQL."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from flows.council_night import SKIPPED, CouncilNightParameters, council_night
from govflow import wiring
from govflow.settings import Settings
from tests.flows.test_nightly_flow import AS_OF, stored_rows
from tests.flows.test_nightly_reminders import MARCH_ACTIONS, NIGHT


def council(wait_seconds: float = 0.5):
    return council_night(CouncilNightParameters(as_of=AS_OF, wait_seconds=wait_seconds), return_state=True)


def test_a_night_gives_way_while_another_process_holds_the_database_lock(prefect_api_url, southend_database):
    before = stored_rows(southend_database)
    with wiring.night_lock(Settings(), wait_seconds=0):  # as the other run's process would
        state = council()
    assert state.is_completed() and state.name == "Skipped", state
    summary = state.result()
    assert summary[SKIPPED] == "another nightly run for default is running (the database's night lock): this run did nothing"
    assert summary["nights"] == [] and summary["digests_sent"] == 0
    assert stored_rows(southend_database) == before  # it read and wrote nothing

    after = council().result()  # the lock released: the next run runs the night
    assert after["nights"] == [AS_OF.isoformat()] and SKIPPED not in after


def test_the_database_lock_waits_a_little_then_says_busy(southend_database):
    settings = Settings()
    with wiring.night_lock(settings, wait_seconds=0):
        started = time.monotonic()
        with pytest.raises(Exception) as raised, wiring.night_lock(settings, wait_seconds=0.6):
            pass
        assert 0.5 <= time.monotonic() - started < 5
    assert type(raised.value).__name__ == "NightLockBusy"
    with wiring.night_lock(settings.for_organisation("other"), wait_seconds=0):  # another council's night is not held
        with wiring.night_lock(settings, wait_seconds=0):
            pass


def test_two_nightly_commands_at_once_run_the_night_once_and_neither_fails(prefect_api_url, southend_database, smtp_server):
    # Each digest takes 2 s to be accepted, so the first night holds its guards well past the
    # second's 10 s wait (night_guard.WAIT_SECONDS).
    smtp_server.mailbox.reply_delay = 2.0
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "GOVFLOW_SMTP_URL": smtp_server.url()}
    command = [sys.executable, "-m", "govflow", "nightly", "--as-of", NIGHT.isoformat()]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outputs = [run.communicate(timeout=240) for run in runs]

    for run, (out, err) in zip(runs, outputs):
        assert run.returncode == 0, out + err
        assert "Traceback" not in err and "not pending" not in out + err
    texts = [out for out, _err in outputs]
    ran = [t for t in texts if f"nightly run for {NIGHT}: ran {NIGHT}" in t]
    gave_way = [t for t in texts if "another nightly run for default is running" in t]
    assert len(ran) == 1, texts
    # The other gave way; or, had it started after the first finished, found the night done.
    assert len(gave_way) == 1 or "nightly runs have already reached" in "".join(texts), texts

    addresses = [m.rcpt_tos[0] for m in smtp_server.mailbox.received]
    assert sorted(addresses) == sorted(set(addresses)), "someone got two digests"
    assert set(MARCH_ACTIONS) <= set(addresses)
