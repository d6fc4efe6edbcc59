"""What people see (issue 14): a reminder keeps the night of the run that caught up with it, when
that run was later than the night it was owed (`caught_up_on`), so its digest can say it is late and
from when; and a body can be a gathering that takes no papers (`papers` false: a conference, a
workshop), not a board.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0007). Reminders stored before read as owed on time (NULL); bodies
    # stored before take papers, as every body did.
    op.add_column('reminders', sa.Column('caught_up_on', sa.Date(), nullable=True))
    op.add_column('bodies', sa.Column('papers', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    # DROP COLUMN needs SQLite 3.35 or later (as 0006's and 0007's downgrades do).
    op.drop_column('bodies', 'papers')
    op.drop_column('reminders', 'caught_up_on')
