"""Meetings straight from the council's committee system (issue 16): where a body's meetings are
read from (its source: kind, address, committee, the words a shared calendar's titles hold), each
meeting's id there, whether the source's last reading left it out, and the papers it lists for it
(JSON: title, address, day published). Everything stored before has
no source (NULL) and is not missing from one, which reads as it always did.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0007); the one-meeting-per-source-id rule is a unique index, which
    # SQLite can add in place (a unique constraint would need the table rebuilt, see 0011).
    op.add_column('bodies', sa.Column('source_kind', sa.String(length=32), nullable=True))
    op.add_column('bodies', sa.Column('source_url', sa.Text(), nullable=True))
    op.add_column('bodies', sa.Column('source_committee', sa.String(length=160), nullable=True))
    op.add_column('bodies', sa.Column('source_match', sa.Text(), nullable=True))
    op.add_column('meetings', sa.Column('source_id', sa.String(length=255), nullable=True))
    op.add_column('meetings', sa.Column('missing_from_source', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('meetings', sa.Column('papers', sa.JSON(none_as_null=True), nullable=True))
    op.create_index(
        'ix_meetings_organisation_body_id_source_id', 'meetings', ['organisation', 'body_id', 'source_id'], unique=True
    )


def downgrade() -> None:
    op.drop_index('ix_meetings_organisation_body_id_source_id', table_name='meetings')
    # DROP COLUMN needs SQLite 3.35 or later (as 0006's and 0007's downgrades do).
    op.drop_column('meetings', 'papers')
    op.drop_column('meetings', 'missing_from_source')
    op.drop_column('meetings', 'source_id')
    op.drop_column('bodies', 'source_match')
    op.drop_column('bodies', 'source_committee')
    op.drop_column('bodies', 'source_url')
    op.drop_column('bodies', 'source_kind')
