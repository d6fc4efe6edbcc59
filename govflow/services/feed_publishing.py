"""Publishing the feeds: load what they need, build every feed, record each event's SEQUENCE and
LAST-MODIFIED in one transaction, and write the .ics files and their manifest (index.json).

    out_dir/body/<CODE>.ics, out_dir/document/<key>.ics, out_dir/all.ics   public
    out_dir/person/<token>.ics                                            private: the token is the secret
    out_dir/index.json   {"generated_at", "feeds": [{"path", "title", "kind", "public", "sha256", "last_modified"}]}

Files are written atomically (a temporary file renamed over the old one) and only when their bytes
change, so a build over unchanged data touches nothing. A feed that no longer exists (a person's
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from pathlib import Path

from calendars.feeds import ALL, BODY, DOCUMENT, PERSON, Feed, build_feeds
from calendars.ical import render_feed
from calendars.stability import changed_states, next_states
from governance_model.feed_state import FeedToken
from governance_model.linked_routes import plan_routes
from governance_model.model import StepForecast
from governance_model.ports import AbstractUnitOfWork
from governance_model.route_planner import MeetingIndex
from governance_model.working_days import WorkingCalendar
from govflow.errors import Error

INDEX = "index.json"
FEED_FOLDERS = (BODY, DOCUMENT, PERSON)


OnError = Callable[[str, str, Exception], None]  # (kind: body, document or plan; its key; the error)


class FeedError(Error):
    """A feed could not be built or published."""


@dataclass(frozen=True)
class PublishedFeed:
    feed: Feed
    file: Path
    sha256: str
    last_modified: str  # ISO 8601, UTC
    written: bool  # False: the file already held these bytes

    @property
    def events(self) -> int:
        return len(self.feed.events)


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
) -> list[Path]:
    """Build and write every feed and index.json; returns the feed files (written or unchanged).

    With `on_error`, a body, document or plan whose events cannot be built (a value stored out of
    all reason) is handed to it as (kind, key, error) and left out; every other feed is built."""
    return [p.file for p in publish(uow_factory, out_dir, as_of, now, public_url, forecasts, on_error)]


def publish(
    uow_factory: Callable[[], AbstractUnitOfWork],
    out_dir: Path,
    as_of: dt.date,
    now: dt.datetime,
    public_url: str,
    forecasts: Mapping[tuple[str, str], StepForecast] | None = None,
    on_error: OnError | None = None,
) -> list[PublishedFeed]:
    """As `publish_feeds`, with what was published. `forecasts` (e.g. the night's, not yet stored)
    override the stored ones; a document with neither is planned as of `as_of`."""
    if now.utcoffset() is None:
        raise FeedError(f"now {now.isoformat()} has no time zone")
    out_dir = Path(out_dir)
    calendar = WorkingCalendar()
    with uow_factory() as uow:
        bodies = uow.bodies.list()
        documents = uow.documents.list()
        plans = uow.plans.list()
        people = uow.people.list()
        known = dict(forecasts) if forecasts is not None else {
            (f.document_key, f.step_key): f for f in uow.documents.list_forecasts()
        }
        unplanned = [d for d in documents if not any((d.key, s.key) in known for s in d.route.steps)]
        if unplanned:
            meetings, decisions = MeetingIndex(bodies), uow.documents.list_decisions()
            routes = plan_routes(
                documents, meetings, decisions, as_of, calendar, uow.conditions.list(),
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
        events = {e.uid: e for feed in feeds for e in feed.events}
        previous = uow.feeds.event_states(events)
        states = next_states(previous, events.values(), now)
        uow.feeds.save_event_states(changed_states(previous, states))
        uow.commit()

    stamps = {uid: (s.sequence, s.last_modified) for uid, s in states.items()}
    old_index = _read_index(out_dir / INDEX)
    built_at = _iso(now)
    published = []
    for feed in feeds:
        data = render_feed(feed, stamps)
        digest = hashlib.sha256(data).hexdigest()
        before = old_index.get(feed.path)
        newest = max((stamps[e.uid][1] for e in feed.events), default=None)
        if before is not None and before.get("sha256") == digest:
            last_modified = before.get("last_modified") or built_at
        elif before is not None and newest is not None and _iso(newest) > before.get("last_modified", ""):
            last_modified = _iso(newest)
        elif before is None and newest is not None:
            last_modified = _iso(newest)
        else:
            last_modified = built_at
        file = out_dir / feed.path
        written = write_if_changed(file, data)
        published.append(PublishedFeed(feed, file, digest, last_modified, written))

    _remove_stale(out_dir, {p.file.resolve() for p in published})
    _write_index(out_dir / INDEX, published, built_at)
    return published


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
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


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
