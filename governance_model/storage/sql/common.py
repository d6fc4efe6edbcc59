"""What the SQL repositories share: the session they work in, dialect-aware INSERT … ON CONFLICT,
the lock that makes the upserts of the setup one writer at a time, plain-column reads without the
ORM's per-row work (and the caches that turn a value read many times into one object), and the
chunk sizes that keep bind lists short."""
from __future__ import annotations

import functools
import gc
import json
from operator import itemgetter
from typing import Any, Callable, Iterable, Sequence, TypeVar

from sqlalchemy import ColumnElement, Row, Table, Text, cast, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Bundle, Session

from governance_model.storage.when_columns import when_columns, when_from_values
from governance_model.when import When

_Load = TypeVar("_Load", bound=Callable[..., Any])

# Above this many keys a lookup reads every row instead of sending a long IN list.
IN_LIST_LIMIT = 1000
IN_LIST_CHUNK = 500  # keys per IN list or multi-row INSERT: well inside every bind-parameter limit
INSERT_CHUNK = 500

# The first key of govflow's PostgreSQL advisory locks ("gov" in ASCII); the second is the schema's.
ADVISORY_LOCK_CLASS = 0x676F76
_SETUP_LOCK = "govflow.setup_lock"


class SqlRepository:
    """Base of the SQL repositories: works inside a session that the unit of work owns; never commits."""

    def __init__(self, session: Session):
        self.session = session

    def _hold_setup_lock(self) -> None:
        """Wait until no other transaction is writing the setup (bodies, people, documents, plans,
        glossary, term dates, conditions), and keep them waiting until this one ends.

        Their saves read a row by key, then insert or update it. Two loads at once would both read
        "none yet" and both insert, and one would fail on the unique key; holding this lock from
        the first save to the commit makes them one after the other, and the second reads what the
        first stored. PostgreSQL: `pg_advisory_xact_lock` on this schema (other schemas, and
        senders, are not held up). SQLite: the database's write lock, taken now rather than at the
        first INSERT (a no-op UPDATE), so the reads that follow see the other load's rows."""
        session = self.session
        transaction = session.get_transaction()
        if transaction is not None and session.info.get(_SETUP_LOCK) is transaction:
            return
        session.flush()
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:class_, hashtext(current_schema()))"),
                {"class_": ADVISORY_LOCK_CLASS},
            )
        elif connection.dialect.name == "sqlite":
            connection.execute(text("UPDATE alembic_version SET version_num = version_num WHERE 0"))
        session.info[_SETUP_LOCK] = session.get_transaction()
        session.expire_all()  # rows read before the wait are read again, as the other load left them

    def _insert(self, table: Table) -> Any:
        dialect = self.session.connection().dialect.name
        if dialect == "postgresql":
            return postgresql.insert(table)
        if dialect == "sqlite":
            return sqlite.insert(table)
        raise NotImplementedError(f"no INSERT … ON CONFLICT for the {dialect} database")  # pragma: no cover

    def _upsert(self, table: Table, *key: str) -> Any:
        """INSERT … ON CONFLICT (key columns) DO UPDATE the rest."""
        statement = self._insert(table)
        return statement.on_conflict_do_update(
            index_elements=[table.c[k] for k in key],
            # A row never changes council: `organisation` is not overwritten (keyed by a global id,
            # such as a step forecast's step, the row found is the council's own).
            set_={column.name: statement.excluded[column.name] for column in table.c if column.name not in (*key, "organisation")},
        )


def rows_of(session: Session, query: Any) -> Sequence[Row[Any]]:
    """All the rows of a SELECT of plain columns, fetched at once, after a flush (as the ORM's
    autoflush would). Executed by the session, not on its connection: a select of mapped columns is
    an ORM statement, so the session's `do_orm_execute` hooks (criteria that keep a council to its
    own rows) apply to it; being columns, not entities, its rows are Rows of values, never objects
    in the identity map."""
    if session.autoflush:
        session.flush()
    return session.execute(query).all()


def plain_rows(session: Session, query: Any) -> list[tuple]:
    """`rows_of` for the bulk reads: the rows as plain tuples, made with no Python per column.

    The statement is the same (its columns, joins, conditions and order), selected as one bundle of
    all its columns, so it is still an ORM statement executed by the session (its hooks apply);
    `_PlainTuples` hands on the tuple of processed values the ORM reads each row into, where the
    ORM would otherwise call a getter per column and make a Row per row (135,000 actions: 0.42 s
    of CPU instead of 0.51–0.60 s, against 0.32–0.35 s for the driver's own fetchall)."""
    if session.autoflush:
        session.flush()
    bundle = _PlainTuples("row", *query.selected_columns)
    return session.scalars(query.with_only_columns(bundle, maintain_column_froms=True)).all()


