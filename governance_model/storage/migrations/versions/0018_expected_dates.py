"""Owners answer from a reminder (issue 17): the date an owner now expects a step or an action by
(`expected_dates`, one per item, the When flat as in every table), the "done" answers that wait for
a body's secretary to confirm them (`owner_answers`), and the body's wish for that
(`bodies.confirm_done`, false for every body stored before: a done counts at once, as it did).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _organisation() -> sa.Column:
    return sa.Column('organisation', sa.String(length=60), server_default='default', nullable=False)


def upgrade() -> None:
    op.add_column('bodies', sa.Column('confirm_done', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'expected_dates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_key', sa.Text(), nullable=False),
        sa.Column('said_by', sa.String(length=160), nullable=False),
        sa.Column('said_on', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('when_kind', sa.String(length=32), nullable=False),
        sa.Column('when_start', sa.Date(), nullable=True),
        sa.Column('when_end', sa.Date(), nullable=True),
        sa.Column('when_every', sa.String(length=32), nullable=True),
        sa.Column('when_depends_on', sa.Text(), nullable=True),
        sa.Column('when_tentative', sa.Boolean(), nullable=True),
        sa.Column('when_text', sa.Text(), nullable=True),
        sa.Column('when_estimated', sa.Boolean(), nullable=True),
        sa.Column('when_duration', sa.String(length=32), nullable=True),
        sa.Column('when_anchor', sa.Text(), nullable=True),
        _organisation(),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_expected_dates')),
        sa.UniqueConstraint('organisation', 'item_key', name=op.f('uq_expected_dates_organisation_item_key')),
    )
    op.create_index(op.f('ix_expected_dates_organisation'), 'expected_dates', ['organisation'], unique=False)
    op.create_table(
        'owner_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_key', sa.Text(), nullable=False),
        sa.Column('answered_by', sa.String(length=160), nullable=False),
        sa.Column('answered_on', sa.Date(), nullable=False),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('body_code', sa.String(length=160), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('confirmed_by', sa.String(length=160), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        _organisation(),
        sa.CheckConstraint("status IN ('awaiting confirmation', 'confirmed')", name=op.f('ck_owner_answers_status')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_owner_answers')),
    )
    op.create_index(op.f('ix_owner_answers_item_key'), 'owner_answers', ['item_key'], unique=False)
    op.create_index(op.f('ix_owner_answers_organisation'), 'owner_answers', ['organisation'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_owner_answers_organisation'), table_name='owner_answers')
    op.drop_index(op.f('ix_owner_answers_item_key'), table_name='owner_answers')
    op.drop_table('owner_answers')
    op.drop_index(op.f('ix_expected_dates_organisation'), table_name='expected_dates')
    op.drop_table('expected_dates')
    # DROP COLUMN needs SQLite 3.35 or later (as 0006's and 0007's downgrades do).
    op.drop_column('bodies', 'confirm_done')
