"""A digest email through the SMTP relay of GOVFLOW_SMTP_URL, submitted by govflow itself (smtplib)
so that it carries one Message-ID of ours: the digest's own (`Digest.message_id`), the same on a
resend after a crash, so the relay and mail clients can drop or thread the repeat.

Why not apprise's email plugin: apprise 1.13.1 writes its own random Message-ID after any custom
header, so a `+Message-ID=` URL argument gives the message two (RFC 5322 allows one; some relays
refuse such a message, and the repeat is not recognisable). apprise still reads the URL (relay,
port, TLS mode, login, sender: `Relay.from_plugin`), and its HTML-to-text conversion still writes
the text/plain part, as when apprise sent the email itself.

The senders of one outbox run each keep their connection open for the next message
(`RelayConnections`): a relay that takes seconds over each message still takes them side by side.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from governance_model.model import Person
from notifications.digest import Digest
from notifications.errors import DeliveryError

APP_ID = "govflow"
# Messages sent on one SMTP connection before it is closed and another opened: a relay may limit
# them (some to 100 a session), and a long session holds one of its slots.
MESSAGES_PER_CONNECTION = 50


@dataclass(frozen=True)
class Relay:
    """Where and how to submit: what apprise read from the SMTP URL."""

    host: str
    port: int | None  # None: the mode's default (25, or 465 for SSL)
    mode: str  # apprise's SecureMailMode: "insecure" | "starttls" | "ssl"
    sender: str  # the From address
    sender_name: str = ""
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    verify_certificate: bool = True
    timeout: float = 15.0

    @classmethod
    def from_plugin(cls, plugin) -> Relay:
        """The relay an apprise NotifyEmail plugin (from GOVFLOW_SMTP_URL) would use."""
        name, address = plugin.from_addr
        return cls(
            host=plugin.smtp_host,
            port=plugin.port or None,
            mode=plugin.secure_mode,
            sender=address,
            sender_name=name or "",
            user=plugin.user or None,
            password=plugin.password or None,
            verify_certificate=bool(plugin.verify_certificate),
            timeout=float(plugin.socket_connect_timeout or 15.0),
        )

    @property
    def domain(self) -> str:
        """The sender address's domain: Message-IDs end in @govflow.<domain>."""
        return self.sender.rpartition("@")[2] or "localhost"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}" if self.port else self.host


def digest_email(relay: Relay, person: Person, digest: Digest, *, now: dt.datetime | None = None) -> EmailMessage:
    """The email of `digest` to `person.email`: our HTML and apprise's text reading of it (of the
    HTML with the answer links' addresses written out, when it has them)."""
    from apprise import NotifyFormat
    from apprise.conversion import convert_between

    assert person.email
    message = EmailMessage()
    message["Subject"] = digest.subject
    message["From"] = Address(relay.sender_name or APP_ID, addr_spec=relay.sender)
    message["To"] = Address(person.name or "", addr_spec=person.email)
    message["Date"] = format_datetime(now or dt.datetime.now(dt.timezone.utc))
    message["Message-ID"] = digest.message_id(relay.domain)
    message["X-Application"] = APP_ID
    message.set_content(convert_between(NotifyFormat.HTML, NotifyFormat.TEXT, digest.html_for_text or digest.html))
    message.add_alternative(digest.html, subtype="html")
    return message


