"""The nightly benchmark: how long the nightly run takes, and how much memory it needs, on synthetic
councils (default 150: 6,000 documents, 48,000 route steps, 30,000 meetings, 135,000 actions).

    python benchmarks/nightly_benchmark.py [--councils 150] [--runs 5] [--as-of 2022-02-20]
                                           [--prefect] [--profile]

The data is generated once into a migrated SQLite file in a temporary folder. Each run starts from a
fresh copy of that file (a second run for the same date is a no-op by design) and runs the nightly in
a child process of its own, so its peak RSS is measured alone. Wall seconds are timed inside the
child around `govflow.services.night_planning.run_nightly` (with --prefect: around the Prefect flow
`flows.nightly.nightly`, with Prefect's own start-up timed separately). It prints one line per run,
then the medians against the targets. It prints figures; it asserts nothing about time.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project (and benchmarks/) importable
    sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 20.0
TARGET_RSS_MB = 500.0
TARGET_COUNCILS = 150
READ_FIGURES = ("documents", "steps", "meetings", "decisions", "actions")


# ---- the child: one nightly run, measured --------------------------------------------------------


def _status_mb(field: str) -> float | None:
    """VmRSS / VmHWM of this process from /proc, in MB (None where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class RowCounter:
    """Counts the domain objects the repository hands out and takes in, whatever SQL it uses:
    every public method of each SQL repository is wrapped (the flow builds its own units of work, so the
    class is patched, not an instance)."""

    def __init__(self) -> None:
        self.read: dict[str, int] = {}
        self.written: dict[str, int] = {}
        self.calls: dict[str, int] = {}

    def install(self) -> None:
        from governance_model.storage.unit_of_work import _REPOSITORIES

        for aggregate, repository in _REPOSITORIES.items():
            for method in dir(repository):
                if method.startswith("_") or not callable(getattr(repository, method)):
                    continue
                setattr(repository, method, self._wrap(f"{aggregate}.{method}", getattr(repository, method)))

    def _wrap(self, name, method):
        counter = self

        def wrapper(repo, *args, **kwargs):
            counter.calls[name] = counter.calls.get(name, 0) + 1
            if name.split(".")[1].split("_")[0] in {"save", "add", "record", "merge"}:
                args = tuple(list(a) if _is_batch(a) else a for a in args)
                for value in list(args) + list(kwargs.values()):
                    counter._count(counter.written, value)
                return method(repo, *args, **kwargs)
            result = method(repo, *args, **kwargs)
            counter._count(counter.read, result)
            return result

        wrapper.__name__ = name
        wrapper.__doc__ = method.__doc__
        return wrapper

    @staticmethod
    def _count(into: dict[str, int], value) -> None:
        from governance_model.model import ActionPlan, Body, Decision, Document

        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if item is None or isinstance(item, (str, int, float, dt.date)):
                continue
            kind = type(item).__name__
            into[kind] = into.get(kind, 0) + 1
            if isinstance(item, Document):
                into["Step"] = into.get("Step", 0) + len(item.route.steps)
            elif isinstance(item, Body):
                into["Meeting"] = into.get("Meeting", 0) + len(item.meetings)
            elif isinstance(item, ActionPlan):
                into["Action"] = into.get("Action", 0) + sum(len(r.actions) for r in item.recommendations)
            elif isinstance(item, Decision):
                pass


def _is_batch(value) -> bool:
    return not isinstance(value, (str, bytes, dict)) and hasattr(value, "__iter__") and not hasattr(value, "__dataclass_fields__")


def child_main(args: argparse.Namespace) -> int:
    """Run the nightly once on `args.database` and write what was measured to `args.result`."""
    started = time.perf_counter()
    result: dict = {"mode": "prefect" if args.prefect else "service"}
    counter = RowCounter()
    as_of = dt.date.fromisoformat(args.as_of)
    profiler = None
    if args.profile_out:
        import cProfile

        profiler = cProfile.Profile()

    if args.prefect:
        os.environ["GOVFLOW_DATABASE_URL"] = f"sqlite:///{args.database}"
        t = time.perf_counter()
        import prefect  # noqa: F401  (timed: Prefect's import is part of its start-up)
        from prefect import flow

        result["prefect_import_s"] = time.perf_counter() - t

        @flow(name="govflow-benchmark-warm-up")
        def warm_up() -> int:
            return 1

        t = time.perf_counter()
        warm_up()  # with no server configured, this starts Prefect's temporary server
        result["prefect_startup_s"] = time.perf_counter() - t
        from flows import nightly as flows_nightly

        if not profiler:  # the counting wrappers would show in the profile
            counter.install()
        parameters = getattr(flows_nightly, "NightlyParameters", None)
        result["rss_before_mb"] = _status_mb("VmRSS")
        t = time.perf_counter()
        if profiler:
            profiler.enable()
        summary = flows_nightly.nightly(parameters(as_of=as_of)) if parameters else flows_nightly.nightly(as_of=as_of)
        if profiler:
            profiler.disable()
        result["wall_s"] = time.perf_counter() - t
        result["summary"] = summary if isinstance(summary, dict) else None
    else:
        from zoneinfo import ZoneInfo

        from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
        from govflow.services.night_planning import run_nightly

        if not profiler:
            counter.install()
        engine = make_engine(f"sqlite:///{args.database}")
        session_factory = make_session_factory(engine)
        finished_at = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(3, 0), ZoneInfo("Europe/London"))
        result["rss_before_mb"] = _status_mb("VmRSS")
        t = time.perf_counter()
        if profiler:
            profiler.enable()
        with SqlUnitOfWork(session_factory) as uow:
            organisations = uow.organisations()
        summary: dict = {}
        changed = 0
        for organisation in organisations:  # each synthetic council is an organisation of its own
            update = run_nightly(lambda: SqlUnitOfWork(session_factory, organisation), as_of, finished_at)
            changed += len(update.changed)
            for key, value in update.summary().items():
                summary[key] = summary.get(key, []) + value if isinstance(value, list) else (
                    summary.get(key, 0) + value if isinstance(value, int) else value)  # fmt: skip
        if profiler:
            profiler.disable()
        result["wall_s"] = time.perf_counter() - t
        result["summary"] = summary
        result["forecasts_changed"] = changed
        engine.dispose()

    if result.get("summary"):
        result["summary"] = {k: (len(v) if isinstance(v, list) else v) for k, v in result["summary"].items()}
    result["read"] = counter.read
    result["written"] = counter.written
    result["calls"] = counter.calls
    result["own_peak_rss_mb"] = _status_mb("VmHWM")
    result["child_total_s"] = time.perf_counter() - started
    if profiler:
        profiler.dump_stats(args.profile_out)
    Path(args.result).write_text(json.dumps(result, default=str))
    return 0


