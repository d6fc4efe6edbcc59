"""The audit trail's record: something that happened, who did it and why, kept for the record."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from governance_model.errors import ModelError


@dataclass
class AuditEvent:
    """Something that happened and who did it, kept for the record (`details` is JSON)."""

    occurred_at: dt.datetime  # aware; read back in UTC
    actor: str
    kind: str
    subject: str
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


def check_audit_time(moment: dt.datetime) -> None:
    if moment.utcoffset() is None:
        raise ModelError(f"audit event time {moment.isoformat()} has no time zone")
