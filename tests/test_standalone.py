"""The tests stand alone: what they read is in this repository (tests/data/), byte for byte as the
council wrote it."""
from __future__ import annotations

import hashlib

import pytest

from tests.data import SEED_SHA256, SEEDS


@pytest.mark.parametrize("name", sorted(SEED_SHA256))
def test_each_seed_is_the_council_paper_byte_for_byte(name: str) -> None:
    assert hashlib.sha256((SEEDS / name).read_bytes()).hexdigest() == SEED_SHA256[name]


def test_every_seed_file_has_its_checksum() -> None:
    assert sorted(p.name for p in SEEDS.iterdir() if p.name != "README.md") == sorted(SEED_SHA256)
