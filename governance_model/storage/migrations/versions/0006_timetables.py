"""Timetables as councils write them: advisory route steps (inputs that never block), and forecasts
kept on a dated meeting but at risk.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Existing steps all block what follows them; existing forecasts are not at risk until re-planned.
    # A plain ADD COLUMN, not batch mode: on SQLite batch mode rebuilds route_steps, and dropping the
    # old table would cascade to the decisions and forecasts that point at its steps.
    op.add_column('route_steps', sa.Column('advisory', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('step_forecasts', sa.Column('at_risk', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    op.drop_column('step_forecasts', 'at_risk')
    op.drop_column('route_steps', 'advisory')
