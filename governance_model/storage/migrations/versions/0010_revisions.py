"""Revisions (issue 12): documents and action plans count their stored changes, so the nightly run
can tell what changed after it read its snapshot and re-plan that instead of overwriting it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0007): never batch mode on SQLite, whose table rebuild would cascade
    # deletes to the steps, decisions and forecasts. Rows stored before start at revision 0.
    op.add_column('documents', sa.Column('revision', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('action_plans', sa.Column('revision', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    # DROP COLUMN needs SQLite 3.35 or later (as 0006's and 0007's downgrades do).
    op.drop_column('action_plans', 'revision')
    op.drop_column('documents', 'revision')
