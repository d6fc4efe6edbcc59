"""Settings are read once, from GOVFLOW_* variables, with each default written once; a setting that
cannot be used names its variable. The clock says what day it is in Europe/London, for the CLI and
the nightly flow alike, and tests can stop it."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govflow import wiring
from govflow.clock import Clock, FixedClock, london_day
from govflow.errors import SettingsError
from govflow.settings import Settings

FIELDS = {
    "GOVFLOW_DATA_DIR": "data_dir",
    "GOVFLOW_DATABASE_URL": "database_url",
    "GOVFLOW_SMTP_URL": "smtp_url",
    "GOVFLOW_APPRISE_CONFIG": "apprise_config",
    "GOVFLOW_MAILBOX_DIR": "mailbox_dir",
    "GOVFLOW_FEEDS_DIR": "feeds_dir",
    "GOVFLOW_REPORTS_DIR": "reports_dir",
    "GOVFLOW_PUBLIC_URL": "public_url",
}


def _value(settings: Settings, field: str) -> str:
    value = getattr(settings, field)
    return value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)


def test_the_defaults_work_with_nothing_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GOVFLOW_DATA_DIR")
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.data_dir == Path(".govflow")
    assert settings.database_url.get_secret_value() == f"sqlite:///{tmp_path.resolve() / '.govflow' / 'govflow.db'}"
    assert (settings.mailbox_dir, settings.feeds_dir, settings.reports_dir) == (
        Path(".govflow/mailbox"), Path(".govflow/feeds"), Path(".govflow/reports"),
    )
    assert (settings.smtp_url, settings.apprise_config, settings.public_url) == (None, None, "http://127.0.0.1:8000")


def test_the_folders_default_to_the_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GOVFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GOVFLOW_DATABASE_URL", "")  # empty counts as unset
    settings = Settings()
    assert settings.database_url.get_secret_value() == f"sqlite:///{tmp_path / 'data' / 'govflow.db'}"
    assert settings.mailbox_dir == tmp_path / "data" / "mailbox"
    assert settings.feeds_dir == tmp_path / "data" / "feeds"
    assert settings.reports_dir == tmp_path / "data" / "reports"


@pytest.mark.parametrize(("variable", "field"), FIELDS.items())
def test_each_variable_sets_its_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, field: str) -> None:
    value = "https://calendars.council.example.org" if field == "public_url" else str(tmp_path / "given")
    monkeypatch.setenv(variable, value)
    assert _value(Settings(), field) == value


def test_the_file_limits_default_to_5_mb_and_20000_rows_and_can_be_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from govflow.services.file_loading import FileLimits

    assert FileLimits.of(Settings()) == FileLimits() == FileLimits(max_bytes=5_000_000, max_rows=20_000)
    monkeypatch.setenv("GOVFLOW_MAX_FILE_BYTES", "1000")
    monkeypatch.setenv("GOVFLOW_MAX_ROWS", "50")
    assert FileLimits.of(Settings()) == FileLimits(max_bytes=1000, max_rows=50)


def test_the_public_url_loses_its_final_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVFLOW_PUBLIC_URL", "https://calendars.council.example.org/")
    assert Settings().public_url == "https://calendars.council.example.org"


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("GOVFLOW_PUBLIC_URL", "calendars.council.example.org", "is not an http:// or https:// address"),
        ("GOVFLOW_PUBLIC_URL", "ftp://user:hunter22@files.example.org", "ftp://user:***@files.example.org is not an http"),
        ("GOVFLOW_DATA_DIR", "FILE", "is not a folder"),
        ("GOVFLOW_MAX_ROWS", "0", "must be a whole number, 1 or more"),
        ("GOVFLOW_MAX_FILE_BYTES", "5MB", "valid integer"),
    ],
)
def test_a_setting_that_cannot_be_used_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str, complaint: str
) -> None:
    if value == "FILE":
        value = str(tmp_path / "a-file")
        Path(value).write_text("not a folder")
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        Settings()
    assert str(raised.value).startswith(f"{variable}: ") and complaint in str(raised.value)
    assert raised.value.variable == variable and "hunter22" not in str(raised.value)


def test_the_clock_says_the_day_in_london() -> None:
    assert london_day(dt.datetime(2022, 6, 30, 23, 30, tzinfo=dt.timezone.utc)) == dt.date(2022, 7, 1)  # 00:30 BST
    assert london_day(dt.datetime(2022, 1, 31, 23, 30, tzinfo=dt.timezone.utc)) == dt.date(2022, 1, 31)  # GMT
    summer_midnight = FixedClock(dt.datetime(2022, 6, 30, 23, 30, tzinfo=dt.timezone.utc))
    assert (summer_midnight.now().isoformat(), summer_midnight.today()) == ("2022-06-30T23:30:00+00:00", dt.date(2022, 7, 1))
    now = Clock().now()
    assert now.utcoffset() == dt.timedelta(0)
    with pytest.raises(ValueError):
        FixedClock(dt.datetime(2022, 6, 30, 23, 30))


def test_the_command_line_takes_today_from_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Just after midnight in a London summer it is still yesterday in UTC: the CLI says tomorrow's date,
    as the nightly flow does (before, the CLI used the machine's own date)."""
    from govflow.cli import app

    monkeypatch.setattr(wiring, "clock", lambda: FixedClock(dt.datetime(2022, 6, 30, 23, 30, tzinfo=dt.timezone.utc)))
    runner = CliRunner()
    # "30 June" read against today: 1 July 2022 in London, so the next 30 June is in 2023.
    result = runner.invoke(app, ["when", "30 June", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["start"] == "2023-06-30"
    assert runner.invoke(app, ["init"]).exit_code == 0
    status = runner.invoke(app, ["status", "--json"])
    assert status.exit_code == 0, status.output
    assert json.loads(status.output)["as_of"] == "2022-07-01"
