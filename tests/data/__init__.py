"""The files the tests read that do not come from examples/: the council papers of the seeds folder,
copied byte for byte into tests/data/seeds/ (see the README there), so a clean clone tests alone."""
from __future__ import annotations

from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "seeds"

SEED_000 = SEEDS / "000_d993eb3b48e5d7e8.txt"  # Southend: Report to SEND Strategic Partnership Board, 5 Oct 2021
SEED_001 = SEEDS / "001_17cfa2475c17c112.txt"  # Southend: Recommendation 1 progress update
SEED_002 = SEEDS / "002_44384d6b394e2d75.txt"  # Southend: SEND Peer Review implementation plan DRAFT 1
# The people seed 002 names as owners: a plan loads only with its owners known.
SEED_002_PEOPLE = Path(__file__).resolve().parent / "seed_002_people.yaml"

# The SHA-256 of each copy as it stands in the project's shared seeds folder: an editor that strips
# trailing spaces or turns tabs into spaces would change what the tests read.
SEED_SHA256 = {
    SEED_000.name: "389b9771ecec315247ecc45103d6027a10425bb7f36417b0dd89e5f878afeb59",
    SEED_001.name: "55aaf9b28b4b41034654b8163f82e48538c78cea72301ebf48a9d4b5aadc4c94",
    SEED_002.name: "f755de5dfc311497c4eaeb623bb6c6db9517c688ac799ffd700da91cc722f765",
}
