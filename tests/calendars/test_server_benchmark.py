"""The feeds benchmark still runs and prints its figures (small sizes; no time is asserted)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_feeds_benchmark_prints_its_figures() -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "feeds_benchmark.py"), "--events", "50", "--builds", "2", "--requests", "50"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    out = completed.stdout
    assert re.search(r"^build: 50-event body feed .* byte-identical between builds$", out, re.M), out
    assert re.search(r"^build: median [\d.]+ ms of 2 builds .* target <= 50 ms: (met|NOT met)$", out, re.M), out
    assert "304: 50 conditional GETs, 0 not answered 304" in out
    assert re.search(r"^304: app time \(ASGI call\) median [\d.]+ ms .* target <= 2 ms: (met|NOT met)$", out, re.M), out
    assert re.search(r"^304: client round trip through uvicorn median [\d.]+ ms", out, re.M), out
