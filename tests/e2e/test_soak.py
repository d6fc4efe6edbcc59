"""A short `make soak` (scripts/soak.py: two nights, two senders killed with SIGKILL), so the script
keeps working: every digest owed arrives, and what it prints adds up."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.pool import NullPool

from governance_model.storage import make_engine
from tests.conftest import database_targets

ROOT = Path(__file__).resolve().parents[2]


def _postgresql() -> str:
    for target, _ in database_targets():
        if target != "sqlite" and make_url(target).get_backend_name() == "postgresql":
            engine = make_engine(target, poolclass=NullPool, connect_args={"connect_timeout": 5})
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                return target
            except Exception as error:
                if os.environ.get("CI") == "true":
                    raise
                pytest.skip(f"PostgreSQL {make_url(target).host} not reachable: {type(error).__name__}")
            finally:
                engine.dispose()
    pytest.skip("no PostgreSQL in GOVFLOW_TEST_DATABASE_URL: the soak needs one")


def test_a_short_soak_loses_no_digest() -> None:
    url = _postgresql()
    result = subprocess.run(
        [sys.executable, "scripts/soak.py", "--nights", "2", "--kills", "2", "--from", "2022-03-31", "--delay", "0.2"],
        cwd=ROOT,
        env={**os.environ, "GOVFLOW_SOAK_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "Traceback" not in out + result.stderr
    assert "two loads at once: exit 0 and 0" in out
    figures = {name: int(value) for name, value in re.findall(r"^(digests owed|emails received|duplicates|superseded|lost): +(\d+)", out, re.MULTILINE)}
    assert figures["lost"] == 0
    assert figures["digests owed"] >= 7  # Southend owes 7 digests on 31 March 2022 alone
    # Every email is a digest owed, a recognisable repeat of one, or one superseded by a resend.
    assert figures["emails received"] == figures["digests owed"] + figures["duplicates"] + figures["superseded"]
    assert out.rstrip().endswith("soak: ok")
