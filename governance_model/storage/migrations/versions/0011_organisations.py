"""Organisations (issue 13): every row belongs to a council, `organisation`; everything stored
before is the default council's. Natural keys become unique within a council (two councils can each
have a "Cabinet"), as do the pending-message index and the feed tables' keys.

On SQLite a unique constraint cannot be dropped in place, so the tables whose keys change are
rebuilt (batch mode). `storage.database.migrate` runs the migration with foreign keys off, so the
rebuild deletes nothing through ON DELETE CASCADE, and checks them after.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""
from __future__ import annotations

import warnings
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DEFAULT = 'default'
TABLES = (
    'action_plans', 'actions', 'audit_events', 'bodies', 'conditions', 'decisions', 'document_versions',
    'documents', 'feed_events', 'feed_tokens', 'forecast_changes', 'glossary_terms', 'measures', 'meetings',
    'messages', 'nightly_runs', 'people', 'progress_updates', 'recommendations', 'reminders', 'route_steps',
    'step_forecasts', 'term_dates',
)
# table: (the key's columns); its constraint was uq_<table>_<columns>, now uq_<table>_organisation_<columns>.
UNIQUE_KEYS = {
    'bodies': ('code',),
    'meetings': ('key',),
    'people': ('initials',),
    'documents': ('key',),
    'nightly_runs': ('as_of',),
    'action_plans': ('key',),
    'glossary_terms': ('acronym',),
    'conditions': ('name_key',),
    'reminders': ('key',),
    'term_dates': ('academic_year', 'kind', 'name'),
}
PRIMARY_KEYS = {'feed_events': ('uid',), 'feed_tokens': ('initials',)}
PENDING = sa.text("status = 'pending'")


def _name(table: str, columns: Sequence[str]) -> str:
    return f"uq_{table}_{'_'.join(columns)}"


def _rekey(table: str, add_organisation: bool) -> None:
    """Swap the table's key constraint for the one with (or without) `organisation` in front."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if table in UNIQUE_KEYS:
        columns = UNIQUE_KEYS[table]
        old, new = (columns, ('organisation', *columns)) if add_organisation else (('organisation', *columns), columns)
        if sqlite:
            with op.batch_alter_table(table, recreate='always') as batch_op:
                batch_op.drop_constraint(_name(table, old), type_='unique')
                batch_op.create_unique_constraint(_name(table, new), list(new))
        else:
            op.drop_constraint(_name(table, old), table, type_='unique')
            op.create_unique_constraint(_name(table, new), table, list(new))
    if table in PRIMARY_KEYS:
        columns = PRIMARY_KEYS[table]
        new = ('organisation', *columns) if add_organisation else columns
        if sqlite:
            with warnings.catch_warnings():  # SQLAlchemy says the rebuilt table's key differs: it is meant to
                warnings.simplefilter('ignore', sa.exc.SAWarning)
                with op.batch_alter_table(table, recreate='always') as batch_op:
                    batch_op.create_primary_key(f'pk_{table}', list(new))
        else:
            op.drop_constraint(f'pk_{table}', table, type_='primary')
            op.create_primary_key(f'pk_{table}', table, list(new))


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column('organisation', sa.String(60), nullable=False, server_default=DEFAULT))
    for table in (*UNIQUE_KEYS, *PRIMARY_KEYS):
        _rekey(table, add_organisation=True)
    op.drop_index('uq_messages_pending_recipient', table_name='messages')
    op.create_index(
        'uq_messages_pending_recipient', 'messages', ['organisation', 'recipient'], unique=True,
        sqlite_where=PENDING, postgresql_where=PENDING,
    )
    for table in TABLES:  # one council's rows are read without scanning the others'
        op.create_index(f'ix_{table}_organisation', table, ['organisation'])


def downgrade() -> None:
    # Only a database holding the default council alone can go back: the keys of two councils
    # would collide.
    for table in ('bodies', 'people', 'documents', 'action_plans'):
        others = op.get_bind().execute(sa.text(f"SELECT COUNT(*) FROM {table} WHERE organisation <> :d"), {'d': DEFAULT}).scalar()
        if others:
            raise RuntimeError(f'cannot downgrade: {table} holds rows of councils other than {DEFAULT!r}')
    for table in TABLES:
        op.drop_index(f'ix_{table}_organisation', table_name=table)
    op.drop_index('uq_messages_pending_recipient', table_name='messages')
    op.create_index(
        'uq_messages_pending_recipient', 'messages', ['recipient'], unique=True,
        sqlite_where=PENDING, postgresql_where=PENDING,
    )
    for table in (*UNIQUE_KEYS, *PRIMARY_KEYS):
        _rekey(table, add_organisation=False)
    for table in TABLES:
        if op.get_bind().dialect.name == 'sqlite':
            with op.batch_alter_table(table, recreate='always') as batch_op:
                batch_op.drop_column('organisation')
        else:
            op.drop_column(table, 'organisation')
