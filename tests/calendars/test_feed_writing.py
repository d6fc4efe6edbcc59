"""Writing a feed as it is rendered: compared with the file on disk as it comes, written (atomically)
only when its bytes differ, never held whole."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from benchmarks.feeds_benchmark import STAMP, body_feed
from calendars.ical import CHUNK_EVENTS, render_feed, render_feed_chunks
from govflow.services.feed_publishing import write_chunks_if_changed

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
