"""Organisations: one database can hold many councils, each with its own people, bodies, documents,
plans, outbox, feeds and nightly runs, under its organisation key. A key names folders and web
paths, so it is lowercase letters, digits and dashes. Everything loaded without naming a council is
in the default one."""
from __future__ import annotations

import re

DEFAULT_ORGANISATION = "default"
_KEY = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?")


def check_organisation(value: object) -> str:
    """The key itself, or ValueError saying what a key may be."""
    if not isinstance(value, str) or not _KEY.fullmatch(value):
        raise ValueError(
            f"{str(value)[:80]!r} is not an organisation key: use lowercase letters, digits and dashes (up to 60), e.g. southend"
        )
    return value
