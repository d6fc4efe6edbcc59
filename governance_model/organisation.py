"""Organisations: one database can hold many councils, each with its own people, bodies, documents,
plans, outbox, feeds and nightly runs, under its organisation key. A key names folders and web
paths, so it is lowercase letters, digits and dashes. Everything loaded without naming a council is
in the default one."""
from __future__ import annotations

import re
from contextvars import ContextVar

DEFAULT_ORGANISATION = "default"
ORGANISATION_LENGTH = 60
# The council whose rows are being written now: set by the SQL unit of work while it is open.
CURRENT_ORGANISATION: ContextVar[str] = ContextVar("govflow_organisation", default=DEFAULT_ORGANISATION)
_KEY = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?")


# Names of the feed and report folders and web paths a council's key would hide.
RESERVED = frozenset({"all", "body", "document", "person", "feeds", "reports", "board", "plan", "subscribe", "meetings", "documents", "plans"})


def check_organisation(value: object) -> str:
    """The key itself, or ValueError saying what a key may be."""
    if not isinstance(value, str) or not _KEY.fullmatch(value):
        raise ValueError(
            f"{str(value)[:80]!r} is not an organisation key: use lowercase letters, digits and dashes (up to 60), e.g. southend"
        )
    if value in RESERVED:
        raise ValueError(f"{value!r} cannot be an organisation key: govflow's folders and web paths use it ({', '.join(sorted(RESERVED))})")
    return value


def current_organisation() -> str:
    """The council the open unit of work writes for (the default council outside one)."""
    return CURRENT_ORGANISATION.get()
