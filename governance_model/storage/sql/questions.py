"""Questions put at meetings, with their answers, in SQL."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import delete, select

from governance_model.errors import ModelError
from governance_model.repository_rules import check_questions
from governance_model.storage.sql.common import SqlRepository, plain_rows
from governance_model.storage.answer_tables import MeetingQuestionRow
from governance_model.strategy import MeetingQuestion


class SqlQuestionRepository(SqlRepository):
    """A meeting's questions, replaced whole by a save; read by meeting and number."""

    def save_for_meeting(self, meeting_key: str, questions: Iterable[MeetingQuestion]) -> None:
        """The meeting's questions become exactly `questions` (none: it has none)."""
        questions = list(questions)
        if any(q.meeting_key != meeting_key for q in questions):
            raise ModelError(f"a question of another meeting given for {meeting_key!r}")
        check_questions(questions)
        self._hold_setup_lock()
        self.session.execute(delete(MeetingQuestionRow).where(MeetingQuestionRow.meeting_key == meeting_key))
        self.session.add_all(
            MeetingQuestionRow(
                meeting_key=q.meeting_key, number=q.number, asked_by=q.asked_by, question=q.question, answer=q.answer, about=q.about
            )
            for q in questions
        )
        self.session.flush()

    def list(self, *, about: str | None = None) -> list[MeetingQuestion]:
        query = select(
            MeetingQuestionRow.meeting_key,
            MeetingQuestionRow.number,
            MeetingQuestionRow.asked_by,
            MeetingQuestionRow.question,
            MeetingQuestionRow.answer,
            MeetingQuestionRow.about,
        ).order_by(MeetingQuestionRow.meeting_key, MeetingQuestionRow.number)
        if about is not None:
            query = query.where(MeetingQuestionRow.about == about)
        return [MeetingQuestion(*row) for row in plain_rows(self.session, query)]
