"""The feed server: serves the published feed folder over HTTP with the standard library only.

The folder is written by the feed publisher (`govflow.services.feed_publishing`)::

    DIR/index.json     {"generated_at": "…Z", "feeds": [{"path": "body/SSPB.ics", "title": "…",
                        "kind": "body|document|person|all", "public": true|false,
                        "sha256": "<hex>", "last_modified": "<ISO 8601 UTC>"}]}
    DIR/body/SSPB.ics, DIR/document/<key>.ics, DIR/all.ics, DIR/person/<token>.ics

Only the paths listed in index.json are served, under `/feeds/<path>`: the request path is looked up
in a dictionary, never joined onto the folder, so `../` and friends cannot reach any other file.
Person feeds (`public: false`) are served by their unguessable token path but listed nowhere, and
their tokens never reach the log (they are logged as `person/<redacted …>`).

index.json is stat()ed on each request and re-read only when it changed, so a nightly rebuild is
picked up without a restart. A 304 answer reads no file and hashes nothing: its headers come from
the cached manifest entry.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import logging
import os
import re
import socket
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from calendars.errors import ServeError

log = logging.getLogger(__name__)

FEEDS_PREFIX = "/feeds/"
SUBSCRIBE_PATHS = frozenset({"/", "/subscribe", "/subscribe/"})
FEED_CACHE_CONTROL = "max-age=3600"
PRIVATE_FEED_CACHE_CONTROL = "private, max-age=3600"  # person feeds: no shared cache may keep them
PAGE_CACHE_CONTROL = "max-age=300"
CALENDAR_TYPE = "text/calendar; charset=utf-8"
TEMPLATES = Path(__file__).resolve().parent / "templates"

_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
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
    """The current manifest of a feeds folder, re-read only when index.json changes on disk."""

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

    def read_feed(self, entry: FeedEntry) -> tuple[bytes, str | None]:
        """The feed's bytes and the sha256 they really have. Hashes only when the file changed."""
        with open(entry.file, "rb") as fh:
            st = os.fstat(fh.fileno())
            body = fh.read()
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        known = self._verified.get(entry.path)
        if known is not None and known[0] == stamp:
            return body, known[1]
        actual = hashlib.sha256(body).hexdigest()
        self._verified[entry.path] = (stamp, actual)
        if entry.sha256 and actual != entry.sha256:
            log.warning("feed %s does not match its sha256 in index.json (publish in progress?)", redact_path(entry.path))
        return body, actual


# --- conditional requests (RFC 7232) -------------------------------------------------------------


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
    """True when Last-Modified is not later than the If-Modified-Since date (an unreadable date: False)."""
    if entry.last_modified_epoch is None:
        return False
    if if_modified_since == entry.last_modified_http:  # what clients send back: no date parsing
        return True
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    if since is None:
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.timezone.utc)
    return entry.last_modified_epoch <= since.timestamp()


def is_not_modified(headers: Any, entry: FeedEntry) -> bool:
    """RFC 7232 §6: If-None-Match decides when present; If-Modified-Since only without it."""
    inm = headers.get("If-None-Match")
    if inm is not None:
        return etag_matches(inm, entry.etag)
    ims = headers.get("If-Modified-Since")
    return ims is not None and not_modified_since(ims, entry)


# --- the subscribe page --------------------------------------------------------------------------


def webcal_url(url: str) -> str:
    for scheme in ("https://", "http://"):
        if url.lower().startswith(scheme):
            return "webcal://" + url[len(scheme):]
    return url


class SubscribePage:
    """The rendered page, cached per manifest version."""

    def __init__(self, public_url: str) -> None:
        import jinja2  # only the server needs it

        self.public_url = public_url.rstrip("/")
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True, lstrip_blocks=True
        )
        self._cache: tuple[int, bytes] | None = None
        self._lock = threading.Lock()

    def feed_url(self, path: str) -> str:
        return f"{self.public_url}{FEEDS_PREFIX}{quote(path)}"

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
                feeds=rows, generated_at=manifest.generated_at, public_url=self.public_url
            )
            body = html.encode("utf-8")
            self._cache = (version, body)
            return body


# --- the HTTP side -------------------------------------------------------------------------------


class FeedRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: calendar clients poll several feeds in a row
    server_version = "govflow-feeds"
    sys_version = ""
    timeout = 30  # an idle keep-alive connection does not hold a thread forever
    server: "FeedServer"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        manifest, version = self.server.catalog.current()
        if path.startswith(FEEDS_PREFIX):
            entry = manifest.feeds.get(unquote(path[len(FEEDS_PREFIX):]))
            if entry is None:
                self._plain(HTTPStatus.NOT_FOUND, "No such feed.\n", send_body)
            else:
                self._feed(entry, send_body)
        elif path in SUBSCRIBE_PATHS:
            body = self.server.page.render(manifest, version)
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", PAGE_CACHE_CONTROL)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if send_body:
                self.wfile.write(body)
        else:
            self._plain(HTTPStatus.NOT_FOUND, "Not found.\n", send_body)

    def _feed(self, entry: FeedEntry, send_body: bool) -> None:
        if is_not_modified(self.headers, entry):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._validators(entry.etag, entry.last_modified_http, entry)
            self.end_headers()
            return
        try:
            body, actual_sha = self.server.catalog.read_feed(entry)
        except OSError:
            log.warning("feed %s is in index.json but its file cannot be read", redact_path(entry.path))
            self._plain(HTTPStatus.NOT_FOUND, "No such feed.\n", send_body)
            return
        if entry.sha256 is None or actual_sha == entry.sha256:
            etag, last_modified = entry.etag, entry.last_modified_http
        else:
            # The file and index.json disagree (a publish between the two writes). Describe the bytes
            # really sent, so a client never keeps old bytes under the new ETag or date.
            etag, last_modified = f'"{actual_sha}"', None
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", CALENDAR_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self._validators(etag, last_modified, entry)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _validators(self, etag: str | None, last_modified: str | None, entry: FeedEntry) -> None:
        if etag:
            self.send_header("ETag", etag)
        if last_modified:
            self.send_header("Last-Modified", last_modified)
        self.send_header("Cache-Control", entry.cache_control)
        if not entry.public:
            self.send_header("X-Robots-Tag", "noindex")

    def _plain(self, status: HTTPStatus, text: str, send_body: bool) -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    # Access and error log through `logging`, with person-feed tokens redacted (requests for rotated
    # tokens too: they match the person/ pattern whether or not the manifest still knows them).
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        message = redact_path(format % args)
        log.info("%s %s", self.address_string(), message)

    def log_error(self, format: str, *args: Any) -> None:  # noqa: A002
        log.warning("%s %s", self.address_string(), redact_path(format % args))


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    catalog: FeedCatalog
    page: SubscribePage

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    @property
    def url(self) -> str:
        """Where this server listens (for people on this machine: a wildcard address → loopback)."""
        host, port = self.server_address[:2]
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def make_server(
    feeds_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 8000,
    public_url: str | None = None,
    *,
    handler_class: type[FeedRequestHandler] = FeedRequestHandler,
) -> FeedServer:
    """A server bound to host:port (0: any free port) serving `feeds_dir`; call serve_forever() on it.

    `public_url` is where subscribers reach it (e.g. https://feeds.council.example.org, behind a TLS
    proxy); the subscribe page builds its links from it. Default: the address it listens on.
    """
    try:
        server = FeedServer((host, port), handler_class)
    except OSError as error:  # the port is taken, the address is not this machine's …
        raise ServeError(f"cannot listen on {host}:{port}: {error}") from None
    server.catalog = FeedCatalog(feeds_dir)
    server.page = SubscribePage(public_url or server.url)
    server.catalog.current()  # read the manifest now, so a broken one shows at start-up
    return server


def serve(
    feeds_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 8000,
    public_url: str | None = None,
    on_ready: Any = None,
) -> None:
    """Serve until interrupted. `on_ready(server)` is called once the socket is bound."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    server = make_server(feeds_dir, host, port, public_url)
    try:
        if on_ready is not None:
            on_ready(server)
        server.serve_forever()
    finally:
        server.server_close()


def default_feeds_dir(settings: Any) -> Path:
    """Settings.feeds_dir when settings have it; else GOVFLOW_FEEDS_DIR or <data_dir>/feeds."""
    configured = getattr(settings, "feeds_dir", None)
    if configured:
        return Path(configured)
    return Path(os.environ.get("GOVFLOW_FEEDS_DIR") or Path(settings.data_dir) / "feeds")
