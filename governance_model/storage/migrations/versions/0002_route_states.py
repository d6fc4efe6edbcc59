"""Route states: step forecasts, the re-forecast history and nightly runs; a decision's `back_to`
and `recorded_by`; a meeting's `sequence`.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Existing rows get the server defaults: no one recorded them, and no meeting has moved yet.
    with op.batch_alter_table('decisions') as batch_op:
        batch_op.add_column(sa.Column('back_to', sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column('recorded_by', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('meetings') as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))

    op.create_table(
        'step_forecasts',
        sa.Column('step_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('state', sa.String(length=32), nullable=False),
        sa.Column('date', sa.Date(), nullable=True),
        sa.Column('meeting_key', sa.String(length=160), nullable=True),
        sa.Column('tentative', sa.Boolean(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['step_id'], ['route_steps.id'], name=op.f('fk_step_forecasts_step_id_route_steps'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('step_id', name=op.f('pk_step_forecasts')),
    )
    op.create_table(
        'forecast_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_key', sa.String(length=160), nullable=False),
        sa.Column('step_key', sa.String(length=160), nullable=False),
        sa.Column('old_date', sa.Date(), nullable=True),
        sa.Column('new_date', sa.Date(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('recorded_on', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_changes')),
    )
    op.create_index('ix_forecast_changes_document_key_recorded_on', 'forecast_changes', ['document_key', 'recorded_on'], unique=False)
    op.create_index(op.f('ix_forecast_changes_recorded_on'), 'forecast_changes', ['recorded_on'], unique=False)
    op.create_table(
        'nightly_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_nightly_runs')),
        sa.UniqueConstraint('as_of', name=op.f('uq_nightly_runs_as_of')),
    )


def downgrade() -> None:
    op.drop_table('nightly_runs')
    op.drop_index(op.f('ix_forecast_changes_recorded_on'), table_name='forecast_changes')
    op.drop_index('ix_forecast_changes_document_key_recorded_on', table_name='forecast_changes')
    op.drop_table('forecast_changes')
    op.drop_table('step_forecasts')
    with op.batch_alter_table('meetings') as batch_op:
        batch_op.drop_column('sequence')
    with op.batch_alter_table('decisions') as batch_op:
        batch_op.drop_column('recorded_by')
        batch_op.drop_column('back_to')
