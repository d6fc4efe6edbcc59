"""Term dates (issue 11): the council's own school term dates, loaded from the file it publishes
(`govflow load terms.ics`), one row per term or half term of each academic year.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-20
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'term_dates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('academic_year', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.Column('source', sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('term', 'half_term')", name=op.f('ck_term_dates_kind')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_term_dates')),
        sa.UniqueConstraint('academic_year', 'kind', 'name', name=op.f('uq_term_dates_academic_year_kind_name')),
    )


def downgrade() -> None:
    op.drop_table('term_dates')