class _PlainTuples(Bundle[tuple]):
    """A bundle of every column of a statement, read as the plain tuple of its values (`plain_rows`)."""

    single_entity = True

    def create_row_processor(self, query: Any, procs: Sequence[Callable[[Any], Any]], labels: Sequence[str]) -> Any:
        width = len(procs)
        # Each proc picks one column out of the ORM's tuple of values: when they pick 0, 1, … in
        # order, the tuple's first `width` values are the row (the whole tuple, returned as it is).
        probe = tuple(range(width + 1))
        try:
            in_order = [proc(probe) for proc in procs] == list(range(width))
        except Exception:  # a proc that needs a Row: keep the bundle's own processing
            in_order = False
        if in_order:
            return itemgetter(slice(0, width))
        return super().create_row_processor(query, procs, labels)


def read_revisions(session: Session, row_class: Any, lock: bool) -> dict[str, int]:
    """The revision of every row of `row_class` (documents or action plans), by key.

    With `lock`, nobody else can change a revision until this transaction ends, so what the caller
    writes next cannot overwrite a change it has not seen: PostgreSQL locks the rows (FOR UPDATE, in
    id order, as `raise_revisions` does); SQLite, which has one writer, takes its write lock by a
    write that changes nothing."""
    query = select(row_class.key, row_class.revision).order_by(row_class.id)
    if lock:
        if session.connection().dialect.name == "sqlite":
            session.execute(update(row_class).values(revision=row_class.revision))
        else:
            query = query.with_for_update()
    return {key: revision for key, revision in rows_of(session, query)}


def raise_revisions(session: Session, row_class: Any, where: ColumnElement[bool] | None = None) -> None:
    """Add one to the revision of the rows `where` selects (all without it). On PostgreSQL the rows
    are locked in id order first, the order `read_revisions` locks them in: never a deadlock."""
    ids = select(row_class.id).order_by(row_class.id)
    if where is not None:
        ids = ids.where(where)
    if session.connection().dialect.name != "sqlite":
        locked = [id_ for (id_,) in rows_of(session, ids.with_for_update())]
        if not locked:
            return
        for part in chunks(locked, IN_LIST_CHUNK):
            session.execute(update(row_class).where(row_class.id.in_(part)).values(revision=row_class.revision + 1))
        return
    statement = update(row_class).values(revision=row_class.revision + 1)
    session.execute(statement.where(where) if where is not None else statement)


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def when_of(row_class: type) -> tuple:
    """The columns that hold a When, in the order `when_from_values` takes them."""
    return tuple(getattr(row_class, column) for column in when_columns())


def json_text(column: Any) -> Any:
    """A JSON column read as its text, for `JsonTexts` to decode: the driver and the JSON type
    would decode every row's value, and most rows hold one of a few texts ("[]", "[\"1\"]")."""
    return cast(column, Text)


class JsonTexts(dict[Any, Any]):
    """Decoded JSON by its text, each distinct text decoded once (NULL reads as None). The values
    are shared: callers copy what they keep (`list(…)`, `tuple(…)`), as they do anyway."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, text: str) -> Any:
        value = self[text] = json.loads(text)
        return value


def bulk_load(load: _Load) -> _Load:
    """Run `load` with Python's cycle collector paused (if it was running). A load makes hundreds
    of thousands of objects and frees none, so every collection their allocations set off walks
    all the objects made so far and finds nothing to free (they hold no cycles): at 150 councils
    that was half the snapshot's time. The collector runs again as soon as the load returns.

    Before it does, the objects made are aged into the oldest generation (`gc.freeze()` then
    `gc.unfreeze()`, which puts them back there): left young, the first collections after the load
    would walk every one of them again, which cost the next read 0.3 s. Skipped if anything else
    froze objects (a server that forks), whose frozen objects must stay frozen."""

    @functools.wraps(load)
    def paused(*args: Any, **kwargs: Any) -> Any:
        if not gc.isenabled():
            return load(*args, **kwargs)
        gc.disable()
        try:
            return load(*args, **kwargs)
        finally:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()

    return paused  # type: ignore[return-value]


def tuple_or_none(values: Iterable[Any] | None) -> tuple | None:
    """A stored list as the tuple the domain holds; NULL stays None."""
    return tuple(values) if values is not None else None


class Whens(dict[tuple, "When | None"]):
    """The When held in each distinct tuple of the ten When columns (`when_of`), made once: a When
    is frozen, so the steps and actions that read the same words share one."""

    def __missing__(self, values: tuple) -> When | None:
        when = self[values] = when_from_values(*values)
        return when
