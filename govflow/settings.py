"""Settings read from GOVFLOW_* environment variables, with defaults that work with nothing installed."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    # An apprise mailto:// or mailtos:// URL naming the SMTP relay and the sender, not the recipients
    # (e.g. mailtos://user:pass@relay.example.org:587?from=govflow@council.example.org, or for a
    # local relay without login mailto://127.0.0.1:2525?from=govflow@council.example.org).
    # None: reminders are written to `mailbox_dir` as .eml files instead.
    smtp_url: str | None = None
    # Where reminders go as .eml files when no SMTP relay or apprise config is set; default
    # <data_dir>/mailbox.
    mailbox_dir: Path | None = None
    # An apprise config file: URLs tagged with a person's initials get that person's digests too.
    apprise_config: Path | None = None
    # Where the calendar feeds (and their index.json) are written; default <data_dir>/feeds.
    feeds_dir: Path | None = None
    # Where the nightly flow writes the reports (board/<BODY>.md|.html, plan/<plan>.md|.html|.csv|.xlsx);
    # default <data_dir>/reports.
    reports_dir: Path | None = None
    # The address people reach govflow at: each calendar event links back to a page under it.
    public_url: str = "http://127.0.0.1:8000"

    def __post_init__(self) -> None:
        if self.mailbox_dir is None:
            object.__setattr__(self, "mailbox_dir", self.data_dir / "mailbox")
        if self.feeds_dir is None:
            object.__setattr__(self, "feeds_dir", self.data_dir / "feeds")
        if self.reports_dir is None:
            object.__setattr__(self, "reports_dir", self.data_dir / "reports")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("GOVFLOW_DATA_DIR") or ".govflow")
        url = env.get("GOVFLOW_DATABASE_URL") or f"sqlite:///{(data_dir / 'govflow.db').resolve()}"
        mailbox = env.get("GOVFLOW_MAILBOX_DIR")
        config = env.get("GOVFLOW_APPRISE_CONFIG")
        feeds = env.get("GOVFLOW_FEEDS_DIR")
        reports = env.get("GOVFLOW_REPORTS_DIR")
        return cls(
            data_dir=data_dir,
            database_url=url,
            smtp_url=env.get("GOVFLOW_SMTP_URL") or None,
            mailbox_dir=Path(mailbox) if mailbox else data_dir / "mailbox",
            apprise_config=Path(config) if config else None,
            feeds_dir=Path(feeds) if feeds else data_dir / "feeds",
            reports_dir=Path(reports) if reports else data_dir / "reports",
            public_url=(env.get("GOVFLOW_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/"),
        )

    def __repr__(self) -> str:
        # Never the passwords: these end up in logs and tracebacks.
        from notifications.redaction import scrub_urls, shown_url

        return (
            f"Settings(data_dir={str(self.data_dir)!r}, database_url={scrub_urls(self.database_url)!r}, "
            f"smtp_url={shown_url(self.smtp_url) if self.smtp_url else None!r}, "
            f"mailbox_dir={str(self.mailbox_dir)!r}, "
            f"apprise_config={str(self.apprise_config) if self.apprise_config else None!r}, "
            f"feeds_dir={str(self.feeds_dir)!r}, reports_dir={str(self.reports_dir)!r}, public_url={self.public_url!r})"
        )

    def ensure_data_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)


def redact_url(url: str) -> str:
    """The URL with any password replaced by ***, for logs and error messages."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest.split("/", 1)[0]:
        return url
    credentials, _, host = rest.partition("@")
    user, colon, _password = credentials.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{host}"
