"""A council's own term dates loaded with `govflow load` (issue 11): read first, stored, and then the
table every When of the setup and plan files is read against, in the same load and in later ones. A
year they do not cover comes from the shipped table, marked estimated. A bad term file stores nothing.

Runs on SQLite and PostgreSQL, with the dates Solihull, Bromley and Essex publish (tests/data/terms)."""
import datetime as dt
import shutil
from pathlib import Path

import pytest

from governance_model.errors import LoadError
from govflow.services import file_loading as services

pytestmark = pytest.mark.database

ROOT = Path(__file__).resolve().parents[2]
TERMS = ROOT / "tests" / "data" / "terms"
BROMLEY, SOLIHULL, ESSEX = TERMS / "bromley-2024-25.yaml", TERMS / "solihull-2024-25.csv", TERMS / "essex-2021-22.ics"
D = dt.date

SETUP = """\
context: 2024-09-01
{terms}
people:
  - {{initials: SB, name: Sam Barker}}
documents:
  - key: local-offer
    title: Local Offer refresh
    owner: SB
    dated: 2024-09-01
    route:
      - {{key: consult, kind: consult, owner: SB, when: October half term, title: Parents consulted}}
      - {{key: publish, kind: publish, owner: SB, when: autumn term 2026, title: Published}}
"""

PLAN = """\
No,Recommendation,Summary actions,When (2024),Who,Measure of success
1,Hear from families,"Survey sent
Survey closes","Sept
Oct half term",SB,Replies counted
"""


def setup_file(tmp_path: Path, terms: str = "") -> Path:
    path = tmp_path / "setup.yaml"
    path.write_text(SETUP.format(terms=terms), encoding="utf-8")
    return path


def steps(uow_factory) -> dict:
    with uow_factory() as uow:
        document = uow.documents.get("local-offer")
    return {step.key: step.when for step in document.route.steps}


def stored_terms(uow_factory):
    with uow_factory() as uow:
        terms = uow.term_dates.get()
    return None if terms is None else (terms.years(), terms.source)


def snapshot(uow_factory):
    """Everything a user could see stored, the term dates included."""
    with uow_factory() as uow:
        return uow.people.list(), uow.documents.list(), uow.plans.list(), stored_terms(uow_factory)


def test_term_dates_are_read_first_and_the_setup_read_against_them(uow_factory, tmp_path):
    # The setup comes first on the command line; the term file is still read before it.
    summary = services.load_files([setup_file(tmp_path), BROMLEY], uow_factory())
    half_term = steps(uow_factory)["consult"]
    # Bromley's October half term is two weeks; the shipped table's is 28 October to 1 November.
    assert (half_term.start, half_term.end, half_term.estimated) == (D(2024, 10, 21), D(2024, 11, 1), False)
    (terms,) = summary.term_dates
    assert (terms.source, terms.academic_years, terms.terms, terms.loaded_now) == (str(BROMLEY), ["2024/25"], 6, True)
    assert stored_terms(uow_factory)[1] == str(BROMLEY)


def test_a_year_the_council_does_not_cover_comes_from_the_shipped_table_marked_estimated(uow_factory, tmp_path):
    services.load_files([BROMLEY, setup_file(tmp_path)], uow_factory())
    later = steps(uow_factory)["publish"]
    assert (later.start, later.end, later.estimated) == (D(2026, 9, 3), D(2026, 12, 18), True)


def test_later_loads_read_against_the_stored_term_dates(uow_factory, tmp_path):
    assert services.load_files([SOLIHULL], uow_factory()).only_term_dates
    plan = tmp_path / "families.csv"
    plan.write_text(PLAN, encoding="utf-8")
    summary = services.load_files([setup_file(tmp_path), plan], uow_factory())
    assert (steps(uow_factory)["consult"].start, steps(uow_factory)["consult"].end) == (D(2024, 10, 28), D(2024, 11, 1))
    (terms,) = summary.term_dates
    assert (terms.source, terms.loaded_now) == (str(SOLIHULL), False)
    # A plan's When cell is read against them too; loading Bromley's replaces Solihull's.
    services.load_files([BROMLEY], uow_factory())
    services.load_files([plan], uow_factory())
    with uow_factory() as uow:
        (_, action) = uow.plans.get("families").recommendations[0].actions
    assert (action.when.start, action.when.end, action.when.estimated) == (D(2024, 10, 21), D(2024, 11, 1), False)
    assert stored_terms(uow_factory)[1] == str(BROMLEY)