# ---- the parent: data once, then the runs --------------------------------------------------------


def table_counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        names = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in sorted(names)}
    finally:
        connection.close()


def run_child(
    database: Path, as_of: str, workdir: Path, index: int, prefect: bool, profile_out: Path | None = None
) -> dict:
    """One nightly in a child process; returns its measurements plus the parent's (peak RSS, exit)."""
    result_file = workdir / f"result-{index}.json"
    log_file = workdir / f"child-{index}.log"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--database", str(database),
               "--as-of", as_of, "--result", str(result_file)]  # fmt: skip
    if prefect:
        command.append("--prefect")
    if profile_out:
        command += ["--profile-out", str(profile_out)]
    env = dict(os.environ)
    if prefect:
        env.setdefault("PREFECT_HOME", str(workdir / "prefect-home"))
        env.setdefault("DO_NOT_TRACK", "1")
        env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
        env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    started = time.perf_counter()
    with open(log_file, "wb") as log:
        child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=str(ROOT))
        # wait4 gives this child's own resource use: its peak RSS, not the parent's.
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    process_s = time.perf_counter() - started
    if child.returncode != 0 or not result_file.exists():
        log_text = log_file.read_text(errors="replace")
        raise RuntimeError(f"the nightly child process exited with {child.returncode}:\n{log_text[-6000:]}")
    result = json.loads(result_file.read_text())
    result["process_s"] = process_s
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux reports kilobytes
    return result


def figures(result: dict, written_db: dict[str, int]) -> dict:
    read = result.get("read", {})
    written = result.get("written", {})
    return {
        "wall_s": result["wall_s"],
        "peak_rss_mb": result["peak_rss_mb"],
        "documents": read.get("Document", 0),
        "steps": read.get("Step", 0),
        "meetings": read.get("Meeting", 0),
        "decisions": read.get("Decision", 0),
        "actions": read.get("Action", 0),
        "forecasts": written.get("StepForecast", 0),
        "db": written_db,
    }


def describe(f: dict) -> str:
    read = ", ".join(f"{name} {f[name]:,}" for name in READ_FIGURES)
    db = ", ".join(f"{table} +{n:,}" for table, n in f["db"].items()) or "nothing"
    return (f"wall {f['wall_s']:.2f} s, peak RSS {f['peak_rss_mb']:.1f} MB | read: {read} | "
            f"written: forecasts {f['forecasts']:,} (database: {db})")  # fmt: skip


def verdict(value: float, target: float, unit: str, applies: bool) -> str:
    if not applies:
        return f"target ≤ {target:g} {unit} applies at {TARGET_COUNCILS} councils"
    return f"target ≤ {target:g} {unit}: {'met' if value <= target else 'MISSED'}"


