"""Where ApprisePersonSender sends a digest besides the person's email: the person's own apprise
URLs and the URLs tagged with their initials in the apprise config file. Each destination here is
the real SMTP server again (apprise mailto:// URLs), so what arrives can be read back."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from governance_model.model import Person
from notifications.delivery import ApprisePersonSender, make_sender
from notifications.digest import build_digest
from notifications.errors import ConfigurationError, DeliveryError
from tests.notifications.support import FROM, NOW, PEOPLE, SmtpServer, free_port, three_people_reminders


def gb_digest(person: Person):
    return build_digest(person, [r for r in three_people_reminders() if r.recipient == "GB"])


def test_a_persons_own_urls_and_tagged_config_urls_get_the_digest(smtp_server: SmtpServer, tmp_path: Path) -> None:
    base = f"mailto://127.0.0.1:{smtp_server.port}?from={FROM}"
    config = tmp_path / "apprise.txt"
    config.write_text(
        f"gb = {base}&to=sspb-team@council.example.org\n"
        f"BM = {base}&to=bm-team@council.example.org\n"
        f"{base}&to=untagged@council.example.org\n"
    )
    person = Person(
        "GB",
        "Gill Brown",
        email="gb@council.example.org",
        # A text-only destination gets our own plain-text rendering.
        apprise_urls=[f"{base}&to=gb-phone@council.example.org&format=text"],
    )
    sender = make_sender(smtp_server.url(), config, tmp_path / "mailbox", clock=lambda: NOW)
    digest = gb_digest(person)
    sender.send(person, digest)

    mailbox = smtp_server.mailbox
    assert sorted(a for r in mailbox.received for a in r.rcpt_tos) == [
        "gb-phone@council.example.org",
        "gb@council.example.org",
        "sspb-team@council.example.org",
    ]
    (phone,) = mailbox.to("gb-phone@council.example.org")
    assert phone.message.get_content_type() == "text/plain"
    assert phone.message.get_content().replace("\r\n", "\n").strip() == digest.text.strip()
    (team,) = mailbox.to("sspb-team@council.example.org")
    assert team.part("text/html").strip() == digest.html.strip()


def test_one_failed_destination_does_not_resend_to_the_others(smtp_server: SmtpServer, caplog) -> None:
    person = Person(
        "GB",
        email="gb@council.example.org",
        apprise_urls=[f"mailto://127.0.0.1:{free_port()}?from={FROM}&to=gb-phone@council.example.org"],
    )
    with caplog.at_level(logging.WARNING, logger="notifications.delivery"):
        ApprisePersonSender(smtp_server.url()).send(person, gb_digest(person))  # no DeliveryError
    assert [r.rcpt_tos for r in smtp_server.mailbox.received] == [["gb@council.example.org"]]
    assert "not delivered to mailto://127.0.0.1" in caplog.text and "delivered to email to gb@" in caplog.text


def test_a_person_with_no_address_or_a_bad_one_is_not_sent_to_the_sender(smtp_server: SmtpServer) -> None:
    sender = ApprisePersonSender(smtp_server.url())
    gb = PEOPLE["GB"]
    digest = gb_digest(gb)
    with pytest.raises(DeliveryError, match="GB has no email address, and no apprise URL"):
        sender.send(Person("GB"), digest)
    with pytest.raises(DeliveryError, match="is not an email address"):
        sender.send(Person("GB", email="gb at council"), digest)
    no_relay = ApprisePersonSender(config_path=None)
    with pytest.raises(DeliveryError, match="no SMTP relay is configured"):
        no_relay.send(gb, digest)
    assert smtp_server.mailbox.received == []


def test_a_missing_config_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read the apprise config file"):
        ApprisePersonSender(config_path=tmp_path / "missing.yml")
