"""A Prefect server and N process workers on this machine, for tests and benchmarks: the same
pieces the README's "Prefect server and workers" section runs by hand.

    with LocalPrefect(tmp_path, workers=2, env={"GOVFLOW_DATABASE_URL": url}) as prefect:
        with prefect.client_settings():           # this process talks to that server
            apply_deployments(prefect.work_pool)
            nightly(NightlyParameters(as_of=day, children="workers"))

The server listens on 127.0.0.1 on a free port with a PREFECT_HOME of its own (its SQLite database,
or PostgreSQL given `server_database_url`); each process (server, workers) runs in a process group of
its own so stopping it stops its children (the workers' flow-run subprocesses) too.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from govflow.errors import Error

QUIET = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
STARTUP_TIMEOUT_SECONDS = 120


class LocalPrefectError(Error):
    """The server or a worker did not start; the message ends with its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


class LocalPrefect:
    """`prefect server start` and `workers` × `prefect worker start --pool <work_pool>` under `folder`."""

    def __init__(
        self, folder: Path, workers: int = 2, work_pool: str = "govflow", env: Mapping[str, str] | None = None,
        server_database_url: str | None = None, worker_poll_seconds: float = 1.0, worker_limit: int | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.work_pool = work_pool
        self.worker_count = workers
        self.worker_names = [f"{work_pool}-worker-{n}" for n in range(1, workers + 1)]
        self.api_url = f"http://127.0.0.1:{free_port()}/api"
        self.server_database_url = server_database_url
        self.worker_poll_seconds = worker_poll_seconds
        self.worker_limit = worker_limit  # flow runs one worker runs at once (None: as many as it is given)
        self._extra_env = dict(env or {})
        self._processes: list[tuple[str, subprocess.Popen, Path]] = []

    # -- what other processes need -------------------------------------------------------------
    def client_env(self) -> dict[str, str]:
        """The environment of a process that talks to this server (the workers, a `govflow` command)."""
        base = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        return {
            **base, **QUIET, **self._extra_env,
            "PREFECT_API_URL": self.api_url, "PREFECT_HOME": str(self.folder / "client"),
            "PREFECT_WORKER_QUERY_SECONDS": str(self.worker_poll_seconds),
        }

    @contextmanager
    def client_settings(self) -> Iterator[None]:
        """This process talks to the server while the context runs (prefect reads its settings once)."""
        from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: self.api_url, PREFECT_HOME: str(self.folder / "client")}):
            yield

    # -- starting and stopping ---------------------------------------------------------------------
    def __enter__(self) -> LocalPrefect:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        self.start_server()
        self.create_work_pool()
        for name in self.worker_names:
            self.start_worker(name)
        self.wait_for_workers()

    def start_server(self) -> None:
        port = self.api_url.rsplit(":", 1)[1].split("/")[0]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(QUIET, PREFECT_HOME=str(self.folder / "server"), PREFECT_SERVER_UI_ENABLED="false")
        if self.server_database_url:
            env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = self.server_database_url
        self._spawn("server", [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", port], env)
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not healthy(self.api_url):
            self._check_alive(deadline)
            time.sleep(0.2)

    def create_work_pool(self) -> None:
        """The process work pool, with the process worker's default job template (as `prefect work-pool create --type process`)."""
        from prefect import get_client
        from prefect.client.schemas.actions import WorkPoolCreate
        from prefect.exceptions import ObjectAlreadyExists
        from prefect.workers.process import ProcessWorker

        with self.client_settings(), get_client(sync_client=True) as client:
            try:
                client.create_work_pool(
                    WorkPoolCreate(name=self.work_pool, type="process", base_job_template=ProcessWorker.get_default_base_job_template())
                )
            except ObjectAlreadyExists:
                pass

    def start_worker(self, name: str) -> None:
        command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", self.work_pool, "--type", "process", "--name", name]
        if self.worker_limit:
            command += ["--limit", str(self.worker_limit)]
        self._spawn(name, command, self.client_env())

    def wait_for_workers(self) -> None:
        """Until every worker has said it is online (its first heartbeat)."""
        from prefect import get_client
        from prefect.client.schemas.objects import WorkerStatus

        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        with self.client_settings(), get_client(sync_client=True) as client:
            while True:
                online = {w.name for w in client.read_workers_for_work_pool(self.work_pool) if w.status == WorkerStatus.ONLINE}
                if set(self.worker_names) <= online:
                    return
                self._check_alive(deadline)
                time.sleep(0.5)

    def stop(self) -> None:
        for _name, process, _log in reversed(self._processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)  # the group this object started, by its own id
        for _name, process, _log in reversed(self._processes):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self._processes.clear()

    def worker_pids(self) -> list[int]:
        """The process ids of the workers (each leads a process group of its own)."""
        return [process.pid for name, process, _log in self._processes if name in self.worker_names]

    def logs(self) -> str:
        return "\n".join(f"--- {name} ---\n{log.read_text(errors='replace')[-4000:]}" for name, _process, log in self._processes)

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> None:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=self.folder)
        self._processes.append((name, process, log))

    def _check_alive(self, deadline: float) -> None:
        for name, process, _log in self._processes:
            if process.poll() is not None:
                raise LocalPrefectError(f"{name} exited with {process.returncode}:\n{self.logs()}")
        if time.monotonic() > deadline:
            raise LocalPrefectError(f"not ready after {STARTUP_TIMEOUT_SECONDS} s:\n{self.logs()}")
