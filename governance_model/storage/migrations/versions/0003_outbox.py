"""The outbox (reminders and the digest messages they go out in), conditions that contingent Whens
wait for, and the reminder settings: a body's and a plan's `reminder_days`, a plan's `owner`, an
action's `done_on`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Existing bodies and plans get NULL: the default reminder days, no one to escalate to.
    with op.batch_alter_table('bodies') as batch_op:
        batch_op.add_column(sa.Column('reminder_days', sa.JSON(none_as_null=True), nullable=True))
    with op.batch_alter_table('action_plans') as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column('reminder_days', sa.JSON(none_as_null=True), nullable=True))
    with op.batch_alter_table('actions') as batch_op:
        batch_op.add_column(sa.Column('done_on', sa.Date(), nullable=True))

    op.create_table(
        'conditions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name_key', sa.String(length=160), nullable=False),
        sa.Column('name', sa.String(length=160), nullable=False),
        sa.Column('met_on', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conditions')),
        sa.UniqueConstraint('name_key', name=op.f('uq_conditions_name_key')),
    )
    op.create_table(
        'messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=160), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_on', sa.Date(), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'sent')", name=op.f('ck_messages_status')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    )
    # At most one pending message per recipient: new reminders join it until it is sent.
    op.create_index(
        'uq_messages_pending_recipient',
        'messages',
        ['recipient'],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index('ix_messages_status_next_attempt_at', 'messages', ['status', 'next_attempt_at'], unique=False)
    op.create_table(
        'reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('recipient', sa.String(length=160), nullable=False),
        sa.Column('item_kind', sa.String(length=32), nullable=False),
        sa.Column('item_key', sa.Text(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('context', sa.Text(), nullable=False),
        sa.Column('body_code', sa.String(length=160), nullable=True),
        sa.Column('deadline', sa.Date(), nullable=False),
        sa.Column('when_text', sa.Text(), nullable=False),
        sa.Column('rule', sa.String(length=160), nullable=False),
        sa.Column('night', sa.Date(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_reminders_message_id_messages')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
        sa.UniqueConstraint('key', name=op.f('uq_reminders_key')),
    )
    op.create_index(op.f('ix_reminders_message_id'), 'reminders', ['message_id'], unique=False)
    op.create_index(op.f('ix_reminders_recipient'), 'reminders', ['recipient'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_reminders_recipient'), table_name='reminders')
    op.drop_index(op.f('ix_reminders_message_id'), table_name='reminders')
    op.drop_table('reminders')
    op.drop_index('ix_messages_status_next_attempt_at', table_name='messages')
    op.drop_index('uq_messages_pending_recipient', table_name='messages')
    op.drop_table('messages')
    op.drop_table('conditions')
    with op.batch_alter_table('actions') as batch_op:
        batch_op.drop_column('done_on')
    with op.batch_alter_table('action_plans') as batch_op:
        batch_op.drop_column('reminder_days')
        batch_op.drop_column('owner')
    with op.batch_alter_table('bodies') as batch_op:
        batch_op.drop_column('reminder_days')
