"""The tables of questions and answers: the questions put at meetings (issue 15, migration 0015), and
what owners answer from a reminder (issue 17, migrations 0017 and 0018): the uses of their signed
links, the dates they now expect items by, and the "done" answers that wait for a secretary's
confirmation. Kept apart from the setup's tables, keyed by the meeting or by the item as reminders
name it ("step:DOC/STEP"), so loading a setup or plan file again leaves them as they are."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import CheckConstraint, Integer, PrimaryKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from governance_model.storage.tables import ENUM, KEY, Base, OrganisationOwned, UtcDateTime


class ExpectedDateRow(OrganisationOwned, Base):
    """The date an owner now expects an item by (governance_model.model.ExpectedDate): the latest
    said replaces what was said before; the audit keeps every one."""

    __tablename__ = "expected_dates"
    __table_args__ = (UniqueConstraint("organisation", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_key: Mapped[str] = mapped_column(Text)
    said_by: Mapped[str] = mapped_column(String(KEY))
    said_on: Mapped[dt.date]
    note: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    when_kind: Mapped[str] = mapped_column(String(ENUM))
    when_start: Mapped[Optional[dt.date]]
    when_end: Mapped[Optional[dt.date]]
    when_every: Mapped[Optional[str]] = mapped_column(String(ENUM))
    when_depends_on: Mapped[Optional[str]] = mapped_column(Text)
    when_tentative: Mapped[Optional[bool]]
    when_text: Mapped[Optional[str]] = mapped_column(Text)
    when_estimated: Mapped[Optional[bool]]
    when_duration: Mapped[Optional[str]] = mapped_column(String(ENUM))
    when_anchor: Mapped[Optional[str]] = mapped_column(Text)


class AwaitingAnswerRow(OrganisationOwned, Base):
    """A "done" an owner answered that the body's secretary must confirm (governance_model.owner_answers)."""

    __tablename__ = "owner_answers"
    __table_args__ = (CheckConstraint("status IN ('awaiting confirmation', 'confirmed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_key: Mapped[str] = mapped_column(Text, index=True)
    answered_by: Mapped[str] = mapped_column(String(KEY))
    answered_on: Mapped[dt.date]
    answered_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    body_code: Mapped[str] = mapped_column(String(KEY))
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(ENUM))
    confirmed_by: Mapped[Optional[str]] = mapped_column(String(KEY))
    confirmed_at: Mapped[Optional[dt.datetime]] = mapped_column(UtcDateTime())


class MeetingQuestionRow(OrganisationOwned, Base):
    """A question put at a meeting and its answer (0015). The meeting is named by its natural key, so
    the questions outlive a setup load that builds the body's meetings again."""

    __tablename__ = "meeting_questions"
    __table_args__ = (UniqueConstraint("organisation", "meeting_key", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_key: Mapped[str] = mapped_column(String(KEY))
    number: Mapped[int]
    asked_by: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    about: Mapped[Optional[str]] = mapped_column(String(KEY), index=True)  # the document it was about


class AnswerLinkUseRow(OrganisationOwned, Base):
    """How often one answer link was posted to, and when its item was answered through it (never the
    link's token: `token_id` is a hash of it)."""

    __tablename__ = "answer_link_uses"
    __table_args__ = (PrimaryKeyConstraint("organisation", "token_id"),)

    token_id: Mapped[str] = mapped_column(String(64))
    initials: Mapped[str] = mapped_column(String(KEY))
    item_key: Mapped[str] = mapped_column(Text)
    uses: Mapped[int] = mapped_column(Integer)
    first_used_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime]
    answered_at: Mapped[Optional[dt.datetime]]
    answer: Mapped[Optional[str]] = mapped_column(String(ENUM))
