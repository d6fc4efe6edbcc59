"""Progress updates on both databases: added through the service and the command, checked against the
stored plan before anything is stored, never overwritten, never duplicated, kept across re-loads of
the plan, and each kept with an audit event."""
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from governance_model.errors import LoadError, ModelError
from governance_model.model import ProgressUpdate
from govflow.services import file_loading as services
from govflow.services import progress_recording as progress
from tests.data import SEED_001, SEED_002_PEOPLE

pytestmark = pytest.mark.database

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
EXAMPLE = ROOT / "examples" / "southend" / "progress-updates.txt"
PLAN_KEY = "send-peer-review-recommendations-high-level-implementation-plan-draft-1"
NOW = dt.datetime(2022, 3, 20, 9, 30, tzinfo=dt.timezone.utc)
SEED_001_TEXT = (
    "Leaders in education, health and social care are empowered to drive forward improvements at pace so that the "
    "Southend SEND Partnership strategy impacts positively on the experiences and outcomes of all children and young "
    "and people with SEND."
)


@pytest.fixture
def southend(uow_factory):
    services.load_files([SOUTHEND], uow_factory())
    return uow_factory


def stored(uow_factory, key=PLAN_KEY):
    uow = uow_factory()
    with uow:
        return uow.plans.get(key), uow.audit.list(kind=progress.AUDIT_KIND)


def action(plan, number, position):
    return next(a for a in plan.recommendation(number).actions if a.position == position)


