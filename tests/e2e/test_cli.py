"""The govflow command as a person runs it: a real process, real files, real exit codes."""
import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.data import SEED_002, SEED_002_PEOPLE

ROOT = Path(__file__).resolve().parents[2]


def govflow(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "govflow", *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=120)


def test_when_prints_exactly_the_ten_fields():
    result = govflow("when", "Quarterly wef Jan 2022", "--context", "2022-01-01", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "kind": "recurring",
        "start": "2022-01-01",
        "end": None,
        "every": "P3M",
        "duration": None,
        "anchor": None,
        "depends_on": None,
        "tentative": False,
        "estimated": False,
        "text": "Quarterly wef Jan 2022",
    }


def test_when_shows_a_relative_period_and_an_estimated_term():
    relative = govflow("when", "12 weeks after Cabinet", "--context", "2022-01-01", "--json")
    assert relative.returncode == 0, relative.stderr
    assert json.loads(relative.stdout) == {
        "kind": "relative",
        "start": None,
        "end": None,
        "every": None,
        "duration": "P12W",
        "anchor": "Cabinet",
        "depends_on": None,
        "tentative": False,
        "estimated": False,
        "text": "12 weeks after Cabinet",
    }
    # Issue 11, fault 4: read in 2011, "autumn term" is autumn 2011 (estimated), never 2019.
    term = json.loads(govflow("when", "autumn term", "--context", "2011-01-01", "--json").stdout)
    assert (term["start"], term["end"], term["estimated"]) == ("2011-09-05", "2011-12-20", True)
    table = govflow("when", "eight-week consultation from 11 July 2019", "--context", "2019-07-01")
    assert table.returncode == 0, table.stderr
    assert "P8W" in table.stdout and "2019-09-05" in table.stdout and "estimated" in table.stdout


def test_a_council_loads_its_term_dates_and_when_answers_from_them(tmp_path):
    env = {"GOVFLOW_DATA_DIR": str(tmp_path / "data"), "GOVFLOW_DATABASE_URL": ""}
    terms = ROOT / "tests" / "data" / "terms"

    def autumn_term() -> tuple:
        result = govflow("when", "autumn term", "--context", "2024-01-01", "--json", env=env)
        assert result.returncode == 0, result.stderr
        reading = json.loads(result.stdout)
        return reading["start"], reading["end"], reading["estimated"]

    shipped = autumn_term()  # no database yet: the shipped table, and no database is made
    assert shipped == ("2024-09-04", "2024-12-20", False) and not (tmp_path / "data").exists()
    assert govflow("init", env=env).returncode == 0
    assert autumn_term() == shipped  # nothing loaded yet

    load = govflow("load", str(terms / "bromley-2024-25.yaml"), env=env)
    assert load.returncode == 0, load.stderr
    assert f"term dates: 6 terms and half terms from {terms / 'bromley-2024-25.yaml'} (academic years 2024/25)" in load.stdout
    assert "loaded:" not in load.stdout  # term dates alone
    assert autumn_term() == ("2024-08-27", "2024-12-20", False)  # Bromley starts in August
    # A year Bromley's file does not cover: the shipped table's dates, marked estimated.
    later = json.loads(govflow("when", "autumn term", "--context", "2025-01-01", "--json", env=env).stdout)
    assert (later["start"], later["estimated"]) == ("2025-09-03", True)

    # A bad term file is refused with its place, and Bromley's dates stay.
    bad = tmp_path / "terms.csv"
    bad.write_text((terms / "solihull-2024-25.csv").read_text().replace("Summer term 2025", "Sumer term 2025"))
    refused = govflow("load", str(bad), env=env)
    assert refused.returncode == 2
    assert "terms.csv" in refused.stderr and "row 11" in refused.stderr and "Sumer term 2025" in refused.stderr
    assert autumn_term() == ("2024-08-27", "2024-12-20", False)

    essex = govflow("load", str(terms / "essex-2021-22.ics"), str(terms / "solihull-2024-25.csv"), env=env)
    assert essex.returncode == 0, essex.stderr
    assert "(academic years 2021/22)" in essex.stdout and "(academic years 2024/25)" in essex.stdout
    assert autumn_term() == ("2024-09-02", "2024-12-20", False)  # Solihull's now
    southend = govflow("load", str(ROOT / "examples" / "southend" / "setup.yaml"), env=env)
    assert southend.returncode == 0, southend.stderr
    assert "(academic years 2021/22, 2024/25), as loaded before" in southend.stdout


def test_when_reads_a_phrase_without_a_year_from_the_context():
    result = govflow("when", "October/November 21", "--context", "2021-09-01", "--json")
    reading = json.loads(result.stdout)
    assert (reading["kind"], reading["start"], reading["end"]) == ("window", "2021-10-01", "2021-11-30")


