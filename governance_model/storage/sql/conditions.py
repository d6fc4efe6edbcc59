"""The conditions contingent dates wait for, in SQL."""
from __future__ import annotations

from sqlalchemy import select

from governance_model.model import Condition
from governance_model.repository_rules import condition_key
from governance_model.storage.sql.common import SqlRepository, plain_rows
from governance_model.storage.tables import ConditionRow


class SqlConditionRepository(SqlRepository):
    """Conditions that contingent Whens wait for, one per name whatever its case."""

    def save(self, condition: Condition) -> None:
        """Record that a condition is met; one per name regardless of case (saving again replaces it)."""
        self._hold_setup_lock()
        key = condition_key(condition.name)
        row = self.session.scalar(select(ConditionRow).where(ConditionRow.name_key == key))
        if row is None:
            row = ConditionRow(name_key=key)
            self.session.add(row)
        row.name = condition.name.strip()
        row.met_on = condition.met_on
        row.note = condition.note
        self.session.flush()

    def list(self) -> list[Condition]:
        query = select(ConditionRow.name, ConditionRow.met_on, ConditionRow.note).order_by(ConditionRow.name_key)
        return [Condition(name=name, met_on=met_on, note=note) for name, met_on, note in plain_rows(self.session, query)]
