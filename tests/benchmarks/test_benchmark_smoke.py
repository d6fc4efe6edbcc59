"""The benchmarks keep working: the nightly benchmark runs end to end on one council and prints its
figures, and synthetic data written with Core reads back through the repository exactly as data
written through the repository does. No timing is asserted: benchmarks print figures."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from benchmarks.synthetic_councils import generate_councils
from benchmarks.synthetic_database import populate
from governance_model.repository_rules import meeting_order
from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "nightly_benchmark.py"


def test_the_nightly_benchmark_prints_its_figures(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--councils", "1", "--runs", "1", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    out = completed.stdout
    figures = r"wall [\d.]+ s, peak RSS [\d.]+ MB \| read: documents 40, steps 320, meetings 200, decisions \d+, actions \d+ \| written: forecasts 320"
    assert re.search(r"^data: generated in .*40 documents, 320 steps", out, re.M), out
    assert re.search(r"^run 1/1: " + figures, out, re.M), out
    assert re.search(r"^median of 1: " + figures, out, re.M), out
    assert re.search(r"^targets: wall [\d.]+ s \(target ≤ 20 s .*\); peak RSS [\d.]+ MB \(target ≤ 500 MB .*\)$", out, re.M), out


def _read_back(url: str) -> dict:
    """Everything stored, council by council (each synthetic council is an organisation of its own)."""
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        with SqlUnitOfWork(factory) as uow:
            organisations = uow.organisations()
        read: dict = {"organisations": organisations, "people": [], "bodies": [], "documents": [], "decisions": [], "plans": []}
        for organisation in organisations:
            with SqlUnitOfWork(factory, organisation) as uow:
                read["people"] += uow.people.list()
                read["bodies"] += uow.bodies.list()
                read["documents"] += uow.documents.list()
                read["decisions"] += uow.documents.list_decisions()
                read["plans"] += uow.plans.list()
        return read
    finally:
        engine.dispose()


def test_core_written_councils_read_back_like_repository_written_ones(tmp_path: Path) -> None:
    core, repository = f"sqlite:///{tmp_path / 'core.sqlite3'}", f"sqlite:///{tmp_path / 'repo.sqlite3'}"
    populate(core, councils=2, seed=7, method="core")
    populate(repository, councils=2, seed=7, method="repository")
    via_core, via_repository = _read_back(core), _read_back(repository)
    assert via_core == via_repository
    assert via_core["organisations"] == ["c000", "c001"]  # one partition per council

    # …and both are what was generated, in the repository's order.
    councils = list(generate_councils(2, seed=7))
    bodies = sorted((b for c in councils for b in c.bodies), key=lambda b: b.code)
    for body in bodies:
        body.meetings.sort(key=meeting_order)
    assert via_core["bodies"] == bodies
    assert via_core["documents"] == sorted((d for c in councils for d in c.documents), key=lambda d: d.key)
    assert via_core["plans"] == sorted((p for c in councils for p in c.plans), key=lambda p: p.key)
    assert via_core["people"] == sorted((p for c in councils for p in c.people), key=lambda p: p.initials)
    assert sorted(map(repr, via_core["decisions"])) == sorted(repr(d) for c in councils for d in c.decisions)


def test_the_generator_is_deterministic_and_keys_carry_the_council() -> None:
    first, again = next(generate_councils(1, seed=3)), next(generate_councils(1, seed=3))
    assert first == again
    assert next(generate_councils(1, seed=4)) != first
    assert all(d.key.startswith("C000-") for d in first.documents)
    assert all(b.code.startswith("C000-") for b in first.bodies)
    counts = first.counts()
    assert (counts["documents"], counts["steps"], counts["bodies"], counts["meetings"]) == (40, 320, 20, 200)
    assert (counts["plans"], counts["actions"]) == (15, 900)
    assert counts["decisions"] > 0


def test_the_reports_benchmark_prints_its_figures() -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "reports_benchmark.py"), "--councils", "1", "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    # 20 bodies and 15 plans per council. The first night writes every plan's four files and the
    # board reports of the bodies whose papers window is open (.md, .html); the second, after a
    # progress update on one plan, that plan's files and the boards again.
    figures = r"wall [\d.]+ s, peak RSS [\d.]+ MB \| (?P<boards>\d+) board reports, (?P<plans>\d+) plan reports, (?P<files>\d+) files written"
    first = re.search(r"^run 1/1 night 1 \(2022-05-03, fresh folder\): " + figures, completed.stdout, re.M)
    second = re.search(r"^run 1/1 night 2 \(2022-05-04, after 1 progress update\(s\)\): " + figures, completed.stdout, re.M)
    assert first and second, completed.stdout
    assert int(first["plans"]) == 15 and int(first["files"]) == 2 * int(first["boards"]) + 4 * 15 + 1  # and index.json
    assert int(second["plans"]) == 1 and int(second["files"]) <= 2 * int(second["boards"]) + 4 + 1
    assert 0 <= int(first["boards"]) <= 20
    assert re.search(r"^median of 1, night 2: wall [\d.]+ s, peak RSS [\d.]+ MB, \d+ files written \| read records [\d.]+ s", completed.stdout, re.M), completed.stdout
