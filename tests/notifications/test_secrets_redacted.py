"""Apprise URLs carry passwords: none may reach a log record (apprise's own included, at every
level), an exception, the outbox's stored error, the send report, a repr, or stdout/stderr."""
from __future__ import annotations

import logging
from urllib.parse import quote

import pytest

from governance_model.model import Person
from govflow import wiring
from govflow.clock import FixedClock
from govflow.settings import Settings
from notifications.delivery import ApprisePersonSender
from notifications.digest import build_digest
from notifications.errors import ConfigurationError, DeliveryError
from notifications.outbox import send_pending
from notifications.redaction import Redactor, scrub_urls, shown_url
from tests.notifications.support import (
    FROM,
    NOW,
    PEOPLE,
    Mailbox,
    SmtpServer,
    free_port,
    messages,
    queue,
    save_people,
    three_people_reminders,
)

PASSWORD = "S3cr3t-P4ss"
TEAMS_TOKEN = "Zq8rT0kenThatMustNotLeak"


def _spellings(secret: str) -> list[str]:
    return [secret, quote(secret, safe="")]


@pytest.fixture
def refusing_server():
    """An SMTP server that offers AUTH over plain SMTP and turns every login down."""
    server = SmtpServer(free_port(), Mailbox(), refuse_login=True)
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("relay", ["refuses the login", "is not listening"])
def test_the_smtp_password_appears_nowhere(
    relay: str, refusing_server: SmtpServer, uow_factory, caplog, capfd
) -> None:
    port = refusing_server.port if relay == "refuses the login" else free_port()
    smtp_url = f"mailto://govflow:{PASSWORD}@127.0.0.1:{port}?from={FROM}"
    caplog.set_level(1)  # everything, apprise's TRACE records included
    logging.getLogger("apprise").setLevel(1)
    try:
        settings = Settings(smtp_url=smtp_url, data_dir="/tmp/unused")
        sender = wiring.sender(settings, FixedClock(NOW))
        assert isinstance(sender, ApprisePersonSender)
        save_people(uow_factory)
        queue(uow_factory, three_people_reminders())

        report = send_pending(uow_factory, sender, NOW)
        with pytest.raises(DeliveryError) as raised:
            person = PEOPLE["GB"]
            sender.send(person, build_digest(person, three_people_reminders()[:1]))
    finally:
        logging.getLogger("apprise").setLevel(logging.NOTSET)

    assert (report.sent, report.failed) == (0, 3)
    stored = [m.last_error for m in messages(uow_factory)]
    why = "Authentication" if relay == "refuses the login" else "Connection refused"
    assert all(why in error for error in stored), stored
    assert any(r.name == "apprise" for r in caplog.records), "apprise logged nothing: the test saw nothing"
    if relay == "refuses the login":
        assert refusing_server.mailbox.received == []

    out, err = capfd.readouterr()
    seen = {
        "log records": "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records),
        "log text": caplog.text,
        "exception": f"{raised.value} {raised.value!r}",
        "stored errors": "\n".join(stored),
        "report": "\n".join(report.errors),
        "reprs": f"{settings!r} {settings} {sender!r}",
        "stdout": out,
        "stderr": err,
    }
    for where, text in seen.items():
        for spelling in _spellings(PASSWORD):
            assert spelling not in text, f"the password is in the {where}"


def test_a_persons_own_apprise_url_tokens_are_redacted(caplog) -> None:
    """A Teams URL that cannot be reached: its token shows in no error or log."""
    caplog.set_level(1)
    person = Person("GB", email=None, apprise_urls=[f"json://gb:{TEAMS_TOKEN}@127.0.0.1:{free_port()}/hook"])
    sender = ApprisePersonSender()
    with pytest.raises(DeliveryError) as raised:
        sender.send(person, build_digest(person, three_people_reminders()[:1]))
    assert "json://gb:***@127.0.0.1" in str(raised.value)
    assert TEAMS_TOKEN not in str(raised.value) and TEAMS_TOKEN not in caplog.text


def test_a_bad_smtp_url_is_refused_without_showing_its_password() -> None:
    with pytest.raises(ConfigurationError) as raised:
        ApprisePersonSender(f"mailto://govflow:{PASSWORD}@relay.example.org/someone@example.org?from={FROM}")
    assert "names recipients" in str(raised.value) and PASSWORD not in str(raised.value)
    with pytest.raises(ConfigurationError) as raised:
        ApprisePersonSender(f"json://govflow:{PASSWORD}@relay.example.org")
    assert "not an apprise mailto://" in str(raised.value) and PASSWORD not in str(raised.value)


def test_redaction_of_urls_and_known_secrets() -> None:
    assert scrub_urls("postgresql://app:pw@db/govflow and mailto://u:p%40ss@relay:587?from=a@b") == (
        "postgresql://app:***@db/govflow and mailto://u:***@relay:587?from=a@b"
    )
    assert scrub_urls("mailto://127.0.0.1:2525?from=govflow@council.example.org") == (
        "mailto://127.0.0.1:2525?from=govflow@council.example.org"  # no userinfo: nothing to hide
    )
    assert shown_url(f"mailtos://govflow:{PASSWORD}@relay.example.org:587?from={FROM}") == (
        f"mailtos://govflow:***@relay.example.org:587?from={FROM}"
    )
    redactor = Redactor()
    redactor.add_url("slack://TokenA1x/TokenB2x/TokenC3x/#general")
    assert redactor("posting to TokenB2x failed") == "posting to *** failed"


def test_settings_show_no_password() -> None:
    settings = Settings(
        smtp_url=f"mailtos://govflow:{PASSWORD}@relay.example.org:587?from={FROM}",
        database_url="postgresql://govflow:dbS3cret@db.example.org/govflow",
        data_dir="/srv/govflow",
    )
    assert settings.smtp_url.get_secret_value().endswith(f"{PASSWORD}@relay.example.org:587?from={FROM}")  # the value itself is intact
    shown = repr(settings)
    assert PASSWORD not in shown and "dbS3cret" not in shown
    assert "mailtos://govflow:***@relay.example.org:587" in shown
    assert str(settings.mailbox_dir) == "/srv/govflow/mailbox"


def test_settings_read_the_delivery_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().mailbox_dir == Settings().data_dir / "mailbox"
    monkeypatch.setenv("GOVFLOW_MAILBOX_DIR", "/var/mail/govflow")
    monkeypatch.setenv("GOVFLOW_APPRISE_CONFIG", "/etc/govflow/apprise.yml")
    settings = Settings()
    assert settings.smtp_url is None
    assert str(settings.mailbox_dir) == "/var/mail/govflow"
    assert str(settings.apprise_config) == "/etc/govflow/apprise.yml"
