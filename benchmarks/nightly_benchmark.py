"""The nightly benchmark: the whole night — every stage the flow runs — on synthetic councils
(default 150: 6,000 documents, 48,000 route steps, 30,000 meetings, 135,000 actions), in process and
through the Prefect flow, a first night and a second one after a few changes.

    python benchmarks/nightly_benchmark.py [--councils 150] [--runs 5] [--as-of 2022-02-21]
                                           [--prefect | --modes in-process,prefect] [--profile]

The data is generated once into a migrated SQLite file in a temporary folder. Each run, in each
mode, starts from a fresh copy of it in a folder of its own that holds everything the night writes
(database, feeds, reports, mailbox; PREFECT_HOME is shared by the runs, in the same temporary
folder), and runs in a child process of its own: night 1 (`--as-of`, a Monday by default, when
reminders are owed and digests sent), then a decision, a meeting move and a step done through the
services the CLI calls, then night 2 (the next day). Each stage is timed where the flow calls it
(benchmarks/night_stages.py) with the process's peak RSS during it. It prints one line per run, the
medians per stage, the load against raw SQL, Prefect's share and the targets. It prints figures; it
asserts nothing about time.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project (and benchmarks/) importable
    sys.path.insert(0, str(ROOT))

from benchmarks.night_stages import STAGE_NAMES  # noqa: E402

TARGET_SECONDS = 20.0
TARGET_RSS_MB = 500.0
TARGET_PREFECT_SHARE = 0.10
TARGET_LOAD_RATIO = 2.0  # issue 13, 4: the load within 2× of raw SQL
TARGET_COUNCILS = 150
DEFAULT_NIGHT = "2022-02-21"  # a Monday, the first night after the synthetic records end: reminders owed, digests sent
READ_FIGURES = (("Document", "documents"), ("Step", "steps"), ("Meeting", "meetings"), ("Decision", "decisions"), ("Action", "actions"))


# ---- the modes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mode:
    """One way of running the night; the child process runs it with RUNNERS[key]. A mode with a real
    Prefect server and N process workers is one more Mode and one more runner."""

    key: str
    label: str
    prefect: bool = False  # the child needs Prefect's settings (PREFECT_HOME in the temporary folder)


IN_PROCESS = Mode("in-process", "in process")
PREFECT_FLOW = Mode("prefect", "Prefect flow", prefect=True)


# ---- the child: two nights, measured -------------------------------------------------------------


def night_clock(night: dt.date, at: dt.time = dt.time(3, 0)):
    """The night's clock, stopped at 03:00 Europe/London the morning after (when the deployment runs)."""
    from govflow.clock import LONDON, FixedClock

    return FixedClock(dt.datetime.combine(night + dt.timedelta(days=1), at, LONDON))


def run_in_process(result: dict):
    """The night as the flow's steps without Prefect (night_stages.night_in_process)."""
    from benchmarks.night_stages import night_in_process

    return night_in_process, ()


def run_prefect_flow(result: dict):
    """The night as the Prefect flow `flows.nightly.nightly`, called in this process; Prefect's import
    and its temporary server's start-up (a first, trivial flow run) are timed apart from the nights."""
    started = time.perf_counter()
    from prefect import flow

    result["prefect_import_s"] = time.perf_counter() - started

    @flow(name="govflow-benchmark-warm-up")
    def warm_up() -> int:
        return 1

    started = time.perf_counter()
    warm_up()  # with no PREFECT_API_URL this starts Prefect's temporary server
    result["prefect_startup_s"] = time.perf_counter() - started
    from benchmarks.night_stages import ARTIFACTS
    from flows import nightly as flows_nightly
    from govflow import wiring

    def night(settings, as_of: dt.date, clock) -> dict:
        wiring.clock = lambda: clock  # the flow asks wiring for its clock
        state = flows_nightly.nightly(flows_nightly.NightlyParameters(as_of=as_of), return_state=True)
        summary = state.result(raise_on_failure=False)
        if not isinstance(summary, dict):  # the run itself failed
            raise summary if isinstance(summary, BaseException) else RuntimeError(str(summary))
        return {"failures": len(summary.get("failed", []))}

    return night, (ARTIFACTS,)