def parent_main(args: argparse.Namespace) -> int:
    from benchmarks.synthetic_database import populate

    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="govflow-nightly-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        base = workdir / "councils.sqlite3"
        if base.exists():
            base.unlink()
        print(f"govflow nightly benchmark: {args.councils} councils, {args.runs} run(s), as of {args.as_of}, "
              f"{'Prefect flow' if args.prefect else 'service (run_nightly)'}")  # fmt: skip
        print(f"machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
        started = time.perf_counter()
        totals = populate(f"sqlite:///{base}", councils=args.councils, seed=args.seed, method=args.method)
        seconds = time.perf_counter() - started
        size_mb = base.stat().st_size / 1e6
        print(f"data: generated in {seconds:.1f} s ({args.method}), {size_mb:.0f} MB SQLite: "
              + ", ".join(f"{n:,} {name}" for name, n in totals.items()))  # fmt: skip
        before = table_counts(base)

        runs = []
        for index in range(1, args.runs + 1):
            copy = workdir / f"run-{index}.sqlite3"
            shutil.copyfile(base, copy)
            result = run_child(copy, args.as_of, workdir, index, args.prefect)
            after = table_counts(copy)
            copy.unlink()
            grown = {t: after[t] - before.get(t, 0) for t in after if after[t] != before.get(t, 0)}
            f = figures(result, grown)
            runs.append((result, f))
            line = f"run {index}/{args.runs}: {describe(f)}"
            if args.prefect:
                line += (f" | prefect: import {result['prefect_import_s']:.2f} s, start-up (first flow run) "
                         f"{result['prefect_startup_s']:.2f} s, nightly own peak RSS {result['own_peak_rss_mb']:.1f} MB")  # fmt: skip
            line += f" | child process {result['process_s']:.2f} s"
            print(line, flush=True)

        fs = [f for _, f in runs]
        median = {k: statistics.median(f[k] for f in fs) for k in ("wall_s", "peak_rss_mb", *READ_FIGURES, "forecasts")}
        median["db"] = {t: int(statistics.median(f["db"].get(t, 0) for f in fs)) for t in fs[-1]["db"]}
        for name in (*READ_FIGURES, "forecasts"):
            median[name] = int(median[name])
        applies = args.councils == TARGET_COUNCILS
        print(f"median of {len(fs)}: {describe(median)}")
        print(f"targets: wall {median['wall_s']:.2f} s ({verdict(median['wall_s'], TARGET_SECONDS, 's', applies)}); "
              f"peak RSS {median['peak_rss_mb']:.1f} MB ({verdict(median['peak_rss_mb'], TARGET_RSS_MB, 'MB', applies)})")  # fmt: skip
        if args.prefect:
            results = [r for r, _ in runs]
            print(f"prefect (median): import {statistics.median(r['prefect_import_s'] for r in results):.2f} s, "
                  f"start-up {statistics.median(r['prefect_startup_s'] for r in results):.2f} s, "
                  f"nightly flow {median['wall_s']:.2f} s")  # fmt: skip
        summary = runs[-1][0].get("summary")
        if summary:
            print("last run's summary: " + ", ".join(f"{k} {v}" for k, v in summary.items()))

        if args.profile:
            import io
            import pstats

            copy = workdir / "profile.sqlite3"
            shutil.copyfile(base, copy)
            profile_out = workdir / "nightly.prof"
            result = run_child(copy, args.as_of, workdir, 0, args.prefect, profile_out=profile_out)
            copy.unlink()
            buffer = io.StringIO()
            stats = pstats.Stats(str(profile_out), stream=buffer)
            stats.sort_stats("cumulative").print_stats(15)
            print(f"profile of one more run (wall {result['wall_s']:.2f} s under cProfile), top 15 by cumulative time:")
            lines = buffer.getvalue().splitlines()
            start = next((i for i, l in enumerate(lines) if l.lstrip().startswith("ncalls")), 0)
            print("\n".join(lines[start:]).rstrip())
        return 0
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        elif args.keep:
            print(f"kept the data and logs in {workdir}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=TARGET_COUNCILS, help="synthetic councils (default 150)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs; medians are reported (default 5)")
    parser.add_argument("--as-of", default="2022-02-20", help="the night to run (default 2022-02-20)")
    parser.add_argument("--prefect", action="store_true", help="run the Prefect flow flows.nightly.nightly")
    parser.add_argument("--profile", action="store_true", help="also profile one more run: cProfile top 15")
    parser.add_argument("--seed", type=int, default=2022, help="seed of the synthetic data (default 2022)")
    parser.add_argument("--method", choices=["core", "repository"], default="core",
                        help="write the data with Core executemany (default) or through the repository")  # fmt: skip
    parser.add_argument("--workdir", help="folder for the data and logs (default: a temporary one, removed)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    # The child process: one measured run (internal).
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
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
