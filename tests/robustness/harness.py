"""Runs mutants through the `govflow` command, in-process, against a database that holds the Southend
example, and judges each: exit 0 with the data stored, or exit 2 with `error:` naming the file and a
row or field and the database byte-for-byte unchanged. Anything else is a failure; all failures of a
run are collected and shown grouped by cause, each group with its first mutant and how to rebuild it."""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import make_url, text
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
from govflow import wiring
from govflow.cli import app
from tests.robustness.mutant_families import make_mutant
from tests.robustness.mutators import SOUTHEND, Mutant

DEFAULT_SEED = 20211006  # the SSPB meeting of seed 000: any fixed number makes CI reproducible
DEFAULT_COUNT = 320  # mutants per database per run, shared among the families below
SHARES = {  # each family's share of GOVFLOW_FUZZ_COUNT (a Southend setup loads three times slower)
    "southend-setup": 0.18,
    "plymouth-setup": 0.22,
    "plan-csv": 0.18,
    "plan-xlsx": 0.08,
    "progress-updates": 0.18,
    "bytes": 0.16,
}
TIMEOUT_SECONDS = float(os.environ.get("GOVFLOW_FUZZ_TIMEOUT") or 30)
CLI_ENV = {"COLUMNS": "200", "NO_COLOR": "1"}
PROJECT_PACKAGES = ("governance_model", "govflow", "notifications", "calendars", "reports", "flows")


def fuzz_seed() -> int:
    return int(os.environ.get("GOVFLOW_FUZZ_SEED") or DEFAULT_SEED)


def mutant_numbers(family: str) -> list[int]:
    """The mutant numbers to run: GOVFLOW_FUZZ_MUTANT alone if set, else this family's share of
    GOVFLOW_FUZZ_COUNT (default 320 a database)."""
    only = os.environ.get("GOVFLOW_FUZZ_MUTANT")
    if only:
        return [int(n) for n in only.split(",")]
    count = int(os.environ.get("GOVFLOW_FUZZ_COUNT") or DEFAULT_COUNT)
    return list(range(math.ceil(count * SHARES[family])))


# --- The database under test --------------------------------------------------------------------------
class FuzzDatabase:
    """The test's database holding the Southend example, with a template to restore it from and a
    byte-for-byte snapshot to compare it with."""

    def __init__(self, url: str, workdir: Path):
        self.url = url
        self.parsed = make_url(url)
        self.sqlite = self.parsed.get_backend_name() == "sqlite"
        self.workdir = workdir
        self.engine = make_engine(url, poolclass=NullPool)

    # Set up: the Southend example loaded the way a person loads it, then kept as the template.
    def prepare(self) -> None:
        result = invoke(["load", str(SOUTHEND / "setup.yaml")])
        assert result.exit_code == 0, f"the Southend example does not load: {result.output}"
        self.release()
        if self.sqlite:
            self.template_file = self.workdir / "template.sqlite3"
            shutil.copyfile(self.parsed.database, self.template_file)
        else:
            with self.engine.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{self.template_schema}"'))
                for table in self.tables(connection):
                    connection.execute(text(f'CREATE TABLE "{self.template_schema}"."{table}" AS SELECT * FROM "{table}"'))
        self.template = self.snapshot()

    def close(self) -> None:
        self.release()
        if not self.sqlite:
            with self.engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{self.template_schema}" CASCADE'))
        self.engine.dispose()

    @property
    def template_schema(self) -> str:
        options = self.parsed.query["options"]
        return options.split("search_path=", 1)[1] + "_template"

    @staticmethod
    def tables(connection) -> list[str]:
        return list(connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")).scalars())

    def release(self) -> None:
        """Close the command's pooled connections (SQLite: so no journal is open and the file can be
        compared and replaced)."""
        wiring._engine(self.url).dispose()

    def snapshot(self) -> object:
        """SQLite: the file's bytes (with any journal left behind); PostgreSQL: every row of every
        table of the test's schema, as text, sorted."""
        if self.sqlite:
            path = Path(self.parsed.database)
            journals = [p.name for p in path.parent.glob(path.name + "-*")]
            return path.read_bytes(), journals
        with self.engine.connect() as connection:
            return {
                table: sorted(connection.execute(text(f'SELECT r::text FROM "{table}" AS r')).scalars())
                for table in self.tables(connection)
            }

    def restore(self) -> None:
        self.release()
        if self.sqlite:
            shutil.copyfile(self.template_file, self.parsed.database)
            return
        with self.engine.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '10s'"))
            connection.execute(text("SET LOCAL session_replication_role = replica"))  # no foreign-key order
            tables = self.tables(connection)
            connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)))
            for table in tables:
                connection.execute(text(f'INSERT INTO "{table}" OVERRIDING SYSTEM VALUE SELECT * FROM "{self.template_schema}"."{table}"'))

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(make_session_factory(self.engine))