def run_on_workers(count: int):
    """The night as in production: a real Prefect server, `count` process workers (one run of
    councils at a time each), the deployments applied to their pool, and the nightly triggered from
    here with its councils' nights on the workers (flows/local_prefect.py). The stages run in the
    workers' processes, so only the whole night is timed here; `WorkerPeaks` reads every worker
    process's peak RSS (each run of GOVFLOW_COUNCILS_PER_RUN councils is a process of its own)."""

    def runner(result: dict):
        import atexit

        from benchmarks.night_stages import WorkerPeaks
        from flows import nightly as flows_nightly
        from flows.deployment import apply_deployments
        from flows.local_prefect import LocalPrefect

        folder = Path(os.environ["GOVFLOW_DATA_DIR"]).parent / f"prefect-{count}-workers"
        env = {name: os.environ[name] for name in ("GOVFLOW_DATA_DIR", "GOVFLOW_DATABASE_URL")}
        started = time.perf_counter()
        server_database = os.environ.get(PREFECT_DATABASE_VARIABLE) or None  # --postgresql: the server's own database
        cluster = LocalPrefect(folder, workers=count, env=env, worker_limit=1, server_database_url=server_database)
        cluster.start()
        atexit.register(cluster.stop)
        with cluster.client_settings():
            apply_deployments(cluster.work_pool)
        result["prefect_startup_s"] = time.perf_counter() - started  # the server, the pool, the workers online

        def night(settings, as_of: dt.date, clock) -> dict:
            peaks = WorkerPeaks(cluster.worker_pids())
            with cluster.client_settings(), peaks:
                state = flows_nightly.nightly(flows_nightly.NightlyParameters(as_of=as_of, children="workers"), return_state=True)
            summary = state.result(raise_on_failure=False)
            if not isinstance(summary, dict):
                raise summary if isinstance(summary, BaseException) else RuntimeError(str(summary))
            return {"failures": len(summary.get("failed", [])), "workers": peaks.figures()}

        return night, ()

    return runner


WORKERS_1 = Mode("workers-1", "Prefect, 1 worker", prefect=True)
WORKERS_2 = Mode("workers-2", "Prefect, 2 workers", prefect=True)
RUNNERS = {IN_PROCESS.key: run_in_process, PREFECT_FLOW.key: run_prefect_flow, WORKERS_1.key: run_on_workers(1), WORKERS_2.key: run_on_workers(2)}
MODES = {mode.key: mode for mode in (IN_PROCESS, PREFECT_FLOW, WORKERS_1, WORKERS_2)}


def outputs(settings, since_ns: int) -> dict:
    """Files (and MB) in the feeds, reports and mailbox folders, and how many were written since."""
    found = {}
    for name, folder in (("feeds", settings.feeds_dir), ("reports", settings.reports_dir), ("mailbox", settings.mailbox_dir)):
        files = [p.stat() for p in Path(folder).rglob("*") if p.is_file()] if Path(folder).exists() else []
        found[name] = {"files": len(files), "mb": sum(s.st_size for s in files) / 1e6,
                       "written": sum(1 for s in files if s.st_mtime_ns >= since_ns)}  # fmt: skip
    return found


