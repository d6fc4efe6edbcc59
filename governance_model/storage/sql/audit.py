"""The audit trail in SQL."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from governance_model.audit import AuditEvent, check_audit_time
from governance_model.storage.sql.common import SqlRepository
from governance_model.storage.tables import AuditEventRow


class SqlAuditRepository(SqlRepository):
    """Audit events: only ever added."""

    def add(
        self,
        *,
        occurred_at: dt.datetime,
        actor: str,
        kind: str,
        subject: str,
        reason: str = "",
        details: dict[str, Any] | None = None,
    ) -> AuditEvent:
        """Record an event; returns it as stored (with its id, time in UTC)."""
        check_audit_time(occurred_at)
        row = AuditEventRow(
            occurred_at=occurred_at,
            actor=actor,
            kind=kind,
            subject=subject,
            reason=reason,
            details=dict(details or {}),
        )
        self.session.add(row)
        self.session.flush()
        return _audit_event(row)

    def list(
        self,
        *,
        subject: str | None = None,
        kind: str | None = None,
        actor: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> list[AuditEvent]:
        """Events in time order; `since` is inclusive, `until` exclusive."""
        query = select(AuditEventRow).order_by(AuditEventRow.occurred_at, AuditEventRow.id)
        if subject is not None:
            query = query.where(AuditEventRow.subject == subject)
        if kind is not None:
            query = query.where(AuditEventRow.kind == kind)
        if actor is not None:
            query = query.where(AuditEventRow.actor == actor)
        if since is not None:
            check_audit_time(since)
            query = query.where(AuditEventRow.occurred_at >= since)
        if until is not None:
            check_audit_time(until)
            query = query.where(AuditEventRow.occurred_at < until)
        return [_audit_event(row) for row in self.session.scalars(query)]


def _audit_event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        occurred_at=row.occurred_at.astimezone(dt.timezone.utc),
        actor=row.actor,
        kind=row.kind,
        subject=row.subject,
        reason=row.reason,
        details=dict(row.details),
    )
