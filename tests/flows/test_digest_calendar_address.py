"""Issue 14, point 1: a person finds their own private calendar at the foot of their reminder email.

The nightly flow, through Prefect, emails the Southend owners through a real SMTP relay (aiosmtpd on
127.0.0.1, via apprise); each digest ends with the address of its reader's own calendar, both ways a
calendar program takes it, and never anyone else's. The address is one the night published: it is
in the feeds' index.json and the file is there."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from flows.nightly import NightlyParameters, nightly
from govflow import wiring
from govflow.settings import Settings

NIGHT = dt.date(2022, 3, 11)  # every Southend owner has a "March" action reminded tonight
PUBLIC_URL = "https://calendars.southend.example.org"
PERSON_FEED = re.compile(r"(?:webcal|https)://calendars\.southend\.example\.org/feeds/person/[A-Za-z0-9_-]+\.ics")


def test_each_digest_ends_with_its_readers_own_calendar_and_no_one_elses(
    prefect_api_url, southend_database, smtp_server, monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GOVFLOW_SMTP_URL", smtp_server.url())
    monkeypatch.setenv("GOVFLOW_PUBLIC_URL", PUBLIC_URL)
    summary = nightly(NightlyParameters(as_of=NIGHT))
    assert summary["digests_sent"] == len(smtp_server.mailbox.received) >= 7

    settings = Settings()
    with wiring.unit_of_work(settings) as uow:
        email_of = {p.email: p.initials for p in uow.people.list()}
        token_of = {initials: t.token for initials, t in uow.feeds.list_tokens().items()}
    published = {e["path"] for e in json.loads((settings.feeds_dir / "index.json").read_text())["feeds"]}

    for message in smtp_server.mailbox.received:
        (address,) = message.rcpt_tos
        mine = f"calendars.southend.example.org/feeds/person/{token_of[email_of[address]]}.ics"
        for part in (message.part("text/plain"), message.part("text/html")):
            # Both ways in, and only this reader's: no other person's token anywhere in the message.
            assert f"webcal://{mine}" in part and f"https://{mine}" in part, address
            assert set(PERSON_FEED.findall(part)) == {f"webcal://{mine}", f"https://{mine}"}, address
            assert "keep its" in part and "address to yourself" in part.replace("\n", " ")
        text = message.part("text/plain")
        assert text.index("Sent by govflow") < text.index(f"webcal://{mine}")  # at the foot, after the items
        path = mine.split("/feeds/", 1)[1]
        assert path in published and (settings.feeds_dir / path).is_file()
