"""Answer links (issue 17): how often each link in a digest was posted to, and when its item was
answered through it, by a hash of its token (the token and the key that signs it are never stored).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'answer_link_uses',
        sa.Column('token_id', sa.String(length=64), nullable=False),
        sa.Column('initials', sa.String(length=160), nullable=False),
        sa.Column('item_key', sa.Text(), nullable=False),
        sa.Column('uses', sa.Integer(), nullable=False),
        sa.Column('first_used_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answer', sa.String(length=32), nullable=True),
        sa.Column('organisation', sa.String(length=60), server_default='default', nullable=False),
        sa.PrimaryKeyConstraint('organisation', 'token_id', name=op.f('pk_answer_link_uses')),
    )
    op.create_index(op.f('ix_answer_link_uses_organisation'), 'answer_link_uses', ['organisation'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_answer_link_uses_organisation'), table_name='answer_link_uses')
    op.drop_table('answer_link_uses')
