"""Windows (issue 11): a stored reminder also keeps the day its item's window opens (`opens`), so
the digest can say when it opens as well as when it closes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0007). Reminders stored before read as not about a window (NULL).
    op.add_column('reminders', sa.Column('opens', sa.Date(), nullable=True))


def downgrade() -> None:
    # DROP COLUMN needs SQLite 3.35 or later (as 0006's and 0007's downgrades do).
    op.drop_column('reminders', 'opens')
