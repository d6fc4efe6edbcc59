"""Writing a feed as it is rendered: compared with the file on disk as it comes, written (atomically)
only when its bytes differ, never held whole."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from benchmarks.feeds_benchmark import STAMP, body_feed
from calendars.ical import CHUNK_EVENTS, render_feed, render_feed_chunks
from govflow.services.feed_publishing import write_chunks_if_changed
from tests.calendars.test_feed_publish import LATER, build, move_meeting

OLD = b"BEGIN:VCALENDAR\r\n" + b"x" * 5000 + b"END:VCALENDAR\r\n"


def pieces(data: bytes, size: int = 700) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_the_same_bytes_in_any_pieces_write_nothing(tmp_path: Path) -> None:
    file = tmp_path / "feed.ics"
    file.write_bytes(OLD)
    before = stamp(file)
    for size in (1, 700, len(OLD), len(OLD) * 2):
        assert write_chunks_if_changed(file, pieces(OLD, size)) == (False, hashlib.sha256(OLD).hexdigest())
    assert stamp(file) == before and file.read_bytes() == OLD and leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "new",
    [
        OLD.replace(b"x" * 10, b"y" * 10, 1),  # differs early
        OLD[:3000] + b"z" + OLD[3001:],  # differs in the middle, after whole matching pieces
        OLD[:-15] + b"END:VCALENDAR!\r\n",  # differs in the last piece
        OLD + b"more",  # the old file is a prefix of the new
        OLD[:2800],  # the new is a prefix of the old
        b"",
    ],
    ids=["early", "middle", "end", "longer", "shorter", "empty"],
)
def test_different_bytes_replace_the_file(tmp_path: Path, new: bytes) -> None:
    file = tmp_path / "feed.ics"
    file.write_bytes(OLD)
    assert write_chunks_if_changed(file, pieces(new)) == (True, hashlib.sha256(new).hexdigest())
    assert file.read_bytes() == new and leftovers(tmp_path) == []
    assert file.stat().st_mode & 0o777 == 0o644


def test_a_new_file_and_its_folder_are_made(tmp_path: Path) -> None:
    file = tmp_path / "person" / "feed.ics"
    assert write_chunks_if_changed(file, pieces(OLD))[0] is True
    assert file.read_bytes() == OLD


def test_a_render_that_fails_half_way_leaves_the_old_file(tmp_path: Path) -> None:
    file = tmp_path / "feed.ics"
    file.write_bytes(OLD)

    def failing():
        yield OLD[:1000]
        yield b"something else"
        raise ValueError("no stamp")

    with pytest.raises(ValueError, match="no stamp"):
        write_chunks_if_changed(file, failing())
    assert file.read_bytes() == OLD and leftovers(tmp_path) == []


def test_the_pieces_add_up_to_the_whole_feed() -> None:
    feed = body_feed(2 * CHUNK_EVENTS + 3)
    chunks = list(render_feed_chunks(feed, stamp=STAMP))
    assert len(chunks) == 1 + 3  # the head and zone, then the events a chunk at a time
    assert b"".join(chunks) == render_feed(feed, stamp=STAMP)
    assert chunks[-1].endswith(b"END:VEVENT\r\nEND:VCALENDAR\r\n")


# --- a feed nothing of which changed is not even rendered -----------------------------------------


@pytest.fixture
def rendering(monkeypatch) -> list[str]:
    """The paths of the feeds rendered, in order."""
    from govflow.services import feed_publishing

    paths: list[str] = []

    def counted(feed, *args, **kwargs):
        paths.append(feed.path)
        return render_feed_chunks(feed, *args, **kwargs)

    monkeypatch.setattr(feed_publishing, "render_feed_chunks", counted)
    return paths


def test_a_second_night_on_the_same_data_renders_nothing(southend, tmp_path: Path, rendering: list[str]) -> None:
    first = build(southend, tmp_path)
    assert len(rendering) == len(first)
    files = {p.file: (p.file.read_bytes(), stamp(p.file)) for p in first}
    rendering.clear()
    second = build(southend, tmp_path, now=LATER)
    assert rendering == [] and not any(p.written for p in second)
    assert [(p.feed.path, p.sha256, p.last_modified, p.events) for p in second] == \
        [(p.feed.path, p.sha256, p.last_modified, p.events) for p in first]
    assert {p.file: (p.file.read_bytes(), stamp(p.file)) for p in second} == files


def test_a_feed_file_changed_on_disk_is_rendered_and_put_right(southend, tmp_path: Path, rendering: list[str]) -> None:
    first = {p.feed.path: p for p in build(southend, tmp_path)}
    sspb = first["body/SSPB.ics"].file
    good = sspb.read_bytes()
    sspb.write_bytes(good.replace(b"SUMMARY:", b"SUMMARY:Hacked ", 1))
    (tmp_path / "body" / "JCB.ics").unlink()
    rendering.clear()
    second = {p.feed.path: p for p in build(southend, tmp_path, now=LATER)}
    assert sorted(rendering) == ["body/JCB.ics", "body/SSPB.ics"]
    assert sspb.read_bytes() == good and second["body/SSPB.ics"].written
    assert (tmp_path / "body" / "JCB.ics").read_bytes() and second["body/JCB.ics"].written


def test_without_its_notes_the_publisher_renders_again_and_writes_nothing(southend, tmp_path: Path, rendering: list[str]) -> None:
    first = build(southend, tmp_path)
    (tmp_path / ".rendered.json").write_text("{broken")
    rendering.clear()
    second = build(southend, tmp_path, now=LATER)
    assert len(rendering) == len(first) and not any(p.written for p in second)
    rendering.clear()
    build(southend, tmp_path, now=LATER)
    assert rendering == []  # the notes were written again


def test_a_moved_meeting_renders_only_the_feeds_it_is_in(southend, tmp_path: Path, rendering: list[str]) -> None:
    build(southend, tmp_path)
    meeting = next(m for b in southend.bodies.list() if b.code == "JCB" for m in b.meetings if m.starts_at)
    move_meeting(southend, meeting.key, meeting.starts_at + dt.timedelta(days=1))
    rendering.clear()
    written = {p.feed.path for p in build(southend, tmp_path, now=LATER) if p.written}
    assert set(rendering) == written and "body/JCB.ics" in written and "all.ics" in written
    assert "body/SSPB.ics" not in rendering
