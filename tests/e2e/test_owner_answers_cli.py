"""`govflow step late`, `govflow action late` and `govflow answers list|confirm` as a person runs
them (issue 17), on each database: what moved, in words; a phrase that cannot be read or a date
not later refused with exit 2 and nothing changed."""
import datetime as dt
import re
from pathlib import Path

from govflow.services import done_answers
from tests.conftest import sql_units_of_work
from tests.e2e.test_cli import govflow
from tests.integration.test_owner_answers import confirming_setup

D = dt.date.fromisoformat
NOW = dt.datetime(2021, 10, 6, 12, 0, tzinfo=dt.timezone.utc)

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
DOC = "send-strategy-2021-24"
PLAN = "send-peer-review-recommendations-high-level-implementation-plan-draft-1"


def said(result) -> str:
    return " ".join(result.stdout.split())


def test_step_late_and_action_late_on_each_database(database_url, tmp_path):
    env = {"GOVFLOW_DATABASE_URL": database_url, "GOVFLOW_DATA_DIR": str(tmp_path / "data")}
    assert govflow("init", env=env).returncode == 0
    assert govflow("load", str(SOUTHEND), env=env).returncode == 0

    unreadable = govflow("step", "late", DOC, "revise-peer-review", "--expected", "next-ish week", "--as-of", "2021-12-01", env=env)
    assert unreadable.returncode == 2 and "'next-ish week'" in unreadable.stderr and "Traceback" not in unreadable.stderr
    earlier = govflow("step", "late", DOC, "revise-peer-review", "--expected", "w/c 13 December", "--as-of", "2021-12-01", env=env)
    assert earlier.returncode == 2 and "not later than 31 December 2021" in " ".join(earlier.stderr.split())

    late = govflow("step", "late", DOC, "revise-peer-review", "--expected", "end of January", "--why", "the report came late",
                   "--by", "GB", "--as-of", "2021-12-01", env=env)
    assert late.returncode == 0, late.stderr
    text = said(late)
    assert text.startswith("SEND Strategy 2021-24: ") and " — expected late by GB: the report came late;" in text
    assert "now expected by 31 January 2022 (“end of January”" in text
    assert "dates moved:" in text
    assert re.search(r"31 December 2021 → 31 January 2022: moved to 31 January 2022 because expected late by GB: the report came late", text), text

    action = govflow("action", "late", PLAN, "1", "1", "--expected", "end of March", "--by", "GB", "--as-of", "2022-01-20", env=env)
    assert action.returncode == 0, action.stderr
    assert "recommendation 1, action 1: expected late by GB; now expected by 31 March 2022 (“end of March”; planned “Jan”)" in said(action)

    listed = govflow("answers", "list", env=env)
    assert listed.returncode == 0 and "No answers are awaiting confirmation." in listed.stdout
    missing = govflow("answers", "confirm", "7", "--by", "SEC", env=env)
    assert missing.returncode == 2 and "no answer 7" in missing.stderr


def test_answers_list_and_confirm_on_each_database(database_url, tmp_path):
    env = {"GOVFLOW_DATABASE_URL": database_url, "GOVFLOW_DATA_DIR": str(tmp_path / "data")}
    setup = confirming_setup(tmp_path)
    assert govflow("init", env=env).returncode == 0
    assert govflow("load", str(setup), env=env).returncode == 0
    for units in sql_units_of_work(database_url):
        answered = done_answers.record_done_answer(units(), f"step:{DOC}/share-sspb", by="GB", note="shared", as_of=D("2021-10-06"), now=NOW)
    assert answered == "awaiting confirmation"
    listed = govflow("answers", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert re.search(r"^(\d+)\. SEND Strategy 2021-24: “Version 11 of SEND Strategy shared with SSPB” \(SSPB\): done on 6 October 2021, "
                     r"answered by GB: shared — for SEC to confirm$", said(listed)), said(listed)
    number = said(listed).split(".")[0]
    confirmed = govflow("answers", "confirm", number, "--by", "SEC", "--as-of", "2021-10-08", env=env)
    assert confirmed.returncode == 0, confirmed.stderr
    assert said(confirmed).startswith("SEND Strategy 2021-24: Version 11 of SEND Strategy shared with SSPB — done on 6 October 2021")
    assert "No answers are awaiting confirmation." in govflow("answers", "list", env=env).stdout
    again = govflow("answers", "confirm", number, "--by", "SEC", env=env)
    assert again.returncode == 2 and "SEC confirmed it already" in again.stderr
