"""Issue 14, points 1 and 2, as a person types them: `govflow people` and `govflow feeds show` say
where each person's own calendar is; `govflow meeting list` shows the keys of meetings (a TBC one's
too, which `meeting confirm` then takes); `govflow documents` says where each document stands."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
PUBLIC_URL = "https://calendars.southend.example.org"


def govflow(*args: str, env: dict) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", **env}
    return subprocess.run([sys.executable, "-m", "govflow", *args], capture_output=True, text=True, env=full_env, timeout=120)


@pytest.fixture
def southend(tmp_path: Path) -> dict:
    """The Southend example loaded into a fresh SQLite file, seen at a public address."""
    env = {"GOVFLOW_DATA_DIR": str(tmp_path / "data"), "GOVFLOW_DATABASE_URL": "", "GOVFLOW_PUBLIC_URL": PUBLIC_URL}
    for args in (("init",), ("load", str(SOUTHEND))):
        done = govflow(*args, env=env)
        assert done.returncode == 0, done.stderr
    return env


def test_people_and_feeds_show_say_where_each_persons_own_calendar_is(southend: dict, tmp_path: Path) -> None:
    before = govflow("feeds", "show", "GB", env=southend)
    assert before.returncode == 0, before.stderr
    assert "GB (Gary Bloom) has no calendar yet: it is made by the next `govflow nightly` or `govflow feeds build`" in before.stdout

    built = govflow("feeds", "build", "--as-of", "2021-10-06", env=southend)
    assert built.returncode == 0, built.stderr
    shown = govflow("feeds", "show", "GB", env=southend)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    webcal = next(line.split(": ", 1)[1].strip() for line in lines if "Outlook, Apple, Thunderbird:" in line)
    https = next(line.split(": ", 1)[1].strip() for line in lines if "Google, or any program:" in line)
    assert https.startswith(f"{PUBLIC_URL}/feeds/person/") and https.endswith(".ics")
    assert webcal == "webcal://" + https.removeprefix("https://")
    assert f"how to subscribe in each program: {PUBLIC_URL}/subscribe" in shown.stdout
    # The address is the feed the build wrote, and GB's: their own steps are in it.
    feed = tmp_path / "data" / "feeds" / https.split("/feeds/", 1)[1]
    assert "UID:step-send-strategy-2021-24-share-sspb@govflow" in feed.read_text(encoding="utf-8").replace("\r\n ", "")

    people = govflow("people", env=southend)
    assert people.returncode == 0, people.stderr
    block = people.stdout.split("\nGB ", 1)[1].split("\nLM ", 1)[0]
    assert "Gary Bloom — Head of SEND, SBC  <gb@southend.example.org>" in block
    assert "brings papers to Cabinet, EducationBoard, HWBB, ImprovementBoard, JCB, Scrutiny, SENDOps, SSPB" in block
    assert "owns: 1 document, 16 route steps" in block
    assert webcal in block and https in block  # whole, on lines of their own: to copy
    secretary = people.stdout.split("\nSEC ", 1)[1]
    assert "secretary of Cabinet, CSIB, EducationBoard" in secretary
    listed = json.loads(govflow("people", "--json", env=southend).stdout)
    assert {p["initials"]: p["feed"]["https"] for p in listed}["GB"] == https
    assert len({p["feed"]["https"] for p in listed}) == len(listed) == 8  # one address each, none shared

    unknown = govflow("feeds", "show", "XYZ", env=southend)
    assert unknown.returncode == 2
    assert "error: no person with initials 'XYZ' (people: AK, AP, APD, BM, CMc, GB, LM, SEC)" in unknown.stderr


def test_meeting_list_shows_a_tbc_meetings_key_that_meeting_confirm_takes(southend: dict) -> None:
    listed = govflow("meeting", "list", "ImprovementBoard", env=southend)
    assert listed.returncode == 0, listed.stderr
    (line, hint) = listed.stdout.splitlines()
    key = line.split()[0]
    assert line == f"{key}  ImprovementBoard  TBC, no date yet  tentative"
    assert hint == f"to fix a TBC meeting's date: govflow meeting confirm {key} --at 'YYYY-MM-DD HH:MM'"

    confirmed = govflow("meeting", "confirm", key, "--at", "2022-04-20 10:00", "--by", "SEC", "--as-of", "2021-10-06", env=southend)
    assert confirmed.returncode == 0, confirmed.stderr
    after = govflow("meeting", "list", "ImprovementBoard", "--as-of", "2021-10-06", env=southend)
    assert after.stdout.splitlines()[0] == f"{key}  ImprovementBoard  2022-04-20 10:00  scheduled"

    window = govflow("meeting", "list", "EducationBoard", "--json", env=southend)
    (education,) = json.loads(window.stdout)
    assert education["when"] == "TBC, between 2022-03-01 and 2022-03-31 (as written: TBC March 22)"
    assert (education["status"], education["starts_at"]) == ("tentative", None)


def test_meeting_list_shows_dates_status_and_the_documents_on_each(southend: dict) -> None:
    listed = govflow("meeting", "list", "SSPB", "--from", "2021-10-01", "--as-of", "2021-10-06", env=southend)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "SSPB-2021-10-06  SSPB  2021-10-06 14:00  scheduled"
    assert lines[1] == "    send-strategy-2021-24 / share-sspb: Version 11 of SEND Strategy shared with SSPB (due)"
    assert "SSPB-2022-01-06  SSPB  2022-01-06 14:00  scheduled" in lines
    as_json = json.loads(govflow("meeting", "list", "--from", "2022-03-01", "--json", "--as-of", "2021-10-06", env=southend).stdout)
    assert all(m["starts_at"] is None or m["starts_at"] >= "2022-03-01" for m in as_json)
    assert {"SSPB-2022-03-01", "EducationBoard-2022-03-01", "ImprovementBoard-tbc"} <= {m["key"] for m in as_json}

    unknown = govflow("meeting", "list", "NOPE", env=southend)
    assert unknown.returncode == 2 and "error: no body with code 'NOPE'" in unknown.stderr
    bad = govflow("meeting", "list", "--from", "March", env=southend)
    assert bad.returncode == 2 and "--from 'March' is not a date in the form YYYY-MM-DD" in bad.stderr


def test_documents_lists_each_document_with_its_current_step(southend: dict) -> None:
    listed = govflow("documents", "--as-of", "2021-10-06", env=southend)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "send-strategy-2021-24  SEND Strategy 2021-24  (owner GB, Version 12)",
        "  current step: share-sspb — Version 11 of SEND Strategy shared with SSPB at SSPB, 2021-10-06 (due), meeting SSPB-2021-10-06",
    ]
    (document,) = json.loads(govflow("documents", "--json", "--as-of", "2021-11-01", env=southend).stdout)["documents"]
    assert (document["current_step"], document["current_state"], document["overdue_steps"]) == ("share-sspb", "overdue", 1)
