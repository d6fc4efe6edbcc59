"""The families of mutants the robustness suite loads, and the one way to build a mutant: from its
seed, family and number alone (GOVFLOW_FUZZ_MUTANT rebuilds one exactly)."""
from __future__ import annotations

import random

from tests.robustness.mutators import PLYMOUTH, SOUTHEND, Mutant, SetupMutator
from tests.robustness.table_mutators import ByteMutator, CsvMutator, UpdatesMutator, XlsxMutator

# --- The families -------------------------------------------------------------------------------------
def _families() -> dict[str, object]:
    plan_csv = (SOUTHEND / "peer-review-plan.csv").read_bytes()
    return {
        "southend-setup": SetupMutator(SOUTHEND / "setup.yaml", {"peer-review-plan.csv": plan_csv}),
        "plymouth-setup": SetupMutator(PLYMOUTH / "setup.yaml", {}),
        "plan-csv": CsvMutator(SOUTHEND / "peer-review-plan.csv"),
        "plan-xlsx": XlsxMutator(SOUTHEND / "peer-review-plan.xlsx"),
        "progress-updates": UpdatesMutator(SOUTHEND / "progress-updates.txt"),
        "bytes": ByteMutator([
            (PLYMOUTH / "setup.yaml", "load", {}),
            (SOUTHEND / "peer-review-plan.csv", "load", {}),
            (SOUTHEND / "peer-review-plan.xlsx", "load", {}),
            (SOUTHEND / "progress-updates.txt", "update", {}),
            (SOUTHEND / "setup.yaml", "load", {"peer-review-plan.csv": plan_csv}),
        ]),
    }


_MUTATORS: dict[str, object] = {}


def make_mutant(seed: int, family: str, number: int) -> Mutant:
    """Mutant `number` of `family` for `seed`: the same three always give the same mutant."""
    if not _MUTATORS:
        _MUTATORS.update(_families())
    rng = random.Random(f"{seed}:{family}:{number}")
    return _MUTATORS[family].mutant(family, number, rng)


FAMILIES = ("southend-setup", "plymouth-setup", "plan-csv", "plan-xlsx", "progress-updates", "bytes")
