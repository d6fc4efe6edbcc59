"""When periods (issue 11): each stored When also says whether its school-term dates were estimated
by rule, the length of a period (ISO 8601 `duration`) and what a relative When is counted from
(`anchor`), on meetings, route steps and actions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_TABLES = ('meetings', 'route_steps', 'actions')


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: on SQLite batch mode rebuilds each table, and dropping the
    # old route_steps or actions would cascade to the rows that point at them (see 0006). Existing
    # Whens read as not estimated, with no length and no anchor (NULL), which is what they were.
    for table in _TABLES:
        op.add_column(table, sa.Column('when_estimated', sa.Boolean(), nullable=True))
        op.add_column(table, sa.Column('when_duration', sa.String(length=32), nullable=True))
        op.add_column(table, sa.Column('when_anchor', sa.Text(), nullable=True))


def downgrade() -> None:
    # DROP COLUMN needs SQLite 3.35 or later (as 0006's downgrade does).
    for table in reversed(_TABLES):
        op.drop_column(table, 'when_anchor')
        op.drop_column(table, 'when_duration')
        op.drop_column(table, 'when_estimated')
