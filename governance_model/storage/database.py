"""Engines, sessions and schema migrations: SQLite for one user, PostgreSQL (psycopg 3) for many.

    engine = make_engine("sqlite:///.govflow/govflow.sqlite3")
    migrate(engine)
    uow = SqlUnitOfWork(make_session_factory(engine))

Alembic is configured here in code (no alembic.ini): the scripts live in the `migrations` folder
next to this module.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from governance_model.storage.tables import CONNECTION_KEY

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where it is used: every `govflow` command opens the database, only `init`
# (and a load into a database not yet migrated) migrates it, and importing Alembic costs ~0.3 s.

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def parse_database_url(url: str | URL) -> URL:
    """`url` as a SQLAlchemy URL, with a bare `postgresql://` (or `postgres://`) read as psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL, **engine_options: Any) -> Engine:
    """An engine for `url`. SQLite gets foreign keys switched on and its folder created."""
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **engine_options)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine_options.setdefault("pool_pre_ping", True)
        engine = create_engine(parsed, **engine_options)
    event.listen(engine, "checkin", _forget_the_council)
    return engine


def _forget_the_council(dbapi_connection: Any, connection_record: Any) -> None:
    # A pooled connection given back no longer writes for the session that used it.
    connection_record.info.pop(CONNECTION_KEY, None)


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless each connection asks for them.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """The session factory a SqlUnitOfWork takes."""
    from governance_model.storage.organisation_scope import CouncilSession

    return sessionmaker(engine, class_=CouncilSession, expire_on_commit=False)


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic configuration built in code: scripts from the package, `sqlalchemy.url` if given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        # ConfigParser treats % as interpolation, and URLs escape characters with it.
        rendered = parse_database_url(url).render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def migrate(url_or_engine: str | URL | Engine, revision: str = "head") -> None:
    """Bring the database schema up to `revision` (the newest by default); safe to run again."""
    from alembic import command

    _run_migrations(url_or_engine, command.upgrade, revision)


def downgrade(url_or_engine: str | URL | Engine, revision: str) -> None:
    """Take the database schema back down to `revision` (tests of the migrations; operators)."""
    from alembic import command

    _run_migrations(url_or_engine, command.downgrade, revision)


def _run_migrations(url_or_engine: str | URL | Engine, run: Any, revision: str) -> None:
    engine = url_or_engine if isinstance(url_or_engine, Engine) else make_engine(url_or_engine)
    try:
        config = alembic_config(engine.url)
        # One connection and one transaction for the whole migration; env.py uses this connection,
        # so options on the engine (a PostgreSQL search_path, say) apply to the migration too.
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # A migration that rebuilds a table (0011) must not cascade its DROP to the rows that
                # refer to it: foreign keys are off for the migration (a PRAGMA outside the
                # transaction), checked at its end, and on again after.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()
            try:
                with connection.begin():
                    config.attributes["connection"] = connection
                    run(config, revision)
                    if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                        raise RuntimeError(f"the migration left rows that refer to rows that are gone: {broken[:5]}")
            finally:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                    connection.commit()
    finally:
        if engine is not url_or_engine:
            engine.dispose()


def head_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def is_current(engine: Engine) -> bool:
    """True when the database has been migrated to the newest revision."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == head_revisions()
