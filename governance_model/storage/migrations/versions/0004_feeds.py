"""Calendar feeds: what was last published for each event (content hash, SEQUENCE, LAST-MODIFIED)
and the secret token in the address of each person's private feed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-14
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'feed_events',
        sa.Column('uid', sa.String(length=255), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('last_modified', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('uid', name=op.f('pk_feed_events')),
    )
    op.create_table(
        'feed_tokens',
        sa.Column('initials', sa.String(length=160), nullable=False),
        sa.Column('token', sa.String(length=160), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('initials', name=op.f('pk_feed_tokens')),
        sa.UniqueConstraint('token', name=op.f('uq_feed_tokens_token')),
    )


def downgrade() -> None:
    op.drop_table('feed_tokens')
    op.drop_table('feed_events')