def write(tmp_path, text, name="updates.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_southend_example_file_loads_and_completes_its_actions(southend):
    result = progress.load_updates(southend(), PLAN_KEY, EXAMPLE, recorded_on=None, actor="tester", now=NOW)
    assert len(result.added) == 7 and result.already_recorded == []
    assert [line.split(" (")[0] for line in result.completed] == [
        "recommendation 1, action 1", "recommendation 1, action 2", "recommendation 11, action 1",
        "recommendation 12, action 1", "recommendation 12, action 2",
    ]
    plan, events = stored(southend)
    assert len(plan.updates) == 7
    assert [u.recorded_on for u in plan.updates] == sorted(u.recorded_on for u in plan.updates)
    assert action(plan, "11", 1).done_on == dt.date(2022, 2, 24)
    assert plan.completed_on("11", action(plan, "11", 1)) == dt.date(2022, 2, 24)
    assert action(plan, "12", 2).done_on == dt.date(2022, 2, 10)
    assert action(plan, "12", 3).done_on is None
    assert len(events) == 7
    event = next(e for e in events if e.subject == f"{PLAN_KEY}/11/1")
    assert event.actor == "tester" and event.details["recorded_on"] == "2022-02-24" and event.details["action_complete"] is True
    heading = EXAMPLE.read_text(encoding="utf-8").splitlines().index("Recommendation 11, action 1 update") + 1
    assert event.details["line"] == heading and event.details["source"] == str(EXAMPLE)
    three = next(e for e in events if e.subject == f"{PLAN_KEY}/3")
    assert three.details["action_complete"] is False


def test_loading_the_same_file_twice_stores_nothing_new_and_says_so(southend):
    progress.load_updates(southend(), PLAN_KEY, EXAMPLE, recorded_on=None, actor="tester", now=NOW)
    again = progress.load_updates(southend(), PLAN_KEY, EXAMPLE, recorded_on=None, actor="tester", now=NOW)
    assert again.added == [] and again.completed == []
    assert [(r.label, r.recorded_on) for r in again.already_recorded][0] == ("recommendation 12, action 1", dt.date(2022, 2, 3))
    assert len(again.already_recorded) == 7
    plan, events = stored(southend)
    assert len(plan.updates) == 7 and len(events) == 7


def test_two_updates_on_one_recommendation_on_different_days_both_stay(southend):
    first = ProgressUpdate("3", dt.date(2022, 2, 10), done=["Current content reviewed"])
    second = ProgressUpdate("3", dt.date(2022, 3, 10), done=["Current content reviewed"], next_steps=["Consult parent groups"])
    progress.add_update(southend(), PLAN_KEY, second, actor="GB", now=NOW)
    progress.add_update(southend(), PLAN_KEY, first, actor="GB", now=NOW)
    same_day = ProgressUpdate("3", dt.date(2022, 3, 10), done=["Corrected wording"])
    result = progress.add_update(southend(), PLAN_KEY, same_day, actor="GB", now=NOW)
    assert result.added and "both are kept" in result.notes[0]
    plan, events = stored(southend)
    assert [(u.recorded_on, u.done) for u in plan.updates] == [
        (dt.date(2022, 2, 10), ["Current content reviewed"]),
        (dt.date(2022, 3, 10), ["Current content reviewed"]),
        (dt.date(2022, 3, 10), ["Corrected wording"]),
    ]
    assert [e.subject for e in events] == [f"{PLAN_KEY}/3"] * 3


def test_complete_marks_the_action_done_and_is_audited(southend):
    update = ProgressUpdate("12", dt.date(2022, 2, 25), action_position=3, author="BM", action_complete=True)
    result = progress.add_update(southend(), PLAN_KEY, update, actor="BM", now=NOW, reason="reported at SENDOps")
    assert result.completed == ["recommendation 12, action 3 (Implement the new line management arrangements): complete on 2022-02-25"]
    plan, (event,) = stored(southend)
    assert action(plan, "12", 3).done_on == dt.date(2022, 2, 25)
    assert (event.kind, event.subject, event.actor, event.reason) == ("progress.updated", f"{PLAN_KEY}/12/3", "BM", "reported at SENDOps")
    assert event.details["recorded_on"] == "2022-02-25" and event.details["action_complete"] is True
    again = progress.add_update(southend(), PLAN_KEY, update, actor="BM", now=NOW)
    assert again.added == [] and len(again.already_recorded) == 1
    assert len(stored(southend)[0].updates) == 1


def test_an_update_on_an_unknown_recommendation_or_action_is_refused(southend):
    with pytest.raises(ModelError, match="no recommendation '99'"):
        progress.add_update(southend(), PLAN_KEY, ProgressUpdate("99", dt.date(2022, 3, 1), done=["x"]), actor="GB", now=NOW)
    with pytest.raises(ModelError, match="has no action 9"):
        progress.add_update(southend(), PLAN_KEY, ProgressUpdate("11", dt.date(2022, 3, 1), action_position=9, action_complete=True), actor="GB", now=NOW)
    with pytest.raises(ModelError, match="no action plan 'nope'"):
        progress.add_update(southend(), "nope", ProgressUpdate("1", dt.date(2022, 3, 1), done=["x"]), actor="GB", now=NOW)
    plan, events = stored(southend)
    assert plan.updates == [] and events == []


def test_reloading_the_plan_keeps_the_updates_and_the_completions(southend):
    progress.load_updates(southend(), PLAN_KEY, EXAMPLE, recorded_on=None, actor="tester", now=NOW)
    before, _ = stored(southend)
    services.load_files([SOUTHEND], southend())
    after, events = stored(southend)
    assert after.updates == before.updates and len(after.updates) == 7
    assert action(after, "11", 1).done_on == dt.date(2022, 2, 24)
    assert action(after, "1", 2).done_on == dt.date(2022, 3, 4)
    assert len(events) == 7


def test_seed_001_against_the_southend_plan_fails_on_the_text_and_stores_nothing(southend):
    with pytest.raises(LoadError) as caught:
        progress.load_updates(southend(), PLAN_KEY, SEED_001, recorded_on=dt.date(2022, 3, 1), actor="tester", now=NOW)
    message = str(caught.value)
    assert caught.value.file == str(SEED_001) and caught.value.row == 2
    assert "Leaders in education, health and social care" in message
    assert "Enable the Portfolio Holder to regularly sample casework" in message
    assert "another plan" in message
    plan, events = stored(southend)
    assert plan.updates == [] and events == []


def test_seed_001_loads_into_a_plan_whose_recommendation_1_is_seed_001s(uow_factory, tmp_path):
    # The same words with other spacing and case: the check is on the words, not their layout.
    text = "  " + SEED_001_TEXT.upper().replace(" at pace ", " at  pace ")
    plan_file = write(
        tmp_path,
        "No,Recommendation,Summary actions,When (2022),Who,Measure of success\n"
        f'1,"{text}","Strategic Action Plan reviewed",March,GB,"Plan reviewed"\n',
        name="strategic-plan.csv",
    )
    summary = services.load_files([SEED_002_PEOPLE, plan_file], uow_factory())
    key = summary.plans[0].key
    result = progress.load_updates(uow_factory(), key, SEED_001, recorded_on=dt.date(2022, 3, 1), actor="tester", now=NOW)
    assert [(r.label, r.recorded_on) for r in result.added] == [("recommendation 1", dt.date(2022, 3, 1))]
    plan, (event,) = stored(uow_factory, key)
    (update,) = plan.updates
    assert (len(update.done), len(update.difference), len(update.to_develop), len(update.next_steps)) == (6, 7, 1, 1)
    assert event.subject == f"{key}/1" and event.details["action_complete"] is False


def test_one_bad_block_in_a_file_stores_nothing(southend, tmp_path):
    good = "Recommendation 11, action 1 update\nDate: 2022-02-24\nStatus: complete\n"
    no_such_action = "Recommendation 12, action 7 update\nDate: 2022-02-25\nNext steps:\n- x\n"
    with pytest.raises(LoadError) as caught:
        progress.load_updates(southend(), PLAN_KEY, write(tmp_path, good + no_such_action), recorded_on=None, actor="t", now=NOW)
    assert caught.value.row == 4 and "no action 7" in str(caught.value) and "updates.txt" in str(caught.value)

    unreadable = "Recommendation 3 update\nDate: someday\nNext steps:\n- x\n"
    with pytest.raises(LoadError) as caught:
        progress.load_updates(southend(), PLAN_KEY, write(tmp_path, good + unreadable), recorded_on=None, actor="t", now=NOW)
    assert caught.value.row == 5

    with pytest.raises(LoadError) as caught:
        progress.load_updates(southend(), PLAN_KEY, write(tmp_path, good + "\n" + good), recorded_on=None, actor="t", now=NOW)
    assert caught.value.row == 5 and "repeats the block at line 1" in str(caught.value)

    (tmp_path / "latin1.txt").write_bytes("Recommendation 1 update\nNext steps:\n- caf\xe9\n".encode("latin-1"))
    with pytest.raises(LoadError) as caught:
        progress.load_updates(southend(), PLAN_KEY, tmp_path / "latin1.txt", recorded_on=dt.date(2022, 3, 1), actor="t", now=NOW)
    assert caught.value.row == 3 and "not UTF-8" in str(caught.value)

    plan, events = stored(southend)
    assert plan.updates == [] and events == []
    assert action(plan, "11", 1).done_on is None


# --- the command, as a person runs it --------------------------------------------------------------


def govflow(*args: str, env: dict) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **env}
    return subprocess.run([sys.executable, "-m", "govflow", *args], capture_output=True, text=True, env=full_env, timeout=120)


