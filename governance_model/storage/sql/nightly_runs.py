"""The nightly runs in SQL, one per as-of date."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from governance_model.model import NightlyRun
from governance_model.repository_rules import stored_summary
from governance_model.storage.sql.common import SqlRepository
from governance_model.storage.tables import NightlyRunRow


class SqlNightlyRunRepository(SqlRepository):
    """Nightly runs, one per as-of date."""

    def record(self, run: NightlyRun) -> None:
        """Store a completed run; a run for an as-of date already recorded replaces it."""
        summary = stored_summary(run)
        row = self.session.scalar(select(NightlyRunRow).where(NightlyRunRow.as_of == run.as_of))
        if row is None:
            row = NightlyRunRow(as_of=run.as_of)
            self.session.add(row)
        row.finished_at = run.finished_at
        row.summary = summary
        self.session.flush()

    def get(self, as_of: dt.date) -> NightlyRun | None:
        row = self.session.scalar(select(NightlyRunRow).where(NightlyRunRow.as_of == as_of))
        return _nightly_run(row) if row is not None else None

    def last(self) -> NightlyRun | None:
        """The run with the latest as-of date (not the one that finished last)."""
        row = self.session.scalar(select(NightlyRunRow).order_by(NightlyRunRow.as_of.desc()).limit(1))
        return _nightly_run(row) if row is not None else None


def _nightly_run(row: NightlyRunRow) -> NightlyRun:
    return NightlyRun(
        as_of=row.as_of,
        finished_at=row.finished_at.astimezone(dt.timezone.utc),
        summary=json.loads(json.dumps(row.summary)),  # a copy: the row's own dict stays untouched
    )
