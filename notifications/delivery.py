"""Senders: how a digest leaves the system. Each has one method, `send(person, digest)`, which
returns when the digest is delivered and raises `DeliveryError` (with a redacted message) when not.

- `ApprisePersonSender` sends through apprise (and the SMTP relay): the digest goes by email to `person.email` through
  the relay named by GOVFLOW_SMTP_URL, and to each of `person.apprise_urls` (Teams, Slack …), and to
  the URLs tagged with the person's initials in GOVFLOW_APPRISE_CONFIG.
- `MailboxSender` writes each digest as an RFC 5322 `.eml` file into a folder: the default when
  nothing is configured, so the demo shows what would be sent.

`make_sender(smtp_url, apprise_config, mailbox_dir, clock=…)` picks one from the settings.

GOVFLOW_SMTP_URL is an apprise `mailto://` (plain SMTP, or STARTTLS when the relay offers it on
587) or `mailtos://` URL naming the relay and the sender, never the recipients (govflow adds
`to=` per person):

    mailtos://user:pass@relay.example.org:587?from=govflow@council.example.org
    mailto://127.0.0.1:2525?from=govflow@council.example.org      (local relay, no login)

For a relay without login leave out user and password: apprise then skips AUTH and, for
`mailto://`, talks plain SMTP (`mode=insecure`); `from=` is required because there is no user to
make a sender address from. Percent-encode `@ / ? #` in a password.

Email and HTML: the email to `person.email` goes through the relay from govflow itself
(notifications.smtp_relay), because apprise's email plugin cannot give it our stable Message-ID;
apprise still reads the URL and writes the text/plain part, as its conversion of our HTML. The HTML
template is written so that conversion reads well (each item a heading followed by a list of its
details). Services that do not take HTML (Slack, Teams and the like) get our plain-text rendering
instead. The `.eml` files of `MailboxSender` carry both of our own parts. Both carry the digest's
Message-ID (`Digest.message_id`): a resend of the same digest after a crash has the same one.
"""
from __future__ import annotations

import datetime as dt
import email.policy
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import partial
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from governance_model.model import Person
from notifications.digest import Digest
from notifications.errors import ConfigurationError, DeliveryError
from notifications.redaction import Redactor, privacy_url, redacting_apprise_logs
from notifications.smtp_relay import Relay, RelayConnections, RelayError, digest_email

logger = logging.getLogger(__name__)

APP_ID = "govflow"
DEFAULT_FROM = "govflow@localhost"


class Sender(Protocol):
    """Delivers one person's digest; raises DeliveryError (its message redacted) when it cannot.
    `send` may be called from several threads at once (the outbox's senders); `close` ends the
    connections kept open between sends."""

    def send(self, person: Person, digest: Digest) -> None: ...
    def close(self) -> None: ...


# ---- apprise ------------------------------------------------------------------------------------


