"""How long the night's snapshot load takes against reading the same rows with raw SQL, and how much
memory each needs, on synthetic councils (benchmarks/synthetic_councils.py).

    python benchmarks/load_benchmark.py [--councils 150] [--runs 5] [--postgresql URL] [--profile]

The councils are written once into a migrated SQLite file in a temporary folder (with --postgresql
also into a schema of its own there, dropped afterwards), and one night is run on them so the step
forecasts and the last run are stored as on any later night. Then each run starts two child
processes, so each peak RSS is its own:

- raw: one `SELECT * … WHERE organisation = ?` per table the snapshot reads and per council, through
  the driver's own cursor, `fetchall()`;
- load: `govflow.services.night_planning.load_snapshot` through a `SqlUnitOfWork`, council by council
  (each synthetic council is an organisation of its own, read as its own night reads it).

It prints one line per run, then the medians and the ratio load / raw (the issue's target: ≤ 2).
It prints figures; it asserts nothing about time.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project (and benchmarks/) importable
    sys.path.insert(0, str(ROOT))

TARGET_RATIO = 2.0
AS_OF = dt.date(2022, 2, 21)  # a Monday in the middle of the synthetic year

# Every table load_snapshot reads from (documents … conditions, and the last nightly run).
SNAPSHOT_TABLES = (
    "documents", "document_versions", "route_steps", "decisions", "step_forecasts", "nightly_runs",
    "bodies", "meetings", "action_plans", "recommendations", "actions", "measures", "progress_updates",
    "people", "conditions",
)  # fmt: skip


def _status_mb(field: str) -> float | None:
    """VmRSS / VmHWM of this process from /proc, in MB (None where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# ---- what is measured ------------------------------------------------------------------------------


def raw_read(engine, organisations: list[str]) -> int:
    """One `SELECT *` per snapshot table and council (`WHERE organisation = …`, as each council's night
    reads its own) on the driver's own connection, every row fetched; the rows read."""
    connection = engine.raw_connection()
    marker = "%s" if engine.dialect.name == "postgresql" else "?"
    try:
        rows = 0
        cursor = connection.cursor()
        for organisation in organisations:
            for table in SNAPSHOT_TABLES:
                cursor.execute(f"SELECT * FROM {table} WHERE organisation = {marker}", (organisation,))
                rows += len(cursor.fetchall())
        cursor.close()
        connection.rollback()
        return rows
    finally:
        connection.close()


def snapshot_loads(session_factory, organisations: list[str]) -> list:
    """Each council's night's snapshot, as each council's night reads it."""
    from governance_model.storage import SqlUnitOfWork
    from govflow.services.night_planning import load_snapshot

    return [load_snapshot(SqlUnitOfWork(session_factory, organisation)) for organisation in organisations]


def stored_organisations(session_factory) -> list[str]:
    from governance_model.storage import SqlUnitOfWork

    with SqlUnitOfWork(session_factory) as uow:
        return uow.organisations()


def child_main(args: argparse.Namespace) -> int:
    """One measured read (`args.child`: raw or load) of `args.url`; writes its figures to `args.result`."""
    from sqlalchemy.pool import NullPool

    from governance_model.storage import make_engine, make_session_factory
    from govflow.services import night_planning  # noqa: F401  (imported before the clock starts)

    engine = make_engine(args.url, poolclass=NullPool)  # every read opens its connection, as the night does
    session_factory = make_session_factory(engine)
    organisations = stored_organisations(session_factory)  # not timed: the parent flow's list
    profiler = None
    if args.profile_out:
        import cProfile

        profiler = cProfile.Profile()
    rss_before = _status_mb("VmRSS")
    cpu_started, started = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    if args.child == "raw":
        rows = raw_read(engine, organisations)
        counts = {"rows": rows}
    else:
        snapshots = snapshot_loads(session_factory, organisations)
        counts = {
            "documents": sum(len(s.documents) for s in snapshots),
            "steps": sum(len(d.route.steps) for s in snapshots for d in s.documents),
            "meetings": sum(len(b.meetings) for s in snapshots for b in s.bodies),
            "forecasts": sum(len(s.forecasts) for s in snapshots),
            "actions": sum(len(r.actions) for s in snapshots for p in s.plans for r in p.recommendations),
        }
    if profiler:
        profiler.disable()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    if profiler:
        profiler.dump_stats(args.profile_out)
    engine.dispose()
    result = {"seconds": seconds, "cpu_seconds": cpu_seconds, "rss_before_mb": rss_before, "peak_rss_mb": _status_mb("VmHWM"), **counts}
    Path(args.result).write_text(json.dumps(result))
    return 0


def run_child(mode: str, url: str, workdir: Path, profile_out: Path | None = None) -> dict:
    result_file = workdir / f"{mode}-{uuid.uuid4().hex[:8]}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--url", url, "--result", str(result_file)]
    if profile_out:
        command += ["--profile-out", str(profile_out)]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=str(ROOT))
    if completed.returncode != 0 or not result_file.exists():
        raise RuntimeError(f"the {mode} child exited with {completed.returncode}:\n{completed.stderr[-6000:]}")
    result = json.loads(result_file.read_text())
    result_file.unlink()
    return result


# ---- the parent: data once, then the runs ----------------------------------------------------------


