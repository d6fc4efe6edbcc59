"""Loading checks every value before any SQL, the same on SQLite and PostgreSQL (issue 12): a value
one backend would refuse and the other keep is refused on both, a plan's owners must be people
govflow knows, files are held to GOVFLOW_MAX_FILE_BYTES and GOVFLOW_MAX_ROWS, and any error, however
late, leaves the database exactly as it was."""
import datetime as dt
from pathlib import Path

import pytest
import yaml

from governance_model.errors import LoadError
from govflow.services import file_loading as services
from govflow.services import progress_recording
from govflow.services.file_loading import FileLimits

pytestmark = pytest.mark.database

ROOT = Path(__file__).resolve().parents[2]
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
HEADER = "No,Recommendation,Summary actions,When (2022),Who,Measure of success\n"

SETUP = """\
people:
  - {initials: NEW, name: A new officer, email: new@example.org}
documents:
  - key: local-offer
    title: Local Offer refresh
    dated: 2022-01-01
    owner: NEW
    route:
      - {key: share, kind: share, body: SSPB, when: March 22, title: Shared with SSPB}
plans:
  - file: offer-plan.csv
"""


def snapshot(uow_factory):
    """Everything a user could see stored."""
    with uow_factory() as uow:
        return (uow.people.list(), uow.bodies.list(), uow.documents.list(), uow.plans.list(), uow.glossary.get())


@pytest.fixture
def loaded(uow_factory):
    services.load_files([SOUTHEND], uow_factory())
    return snapshot(uow_factory)


def test_an_unknown_owner_in_the_last_plan_row_stores_nothing_of_the_load(uow_factory, tmp_path, loaded):
    # The setup reads cleanly and adds a person, a document and a plan; the plan's last row names
    # someone nobody listed. Nothing of the load may be stored.
    (tmp_path / "setup.yaml").write_text(SETUP, encoding="utf-8")
    rows = "".join(f"{n},Recommendation {n},Act,March,{'NEW' if n < 40 else 'ZZ'},Done\n" for n in range(1, 41))
    (tmp_path / "offer-plan.csv").write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        services.load_files([tmp_path / "setup.yaml"], uow_factory())
    error = caught.value
    assert error.file.endswith("offer-plan.csv") and (error.row, error.column, error.text) == (41, "Who", "ZZ")
    assert "unknown person 'ZZ'" in str(error)
    assert snapshot(uow_factory) == loaded


def test_an_owner_listed_in_an_earlier_load_is_known(uow_factory, tmp_path, loaded):
    plan = tmp_path / "plan.csv"
    plan.write_text(HEADER + "1,Do it,Act,March,SEC,Done\n", encoding="utf-8")
    (summary,) = services.load_files([plan], uow_factory()).plans
    assert summary.owners == ["SEC"]


