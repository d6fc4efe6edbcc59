"""Fixtures of the delivery tests: a real SMTP server on 127.0.0.1 (see support.py)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.notifications.support import Mailbox, SmtpServer, free_port


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """aiosmtpd on a free port, keeping every message it accepted in `smtp_server.mailbox`."""
    server = SmtpServer(free_port(), Mailbox())
    server.start()
    yield server
    server.stop()