def prepare(url: str, councils: int, seed: int) -> str:
    """Write the councils into the database at `url` and run one night on them; says what was written."""
    from zoneinfo import ZoneInfo

    from benchmarks.synthetic_database import populate
    from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
    from govflow.services.night_planning import run_nightly

    started = time.perf_counter()
    totals = populate(url, councils=councils, seed=seed)
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        finished_at = dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time(3), ZoneInfo("Europe/London"))
        forecasts = 0
        for organisation in stored_organisations(factory):  # each council's night
            update = run_nightly(lambda: SqlUnitOfWork(factory, organisation), AS_OF, finished_at)
            forecasts += len(update.forecasts)
    finally:
        engine.dispose()
    return (f"data: {councils} councils and one night ({forecasts:,} forecasts) in "
            f"{time.perf_counter() - started:.1f} s: " + ", ".join(f"{n:,} {name}" for name, n in totals.items()))  # fmt: skip


def measure(label: str, url: str, runs: int, workdir: Path, profile: bool) -> None:
    pairs = []
    for index in range(1, runs + 1):
        raw, load = run_child("raw", url, workdir), run_child("load", url, workdir)
        pairs.append((raw, load))
        print(f"{label} run {index}/{runs}: raw SQL {raw['seconds']:.2f} s (CPU {raw['cpu_seconds']:.2f} s, "
              f"{raw['rows']:,} rows), peak RSS {raw['peak_rss_mb']:.0f} MB | load {load['seconds']:.2f} s "
              f"(CPU {load['cpu_seconds']:.2f} s), peak RSS {load['peak_rss_mb']:.0f} MB | ratio "
              f"{load['seconds'] / raw['seconds']:.2f} (CPU {load['cpu_seconds'] / raw['cpu_seconds']:.2f})", flush=True)  # fmt: skip
    raw_s = statistics.median(r["seconds"] for r, _ in pairs)
    load_s = statistics.median(l["seconds"] for _, l in pairs)
    raw_mb = statistics.median(r["peak_rss_mb"] for r, _ in pairs)
    load_mb = statistics.median(l["peak_rss_mb"] for _, l in pairs)
    ratio = statistics.median(l["seconds"] / r["seconds"] for r, l in pairs)
    cpu_ratio = statistics.median(l["cpu_seconds"] / r["cpu_seconds"] for r, l in pairs)
    last = pairs[-1][1]
    print(f"{label} median of {runs}: raw SQL {raw_s:.2f} s, peak RSS {raw_mb:.0f} MB | load {load_s:.2f} s, "
          f"peak RSS {load_mb:.0f} MB | ratio {ratio:.2f}, CPU {cpu_ratio:.2f} (target ≤ {TARGET_RATIO:g}: "
          f"{'met' if ratio <= TARGET_RATIO else 'MISSED'}) | loaded: " + ", ".join(
              f"{name} {last[name]:,}" for name in ("documents", "steps", "meetings", "forecasts", "actions")))  # fmt: skip
    if profile:
        import pstats

        profile_out = workdir / "load.prof"
        result = run_child("load", url, workdir, profile_out)
        buffer = io.StringIO()
        stats = pstats.Stats(str(profile_out), stream=buffer)
        stats.sort_stats("tottime").print_stats(25)
        print(f"{label} profile of one more load ({result['seconds']:.2f} s under cProfile), top 25 by own time:")
        lines = buffer.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
        print("\n".join(lines[start:]).rstrip())


def parent_main(args: argparse.Namespace) -> int:
    from sqlalchemy import make_url, text
    from sqlalchemy.pool import NullPool

    from governance_model.storage import make_engine

    workdir = Path(tempfile.mkdtemp(prefix="govflow-load-bench-"))
    try:
        print(f"govflow load benchmark: {args.councils} councils, {args.runs} run(s)")
        print(f"machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
        if args.database:
            url = f"sqlite:///{Path(args.database).resolve()}"
            if not Path(args.database).exists():
                print(prepare(url, args.councils, args.seed))
        else:
            url = f"sqlite:///{workdir / 'councils.sqlite3'}"
            print(prepare(url, args.councils, args.seed))
        measure("sqlite", url, args.runs, workdir, args.profile)
        if args.postgresql:
            server = make_url(args.postgresql)
            schema = f"bench_{uuid.uuid4().hex[:12]}"
            admin = make_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                url = server.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
                print(prepare(url, args.councils, args.seed))
                measure("postgresql", url, args.runs, workdir, args.profile)
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                admin.dispose()
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=150, help="synthetic councils (default 150)")
    parser.add_argument("--runs", type=int, default=5, help="runs; medians are reported (default 5)")
    parser.add_argument("--seed", type=int, default=2022, help="seed of the synthetic data (default 2022)")
    parser.add_argument("--postgresql", metavar="URL", help="also measure on this PostgreSQL server, in a schema of its own")
    parser.add_argument("--database", help="a SQLite file to reuse (written first if missing; kept)")
    parser.add_argument("--profile", action="store_true", help="also profile one more load: cProfile top 25")
    parser.add_argument("--child", choices=["raw", "load"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args)
    if args.runs < 1 or args.councils < 1:
        parser.error("--runs and --councils must be at least 1")
    return parent_main(args)


if __name__ == "__main__":
    sys.exit(main())
