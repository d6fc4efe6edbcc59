"""The published feed folder as a web server sees it, with no web framework: the manifest, the catalog
that re-reads it when it changes, the answers to feed requests (ETag, Last-Modified, 304) and the
subscribe page. `govflow.web` puts these on HTTP.

The folder is written by the feed publisher (`govflow.services.feed_publishing`)::

    DIR/index.json     {"generated_at": "…Z", "feeds": [{"path": "body/SSPB.ics", "title": "…",
                        "kind": "body|document|person|all", "public": true|false,
                        "sha256": "<hex>", "last_modified": "<ISO 8601 UTC>"}]}
    DIR/body/SSPB.ics, DIR/document/<key>.ics, DIR/all.ics, DIR/person/<token>.ics

Only the paths listed in index.json are served: a requested path is looked up in the manifest, never
joined onto the folder, so `../` and friends cannot reach any other file. The lookup is by a keyed
hash of the path, so how long it takes says nothing about how much of a person feed's token a guess
got right. Person feeds (`public: false`) are served by their unguessable token path but listed
nowhere, and their tokens never reach the log (`redact_path`).

index.json is stat()ed on each request and re-read only when it changed, so a nightly rebuild is
picked up without a restart. A 304 answer reads no file and hashes nothing: its headers come from
the cached manifest entry. A 200 (or 206, for a Range) answer holds the feed's file open and is sent
from it a piece at a time: the bytes sent are the ones hashed for the ETag (the publisher replaces a
file by renaming a new one over it, so an open file never changes), and no feed is held in memory.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
FEEDS_PREFIX = "/feeds/"
FEED_CACHE_CONTROL = "max-age=3600"
PRIVATE_FEED_CACHE_CONTROL = "private, max-age=3600"  # person feeds: no shared cache may keep them
CALENDAR_TYPE = "text/calendar; charset=utf-8"
TEMPLATES = Path(__file__).resolve().parent / "templates"

READ_BYTES = 256 * 1024  # a feed file is hashed and sent this much at a time
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_BYTE_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_ETAG_ITEM = re.compile(r'\*|(?:W/)?"[^"]*"')
_PERSON_PATH = re.compile(r"(person/)([^\s\"'?#&]+)")

KIND_DESCRIPTIONS = {
    "all": "Every board's meetings and papers deadlines, and every document's sign-off steps",
    "body": "This board's meetings and the papers deadline before each one",
    "document": "This document's sign-off steps, deadlines and the meetings it goes to",
}
KIND_ORDER = {"all": 0, "body": 1, "document": 2}


# --- the manifest --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    """One feed of index.json, with its response headers worked out once, when the manifest is read."""

    path: str  # relative to the feeds folder, e.g. "body/SSPB.ics"
    file: Path
    title: str
    kind: str
    public: bool
    sha256: str | None
    etag: str | None  # '"<sha256>"', or None when the manifest has no usable sha256
    last_modified: dt.datetime | None  # whole seconds, UTC
    last_modified_http: str | None  # RFC 7231 IMF-fixdate
    last_modified_epoch: int | None

    @property
    def cache_control(self) -> str:
        return FEED_CACHE_CONTROL if self.public else PRIVATE_FEED_CACHE_CONTROL


@dataclass(frozen=True)
class Manifest:
    feeds: dict[str, FeedEntry] = field(default_factory=dict)
    generated_at: str | None = None
    # A fresh secret per manifest: the lookup keys below cannot be worked out outside this process.
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False, compare=False)
    _by_digest: dict[bytes, FeedEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_digest", {self._digest(path): entry for path, entry in self.feeds.items()})

    def _digest(self, path: str) -> bytes:
        return hmac.new(self._key, path.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()

    def find(self, path: str) -> FeedEntry | None:
        """The feed at `path` (relative to the folder, e.g. "person/<token>.ics"), or None.

        Looked up by an HMAC of the path under a secret key, never by the path itself: comparing
        strings stops at the first differing character, so a lookup by path would take longer the
        more of a token a guess got right. The digests a guess is compared with are unknown to the
        guesser, so the time a lookup takes tells them nothing.
        """
        return self._by_digest.get(self._digest(path))

    @property
    def public_feeds(self) -> list[FeedEntry]:
        listed = [f for f in self.feeds.values() if f.public]
        return sorted(listed, key=lambda f: (KIND_ORDER.get(f.kind, 9), f.title.casefold(), f.path))


def _safe_relative_path(raw: Any) -> str | None:
    """The path if it is a plain relative path to an .ics file with no `..`, else None."""
    if not isinstance(raw, str) or not raw.endswith(".ics") or "\\" in raw or "\x00" in raw:
        return None
    parts = raw.split("/")
    if raw.startswith("/") or any(p in ("", ".", "..") for p in parts):
        return None
    return raw


def _parse_last_modified(raw: Any) -> dt.datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:  # the contract says UTC; a naive time is read as UTC
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0)


def redact_path(path: str) -> str:
    """A path with any person-feed token replaced by a short, irreversible tag for the log."""

    def hide(match: re.Match[str]) -> str:
        tag = hashlib.sha256(match.group(2).encode()).hexdigest()[:8]
        return f"{match.group(1)}<redacted {tag}>"

    return _PERSON_PATH.sub(hide, path)


def load_manifest(feeds_dir: Path) -> Manifest:
    """Read DIR/index.json. Raises ValueError (or OSError) when it cannot be read as a manifest."""
    data = json.loads((feeds_dir / "index.json").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("feeds"), list):
        raise ValueError("index.json has no list of feeds")
    root = feeds_dir.resolve()
    feeds: dict[str, FeedEntry] = {}
    for item in data["feeds"]:
        if not isinstance(item, dict):
            log.warning("index.json: ignored a feed entry that is not an object")
            continue
        path = _safe_relative_path(item.get("path"))
        file = (root / path).resolve() if path else None
        if path is None or file is None or not file.is_relative_to(root):
            log.warning("index.json: ignored feed with unsafe path %r", redact_path(str(item.get("path"))))
            continue
        kind = str(item.get("kind") or "")
        public = item.get("public") is True and kind != "person"  # a person feed is never listed
        sha = item.get("sha256")
        sha = sha.lower() if isinstance(sha, str) and _SHA256.fullmatch(sha) else None
        if sha is None:
            log.warning("index.json: feed %s has no valid sha256; served without an ETag", redact_path(path))
        modified = _parse_last_modified(item.get("last_modified"))
        if modified is None:
            log.warning("index.json: feed %s has no valid last_modified; served without Last-Modified", redact_path(path))
        feeds[path] = FeedEntry(
            path=path,
            file=file,
            title=str(item.get("title") or path),
            kind=kind,
            public=public,
            sha256=sha,
            etag=f'"{sha}"' if sha else None,
            last_modified=modified,
            last_modified_http=email.utils.format_datetime(modified, usegmt=True) if modified else None,
            last_modified_epoch=int(modified.timestamp()) if modified else None,
        )
    generated = data.get("generated_at")
    return Manifest(feeds=feeds, generated_at=generated if isinstance(generated, str) else None)


class FeedCatalog:
    """The current manifest of a feeds folder, re-read only when index.json changes on disk.

    Safe to share between threads. Each process (each web worker) keeps its own catalog; they agree
    because each re-reads index.json when it changes and the publisher replaces files atomically.
    """

    def __init__(self, feeds_dir: Path | str) -> None:
        self.feeds_dir = Path(feeds_dir)
        self.index = self.feeds_dir / "index.json"
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._manifest = Manifest()
        self._version = 0  # bumps on every successful reload (the subscribe page cache keys on it)
        self._verified: dict[str, tuple[tuple[int, int, int], str]] = {}  # path → (file stamp, sha256)

    def _index_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.index)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def current(self) -> tuple[Manifest, int]:
        """The manifest and its version; one stat() per call, a JSON read only after a change."""
        stamp = self._index_stamp()
        if stamp == self._stamp:
            return self._manifest, self._version
        with self._lock:
            if stamp != self._stamp:
                self._reload(stamp)
            return self._manifest, self._version

    def _reload(self, stamp: tuple[int, int, int] | None) -> None:
        # The stamp is set last: `current()` reads it without the lock, and a thread that sees the
        # new stamp must also see the new manifest, never the old one.
        if stamp is None:
            if self._manifest.feeds:
                log.warning("%s is gone: serving no feeds until it is written again", self.index)
            self._manifest, self._verified = Manifest(), {}
            self._version += 1
            self._stamp = stamp
            return
        try:
            manifest = load_manifest(self.feeds_dir)
        except (OSError, ValueError) as exc:  # half-written or broken: keep serving the last good one
            log.error("could not read %s (%s); still serving the previous manifest", self.index, exc)
            self._stamp = stamp
            return
        self._manifest, self._verified = manifest, {}
        self._version += 1
        self._stamp = stamp
        private = sum(1 for f in manifest.feeds.values() if not f.public)
        log.info("manifest loaded: %d feeds (%d private), generated at %s", len(manifest.feeds), private, manifest.generated_at)

    def open_feed(self, entry: FeedEntry) -> tuple[BinaryIO, int, str]:
        """The feed's file, open at its start, its size and the sha256 its bytes really have.
        Hashes (a piece at a time) only when the file changed; the caller closes the file."""
        fh = open(entry.file, "rb")
        try:
            st = os.fstat(fh.fileno())
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
            known = self._verified.get(entry.path)
            if known is not None and known[0] == stamp:
                return fh, st.st_size, known[1]
            digest = hashlib.sha256()
            while piece := fh.read(READ_BYTES):
                digest.update(piece)
            fh.seek(0)
        except BaseException:
            fh.close()
            raise
        actual = digest.hexdigest()
        self._verified[entry.path] = (stamp, actual)
        if entry.sha256 and actual != entry.sha256:
            log.warning("feed %s does not match its sha256 in index.json (publish in progress?)", redact_path(entry.path))
        return fh, st.st_size, actual


# --- answering a feed request (RFC 7232 conditional requests) -------------------------------------


@dataclass(frozen=True)
class FeedAnswer:
    """What to send for a feed: status, headers, and for a 200 or 206 the open file to send
    `length` bytes of from `start` (the web layer sends them and closes it)."""

    status: int
    headers: dict[str, str]
    file: BinaryIO | None = None
    start: int = 0
    length: int = 0


def etag_matches(if_none_match: str, etag: str | None) -> bool:
    """Weak comparison of an If-None-Match list (`*`, `"a", W/"b"`) against our strong ETag."""
    if etag is None:
        return False
    opaque = etag.removeprefix("W/")
    for item in _ETAG_ITEM.findall(if_none_match):
        if item == "*" or item.removeprefix("W/") == opaque:
            return True
    return False


def not_modified_since(if_modified_since: str, entry: FeedEntry) -> bool:
    """True when Last-Modified is not later than the If-Modified-Since date.

    A date that cannot be read is ignored (False: the whole feed is sent), as RFC 9110 §13.1.3
    requires, and that includes a well-formed date no datetime can hold (year 99999999999)."""
    if entry.last_modified_epoch is None:
        return False
    if if_modified_since == entry.last_modified_http:  # what clients send back: no date parsing
        return True
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError, OverflowError):  # Overflow: a year or offset beyond any C int
        return False
    if since is None:
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.timezone.utc)
    return entry.last_modified_epoch <= since.timestamp()


def is_not_modified(headers: Mapping[str, str], entry: FeedEntry) -> bool:
    """RFC 7232 §6: If-None-Match decides when present; If-Modified-Since only without it.

    `headers` looks names up case-insensitively (any web framework's request headers do)."""
    inm = headers.get("If-None-Match")
    if inm is not None:
        return etag_matches(inm, entry.etag)
    ims = headers.get("If-Modified-Since")
    return ims is not None and not_modified_since(ims, entry)


def _validators(etag: str | None, last_modified: str | None, entry: FeedEntry) -> dict[str, str]:
    headers = {}
    if etag:
        headers["ETag"] = etag
    if last_modified:
        headers["Last-Modified"] = last_modified
    headers["Cache-Control"] = entry.cache_control
    if not entry.public:
        headers["X-Robots-Tag"] = "noindex"
    return headers


def not_modified_answer(entry: FeedEntry, request_headers: Mapping[str, str]) -> FeedAnswer | None:
    """304 with the entry's validators when the client's copy is current, else None. Reads no file."""
    if not is_not_modified(request_headers, entry):
        return None
    return FeedAnswer(304, _validators(entry.etag, entry.last_modified_http, entry))


def feed_answer(
    catalog: FeedCatalog, entry: FeedEntry, request_headers: Mapping[str, str] | None = None
) -> FeedAnswer | None:
    """200 with the feed's file (206 with the part a Range asks for, 416 for a part past its end),
    or None when the file index.json lists cannot be read."""
    try:
        fh, size, actual_sha = catalog.open_feed(entry)
    except OSError:
        log.warning("feed %s is in index.json but its file cannot be read", redact_path(entry.path))
        return None
    if entry.sha256 is None or actual_sha == entry.sha256:
        etag, last_modified = entry.etag, entry.last_modified_http
    else:
        # The file and index.json disagree (a publish between the two writes). Describe the bytes
        # really sent, so a client never keeps old bytes under the new ETag or date.
        etag, last_modified = f'"{actual_sha}"', None
    headers = {"Content-Type": CALENDAR_TYPE, "Accept-Ranges": "bytes", **_validators(etag, last_modified, entry)}
    part = requested_range(request_headers or {}, size, etag, last_modified)
    if part is None:
        return FeedAnswer(200, {**headers, "Content-Length": str(size)}, fh, 0, size)
    if part == NOT_SATISFIABLE:
        fh.close()
        return FeedAnswer(416, {**headers, "Content-Range": f"bytes */{size}", "Content-Length": "0"})
    first, last = part
    headers.update({"Content-Range": f"bytes {first}-{last}/{size}", "Content-Length": str(last - first + 1)})
    return FeedAnswer(206, headers, fh, first, last - first + 1)


NOT_SATISFIABLE = (-1, -1)


def requested_range(
    headers: Mapping[str, str], size: int, etag: str | None, last_modified: str | None
) -> tuple[int, int] | None:
    """The (first, last) byte a Range header asks for (RFC 9110 §14.2), NOT_SATISFIABLE when it
    starts past the end, or None to send the whole feed: no Range, one that cannot be read, more
    than one range (a server may answer those whole), or an If-Range that is not the current
    strong ETag or Last-Modified date."""
    raw = headers.get("Range")
    if raw is None:
        return None
    if_range = headers.get("If-Range")
    if if_range is not None and if_range.strip() not in {v for v in (etag, last_modified) if v}:
        return None
    match = _BYTE_RANGE.fullmatch(raw.strip().replace(" ", ""))
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # the last N bytes
        wanted = int(last)
        return NOT_SATISFIABLE if wanted == 0 or size == 0 else (max(0, size - wanted), size - 1)
    start = int(first)
    if last != "" and int(last) < start:
        return None  # not a valid range: ignored
    if start >= size:
        return NOT_SATISFIABLE
    return start, size - 1 if last == "" else min(int(last), size - 1)


# --- the subscribe page --------------------------------------------------------------------------


def webcal_url(url: str) -> str:
    for scheme in ("https://", "http://"):
        if url.lower().startswith(scheme):
            return "webcal://" + url[len(scheme):]
    return url


def london_time_words(stamp: str | None) -> str | None:
    """A UTC timestamp from the manifest ("2021-10-06T03:00:00Z") as people in England read a time:
    "4:00am on Wednesday 6 October 2021 (UK time)", in Europe/London whatever the season; None
    (nothing shown) when there is none or it cannot be read."""
    if not stamp:
        return None
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    local = moment.astimezone(LONDON)
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'} on {local:%A} {local.day} {local:%B %Y} (UK time)"


def feed_url(public_url: str, path: str) -> str:
    """Where a feed of the folder (`path` as in index.json, e.g. "person/<token>.ics") is served
    under the public address (GOVFLOW_PUBLIC_URL, a council's own for a council other than the
    default)."""
    return f"{public_url.rstrip('/')}{FEEDS_PREFIX}{quote(path)}"


def subscribe_page_url(public_url: str) -> str:
    """The subscribe page under the public address."""
    return f"{public_url.rstrip('/')}/subscribe"


class SubscribePage:
    """The rendered page, cached per manifest version."""

    def __init__(self, public_url: str) -> None:
        import jinja2  # only the page needs it

        self.public_url = public_url.rstrip("/")
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True, lstrip_blocks=True
        )
        self._cache: tuple[int, bytes] | None = None
        self._lock = threading.Lock()

    def feed_url(self, path: str) -> str:
        return feed_url(self.public_url, path)

    def render(self, manifest: Manifest, version: int) -> bytes:
        cached = self._cache
        if cached is not None and cached[0] == version:
            return cached[1]
        with self._lock:
            rows = [
                {
                    "title": f.title,
                    "kind": f.kind,
                    "holds": KIND_DESCRIPTIONS.get(f.kind, "Meetings and deadlines"),
                    "url": self.feed_url(f.path),
                    "webcal": webcal_url(self.feed_url(f.path)),
                }
                for f in manifest.public_feeds
            ]
            html = self._env.get_template("subscribe.html.j2").render(
                feeds=rows, generated_at=london_time_words(manifest.generated_at), public_url=self.public_url
            )
            body = html.encode("utf-8")
            self._cache = (version, body)
            return body
