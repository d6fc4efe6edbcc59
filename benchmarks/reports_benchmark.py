"""Benchmark of the nightly reports: `govflow.services.report_writing.write_reports` over synthetic
councils (every board report and every plan report in Markdown, HTML, CSV and XLSX), median of several runs, with the
time split into reading, judging and building, and rendering and writing each format.

    .venv/bin/python benchmarks/reports_benchmark.py                  # 150 councils, 3 runs
    .venv/bin/python benchmarks/reports_benchmark.py --councils 10 --runs 3

Each run writes into a fresh folder (so every file is written, none skipped as unchanged) in a child
process of its own, so its peak RSS is its own. It prints figures; it never judges them against a
time (the issue names no target for reports)."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child_main(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(ROOT))
    from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
    from govflow.services import report_writing as reports

    as_of = dt.date.fromisoformat(args.as_of)
    engine = make_engine(f"sqlite:///{args.database}")
    factory = make_session_factory(engine)
    phases: dict[str, float] = {}
    original_render_board, original_render_plan = reports.render_board, reports.render_plan

    def timed(name, function):
        def wrapper(*a, **k):
            started = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - started
        return wrapper

    reports.render_board = timed("render board (md+html)", original_render_board)
    reports.render_plan = timed("render plan (md+html+csv+xlsx)", original_render_plan)
    reports.write_file = timed("write files", reports.write_file)
    reports._Records.read = classmethod(timed("read records", reports._Records.read.__func__))
    reports._Records.board_reports = timed("build board reports", reports._Records.board_reports)
    reports.judge_plan = timed("judge plans (RAG)", reports.judge_plan)

    started = time.perf_counter()
    with SqlUnitOfWork(factory) as uow:
        organisations = uow.organisations()
    written = []
    for organisation in organisations:  # each synthetic council is an organisation of its own
        written += reports.write_reports(lambda: SqlUnitOfWork(factory, organisation), Path(args.out) / organisation, as_of)
    wall = time.perf_counter() - started
    files = [p for w in written for p in w.files]
    result = {
        "wall": wall,
        "phases": phases,
        "boards": sum(1 for w in written if w.kind == "board"),
        "plans": sum(1 for w in written if w.kind == "plan"),
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    Path(args.result).write_text(json.dumps(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=150)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as-of", default="2022-05-01")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args)

    sys.path.insert(0, str(ROOT))
    from benchmarks.synthetic_database import populate

    workdir = Path(tempfile.mkdtemp(prefix="govflow-reports-bench-"))
    try:
        database = workdir / "councils.sqlite3"
        print(f"govflow reports benchmark: {args.councils} councils, {args.runs} run(s), as of {args.as_of}")
        print(f"machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        started = time.perf_counter()
        totals = populate(f"sqlite:///{database}", councils=args.councils, seed=args.seed)
        print(f"data: generated in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{n:,} {k}" for k, n in totals.items()))
        results = []
        for index in range(1, args.runs + 1):
            out, result_file = workdir / f"out-{index}", workdir / f"result-{index}.json"
            subprocess.run(
                [sys.executable, __file__, "--child", "--database", str(database), "--out", str(out),
                 "--result", str(result_file), "--as-of", args.as_of],
                check=True,
            )
            result = json.loads(result_file.read_text())
            shutil.rmtree(out, ignore_errors=True)
            results.append(result)
            phases = ", ".join(f"{k} {v:.2f} s" for k, v in result["phases"].items())
            print(f"run {index}/{args.runs}: wall {result['wall']:.2f} s, peak RSS {result['peak_rss_mb']:.1f} MB | "
                  f"{result['boards']:,} board reports, {result['plans']:,} plan reports, {result['files']:,} files, "
                  f"{result['bytes'] / 1e6:.1f} MB | {phases}")
        wall = statistics.median(r["wall"] for r in results)
        rss = statistics.median(r["peak_rss_mb"] for r in results)
        names = results[0]["phases"]
        phases = ", ".join(f"{k} {statistics.median(r['phases'].get(k, 0) for r in results):.2f} s" for k in names)
        print(f"median of {len(results)}: wall {wall:.2f} s, peak RSS {rss:.1f} MB | {phases}")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
