"""Asking a council's committee system for its meetings: the addresses to ask (`source_urls`) and
one careful GET (`fetch`) — http(s) only, capped in size and time, every failure one SourceError."""
from __future__ import annotations

import base64
import datetime as dt
import http.client
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from governance_model.meeting_sources import MeetingSource, SourceKind

from .errors import SourceError, SourceUnreachable

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # a year of one committee's meetings is kilobytes; a council's whole .ics rarely 1 MB
DEFAULT_TIMEOUT = 60.0  # seconds; council-hosted ModernGov sites take up to 60 s, a CMIS month page about 40 s
CHUNK = 64 * 1024
USER_AGENT = "govflow (meetings sync from the council's committee system)"


def redacted(url: str) -> str:
    """The address as it may be shown and logged: any user:password taken out."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an address that cannot be read)"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def check_scheme(url: str) -> None:
    """Refuse anything but http and https (file:, ftp:, data: … could read this machine or elsewhere)."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError as exc:
        raise SourceError(f"{redacted(url)}: not an address govflow can ask ({exc})") from None
    if scheme not in ALLOWED_SCHEMES:
        shown = f"'{scheme}:'" if scheme else "no scheme"
        raise SourceError(f"{redacted(url)}: only http and https addresses are asked, not {shown}")


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects only to http(s) addresses on the same site (http to https included), and
    says so when refusing one: a council's site must not send govflow (or the password in its
    address, sent as a header) to another host, an internal address included."""

    def http_error_302(self, req, fp, code, msg, headers):  # noqa: ANN001 (urllib's signature)
        location = headers.get("Location") or headers.get("URI")
        if location:
            target = urljoin(req.full_url, location)
            if urlsplit(target).scheme.lower() not in ALLOWED_SCHEMES:
                fp.close()
                raise SourceError(
                    f"{redacted(req.full_url)}: redirected to {redacted(target)}, which is not an http or https address"
                )
            if (urlsplit(target).hostname or "").lower() != (urlsplit(req.full_url).hostname or "").lower():
                fp.close()
                raise SourceError(
                    f"{redacted(req.full_url)}: redirected to another site, {redacted(target)}: "
                    "if the council has moved its committee system there, link the body to that address"
                )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


class _Deadline:
    """Shuts every connection of one fetch when its time is up, wherever the reading is: a server
    that sends its status line and headers a byte at a time never trips a per-read time-out."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed


def _watched(connection_class: type[http.client.HTTPConnection], deadline: _Deadline) -> type[http.client.HTTPConnection]:
    class Watched(connection_class):  # type: ignore[valid-type, misc]
        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    return Watched


class _WatchedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req):  # noqa: ANN001, ANN201 (urllib's signature)
        return self.do_open(_watched(http.client.HTTPConnection, self.deadline), req)


class _WatchedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__(context=ssl.create_default_context())  # certificates checked, always
        self.deadline = deadline

    def https_open(self, req):  # noqa: ANN001, ANN201 (urllib's signature)
        return self.do_open(_watched(http.client.HTTPSConnection, self.deadline), req, context=self._context)


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    # Built by hand, not with build_opener: no file:, ftp: or data: handlers at all.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),  # the machine's http(s)_proxy and no_proxy, as councils' networks need
        _WatchedHTTPHandler(deadline),
        _WatchedHTTPSHandler(deadline),
        _HttpOnlyRedirects(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.HTTPDefaultErrorHandler(),
    ):
        opener.add_handler(handler)
    return opener


def _request(url: str) -> urllib.request.Request:
    """The GET, with any user:password in the address sent as HTTP Basic authentication instead."""
    parts = urlsplit(url)
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    if "@" in parts.netloc:
        userinfo, _, host = parts.netloc.rpartition("@")
        user, _, password = userinfo.partition(":")
        token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
        url = urlunsplit(parts._replace(netloc=host))
    return urllib.request.Request(url, headers=headers, method="GET")


