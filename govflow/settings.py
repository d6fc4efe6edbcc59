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

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("GOVFLOW_DATA_DIR") or ".govflow")
        url = env.get("GOVFLOW_DATABASE_URL") or f"sqlite:///{(data_dir / 'govflow.db').resolve()}"
        return cls(data_dir=data_dir, database_url=url)

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
