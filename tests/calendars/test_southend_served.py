"""Every Southend feed, served by `govflow serve`'s web app under uvicorn, is sent byte for byte as
published, with the headers a subscriber's program relies on (Content-Type, ETag, Last-Modified, 304
answers). The parsers check those bytes once, from the files (test_feed_publish.py); check-ics runs
over HTTP on one feed here, so the path a real client takes is proven too."""
from __future__ import annotations

import hashlib
import http.client
import json
from pathlib import Path
from urllib.parse import quote, urlsplit

from govflow.services.feed_publishing import publish_feeds
from govflow.web.app import create_app
from govflow.web.serve import run_in_thread
from tests.calendars.conftest import AS_OF, PUBLIC_URL, STAMP


def test_every_southend_feed_is_served_as_published(southend, tmp_path: Path, check_ics) -> None:
    with run_in_thread(lambda url: create_app(tmp_path, url)) as base:
        # The same arguments as test_feed_publish.py's, so these are the very bytes its parsers checked.
        files = publish_feeds(lambda: southend, tmp_path, AS_OF, STAMP, PUBLIC_URL)
        assert {f.parent.name for f in files} >= {"body", "document", "person"}
        index = {e["path"]: e for e in json.loads((tmp_path / "index.json").read_text())["feeds"]}
        assert set(index) == {f.relative_to(tmp_path).as_posix() for f in files}

        where = urlsplit(base)
        conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)  # keep-alive, as clients poll

        def get(path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()

        try:
            for path, entry in index.items():
                url = f"/feeds/{quote(path)}"
                published = (tmp_path / path).read_bytes()
                status, headers, body = get(url)
                assert status == 200 and body == published, path
                assert headers["content-type"] == "text/calendar; charset=utf-8", path
                assert headers["etag"] == f'"{hashlib.sha256(published).hexdigest()}"' == f'"{entry["sha256"]}"', path
                assert headers["last-modified"], path
                private = path.startswith("person/")
                assert headers["cache-control"] == ("private, max-age=3600" if private else "max-age=3600"), path
                assert entry["public"] is not private, path
                for validator in ({"If-None-Match": headers["etag"]}, {"If-Modified-Since": headers["last-modified"]}):
                    status, again, body = get(url, validator)
                    assert status == 304 and body == b"" and again["etag"] == headers["etag"], (path, validator)
            status, _, page = get("/")
        finally:
            conn.close()
        assert status == 200
        assert f"webcal://{where.netloc}/feeds/body/SSPB.ics" in page.decode()
        assert b"token-" not in page  # private feeds are never listed

        result = check_ics(f"{base}/feeds/body/SSPB.ics", "--strict")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "RESULT: PASS" in result.stderr and "warnings=0" in result.stderr
