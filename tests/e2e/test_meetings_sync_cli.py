"""`govflow meetings sync` as a person runs it (issue 16): per body, what changed in words, or
"nothing changed"; a dry run that stores nothing; exit 1 when a source could not be read."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govflow import wiring
from govflow.cli import app
from tests.committee_sources.conftest import council_server  # noqa: F401 - a local site on 127.0.0.1
from tests.integration.test_meeting_sync import FIRST, SECOND, SOURCE, StandIn

ROOT = Path(__file__).resolve().parents[2]
ENV = {"COLUMNS": "200", "NO_COLOR": "1"}


@pytest.fixture
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with the Southend example loaded, its SSPB linked to ModernGov committee 142."""
    return _linked(tmp_path, monkeypatch, SOURCE)


def _linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> Path:
    folder = tmp_path / "southend"
    shutil.copytree(ROOT / "examples" / "southend", folder)
    setup = folder / "setup.yaml"
    marker = "    name: Southend SEND Strategic Partnership Board\n"
    setup.write_text(setup.read_text(encoding="utf-8").replace(marker, marker + source, 1), encoding="utf-8")
    monkeypatch.setenv("GOVFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GOVFLOW_DATABASE_URL", raising=False)
    for command in (["init"], ["load", str(setup)]):
        result = CliRunner().invoke(app, command, env=ENV)
        assert result.exit_code == 0, result.output
    return tmp_path / "data"


def sync(monkeypatch: pytest.MonkeyPatch, read: StandIn, *options: str):
    monkeypatch.setattr(wiring, "meeting_source_reader", lambda settings: read)
    return CliRunner().invoke(app, ["meetings", "sync", *options, "--as-of", "2021-10-06"], env=ENV)


def test_sync_prints_each_change_in_words(linked: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = sync(monkeypatch, StandIn(FIRST))
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[0] == "SSPB (ModernGov committee 142), as of 6 October 2021:"
    assert "  matched  SSPB-2022-03-01  ModernGov: meeting 17003 is SSPB-2022-03-01 (1 March 2022), typed by hand" in first.stdout

    dry = sync(monkeypatch, StandIn(SECOND), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines()[0] == "SSPB (ModernGov committee 142), as of 6 October 2021 — dry run, nothing stored:"

    second = sync(monkeypatch, StandIn(SECOND), "SSPB")
    assert second.exit_code == 0, second.output
    lines = second.stdout.splitlines()
    assert lines[0] == "SSPB (ModernGov committee 142), as of 6 October 2021:"  # the dry run stored nothing: all still to do
    assert lines[1:5] == [
        "  new          SSPB-2022-09-08  ModernGov: meeting 17006 added as SSPB-2022-09-08, 8 September 2022 at 14:00",
        "  disappeared  SSPB-2022-07-07  ModernGov: meeting 17005 on 7 July 2022 at 14:00 is no longer listed; kept, and flagged as missing from the source",
        "  moved        SSPB-2022-03-01  ModernGov: meeting 17003 moved from 1 March 2022 to 8 March 2022",
        "  cancelled    SSPB-2022-05-05  ModernGov: meeting 17004 on 5 May 2022 at 14:00 cancelled",
    ]
    assert "dates moved:" in second.stdout or "date moved:" in second.stdout
    assert "SSSPB final version" in second.stdout and "1 March 2022 → 8 March 2022" in second.stdout

    again = sync(monkeypatch, StandIn(SECOND))
    assert (again.exit_code, again.stdout) == (0, "SSPB (ModernGov committee 142), as of 6 October 2021: nothing changed\n")


def test_a_body_without_a_source_is_refused(linked: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = sync(monkeypatch, StandIn(), "JCB")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: body 'JCB' has no source")


def test_the_installed_command_says_a_source_could_not_be_read_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, council_server) -> None:  # noqa: F811
    """In a real process, with the reader this build wires in, against a local site that knows no
    such committee (404): the source is not read, nothing changes."""
    linked = _linked(tmp_path, monkeypatch, SOURCE.replace("https://democracy.example.gov.uk", council_server.url))
    env = {**os.environ, **ENV, "GOVFLOW_DATA_DIR": str(linked)}
    result = subprocess.run(
        [sys.executable, "-m", "govflow", "meetings", "sync", "--as-of", "2021-10-06"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == "SSPB (ModernGov committee 142), as of 6 October 2021: could not be read; its meetings are as they were\n"
    assert result.stderr.startswith("  SSPB: http://127.0.0.1:") and "the server answered HTTP 404" in result.stderr and "Traceback" not in result.stderr


def test_committees_lists_a_moderngov_sites_committees_with_the_ids_that_link_a_body(council_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from tests.committee_sources.conftest import answer, recording

    monkeypatch.setenv("GOVFLOW_DATA_DIR", str(tmp_path / "data"))
    council_server.serve("/mgWebService.asmx/GetCommittees", answer(recording("moderngov/GetCommittees.xml")))
    result = CliRunner().invoke(app, ["meetings", "committees", council_server.url], env=ENV)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines and all(line.split()[0].isdigit() for line in lines)  # "   144  Audit Committee"
    assert any(line.split(None, 1)[1].startswith("Audit Committee") for line in lines)
    missing = CliRunner().invoke(app, ["meetings", "committees", council_server.url + "/nowhere"], env=ENV)
    assert missing.exit_code == 2 and "HTTP 404" in missing.output and "Traceback" not in missing.output
