"""RAG and completion: a plan's RAG tolerances, and progress updates that record an action complete.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Existing plans get NULL (the default tolerances); existing updates record nothing complete.
    with op.batch_alter_table('action_plans') as batch_op:
        batch_op.add_column(sa.Column('rag_at_risk_within_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rag_stale_after_days', sa.Integer(), nullable=True))
    with op.batch_alter_table('progress_updates') as batch_op:
        batch_op.add_column(sa.Column('action_complete', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('progress_updates') as batch_op:
        batch_op.drop_column('action_complete')
    with op.batch_alter_table('action_plans') as batch_op:
        batch_op.drop_column('rag_stale_after_days')
        batch_op.drop_column('rag_at_risk_within_days')
