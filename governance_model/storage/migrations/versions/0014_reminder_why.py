"""Words, not codes (issue 14): a reminder of a route step whose date moved keeps why it moved, in
words (`reminders.why`), so the digest built from it at send time, perhaps in another process,
says "Why this date: moved to SSPB on 8 March 2022 because …". Reminders stored before read as
having nothing to say (NULL).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0007): nullable, so the rows already stored need no default.
    op.add_column('reminders', sa.Column('why', sa.Text(), nullable=True))


def downgrade() -> None:
    # DROP COLUMN needs SQLite 3.35 or later (as 0006's and 0007's downgrades do).
    op.drop_column('reminders', 'why')
