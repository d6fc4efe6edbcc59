"""Every Southend feed, served by `govflow serve`'s server, passes check-ics --strict over HTTP (the
headers a subscriber sees, ETag and Last-Modified answered with 304), as it does as a file."""
from __future__ import annotations

import subprocess
import sys
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from govflow.services.feed_publishing import publish_feeds
from calendars.server import make_server
from tests.calendars.conftest import AS_OF, CHECK_ICS, STAMP


def test_every_southend_feed_passes_ical_check_over_http(southend, tmp_path: Path, check_ics) -> None:
    server = make_server(tmp_path, host="127.0.0.1", port=0)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    files = publish_feeds(lambda: southend, tmp_path, AS_OF, STAMP, base)
    assert {f.parent.name for f in files} >= {"body", "document", "person"}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        urls = [f"{base}/feeds/{f.relative_to(tmp_path).as_posix()}" for f in files]

        def check(url: str):
            done = subprocess.run([str(CHECK_ICS), url, "--strict"], capture_output=True, text=True, timeout=120)
            return url, done

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(check, urls))
        failures = [f"{url}: rc={done.returncode}\n{done.stderr}" for url, done in results if done.returncode != 0]
        assert not failures, "\n".join(failures)

        page = urllib.request.urlopen(f"{base}/").read().decode()
        assert "webcal://127.0.0.1" in page and "/feeds/body/SSPB.ics" in page
        assert "token-" not in page  # private feeds are never listed
    finally:
        server.shutdown()
        server.server_close()
