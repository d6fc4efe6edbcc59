"""Strategies that answer for themselves (issue 15): a strategy document's framework (findings,
threads, strands and links, as JSON), the strategy a plan delivers, what each recommendation and
action serves of it, and the questions put at meetings. Everything stored before has none of these
(NULL), which reads as it always did.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0007): nullable, so the rows already stored need no default.
    op.add_column('documents', sa.Column('framework', sa.JSON(none_as_null=True), nullable=True))
    op.add_column('action_plans', sa.Column('strategy', sa.String(length=160), nullable=True))
    op.add_column('recommendations', sa.Column('serves', sa.JSON(none_as_null=True), nullable=True))
    op.add_column('actions', sa.Column('serves', sa.JSON(none_as_null=True), nullable=True))
    op.create_table(
        'meeting_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_key', sa.String(length=160), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('asked_by', sa.Text(), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('about', sa.String(length=160), nullable=True),
        sa.Column('organisation', sa.String(length=60), server_default='default', nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_questions')),
        sa.UniqueConstraint(
            'organisation', 'meeting_key', 'number', name=op.f('uq_meeting_questions_organisation_meeting_key_number')
        ),
    )
    op.create_index(op.f('ix_meeting_questions_about'), 'meeting_questions', ['about'], unique=False)
    op.create_index(op.f('ix_meeting_questions_organisation'), 'meeting_questions', ['organisation'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_meeting_questions_organisation'), table_name='meeting_questions')
    op.drop_index(op.f('ix_meeting_questions_about'), table_name='meeting_questions')
    op.drop_table('meeting_questions')
    # DROP COLUMN needs SQLite 3.35 or later (as 0006's and 0007's downgrades do).
    op.drop_column('actions', 'serves')
    op.drop_column('recommendations', 'serves')
    op.drop_column('action_plans', 'strategy')
    op.drop_column('documents', 'framework')
