"""Storage: SQLAlchemy tables, the SQL repositories (one per aggregate), the unit of work and
Alembic migrations. The only package that talks to the database. Everything else sees domain
objects through the ports in governance_model/ports.py:

    from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory, migrate

    engine = make_engine(url)      # sqlite:///path or postgresql+psycopg://…
    migrate(engine)                # alembic upgrade head
    uow = SqlUnitOfWork(make_session_factory(engine))
    with uow:
        uow.plans.save(plan)
        uow.commit()
"""
from governance_model.storage.database import (
    alembic_config,
    downgrade,
    is_current,
    make_engine,
    make_session_factory,
    migrate,
    parse_database_url,
)
from governance_model.storage.unit_of_work import SqlUnitOfWork

__all__ = [
    "SqlUnitOfWork",
    "alembic_config",
    "downgrade",
    "is_current",
    "make_engine",
    "make_session_factory",
    "migrate",
    "parse_database_url",
]
