"""The tests stand alone: what they read is in this repository (tests/data/), byte for byte as the
council wrote it, and nothing in the code or the tests names a folder of one machine."""
from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

import pytest

from tests.data import SEED_SHA256, SEEDS

REPO = Path(__file__).resolve().parents[1]
# A machine's own folders: on another machine, or a clean clone in CI, they are not there. (Spelled
# without their slashes here, so that this file does not name them itself.)
MACHINE_FOLDERS = ("work", "root", "home")
MACHINE_PATH = re.compile(r"(?<![\w.~:/-])/(?:" + "|".join(MACHINE_FOLDERS) + r")\b")
NOT_SOURCE = {"__pycache__", "node_modules", ".pytest_cache", ".hypothesis"}  # made by tools, not written


@pytest.mark.parametrize("name", sorted(SEED_SHA256))
def test_each_seed_is_the_council_paper_byte_for_byte(name: str) -> None:
    assert hashlib.sha256((SEEDS / name).read_bytes()).hexdigest() == SEED_SHA256[name]


def test_every_seed_file_has_its_checksum() -> None:
    assert sorted(p.name for p in SEEDS.iterdir() if p.name != "README.md") == sorted(SEED_SHA256)


def scanned_folders(repo: Path) -> list[Path]:
    """tests/, benchmarks/, scripts/, examples/, .ci/ and the packages pyproject.toml installs."""
    find = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]["find"]
    packages = {pattern.rstrip("*.") for pattern in find["include"]}
    return [repo / name for name in sorted({"tests", "benchmarks", "scripts", "examples", ".ci", *packages})]


def machine_paths(folders: list[Path], repo: Path) -> list[str]:
    """`file:line: text` for each absolute path of a machine named in a text file under `folders`."""
    problems = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or NOT_SOURCE.intersection(path.relative_to(repo).parts):
                continue
            data = path.read_bytes()
            if b"\0" in data[:8192]:
                continue  # a binary file (a workbook, say)
            for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
                if MACHINE_PATH.search(line):
                    problems.append(f"{path.relative_to(repo).as_posix()}:{number}: {line.strip()}")
    return problems


def test_no_file_names_an_absolute_path_of_one_machine() -> None:
    """A path like "/<work>/shared/…" works on one machine only: find the file relative to the
    checkout (tests/data/, GOVFLOW_SHARED_DIR through the `shared_tool` fixture) instead."""
    assert machine_paths(scanned_folders(REPO), REPO) == []


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ('CHECK_ICS = Path("/' + "work" + '/shared/tools/ical-check/check-ics")', True),
        ("cd /" + "root" + "/.cache/ical-check", True),
        ("open('/" + "home" + "/gb/plan.csv')", True),
        ("see https://example.org/" + "home" + "/page", False),
        ("ROOT.parent / 'shared' / 'seeds'", False),
        ("/usr/bin/chromium", False),
        ("~/" + "work" + "/notes", False),
        ("a /" + "homework" + " folder", False),
    ],
)
def test_the_checker_finds_machine_paths_and_nothing_else(tmp_path: Path, line: str, found: bool) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "example.py").write_text(f"x = 1\n{line}\n", encoding="utf-8")
    (tmp_path / "tests" / "__pycache__").mkdir()
    (tmp_path / "tests" / "__pycache__" / "example.pyc").write_text(line, encoding="utf-8")  # not source
    expected = [f"tests/example.py:2: {line.strip()}"] if found else []
    assert machine_paths([tmp_path / "tests"], tmp_path) == expected
