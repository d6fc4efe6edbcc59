"""Settings: every GOVFLOW_* environment variable, read and checked in one place, with defaults that
work with nothing installed. A setting that cannot be used raises SettingsError naming its variable;
passwords in URLs are SecretStr and never shown (repr and messages go through the one redactor,
notifications.redaction)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from governance_model.organisation import DEFAULT_ORGANISATION, check_organisation
from govflow.errors import SettingsError
from notifications.redaction import scrub_urls, shown_url

ENV_PREFIX = "GOVFLOW_"
PUBLIC_URL = "http://127.0.0.1:8000"
MIN_ANSWER_KEY_LENGTH = 32
MAX_SMTP_CONNECTIONS = 15  # SQLAlchemy's default pool: 5 connections and 10 more when busy


class Settings(BaseSettings):
    """Read from the environment (GOVFLOW_<FIELD>); an empty variable counts as unset. Keyword
    arguments override the environment (tests)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, frozen=True, extra="ignore")

    # Where the default SQLite database lives, and the default folder of the mailbox, feeds and reports.
    data_dir: Path = Path(".govflow")
    # Any SQLAlchemy URL; default sqlite:///<data_dir>/govflow.db (see _defaults_under_the_data_dir).
    database_url: SecretStr
    # An apprise mailto:// or mailtos:// URL naming the SMTP relay and the sender, not the recipients
    # (e.g. mailtos://user:pass@relay.example.org:587?from=govflow@council.example.org, or for a
    # local relay without login mailto://127.0.0.1:2525?from=govflow@council.example.org).
    # None: reminders are written to `mailbox_dir` as .eml files instead.
    smtp_url: SecretStr | None = None
    # How many digests are sent at once, each sender on its own SMTP connection (kept open for its
    # next digests) and its own database connection.
    smtp_connections: int = 4
    # An apprise config file: URLs tagged with a person's initials get that person's digests too.
    apprise_config: Path | None = None
    # Where reminders go as .eml files when no SMTP relay or apprise config is set; default <data_dir>/mailbox.
    mailbox_dir: Path
    # Where the calendar feeds (and their index.json) are written; default <data_dir>/feeds.
    feeds_dir: Path
    # Where the nightly flow writes the reports (board/<BODY>.md|.html, plan/<plan>.md|.html|.csv|.xlsx);
    # default <data_dir>/reports.
    reports_dir: Path
    # The address people reach govflow at: each calendar event links back to a page under it.
    public_url: str = PUBLIC_URL
    # The key that signs the Done / Add an update / It will be late links in each digest item
    # (notifications.answer_links): any long random text, kept secret and never stored in the
    # database. None: digests carry no such links and the answer pages say they are off.
    answer_key: SecretStr | None = None
    # How many days a digest's answer links work, counted from the night the digest goes out for.
    answer_link_days: int = 14
    # The most one file given to `govflow load` or `govflow update --file` may hold: bytes, and rows
    # (lines of a text file, rows of a workbook's sheet). A larger file is refused before it is read.
    max_file_bytes: int = 5_000_000
    max_rows: int = 20_000
    # What one answer from a body's meeting source (a committee system, a calendar) may hold, and how
    # long govflow waits for it: beyond either, the source is reported unreadable and nothing changes.
    source_max_bytes: int = 10_000_000
    source_timeout_seconds: int = 60
    # How many councils' nights one nightly run has going at once (in process or on workers).
    councils_at_once: int = 2
    # On workers: how many councils' nights one run (one process on a worker) goes through at most.
    councils_per_run: int = 25
    # The council (organisation key) a command works in. One database can hold many councils, each
    # with its own keys, feeds, reports and mailbox (see `for_organisation`); everything loaded
    # without naming one is in "default", whose folders stay where they always were.
    organisation: str = DEFAULT_ORGANISATION
    # The day `govflow serve`'s pages and reports are for (their "as of", the timelines' today line);
    # None: today in Europe/London at each request. `govflow serve --as-of` sets it.
    serve_as_of: dt.date | None = None

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise _settings_error(error) from None

    @model_validator(mode="before")
    @classmethod
    def _defaults_under_the_data_dir(cls, values: Any) -> Any:
        """The defaults that depend on the data folder (written here only)."""
        if not isinstance(values, dict):
            return values
        data_dir = Path(values.get("data_dir") or cls.model_fields["data_dir"].default)
        defaults = {
            "database_url": f"sqlite:///{(data_dir / 'govflow.db').resolve()}",
            "mailbox_dir": data_dir / "mailbox",
            "feeds_dir": data_dir / "feeds",
            "reports_dir": data_dir / "reports",
        }
        values = {**defaults, **{name: value for name, value in values.items() if value is not None}}
        organisation = values.get("organisation") or DEFAULT_ORGANISATION
        if isinstance(organisation, str) and organisation != DEFAULT_ORGANISATION:  # a bad key is said by its validator
            values.update(_council_paths(values, organisation))
        return values

    @field_validator("data_dir")
    @classmethod
    def _a_folder(cls, value: Path) -> Path:
        if value.exists() and not value.is_dir():
            raise PydanticCustomError("not_a_folder", "{path} is not a folder", {"path": str(value)})
        return value

    @field_validator("public_url")
    @classmethod
    def _a_web_address(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise PydanticCustomError(
                "not_a_web_address", "{url} is not an http:// or https:// address", {"url": scrub_urls(value)}
            )
        return value.strip().rstrip("/")

    @field_validator("max_file_bytes", "max_rows", "councils_at_once", "councils_per_run", "source_max_bytes", "source_timeout_seconds", "answer_link_days")
    @classmethod
    def _a_positive_count(cls, value: int) -> int:
        if value < 1:
            raise PydanticCustomError("not_positive", "must be a whole number, 1 or more", {})
        return value

    @field_validator("answer_key")
    @classmethod
    def _a_long_key(cls, value: SecretStr | None) -> SecretStr | None:
        # A short key can be guessed from one signed link; 32 characters of random text cannot.
        if value is not None and len(value.get_secret_value().strip()) < MIN_ANSWER_KEY_LENGTH:
            raise PydanticCustomError("short_key", "must be at least {least} characters of random text", {"least": MIN_ANSWER_KEY_LENGTH})
        return value

    @field_validator("smtp_connections")
    @classmethod
    def _a_few_connections(cls, value: int) -> int:
        # Each sender holds a database connection too: the engine's pool has 15 at most.
        if not 1 <= value <= MAX_SMTP_CONNECTIONS:
            raise PydanticCustomError(
                "connections", "must be a whole number from 1 to {most}", {"most": MAX_SMTP_CONNECTIONS}
            )
        return value

    @field_validator("organisation")
    @classmethod
    def _an_organisation_key(cls, value: str) -> str:
        return check_organisation(value)

    def for_organisation(self, organisation: str) -> Settings:
        """These settings for one council: its own feeds, reports and mailbox folders and public
        address (a sub-folder / path named by its key), except the default council, which keeps
        the folders and address as they are set."""
        organisation = check_organisation(organisation)
        base = {name: getattr(self, name) for name in _COUNCIL_FIELDS}
        if self.organisation != DEFAULT_ORGANISATION:  # back to the folders as set, then into the other council's
            base = {name: value.parent for name, value in base.items() if name != "public_url"}
            base["public_url"] = self.public_url.rsplit("/", 1)[0]
        if organisation != DEFAULT_ORGANISATION:
            base = _council_paths(base, organisation)
        return self.model_copy(update={"organisation": organisation, **base})

    def __repr_args__(self):
        # Never the passwords: settings end up in logs and tracebacks.
        for name, value in super().__repr_args__():
            if name == "database_url":
                value = scrub_urls(value.get_secret_value())
            elif name == "smtp_url" and value is not None:
                value = shown_url(value.get_secret_value())
            yield name, value

    def ensure_data_dir(self) -> None:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise SettingsError(variable("data_dir"), f"cannot create the folder {self.data_dir}: {error.strerror or error}") from None


_COUNCIL_FIELDS = ("feeds_dir", "reports_dir", "mailbox_dir", "public_url")


def _council_paths(values: dict[str, Any], organisation: str) -> dict[str, Any]:
    """A council's own folders (a sub-folder named by its key) and public address (a path under it)."""
    paths = {name: Path(values[name]) / organisation for name in _COUNCIL_FIELDS if name != "public_url"}
    paths["public_url"] = f"{str(values.get('public_url', PUBLIC_URL)).strip().rstrip('/')}/{organisation}"
    return paths


def variable(field: str) -> str:
    """The environment variable of a settings field: data_dir → GOVFLOW_DATA_DIR."""
    return f"{ENV_PREFIX}{field.upper()}"


def _settings_error(error: ValidationError) -> SettingsError:
    """One SettingsError naming each variable that cannot be used (never the input: it may be a password)."""
    problems = [(variable(str(e["loc"][0])) if e["loc"] else "settings", e["msg"]) for e in error.errors(include_input=False)]
    (first, problem), rest = problems[0], problems[1:]
    return SettingsError(first, "; ".join([problem] + [f"{name}: {text}" for name, text in rest]))
