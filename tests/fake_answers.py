"""The in-memory stand-in for the owner-answers repository (governance_model.ports.OwnerAnswerRepository),
kept in the FakeStore like the others so a block left without commit() throws it away. It keeps the
expected dates but does not attach them to the fake's documents and plans (the SQL reads do)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from governance_model.audit import check_audit_time
from governance_model.model import ExpectedDate
from governance_model.owner_answers import AWAITING, CONFIRMED, AwaitingAnswer


class FakeOwnerAnswerRepository:
    def __init__(self, store) -> None:
        self.store = store
        store.__dict__.setdefault("expected_dates", {})
        store.__dict__.setdefault("owner_answers", {})

    def save_expected(self, expected: ExpectedDate) -> None:
        self.store.expected_dates[expected.item_key] = expected

    def expected(self, prefix: str = "") -> dict[str, ExpectedDate]:
        return {k: v for k, v in self.store.expected_dates.items() if k.startswith(prefix)}

    def add_awaiting(self, answer: AwaitingAnswer) -> AwaitingAnswer:
        check_audit_time(answer.answered_at)
        stored = dataclasses.replace(answer, id=max(self.store.owner_answers, default=0) + 1, status=AWAITING)
        self.store.owner_answers[stored.id] = stored
        return stored

    def get_answer(self, answer_id: int) -> AwaitingAnswer | None:
        return self.store.owner_answers.get(answer_id)

    def answers(self, *, awaiting: bool = True, item_key: str | None = None) -> list[AwaitingAnswer]:
        found = [a for a in self.store.owner_answers.values() if (not awaiting or a.status == AWAITING) and item_key in (None, a.item_key)]
        return sorted(found, key=lambda a: (a.answered_at, a.id))

    def mark_confirmed(self, answer_id: int, by: str, at: dt.datetime) -> bool:
        answer = self.store.owner_answers.get(answer_id)
        if answer is None or answer.status != AWAITING:
            return False
        self.store.owner_answers[answer_id] = dataclasses.replace(answer, status=CONFIRMED, confirmed_by=by, confirmed_at=at)
        return True
