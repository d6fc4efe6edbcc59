"""Helpers for the delivery tests: a real SMTP server (aiosmtpd on 127.0.0.1, a free port) that keeps every
message it accepted, and reminders in the shape of the seed papers.

A message counts as received only once the server has answered 250 to its DATA: if the client
goes away before that (a sender killed mid-send), aiosmtpd cancels the handler and the message is
not kept, as a real relay would not deliver it.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from governance_model.model import Person
from governance_model.reminders import Reminder, ReminderItem

FROM = "govflow@council.example.org"
NIGHT = dt.date(2022, 3, 10)  # a Thursday
NOW = dt.datetime(2022, 3, 10, 23, 30, tzinfo=dt.timezone.utc)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return str(self.message["To"])

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return part.get_content().replace("\r\n", "\n")  # SMTP's line ends, read as Python's
        raise AssertionError(f"no {content_type} part in {self.message['Subject']!r}")


@dataclass
class Mailbox:
    """What the SMTP server accepted, and when to hold a reply back."""

    received: list[Received] = field(default_factory=list)
    data_commands: int = 0  # DATA commands seen, accepted or not
    hold_from: int | None = None  # hold the reply to this DATA command and those after it
    hold_seconds: float = 0.0
    reply_delay: float = 0.0  # every reply waits this long (to make two senders overlap)
    refuse: set[str] = field(default_factory=set)  # recipients answered 550
    sessions: int = 0  # SMTP sessions opened (EHLO or HELO)
    in_flight: int = 0  # messages whose DATA is not answered yet
    most_in_flight: int = 0  # the most at any one time
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname) -> str:
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.data_commands += 1
            number = self.data_commands
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.hold_from is not None and number >= self.hold_from:
                await asyncio.sleep(self.hold_seconds)  # cancelled if the client goes away meanwhile
            elif self.reply_delay:
                await asyncio.sleep(self.reply_delay)
        finally:
            with self.lock:
                self.in_flight -= 1
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]

    def wait_for(self, count: int, timeout: float = 20.0, alive: Callable[[], bool] = lambda: True) -> None:
        """Wait until `count` messages arrived, while the sender is `alive`."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline or not alive():
                raise AssertionError(f"{len(self.received)} messages arrived, waited for {count}")
            time.sleep(0.02)


class SmtpServer:
    """aiosmtpd's Controller on 127.0.0.1, which can be stopped and started again on its port."""

    def __init__(self, port: int, mailbox: Mailbox, refuse_login: bool = False):
        self.port = port
        self.mailbox = mailbox
        self.refuse_login = refuse_login
        self._controller: Controller | None = None

    def url(self, user_info: str = "") -> str:
        """The apprise URL of this relay, sending as FROM (`user_info` like "user:password@")."""
        return f"mailto://{user_info}127.0.0.1:{self.port}?from={FROM}"

    def start(self) -> None:
        options = {}
        if self.refuse_login:
            # Offer AUTH over plain SMTP and turn every login down: the password goes over the wire.
            options = {"authenticator": _refuse, "auth_require_tls": False}
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def _refuse(server, session, envelope, mechanism, auth_data) -> AuthResult:
    return AuthResult(success=False, handled=False)


# ---- people and reminders -----------------------------------------------------------------------

PEOPLE = {
    "GB": Person("GB", "Gill Brown", "Head of SEND", email="gb@council.example.org"),
    "BM": Person("BM", "Ben Marsh", "Inclusion lead", email="bm@council.example.org"),
    "LM": Person("LM", "Lucy Moore", "Board secretary", email="lm@council.example.org"),
}


def reminder(
    recipient: str,
    key: str,
    title: str,
    deadline: dt.date,
    *,
    context: str = "SEND Strategy 2022–2025",
    body_code: str | None = "SSPB",
    when_text: str | None = None,
    rule: str = "before-7",
    night: dt.date = NIGHT,
    kind: str = "step",
    opens: dt.date | None = None,
) -> Reminder:
    item = ReminderItem(
        kind=kind,
        key=key,
        title=title,
        context=context,
        body_code=body_code,
        deadline=deadline,
        when_text=when_text if when_text is not None else f"{deadline.day} th {deadline:%B %y}",
        opens=opens,
    )
    return Reminder(recipient=recipient, item=item, rule=rule, night=night)


def three_people_reminders() -> list[Reminder]:
    """GB owes three things (one overdue), BM two, LM one papers deadline."""
    return [
        reminder("GB", "step:send-strategy/sspb-sign-off", "Sign-off at SSPB", dt.date(2022, 3, 15), rule="before-2"),
        reminder(
            "GB",
            "action:peer-review/6a/1",
            "Agree the outcomes framework with health partners",
            dt.date(2022, 3, 4),
            context="Peer review implementation plan — recommendation 6a",
            body_code="JCB",
            when_text="Feb/March 22",
            rule="overdue-1",
            kind="action",
        ),
        reminder(
            "GB",
            "step:send-strategy/cabinet",
            "Cabinet decision",
            dt.date(2022, 4, 20),
            body_code="Cabinet",
            when_text="TBC April 22",
            rule="before-14",
        ),
        reminder(
            "BM",
            "action:peer-review/3/2",
            "Publish the revised Local Offer pages",
            dt.date(2022, 3, 18),
            context="Peer review implementation plan — recommendation 3",
            body_code=None,
            when_text="March 22",
            kind="action",
        ),
        reminder("BM", "step:send-strategy/scrutiny", "Scrutiny committee", dt.date(2022, 3, 15), body_code="Scrutiny"),
        reminder(
            "LM",
            "papers:SSPB-2022-03/send-strategy/sspb-sign-off",
            "Papers for SSPB on 15 March",
            dt.date(2022, 3, 8),
            rule="papers-deadline",
            kind="papers",
        ),
    ]


def consultation_reminders() -> list[Reminder]:
    """Southend's consultation ("One month Jan/Feb 22": a window that opens on Tuesday 4 January 2022,
    after the New Year bank holiday, and closes on Monday 28 February) as GB hears of it: on the day
    it opens, and 14 working days before it closes."""
    def consultation(rule: str, night: dt.date) -> Reminder:
        return reminder(
            "GB", "step:send-strategy-2021-24/consultation", "Wider public consultation on final draft Strategy",
            dt.date(2022, 2, 28), context="SEND Strategy 2021-24", body_code=None, when_text="One month Jan/Feb 22",
            rule=rule, night=night, opens=dt.date(2022, 1, 4),
        )
    return [consultation("opens", dt.date(2022, 1, 4)), consultation("before-14", dt.date(2022, 2, 8))]


def save_people(uow_factory: Callable, people=PEOPLE.values()) -> None:
    with uow_factory() as uow:
        for person in people:
            uow.people.save(person)
        uow.commit()


def queue(uow_factory: Callable, reminders: list[Reminder]) -> int:
    with uow_factory() as uow:
        new = uow.outbox.queue(reminders)
        uow.commit()
    return new


def messages(uow_factory: Callable, **where):
    with uow_factory() as uow:
        return uow.outbox.list(**where)
