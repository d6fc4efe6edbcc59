"""Publishing feeds through the real unit of work (SQLite and PostgreSQL) and the `govflow feeds`
commands; what the feeds store is in the repository contract (tests/contract/test_feeds.py)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from govflow.services import file_loading as services
from govflow.services.feed_publishing import publish
from tests.calendars.conftest import AS_OF, PUBLIC_URL, SOUTHEND, STAMP

LATER = STAMP + dt.timedelta(hours=5)


def test_publishing_through_the_database_is_stable(uow_factory, tmp_path: Path) -> None:
    services.load_files([SOUTHEND], uow_factory())
    first = publish(uow_factory, tmp_path, AS_OF, STAMP, PUBLIC_URL)
    second = publish(uow_factory, tmp_path, AS_OF, LATER, PUBLIC_URL)
    assert not any(p.written for p in second)
    assert [p.sha256 for p in first] == [p.sha256 for p in second]
    with uow_factory() as uow:
        states = uow.feeds.event_states()
    assert "meeting-SSPB-2022-01-06@govflow" in states
    assert {s.last_modified for s in states.values()} == {STAMP}


def test_the_feeds_commands(uow_factory, database_url: str, tmp_path: Path, monkeypatch) -> None:
    from govflow.cli import app

    monkeypatch.setenv("GOVFLOW_DATABASE_URL", database_url)
    services.load_files([SOUTHEND], uow_factory())
    runner = CliRunner()
    out = tmp_path / "feeds"
    built = runner.invoke(app, ["feeds", "build", "--out", str(out), "--as-of", AS_OF.isoformat()])
    assert built.exit_code == 0, built.output
    assert "body/SSPB.ics" in built.output and "public" in built.output and "private" in built.output
    with uow_factory() as uow:
        old = uow.feeds.get_token("GB").token
    rotated = runner.invoke(app, ["feeds", "token", "rotate", "GB"])
    assert rotated.exit_code == 0, rotated.output
    runner.invoke(app, ["feeds", "build", "--out", str(out), "--as-of", AS_OF.isoformat()])
    with uow_factory() as uow:
        new = uow.feeds.get_token("GB").token
    assert new != old and not (out / "person" / f"{old}.ics").exists() and (out / "person" / f"{new}.ics").exists()
    paths = {e["path"] for e in json.loads((out / "index.json").read_text())["feeds"]}
    assert f"person/{new}.ics" in paths and f"person/{old}.ics" not in paths
    unknown = runner.invoke(app, ["feeds", "token", "rotate", "NOBODY"])
    assert unknown.exit_code == 2
