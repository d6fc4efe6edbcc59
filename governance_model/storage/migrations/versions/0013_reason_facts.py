"""Words, not codes (issue 14): a stored forecast and a stored re-forecast also keep the planner's
reason as facts (`why`, JSON: governance_model.reasons), so reports, digests and the status can
put it into words. Rows stored before read as having no facts (NULL): their moves say only where
they went.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-14
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0007): nullable, so the rows already stored need no default.
    op.add_column('step_forecasts', sa.Column('why', sa.JSON(none_as_null=True), nullable=True))
    op.add_column('forecast_changes', sa.Column('why', sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    # DROP COLUMN needs SQLite 3.35 or later (as 0006's and 0007's downgrades do).
    op.drop_column('forecast_changes', 'why')
    op.drop_column('step_forecasts', 'why')
