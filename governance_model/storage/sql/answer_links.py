"""The uses of answer links in SQL, by token id (a hash of the token)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from governance_model.answer_link_uses import AnswerLinkUse, check_link_use
from governance_model.storage.sql.common import SqlRepository
from governance_model.storage.answer_tables import AnswerLinkUseRow


class SqlAnswerLinkRepository(SqlRepository):
    """How often each answer link was posted to, and its answer."""

    def get(self, token_id: str) -> AnswerLinkUse | None:
        row = self.session.scalar(select(AnswerLinkUseRow).where(AnswerLinkUseRow.token_id == token_id))
        return _use(row) if row is not None else None

    def count_use(self, token_id: str, initials: str, item_key: str, at: dt.datetime) -> AnswerLinkUse:
        """One INSERT … ON CONFLICT DO UPDATE uses = uses + 1: two requests at once count twice."""
        check_link_use(token_id, at)
        table = AnswerLinkUseRow.__table__
        statement = self._insert(table).values(
            token_id=token_id, initials=initials, item_key=item_key, uses=1, first_used_at=at, last_used_at=at
        )
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.organisation, table.c.token_id],
            set_={"uses": table.c.uses + 1, "last_used_at": statement.excluded.last_used_at},
        )
        self.session.flush()
        self.session.execute(statement)
        self.session.expire_all()
        return self.get(token_id)  # type: ignore[return-value]

    def mark_answered(self, token_id: str, answer: str, at: dt.datetime) -> bool:
        check_link_use(token_id, at)
        claimed = self.session.execute(  # one UPDATE: of two at once, the second finds it answered
            update(AnswerLinkUseRow)
            .where(AnswerLinkUseRow.token_id == token_id, AnswerLinkUseRow.answered_at.is_(None))
            .values(answered_at=at, answer=answer)
        )
        return claimed.rowcount == 1

    def release(self, token_id: str) -> None:
        self.session.execute(update(AnswerLinkUseRow).where(AnswerLinkUseRow.token_id == token_id).values(answered_at=None, answer=None))


def _use(row: AnswerLinkUseRow) -> AnswerLinkUse:
    utc = dt.timezone.utc
    return AnswerLinkUse(
        row.token_id, row.initials, row.item_key, row.uses, row.first_used_at.astimezone(utc), row.last_used_at.astimezone(utc),
        row.answered_at.astimezone(utc) if row.answered_at is not None else None, row.answer,
    )
