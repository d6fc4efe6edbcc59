"""The one place that builds database engines, units of work and senders from the settings."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from governance_model.storage.database import make_engine, make_session_factory, migrate
from governance_model.storage.unit_of_work import SqlUnitOfWork
from govflow.settings import Settings, redact_url
from notifications.delivery import Sender, make_sender
from notifications.outbox import SendReport, send_pending


@lru_cache(maxsize=8)
def _engine(url: str):
    return make_engine(url)


@lru_cache(maxsize=8)
def _session_factory(url: str):
    return make_session_factory(_engine(url))


def init_database(settings: Settings) -> str:
    """Create or upgrade the schema; returns where the database is, password redacted."""
    if settings.database_url.startswith("sqlite"):
        settings.ensure_data_dir()
    migrate(_engine(settings.database_url))
    return redact_url(settings.database_url)


def unit_of_work(settings: Settings) -> SqlUnitOfWork:
    return SqlUnitOfWork(_session_factory(settings.database_url))


def sender(settings: Settings) -> Sender:
    """The SMTP relay (GOVFLOW_SMTP_URL) and apprise config if set; otherwise the local mailbox folder."""
    return make_sender(settings.smtp_url, settings.apprise_config, settings.mailbox_dir)


def send_pending_reminders(settings: Settings, now: dt.datetime) -> SendReport:
    return send_pending(lambda: unit_of_work(settings), sender(settings), now)
