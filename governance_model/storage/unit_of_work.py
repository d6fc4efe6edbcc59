"""The SQL unit of work: the one place that opens a session, commits it, or rolls it back, and
hands each aggregate's SQL repository that session (the ports are in governance_model/ports.py).

    with uow:
        uow.plans.save(plan)
        uow.commit()
"""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy.orm import Session

from sqlalchemy import select

from governance_model.organisation import CURRENT_ORGANISATION, DEFAULT_ORGANISATION
from governance_model.ports import AbstractUnitOfWork
from governance_model.storage.sql.answer_links import SqlAnswerLinkRepository
from governance_model.storage.sql.audit import SqlAuditRepository
from governance_model.storage.sql.bodies import SqlBodyRepository
from governance_model.storage.sql.conditions import SqlConditionRepository
from governance_model.storage.sql.documents import SqlDocumentRepository
from governance_model.storage.sql.feeds import SqlFeedRepository
from governance_model.storage.sql.glossary import SqlGlossaryRepository
from governance_model.storage.sql.nightly_runs import SqlNightlyRunRepository
from governance_model.storage.sql.outbox import SqlOutboxRepository
from governance_model.storage.sql.owner_answers import SqlOwnerAnswerRepository
from governance_model.storage.sql.people import SqlPersonRepository
from governance_model.storage.sql.plans import SqlPlanRepository
from governance_model.storage.sql.questions import SqlQuestionRepository
from governance_model.storage.sql.term_dates import SqlTermDateRepository
from governance_model.storage.organisation_scope import SESSION_KEY, CouncilSession
from governance_model.storage.tables import Base

# The tables whose rows say which councils a database holds (every council has one of these).
_COUNCIL_TABLES = ("bodies", "people", "documents", "action_plans")

_REPOSITORIES = {
    "bodies": SqlBodyRepository,
    "people": SqlPersonRepository,
    "documents": SqlDocumentRepository,
    "plans": SqlPlanRepository,
    "questions": SqlQuestionRepository,
    "nightly_runs": SqlNightlyRunRepository,
    "glossary": SqlGlossaryRepository,
    "conditions": SqlConditionRepository,
    "term_dates": SqlTermDateRepository,
    "outbox": SqlOutboxRepository,
    "feeds": SqlFeedRepository,
    "answer_links": SqlAnswerLinkRepository,
    "audit": SqlAuditRepository,
    "answers": SqlOwnerAnswerRepository,
}


class SqlUnitOfWork(AbstractUnitOfWork):
    """A unit of work over a SQLAlchemy session factory (see `database.make_session_factory`)."""

    def __init__(self, session_factory: Callable[[], Session], organisation: str = DEFAULT_ORGANISATION):
        self.session_factory = session_factory
        self.organisation = organisation  # the council this unit of work reads and writes
        self._session: Session | None = None

    def __enter__(self) -> SqlUnitOfWork:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open; use a new one for a nested block")
        session = self.session_factory()
        if not isinstance(session, CouncilSession):
            session.close()
            raise TypeError(
                f"a unit of work needs a session that keeps to one council ({CouncilSession.__name__}, "
                f"from make_session_factory), not {type(session).__name__}: any other would read every council's rows"
            )
        self._session = session
        self._session.info[SESSION_KEY] = self.organisation
        self._writing_for = CURRENT_ORGANISATION.set(self.organisation)
        for name, repository in _REPOSITORIES.items():
            setattr(self, name, repository(self._session))
        return self

    def __exit__(self, *exc_info: Any) -> None:
        try:
            super().__exit__(*exc_info)
        finally:
            assert self._session is not None
            self._session.close()
            self._session = None
            CURRENT_ORGANISATION.reset(self._writing_for)
            for name in _REPOSITORIES:
                delattr(self, name)

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use it as `with uow: …`")
        return self._session

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def organisations(self) -> list[str]:
        """Every council with anything stored, the default one first if it has; the default council
        alone when the database is empty (so a first load or run has somewhere to go)."""
        found: set[str] = set()
        for table in Base.metadata.sorted_tables:
            if table.name in _COUNCIL_TABLES:
                found.update(self.session.connection().execute(select(table.c.organisation).distinct()).scalars())
        ordered = sorted(found - {DEFAULT_ORGANISATION})
        return ([DEFAULT_ORGANISATION] if DEFAULT_ORGANISATION in found or not ordered else []) + ordered