@pytest.mark.parametrize(
    "old, new, column",
    [
        ("key: local-offer", "key: " + "k" * 161, "key"),  # PostgreSQL: value too long for varchar(160)
        ("email: new@example.org", "email: " + "e" * 244 + "@example.org", "email"),  # 256 characters
        ("title: Local Offer refresh", 'title: "Local\\0Offer"', "title"),  # SQLite kept it, PostgreSQL refused
    ],
)
def test_values_one_backend_would_refuse_are_refused_on_both(uow_factory, tmp_path, loaded, old, new, column):
    setup = tmp_path / "setup.yaml"
    setup.write_text(SETUP.replace(old, new).replace("plans:\n  - file: offer-plan.csv\n", ""), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        services.load_files([setup], uow_factory())
    assert caught.value.file == str(setup) and caught.value.column == column
    assert snapshot(uow_factory) == loaded


def test_a_file_larger_than_the_limit_is_refused_naming_the_setting(uow_factory, tmp_path, loaded):
    with pytest.raises(LoadError) as caught:
        services.load_files([SOUTHEND], uow_factory(), FileLimits(max_bytes=1000))
    assert caught.value.file == str(SOUTHEND) and "GOVFLOW_MAX_FILE_BYTES" in str(caught.value)
    assert snapshot(uow_factory) == loaded


@pytest.mark.parametrize("given", ["command line", "setup"])
def test_a_plan_with_more_rows_than_the_limit_is_refused(uow_factory, tmp_path, loaded, given):
    plan = tmp_path / "offer-plan.csv"
    plan.write_text(HEADER + "".join(f"{n},Do {n},Act,March,SEC,Done\n" for n in range(1, 30)), encoding="utf-8")
    (tmp_path / "setup.yaml").write_text(SETUP, encoding="utf-8")
    path = plan if given == "command line" else tmp_path / "setup.yaml"
    with pytest.raises(LoadError) as caught:
        services.load_files([path], uow_factory(), FileLimits(max_rows=20))
    assert (caught.value.file, caught.value.row) == (str(plan), 21) and "GOVFLOW_MAX_ROWS" in str(caught.value)
    assert snapshot(uow_factory) == loaded


def test_a_progress_update_file_is_held_to_the_limits(uow_factory, tmp_path, loaded):
    updates = tmp_path / "updates.txt"
    updates.write_text("Recommendation 1 update\nWhat we have done so far:\n" + "- a thing\n" * 30, encoding="utf-8")
    plan_key = loaded[3][0].key
    with pytest.raises(LoadError) as caught:
        progress_recording.load_updates(
            uow_factory(), plan_key, updates, recorded_on=dt.date(2022, 3, 1), actor="tester",
            now=dt.datetime(2022, 3, 1, tzinfo=dt.timezone.utc), limits=FileLimits(max_rows=20),
        )
    assert caught.value.row == 21 and "GOVFLOW_MAX_ROWS" in str(caught.value)
    assert snapshot(uow_factory) == loaded


def test_a_wait_for_a_step_no_document_has_names_the_file_and_stores_nothing(uow_factory, tmp_path, loaded):
    # Found by tests/robustness: the error said which link, but not in which file.
    setup = SETUP.replace("title: Shared with SSPB}", "title: Shared with SSPB, waits_for: send-strategy-2021-24/no-such-step}")
    setup = setup.replace("plans:\n  - file: offer-plan.csv\n", "")
    (tmp_path / "setup.yaml").write_text(setup, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        services.load_files([tmp_path / "setup.yaml"], uow_factory())
    error = caught.value
    assert error.file.endswith("setup.yaml") and (error.column, error.text) == ("waits_for", "send-strategy-2021-24/no-such-step")
    assert "it has steps" in str(error)
    assert snapshot(uow_factory) == loaded


def test_a_load_that_changes_a_body_marks_the_routes_at_it_for_a_running_nightly(uow_factory, tmp_path, loaded):
    # Issue 12 (3): a nightly run that read the routes before a load changed a body's lead time plans
    # the routes at that body again at its save; the load says which by raising their revisions.
    (tmp_path / "panel.yaml").write_text(
        "bodies:\n  - {code: PANEL, name: A panel, meetings: {dates: ['2022-03-01 10:00']}}\n"
        "documents:\n  - key: panel-paper\n    title: A paper only the panel sees\n    dated: 2022-01-01\n"
        "    route:\n      - {key: decide, kind: decide, body: PANEL, title: Decided by the panel}\n",
        encoding="utf-8",
    )
    services.load_files([tmp_path / "panel.yaml"], uow_factory())
    with uow_factory() as uow:
        before = uow.documents.revisions()
        at_sspb = {d.key for d in uow.documents.list() if any(s.body_code == "SSPB" for s in d.route.steps)}
        elsewhere = set(before) - at_sspb
    text = SOUTHEND.read_text(encoding="utf-8")
    lead = "  - code: SSPB\n"
    start = text.index(lead)
    sspb = text[start:].replace("papers_lead_days: 5", "papers_lead_days: 7", 1)
    changed = text[:start] + sspb
    body_only = tmp_path / "setup.yaml"
    # Only the bodies (and the people they name): the documents stay as stored.
    data = yaml.safe_load(changed)
    body_only.write_text(yaml.safe_dump({"people": data["people"], "bodies": data["bodies"]}), encoding="utf-8")
    services.load_files([body_only], uow_factory())
    with uow_factory() as uow:
        after = uow.documents.revisions()
    assert at_sspb and all(after[k] > before[k] for k in at_sspb), (before, after)
    assert elsewhere == {"panel-paper"} and after["panel-paper"] == before["panel-paper"], (before, after)
