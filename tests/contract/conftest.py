"""The one harness of the repository contract: every test in tests/contract runs against the
in-memory fake (tests/fakes.py) and each configured database (SQLite and PostgreSQL), through the
same ports (governance_model/ports.py). A rule the fake and the SQL repositories disagree on fails here."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from governance_model.ports import AbstractUnitOfWork
from tests.conftest import FAKE, database_targets, open_database, sql_units_of_work
from tests.fakes import FakeUnitOfWork

_TARGETS = database_targets()


@pytest.fixture(params=[FAKE, *(target for target, _ in _TARGETS)], ids=[FAKE, *(id_ for _, id_ in _TARGETS)])
def uow_factory(request: pytest.FixtureRequest) -> Iterator[Callable[[], AbstractUnitOfWork]]:
    """A callable that returns a unit of work on the fake, or on a fresh migrated database."""
    if request.param == FAKE:
        uow = FakeUnitOfWork()  # one instance: like one database, its data lasts across `with` blocks
        yield lambda: uow
        return
    for url in open_database(request.param, request):
        yield from sql_units_of_work(url)
