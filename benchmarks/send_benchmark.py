"""The send benchmark: digests a second from the outbox to the mailbox folder, or to a local SMTP
relay (aiosmtpd) that waits `--delay` seconds before it answers each message.

    python benchmarks/send_benchmark.py [--digests 3000] [--relay] [--delay 0.3]
                                        [--connections 4] [--database-url URL]

It makes a migrated database of its own (a SQLite file in a temporary folder, or with
--database-url a PostgreSQL schema of its own, dropped afterwards), stores one person and one
reminder per digest, and times `notifications.outbox.send_pending` alone. It prints figures; it
asserts nothing about time, but it says if a digest did not arrive.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import inspect
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(ROOT))

SENDER = "govflow@bench.example.org"
NOW = dt.datetime(2022, 3, 10, 23, 30, tzinfo=dt.timezone.utc)


class CountingRelay:
    """Takes every message after `delay` seconds; counts them and the most in flight at once."""

    def __init__(self, delay: float):
        self.delay = delay
        self.received = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.connections = 0
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            with self.lock:
                self.in_flight -= 1
        with self.lock:
            self.received += 1
        return "250 Message accepted for delivery"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--digests", type=int, default=3000)
    parser.add_argument("--relay", action="store_true", help="send to a local aiosmtpd relay, not the mailbox folder")
    parser.add_argument("--delay", type=float, default=0.3, help="seconds the relay waits before it answers")
    parser.add_argument("--connections", type=int, default=None, help="senders at once (default send_pending's own)")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL URL (default: a SQLite file)")
    args = parser.parse_args(argv)

    from sqlalchemy import event, text
    from sqlalchemy.orm import Session
    from sqlalchemy.pool import NullPool

    from governance_model.model import Person
    from governance_model.reminders import Reminder, ReminderItem
    from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory, migrate
    from notifications.delivery import ApprisePersonSender, MailboxSender
    from notifications.outbox import send_pending

    with tempfile.TemporaryDirectory(prefix="govflow-send-bench-") as folder:
        schema = None
        if args.database_url:
            schema = f"bench_{uuid.uuid4().hex[:12]}"
            admin = make_engine(args.database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            from sqlalchemy import make_url

            url = make_url(args.database_url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{folder}/govflow.db"
        try:
            migrate(url)
            engine = make_engine(url)
            factory = make_session_factory(engine)
            uow_factory = lambda: SqlUnitOfWork(factory)  # noqa: E731
            with uow_factory() as uow:
                reminders = []
                for n in range(args.digests):
                    initials = f"P{n:05}"
                    uow.people.save(Person(initials, f"Person {n}", email=f"p{n}@bench.example.org"))
                    item = ReminderItem(kind="step", key=f"step:doc-{n}/sign-off", title="Sign-off", context=f"Document {n}",
                                        body_code="SSPB", deadline=dt.date(2022, 3, 15), when_text="15th March 22")
                    reminders.append(Reminder(recipient=initials, item=item, rule="before-2", night=NOW.date()))
                uow.outbox.queue(reminders)
                uow.commit()

            relay = controller = None
            if args.relay:
                from aiosmtpd.controller import Controller

                relay = CountingRelay(args.delay)
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", 0))
                    port = probe.getsockname()[1]
                controller = Controller(relay, hostname="127.0.0.1", port=port)
                controller.start()
                sender = ApprisePersonSender(f"mailto://127.0.0.1:{port}?from={SENDER}")
                where = f"relay answering after {args.delay} s"
            else:
                sender = MailboxSender(Path(folder) / "mailbox", clock=lambda: NOW, sender=SENDER)
                where = "mailbox folder"
            options, parameters = {}, inspect.signature(send_pending).parameters
            if "connections" in parameters:  # the sending pool (issue 13); before it, one at a time
                options["connections"] = args.connections or parameters["connections"].default
            commits = []
            event.listen(Session, "after_commit", lambda session: commits.append(1))
            try:
                started = time.perf_counter()
                report = send_pending(uow_factory, sender, NOW, **options)
                seconds = time.perf_counter() - started
            finally:
                if controller is not None:
                    controller.stop()
            arrived = relay.received if relay else len(list((Path(folder) / "mailbox").glob("*.eml")))
            database = "PostgreSQL" if schema else "SQLite"
            connections = options.get("connections", "one at a time")
            print(f"{report.sent} digests to the {where} ({database}, connections: {connections}): "
                  f"{seconds:.1f} s, {report.sent / seconds:.1f} digests/s, {len(commits)} commits; failed {report.failed}, arrived {arrived}"
                  + (f", most in flight at once {relay.most_in_flight}, SMTP sessions {relay.connections}" if relay else ""))
            engine.dispose()
            return 0 if arrived == args.digests == report.sent else 1
        finally:
            if schema:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                admin.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