def child_main(args: argparse.Namespace) -> int:
    """Run night 1, the changes and night 2 in this process; write what was measured to args.result."""
    from benchmarks.night_stages import RowCounter, StageMeter, changes_between_nights
    from govflow.settings import Settings

    started = time.perf_counter()
    result: dict = {"mode": args.mode, "nights": []}
    settings = Settings()  # GOVFLOW_DATA_DIR and GOVFLOW_DATABASE_URL: the run's own folder (set by the parent)
    run_night, extra_stages = RUNNERS[args.mode](result)
    meter, counter = StageMeter(), RowCounter()
    meter.install(extra_stages)
    counter.install()
    result["peak_reset"] = meter.can_reset
    profiler = None
    if args.profile_out:
        import cProfile

        profiler = cProfile.Profile()
    first = dt.date.fromisoformat(args.as_of)
    for index, night in enumerate((first, first + dt.timedelta(days=1)), start=1):
        if index > 1:
            t = time.perf_counter()
            result["changes"] = changes_between_nights(settings, night, night_clock(night - dt.timedelta(days=1), dt.time(12, 0)))
            result["changes_s"] = time.perf_counter() - t
        counter.take()
        since = time.time_ns()
        with meter.night() as measured:
            if profiler and index == 1:
                profiler.enable()
            measured.update(run_night(settings, night, night_clock(night)))
            if profiler:
                profiler.disable()
        measured.update(as_of=night.isoformat(), read=counter.take(), outputs=outputs(settings, since))
        result["nights"].append(measured)
        if profiler:
            break
    result["own_peak_rss_mb"] = max(n["peak_rss_mb"] for n in result["nights"])
    result["child_total_s"] = time.perf_counter() - started
    if profiler:
        profiler.dump_stats(args.profile_out)
    Path(args.result).write_text(json.dumps(result, default=str))
    return 0


# ---- the parent: data once, then the runs --------------------------------------------------------


PREFECT_DATABASE_VARIABLE = "BENCHMARK_PREFECT_DATABASE_URL"  # the workers modes' Prefect server database (--postgresql)


