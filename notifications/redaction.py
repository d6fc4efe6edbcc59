"""Keeping secrets out of logs, errors and the database: apprise URLs carry passwords and tokens.

`Redactor` knows the secrets of the URLs it was given (the password, and every part of the URL that
apprise itself masks in `url(privacy=True)`, such as a Teams or Slack webhook token) and replaces
them wherever they appear, in any of their spellings (as written, %-encoded, %-decoded). Whatever
it does not know, `scrub_urls` still catches: the password in any `scheme://user:password@host`.

`redacting_apprise_logs(redactor)` applies the same to every record apprise logs while it is open.
"""
from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from urllib.parse import quote, unquote

MASK = "***"
_MIN_SECRET = 3  # shorter strings are not replaced: masking "a" everywhere would garble the text

# scheme://user:password@ — userinfo as RFC 3986 has it (no unencoded / ? # @ in it); a password
# that breaks that rule is unreadable to apprise too, and the Redactor masks whole configured URLs.
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/?#@'\"<>]*:)(?P<password>[^\s/?#@'\"<>]*)@")
# Split points of an apprise URL: its parts are compared one by one with apprise's privacy URL.
_URL_PARTS = re.compile(r"[/:@?&=,#]+")


def scrub_urls(text: str) -> str:
    """`text` with the password of every `scheme://user:password@…` replaced by ***."""
    return _URL_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}@", text)


class Redactor:
    """Replaces the known secrets (and any URL password) in a text with ***."""

    def __init__(self, secrets: Iterable[str] = ()):
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add_secret(secret)

    def copy(self) -> Redactor:
        return Redactor(self._secrets)

    def add_secret(self, secret: str | None) -> None:
        if not secret:
            return
        for spelling in (secret, quote(secret, safe=""), quote(secret), unquote(secret)):
            if len(spelling) >= _MIN_SECRET:
                self._secrets.add(spelling)

    def add_plugin(self, plugin) -> None:
        """Learn the secrets of a loaded apprise service (from a config file, say)."""
        for secret in plugin_secrets(plugin):
            self.add_secret(secret)

    def add_url(self, url: str) -> None:
        """Learn the secrets in an apprise URL: the whole URL as written, its password, and every
        part apprise masks (all of it, if apprise cannot read the URL)."""
        self.add_secret(url)
        for secret in url_secrets(url):
            self.add_secret(secret)

    def __call__(self, text: str) -> str:
        # Longest first, so a secret that contains another is replaced whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return scrub_urls(text)

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(self._secrets)


def url_secrets(url: str) -> set[str]:
    """The secret parts of an apprise URL: the password of its user, and the parts that apprise
    masks when it prints the URL with privacy on (webhook tokens, API keys…)."""
    from apprise import Apprise, AppriseAsset
    from apprise.utils.parse import parse_url

    secrets: set[str] = set()
    parsed = parse_url(url, verify_host=False)
    if parsed and parsed.get("password"):
        secrets.add(parsed["password"])
    match = _URL_PASSWORD.search(url)
    if match:
        secrets.add(match.group("password"))
    with _quiet_apprise():
        plugin = Apprise.instantiate(url, asset=AppriseAsset(storage_mode="memory"))
    if plugin is not None:
        secrets |= plugin_secrets(plugin)
    return {unquote(s) for s in secrets} | secrets


def plugin_secrets(plugin) -> set[str]:
    """The parts of a loaded apprise service's URL that apprise masks with privacy on, and its
    password: compared part by part, the URL with and without privacy differ just there."""
    secrets = {plugin.password} if getattr(plugin, "password", None) else set()
    plain = _URL_PARTS.split(plugin.url(privacy=False))
    private = _URL_PARTS.split(plugin.url(privacy=True))
    if len(plain) == len(private):
        secrets.update(p for p, q in zip(plain, private) if p != q and p)
    else:  # pragma: no cover - apprise masks a part in place, it never drops one
        secrets.update(p for p in plain if p not in private)
    return {unquote(s) for s in secrets} | secrets


def shown_url(url: str) -> str:
    """The URL as written, with its password and tokens replaced by *** (for settings and logs)."""
    return Redactor(url_secrets(url))(url)


def privacy_url(url: str) -> str:
    """The URL as apprise prints it with privacy on (passwords and tokens masked); a URL apprise
    cannot read is shown with its password scrubbed and no more than its scheme and host."""
    from apprise import Apprise, AppriseAsset

    with _quiet_apprise():
        plugin = Apprise.instantiate(url, asset=AppriseAsset(storage_mode="memory"))
    if plugin is not None:
        return plugin.url(privacy=True)
    scheme, sep, rest = scrub_urls(url).partition("://")
    return f"{scheme}://{rest.split('@')[-1].split('/')[0].split('?')[0]}" if sep else MASK


class _RedactingFilter(logging.Filter):
    """Redacts every apprise record with each redactor open at the time (any thread's: apprise may
    log from threads of its own). Installed once and never removed: a logger's filter list that
    changes while another thread runs through it can skip a filter, and so leak a secret."""

    def __init__(self) -> None:
        super().__init__()
        self.redactors: list[Redactor] = []  # one entry per open redacting_apprise_logs
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        with self.lock:
            redactors = list(self.redactors)
        if not redactors:
            return True
        message = original = record.getMessage()
        for redactor in redactors:
            message = redactor(message)
        if message != original:
            record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            # Formatting the traceback would print the exception's own text: keep only its type.
            record.exc_text = f"{type(record.exc_info[1]).__name__} (details redacted)"
        return True


class _DropThreads(logging.Filter):
    """Drops the records of the threads parsing a URL quietly (see `_quiet_apprise`)."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: Counter[int] = Counter()
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        with self.lock:
            return record.thread not in self.threads


_REDACTING = _RedactingFilter()
_QUIET = _DropThreads()
_INSTALL = threading.Lock()


def _apprise_logger() -> logging.Logger:
    """apprise's logger, with govflow's two filters installed (once)."""
    apprise_logger = logging.getLogger("apprise")
    with _INSTALL:
        for log_filter in (_QUIET, _REDACTING):
            if log_filter not in apprise_logger.filters:
                apprise_logger.addFilter(log_filter)
    return apprise_logger


@contextlib.contextmanager
def redacting_apprise_logs(redactor: Redactor) -> Iterator[None]:
    """While open, every record apprise logs is redacted before any handler (or pytest) sees it."""
    _apprise_logger()
    with _REDACTING.lock:
        _REDACTING.redactors.append(redactor)
    try:
        yield
    finally:
        with _REDACTING.lock:
            _REDACTING.redactors.remove(redactor)


@contextlib.contextmanager
def _quiet_apprise() -> Iterator[None]:
    """Parse a URL without apprise logging it (at TRACE it prints the password). Only this thread's
    records are dropped, and nothing shared is switched off and back on, so threads cannot leave
    apprise's logger silenced."""
    _apprise_logger()
    thread = threading.get_ident()
    with _QUIET.lock:
        _QUIET.threads[thread] += 1
    try:
        yield
    finally:
        with _QUIET.lock:
            _QUIET.threads[thread] -= 1
            if not _QUIET.threads[thread]:
                del _QUIET.threads[thread]