def test_when_exits_2_and_quotes_an_unreadable_phrase():
    result = govflow("when", "after the summer-ish", "--context", "2022-01-01", "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "after the summer-ish" in result.stderr
    assert "w/c 24 October 2022" in result.stderr  # and it says which families govflow reads


@pytest.mark.database
def test_init_load_and_status_on_each_database(database_url, tmp_path):
    env = {"GOVFLOW_DATABASE_URL": database_url, "GOVFLOW_DATA_DIR": str(tmp_path / "data")}
    init = govflow("init", env=env)
    assert init.returncode == 0, init.stderr
    load = govflow("load", str(SEED_002_PEOPLE), str(SEED_002), env=env)
    assert load.returncode == 0, load.stderr
    assert "16 recommendations: 1, 2, 3, 4, 6, 6a, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15" in load.stdout
    assert "owners: GB, BM, LM, CMc, AP, AK, APD" in load.stdout
    assert "recommendations 4 and 6 are to be merged" in load.stdout
    assert "recommendation 13 is aligned to recommendation 2" in load.stdout

    status = govflow("status", "--as-of", "2022-02-20", "--json", env=env)
    assert status.returncode == 0, status.stderr
    (plan,) = json.loads(status.stdout)["plans"]
    overdue = {(a["recommendation"], a["text"]) for a in plan["overdue"]}
    assert ("12", "Members of SENDIASS and SBC HR team consulted") in overdue  # "Jan": due 31 Jan 2022
    due = {(a["recommendation"], a["text"]) for a in plan["due"]}
    assert ("11", "DSWEHYS identifies and implements new chair of RAP") in due  # "Feb": due 28 Feb 2022


def test_load_error_names_the_place_and_exits_2(tmp_path):
    bad = tmp_path / "plan.csv"
    bad.write_text("No,Recommendation,Summary actions,When (2022),Who,Measure of success\n1,x,Step,someday,GB,ok\n")
    env = {"GOVFLOW_DATA_DIR": str(tmp_path / "data"), "GOVFLOW_DATABASE_URL": ""}
    assert govflow("init", env=env).returncode == 0
    result = govflow("load", str(bad), env=env)
    assert result.returncode == 2
    assert "plan.csv" in result.stderr and "row 2" in result.stderr and "someday" in result.stderr


def test_mutated_setup_files_exit_2_naming_the_place_without_a_traceback(tmp_path):
    # Inputs issue 12's campaign found crashing `govflow load` with a traceback.
    env = {"GOVFLOW_DATA_DIR": str(tmp_path / "data"), "GOVFLOW_DATABASE_URL": ""}
    assert govflow("init", env=env).returncode == 0
    cases = {
        "impossible-date.yaml": ("documents:\n  - {key: d, title: D, dated: 2021-02-30}\n", "row 2"),
        "deep.yaml": ("people: " + "[" * 1000 + "]" * 1000 + "\n", "nested more than"),
        "version.yaml": ("documents:\n  - key: d\n    title: D\n    dated: 2021-02-01\n    versions: [{number: eleven}]\n", "'number'"),
    }
    for name, (text, said) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = govflow("load", str(tmp_path / name), env=env)
        assert result.returncode == 2, (name, result.stderr)
        assert result.stderr.startswith("error: ") and name in result.stderr and said in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_load_refuses_a_file_larger_than_govflow_max_file_bytes(tmp_path):
    env = {"GOVFLOW_DATA_DIR": str(tmp_path / "data"), "GOVFLOW_DATABASE_URL": "", "GOVFLOW_MAX_FILE_BYTES": "1000"}
    assert govflow("init", env=env).returncode == 0
    result = govflow("load", str(ROOT / "examples" / "southend" / "setup.yaml"), env=env)
    assert result.returncode == 2
    assert "setup.yaml" in result.stderr and "larger than 1000 bytes" in result.stderr and "GOVFLOW_MAX_FILE_BYTES" in result.stderr


def test_meeting_move_and_decide_from_the_command_line(tmp_path):
    env = {"GOVFLOW_DATA_DIR": str(tmp_path / "data"), "GOVFLOW_DATABASE_URL": ""}
    assert govflow("init", env=env).returncode == 0
    assert govflow("load", str(ROOT / "examples" / "southend" / "setup.yaml"), env=env).returncode == 0
    moved = govflow("meeting", "move", "SSPB-2022-03-01", "--to", "2022-03-08 14:00", "--why", "room clash", "--by", "SEC", "--as-of", "2021-10-07", env=env)
    assert moved.returncode == 0, moved.stderr
    assert "SSPB-2022-03-01 moved from Tue 01 Mar 2022 14:00 to Tue 08 Mar 2022 14:00" in moved.stdout

    decided = govflow("decide", "send-strategy-2021-24", "share-sspb", "noted", "--on", "2021-10-06", "--by", "SEC", "--as-of", "2021-10-07", env=env)
    assert decided.returncode == 0, decided.stderr
    assert "noted at SSPB on 6 October 2021" in decided.stdout

    status = json.loads(govflow("status", "--as-of", "2021-10-07", "--json", env=env).stdout)
    steps = {s["key"]: s for s in status["documents"][0]["steps"]}
    assert steps["share-sspb"]["state"] == "done"
    assert steps["sspb-final"]["deadline"] == "2022-03-08"

    wrong = govflow("decide", "send-strategy-2021-24", "share-sspb", "approved-ish", "--on", "2021-10-06", env=env)
    assert wrong.returncode == 2 and "'approved-ish' is not one of" in wrong.stderr
    bad_time = govflow("meeting", "move", "SSPB-2022-03-01", "--to", "8 March", env=env)
    assert bad_time.returncode == 2 and "'8 March' is not a local date and time" in bad_time.stderr


def test_status_fits_an_80_column_terminal_with_full_titles_in_json(tmp_path):
    """Issue 14, point 7: one line per step, no line past 80 columns, states in words; --json keeps
    the titles whole."""
    env = {"GOVFLOW_DATA_DIR": str(tmp_path / "data"), "GOVFLOW_DATABASE_URL": "", "COLUMNS": "80"}
    assert govflow("init", env=env).returncode == 0
    assert govflow("load", str(ROOT / "examples" / "southend" / "setup.yaml"), env=env).returncode == 0
    shown = govflow("status", "--as-of", "2021-10-06", env=env)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, "\n".join(line for line in lines if len(line) > 80)
    rows = [line for line in lines if line.startswith(("Version 11", "Members of all 3", "Cabinet", "Peer Review"))]
    assert len(rows) == 6  # each step on one line of its own: no 10-line cells
    cabinet = next(line for line in rows if line.startswith("Cabinet"))
    assert "to be confirmed (forecast April 2022)" in cabinet and "scheduled" not in cabinet
    peer = next(line for line in rows if line.startswith("Peer Review"))
    assert "opens 1 Nov 2021" in peer and "due" not in peer  # its window has not opened
    assert "…" in next(line for line in rows if line.startswith("Members of all 3"))
    assert not re.search(r"\d{4}-\d{2}-\d{2}", shown.stdout)

    data = json.loads(govflow("status", "--as-of", "2021-10-06", "--json", env=env).stdout)
    steps = {s["key"]: s for s in data["documents"][0]["steps"]}
    assert steps["final-feedback"]["title"].endswith("which will be incorporated into Version 12")
    assert steps["cabinet"]["words"] == "to be confirmed (forecast April 2022)"


def test_step_done_lists_the_dates_that_moved_in_words(tmp_path):
    """Issue 14, point 5: after `govflow step done` the message lists every date that moved (it said
    "no other dates moved" when no night had run yet), by title, with days in words."""
    env = {"GOVFLOW_DATA_DIR": str(tmp_path / "data"), "GOVFLOW_DATABASE_URL": ""}
    assert govflow("init", env=env).returncode == 0
    assert govflow("load", str(ROOT / "examples" / "southend" / "setup.yaml"), env=env).returncode == 0
    moved = govflow("meeting", "move", "SSPB-2022-03-01", "--to", "2022-03-08 14:00", "--as-of", "2022-01-04", env=env)
    assert moved.returncode == 0, moved.stderr
    assert "3 dates moved:" in moved.stdout and "No other dates moved" not in moved.stdout
    assert "“SSSPB final version”, 1 March 2022 → 8 March 2022: moved to SSPB on 8 March 2022 because the SSPB meeting of 1 March 2022 moved to 8 March 2022" in " ".join(moved.stdout.split())

    done = govflow("step", "done", "send-strategy-2021-24", "share-sspb", "--on", "2021-10-06", "--as-of", "2022-01-04", env=env)
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.split())
    assert said.startswith("SEND Strategy 2021-24: Version 11 of SEND Strategy shared with SSPB — done on 6 October 2021")
    assert "No other dates moved" not in said and "dates moved:" in said
    assert "“Detailed work around presentation of Strategy”, 5 April 2022 → 31 December 2021: moved forward to 31 December 2021 because “Version 11 of SEND Strategy shared with SSPB” was done on 6 October 2021" in said
    assert not re.search(r"\d{4}-\d{2}-\d{2}|share-sspb", said.replace("send-strategy-2021-24", ""))