class PostgresRun:
    """With --postgresql SERVER: a run's govflow database is a schema of its own on that server, the
    synthetic councils written into it afresh (not timed); for the workers modes the Prefect server
    gets a database of its own there too, as the README deploys it. Both are dropped afterwards."""

    def __init__(self, server: str, args: argparse.Namespace, prefect: bool) -> None:
        import uuid

        from sqlalchemy.engine import make_url

        self.server = make_url(server)
        self.args = args
        self.name = f"bench_{uuid.uuid4().hex[:12]}"
        self.url = self.server.update_query_dict({"options": f"-csearch_path={self.name}"}).render_as_string(hide_password=False)
        self.prefect_url = (
            self.server.set(drivername="postgresql+asyncpg", database=self.name, query={}).render_as_string(hide_password=False)
            if prefect else None
        )  # fmt: skip

    def _admin(self, *statements: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.server, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement))
        finally:
            engine.dispose()

    def __enter__(self) -> PostgresRun:
        from benchmarks.synthetic_database import populate

        self._admin(f'CREATE SCHEMA "{self.name}"', *([f'CREATE DATABASE "{self.name}"'] if self.prefect_url else []))
        populate(self.url, councils=self.args.councils, seed=self.args.seed, method=self.args.method)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._admin(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE',
                    *([f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'] if self.prefect_url else []))  # fmt: skip


def child_env(run_dir: Path, workdir: Path, mode: Mode, database: PostgresRun | None = None) -> dict[str, str]:
    """The child's environment: every setting points into the run's folder (or, with --postgresql,
    the run's own schema and Prefect database), never the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVFLOW_") and k not in ("PREFECT_API_URL", "PREFECT_API_KEY")}
    env["GOVFLOW_DATA_DIR"] = str(run_dir)  # feeds, reports and mailbox (no GOVFLOW_SMTP_URL: digests go to the mailbox)
    env["GOVFLOW_DATABASE_URL"] = database.url if database else f"sqlite:///{run_dir / 'govflow.db'}"
    env.pop(PREFECT_DATABASE_VARIABLE, None)
    if database and database.prefect_url:
        env[PREFECT_DATABASE_VARIABLE] = database.prefect_url
    if mode.prefect:  # Prefect's temporary server, on purpose (the test suite forbids it by default)
        env["PREFECT_HOME"] = str(workdir / "prefect-home")
        env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING",
                   PREFECT_SERVER_ALLOW_EPHEMERAL_MODE="true", PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120")  # fmt: skip
    return env


def run_child(base: Path, mode: Mode, args: argparse.Namespace, workdir: Path, index: int, profile_out: Path | None = None) -> dict:
    """One run (two nights) in a child process on a fresh copy of the data; returns its measurements
    plus its peak RSS as the parent sees it (with Prefect: also its temporary server's)."""
    if args.postgresql:
        with PostgresRun(args.postgresql, args, prefect=mode in (WORKERS_1, WORKERS_2)) as database:
            return _run_child(base, mode, args, workdir, index, profile_out, database)
    return _run_child(base, mode, args, workdir, index, profile_out, None)


def _run_child(base: Path, mode: Mode, args: argparse.Namespace, workdir: Path, index: int, profile_out: Path | None,
               database: PostgresRun | None) -> dict:
    run_dir = workdir / f"{mode.key}-{index}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    if database is None:
        shutil.copyfile(base, run_dir / "govflow.db")
    result_file, log_file = workdir / f"result-{mode.key}-{index}.json", workdir / f"child-{mode.key}-{index}.log"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--mode", mode.key, "--as-of", args.as_of,
               "--result", str(result_file)] + (["--profile-out", str(profile_out)] if profile_out else [])  # fmt: skip
    started = time.perf_counter()
    with open(log_file, "wb") as log:
        child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=child_env(run_dir, workdir, mode, database), cwd=str(run_dir))
        _, status, usage = os.wait4(child.pid, 0)  # this child's own resource use, not the parent's
        child.returncode = os.waitstatus_to_exitcode(status)
    if not args.keep:
        shutil.rmtree(run_dir, ignore_errors=True)  # hundreds of MB of feeds and reports at 150 councils
    if child.returncode != 0 or not result_file.exists():
        raise RuntimeError(f"the {mode.label} child exited with {child.returncode}:\n{log_file.read_text(errors='replace')[-6000:]}")
    result = json.loads(result_file.read_text())
    result["process_s"] = time.perf_counter() - started
    # Linux reports kilobytes. The child's own high-water mark was reset before each stage, which
    # ru_maxrss follows, so its own peak is the highest its nights measured.
    result["process_peak_rss_mb"] = max(usage.ru_maxrss / 1024, result["own_peak_rss_mb"])
    return result


def day_name(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%A %Y-%m-%d")


def digests(night: dict) -> int:
    return night["stages"].get("send digests", {}).get("counts", {}).get("digests sent", 0)


def run_line(index: int, runs: int, mode: Mode, result: dict) -> str:
    nights = "; ".join(
        f"night {n} ({day_name(night['as_of'])[:3]} {night['as_of']}) {night['wall_s']:.2f} s, peak RSS {night['peak_rss_mb']:.1f} MB, "
        f"{digests(night):,} digests sent"
        for n, night in enumerate(result["nights"], start=1)
    )
    line = f"run {index}/{runs}, {mode.label}: {nights} | child process {result['process_s']:.1f} s, peak RSS {result['process_peak_rss_mb']:.1f} MB"
    if "prefect_import_s" in result:
        line += f" (with Prefect's temporary server) | prefect import {result['prefect_import_s']:.2f} s, start-up {result['prefect_startup_s']:.2f} s"
    elif "prefect_startup_s" in result:
        line += f" | Prefect server and workers started in {result['prefect_startup_s']:.2f} s"
    return line


def median_night(results: list[dict], n: int) -> dict:
    """The median of each figure of night n over the runs (counts and outputs: the last run's)."""
    nights = [r["nights"][n] for r in results]
    names = [s for s in STAGE_NAMES if s in nights[-1]["stages"]] + [s for s in nights[-1]["stages"] if s not in STAGE_NAMES]
    return {
        "as_of": nights[-1]["as_of"],
        "wall_s": statistics.median(x["wall_s"] for x in nights),
        "cpu_s": statistics.median(x.get("cpu_s", 0.0) for x in nights),
        "peak_rss_mb": statistics.median(x["peak_rss_mb"] for x in nights),
        "stages": {
            name: {
                "wall_s": statistics.median(x["stages"].get(name, {}).get("wall_s", 0.0) for x in nights),
                "cpu_s": statistics.median(x["stages"].get(name, {}).get("cpu_s", 0.0) for x in nights),
                "peak_rss_mb": statistics.median(x["stages"].get(name, {}).get("peak_rss_mb", 0.0) for x in nights),
                "counts": nights[-1]["stages"][name]["counts"],
            }
            for name in names
        },
        "read": nights[-1]["read"], "outputs": nights[-1]["outputs"], "failures": nights[-1].get("failures", 0),
        "workers": nights[-1].get("workers"),
    }  # fmt: skip


def print_night(mode: Mode, n: int, night: dict, runs: int) -> None:
    print(f"{mode.label}, night {n + 1} ({day_name(night['as_of'])}), median of {runs} run(s):")
    for name, stage in night["stages"].items():
        counts = ", ".join(f"{k} {v:,}" for k, v in stage["counts"].items())
        print(f"  {name:<24}{stage['wall_s']:>9.2f} s {stage['peak_rss_mb']:>9.1f} MB  cpu {stage['cpu_s']:.2f} s  {counts}".rstrip())
    outside = night["wall_s"] - sum(s["wall_s"] for s in night["stages"].values())
    why = ""
    if mode.prefect and night["stages"]:  # GOVFLOW_COUNCILS_AT_ONCE councils at once, in threads: their stage seconds overlap
        why = (f"  (councils' nights ran {at_once()} at once in threads: their stage seconds are summed and overlap; "
               "Prefect's share is the line below)")  # fmt: skip
    elif mode.prefect:
        why = "  (the stages ran in the workers' processes)"
    print(f"  {'outside the stages':<24}{outside:>9.2f} s{why}")
    print(f"  {'whole night':<24}{night['wall_s']:>9.2f} s {night['peak_rss_mb']:>9.1f} MB  cpu {night['cpu_s']:.2f} s")
    if night.get("workers"):  # the councils' nights ran in the workers' processes: their peaks, per process
        w = night["workers"]
        print(f"  on the workers: {w['night_processes']:,} processes (runs of councils), the largest peak RSS "
              f"{w['night_process_peak_rss_mb']:.1f} MB; the workers' own peak {w['worker_peak_rss_mb']:.1f} MB")  # fmt: skip
    read = ", ".join(f"{label} {night['read'].get(kind, 0):,}" for kind, label in READ_FIGURES)
    out = night["outputs"]
    print(f"  read: {read} | written: feeds {out['feeds']['files']:,} files {out['feeds']['mb']:.1f} MB ({out['feeds']['written']:,} written tonight), "
          f"reports {out['reports']['files']:,} files {out['reports']['mb']:.1f} MB ({out['reports']['written']:,} tonight), "
          f"mailbox {out['mailbox']['files']:,} digests ({out['mailbox']['written']:,} tonight) | failures {night['failures']}")  # fmt: skip


def at_once() -> int:
    from govflow.settings import Settings

    return Settings().councils_at_once


def judged(value: float, target: float, applies: bool) -> str:
    return "" if not applies else (" (met)" if value <= target else " (MISSED)")


def print_targets(medians: dict[str, list[dict]], modes: list[Mode], shares: list[float], councils: int) -> None:
    applies = councils == TARGET_COUNCILS
    scope = (f"at {TARGET_COUNCILS} councils" if applies
             else f"they are for {TARGET_COUNCILS} councils and do not apply at {councils}: figures for reference")  # fmt: skip

    def each(figure: str, unit: str, target: float) -> str:
        return "; ".join(
            f"{mode.label} " + ", ".join(f"night {n + 1} {night[figure]:.1f} {unit}{judged(night[figure], target, applies)}"
                                         for n, night in enumerate(medians[mode.key]))  # fmt: skip
            for mode in modes
        )

    print(f"target: whole night ≤ {TARGET_SECONDS:g} s wall ({scope}): {each('wall_s', 's', TARGET_SECONDS)}")
    print(f"target: peak RSS ≤ {TARGET_RSS_MB:g} MB per process ({scope}): {each('peak_rss_mb', 'MB', TARGET_RSS_MB)}")
    if shares:
        share_text = ", ".join(f"night {n + 1} {s:.1%}{judged(s, TARGET_PREFECT_SHARE, applies)}" for n, s in enumerate(shares))
    else:
        share_text = "not measured (it needs both modes: --prefect)"
    print(f"target: Prefect share ≤ {TARGET_PREFECT_SHARE:.0%} ({scope}): {share_text}")


def parent_main(args: argparse.Namespace) -> int:
    from benchmarks.night_stages import read_raw
    from benchmarks.synthetic_database import populate

    modes = [MODES[key] for key in dict.fromkeys(args.modes.split(",") + (["prefect"] if args.prefect else []))]
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="govflow-nightly-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        base = workdir / "councils.sqlite3"
        base.unlink(missing_ok=True)
        second = (dt.date.fromisoformat(args.as_of) + dt.timedelta(days=1)).isoformat()
        print(f"govflow nightly benchmark: {args.councils} council(s), {args.runs} run(s), night 1 {day_name(args.as_of)}, "
              f"night 2 {day_name(second)} after a few changes; modes: {', '.join(m.label for m in modes)}")  # fmt: skip
        print(f"machine: {platform.python_implementation()} {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
        print(f"folder: {workdir} holds the database, feeds, reports, mailbox and PREFECT_HOME of every run"
              + ("" if args.keep or args.workdir else " (removed at the end)"))  # fmt: skip
        if args.postgresql:
            from sqlalchemy.engine import make_url

            print(f"database: PostgreSQL at {make_url(args.postgresql).render_as_string(hide_password=True)}, "
                  "a schema of each run's own, written afresh before it (not timed); the workers modes' Prefect server on a "
                  "database of its own there (the SQLite file below is the data's count only)")  # fmt: skip
        started = time.perf_counter()
        totals = populate(f"sqlite:///{base}", councils=args.councils, seed=args.seed, method=args.method)
        print(f"data: generated in {time.perf_counter() - started:.1f} s ({args.method}), {base.stat().st_size / 1e6:.0f} MB SQLite: "
              + ", ".join(f"{n:,} {name}" for name, n in totals.items()), flush=True)  # fmt: skip

        results: dict[str, list[dict]] = {mode.key: [] for mode in modes}
        raw: list[tuple[float, float, int, int]] = []  # (load s, raw SQL s, tables, rows) per in-process run
        for index in range(1, args.runs + 1):
            for mode in modes:  # the modes take turns, so a busy spell on the machine falls on both
                result = run_child(base, mode, args, workdir, index)
                results[mode.key].append(result)
                print(run_line(index, args.runs, mode, result), flush=True)
                if mode is IN_PROCESS:  # the same rows night 1's load read: the pristine copy
                    load = result["nights"][0]["stages"]["load snapshot"]
                    if args.postgresql:
                        with PostgresRun(args.postgresql, args, prefect=False) as pristine:
                            seconds, rows = read_raw(pristine.url, load["tables"])
                    else:
                        seconds, rows = read_raw(f"sqlite:///{base}", load["tables"])
                    raw.append((load["wall_s"], seconds, len(load["tables"]), rows))

        medians = {key: [median_night(rs, n) for n in range(len(rs[0]["nights"]))] for key, rs in results.items()}
        for mode in modes:
            for n, night in enumerate(medians[mode.key]):
                print_night(mode, n, night, args.runs)
        first = results[modes[0].key]
        print(f"changes before night 2: {'; '.join(first[-1].get('changes', [])) or 'none found'} "
              f"(median {statistics.median(r.get('changes_s', 0.0) for r in first):.2f} s, not in the nights)")
        if raw:
            load_s, raw_s = statistics.median(r[0] for r in raw), statistics.median(r[1] for r in raw)
            print(f"load vs raw SQL (night 1): snapshot load {load_s:.2f} s, one raw SELECT * per table it reads "
                  f"{raw_s:.2f} s ({raw[-1][2]} tables, {raw[-1][3]:,} rows): {load_s / raw_s:.1f}× (issue target ≤ {TARGET_LOAD_RATIO:g}×)")
        peak_note = ("reset between stages (/proc/self/clear_refs)" if first[-1]["peak_reset"]
                     else "NOT reset between stages here: each stage's figure is the process's peak so far")  # fmt: skip
        print(f"peak RSS per stage: the child's own VmHWM, {peak_note}")
        shares = []
        if IN_PROCESS in modes and PREFECT_FLOW in modes:
            flow, direct = medians[PREFECT_FLOW.key], medians[IN_PROCESS.key]
            shares = [(f["wall_s"] - d["wall_s"]) / f["wall_s"] for f, d in zip(flow, direct)]
            prefect_runs = results[PREFECT_FLOW.key]
            print("Prefect share = (flow wall − in-process wall) / flow wall: " + "; ".join(
                f"night {n + 1}: flow {f['wall_s']:.2f} s, in process {d['wall_s']:.2f} s: {s:.1%} "
                f"(by CPU seconds: {(f['cpu_s'] - d['cpu_s']) / f['cpu_s']:.1%})" if f["cpu_s"] else f"night {n + 1}: {s:.1%}"
                for n, (f, d, s) in enumerate(zip(flow, direct, shares))
            ) + f" | not in either: prefect import {statistics.median(r['prefect_import_s'] for r in prefect_runs):.2f} s, "
                f"temporary server start-up {statistics.median(r['prefect_startup_s'] for r in prefect_runs):.2f} s")  # fmt: skip
        print_targets(medians, modes, shares, args.councils)
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (on {os.cpu_count()} cores: above that, "
              "wall seconds include waiting for a core; CPU seconds do not)")  # fmt: skip

        if args.profile:
            print_profile(base, args, workdir)
        return 0
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        elif args.keep:
            print(f"kept the data and logs in {workdir}")


def print_profile(base: Path, args: argparse.Namespace, workdir: Path) -> None:
    """Night 1 once more, in process under cProfile (not in the medians): the top 15 by cumulative time."""
    import io
    import pstats

    profile_out = workdir / "nightly.prof"
    result = run_child(base, IN_PROCESS, args, workdir, 0, profile_out=profile_out)
    buffer = io.StringIO()
    pstats.Stats(str(profile_out), stream=buffer).sort_stats("cumulative").print_stats(15)
    print(f"profile of night 1 of one more in-process run (wall {result['nights'][0]['wall_s']:.2f} s under cProfile), top 15 by cumulative time:")
    lines = buffer.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    print("\n".join(lines[start:]).rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=TARGET_COUNCILS, help="synthetic councils (default 150)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per mode; medians are reported (default 5)")
    parser.add_argument("--as-of", default=DEFAULT_NIGHT, help=f"night 1; night 2 is the day after (default {DEFAULT_NIGHT}, a Monday)")
    parser.add_argument("--prefect", action="store_true", help="also run the nights through the Prefect flow flows.nightly.nightly")
    parser.add_argument("--modes", default=IN_PROCESS.key,
                        help=f"the modes to run, comma-separated, of {', '.join(MODES)} (default in-process)")  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="also profile night 1 of one more in-process run: cProfile top 15")
    parser.add_argument("--seed", type=int, default=2022, help="seed of the synthetic data (default 2022)")
    parser.add_argument("--method", choices=["core", "repository"], default="core",
                        help="write the data with Core executemany (default) or through the repository")  # fmt: skip
    parser.add_argument("--postgresql", metavar="URL",
                        help="run on PostgreSQL at URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test): each run's "
                             "govflow data in a schema of its own, the workers modes' Prefect server on a database of its own")  # fmt: skip
    parser.add_argument("--workdir", help="folder for the data and logs (default: a temporary one, removed)")
    parser.add_argument("--keep", action="store_true", help="keep the folder, with each run's database, feeds, reports and log")
    # The child process: one measured run (internal).
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=sorted(RUNNERS), default=IN_PROCESS.key, help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args)
    if args.runs < 1 or args.councils < 1:
        parser.error("--runs and --councils must be at least 1")
    if not set(args.modes.split(",")) <= set(MODES):
        parser.error(f"--modes: each of {', '.join(MODES)}")
    return parent_main(args)


if __name__ == "__main__":
    sys.exit(main())
