"""The accessibility checker itself (tests/accessibility.py): it passes a good page and catches the
faults it is meant to catch, so that a report test that finds no violation means something."""
from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.accessibility import format_violations

GOOD_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Board meetings 2021</title></head>
<body>
<main>
  <h1>Board meetings 2021</h1>
  <table>
    <caption>Meetings of the partnership board</caption>
    <thead><tr><th scope="col">Date</th><th scope="col">Meeting</th><th scope="col">Status</th></tr></thead>
    <tbody>
      <tr><th scope="row">2021-10-06</th><td>Partnership board</td><td>Confirmed</td></tr>
      <tr><th scope="row">2021-11-03</th><td>Finance sub-group</td><td>Tentative</td></tr>
    </tbody>
  </table>
</main>
</body>
</html>
"""

# Three faults axe must find: an image with no alt text, an input with no label, and grey (#aaa) text
# on white (contrast 2.3:1, where WCAG AA asks 4.5:1).
BAD_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Bad report</title></head>
<body>
<main>
  <h1>Bad report</h1>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="40" height="40">
  <form><input type="text" name="board"></form>
  <p style="color:#aaa;background:#fff">This text is too pale to read.</p>
</main>
</body>
</html>
"""


def _ids(violations: list[dict]) -> set[str]:
    return {violation["id"] for violation in violations}


def test_good_page_has_no_violations(axe) -> None:
    violations = axe(GOOD_PAGE)
    assert violations == [], format_violations(violations)


def test_bad_page_violations_are_found(axe) -> None:
    violations = axe(BAD_PAGE)
    assert {"image-alt", "label", "color-contrast"} <= _ids(violations), format_violations(violations)
    by_id = {violation["id"]: violation for violation in violations}
    assert by_id["image-alt"]["impact"] == "critical"
    assert by_id["image-alt"]["nodes"][0]["target"] == ["img"]
    assert "<input" in by_id["label"]["nodes"][0]["html"]
    assert "too pale" in by_id["color-contrast"]["nodes"][0]["html"]


def test_format_violations_names_rule_impact_and_nodes(axe) -> None:
    text = format_violations(axe(BAD_PAGE))
    assert "image-alt (critical)" in text
    assert "color-contrast (serious)" in text
    assert "at img: <img" in text
    assert "label (critical)" in text
    assert format_violations([]) == "no accessibility violations"


def test_html_file_is_loaded_with_its_relative_stylesheet(axe, tmp_path: Path) -> None:
    """A Path is loaded as file://, so the report's own stylesheet applies (here: it makes it fail)."""
    (tmp_path / "report.css").write_text("td { color: #bbb; background: #fff; }\n")
    page = tmp_path / "report.html"
    page.write_text(GOOD_PAGE.replace("</title>", '</title><link rel="stylesheet" href="report.css">'))
    assert _ids(axe(page)) == {"color-contrast"}
    (tmp_path / "report.css").write_text("td { color: #222; background: #fff; }\n")
    assert axe(page) == []


@pytest.fixture
def static_server(tmp_path: Path) -> Iterator[str]:
    """A local HTTP server (127.0.0.1, this machine only) serving tmp_path; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_html_text_with_base_url_resolves_relative_urls(axe, tmp_path: Path, static_server: str) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "style.css").write_text("h1 { color: #ccc; background: #fff; }\n")
    html = GOOD_PAGE.replace("</title>", '</title><link rel="stylesheet" href="style.css">')
    assert _ids(axe(html, base_url=static_server + "reports/board.html?year=2021")) == {"color-contrast"}
    assert axe(html) == []  # without base_url the stylesheet is not found, so nothing fails