class ApprisePersonSender:
    """Sends each digest through apprise: email to the person's address through the SMTP relay of
    `smtp_url`, and the person's own apprise URLs, and the URLs tagged with the person's initials
    in the apprise config file at `config_path`.

    A digest counts as delivered when at least one destination took it. A destination that failed
    while another succeeded is logged (redacted), not retried: retrying would send the digest again
    to those that already have it, and a reminder is never sent twice."""

    def __init__(self, smtp_url: str | None = None, config_path: str | os.PathLike[str] | None = None):
        import apprise

        self._apprise = apprise
        self._asset = apprise.AppriseAsset(app_id=APP_ID, app_desc="govflow reminders", storage_mode="memory")
        self.redactor = Redactor()
        self.smtp_url = smtp_url or None
        self.config_path = Path(config_path) if config_path else None
        self._relay_connections = RelayConnections()  # each thread's SMTP session, kept open
        if self.smtp_url:
            self.redactor.add_url(self.smtp_url)
            with redacting_apprise_logs(self.redactor):
                self._check_smtp_url(self.smtp_url)
        if self.config_path is not None:
            with redacting_apprise_logs(self.redactor):
                servers = list(self._config_servers(tag=None))
            for server in servers:
                self.redactor.add_plugin(server)

    def __repr__(self) -> str:
        relay = privacy_url(self.smtp_url) if self.smtp_url else None
        return f"ApprisePersonSender(smtp_url={relay!r}, config_path={str(self.config_path) if self.config_path else None!r})"

    def redact(self, text: str) -> str:
        """`text` without the passwords and tokens of the configured URLs (or any URL password)."""
        return self.redactor(text)

    def close(self) -> None:
        """End the SMTP sessions kept open for the next digest."""
        self._relay_connections.close()

    def send(self, person: Person, digest: Digest) -> None:
        redactor = self.redactor.copy()
        for url in person.apprise_urls:
            redactor.add_url(url)
        with redacting_apprise_logs(redactor):
            destinations = self._destinations(person, redactor)
            if not destinations:
                address = (
                    "an email address but no SMTP relay is configured (GOVFLOW_SMTP_URL)"
                    if person.email
                    else "no email address"
                )
                raise DeliveryError(f"{person.initials} has {address}, and no apprise URL: nowhere to send the digest")
            delivered, failures = [], []
            for label, deliver in destinations:
                error = deliver(digest)
                (failures if error else delivered).append(f"{label}: {error}" if error else label)
        if failures:
            message = redactor(f"digest for {person.initials} not delivered to " + "; ".join(failures))
            if not delivered:
                raise DeliveryError(message)
            logger.warning("%s (delivered to %s)", message, redactor(", ".join(delivered)))

    # destinations

    def _destinations(self, person: Person, redactor: Redactor) -> list[tuple[str, Callable[[Digest], str | None]]]:
        """(label, deliver) for every place this person's digest goes; `deliver(digest)` returns
        None when that place took it, else why not."""
        found: list[tuple[str, Callable[[Digest], str | None]]] = []
        if self.smtp_url and person.email:
            relay = Relay.from_plugin(self._email_plugin(person))
            found.append((f"email to {person.email}", partial(self._email, relay, person)))
        for url in person.apprise_urls:
            plugin = self._apprise.Apprise.instantiate(url, asset=self._asset)
            if plugin is None:
                raise DeliveryError(redactor(f"{person.initials}: apprise cannot use the URL {privacy_url(url)}"))
            found.append((plugin.url(privacy=True), partial(self._notify, plugin)))
        if self.config_path is not None:
            for plugin in self._config_servers(tag=person.initials):
                redactor.add_plugin(plugin)
                found.append((plugin.url(privacy=True), partial(self._notify, plugin)))
        return found

    def _email(self, relay: Relay, person: Person, digest: Digest) -> str | None:
        """Email the digest through the relay, with its own Message-ID (see notifications.smtp_relay)."""
        assert person.email
        try:
            self._relay_connections.submit(relay, digest_email(relay, person, digest), person.email)
        except RelayError as error:
            logger.debug("email to %s not taken: %s", person.email, self.redact(str(error)))
            return str(error)
        logger.info("digest %s emailed to %s through %s", digest.message_id(relay.domain), person.email, relay.address)
        return None

    def _email_plugin(self, person: Person):
        from apprise.utils.parse import is_email

        assert self.smtp_url and person.email
        if not is_email(person.email):
            raise DeliveryError(f"{person.initials}'s email address {person.email!r} is not an email address")
        separator = "&" if "?" in self.smtp_url else "?"
        plugin = self._apprise.Apprise.instantiate(
            f"{self.smtp_url}{separator}to={quote(person.email, safe='@')}", asset=self._asset
        )
        # An address apprise drops would make it send to the sender instead: check who gets it.
        if plugin is None or [address for _, address in plugin.targets] != [person.email]:
            raise DeliveryError(self.redact(f"cannot address an email to {person.email} through {privacy_url(self.smtp_url)}"))
        return plugin

    def _config_servers(self, tag: str | None) -> Iterable:
        apprise = self._apprise
        config = apprise.AppriseConfig(asset=self._asset)
        if not config.add(str(self.config_path)) or not self.config_path.is_file():  # type: ignore[union-attr]
            raise ConfigurationError(f"cannot read the apprise config file {self.config_path} (GOVFLOW_APPRISE_CONFIG)")
        services = apprise.Apprise(asset=self._asset)
        services.add(config)
        if tag is None:
            return list(services)
        # Only the URLs tagged with these initials: not "always", not untagged ones.
        return list(services.find(tag=tag, match_always=False))

    def _check_smtp_url(self, url: str) -> None:
        from apprise.plugins.email import NotifyEmail

        shown = privacy_url(url)
        plugin = self._apprise.Apprise.instantiate(url, asset=self._asset)
        if plugin is None or not isinstance(plugin, NotifyEmail):
            raise ConfigurationError(
                f"GOVFLOW_SMTP_URL {shown} is not an apprise mailto:// or mailtos:// URL it can use"
            )
        named = NotifyEmail.parse_url(url) or {}
        if named.get("targets") or named.get("cc") or named.get("bcc"):
            raise ConfigurationError(
                f"GOVFLOW_SMTP_URL {shown} names recipients; it should name only the relay and the sender "
                "(from=): govflow adds each person's address"
            )

    def _notify(self, plugin, digest: Digest) -> str | None:
        """Send to one destination; None when it took the digest, else why not (from apprise's log)."""
        apprise = self._apprise
        services = apprise.Apprise(asset=self._asset)
        services.add(plugin)
        html = plugin.notify_format == apprise.NotifyFormat.HTML
        with apprise.LogCapture(level=logging.DEBUG) as captured:
            ok = services.notify(
                title=digest.subject,
                body=digest.html if html else digest.text,
                body_format=apprise.NotifyFormat.HTML if html else apprise.NotifyFormat.TEXT,
            )
        if ok:
            return None
        return _why(captured.getvalue()) or "apprise reported a failure and logged no reason"


