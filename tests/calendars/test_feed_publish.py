"""Publishing the Southend example's feeds: golden files, the three parsers, stable bytes, moves.

Golden files: tests/calendars/golden/*.ics are the Southend feeds as of 2021-10-06, built at
2021-10-06T03:00Z with fixed person tokens. After an intended change to the feeds, regenerate them
and review the diff:

    GOVFLOW_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/calendars/test_feed_publish.py -k golden
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


from govflow.services.feed_publishing import publish, publish_feeds, rotate_feed_token
from tests.calendars.conftest import AS_OF, PUBLIC_URL, STAMP

GOLDEN = Path(__file__).resolve().parent / "golden"
LATER = STAMP + dt.timedelta(days=1)


def build(uow, out: Path, now: dt.datetime = STAMP):
    return publish(lambda: uow, out, AS_OF, now, PUBLIC_URL)


def golden_name(path: str) -> str:
    return path.replace("/", "-")


def test_southend_feeds_match_the_golden_files(southend, tmp_path: Path) -> None:
    published = build(southend, tmp_path)
    names = {golden_name(p.feed.path): p.file.read_bytes() for p in published}
    if os.environ.get("GOVFLOW_REGENERATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        for old in GOLDEN.glob("*.ics"):
            old.unlink()
        for name, data in names.items():
            (GOLDEN / name).write_bytes(data)
    expected = {p.name: p.read_bytes() for p in GOLDEN.glob("*.ics")}
    assert sorted(names) == sorted(expected)
    for name, data in names.items():
        assert data == expected[name], f"{name} differs from its golden file (see the module docstring to regenerate)"


def test_the_feeds_that_exist(southend, tmp_path: Path) -> None:
    published = {p.feed.path: p for p in build(southend, tmp_path)}
    assert {"body/SSPB.ics", "body/JCB.ics", "document/send-strategy-2021-24.ics", "all.ics", "person/token-GB.ics"} <= set(published)
    # Bodies with nothing to show (CSIB has no meetings; the Improvement Board's is undated) have no feed.
    assert "body/CSIB.ics" not in published and "body/ImprovementBoard.ics" not in published
    assert all(p.events > 0 for p in published.values())
    assert not published["person/token-GB.ics"].feed.public
    sspb = unfolded(published["body/SSPB.ics"].file)
    assert "UID:meeting-SSPB-2022-01-06@govflow" in sspb
    assert "UID:papers-SSPB-2022-01-06@govflow" in sspb
    assert "UID:step-send-strategy-2021-24-sspb-draft@govflow" in sspb
    assert "URL:https://govflow.example.org/meetings/SSPB-2022-01-06" in sspb
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H" in sspb and "X-PUBLISHED-TTL:PT12H" in sspb
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in sspb and "RDATE" not in sspb


def test_the_manifest(southend, tmp_path: Path) -> None:
    published = build(southend, tmp_path)
    index = json.loads((tmp_path / "index.json").read_text())
    assert index["generated_at"] == "2021-10-06T03:00:00Z"
    entries = {e["path"]: e for e in index["feeds"]}
    assert set(entries) == {p.feed.path for p in published}
    sspb = entries["body/SSPB.ics"]
    assert sspb["kind"] == "body" and sspb["public"] is True and sspb["title"].startswith("Southend SEND")
    assert sspb["sha256"] == hashlib.sha256((tmp_path / "body/SSPB.ics").read_bytes()).hexdigest()
    assert sspb["last_modified"] == "2021-10-06T03:00:00Z"
    assert entries["person/token-GB.ics"]["public"] is False and entries["person/token-GB.ics"]["kind"] == "person"


def test_every_southend_feed_passes_ical_check_strict(southend, tmp_path: Path, check_ics) -> None:
    files = [p.file for p in build(southend, tmp_path)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda f: (f, check_ics(f, "--strict")), files))
    failures = [f"{f.name}: rc={r.returncode}\n{r.stderr}" for f, r in results if r.returncode != 0]
    assert not failures, "\n".join(failures)


def test_bst_and_gmt_meetings_at_the_right_utc_times_in_all_three_parsers(southend, tmp_path: Path, check_ics) -> None:
    build(southend, tmp_path)
    result = check_ics(tmp_path / "body" / "SSPB.ics", "--strict")
    assert result.returncode == 0, result.stderr
    # check-ics prints a line only for what ical.js, libical and khal agree on (else it fails).
    starts = {uid: (start, end) for start, end, _, uid, _ in result.events}
    assert starts["meeting-SSPB-2021-10-06@govflow"] == ("2021-10-06T13:00:00Z", "2021-10-06T15:00:00Z")  # BST
    assert starts["meeting-SSPB-2022-01-06@govflow"] == ("2022-01-06T14:00:00Z", "2022-01-06T16:00:00Z")  # GMT
    # 5 working days before 6 January 2022, skipping the Christmas and New Year bank holidays.
    assert starts["papers-SSPB-2022-01-06@govflow"] == ("2021-12-29", "2021-12-30")  # all-day, exclusive end


def test_unchanged_data_gives_byte_identical_feeds_and_writes_nothing(southend, tmp_path: Path) -> None:
    first = build(southend, tmp_path)
    before = {p.file: (p.file.read_bytes(), p.file.stat().st_mtime_ns) for p in first}
    index = (tmp_path / "index.json").read_bytes()
    second = build(southend, tmp_path, now=LATER)
    assert not any(p.written for p in second)
    assert {p.file: (p.file.read_bytes(), p.file.stat().st_mtime_ns) for p in second} == before
    assert (tmp_path / "index.json").read_bytes() == index


def unfolded(path: Path) -> str:
    return path.read_bytes().decode("utf-8").replace("\r\n ", "")


def vevent(path: Path, uid: str) -> str:
    """The VEVENT with this UID, unfolded."""
    text = unfolded(path)
    at = text.index(f"UID:{uid}\r\n")
    return text[text.rindex("BEGIN:VEVENT", 0, at): text.index("END:VEVENT", at)]


def move_meeting(uow, key: str, to: dt.datetime) -> None:
    with uow:
        meeting = uow.bodies.get_meeting(key)
        uow.bodies.save_meeting(dataclasses.replace(meeting, starts_at=to))
        uow.commit()


def test_a_moved_meeting_keeps_its_uid_with_sequence_up(southend, tmp_path: Path, check_ics) -> None:
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    build(southend, old_dir)
    move_meeting(southend, "SSPB-2022-01-06", dt.datetime(2022, 1, 13, 14, 0, tzinfo=dt.timezone.utc))
    published = {p.feed.path: p for p in build(southend, new_dir, now=LATER)}
    old, new = old_dir / "body" / "SSPB.ics", new_dir / "body" / "SSPB.ics"
    result = check_ics(new, "--previous", str(old))
    assert result.returncode == 0, result.stderr
    moved = vevent(new, "meeting-SSPB-2022-01-06@govflow")
    assert "DTSTART;TZID=Europe/London:20220113T140000" in moved
    assert "SEQUENCE:1" in moved and "DTSTAMP:20211007T030000Z" in moved and "LAST-MODIFIED:20211007T030000Z" in moved
    # An event that did not change keeps its stamp and sequence, byte for byte.
    assert vevent(new, "meeting-SSPB-2021-10-06@govflow") == vevent(old, "meeting-SSPB-2021-10-06@govflow")
    assert published["body/SSPB.ics"].last_modified == "2021-10-07T03:00:00Z"
    # Feeds without the meeting come out byte for byte the same.
    assert (old_dir / "body/JCB.ics").read_bytes() == (new_dir / "body/JCB.ics").read_bytes()


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(southend, tmp_path: Path) -> None:
    from governance_model.model import MeetingStatus

    build(southend, tmp_path)
    with southend:
        meeting = southend.bodies.get_meeting("SSPB-2022-05-05")
        southend.bodies.save_meeting(dataclasses.replace(meeting, status=MeetingStatus.CANCELLED))
        southend.commit()
    build(southend, tmp_path, now=LATER)
    event = vevent(tmp_path / "body" / "SSPB.ics", "meeting-SSPB-2022-05-05@govflow")
    assert "STATUS:CANCELLED" in event and "SEQUENCE:1" in event


def test_rotating_a_token_retires_the_old_person_feed(southend, tmp_path: Path) -> None:
    build(southend, tmp_path)
    assert (tmp_path / "person" / "token-GB.ics").exists()
    token = rotate_feed_token(southend, "GB", LATER)
    assert len(token.token) >= 43  # 32 random bytes, URL-safe base64: 256 bits
    files = publish_feeds(lambda: southend, tmp_path, AS_OF, LATER, PUBLIC_URL)
    assert not (tmp_path / "person" / "token-GB.ics").exists()
    assert tmp_path / "person" / f"{token.token}.ics" in files
    assert (tmp_path / "person" / "token-BM.ics").exists()


def test_a_person_without_a_token_gets_one(tmp_path: Path) -> None:
    from govflow.services import file_loading as services
    from tests.calendars.conftest import SOUTHEND
    from tests.fakes import FakeUnitOfWork

    uow = FakeUnitOfWork()
    services.load_files([SOUTHEND], uow)
    build(uow, tmp_path)
    with uow:
        tokens = uow.feeds.list_tokens()
    assert set(tokens) >= {"GB", "BM", "SEC"}
    assert all(len(t.token) >= 43 for t in tokens.values())
    assert (tmp_path / "person" / f"{tokens['GB'].token}.ics").exists()


def test_an_exempt_document_loses_its_public_feed(southend, tmp_path: Path) -> None:
    build(southend, tmp_path)
    assert (tmp_path / "document" / "send-strategy-2021-24.ics").exists()
    with southend:
        document = southend.documents.get("send-strategy-2021-24")
        document.exempt = True
        southend.documents.save(document)
        southend.commit()
    build(southend, tmp_path, now=LATER)
    assert not (tmp_path / "document" / "send-strategy-2021-24.ics").exists()
    assert "SEND Strategy 2021-24" not in unfolded(tmp_path / "all.ics")
    assert "SEND Strategy 2021-24" not in unfolded(tmp_path / "body" / "SSPB.ics")
    # Still in its owner's own private feed.
    assert "SEND Strategy 2021-24" in unfolded(tmp_path / "person" / "token-GB.ics")
