"""The initial schema: bodies and meetings, people, documents and routes, decisions, action plans,
glossary and the audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'action_plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('context_date', sa.Date(), nullable=True),
        sa.Column('source', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_action_plans')),
        sa.UniqueConstraint('key', name=op.f('uq_action_plans_key')),
    )
    op.create_table(
        'audit_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=160), nullable=False),
        sa.Column('kind', sa.String(length=160), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    )
    op.create_index(op.f('ix_audit_events_occurred_at'), 'audit_events', ['occurred_at'], unique=False)
    op.create_index('ix_audit_events_subject_occurred_at', 'audit_events', ['subject', 'occurred_at'], unique=False)
    op.create_table(
        'bodies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=160), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('secretary', sa.String(length=160), nullable=True),
        sa.Column('papers_lead_days', sa.Integer(), nullable=False),
        sa.Column('meeting_rule', sa.Text(), nullable=True),
        sa.Column('exempt', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bodies')),
        sa.UniqueConstraint('code', name=op.f('uq_bodies_code')),
    )
    op.create_table(
        'documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('owner', sa.String(length=160), nullable=True),
        sa.Column('dated', sa.Date(), nullable=True),
        sa.Column('exempt', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
        sa.UniqueConstraint('key', name=op.f('uq_documents_key')),
    )
    op.create_table(
        'glossary_terms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('acronym', sa.String(length=160), nullable=False),
        sa.Column('meaning', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_terms')),
        sa.UniqueConstraint('acronym', name=op.f('uq_glossary_terms_acronym')),
    )
    op.create_table(
        'people',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('initials', sa.String(length=160), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('role', sa.Text(), nullable=False),
        sa.Column('email', sa.String(length=255), nullable=True),
        sa.Column('apprise_urls', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
        sa.UniqueConstraint('initials', name=op.f('uq_people_initials')),
    )
    op.create_table(
        'document_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('ordinal', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('label', sa.Text(), nullable=False),
        sa.Column('dated', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_versions_document_id_documents'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document_versions')),
        sa.UniqueConstraint('document_id', 'number', name=op.f('uq_document_versions_document_id_number')),
    )
    op.create_table(
        'meetings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('body_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('location', sa.Text(), nullable=False),
        sa.Column('when_kind', sa.String(length=32), nullable=True),
        sa.Column('when_start', sa.Date(), nullable=True),
        sa.Column('when_end', sa.Date(), nullable=True),
        sa.Column('when_every', sa.String(length=32), nullable=True),
        sa.Column('when_depends_on', sa.Text(), nullable=True),
        sa.Column('when_tentative', sa.Boolean(), nullable=True),
        sa.Column('when_text', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_meetings_body_id_bodies'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
        sa.UniqueConstraint('key', name=op.f('uq_meetings_key')),
    )
    op.create_index(op.f('ix_meetings_body_id'), 'meetings', ['body_id'], unique=False)
    op.create_index(op.f('ix_meetings_starts_at'), 'meetings', ['starts_at'], unique=False)
    op.create_table(
        'progress_updates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('recommendation_number', sa.String(length=16), nullable=False),
        sa.Column('recorded_on', sa.Date(), nullable=False),
        sa.Column('action_position', sa.Integer(), nullable=True),
        sa.Column('author', sa.String(length=160), nullable=True),
        sa.Column('done', sa.JSON(), nullable=False),
        sa.Column('difference', sa.JSON(), nullable=False),
        sa.Column('to_develop', sa.JSON(), nullable=False),
        sa.Column('next_steps', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['action_plans.id'], name=op.f('fk_progress_updates_plan_id_action_plans'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_updates')),
    )
    op.create_index(op.f('ix_progress_updates_plan_id'), 'progress_updates', ['plan_id'], unique=False)
    op.create_table(
        'recommendations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('ordinal', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('owner', sa.String(length=160), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('merged_with', sa.JSON(), nullable=False),
        sa.Column('aligned_with', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['action_plans.id'], name=op.f('fk_recommendations_plan_id_action_plans'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations')),
        sa.UniqueConstraint('plan_id', 'number', name=op.f('uq_recommendations_plan_id_number')),
    )
    op.create_table(
        'route_steps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('body_code', sa.String(length=160), nullable=True),
        sa.Column('owner', sa.String(length=160), nullable=True),
        sa.Column('waits_for', sa.JSON(none_as_null=True), nullable=True),
        sa.Column('meeting_key', sa.String(length=160), nullable=True),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('when_kind', sa.String(length=32), nullable=True),
        sa.Column('when_start', sa.Date(), nullable=True),
        sa.Column('when_end', sa.Date(), nullable=True),
        sa.Column('when_every', sa.String(length=32), nullable=True),
        sa.Column('when_depends_on', sa.Text(), nullable=True),
        sa.Column('when_tentative', sa.Boolean(), nullable=True),
        sa.Column('when_text', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_route_steps_document_id_documents'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_route_steps')),
        sa.UniqueConstraint('document_id', 'key', name=op.f('uq_route_steps_document_id_key')),
    )
    op.create_index(op.f('ix_route_steps_when_end'), 'route_steps', ['when_end'], unique=False)
    op.create_table(
        'actions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recommendation_id', sa.Integer(), nullable=False),
        sa.Column('ordinal', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('owner', sa.String(length=160), nullable=True),
        sa.Column('when_kind', sa.String(length=32), nullable=True),
        sa.Column('when_start', sa.Date(), nullable=True),
        sa.Column('when_end', sa.Date(), nullable=True),
        sa.Column('when_every', sa.String(length=32), nullable=True),
        sa.Column('when_depends_on', sa.Text(), nullable=True),
        sa.Column('when_tentative', sa.Boolean(), nullable=True),
        sa.Column('when_text', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_actions_recommendation_id_recommendations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_actions')),
    )
    op.create_index(op.f('ix_actions_recommendation_id'), 'actions', ['recommendation_id'], unique=False)
    op.create_index(op.f('ix_actions_when_end'), 'actions', ['when_end'], unique=False)
    op.create_table(
        'decisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('step_id', sa.Integer(), nullable=False),
        sa.Column('body_code', sa.String(length=160), nullable=False),
        sa.Column('outcome', sa.String(length=32), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('meeting_key', sa.String(length=160), nullable=True),
        sa.Column('minute', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['step_id'], ['route_steps.id'], name=op.f('fk_decisions_step_id_route_steps'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    )
    op.create_index(op.f('ix_decisions_step_id'), 'decisions', ['step_id'], unique=False)
    op.create_table(
        'measures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recommendation_id', sa.Integer(), nullable=False),
        sa.Column('ordinal', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_measures_recommendation_id_recommendations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_measures')),
    )
    op.create_index(op.f('ix_measures_recommendation_id'), 'measures', ['recommendation_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_measures_recommendation_id'), table_name='measures')
    op.drop_table('measures')
    op.drop_index(op.f('ix_decisions_step_id'), table_name='decisions')
    op.drop_table('decisions')
    op.drop_index(op.f('ix_actions_when_end'), table_name='actions')
    op.drop_index(op.f('ix_actions_recommendation_id'), table_name='actions')
    op.drop_table('actions')
    op.drop_index(op.f('ix_route_steps_when_end'), table_name='route_steps')
    op.drop_table('route_steps')
    op.drop_table('recommendations')
    op.drop_index(op.f('ix_progress_updates_plan_id'), table_name='progress_updates')
    op.drop_table('progress_updates')
    op.drop_index(op.f('ix_meetings_starts_at'), table_name='meetings')
    op.drop_index(op.f('ix_meetings_body_id'), table_name='meetings')
    op.drop_table('meetings')
    op.drop_table('document_versions')
    op.drop_table('people')
    op.drop_table('glossary_terms')
    op.drop_table('documents')
    op.drop_table('bodies')
    op.drop_index('ix_audit_events_subject_occurred_at', table_name='audit_events')
    op.drop_index(op.f('ix_audit_events_occurred_at'), table_name='audit_events')
    op.drop_table('audit_events')
    op.drop_table('action_plans')
