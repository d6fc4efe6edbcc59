"""Issue 14, 11 ("Pictures"): a timeline of each document's route — its steps against time, done,
due, forecast, at risk, TBC, with today's line and the meetings as markers — on the page
`govflow serve` gives each document (/documents/<key>) and in the HTML Report to Board, each with a
text alternative that says the same; /plans/<key> (where every action in the feeds links) shows the
plan with RAG; /bodies/<code> lists a body's coming meetings and what is on them; /meetings/<key>
(where every meeting in the feeds links) shows one meeting, its status and what is on it. No exempt
item appears on any page; every page passes axe in headless Chromium; a page a client already has is
answered 304. A real uvicorn on 127.0.0.1, on each database, with the Southend example."""
from __future__ import annotations

import datetime as dt
import re
import struct
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest

from calendars.feeds import action_event
from governance_model.publication import EXEMPT_ITEM
from govflow.services import file_loading, route_changes
from govflow.services import report_writing as reports
from govflow.services.feed_publishing import publish_feeds
from govflow.services.night_planning import run_nightly
from reports.timeline import MONTHS_Y
from tests.accessibility import CHROMIUM, CHROMIUM_ARGS, format_violations
from tests.calendars.test_server import Running, request
from tests.e2e.test_cli import govflow
from tests.integration.test_exempt_items import NOW, SECRETS, SETUP
from tests.integration.test_reports_served import PLAN, SOUTHEND, Today, served, today  # noqa: F401 - fixtures

pytestmark = pytest.mark.database

D = dt.date.fromisoformat
LONDON = ZoneInfo("Europe/London")
SVG = "{http://www.w3.org/2000/svg}"
STRATEGY = "send-strategy-2021-24"


# The web app (feeds, reports and pages) over the test's database, on 14 February 2022: the reports' fixtures.


def page(url: str, path: str) -> str:
    status, headers, body = request(url, path)
    assert status == 200, (path, status, body[:300])
    assert headers["content-type"] == "text/html; charset=utf-8"
    return body.decode()


