"""What the calendar feeds remember between builds, in SQL: event states and feed tokens."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from sqlalchemy import select

from governance_model.feed_state import FeedEventState, FeedToken, check_feed_event_state
from governance_model.repository_rules import check_aware
from governance_model.storage.sql.common import IN_LIST_CHUNK, INSERT_CHUNK, SqlRepository, chunks, rows_of
from governance_model.storage.tables import FeedEventRow, FeedTokenRow


class SqlFeedRepository(SqlRepository):
    """Feed event states by UID and private feed tokens by initials."""

    def event_states(self, uids: Iterable[str] | None = None) -> dict[str, FeedEventState]:
        """The stored state of each of these event UIDs that has one (all of them when `uids` is None)."""
        columns = (FeedEventRow.uid, FeedEventRow.content_hash, FeedEventRow.sequence, FeedEventRow.last_modified)
        if uids is None:
            rows = list(rows_of(self.session, select(*columns)))
        else:
            wanted = sorted(set(uids))
            rows = []
            for chunk in chunks(wanted, IN_LIST_CHUNK):
                rows.extend(rows_of(self.session, select(*columns).where(FeedEventRow.uid.in_(list(chunk)))))
        return {
            uid: FeedEventState(uid, content_hash, sequence, last_modified)
            for uid, content_hash, sequence, last_modified in rows
        }

    def save_event_states(self, states: Iterable[FeedEventState]) -> None:
        """Upsert event states by UID, in bulk (one INSERT … ON CONFLICT per chunk)."""
        by_uid = {state.uid: state for state in states}
        for state in by_uid.values():
            check_feed_event_state(state)
        rows = [
            {"uid": s.uid, "content_hash": s.content_hash, "sequence": s.sequence, "last_modified": s.last_modified}
            for s in by_uid.values()
        ]
        for chunk in chunks(rows, INSERT_CHUNK):
            self.session.execute(self._upsert(FeedEventRow.__table__, "organisation", "uid"), list(chunk))

    def get_token(self, initials: str) -> FeedToken | None:
        row = self.session.scalar(select(FeedTokenRow).where(FeedTokenRow.initials == initials))
        return _feed_token(row) if row is not None else None

    def list_tokens(self) -> dict[str, FeedToken]:
        rows = self.session.scalars(select(FeedTokenRow).order_by(FeedTokenRow.initials))
        return {row.initials: _feed_token(row) for row in rows}

    def set_token(self, initials: str, token: str, at: dt.datetime) -> FeedToken:
        """Give a person a feed token; replacing one records `at` as `rotated_at`."""
        check_aware(at, "feed token time")
        # One upsert, so two builds giving a new person a token at once do not collide: the later wins.
        table = FeedTokenRow.__table__
        statement = self._insert(table).values(initials=initials, token=token, created_at=at, rotated_at=None)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.organisation, table.c.initials],
            set_={"token": statement.excluded.token, "rotated_at": statement.excluded.created_at},
        )
        self.session.flush()
        self.session.execute(statement)
        self.session.expire_all()
        return self.get_token(initials)  # type: ignore[return-value]


def _feed_token(row: FeedTokenRow) -> FeedToken:
    return FeedToken(row.initials, row.token, row.created_at, row.rotated_at)
