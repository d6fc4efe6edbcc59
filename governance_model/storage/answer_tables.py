"""The tables of what owners answer from a reminder (issue 17, migration 0017): the dates they now
expect items by, and the "done" answers that wait for a secretary's confirmation. Kept apart from
the setup's tables, keyed by the item as reminders name it ("step:DOC/STEP"), so loading a setup
or plan file again leaves them as they are."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import CheckConstraint, String, Text, UniqueConstraint
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
