"""The one place that builds the clock, database engines, units of work and senders from the
settings, and hands them down. A setting a library refuses (a database URL SQLAlchemy cannot use)
becomes a govflow error here, naming its variable."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event, inspect
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import ArgumentError

from governance_model.meeting_sources import MeetingSource, SourceReading
from governance_model.school_terms import SchoolTerms
from governance_model.storage import night_lock as night_locks
from governance_model.storage.database import make_engine, make_session_factory, migrate, parse_database_url
from governance_model.storage.unit_of_work import SqlUnitOfWork
from govflow.clock import Clock
from govflow.errors import DatabaseError, SettingsError
from govflow.settings import Settings, variable
from notifications.answer_links import AnswerSigner, DigestLinks
from notifications.delivery import Sender, make_sender
from notifications.outbox import SendReport, send_pending
from notifications.redaction import scrub_urls


def clock() -> Clock:
    """The application's clock (tests replace this function to fix the time)."""
    return Clock()


@lru_cache(maxsize=8)
def _engine(url: str):
    try:
        engine = make_engine(url)
    except (ArgumentError, ImportError) as error:  # an unknown dialect, a driver not installed, not a URL
        reason = scrub_urls(str(error).replace(url, scrub_urls(url)))
        raise SettingsError(variable("database_url"), f"{scrub_urls(url)} is not a database URL govflow can use ({reason})") from None

    @event.listens_for(engine, "handle_error")
    def _unreachable(context: ExceptionContext) -> None:
        # Only errors while connecting (no connection yet): the server is down, the name or the
        # password is wrong. A failing statement on a live connection is not a setting's fault.
        original = context.original_exception
        reason = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
        if context.connection is None:
            raise SettingsError(variable("database_url"), f"cannot connect to {scrub_urls(url)}: {scrub_urls(reason)}")
        # Two states of a live database a person can put right, said as such rather than a traceback.
        if "no such table" in reason or type(original).__name__ == "UndefinedTable":
            raise DatabaseError(
                f"the database at {scrub_urls(url)} has no govflow tables, or not all of them ({reason}): run `govflow init` first"
            )
        if "database is locked" in reason:
            raise DatabaseError(f"the database at {scrub_urls(url)} is busy: another govflow command kept it locked; try again when it has finished")

    return engine


@lru_cache(maxsize=8)
def _session_factory(url: str):
    return make_session_factory(_engine(url))


def init_database(settings: Settings) -> str:
    """Create or upgrade the schema; returns where the database is, password redacted."""
    url = settings.database_url.get_secret_value()
    if url.startswith("sqlite"):
        settings.ensure_data_dir()
    migrate(_engine(url))
    return scrub_urls(url)


def unit_of_work(settings: Settings) -> SqlUnitOfWork:
    """A unit of work in the council `settings.organisation` (see Settings.for_organisation)."""
    return SqlUnitOfWork(_session_factory(settings.database_url.get_secret_value()), settings.organisation)


def stored_term_dates(settings: Settings) -> SchoolTerms | None:
    """The council's term dates loaded into the database, or None when none are: also when there is
    no database yet (a SQLite file not created, which this does not create) or its schema is older
    than the term-dates table. Reading a phrase (`govflow when`) needs no database."""
    url = settings.database_url.get_secret_value()
    try:
        parsed = parse_database_url(url)
    except ArgumentError:
        _engine(url)  # raises the SettingsError naming the variable
        raise
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or (not database.startswith("file:") and not Path(database).expanduser().is_file()):
            return None
    if not inspect(_engine(url)).has_table("term_dates"):
        return None
    with unit_of_work(settings) as uow:
        return uow.term_dates.get()


def unit_of_work_factory(settings: Settings) -> Callable[[], SqlUnitOfWork]:
    """A fresh unit of work on each call (for services that open more than one transaction)."""
    return lambda: unit_of_work(settings)


def sender(settings: Settings, clock: Clock) -> Sender:
    """The SMTP relay (GOVFLOW_SMTP_URL) and apprise config if set; otherwise the local mailbox folder."""
    smtp_url = settings.smtp_url.get_secret_value() if settings.smtp_url else None
    # An SMTP URL or apprise config that apprise cannot use raises notifications' ConfigurationError,
    # which names the variable (and shows no password).
    return make_sender(smtp_url, settings.apprise_config, settings.mailbox_dir, clock=clock.now)


def check(settings: Settings, clock: Clock) -> None:
    """Build the database engine and the sender once, so that a setting that cannot be used is said
    before a long run (the nightly flow) starts, not in the middle of it."""
    _engine(settings.database_url.get_secret_value())
    sender(settings, clock)


def send_pending_reminders(settings: Settings, clock: Clock) -> SendReport:
    """Send every digest waiting in the outbox that is due now, GOVFLOW_SMTP_CONNECTIONS at once;
    each ends with its recipient's own calendar address (under GOVFLOW_PUBLIC_URL), and each item
    carries its answer links when GOVFLOW_ANSWER_KEY is set."""
    from govflow.services.directory import feed_links_of

    signer = answer_signer(settings)
    return send_pending(
        unit_of_work_factory(settings), sender(settings, clock), clock.now(), connections=settings.smtp_connections,
        feed_links=feed_links_of(settings.public_url),
        answer_links=DigestLinks(signer, settings.organisation, settings.public_url) if signer is not None else None,
    )


def answer_signer(settings: Settings) -> AnswerSigner | None:
    """What signs and reads the digests' answer links (GOVFLOW_ANSWER_KEY, GOVFLOW_ANSWER_LINK_DAYS);
    None when no key is set: then there are no links."""
    if settings.answer_key is None:
        return None
    return AnswerSigner(settings.answer_key.get_secret_value(), settings.answer_link_days)


def meeting_source_reader(settings: Settings) -> Callable[[MeetingSource, dt.date, dt.date], SourceReading]:
    """How `govflow meetings sync` and the nightly read a body's source: the committee_systems readers
    (ModernGov, CMIS, .ics), each answer held to GOVFLOW_SOURCE_MAX_BYTES and
    GOVFLOW_SOURCE_TIMEOUT_SECONDS."""
    from committee_systems.reading import read_source

    def read(source: MeetingSource, first_day: dt.date, last_day: dt.date) -> SourceReading:
        return read_source(
            source, first_day=first_day, last_day=last_day, max_bytes=settings.source_max_bytes, timeout=settings.source_timeout_seconds
        )

    return read


def organisations(settings: Settings) -> list[str]:
    """The councils (organisation keys) stored in the database, in order; the default council alone
    when nothing names another."""
    with unit_of_work(settings) as uow:
        return uow.organisations()


def night_lock(settings: Settings, wait_seconds: float) -> AbstractContextManager[None]:
    """The database's lock on the nightly run of the council `settings.organisation`, held while the
    context runs; night_locks.NightLockBusy when another process still holds it after `wait_seconds`."""
    return night_locks.night_lock(_engine(settings.database_url.get_secret_value()), settings.organisation, wait_seconds)