def pictures(html: str) -> list[ET.Element]:
    """Every timeline SVG in a page, parsed as the XML it is."""
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def words_table(html: str) -> dict[str, list[str]]:
    """The timeline's text alternative: each step's row (step key → its cells, title first)."""
    table = re.search(r'<table class="timeline-words">.*?</table>', html, flags=re.S).group(0)
    rows = {}
    for key, cells in re.findall(r'<tr data-step="([^"]+)">(.*?)</tr>', table, flags=re.S):
        rows[key] = [re.sub(r"<[^>]+>", "", c).replace("&#39;", "'") for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", cells, flags=re.S)]
    return rows


def test_a_documents_page_draws_its_route_against_time_with_todays_line_and_the_meetings(uow_factory, served):
    file_loading.load_files([SOUTHEND], uow_factory())

    html = page(served, f"/documents/{STRATEGY}")

    (svg,) = pictures(html)
    assert svg.get("role") == "img" and svg.get("data-as-of") == "2022-02-14"
    assert svg.find(f"{SVG}title").text == "Timeline of SEND Strategy 2021-24, September 2021 to May 2022"
    steps = {g.get("data-step"): g for g in svg.iter(f"{SVG}g") if g.get("data-step")}
    assert len(steps) == 16  # every step of the route, in route order
    marks = {key: g.get("data-mark") for key, g in steps.items()}
    assert marks["share-jcb"] == marks["share-sendops"] == "done"
    assert marks["share-sspb"] == marks["peer-review"] == "overdue"
    assert marks["sspb-final"] == "at risk"  # kept on 1 March although the consultation ends in April
    assert marks["improvement-board"] == marks["cabinet"] == "TBC"
    assert marks["scrutiny"] == "scheduled" and marks["consultation"] == "forecast"
    # Each mark is a shape of its kind, and a step with no date yet sits in the TBC column.
    assert steps["sspb-final"].find(f"{SVG}polygon").get("class") == "mark mark-at-risk"
    assert steps["share-jcb"].find(f"{SVG}circle").get("fill") == "#00703c"
    (tbc_column,) = [float(t.get("x")) for t in svg.iter(f"{SVG}text") if t.text == "TBC" and t.get("y") == str(MONTHS_Y)]  # its heading
    assert float(steps["improvement-board"].find(f"{SVG}circle").get("cx")) == tbc_column
    # Today's line, between the September and the May marks.
    (line,) = [el for el in svg.iter(f"{SVG}line") if el.get("class") == "today-line"]
    x = {key: float(g.find(f"{SVG}circle").get("cx")) for key, g in steps.items() if g.find(f"{SVG}circle") is not None}
    assert x["share-jcb"] < float(line.get("x1")) < x["presentation"]
    assert "Today 14 Feb 2022" in ET.tostring(svg, encoding="unicode")
    # The meetings of the bodies on the route, within the picture's months (SSPB: 6 Oct, 6 Jan, 1 Mar, 5 May).
    meetings = [p.get("data-meeting") for p in svg.iter(f"{SVG}path") if p.get("data-meeting")]
    assert [m for m in meetings if m.startswith("SSPB")] == ["SSPB-2021-10-06", "SSPB-2022-01-06", "SSPB-2022-03-01", "SSPB-2022-05-05"]
    assert "HWBB-2022-03-07" in meetings and not any(m.startswith("CSIB") for m in meetings)  # CSIB: no step sits there

    # The text alternative says the same: every step, its date and its mark, in words.
    rows = words_table(html)
    assert list(rows) == list(steps)
    for key, g in steps.items():
        title, _, day, mark, standing = rows[key]
        assert g.find(f"{SVG}title").text == f"{title}: {standing}"
        assert mark == marks[key]
    assert rows["sspb-final"][2:] == [
        "1 Mar 2022", "at risk",
        "scheduled 1 Mar 2022 — at risk: “Wider public consultation on final draft Strategy” is forecast to finish on 28 April 2022, after this meeting",
    ]
    assert not any(re.search(r"\d{4}-\d\d-\d\d|tentative", " ".join(row)) for row in rows.values())  # the report's words, no ISO dates
    assert rows["improvement-board"][2:] == ["TBC", "TBC", "to be confirmed"]
    assert "SSPB</th><td>6 Oct 2021; 6 Jan 2022; 1 Mar 2022; 5 May 2022</td>" in html
    assert 'href="../bodies/SSPB"' in html


def test_the_report_to_board_has_the_timeline_of_each_document_with_its_words(uow_factory):
    file_loading.load_files([SOUTHEND], uow_factory())

    html = reports.render_board(reports.board_report(uow_factory(), "SSPB", D("2022-02-14")))[".html"].decode()

    (svg,) = pictures(html)
    assert svg.get("aria-labelledby") == "doc-1-timeline-title doc-1-timeline-desc"
    assert len([g for g in svg.iter(f"{SVG}g") if g.get("data-step")]) == 16
    assert '<h3 id="doc-1-timeline">Timeline</h3>' in html
    assert len(words_table(html)) == 16


def test_the_plans_page_is_where_every_action_links_and_shows_the_plan_with_rag(uow_factory, served):
    file_loading.load_files([SOUTHEND], uow_factory())
    with uow_factory() as uow:
        plan = uow.plans.get(PLAN)
    events = [action_event(plan, rec.number, a, served) for rec in plan.recommendations for a in rec.actions]
    links = {event.url for event in events if event is not None}

    assert len([e for e in events if e is not None]) > 20 and links == {f"{served}/plans/{PLAN}"}
    html = page(served, f"/plans/{PLAN}")
    assert "<h1>SEND Peer Review Recommendations, high level implementation plan DRAFT 1</h1>" in html
    assert "Action-plan report as of Monday 14 February 2022." in html
    assert re.search(r'Overall: <span class="rag rag-\w+">(Red|Amber|Green|Blue|Grey)', html)
    assert html.count("<h2 id=\"rec-") == len(plan.recommendations)
    assert f'href="../reports/plan/{PLAN}.xlsx"' in html
    assert request(served, "/plans/no-such-plan")[:3:2] == (404, b"No such action plan.\n")


def test_a_bodys_page_lists_its_coming_meetings_and_what_is_on_them(uow_factory, served):
    file_loading.load_files([SOUTHEND], uow_factory())

    html = page(served, "/bodies/SSPB")

    headings = re.findall(r'<h2 id="meeting-\d+">(.*?)</h2>', html)
    assert headings == ["Tuesday 1 March 2022 at 14:00", "Thursday 5 May 2022 at 14:00", "Thursday 7 July 2022 at 14:00"]
    first = html.split('<h2 id="meeting-2">')[0]
    assert "Papers due: Tuesday 22 February 2022." in first
    assert '<a href="../meetings/SSPB-2022-03-01">' in first  # the meeting's own page
    assert first.count(f'<a href="../documents/{STRATEGY}">SEND Strategy 2021-24</a>') == 2
    assert "<td>SSSPB final version</td><td>decide</td><td>scheduled 1 Mar 2022 — at risk:" in first
    assert "No document's route is planned onto this meeting yet." in html.split('<h2 id="meeting-2">')[1]
    assert "To be confirmed (TBC March 22)" in page(served, "/bodies/EducationBoard")
    assert request(served, "/bodies/NOSUCH")[:3:2] == (404, b"No such body.\n")


def meeting_links(url: str, feed: str) -> dict[str, str]:
    """The links of a served feed's events, by UID, as a calendar shows them."""
    status, _, data = request(url, f"/feeds/{feed}")
    assert status == 200, feed
    return {str(e["UID"]): str(e["URL"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT") if "URL" in e}


def facts(html: str) -> dict[str, list[str]]:
    """A meeting page's facts (Body, When, Status, Papers deadline …): each heading's lines, as read."""
    listed = re.search(r"<dl[^>]*>(.*?)</dl>", html, flags=re.S).group(1)
    out: dict[str, list[str]] = {}
    for term, lines in re.findall(r"<dt>(.*?)</dt>(.*?)(?=<dt>|$)", listed, flags=re.S):
        out[term] = [re.sub(r"<[^>]+>", "", d).strip() for d in re.findall(r"<dd[^>]*>(.*?)</dd>", lines, flags=re.S)]
    return out


def test_every_meeting_in_a_feed_links_to_its_page(uow_factory, served, tmp_path):
    file_loading.load_files([SOUTHEND], uow_factory())
    publish_feeds(uow_factory, tmp_path / "feeds", D("2022-02-14"), NOW, served)

    links = meeting_links(served, "body/SSPB.ics")

    meetings = {uid: link for uid, link in links.items() if uid.startswith(("meeting-", "papers-"))}
    assert len(meetings) == 10 and links["meeting-SSPB-2022-03-01@govflow"] == links["papers-SSPB-2022-03-01@govflow"]
    for uid, link in meetings.items():  # what a secretary clicks in Outlook or Google: never a 404
        assert link.startswith(served), uid
        page(served, urlsplit(link).path)
    html = page(served, urlsplit(links["meeting-SSPB-2022-03-01@govflow"]).path)
    assert "<h1>Southend SEND Strategic Partnership Board: meeting on Tuesday 1 March 2022 at 14:00</h1>" in html
    shown = facts(html)
    assert shown["Body"] == ["Southend SEND Strategic Partnership Board (SSPB)"] and 'href="../bodies/SSPB"' in html
    assert shown["When (London time)"] == ["Tuesday 1 March 2022 at 14:00"]
    assert shown["Status"] == ["Confirmed."]
    assert shown["Papers deadline"] == ["Tuesday 22 February 2022 (5 working days before the meeting)"]
    assert html.count(f'<a href="../documents/{STRATEGY}">SEND Strategy 2021-24</a>') == 2
    assert "<td>SSSPB final version</td><td>decide</td><td>scheduled 1 Mar 2022 — at risk:" in html
    # A meeting that has been held shows what was done at it.
    held = page(served, urlsplit(links["meeting-SSPB-2021-10-06@govflow"]).path)
    assert "Wednesday 6 October 2021 at 14:00" in held and "<td>overdue since 6 Oct 2021</td>" in held
    assert request(served, "/meetings/no-such-meeting")[::2] == (404, b"No such meeting.\n")


def test_a_meetings_page_says_when_it_was_moved_cancelled_or_is_still_to_be_confirmed(uow_factory, served, tmp_path):
    file_loading.load_files([SOUTHEND], uow_factory())
    who = {"actor": "GB", "as_of": D("2022-02-14"), "now": NOW}
    # Moved to 29 March, given in UTC: 13:00 UTC is 14:00 in London once the clocks have gone forward.
    route_changes.move_meeting(uow_factory(), "SSPB-2022-03-01", dt.datetime(2022, 3, 29, 13, tzinfo=dt.timezone.utc),
                               reason="room unavailable", **who)
    route_changes.cancel_meeting(uow_factory(), "SSPB-2022-05-05", reason="not quorate", **who)
    publish_feeds(uow_factory, tmp_path / "feeds", D("2022-02-14"), NOW, served)
    links = meeting_links(served, "all.ics")

    moved = page(served, urlsplit(links["meeting-SSPB-2022-03-01@govflow"]).path)
    assert facts(moved)["When (London time)"] == ["Tuesday 29 March 2022 at 14:00"]
    assert facts(moved)["Status"] == [
        "Moved: it keeps its business at its new date and time.",
        "Moved from Tuesday 1 March 2022 at 14:00 to Tuesday 29 March 2022 at 14:00 (recorded Monday 14 February 2022): room unavailable.",
    ]
    assert facts(moved)["Papers deadline"] == ["Tuesday 22 March 2022 (5 working days before the meeting)"]
    assert "<td>SSSPB final version</td><td>decide</td><td>scheduled 29 Mar 2022" in moved  # its business went with it

    cancelled = page(served, urlsplit(links["meeting-SSPB-2022-05-05@govflow"]).path)
    assert facts(cancelled)["Status"] == ["Cancelled: this meeting will not take place."]
    assert facts(cancelled)["Papers deadline"] == ["None: the meeting is cancelled"]
    assert "<table>" not in cancelled

    tentative = page(served, urlsplit(links["meeting-EducationBoard-2022-03-01@govflow"]).path)
    assert "<h1>Education Board: meeting, date to be confirmed (TBC March 22)</h1>" in tentative
    assert facts(tentative)["Status"] == ["Tentative: its date and time are not yet confirmed."]
    assert facts(tentative)["Papers deadline"] == ["Set when the date is confirmed: 5 working days before the meeting"]
    assert f'<a href="../documents/{STRATEGY}">SEND Strategy 2021-24</a></th><td>Education Board</td>' in tentative

    summer = page(served, urlsplit(links["meeting-SSPB-2022-07-07@govflow"]).path)
    assert facts(summer)["When (London time)"] == ["Thursday 7 July 2022 at 14:00"] and facts(summer)["Status"] == ["Confirmed."]


def test_a_page_the_client_already_has_is_answered_304_until_it_changes(uow_factory, served, today):
    file_loading.load_files([SOUTHEND], uow_factory())
    paths = (f"/documents/{STRATEGY}", f"/plans/{PLAN}", "/bodies/SSPB", "/meetings/SSPB-2022-03-01")
    first = {}
    for path in paths:
        status, headers, body = request(served, path)
        assert status == 200 and headers["cache-control"] == "no-cache", path
        first[path] = headers["etag"]

        status, headers, body = request(served, path, headers={"If-None-Match": first[path]})
        assert (status, body, headers["etag"]) == (304, b"", first[path]), path
        assert request(served, path, headers={"If-None-Match": '"an-older-page"'})[0] == 200, path

    # The meeting moves: its page is new, and so is what the body's page shows; the plan's is not.
    route_changes.move_meeting(uow_factory(), "SSPB-2022-03-01", dt.datetime(2022, 3, 8, 14, tzinfo=LONDON),
                               actor="GB", reason="room unavailable", as_of=D("2022-02-14"), now=NOW)
    again = {path: request(served, path, headers={"If-None-Match": first[path]}) for path in paths}
    assert again["/meetings/SSPB-2022-03-01"][0] == again["/bodies/SSPB"][0] == 200
    assert "Tuesday 8 March 2022 at 14:00" in again["/meetings/SSPB-2022-03-01"][2].decode()
    assert again["/meetings/SSPB-2022-03-01"][1]["etag"] != first["/meetings/SSPB-2022-03-01"]
    assert again[f"/plans/{PLAN}"][0] == 304
    # The next day every page says a new "as of": none is answered 304.
    today.day = D("2022-02-15")
    for path in paths:
        status, headers, body = request(served, path, headers={"If-None-Match": first[path]})
        assert status == 200 and "as of Tuesday 15 February 2022" in body.decode().replace("As of", "as of"), path


EXEMPT_STEP_SETUP = SETUP.replace(
    "          - {key: board-decision, kind: decide, body: PUBB, title: Plan agreed by the board}",
    "          - {key: zq-panel-check, kind: review, body: XPANEL, owner: XS, title: Zq panel check}\n"
    "          - {key: board-decision, kind: decide, body: PUBB, title: Plan agreed by the board}",
)


def test_no_page_shows_an_exempt_item_or_an_exempt_step_of_a_public_document(uow_factory, served, today, tmp_path):
    assert "zq-panel-check" in EXEMPT_STEP_SETUP
    setup = tmp_path / "setup.yaml"
    setup.write_text(textwrap.dedent(EXEMPT_STEP_SETUP), encoding="utf-8")
    file_loading.load_files([setup], uow_factory())
    run_nightly(uow_factory, D("2022-01-03"), NOW)
    today.day = D("2022-01-06")
    secrets = (*SECRETS, "zq-panel-check", "XPANEL-2022")

    shown = {path: page(served, path) for path in (
        "/documents/delivery-plan", "/bodies/PUBB", "/meetings/PUBB-2022-01-12", "/reports/board/PUBB.html",
    )}

    for path, html in shown.items():
        for secret in secrets:
            assert secret not in html, (path, secret)
    assert set(words_table(shown["/documents/delivery-plan"])) == {"draft", "board-decision"}
    assert set(words_table(shown["/reports/board/PUBB.html"])) == {"draft", "board-decision"}
    # The award noted at the public board's 12 January meeting: a Part II item with no title.
    first_meeting = shown["/bodies/PUBB"].split('<h2 id="meeting-2">')[0]
    assert "Wednesday 12 January 2022 at 14:00" in first_meeting and EXEMPT_ITEM in first_meeting
    # The same on that meeting's own page: the award is there only as a Part II item.
    assert f"<li>{EXEMPT_ITEM}</li>" in shown["/meetings/PUBB-2022-01-12"]
    for path in ("/documents/zq-contract-award", "/bodies/XPANEL", "/meetings/XPANEL-2022-01-05"):
        status, _, body = request(served, path)
        assert status == 404 and b"Zq" not in body, path
    assert request(served, "/documents/zq-contract-award")[2] == request(served, "/documents/no-such-document")[2]
    # The closed panel's meeting is answered exactly as a meeting that does not exist.
    assert request(served, "/meetings/XPANEL-2022-01-05")[::2] == request(served, "/meetings/XPANEL-2022-01-06")[::2] == (404, b"No such meeting.\n")


def test_every_page_passes_the_accessibility_check(uow_factory, served, axe):
    file_loading.load_files([SOUTHEND], uow_factory())
    route_changes.mark_step_done(uow_factory(), STRATEGY, "share-sspb", D("2021-10-06"),
                                 actor="GB", reason="shared at the October SSPB", as_of=D("2022-02-14"), now=NOW)
    route_changes.move_meeting(uow_factory(), "SSPB-2022-03-01", dt.datetime(2022, 3, 8, 14, tzinfo=LONDON),
                               actor="GB", reason="room unavailable", as_of=D("2022-02-14"), now=NOW)
    route_changes.cancel_meeting(uow_factory(), "SSPB-2022-05-05", actor="GB", reason="not quorate", as_of=D("2022-02-14"), now=NOW)
    meetings = ("SSPB-2021-10-06", "SSPB-2022-03-01", "SSPB-2022-05-05", "SSPB-2022-07-07", "EducationBoard-2022-03-01")

    for path in (f"/documents/{STRATEGY}", f"/plans/{PLAN}", "/bodies/SSPB", "/bodies/EducationBoard", "/reports/board/SSPB.html",
                 *(f"/meetings/{key}" for key in meetings)):
        violations = axe(page(served, path), base_url=f"{served}{path}")
        assert violations == [], f"{path}: {format_violations(violations)}"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def png_pixels(data: bytes) -> bytes:
    """The decompressed image data of a PNG (filtered rows: enough to tell a picture from a blank)."""
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"IDAT":
            chunks.append(data[at + 8:at + 8 + length])
        at += 12 + length
    return zlib.decompress(b"".join(chunks))


def screenshot(url: str, path: Path, width: int, height: int) -> bytes:
    """What headless Chromium shows at `url` in a window of width × height, as PNG bytes."""
    if not CHROMIUM.is_file():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    done = subprocess.run(
        [str(CHROMIUM), *CHROMIUM_ARGS, "--hide-scrollbars", f"--window-size={width},{height}", f"--screenshot={path}", url],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0 and path.is_file(), done.stderr[-2000:]
    return path.read_bytes()


def test_a_screenshot_of_the_documents_page_shows_the_picture(uow_factory, served, tmp_path):
    file_loading.load_files([SOUTHEND], uow_factory())

    shot = screenshot(f"{served}/documents/{STRATEGY}", tmp_path / "document.png", 1100, 1000)
    blank = screenshot(f"{served}/documents/no-such-document", tmp_path / "blank.png", 1100, 1000)

    assert png_size(shot) == (1100, 1000)
    # A white page filters to rows of zeros; the timeline's marks, lines and words do not.
    drawn = sum(1 for byte in png_pixels(shot) if byte)
    assert drawn > 20 * sum(1 for byte in png_pixels(blank) if byte)
    assert len(shot) > 5 * len(blank)


def test_govflow_serve_as_of_draws_todays_line_on_that_day(database_url, tmp_path):
    env = {"GOVFLOW_DATABASE_URL": database_url, "GOVFLOW_DATA_DIR": str(tmp_path / "data")}
    assert govflow("load", str(SOUTHEND), env=env).returncode == 0
    running = Running([sys.executable, "-m", "govflow", "serve", "--port", "0", "--as-of", "2022-02-14"], tmp_path, env)
    try:
        url = running.wait_for(r"subscribe page: (http://127\.0\.0\.1:\d+)/").group(1)
        running.wait_for("pages and reports as of 2022-02-14")
        status, _, body = request(url, f"/documents/{STRATEGY}")
        assert status == 200, running.text("stderr")
        assert 'data-as-of="2022-02-14"' in body.decode() and "Today 14 Feb 2022" in body.decode()
        assert "as of Monday 14 February 2022" in request(url, "/bodies/SSPB")[2].decode()
    finally:
        running.stop()
