"""The in-memory answer-link uses (tests/fakes.py registers it): counted and answered as the SQL one does."""
from __future__ import annotations

import dataclasses
import datetime as dt

from governance_model.answer_link_uses import AnswerLinkUse, check_link_use


class FakeAnswerLinkRepository:
    """Answer-link uses by token id, in the store's `answer_link_uses`."""

    def __init__(self, store) -> None:
        self.store = store

    def get(self, token_id: str) -> AnswerLinkUse | None:
        return self.store.answer_link_uses.get(token_id)

    def count_use(self, token_id: str, initials: str, item_key: str, at: dt.datetime) -> AnswerLinkUse:
        check_link_use(token_id, at)
        at = at.astimezone(dt.timezone.utc)
        known = self.store.answer_link_uses.get(token_id)
        use = (
            AnswerLinkUse(token_id, initials, item_key, 1, at, at) if known is None
            else dataclasses.replace(known, uses=known.uses + 1, last_used_at=at)
        )
        self.store.answer_link_uses[token_id] = use
        return use

    def mark_answered(self, token_id: str, answer: str, at: dt.datetime) -> bool:
        check_link_use(token_id, at)
        known = self.store.answer_link_uses.get(token_id)
        if known is None or known.answered_at is not None:
            return False
        self.store.answer_link_uses[token_id] = dataclasses.replace(known, answered_at=at.astimezone(dt.timezone.utc), answer=answer)
        return True

    def release(self, token_id: str) -> None:
        known = self.store.answer_link_uses.get(token_id)
        if known is not None:
            self.store.answer_link_uses[token_id] = dataclasses.replace(known, answered_at=None, answer=None)
