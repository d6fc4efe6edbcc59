"""Feed event states and feed tokens in the database (SQLite and PostgreSQL), the same in the fake;
publishing through the real unit of work; the `govflow feeds` commands."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govflow.services.feed_publishing import publish
from governance_model.errors import ModelError
from governance_model.storage import FeedEventState
from govflow.services import file_loading as services
from tests.calendars.conftest import AS_OF, PUBLIC_URL, SOUTHEND, STAMP
from tests.fakes import FakeUnitOfWork

LATER = STAMP + dt.timedelta(hours=5)
BST = dt.timezone(dt.timedelta(hours=1))


def fake_factory():
    uow = FakeUnitOfWork()
    return lambda: uow


def test_feed_event_states_in_the_database(uow_factory) -> None:
    check_feed_event_states(uow_factory)


def test_feed_event_states_in_the_fake() -> None:
    check_feed_event_states(fake_factory())


def test_feed_tokens_in_the_database(uow_factory) -> None:
    check_feed_tokens(uow_factory)


def test_feed_tokens_in_the_fake() -> None:
    check_feed_tokens(fake_factory())


def check_feed_event_states(any_uow) -> None:
    states = [FeedEventState(f"e{i}@govflow", f"{i:064x}", i, STAMP.astimezone(BST)) for i in range(3)]
    with any_uow() as uow:
        uow.repo.save_feed_event_states(states)
        uow.commit()
    with any_uow() as uow:
        got = uow.repo.feed_event_states(["e0@govflow", "e2@govflow", "missing@govflow"])
    assert set(got) == {"e0@govflow", "e2@govflow"}
    assert got["e2@govflow"].sequence == 2 and got["e2@govflow"].content_hash == f"{2:064x}"
    assert got["e2@govflow"].last_modified == STAMP and got["e2@govflow"].last_modified.utcoffset() == dt.timedelta(0)
    with any_uow() as uow:
        uow.repo.save_feed_event_states([FeedEventState("e0@govflow", "f" * 64, 1, LATER)])
        uow.commit()
    with any_uow() as uow:
        assert uow.repo.feed_event_states(["e0@govflow"])["e0@govflow"] == FeedEventState("e0@govflow", "f" * 64, 1, LATER)
        assert len(uow.repo.feed_event_states()) == 3
        with pytest.raises(ModelError):
            uow.repo.save_feed_event_states([FeedEventState("x", "0", 0, dt.datetime(2021, 1, 1))])


def check_feed_tokens(any_uow) -> None:
    with any_uow() as uow:
        assert uow.repo.get_feed_token("GB") is None
        uow.repo.set_feed_token("GB", "first", STAMP)
        uow.commit()
    with any_uow() as uow:
        token = uow.repo.set_feed_token("GB", "second", LATER)
        uow.commit()
    assert (token.token, token.created_at, token.rotated_at) == ("second", STAMP, LATER)
    with any_uow() as uow:
        assert uow.repo.get_feed_token("GB") == token
        assert list(uow.repo.list_feed_tokens()) == ["GB"]


def test_publishing_through_the_database_is_stable(uow_factory, tmp_path: Path) -> None:
    services.load_files([SOUTHEND], uow_factory())
    first = publish(uow_factory, tmp_path, AS_OF, STAMP, PUBLIC_URL)
    second = publish(uow_factory, tmp_path, AS_OF, LATER, PUBLIC_URL)
    assert not any(p.written for p in second)
    assert [p.sha256 for p in first] == [p.sha256 for p in second]
    with uow_factory() as uow:
        states = uow.repo.feed_event_states()
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
        old = uow.repo.get_feed_token("GB").token
    rotated = runner.invoke(app, ["feeds", "token", "rotate", "GB"])
    assert rotated.exit_code == 0, rotated.output
    runner.invoke(app, ["feeds", "build", "--out", str(out), "--as-of", AS_OF.isoformat()])
    with uow_factory() as uow:
        new = uow.repo.get_feed_token("GB").token
    assert new != old and not (out / "person" / f"{old}.ics").exists() and (out / "person" / f"{new}.ics").exists()
    paths = {e["path"] for e in json.loads((out / "index.json").read_text())["feeds"]}
    assert f"person/{new}.ics" in paths and f"person/{old}.ics" not in paths
    unknown = runner.invoke(app, ["feeds", "token", "rotate", "NOBODY"])
    assert unknown.exit_code == 2
