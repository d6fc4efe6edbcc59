"""Asking a committee system over HTTP (committee_systems.fetching.fetch) against a local server:
what comes back, and each way it can fail — always one SourceError naming the address without its
password, never a traceback, never more than the cap held, never longer than the time-out."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from committee_systems.errors import Error, SourceError, SourceUnreachable
from committee_systems.fetching import fetch, redacted, source_urls
from governance_model.errors import Error as RootError
from governance_model.meeting_sources import MeetingSource, SourceKind

from .conftest import CouncilServer, answer, recording, slow, trickle


def test_the_recorded_answer_comes_back_byte_for_byte(council_server: CouncilServer) -> None:
    body = recording("moderngov/GetMeetings.xml")
    url = council_server.serve("/mgWebService.asmx/GetMeetings?lCommitteeId=144", answer(body))
    assert fetch(url, max_bytes=100_000, timeout=5) == body


def test_a_server_error_is_a_source_error_naming_the_status_and_the_address(council_server: CouncilServer) -> None:
    url = council_server.serve("/broken", answer(b"oops", status=500))
    with pytest.raises(SourceError) as raised:
        fetch(url, max_bytes=1000, timeout=5)
    assert str(raised.value) == f"{url}: the server answered HTTP 500 Internal Server Error"
    assert isinstance(raised.value, Error) and isinstance(raised.value, RootError)


def test_a_refusal_of_automated_clients_is_a_source_error(council_server: CouncilServer) -> None:
    url = council_server.serve("/forbidden", answer(b"no robots", status=403))
    with pytest.raises(SourceError, match="HTTP 403"):
        fetch(url, max_bytes=1000, timeout=5)


def test_an_answer_slower_than_the_time_out_is_a_source_error(council_server: CouncilServer) -> None:
    url = council_server.serve("/slow", slow(3))
    started = time.monotonic()
    with pytest.raises(SourceError, match="took longer than 0.5 seconds"):
        fetch(url, max_bytes=1000, timeout=0.5)
    assert time.monotonic() - started < 2.5


def test_an_answer_trickling_in_past_the_time_out_is_cut_off(council_server: CouncilServer) -> None:
    # Each byte comes well within the time-out; the whole would take 6 s.
    url = council_server.serve("/trickle", trickle(chunks=30, pause=0.2))
    started = time.monotonic()
    with pytest.raises(SourceError, match="took longer than 1 seconds"):
        fetch(url, max_bytes=1000, timeout=1)
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("declared", [True, False], ids=["with Content-Length", "without Content-Length"])
def test_a_body_larger_than_the_cap_is_refused(council_server: CouncilServer, declared: bool) -> None:
    url = council_server.serve("/big", answer(b"x" * 5001, length=declared))
    with pytest.raises(SourceError, match="5000 bytes allowed"):
        fetch(url, max_bytes=5000, timeout=5)


def test_a_body_exactly_at_the_cap_is_taken(council_server: CouncilServer) -> None:
    url = council_server.serve("/just", answer(b"x" * 5000, length=False))
    assert fetch(url, max_bytes=5000, timeout=5) == b"x" * 5000


def test_a_redirect_to_a_file_is_refused(council_server: CouncilServer) -> None:
    url = council_server.serve("/to-file", answer(b"", status=302, headers={"Location": "file:///etc/passwd"}))
    with pytest.raises(SourceError) as raised:
        fetch(url, max_bytes=1000, timeout=5)
    assert str(raised.value) == f"{url}: redirected to file:///etc/passwd, which is not an http or https address"


def test_a_redirect_to_another_http_address_is_followed(council_server: CouncilServer) -> None:
    body = recording("moderngov/GetCommittees.xml")
    council_server.serve("/new/GetCommittees", answer(body))
    url = council_server.serve("/old/GetCommittees", answer(b"", status=301, headers={"Location": "/new/GetCommittees"}))
    assert fetch(url, max_bytes=100_000, timeout=5) == body


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("file:///etc/passwd", "'file:'"),
        ("ftp://democracy.example.gov.uk/GetMeetings", "'ftp:'"),
        ("data:text/xml,<getmeetings/>", "'data:'"),
        ("democracy.example.gov.uk/mgWebService.asmx", "no scheme"),
    ],
)
def test_only_http_and_https_are_asked(url: str, scheme: str) -> None:
    with pytest.raises(SourceError) as raised:
        fetch(url, max_bytes=1000, timeout=1)
    assert str(raised.value).endswith(f"only http and https addresses are asked, not {scheme}")


def test_a_password_in_the_address_is_sent_but_never_shown(council_server: CouncilServer) -> None:
    council_server.serve("/private", answer(b"no", status=500))
    port = council_server.url.rpartition(":")[2]
    with pytest.raises(SourceError) as raised:
        fetch(f"http://clerk:s3cret-pw@127.0.0.1:{port}/private", max_bytes=1000, timeout=5)
    assert "s3cret" not in str(raised.value) and "clerk" not in str(raised.value)
    assert str(raised.value).startswith(f"http://127.0.0.1:{port}/private: ")
    assert council_server.authorizations == ["Basic Y2xlcms6czNjcmV0LXB3"]  # clerk:s3cret-pw


def test_nothing_listening_is_a_source_error() -> None:
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago, and nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(SourceError, match=rf"http://127.0.0.1:{port}/x: could not be reached"):
        fetch(f"http://127.0.0.1:{port}/x", max_bytes=1000, timeout=2)


def test_redacted_takes_out_only_the_user_and_password() -> None:
    assert redacted("https://u:p@democracy.example.gov.uk/a?b=1") == "https://democracy.example.gov.uk/a?b=1"
    assert redacted("https://democracy.example.gov.uk/a") == "https://democracy.example.gov.uk/a"


# --- What is asked --------------------------------------------------------------------------

def test_moderngov_is_asked_for_the_committees_meetings_with_uk_dates() -> None:
    source = MeetingSource(SourceKind.MODERNGOV, "https://democracy.manchester.gov.uk/", committee="144")
    assert source_urls(source, dt.date(2026, 1, 1), dt.date(2026, 3, 31)) == [
        "https://democracy.manchester.gov.uk/mgWebService.asmx/GetMeetings"
        "?lCommitteeId=144&sFromDate=01/01/2026&sToDate=31/03/2026"
    ]
    # The web service's own address, as some councils publish it, gives the same question.
    service = MeetingSource(SourceKind.MODERNGOV, "https://democracy.manchester.gov.uk/mgWebService.asmx", committee="144")
    assert source_urls(service, dt.date(2026, 1, 1), dt.date(2026, 3, 31)) == source_urls(source, dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def test_cmis_is_asked_for_each_month_the_days_touch_across_the_new_year() -> None:
    page = "https://birmingham.cmis.uk.com/birmingham/Meetings/tabid/70/ctl/MeetingCalendarPublicNoJava/mid/397/Date/2026-06-01/Default.aspx"
    source = MeetingSource(SourceKind.CMIS, page, committee="6")
    assert source_urls(source, dt.date(2026, 11, 20), dt.date(2027, 1, 5)) == [
        page.replace("2026-06-01", "2026-11-01"),
        page.replace("2026-06-01", "2026-12-01"),
        page.replace("2026-06-01", "2027-01-01"),
    ]
    bare = MeetingSource(SourceKind.CMIS, "https://x.cmis.uk.com/x/Meetings/tabid/70/ctl/MeetingCalendarPublicNoJava/mid/397/Default.aspx")
    assert source_urls(bare, dt.date(2026, 6, 3), dt.date(2026, 6, 4)) == [
        "https://x.cmis.uk.com/x/Meetings/tabid/70/ctl/MeetingCalendarPublicNoJava/mid/397/Date/2026-06-01/Default.aspx"
    ]


def test_a_calendar_is_asked_at_its_address() -> None:
    source = MeetingSource(SourceKind.ICS, "https://www.iserlohn.sitzung-online.de/public/ics/SiKalAbo.ics")
    assert source_urls(source, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == [source.url]


def test_headers_sent_a_line_at_a_time_are_cut_off_at_the_time_out(council_server) -> None:
    def headers_trickling(handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for number in range(40):
            handler.wfile.write(f"X-Line-{number}: slowly\r\n".encode())
            handler.wfile.flush()
            time.sleep(0.2)

    url = council_server.serve("/trickling-headers", headers_trickling)
    started = time.monotonic()
    with pytest.raises(SourceUnreachable, match="took longer than 1 seconds"):
        fetch(url, timeout=1)
    assert time.monotonic() - started < 3  # not 8 s of headers


def test_a_redirect_to_another_site_is_refused_and_the_password_never_goes_there(council_server) -> None:
    elsewhere = council_server.url.replace("127.0.0.1", "localhost") + "/elsewhere"
    url = council_server.serve("/moved", answer(b"", status=302, headers={"Location": elsewhere}))
    council_server.serve("/elsewhere", answer(b"<getmeetings/>"))
    with_password = url.replace("http://", "http://clerk:S3cretPw@")
    with pytest.raises(SourceError, match="redirected to another site") as caught:
        fetch(with_password, timeout=5)
    assert "S3cretPw" not in str(caught.value)
    assert "/elsewhere" not in council_server.asked  # never asked, so no Authorization header went there