class RelayConnection:
    """One SMTP session with the relay, opened (and logged in) at the first message and kept for
    the next ones. `send` raises `RelayError`; after one, open a new connection."""

    def __init__(self, relay: Relay):
        self.relay = relay
        self.sent = 0  # messages the relay accepted on this connection
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage, recipient: str) -> None:
        """Hand `message` for `recipient` to the relay; returns once the relay accepted it (250 to
        its DATA). Raises `RelayError` saying why not. Nothing after the acceptance (the QUIT of
        `close`) can fail it: a failure reported then would send the digest again."""
        relay = self.relay
        if self._smtp is None:
            self._open()
        assert self._smtp is not None
        with _relay_errors(f"the relay {relay.address} did not take the message"):
            self._smtp.send_message(message, from_addr=relay.sender, to_addrs=[recipient])
        self.sent += 1

    def alive(self) -> bool:
        """Whether the relay still answers on this connection (NOOP): one it closed since, or that
        went quiet, is not used for another message."""
        if self._smtp is None:
            return False
        try:
            code, _ = self._smtp.noop()
        except (OSError, smtplib.SMTPException):
            return False
        return code == 250

    def close(self) -> None:
        """QUIT (its failure does not matter: every message sent was accepted before) and close."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
            smtp.close()

    def _open(self) -> None:
        relay = self.relay
        context = ssl.create_default_context()
        if not relay.verify_certificate:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        smtp: smtplib.SMTP | None = None
        try:
            with _relay_errors(f"cannot reach the relay {relay.address}"):
                if relay.mode == "ssl":
                    smtp = smtplib.SMTP_SSL(relay.host, relay.port or 0, timeout=relay.timeout, context=context)
                else:
                    smtp = smtplib.SMTP(relay.host, relay.port or 0, timeout=relay.timeout)
            if relay.mode == "starttls":
                with _relay_errors(f"the relay {relay.address} refused STARTTLS"):
                    smtp.starttls(context=context)
            if relay.user and relay.password:
                with _relay_errors(f"the relay {relay.address} refused the login"):
                    smtp.login(relay.user, relay.password)
        except RelayError:
            if smtp is not None:
                with contextlib.suppress(OSError, smtplib.SMTPException):
                    smtp.close()
            raise
        self._smtp = smtp


class RelayConnections:
    """Open connections to reuse: one per thread and relay, each kept for up to
    `messages_per_connection` messages while the relay answers on it. A connection that failed a
    message is closed, and the next message opens another. `close()` ends them all."""

    def __init__(self, messages_per_connection: int = MESSAGES_PER_CONNECTION):
        self.messages_per_connection = messages_per_connection
        self._local = threading.local()
        self._opened: list[RelayConnection] = []
        self._lock = threading.Lock()

    def submit(self, relay: Relay, message: EmailMessage, recipient: str) -> None:
        """`RelayConnection.send` on this thread's connection to `relay` (opened if it has none
        that answers)."""
        mine: dict[Relay, RelayConnection] = self._local.__dict__.setdefault("connections", {})
        connection = mine.get(relay)
        if connection is not None and not connection.alive():
            connection.close()
            connection = None
        if connection is None:
            connection = mine[relay] = RelayConnection(relay)
            with self._lock:
                self._opened.append(connection)
        try:
            connection.send(message, recipient)
        except RelayError:
            connection.close()
            raise
        if connection.sent >= self.messages_per_connection:
            connection.close()  # the next message opens a fresh one

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()


@contextlib.contextmanager
def _relay_errors(step: str) -> Iterator[None]:
    """smtplib's and the socket's errors while doing `step`, as a RelayError saying why."""
    try:
        yield
    except smtplib.SMTPAuthenticationError as error:
        raise RelayError(f"{step}: Authentication failed: {_reply(error)}") from None
    except smtplib.SMTPRecipientsRefused as error:
        reasons = "; ".join(f"{address}: {_reply(reply)}" for address, reply in error.recipients.items())
        raise RelayError(f"{step}: {reasons}") from None
    except smtplib.SMTPResponseException as error:
        raise RelayError(f"{step}: {_reply(error)}") from None
    except (OSError, smtplib.SMTPException) as error:
        raise RelayError(f"{step}: {error}") from None


class RelayError(DeliveryError):
    """Why the relay did not take a message (not yet redacted: the sender redacts it)."""


def _reply(reply) -> str:
    if isinstance(reply, smtplib.SMTPResponseException):
        code, text = reply.smtp_code, reply.smtp_error
    else:
        code, text = reply
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