def fetch(url: str, *, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """The body `url` answers with, at most `max_bytes` of it, within `timeout` seconds in all.

    Raises SourceError (naming the address without any password) when the address is not http(s),
    the answer is not 2xx, a redirect leads off http(s), the body is larger than `max_bytes`, the
    whole answer takes longer than `timeout` (a slow trickle too), or the network fails."""
    check_scheme(url)
    shown = redacted(url)
    deadline = time.monotonic() + timeout
    too_slow = f"{shown}: the answer took longer than {timeout:g} seconds"
    watchdog = _Deadline(timeout)
    try:
        with watchdog, _opener(watchdog).open(_request(url), timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.strip().isdigit() and int(declared) > max_bytes:
                raise SourceError(f"{shown}: the answer is {int(declared)} bytes, more than the {max_bytes} bytes allowed")
            body = _read_capped(response, shown, max_bytes=max_bytes, deadline=deadline, timeout=timeout)
        if watchdog.expired:  # the connection was shut under the reader: what came is not all of it
            raise SourceUnreachable(too_slow)
        return body
    except SourceError:
        if watchdog.expired:
            raise SourceUnreachable(too_slow) from None
        raise
    except urllib.error.HTTPError as exc:
        error = SourceUnreachable if exc.code >= 500 or exc.code == 429 else SourceError
        raise error(f"{shown}: the server answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        if watchdog.expired or isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise SourceUnreachable(too_slow) from None
        raise SourceUnreachable(f"{shown}: could not be reached ({exc.reason})") from None
    except (TimeoutError, socket.timeout):
        raise SourceUnreachable(too_slow) from None
    except (http.client.HTTPException, OSError, ValueError) as exc:
        if watchdog.expired:  # whatever the shut connection raised, it is the time-out
            raise SourceUnreachable(too_slow) from None
        raise SourceError(f"{shown}: the answer could not be read ({type(exc).__name__}: {exc})") from None


def _read_capped(response, shown: str, *, max_bytes: int, deadline: float, timeout: float) -> bytes:  # noqa: ANN001
    """Read at most max_bytes + 1 bytes (one more says "too large") and never past the deadline.

    read1 returns what has arrived (read would wait for the whole chunk), so a body trickling in
    a byte at a time is cut off at the deadline: the whole answer takes at most the time-out plus
    one wait for a read (itself capped by the time-out)."""
    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes:
        if time.monotonic() > deadline:
            raise SourceUnreachable(f"{shown}: the answer took longer than {timeout:g} seconds")
        chunk = response.read1(min(CHUNK, max_bytes + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise SourceError(f"{shown}: the answer is larger than the {max_bytes} bytes allowed")


# --- What to ask ------------------------------------------------------------------------------

def moderngov_service(site: str) -> str:
    """`https://democracy.example.gov.uk` (or its mgWebService.asmx address) → the web service's address."""
    base = site.strip().rstrip("/")
    base = re.sub(r"/mgWebService\.asmx(/.*)?$", "", base, flags=re.IGNORECASE)
    return f"{base}/mgWebService.asmx"


def moderngov_site(site: str) -> str:
    """The site's own address, for the human pages (ieListDocuments.aspx)."""
    return moderngov_service(site).rpartition("/mgWebService.asmx")[0]


def moderngov_meetings_url(source: MeetingSource, first_day: dt.date, last_day: dt.date) -> str:
    # Dates as dd/mm/yyyy: ModernGov silently ignores ISO dates and answers with everything.
    return (
        f"{moderngov_service(source.url)}/GetMeetings?lCommitteeId={source.committee}"
        f"&sFromDate={first_day:%d/%m/%Y}&sToDate={last_day:%d/%m/%Y}"
    )


def moderngov_meeting_url(source: MeetingSource, meeting_id: str) -> str:
    """GetMeeting for one meeting: its agenda items and their linked documents."""
    return f"{moderngov_service(source.url)}/GetMeeting?lMeetingId={meeting_id}"


def moderngov_committees_url(site: str) -> str:
    return f"{moderngov_service(site)}/GetCommittees"


CMIS_DATE_SEGMENT = re.compile(r"/Date/\d{4}-\d{1,2}-\d{1,2}(?=/|$)", re.IGNORECASE)


def cmis_month_pages(source: MeetingSource, first_day: dt.date, last_day: dt.date) -> list[tuple[dt.date, str]]:
    """(first of the month, its calendar page) for every month the days touch.

    The source's address is a CMIS month calendar page as the browser shows it
    (…/ctl/MeetingCalendarPublicNoJava/mid/397/Date/2026-06-01/Default.aspx): its /Date/ part is
    set to each month. Without one, /Date/<month>/Default.aspx is put after the address
    (tabid and mid differ per install, so they come from the address the council's page uses)."""
    pages = []
    month = first_day.replace(day=1)
    while month <= last_day:
        pages.append((month, cmis_month_url(source.url, month)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return pages


def cmis_month_url(url: str, month: dt.date) -> str:
    segment = f"/Date/{month:%Y-%m-%d}"
    parts = urlsplit(url.strip())
    if CMIS_DATE_SEGMENT.search(parts.path):
        path = CMIS_DATE_SEGMENT.sub(segment, parts.path, count=1)
    else:
        path = re.sub(r"/Default\.aspx$", "", parts.path.rstrip("/"), flags=re.IGNORECASE) + segment + "/Default.aspx"
    return urlunsplit(parts._replace(path=path))


def source_urls(source: MeetingSource, first_day: dt.date, last_day: dt.date) -> list[str]:
    """The addresses asked first for the meetings from first_day to last_day: ModernGov's
    GetMeetings (then GetMeeting per meeting, see `moderngov_meeting_url`, for its papers), the
    CMIS month pages covering the days (then each meeting's page, on the same site), the .ics."""
    if source.kind is SourceKind.MODERNGOV:
        return [moderngov_meetings_url(source, first_day, last_day)]
    if source.kind is SourceKind.CMIS:
        return [url for _, url in cmis_month_pages(source, first_day, last_day)]
    return [source.url]


def same_site(url: str, site: str) -> bool:
    """True when `url` is an http(s) address on the same host as `site`: a page the source links
    to is only followed there, so a hostile page cannot make govflow ask other machines."""
    try:
        target, home = urlsplit(url), urlsplit(site)
    except ValueError:
        return False
    return target.scheme.lower() in ALLOWED_SCHEMES and (target.hostname or "") == (home.hostname or "") != ""
