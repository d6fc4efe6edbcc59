"""What owners answer from a reminder, in SQL: the dates they now expect items by, and the "done"
answers awaiting a secretary's confirmation (storage/answer_tables.py)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from governance_model.audit import check_audit_time
from governance_model.errors import ModelError
from governance_model.model import ExpectedDate
from governance_model.owner_answers import AWAITING, CONFIRMED, AwaitingAnswer
from governance_model.storage.answer_tables import AwaitingAnswerRow, ExpectedDateRow
from governance_model.storage.sql.common import SqlRepository
from governance_model.storage.when_columns import load_when, store_when


class SqlOwnerAnswerRepository(SqlRepository):
    """Expected dates by item key (one each: the latest said), and the answers awaiting confirmation."""

    def save_expected(self, expected: ExpectedDate) -> None:
        """Keep the date an owner now expects an item by, replacing what was said before."""
        if expected.recorded_at is None:
            raise ModelError("an expected date needs the time it was recorded")
        check_audit_time(expected.recorded_at)
        row = self.session.scalar(select(ExpectedDateRow).where(ExpectedDateRow.item_key == expected.item_key))
        if row is None:
            row = ExpectedDateRow(item_key=expected.item_key)
            self.session.add(row)
        row.said_by, row.said_on, row.note, row.recorded_at = expected.by, expected.said_on, expected.note, expected.recorded_at
        store_when(row, expected.when)
        self.session.flush()

    def expected(self, prefix: str = "") -> dict[str, ExpectedDate]:
        """The expected dates of the items whose keys start with `prefix` ("step:", "action:"), by item key."""
        return expected_dates(self.session, prefix)

    def add_awaiting(self, answer: AwaitingAnswer) -> AwaitingAnswer:
        """Store a "done" awaiting confirmation; returns it with its id."""
        check_audit_time(answer.answered_at)
        row = AwaitingAnswerRow(
            item_key=answer.item_key, answered_by=answer.answered_by, answered_on=answer.answered_on,
            answered_at=answer.answered_at, body_code=answer.body_code, note=answer.note, status=AWAITING,
        )  # fmt: skip
        self.session.add(row)
        self.session.flush()
        return _answer(row)

    def get_answer(self, answer_id: int) -> AwaitingAnswer | None:
        row = self.session.scalar(select(AwaitingAnswerRow).where(AwaitingAnswerRow.id == answer_id))
        return _answer(row) if row is not None else None

    def answers(self, *, awaiting: bool = True, item_key: str | None = None) -> list[AwaitingAnswer]:
        """Answers in the order they came; only those still awaiting confirmation unless `awaiting` is False."""
        query = select(AwaitingAnswerRow).order_by(AwaitingAnswerRow.answered_at, AwaitingAnswerRow.id)
        if awaiting:
            query = query.where(AwaitingAnswerRow.status == AWAITING)
        if item_key is not None:
            query = query.where(AwaitingAnswerRow.item_key == item_key)
        return [_answer(row) for row in self.session.scalars(query)]

    def mark_confirmed(self, answer_id: int, by: str, at: dt.datetime) -> bool:
        """Confirm an answer still awaiting it; False when it is not (confirmed already, or by another
        transaction first: the status is the claim, so one confirmation wins)."""
        check_audit_time(at)
        done = self.session.execute(
            update(AwaitingAnswerRow)
            .where(AwaitingAnswerRow.id == answer_id, AwaitingAnswerRow.status == AWAITING)
            .values(status=CONFIRMED, confirmed_by=by, confirmed_at=at)
            .execution_options(synchronize_session=False)
        )
        return done.rowcount == 1


def expected_dates(session: Session, prefix: str = "") -> dict[str, ExpectedDate]:
    """Every expected date whose item key starts with `prefix` (the documents' and plans' loaders
    attach them to their steps and actions)."""
    query = select(ExpectedDateRow)
    if prefix:
        query = query.where(ExpectedDateRow.item_key.startswith(prefix, autoescape=True))
    found = {}
    for row in session.scalars(query):
        when = load_when(row)
        if when is not None:
            found[row.item_key] = ExpectedDate(row.item_key, when, row.said_by, row.said_on, row.note, row.recorded_at)
    return found


def _answer(row: AwaitingAnswerRow) -> AwaitingAnswer:
    return AwaitingAnswer(
        id=row.id, item_key=row.item_key, answered_by=row.answered_by, answered_on=row.answered_on,
        answered_at=row.answered_at, body_code=row.body_code, note=row.note, status=row.status,
        confirmed_by=row.confirmed_by, confirmed_at=row.confirmed_at,
    )  # fmt: skip