# --- Running one mutant -------------------------------------------------------------------------------
class MutantTimeout(BaseException):
    """Raised in the command by the alarm: a BaseException, so no `except Exception` swallows it."""


def invoke(args: list[str]):
    """Run `govflow ARGS` in this process, as the console script does (GovflowCommand.main)."""
    def alarm(signum, frame):
        raise MutantTimeout(f"no answer within {TIMEOUT_SECONDS:g} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, TIMEOUT_SECONDS)
    try:
        return CliRunner().invoke(app, args, env=CLI_ENV)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Failure:
    mutant: Mutant
    kind: str  # what went wrong, as a person would notice it
    group: str  # what failures of the same cause share
    detail: str  # the exception and its last frames, or the output


@dataclass
class Report:
    seed: int
    test: str  # the pytest node, for the reproduce line
    ran: int = 0
    stored: int = 0
    refused: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    def groups(self) -> dict[str, list[Failure]]:
        grouped: dict[str, list[Failure]] = {}
        for failure in self.failures:
            grouped.setdefault(failure.group, []).append(failure)
        return dict(sorted(grouped.items(), key=lambda item: -len(item[1])))

    def summary(self) -> str:
        lines = [
            f"{self.test}: {self.ran} mutants (seed {self.seed}) in {self.seconds:.0f} s: {self.stored} stored, "
            f"{self.refused} refused cleanly, {len(self.failures)} failed, in {len(self.groups())} groups"
        ]
        for group, failures in self.groups().items():
            first = failures[0]
            m = first.mutant
            lines += [
                "",
                f"[{len(failures)}x] {group}",
                f"  first: {m.family} mutant {m.number}: {m.description}",
                f"  reproduce: GOVFLOW_FUZZ_SEED={self.seed} GOVFLOW_FUZZ_MUTANT={m.number} "
                f"python -m pytest -p no:xdist '{self.test}'",
                "  " + first.detail.strip().replace("\n", "\n  "),
                f"  mutated {m.main} (first 600 characters):",
                "    " + m.shown(600).replace("\n", "\n    "),
            ]
        return "\n".join(lines)

    def write_json(self) -> None:
        """With GOVFLOW_FUZZ_REPORT=FILE, append each group as one JSON line."""
        target = os.environ.get("GOVFLOW_FUZZ_REPORT")
        if not target:
            return
        with open(target, "a", encoding="utf-8") as out:
            for group, failures in self.groups().items():
                first = failures[0]
                out.write(json.dumps({
                    "test": self.test, "seed": self.seed, "group": group, "count": len(failures),
                    "kind": first.kind, "family": first.mutant.family, "number": first.mutant.number,
                    "description": first.mutant.description, "detail": first.detail,
                    "mutants": [f"{f.mutant.family}:{f.mutant.number}" for f in failures],
                }) + "\n")


def run_mutants(database: FuzzDatabase, families: Iterable[str], test: str) -> Report:
    report = Report(seed=fuzz_seed(), test=test)
    started = time.monotonic()
    for family in families:
        for number in mutant_numbers(family):
            mutant = make_mutant(report.seed, family, number)
            outcome = run_one(database, mutant)
            report.ran += 1
            if isinstance(outcome, Failure):
                report.failures.append(outcome)
            elif outcome == "stored":
                report.stored += 1
            else:
                report.refused += 1
    report.seconds = time.monotonic() - started
    report.write_json()
    return report


def run_one(database: FuzzDatabase, mutant: Mutant) -> Failure | str:
    folder = database.workdir / f"{mutant.family}-{mutant.number}"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in mutant.files.items():
        (folder / name).write_bytes(content)
    before = database.template
    try:
        result = invoke(mutant.args(folder))
    except MutantTimeout as timeout:
        database.restore()
        return Failure(mutant, "hang", f"no answer within {TIMEOUT_SECONDS:g} s", str(timeout))
    database.release()
    after = database.snapshot()
    try:
        return judge(database, mutant, result, before, after, folder)
    finally:
        if after != database.template:
            database.restore()
        shutil.rmtree(folder, ignore_errors=True)


def judge(database: FuzzDatabase, mutant: Mutant, result, before, after, folder: Path) -> Failure | str:
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return crash(mutant, "traceback", result.exc_info)
    if "Traceback (most recent call last)" in output:
        return Failure(mutant, "traceback in output", "a traceback printed", output[-2000:])
    if result.exit_code == 2:
        return judge_refusal(mutant, output, before, after, folder)
    if result.exit_code == 0:
        return judge_success(database, mutant, output, before, after)
    return Failure(mutant, f"exit {result.exit_code}", f"exit {result.exit_code}: {normalise(output)}", output[-2000:])


def judge_refusal(mutant: Mutant, output: str, before, after, folder: Path) -> Failure | str:
    message = next((line for line in output.splitlines() if line.startswith("error:")), None)
    if message is None:
        return Failure(mutant, "exit 2 without error:", f"exit 2 without 'error:': {normalise(output)}", output[-2000:])
    if after != before:
        return Failure(mutant, "refused but the database changed", f"refused, yet the database changed: {normalise(message)}", message)
    message = message.replace(str(folder) + os.sep, "")
    if not any(name in message for name in mutant.files):
        return Failure(mutant, "error does not name the file", f"error does not name the file: {normalise(message)}", message)
    names_place = re.search(r"\b(row|line|column) \S", message) or any(
        re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", message, re.IGNORECASE) for name in mutant.fields if len(name) > 1
    )
    if not names_place and not mutant.whole_file:
        return Failure(mutant, "error names no row or field", f"error names no row or field: {normalise(message)}", message)
    return "refused"


def judge_success(database: FuzzDatabase, mutant: Mutant, output: str, before, after) -> Failure | str:
    if mutant.command == "update":
        recorded = re.search(r"recorded (\d+) progress update", output)
        if recorded is None:
            return Failure(mutant, "exit 0 without a summary", "exit 0 without 'recorded N progress updates'", output[-2000:])
        if int(recorded.group(1)) > 0 and after == before:
            return Failure(mutant, "exit 0, nothing stored", "said it recorded updates, database unchanged", output[-2000:])
        return "stored"
    if not re.search(r"^(loaded:|plan |term dates:)", output, re.MULTILINE):
        return Failure(mutant, "exit 0 without a summary", "exit 0 without the load summary", output[-2000:])
    plans = re.findall(r"\(([a-z0-9][a-z0-9-]*)\) from .*\n\s+(\d+) recommendations", output)
    try:
        with database.unit_of_work() as uow:
            missing = [f"document {k!r}" for k in mutant.documents if not (uow.documents.get(k) or uow.documents.get(k.strip()))]
            missing += [f"person {k!r}" for k in mutant.people if not (uow.people.get(k) or uow.people.get(k.strip()))]
            missing += [f"body {k!r}" for k in mutant.bodies if not (uow.bodies.get(k) or uow.bodies.get(k.strip()))]
            for key, count in plans:
                plan = uow.plans.get(key)
                if plan is None or len(plan.recommendations) != int(count):
                    missing.append(f"plan {key!r} with {count} recommendations")
    except Exception as exc:  # what was stored cannot be read back: the next command would crash
        return crash(mutant, "stored data does not read back", (type(exc), exc, exc.__traceback__))
    if missing:
        return Failure(mutant, "exit 0, not stored", "exit 0 but not stored: " + missing[0].split(" ")[0], ", ".join(missing)[:500])
    return "stored"


def crash(mutant: Mutant, kind: str, exc_info) -> Failure:
    kind_of, error, tb = exc_info
    frames = traceback.extract_tb(tb)
    project = [f for f in frames if project_path(f.filename)]
    last = frames[-1] if frames else None
    where = f"{project_path(project[-1].filename)}:{project[-1].lineno} in {project[-1].name}" if project else "?"
    last_frame = f"{short_path(last.filename)}:{last.lineno} in {last.name}" if last else "?"
    message = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
    detail = f"{kind_of.__name__}: {message}\n  at {where}\n  last frame: {last_frame}"
    return Failure(mutant, kind, f"{kind}: {kind_of.__name__} at {where}", detail)


def project_path(filename: str) -> str | None:
    parts = Path(filename).parts
    if "site-packages" in parts or "tests" in parts:
        return None
    for index, part in enumerate(parts):
        if part in PROJECT_PACKAGES:
            return "/".join(parts[index:])
    return None


def short_path(filename: str) -> str:
    parts = Path(filename).parts
    if "site-packages" in parts:
        return "/".join(parts[parts.index("site-packages") + 1:])
    return project_path(filename) or Path(filename).name


def normalise(message: str) -> str:
    """A message with its particulars (paths, numbers, quoted text) blanked, to group by."""
    message = message.strip().splitlines()[0] if message.strip() else "(no output)"
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)
    message = re.sub(r"\S+\.(yaml|csv|xlsx|txt)\b", "FILE", message)
    message = re.sub(r"\d+", "N", message)
    return message[:140]


