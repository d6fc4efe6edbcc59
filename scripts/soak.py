"""The delivery soak (`make soak`): kill -9 and concurrency against PostgreSQL and a slow SMTP relay.

    .venv/bin/python scripts/soak.py [--nights 15] [--kills 12] [--senders 2] [--connections 4]
                                     [--delay 0.3] [--seed 1]

1. Makes a fresh schema of its own in GOVFLOW_SOAK_DATABASE_URL (default the local test database)
   and migrates it; drops it at the end (`--keep` keeps it).
2. Starts two `govflow load examples/southend/setup.yaml` at once: both must exit 0, or 2 with an
   `error:` line, never a traceback.
3. For each of `--nights` weekdays from `--from`: queues that night's reminders (the nightly's own
   service, `run_nightly`), then starts `--senders` `govflow send` at once, each sending over
   `--connections` SMTP connections at once and recording outcomes in batches, against a local SMTP
   relay (aiosmtpd) that takes `--delay` seconds before it answers each message; `--kills` of all
   these senders, picked at random (seeded), are killed with SIGKILL at a random moment once
   sending has begun.
4. Drains with a clean `govflow send`, then prints the digests owed (outbox messages), the emails
   received, the duplicates (an email whose Message-ID arrived before: a resend the relay and mail
   clients can recognise), the superseded ones (a digest that went out, was not recorded, and was
   resent with reminders joined meanwhile: a new Message-ID) and the lost (a digest owed whose
   email never arrived). Exits 1 if any digest was lost or a load failed, else 0.

Needs the test extras (aiosmtpd): `make soak` installs them.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
SENDER = "govflow@soak.example.org"


@dataclass
class SlowRelay:
    """What the SMTP relay took: each message's Message-ID and recipients, once it answered 250.
    A client killed while the relay waits is not answered, and its message is not kept."""

    delay: float
    received: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    data_commands: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.data_commands += 1
        await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append((str(message["Message-ID"]), tuple(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@dataclass
class Result:
    loads: list[int]
    senders: int
    killed: int
    owed: int
    received: int
    duplicates: int
    superseded: int
    lost: int
    pending: int

    @property
    def ok(self) -> bool:
        return self.lost == 0 and all(code in (0, 2) for code in self.loads) and 0 in self.loads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("GOVFLOW_SOAK_DATABASE_URL") or DEFAULT_DATABASE)
    parser.add_argument("--from", dest="start", type=dt.date.fromisoformat, default=dt.date(2022, 3, 28), help="the first night (Southend owes most from late March 2022)")
    parser.add_argument("--nights", type=int, default=15, help="weekdays to queue reminders for, one round of senders each")
    parser.add_argument("--senders", type=int, default=2, help="`govflow send` processes started at once each night")
    parser.add_argument("--connections", type=int, default=4, help="GOVFLOW_SMTP_CONNECTIONS of each `govflow send`")
    parser.add_argument("--kills", type=int, default=12, help="senders killed with SIGKILL, picked at random")
    parser.add_argument("--delay", type=float, default=0.3, help="seconds the relay waits before it answers a message")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the schema (its name is printed)")
    args = parser.parse_args(argv)
    result = soak(args)
    print(f"digests owed:     {result.owed}")
    print(f"emails received:  {result.received}")
    print(f"duplicates:       {result.duplicates} (the same Message-ID again: recognisable)")
    print(f"superseded:       {result.superseded} (resent with reminders joined meanwhile: a new Message-ID)")
    print(f"lost:             {result.lost}" + (f" ({result.pending} still pending)" if result.pending else ""))
    print("soak: " + ("ok" if result.ok else "FAILED"))
    return 0 if result.ok else 1


def soak(args: argparse.Namespace) -> Result:
    from aiosmtpd.controller import Controller
    from sqlalchemy import make_url, text
    from sqlalchemy.pool import NullPool

    from governance_model.storage import (
        SqlUnitOfWork,
        make_engine,
        make_session_factory,
        migrate,
    )

    server = make_url(args.database_url)
    if server.get_backend_name() != "postgresql":
        raise SystemExit("error: the soak needs PostgreSQL (GOVFLOW_SOAK_DATABASE_URL): concurrent senders")
    schema = f"soak_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    relay = SlowRelay(args.delay)
    port = _free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    rng = random.Random(args.seed)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = server.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
        migrate(url)
        controller.start()
        with tempfile.TemporaryDirectory(prefix="govflow-soak-") as data_dir:
            env = {
                **os.environ,
                "GOVFLOW_DATABASE_URL": url,
                "GOVFLOW_SMTP_URL": f"mailto://127.0.0.1:{port}?from={SENDER}",
                "GOVFLOW_SMTP_CONNECTIONS": str(args.connections),
                "GOVFLOW_DATA_DIR": data_dir,
                "PYTHONPATH": str(ROOT),
            }
            print(f"soak: schema {schema}, seed {args.seed}, {args.nights} nights, {args.senders} senders at once "
                  f"({args.connections} connections each), "
                  f"{args.kills} kills, relay answers after {args.delay} s", flush=True)
            loads = _two_loads_at_once(env)
            print(f"two loads at once: exit {loads[0]} and {loads[1]}", flush=True)
            engine = make_engine(url, poolclass=NullPool)
            session_factory = make_session_factory(engine)
            uow_factory = lambda: SqlUnitOfWork(session_factory)
            nights = _weekdays(args.start, args.nights)
            launches = len(nights) * args.senders
            doomed = set(rng.sample(range(launches), min(args.kills, launches)))
            killed = 0
            for number, night in enumerate(nights):
                _queue_night(uow_factory, night)
                first = number * args.senders
                killed += _senders_round(env, relay, rng, [first + i in doomed for i in range(args.senders)], args.delay)
                print(f"{night}: {len(relay.received)} emails so far, {killed} senders killed", flush=True)
            pending = _drain(env, uow_factory)
            result = _count(uow_factory, relay, loads, launches, killed, pending)
            engine.dispose()
            return result
    finally:
        controller.stop()
        if args.keep:
            print(f"soak: kept schema {schema}")
        else:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _govflow(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "govflow", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _two_loads_at_once(env: dict[str, str]) -> list[int]:
    loads = [_govflow(env, "load", str(SOUTHEND)) for _ in range(2)]
    codes = []
    for load in loads:
        out, err = load.communicate(timeout=300)
        if load.returncode != 0:
            print(f"load exit {load.returncode}: {err.strip()[-2000:]}", flush=True)
        if "Traceback" in out + err:
            codes.append(-1)  # a traceback is a failure whatever the exit code
        else:
            codes.append(load.returncode)
    return codes


def _weekdays(start: dt.date, count: int) -> list[dt.date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _queue_night(uow_factory, night: dt.date) -> None:
    from govflow.services.night_planning import run_nightly

    run_nightly(uow_factory, night, dt.datetime.now(dt.timezone.utc))


def _senders_round(env: dict[str, str], relay: SlowRelay, rng: random.Random, kill: list[bool], delay: float) -> int:
    """Start one `govflow send` per entry of `kill` at once; kill -9 those marked, at a random moment
    once the relay has seen a message since the round began. Returns how many were killed."""
    baseline = relay.data_commands
    senders = [_govflow(env, "send") for _ in kill]
    killed = 0
    for sender, doomed in zip(senders, kill):
        if not doomed:
            continue
        while relay.data_commands == baseline and sender.poll() is None:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 3 * delay))
        if sender.poll() is None:
            sender.send_signal(signal.SIGKILL)
            killed += 1
    for sender in senders:
        out, err = sender.communicate(timeout=600)
        if sender.returncode not in (0, -signal.SIGKILL) or "Traceback" in err:
            print(f"send exit {sender.returncode}: {(out + err).strip()[-2000:]}", flush=True)
    return killed


def _drain(env: dict[str, str], uow_factory) -> int:
    """Clean sends until nothing is pending (PostgreSQL frees a killed sender's locks at once, but
    allow a few rounds). Returns how many messages are still pending."""
    for _ in range(5):
        sender = _govflow(env, "send")
        sender.communicate(timeout=600)
        with uow_factory() as uow:
            pending = len(uow.outbox.list(status="pending"))
        if not pending:
            return 0
        time.sleep(1)
    return pending


def _count(uow_factory, relay: SlowRelay, loads: list[int], senders: int, killed: int, pending: int) -> Result:
    from governance_model.model import Person
    from notifications.digest import build_digest

    with uow_factory() as uow:
        messages = uow.outbox.list()
        people = {p.initials: p for p in uow.people.list()}
    domain = SENDER.rpartition("@")[2]
    expected = {}
    for message in messages:
        if message.status == "sent":
            person = people.get(message.recipient) or Person(initials=message.recipient)
            digest = build_digest(person, message.reminders, key=f"message-{message.id}")
            expected[digest.message_id(domain)] = message.id
    ids = Counter(message_id for message_id, _ in relay.received)
    return Result(
        loads=loads,
        senders=senders,
        killed=killed,
        owed=len(messages),
        received=len(relay.received),
        duplicates=sum(n - 1 for n in ids.values()),
        superseded=sum(1 for message_id in ids if message_id not in expected),
        lost=sum(1 for message_id in expected if message_id not in ids) + pending,
        pending=pending,
    )


if __name__ == "__main__":
    raise SystemExit(main())