def test_the_update_command_adds_completes_loads_and_refuses(southend, database_url, tmp_path):
    env = {"GOVFLOW_DATABASE_URL": database_url, "GOVFLOW_DATA_DIR": str(tmp_path / "data")}
    added = govflow(
        "update", PLAN_KEY, "12", "--action", "3", "--on", "2022-02-25", "--complete", "--by", "BM",
        "--done", "New line management in place", "--done", "Staff told", "--next", "Tell families", env=env,
    )
    assert added.returncode == 0, added.stderr
    assert "recorded 1 progress update" in added.stdout
    assert "recommendation 12, action 3 (Implement the new line management arrangements): complete on 2022-02-25" in added.stdout

    again = govflow("update", PLAN_KEY, "12", "--action", "3", "--on", "2022-02-25", "--complete", "--by", "BM",
                    "--done", "New line management in place", "--done", "Staff told", "--next", "Tell families", env=env)
    assert again.returncode == 0, again.stderr
    assert "recommendation 12, action 3: already recorded on 2022-02-25" in again.stdout

    loaded = govflow("update", PLAN_KEY, "--file", str(EXAMPLE), env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "recorded 7 progress updates" in loaded.stdout

    mismatch = govflow("update", PLAN_KEY, "--file", str(SEED_001), "--on", "2022-03-01", env=env)
    assert mismatch.returncode == 2 and mismatch.stdout == ""
    assert SEED_001.name in mismatch.stderr and "row 2" in mismatch.stderr and "another plan" in mismatch.stderr

    for args, words in [
        (("12", "--on", "2022-02-25", "--complete"), "--complete needs --action"),
        (("12", "--on", "2022-02-25"), "says nothing"),
        (("12", "--done", "x"), "--on is needed"),
        (("12", "--on", "25/02/2022", "--done", "x"), "--on '25/02/2022' is not a date"),
        (("12", "--file", str(EXAMPLE)), "leave out NUMBER"),
        (("99", "--on", "2022-02-25", "--done", "x"), "no recommendation '99'"),
    ]:
        refused = govflow("update", PLAN_KEY, *args, env=env)
        assert refused.returncode == 2 and words in refused.stderr, (args, refused.stderr)

    plan, events = stored(southend)
    assert len(plan.updates) == 8 and len(events) == 8
    (update,) = [u for u in plan.updates if (u.recommendation_number, u.action_position) == ("12", 3)]
    assert update.done == ["New line management in place", "Staff told"] and update.next_steps == ["Tell families"]
    assert update.author == "BM" and update.action_complete
    assert action(plan, "12", 3).done_on == dt.date(2022, 2, 25)
