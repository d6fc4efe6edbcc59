"""Issue 14, point 3: installing govflow (`make demo`'s first step) says nothing a newcomer has to
wonder about. setuptools warns on every build about a `project.license` written as a TOML table
(deprecated since setuptools 77), and notes "Editable installation." on every editable install;
the first is gone from pyproject.toml, the second is not shown by the Makefile's installs."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_license_is_an_spdx_string_that_setuptools_takes_without_a_warning() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"
    setuptools = next(r for r in project["build-system"]["requires"] if r.startswith("setuptools"))
    assert re.fullmatch(r"setuptools>=(\d+)", setuptools) and int(setuptools.split(">=")[1]) >= 77


def test_the_makefiles_installs_do_not_show_setuptools_editable_install_note() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in makefile.splitlines() if "pip install" in line and " -e " in line]
    assert installs and all(line.lstrip().startswith("$(QUIET_BUILD)") for line in installs)
    assert 'QUIET_BUILD := PYTHONWARNINGS="ignore:Editable installation"' in makefile