# --- The same mutant in a real process ----------------------------------------------------------------
MEMORY_LIMIT = 1 << 30  # bytes of address space for a command run in its own process


def limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def answer(exit_code: int, output: str) -> tuple[int, str]:
    """What a person sees of a run: the exit code and its first `error:` or summary line."""
    keep = [line for line in output.splitlines() if line.startswith(("error:", "loaded:", "plan ", "recorded "))]
    return exit_code, " ".join((keep[0] if keep else output.strip()[:300]).split())


def run_in_process(database: FuzzDatabase, mutant: Mutant, folder: Path) -> tuple[int, str, bool]:
    """(exit code, first error or summary line, whether the database changed); restored after."""
    result = invoke(mutant.args(folder))
    database.release()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        shown = (1, f"traceback: {type(result.exception).__name__}: {result.exception}")
    else:
        shown = answer(result.exit_code, result.output)
    return (*shown, restore_if_changed(database))


def restore_if_changed(database: FuzzDatabase) -> bool:
    changed = database.snapshot() != database.template
    if changed:
        database.restore()
    return changed


def run_in_subprocess(database: FuzzDatabase, mutant: Mutant, folder: Path, timeout: float = 120) -> tuple[int, str, bool]:
    """`python -m govflow …` in a process of its own, with at most MEMORY_LIMIT of memory and `timeout`
    seconds; the database is restored after it if it changed."""
    import subprocess
    import sys

    env = {**os.environ, **CLI_ENV, "GOVFLOW_DATABASE_URL": database.url}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "govflow", *mutant.args(folder)],
            capture_output=True, text=True, env=env, timeout=timeout, preexec_fn=limit_memory, check=False,
        )
    except subprocess.TimeoutExpired:
        return -1, f"no answer within {timeout:g} s", restore_if_changed(database)
    if "Traceback" in done.stderr:
        last = done.stderr.strip().splitlines()[-1]
        shown = (done.returncode, f"traceback: {last}")
    else:
        shown = answer(done.returncode, done.stdout + done.stderr)
    return (*shown, restore_if_changed(database))


def write_files(mutant: Mutant, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in mutant.files.items():
        (folder / name).write_bytes(content)