def test_a_setup_names_its_own_term_file(uow_factory, tmp_path):
    (tmp_path / "terms").mkdir()
    shutil.copy(ESSEX, tmp_path / "terms" / "essex.ics")
    setup = setup_file(tmp_path, "terms: terms/essex.ics").read_text().replace("2024-09-01", "2021-09-01")
    (tmp_path / "setup.yaml").write_text(setup, encoding="utf-8")
    summary = services.load_files([tmp_path / "setup.yaml"], uow_factory())
    consult = steps(uow_factory)["consult"]
    assert (consult.start, consult.end, consult.estimated) == (D(2021, 10, 25), D(2021, 10, 29), False)
    assert [t.source for t in summary.term_dates] == [str(tmp_path / "terms" / "essex.ics")]
    assert stored_terms(uow_factory)[0][0].starting == 2021


def test_two_files_of_different_years_are_stored_together(uow_factory):
    summary = services.load_files([ESSEX, BROMLEY], uow_factory())
    assert [t.academic_years for t in summary.term_dates] == [["2021/22"], ["2024/25"]]
    years, source = stored_terms(uow_factory)
    assert [y.starting for y in years] == [2021, 2024] and source == f"{ESSEX}, {BROMLEY}"


# ---- bad term dates: the error names its place, and nothing is stored


@pytest.fixture
def loaded(uow_factory, tmp_path):
    services.load_files([ESSEX, ROOT / "examples" / "southend" / "setup.yaml"], uow_factory())
    return snapshot(uow_factory)


def rejected(uow_factory, *paths: Path) -> LoadError:
    with pytest.raises(LoadError) as caught:
        services.load_files(list(paths), uow_factory())
    return caught.value


def test_a_bad_term_file_changes_nothing_stored(uow_factory, tmp_path, loaded):
    bad = tmp_path / "solihull.csv"
    bad.write_text(SOLIHULL.read_text().replace("2025-04-11", "11/04/2025"), encoding="utf-8")
    error = rejected(uow_factory, setup_file(tmp_path), bad)
    assert (error.file, error.row, error.column, error.text) == (str(bad), 8, "end", "11/04/2025")
    assert snapshot(uow_factory) == loaded


def test_a_term_file_missing_a_half_term_changes_nothing_stored(uow_factory, tmp_path, loaded):
    bad = tmp_path / "bromley.yaml"
    bad.write_text("\n".join(line for line in BROMLEY.read_text().splitlines() if "2025-05-26" not in line), encoding="utf-8")
    error = rejected(uow_factory, bad)
    assert error.file == str(bad) and "has no may half term" in str(error)
    assert snapshot(uow_factory) == loaded


def test_a_year_given_by_two_files_changes_nothing_stored(uow_factory, loaded):
    error = rejected(uow_factory, SOLIHULL, BROMLEY)
    assert error.file == str(BROMLEY) and f"2024/25 is given twice: also by {SOLIHULL}" in str(error)
    assert snapshot(uow_factory) == loaded


def test_a_term_file_the_setup_names_must_exist(uow_factory, tmp_path, loaded):
    error = rejected(uow_factory, setup_file(tmp_path, "terms: terms.ics"))
    assert (error.file, error.row, error.column, error.text) == (str(tmp_path / "setup.yaml"), 2, "terms", "terms.ics")
    assert "not found" in str(error)
    assert snapshot(uow_factory) == loaded


def test_a_when_the_new_terms_cannot_give_stops_them_being_stored(uow_factory, tmp_path, loaded):
    # The setup's Whens are read against the new dates; one that cannot be read stores nothing,
    # not even the term dates that came with it.
    setup = setup_file(tmp_path).read_text().replace("autumn term 2026", "autumn term 2061")
    (tmp_path / "setup.yaml").write_text(setup, encoding="utf-8")
    error = rejected(uow_factory, BROMLEY, tmp_path / "setup.yaml")
    assert (error.row, error.column, error.text) == (12, "when", "autumn term 2061")
    assert snapshot(uow_factory) == loaded


def test_when_reads_no_term_dates_from_a_database_that_cannot_hold_them(tmp_path, monkeypatch):
    """`govflow when` needs no database: none made yet, or one older than the term-dates table
    (migration 0008), holds no council term dates, and reading them creates nothing."""
    from governance_model.storage.database import migrate
    from govflow import wiring
    from govflow.settings import Settings

    database = tmp_path / "data" / "govflow.db"
    monkeypatch.setenv("GOVFLOW_DATABASE_URL", f"sqlite:///{database}")
    assert wiring.stored_term_dates(Settings()) is None and not database.parent.exists()
    migrate(f"sqlite:///{database}", "0007")
    assert wiring.stored_term_dates(Settings()) is None
    migrate(f"sqlite:///{database}")
    services.load_files([ESSEX], wiring.unit_of_work(Settings()))
    assert wiring.stored_term_dates(Settings()).academic_years() == [2021]
