"""Benchmark of the nightly reports: `govflow.services.report_writing.write_reports` over synthetic
councils, two nights running into the same folder, median of several runs, with the time split into
reading, judging and building, and rendering and writing each format.

    .venv/bin/python benchmarks/reports_benchmark.py                  # 150 councils, 3 runs
    .venv/bin/python benchmarks/reports_benchmark.py --councils 10 --runs 3

Each run copies the generated database and, in a fresh folder, runs the first night (`--as-of`,
a weekday); then records a few progress updates (one plan in `--change-every`) and runs the next
night into the same folder, as the nightly does; then times what `govflow serve` does for two
board reports (the first reads the records, the next uses them as kept) and a plan report asked
for on that day. Each runs in a child process of its own, so
its peak RSS is its own. "files written" counts the files whose bytes were replaced that night.
It prints figures; it never judges them against a time (the issue names no target for reports)."""
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


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file under `folder` with its inode and modification time: what a write replaces."""
    found = {}
    for path in folder.rglob("*") if folder.exists() else ():
        if path.is_file():
            stat = path.stat()
            found[str(path)] = (stat.st_ino, stat.st_mtime_ns)
    return found


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

    out = Path(args.out)
    before = _files(out)
    started = time.perf_counter()
    with SqlUnitOfWork(factory) as uow:
        organisations = uow.organisations()
    written = []
    for organisation in organisations:  # each synthetic council is an organisation of its own
        written += reports.write_reports(lambda: SqlUnitOfWork(factory, organisation), out / organisation, as_of)
    wall = time.perf_counter() - started
    after = _files(out)
    replaced = [p for p, seen in after.items() if before.get(p) != seen]
    result = {
        "wall": wall,
        "phases": phases,
        "boards": sum(1 for w in written if w.kind == "board"),
        "plans": sum(1 for w in written if w.kind == "plan"),
        "files": len(replaced),
        "bytes": sum(Path(p).stat().st_size for p in replaced),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    Path(args.result).write_text(json.dumps(result))
    return 0


def on_request_main(args: argparse.Namespace) -> int:
    """Time what `govflow serve` does when reports are asked for: a board report read and built
    with no records kept yet (the first request, or the first after a change), another board's
    with the records kept (`report_writing.BoardRecords`: what every later request costs, a 304
    too), a plan report read and judged; and rendering each."""
    sys.path.insert(0, str(ROOT))
    from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
    from govflow.services import report_writing as reports

    as_of = dt.date.fromisoformat(args.as_of)
    factory = make_session_factory(make_engine(f"sqlite:///{args.database}"))
    with SqlUnitOfWork(factory) as uow:
        organisation = uow.organisations()[0]  # the server answers for one council at a time
    with SqlUnitOfWork(factory, organisation) as uow:
        bodies, plan = [b.code for b in uow.bodies.list()[:2]], uow.plans.list()[0].key
    kept = reports.BoardRecords(lambda: SqlUnitOfWork(factory, organisation))
    result = {}
    for name, kind, key, suffix in (("first board", "board", bodies[0], ".html"), ("next board", "board", bodies[1], ".html"),
                                    ("plan", "plan", plan, ".xlsx")):
        started = time.perf_counter()
        requested = reports.public_report(SqlUnitOfWork(factory, organisation), kind, key, as_of, kept)
        built = time.perf_counter()
        requested.render()[suffix]
        result[name] = {"key": key, "suffix": suffix, "read": built - started, "render": time.perf_counter() - built}
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(args.result).write_text(json.dumps(result))
    return 0


def record_a_few_updates(database: Path, on: dt.date, every: int) -> int:
    """A progress update on the first recommendation of one plan in `every`: the few changes of a day."""
    from governance_model.model import ProgressUpdate
    from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory

    engine = make_engine(f"sqlite:///{database}")
    try:
        factory = make_session_factory(engine)
        with SqlUnitOfWork(factory) as uow:
            organisations = uow.organisations()
        recorded = 0
        for organisation in organisations:
            with SqlUnitOfWork(factory, organisation) as uow:
                plans = uow.plans.list()[::every]
                for plan in plans:
                    number = plan.recommendations[0].number
                    uow.plans.add_update(plan.key, ProgressUpdate(number, on, done=["Benchmark progress recorded"], author="BENCH"))
                uow.commit()
            recorded += len(plans)
        return recorded
    finally:
        engine.dispose()


def _line(result: dict) -> str:
    phases = ", ".join(f"{k} {v:.2f} s" for k, v in result["phases"].items())
    return (f"wall {result['wall']:.2f} s, peak RSS {result['peak_rss_mb']:.1f} MB | "
            f"{result['boards']:,} board reports, {result['plans']:,} plan reports, {result['files']:,} files written, "
            f"{result['bytes'] / 1e6:.1f} MB | {phases}")


def _median(results: list[dict]) -> str:
    names = dict.fromkeys(k for r in results for k in r["phases"])
    phases = ", ".join(f"{k} {statistics.median(r['phases'].get(k, 0) for r in results):.2f} s" for k in names)
    return (f"wall {statistics.median(r['wall'] for r in results):.2f} s, "
            f"peak RSS {statistics.median(r['peak_rss_mb'] for r in results):.1f} MB, "
            f"{statistics.median(r['files'] for r in results):,.0f} files written | {phases}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=150)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as-of", default="2022-05-03", help="the first night (default: Tuesday 3 May 2022); the second is the day after")
    parser.add_argument("--change-every", type=int, default=100, help="before the second night, a progress update on one plan in this many")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--on-request", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args)
    if args.on_request:
        return on_request_main(args)

    sys.path.insert(0, str(ROOT))
    from benchmarks.synthetic_database import populate

    first = dt.date.fromisoformat(args.as_of)
    nights = (first, first + dt.timedelta(days=1))
    workdir = Path(tempfile.mkdtemp(prefix="govflow-reports-bench-"))
    try:
        generated = workdir / "councils.sqlite3"
        print(f"govflow reports benchmark: {args.councils} councils, {args.runs} run(s), nights {nights[0]} and {nights[1]}")
        print(f"machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        started = time.perf_counter()
        totals = populate(f"sqlite:///{generated}", councils=args.councils, seed=args.seed)
        print(f"data: generated in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{n:,} {k}" for k, n in totals.items()))
        results: list[list[dict]] = [[], []]
        for index in range(1, args.runs + 1):
            database, out = workdir / f"run-{index}.sqlite3", workdir / f"out-{index}"
            shutil.copyfile(generated, database)
            for night, as_of in enumerate(nights):
                if night == 1:
                    changed = record_a_few_updates(database, as_of, args.change_every)
                result_file = workdir / f"result-{index}-{night}.json"
                subprocess.run(
                    [sys.executable, __file__, "--child", "--database", str(database), "--out", str(out),
                     "--result", str(result_file), "--as-of", as_of.isoformat()],
                    check=True,
                )
                result = json.loads(result_file.read_text())
                results[night].append(result)
                what = "fresh folder" if night == 0 else f"after {changed} progress update(s)"
                print(f"run {index}/{args.runs} night {night + 1} ({as_of}, {what}): {_line(result)}")
            result_file = workdir / f"result-{index}-on-request.json"
            subprocess.run(
                [sys.executable, __file__, "--on-request", "--database", str(database), "--result", str(result_file),
                 "--as-of", nights[1].isoformat()],
                check=True,
            )
            served = json.loads(result_file.read_text())
            print(f"run {index}/{args.runs} on request ({nights[1]}, as `govflow serve` answers): " + "; ".join(
                f"{name} report {served[name]['key']}: read and build {served[name]['read']:.2f} s, "
                f"render {served[name]['suffix']} {served[name]['render']:.2f} s" for name in ("first board", "next board", "plan")
            ) + f"; peak RSS {served['peak_rss_mb']:.1f} MB")
            shutil.rmtree(out, ignore_errors=True)
            database.unlink()
        for night in (0, 1):
            print(f"median of {args.runs}, night {night + 1}: {_median(results[night])}")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
