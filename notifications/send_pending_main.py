"""Send the outbox's pending digests once, from the command line:

    python -m notifications.send_pending_main [--now 2022-03-15T06:00:00+00:00]

Reads the same GOVFLOW_* settings as the rest of govflow (database, SMTP relay, apprise config,
mailbox folder). Prints one line of counts; exits 1 when a send failed (the message stays pending
and is retried later), 0 otherwise.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys

from govflow.settings import Settings
from govflow.wiring import unit_of_work
from notifications.delivery import make_sender
from notifications.outbox import send_pending


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m notifications.send_pending_main", description=__doc__.splitlines()[0])
    parser.add_argument("--now", type=dt.datetime.fromisoformat, help="the time to send as of (ISO 8601, with offset)")
    parser.add_argument("--limit", type=int, default=None, help="send at most this many digests")
    args = parser.parse_args(argv)
    now = args.now or dt.datetime.now(dt.timezone.utc)
    if now.utcoffset() is None:
        parser.error("--now needs a UTC offset, e.g. 2022-03-15T06:00:00+00:00")

    settings = Settings.from_env()
    sender = make_sender(settings.smtp_url, settings.apprise_config, settings.mailbox_dir)
    report = send_pending(lambda: unit_of_work(settings), sender, now, limit=args.limit)
    print(f"sent {report.sent}, failed {report.failed}")
    for error in report.errors:
        print(f"  {error}", file=sys.stderr)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