# The apprise log lines that say why a send failed: its warnings and errors, and the socket error.
_REASON = re.compile(r" - (?:WARNING|ERROR|CRITICAL|DEPRECATION WARNING) - (.*)$|Socket Exception: (.*)$")


def _why(log: str) -> str:
    reasons = []
    for line in log.splitlines():
        match = _REASON.search(line)
        if match:
            reason = (match.group(1) or match.group(2)).strip()
            if reason and reason not in reasons:
                reasons.append(reason)
    return " / ".join(reasons)


# ---- the mailbox folder -------------------------------------------------------------------------


class MailboxSender:
    """Writes each digest as an `.eml` file (multipart/alternative: our text part and our HTML
    part) into `folder`. The file is named after the digest's night, recipient and outbox message,
    so writing the same digest again replaces it rather than adding a second one. `clock()` gives
    the time of the Date header (aware)."""

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        clock: Callable[[], dt.datetime],
        sender: str = DEFAULT_FROM,
    ):
        self.folder = Path(folder)
        self.sender = sender
        self.clock = clock

    def __repr__(self) -> str:
        return f"MailboxSender({str(self.folder)!r})"

    def close(self) -> None:
        """Nothing to end: each digest is a file of its own."""

    def send(self, person: Person, digest: Digest) -> None:
        message = self.message(person, digest)
        path = self.folder / self.file_name(digest)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # Written whole or not at all: a crash mid-write leaves no half message behind.
            with tempfile.NamedTemporaryFile("wb", dir=self.folder, suffix=".tmp", delete=False) as handle:
                handle.write(message.as_bytes(policy=email.policy.SMTP))
            os.replace(handle.name, path)
        except OSError as error:
            raise DeliveryError(f"cannot write {path}: {error.strerror or error}") from None

    def message(self, person: Person, digest: Digest) -> EmailMessage:
        message = EmailMessage(policy=email.policy.SMTP)
        message["Subject"] = digest.subject
        message["From"] = Address("govflow", addr_spec=self.sender)
        if person.email:
            message["To"] = Address(person.name or person.initials, addr_spec=person.email)
        else:
            message["To"] = "undisclosed-recipients:;"
        message["Date"] = format_datetime(self.clock().astimezone(dt.timezone.utc))
        message["Message-ID"] = digest.message_id(self.sender.rpartition("@")[2])
        message["X-Govflow-Recipient"] = person.initials
        message.set_content(digest.text)
        message.add_alternative(digest.html, subtype="html")
        return message

    @staticmethod
    def file_name(digest: Digest) -> str:
        key = f"-{_safe(digest.key)}" if digest.key else ""
        return f"{digest.night.isoformat()}-{_safe(digest.recipient)}{key}.eml"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "x"


# ---- choosing a sender --------------------------------------------------------------------------


def make_sender(
    smtp_url: str | None,
    apprise_config: str | os.PathLike[str] | None,
    mailbox_dir: str | os.PathLike[str],
    *,
    clock: Callable[[], dt.datetime],
) -> Sender:
    """ApprisePersonSender when an SMTP relay or an apprise config file is configured, otherwise
    MailboxSender writing into `mailbox_dir` (`clock()`: the time now, for its Date headers)."""
    if smtp_url or apprise_config:
        return ApprisePersonSender(smtp_url=smtp_url, config_path=apprise_config)
    return MailboxSender(mailbox_dir, clock=clock)
