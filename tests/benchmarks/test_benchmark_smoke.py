"""The benchmarks keep working: the nightly benchmark runs two nights end to end on one council, in
process and through the Prefect flow, and prints every stage's figures and its summary lines; synthetic
data written with Core reads back through the repository exactly as data written through the
repository does. No timing is asserted: benchmarks print figures."""
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


STAGE_LINES = ["load snapshot", "work out nights", "re-plan routes", "reminders owed", "save forecasts+outbox",
               "write feeds", "send digests", "write reports"]
TIMED = r" +[\d.]+ s +[\d.]+ MB"


def _night_block(out: str, heading: str) -> list[str]:
    """The indented lines under a night's heading."""
    lines = out.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(heading)), None)
    assert start is not None, f"no {heading!r} in:\n{out}"
    block = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        block.append(line)
    return block


def test_the_nightly_benchmark_times_every_stage_of_two_nights_in_process_and_through_prefect(tmp_path: Path) -> None:
    checkout_data = ROOT / ".govflow"
    existed = checkout_data.exists()
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--councils", "1", "--runs", "1", "--prefect", "--workdir", str(tmp_path), "--keep"],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    out = completed.stdout
    assert re.search(r"^govflow nightly benchmark: 1 council\(s\), 1 run\(s\), night 1 Monday 2022-02-21, "
                     r"night 2 Tuesday 2022-02-22 after a few changes; modes: in process, Prefect flow$", out, re.M), out
    assert re.search(r"^data: generated in .*40 documents, 320 steps", out, re.M), out

    digests = {}
    for mode in ("in process", "Prefect flow"):
        run = re.search(rf"^run 1/1, {mode}: night 1 \(Mon 2022-02-21\) [\d.]+ s, peak RSS [\d.]+ MB, ([\d,]+) digests sent; "
                        r"night 2 \(Tue 2022-02-22\) [\d.]+ s, peak RSS [\d.]+ MB, ([\d,]+) digests sent \| child process", out, re.M)
        assert run, out
        digests[mode] = (int(run[1].replace(",", "")), int(run[2].replace(",", "")))
        written = []
        for night, day in (("1", "Monday 2022-02-21"), ("2", "Tuesday 2022-02-22")):
            block = _night_block(out, f"{mode}, night {night} ({day}), median of 1 run(s):")
            names = [line[2:].split("  ")[0].strip() for line in block]
            expected = STAGE_LINES + (["Prefect artifacts"] if mode == "Prefect flow" else []) + ["outside the stages", "whole night"]
            assert names[: len(expected)] == expected, block
            for line in block[: len(expected) - 2]:
                assert re.match(r"  \S.*?" + TIMED + r"  cpu [\d.]+ s", line), line
            assert re.match(r"  outside the stages +-?[\d.]+ s", block[len(expected) - 2]), block
            assert re.match(r"  whole night" + TIMED + r"  cpu [\d.]+ s$", block[len(expected) - 1]), block
            assert re.match(r"  read: documents [\d,]+, steps [\d,]+, meetings [\d,]+, decisions [\d,]+, actions [\d,]+ \| written: feeds [\d,]+ files",
                            block[-1]), block  # fmt: skip
            written.append(block[-1].split("| written: ")[1])
        digests[mode + " written"] = written
    # A Monday: reminders owed and digests sent; the flow does the same night as the services alone.
    assert digests["in process"][0] > 0 and digests["in process"] == digests["Prefect flow"], digests
    assert digests["in process written"] == digests["Prefect flow written"], digests

    assert re.search(r"^changes before night 2: decision recorded .*; meeting moved .*; step done ", out, re.M), out
    assert re.search(r"^load vs raw SQL \(night 1\): snapshot load [\d.]+ s, one raw SELECT \* per table it reads [\d.]+ s "
                     r"\(\d+ tables, [\d,]+ rows\): [\d.]+× \(issue target ≤ 2×\)$", out, re.M), out  # fmt: skip
    assert re.search(r"^peak RSS per stage: the child's own VmHWM, ", out, re.M), out
    assert re.search(r"^Prefect share = \(flow wall − in-process wall\) / flow wall: night 1: flow [\d.]+ s, in process [\d.]+ s: "
                     r"-?[\d.]+% \(by CPU seconds: -?[\d.]+%\); night 2: .*temporary server start-up [\d.]+ s$", out, re.M), out  # fmt: skip
    not_applied = r"\(they are for 150 councils and do not apply at 1: figures for reference\)"
    assert re.search(rf"^target: whole night ≤ 20 s wall {not_applied}: in process night 1 [\d.]+ s, night 2 [\d.]+ s; Prefect flow night 1", out, re.M), out
    assert re.search(rf"^target: peak RSS ≤ 500 MB per process {not_applied}: in process night 1 [\d.]+ MB", out, re.M), out
    assert re.search(rf"^target: Prefect share ≤ 10% {not_applied}: night 1 -?[\d.]+%, night 2 -?[\d.]+%$", out, re.M), out

    # Everything the nights wrote is in the benchmark's folder, none of it in the checkout.
    for mode in ("in-process-1", "prefect-1"):
        assert (tmp_path / mode / "govflow.db").is_file()
        assert any((tmp_path / mode / "feeds").iterdir()) and any((tmp_path / mode / "reports").iterdir())
        assert any((tmp_path / mode / "mailbox").iterdir())
    assert (tmp_path / "prefect-home").is_dir()
    assert re.search(r"^load average at the end: [\d.]+ ", out, re.M), out
    assert checkout_data.exists() == existed


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
