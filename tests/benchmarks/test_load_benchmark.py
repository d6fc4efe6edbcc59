"""The load benchmark keeps working: on one council, one run, it prints its lines (raw SQL, the
snapshot load, their ratio, peak RSS). No timing is asserted: benchmarks print figures."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "load_benchmark.py"


def test_the_load_benchmark_prints_its_figures() -> None:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--councils", "1", "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    out = completed.stdout
    assert re.search(r"^data: 1 councils and one night \(320 forecasts\)", out, re.M), out
    figures = (
        r"raw SQL [\d.]+ s.*peak RSS \d+ MB \| load [\d.]+ s.*peak RSS \d+ MB \| ratio [\d.]+"
    )
    assert re.search(r"^sqlite run 1/1: " + figures, out, re.M), out
    assert re.search(
        r"^sqlite median of 1: " + figures + r", CPU [\d.]+ \(target ≤ 2: (met|MISSED)\) \| loaded: documents 40, steps 320",
        out,
        re.M,
    ), out
