"""The shared ical-check tool, run through the `check_ics` fixture by several threads at once, agrees
with itself every time: each run finds every event of its feed, and runs of one feed print the same
events. check-ics copies its node scripts into $ICAL_CHECK_HOME on every run, so runs sharing one
home (parallel tests, other checkouts' test runs) read a script another run is rewriting and now and
then found no events at all: test_southend_served.py failed so under load. The fixture gives each
run a home of its own. With the shared home put back, this test failed in 4 of 5 tries ("ERROR no
events found"); the quick checks beside the full ones make the overlap frequent enough to see.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import icalendar

from govflow.services.feed_publishing import publish_feeds
from tests.calendars.conftest import AS_OF, PUBLIC_URL, STAMP

FEEDS = ("body/SSPB.ics", "body/JCB.ics", "body/Scrutiny.ics")  # small feeds: a run costs ~2 s of CPU
ROUNDS = 2
QUICK_THREADS = 4


def test_parallel_checks_each_find_every_event(southend, tmp_path: Path, check_ics) -> None:
    publish_feeds(lambda: southend, tmp_path, AS_OF, STAMP, PUBLIC_URL)
    feeds = [tmp_path / name for name in FEEDS]
    uids = {feed: {str(event["UID"]) for event in icalendar.Calendar.from_ical(feed.read_bytes()).walk("VEVENT")} for feed in feeds}
    assert all(uids.values())

    # Beside the full checks, quick ones (a feed that is missing: check-ics sets up its scripts, then
    # stops) run back to back, as other test runs on the machine do.
    done = threading.Event()
    quick: list[int] = []

    def quick_checks() -> None:
        while not done.is_set():
            quick.append(check_ics(tmp_path / "missing.ics").returncode)

    with ThreadPoolExecutor(len(feeds) + QUICK_THREADS) as pool:
        for _ in range(QUICK_THREADS):
            pool.submit(quick_checks)
        try:
            runs = list(pool.map(lambda feed: (feed, check_ics(feed)), feeds * ROUNDS))
        finally:
            done.set()

    first: dict[Path, str] = {}
    for feed, result in runs:
        name = feed.relative_to(tmp_path).as_posix()
        assert result.returncode == 0 and "RESULT: PASS" in result.stderr, f"{name}:\n{result.stderr}"
        assert {event[3] for event in result.events} == uids[feed], name
        assert result.stdout == first.setdefault(feed, result.stdout), f"{name}: two runs disagree"
    assert quick and set(quick) == {2}  # "empty or missing file"
