"""The unit of work: the one place that opens a session, commits it, or rolls it back.

    with uow:
        uow.repo.save_plan(plan)
        uow.commit()

Leaving the block without `commit()` — or through an exception — rolls back everything done in
it, which is what makes a load all-or-nothing.
"""
from __future__ import annotations

import abc
from typing import Any, Callable

from sqlalchemy.orm import Session

from governance_model.storage.repository import Repository, SqlRepository


class AbstractUnitOfWork(abc.ABC):
    """The interface services depend on; tests use the in-memory FakeUnitOfWork (tests/fakes.py)."""

    repo: Repository

    def __enter__(self) -> AbstractUnitOfWork:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        # After a commit there is nothing left to roll back; otherwise this discards everything.
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None:
        """Make everything done in this block permanent."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Discard everything done since the block began (or since the last commit)."""


class SqlUnitOfWork(AbstractUnitOfWork):
    """A unit of work over a SQLAlchemy session factory (see `database.make_session_factory`)."""

    def __init__(self, session_factory: Callable[[], Session]):
        self.session_factory = session_factory
        self._session: Session | None = None

    def __enter__(self) -> SqlUnitOfWork:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open; use a new one for a nested block")
        self._session = self.session_factory()
        self.repo = SqlRepository(self._session)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        try:
            super().__exit__(*exc_info)
        finally:
            assert self._session is not None
            self._session.close()
            self._session = None
            del self.repo

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use it as `with uow: …`")
        return self._session

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
