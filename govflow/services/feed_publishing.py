"""Publishing the feeds: load what they need, build every feed, record each event's SEQUENCE and
LAST-MODIFIED in one transaction, and write the .ics files and their manifest (index.json).

    out_dir/body/<CODE>.ics, out_dir/document/<key>.ics, out_dir/all.ics   public
    out_dir/person/<token>.ics                                            private: the token is the secret
    out_dir/index.json   {"generated_at", "feeds": [{"path", "title", "kind", "public", "sha256", "last_modified"}]}
    out_dir/.rendered.json   the publisher's own note of what each file was rendered from (below)

Files are written atomically (a temporary file renamed over the old one) and only when their bytes
change, so a build over unchanged data touches nothing. A feed is written as it is rendered, a few
hundred events at a time, compared as it goes with the file already there: no feed's whole text is
ever in memory, and memory is bounded by the events of one night, not by the bytes of its feeds.

Most feeds do not change from one night to the next, and rendering is most of the work, so a feed is
not even rendered when nothing it is made of changed: its fingerprint (the renderer's own source,
the feed's title and description, and each event's UID, content hash, SEQUENCE and LAST-MODIFIED)
is the one noted in .rendered.json for it, with the size and modification time its file had then
and the sha256 index.json gives it. A file changed, replaced or removed since, a renderer changed,
or a lost note: the feed is rendered and compared with the file as above. A feed that no longer exists (a person's
feed after their token was rotated, the feed of a body or document since marked exempt) is removed.
`last_modified` in the manifest is when the feed's bytes last changed: its newest LAST-MODIFIED, or
the build time when the feed is new or changed only by losing events; unchanged, it keeps its value.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, BinaryIO
from pathlib import Path

from calendars.feeds import ALL, BODY, DOCUMENT, PERSON, Feed, build_feeds
from calendars.ical import render_feed_chunks
from calendars.stability import changed_states, next_states
from governance_model.feed_state import FeedEventState, FeedToken
from governance_model.linked_routes import plan_routes
from governance_model.model import StepForecast
from governance_model.ports import AbstractUnitOfWork
from governance_model.route_planner import MeetingIndex
from governance_model.working_days import WorkingCalendar
from govflow.errors import Error

if TYPE_CHECKING:
    from govflow.services.night_planning import Snapshot

INDEX = "index.json"
RENDERED = ".rendered.json"
COPY_BYTES = 1 << 20  # the matching start of an old file is copied to its replacement this much at a time
FEED_FOLDERS = (BODY, DOCUMENT, PERSON)


OnError = Callable[[str, str, Exception], None]  # (kind: body, document or plan; its key; the error)


class FeedError(Error):
    """A feed could not be built or published."""


@dataclass(frozen=True)
class PublishedFeed:
    feed: Feed  # without its events (released once the feed is written): path, kind, key, title, public
    file: Path
    sha256: str
    last_modified: str  # ISO 8601, UTC
    written: bool  # False: the file already held these bytes
    events: int = 0  # how many events the feed holds


def new_token() -> str:
    """A feed token: 32 random bytes (256 bits), URL-safe."""
    return secrets.token_urlsafe(32)


def rotate_feed_token(uow: AbstractUnitOfWork, initials: str, now: dt.datetime) -> FeedToken:
    """Give a person a new feed token; the old address stops working at the next build."""
    with uow:
        if uow.people.get(initials) is None:
            raise FeedError(f"no person with initials {initials!r}")
        token = uow.feeds.set_token(initials, new_token(), now)
        uow.commit()
    return token


def publish_feeds(
    uow_factory: Callable[[], AbstractUnitOfWork],
    out_dir: Path,
    as_of: dt.date,
    now: dt.datetime,
    public_url: str,
    forecasts: Mapping[tuple[str, str], StepForecast] | None = None,
    on_error: OnError | None = None,
    records: Snapshot | None = None,
) -> list[Path]:
    """Build and write every feed and index.json; returns the feed files (written or unchanged).

    With `on_error`, a body, document or plan whose events cannot be built (a value stored out of
    all reason) is handed to it as (kind, key, error) and left out; every other feed is built.
    With `records` (the night's snapshot, as saved), the council's bodies, documents, plans, people,
    decisions and conditions are taken from it instead of read again."""
    return [p.file for p in publish(uow_factory, out_dir, as_of, now, public_url, forecasts, on_error, records)]


def publish(
    uow_factory: Callable[[], AbstractUnitOfWork],
    out_dir: Path,
    as_of: dt.date,
    now: dt.datetime,
    public_url: str,
    forecasts: Mapping[tuple[str, str], StepForecast] | None = None,
    on_error: OnError | None = None,
    records: Snapshot | None = None,
) -> list[PublishedFeed]:
    """As `publish_feeds`, with what was published. `forecasts` (e.g. the night's, not yet stored)
    override the stored ones; a document with neither is planned as of `as_of`."""
    if now.utcoffset() is None:
        raise FeedError(f"now {now.isoformat()} has no time zone")
    out_dir = Path(out_dir)
    calendar = WorkingCalendar()
    with uow_factory() as uow:
        if records is None:
            bodies, documents, plans, people = uow.bodies.list(), uow.documents.list(), uow.plans.list(), uow.people.list()
        else:
            bodies, documents, plans, people = records.bodies, records.documents, records.plans, records.people
        known = dict(forecasts) if forecasts is not None else {
            (f.document_key, f.step_key): f for f in uow.documents.list_forecasts()
        }
        unplanned = [d for d in documents if not any((d.key, s.key) in known for s in d.route.steps)]
        if unplanned:
            meetings = MeetingIndex(bodies)
            decisions = uow.documents.list_decisions() if records is None else records.decisions
            routes = plan_routes(
                documents, meetings, decisions, as_of, calendar, uow.conditions.list() if records is None else records.conditions,
                on_error=(lambda d, error: on_error("document", d.key, error)) if on_error else None,
            )
            for document in unplanned:
                for f in routes[document.key].steps if document.key in routes else ():
                    known[(f.document_key, f.step_key)] = f
        tokens = uow.feeds.list_tokens()
        for person in people:
            if person.initials not in tokens:
                tokens[person.initials] = uow.feeds.set_token(person.initials, new_token(), now)
        feeds = _build_leaving_out_failures(
            on_error,
            bodies=bodies, documents=documents, forecasts=known, plans=plans, people=people,
            tokens={i: t.token for i, t in tokens.items()}, public_url=public_url, calendar=calendar,
            organisation=uow.organisation,  # the council's own UIDs
        )
        del bodies, documents, plans, people, known  # built into the feeds: let them go before writing
        events = {e.uid: e for feed in feeds for e in feed.events}
        previous = uow.feeds.event_states(events)
        states = next_states(previous, events.values(), now)
        uow.feeds.save_event_states(changed_states(previous, states))
        uow.commit()
    del events, previous

    stamps = {uid: (s.sequence, s.last_modified) for uid, s in states.items()}
    old_index = _read_index(out_dir / INDEX)
    old_rendered = _read_rendered(out_dir / RENDERED)
    rendered: dict[str, list] = {}
    texts: dict[str, str] = {}  # each event's text, written once for all the feeds it is in
    built_at = _iso(now)
    published = []
    for number, feed in enumerate(feeds):
        feeds[number] = None  # type: ignore[call-overload]  # each feed's events go once it is written
        file = out_dir / feed.path
        before = old_index.get(feed.path)
        fingerprint = feed_fingerprint(feed, states)
        digest = _unchanged(file, fingerprint, old_rendered.get(feed.path), before)
        written = False
        if digest is None:
            written, digest = write_chunks_if_changed(file, render_feed_chunks(feed, stamps, texts=texts))
        st = file.stat()
        rendered[feed.path] = [fingerprint, digest, st.st_size, st.st_mtime_ns]
        newest = max((stamps[e.uid][1] for e in feed.events), default=None)
        if before is not None and before.get("sha256") == digest:
            last_modified = before.get("last_modified") or built_at
        elif before is not None and newest is not None and _iso(newest) > before.get("last_modified", ""):
            last_modified = _iso(newest)
        elif before is None and newest is not None:
            last_modified = _iso(newest)
        else:
            last_modified = built_at
        published.append(PublishedFeed(replace(feed, events=()), file, digest, last_modified, written, len(feed.events)))
        del feed

    _remove_stale(out_dir, {p.file.resolve() for p in published})
    _write_index(out_dir / INDEX, published, built_at)
    write_if_changed(out_dir / RENDERED, (json.dumps({"feeds": rendered}, indent=0) + "\n").encode())
    return published


def feed_fingerprint(feed: Feed, states: Mapping[str, FeedEventState]) -> str:
    """What the feed's bytes are made of, hashed: the renderer, the feed's own text, and each event's
    content hash, SEQUENCE and LAST-MODIFIED (all that `render_feed` writes of it)."""
    digest = hashlib.sha256(json.dumps([RENDERER, feed.path, feed.title, feed.description]).encode())
    for event in feed.events:
        state = states[event.uid]
        digest.update(f"\x1e{event.uid}\x1f{state.content_hash}\x1f{state.sequence}\x1f{state.last_modified.isoformat()}".encode())
    return digest.hexdigest()


def _unchanged(file: Path, fingerprint: str, noted: list | None, before: dict | None) -> str | None:
    """The file's sha256 when it still holds what was rendered from this fingerprint, else None."""
    if not noted or len(noted) != 4 or noted[0] != fingerprint or before is None or before.get("sha256") != noted[1]:
        return None
    try:
        st = file.stat()
    except OSError:
        return None
    return noted[1] if [st.st_size, st.st_mtime_ns] == noted[2:] else None


def _read_rendered(path: Path) -> dict[str, list]:
    try:
        feeds = json.loads(path.read_text(encoding="utf-8"))["feeds"]
        return feeds if isinstance(feeds, dict) else {}
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return {}


def _renderer() -> str:
    """The renderer's identity: a change to calendars/ical.py (or icalendar, which writes the zone)
    may change every feed's bytes, so it re-renders every feed once."""
    import icalendar

    from calendars import ical

    try:
        source = Path(ical.__file__).read_bytes()
    except OSError:  # no source to hash: a fresh value, so nothing is taken as unchanged
        source = secrets.token_bytes(16)
    return hashlib.sha256(source + icalendar.__version__.encode()).hexdigest()


RENDERER = _renderer()


def _build_leaving_out_failures(on_error: OnError | None, **inputs: Any) -> list[Feed]:
    """build_feeds; if it fails and `on_error` is given, the bodies, documents and plans that fail
    on their own are found, handed to `on_error` and left out of a second build."""
    try:
        return build_feeds(**inputs)
    except Exception:
        if on_error is None:
            raise
    alone = {**inputs, "bodies": [], "documents": [], "plans": []}
    kept: dict[str, list] = {"bodies": [], "documents": [], "plans": []}
    for field_, kind, key in (("bodies", "body", "code"), ("documents", "document", "key"), ("plans", "plan", "key")):
        for item in inputs[field_]:
            try:  # each on its own, with the bodies that build (a step's events name its body)
                build_feeds(**{**alone, "bodies": kept["bodies"], field_: [item]})
            except Exception as error:  # noqa: BLE001 - handed to on_error; the rest is built
                on_error(kind, getattr(item, key), error)
                continue
            kept[field_].append(item)
    return build_feeds(**{**inputs, **kept})


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` to `path` atomically unless it already holds exactly these bytes."""
    return write_chunks_if_changed(path, (data,))[0]


def write_chunks_if_changed(path: Path, chunks: Iterable[bytes]) -> tuple[bool, str]:
    """Write the bytes `chunks` add up to at `path`, atomically, unless it already holds exactly
    these bytes; returns (written, their sha256 in hex).

    The chunks are compared with the old file as they come, so nothing is written while they
    match it; at the first difference a temporary file is started with the part that matched
    (copied from the old file) and the rest is written to it as it comes. Nothing is held whole."""
    digest = hashlib.sha256()
    try:
        old: BinaryIO | None = open(path, "rb")
    except FileNotFoundError:
        old = None
    new: _Temporary | None = None
    matched = 0
    try:
        for chunk in chunks:
            digest.update(chunk)
            if new is None and old is not None and old.read(len(chunk)) == chunk:
                matched += len(chunk)
                continue
            if new is None:
                new = _Temporary(path, old, matched)
            new.out.write(chunk)
        if new is None and old is not None and old.read(1) == b"":
            return False, digest.hexdigest()  # the same bytes, to the end of the old file
        if new is None:  # no old file, or a longer one
            new = _Temporary(path, old, matched)
        new.commit()
        return True, digest.hexdigest()
    finally:
        if new is not None:
            new.discard()
        if old is not None:
            old.close()


class _Temporary:
    """A temporary file next to `path` that holds the first `matched` bytes of `old`; `commit`
    renames it over `path`, `discard` removes it if it was not committed."""

    def __init__(self, path: Path, old: BinaryIO | None, matched: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        handle, self.name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.out = os.fdopen(handle, "wb")
        self.committed = False
        try:
            if old is not None and matched:
                old.seek(0)
                while matched:
                    piece = old.read(min(matched, COPY_BYTES))
                    if not piece:
                        raise FeedError(f"{path} shrank while it was being rewritten")
                    self.out.write(piece)
                    matched -= len(piece)
        except BaseException:
            self.discard()
            raise

    def commit(self) -> None:
        self.out.flush()
        os.fsync(self.out.fileno())
        self.out.close()
        os.chmod(self.name, 0o644)
        os.replace(self.name, self.path)
        self.committed = True

    def discard(self) -> None:
        if not self.committed:
            self.out.close()
            Path(self.name).unlink(missing_ok=True)


def _remove_stale(out_dir: Path, keep: set[Path]) -> None:
    for folder in FEED_FOLDERS:
        for file in sorted((out_dir / folder).glob("*.ics")):
            if file.resolve() not in keep:
                file.unlink(missing_ok=True)


def _read_index(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {entry["path"]: entry for entry in data.get("feeds", [])}
    except (FileNotFoundError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _write_index(path: Path, published: list[PublishedFeed], built_at: str) -> None:
    entries = [
        {
            "path": p.feed.path,
            "title": p.feed.title,
            "kind": p.feed.kind,
            "public": p.feed.public,
            "sha256": p.sha256,
            "last_modified": p.last_modified,
        }
        for p in published
    ]
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        old = {}
    # Nothing changed: keep the old generated_at, so the manifest too stays byte-identical.
    generated_at = old.get("generated_at", built_at) if old.get("feeds") == entries else built_at
    data = json.dumps({"generated_at": generated_at, "feeds": entries}, indent=2, ensure_ascii=False) + "\n"
    write_if_changed(path, data.encode("utf-8"))


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


KINDS = (BODY, DOCUMENT, PERSON, ALL)
