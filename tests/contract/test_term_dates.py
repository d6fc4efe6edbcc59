"""The council's own term dates: one table, stored whole and replaced whole, read back exactly.

Run against the in-memory fake and every configured database (tests/contract/conftest.py), on the
dates real councils publish (tests/data/terms)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from governance_model.errors import ModelError
from governance_model.importing.term_dates import read_term_dates_file
from governance_model.ports import AbstractUnitOfWork
from governance_model.school_terms import SchoolTerms, TermNotFound

UowFactory = Callable[[], AbstractUnitOfWork]
TERMS = Path(__file__).resolve().parents[1] / "data" / "terms"


def published(name: str) -> SchoolTerms:
    return read_term_dates_file(name, (TERMS / name).read_bytes())


def test_nothing_is_stored_until_a_council_loads_its_own(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.term_dates.get() is None


def test_term_dates_come_back_as_saved(uow_factory: UowFactory) -> None:
    bromley = published("bromley-2024-25.yaml")
    with uow_factory() as uow:
        uow.term_dates.save(bromley, "bromley-2024-25.yaml")
        uow.commit()
    with uow_factory() as uow:
        stored = uow.term_dates.get()
    assert stored is not None
    assert stored.years() == bromley.years()
    assert stored.source == "bromley-2024-25.yaml"
    assert stored.half_term("october", 2024) == (dt.date(2024, 10, 21), dt.date(2024, 11, 1))  # two weeks
    assert stored.term("autumn", 2024) == (dt.date(2024, 8, 27), dt.date(2024, 12, 20))
    # The council's table estimates nothing: a year it does not hold is not in it.
    assert not stored.estimates_other_years and stored.backing is None
    with pytest.raises(TermNotFound, match="2025/26"):
        stored.find("term", "autumn", 2025)


def test_saving_replaces_every_year_stored(uow_factory: UowFactory) -> None:
    joined = SchoolTerms.joined([published("essex-2021-22.ics"), published("solihull-2024-25.csv")])
    with uow_factory() as uow:
        uow.term_dates.save(joined, "essex-2021-22.ics, solihull-2024-25.csv")
        uow.commit()
    with uow_factory() as uow:
        assert uow.term_dates.get().academic_years() == [2021, 2024]
        uow.term_dates.save(published("bromley-2024-25.yaml"), "bromley-2024-25.yaml")
        uow.commit()
    with uow_factory() as uow:
        stored = uow.term_dates.get()
    assert stored.academic_years() == [2024] and stored.source == "bromley-2024-25.yaml"
    assert stored.term("autumn", 2024)[0] == dt.date(2024, 8, 27)  # Bromley's, not Solihull's


def test_only_the_years_a_table_holds_are_stored(uow_factory: UowFactory) -> None:
    # The shipped table estimates other years and a council's may be backed by it: neither is kept.
    backed = published("essex-2021-22.ics").backed_by(SchoolTerms.default())
    with uow_factory() as uow:
        uow.term_dates.save(backed, "essex-2021-22.ics")
        uow.commit()
    with uow_factory() as uow:
        assert uow.term_dates.get().academic_years() == [2021]


def test_a_save_that_is_not_committed_keeps_what_was_stored(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.term_dates.save(published("essex-2021-22.ics"), "essex-2021-22.ics")
        uow.commit()
    with uow_factory() as uow:
        uow.term_dates.save(published("bromley-2024-25.yaml"), "bromley-2024-25.yaml")  # and no commit
    with uow_factory() as uow:
        stored = uow.term_dates.get()
    assert stored.academic_years() == [2021] and stored.source == "essex-2021-22.ics"


def test_a_table_without_years_or_source_is_refused(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        with pytest.raises(ModelError, match="no academic year"):
            uow.term_dates.save(SchoolTerms({}), "empty.csv")
        with pytest.raises(ModelError, match="source"):
            uow.term_dates.save(published("essex-2021-22.ics"), " ")
        assert uow.term_dates.get() is None
