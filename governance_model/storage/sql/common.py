"""What the SQL repositories share: the session they work in, dialect-aware INSERT … ON CONFLICT,
plain-column reads without the ORM's per-row work, and the chunk sizes that keep bind lists short."""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from sqlalchemy import Row, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from governance_model.storage.tables import when_columns

# Above this many keys a lookup reads every row instead of sending a long IN list.
IN_LIST_LIMIT = 1000
IN_LIST_CHUNK = 500  # keys per IN list or multi-row INSERT: well inside every bind-parameter limit
INSERT_CHUNK = 500


class SqlRepository:
    """Base of the SQL repositories: works inside a session that the unit of work owns; never commits."""

    def __init__(self, session: Session):
        self.session = session

    def _insert(self, table: Table) -> Any:
        dialect = self.session.connection().dialect.name
        if dialect == "postgresql":
            return postgresql.insert(table)
        if dialect == "sqlite":
            return sqlite.insert(table)
        raise NotImplementedError(f"no INSERT … ON CONFLICT for the {dialect} database")  # pragma: no cover

    def _upsert(self, table: Table, key: str) -> Any:
        statement = self._insert(table)
        return statement.on_conflict_do_update(
            index_elements=[table.c[key]],
            set_={column.name: statement.excluded[column.name] for column in table.c if column.name != key},
        )


def rows_of(session: Session, query: Any) -> Sequence[Row[Any]]:
    """All the rows of a SELECT of plain columns, fetched at once. Run on the session's connection
    (so in its transaction) after a flush, as the ORM's autoflush would, but without the ORM's
    per-row work."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(query).all()


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def when_of(row_class: type) -> tuple:
    """The columns that hold a When, in the order `when_from_values` takes them."""
    return tuple(getattr(row_class, column) for column in when_columns())
