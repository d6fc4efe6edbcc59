"""The suite runs its mutants in-process (a process each would cost about a second apiece); these
check that a real `python -m govflow` answers the same, and that an alias bomb — a kilobyte of YAML
naming nine to the ninth names — is refused, not expanded, within a memory limit and a timeout."""
from __future__ import annotations


from tests.robustness.harness import FuzzDatabase, fuzz_seed, run_in_process, run_in_subprocess, write_files
from tests.robustness.mutant_families import make_mutant
from tests.robustness.mutators import Mutant, alias_bomb

# One mutant of each kind of file; a handful, since each process costs a second or more.
CROSS_CHECKED = [("southend-setup", 0), ("plan-csv", 0), ("progress-updates", 0), ("bytes", 1)]


def test_a_real_process_answers_as_the_in_process_run(fuzz_database: FuzzDatabase) -> None:
    differences = []
    for family, number in CROSS_CHECKED:
        mutant = make_mutant(fuzz_seed(), family, number)
        folder = fuzz_database.workdir / f"{family}-{number}"
        write_files(mutant, folder)
        in_process = run_in_process(fuzz_database, mutant, folder)
        in_subprocess = run_in_subprocess(fuzz_database, mutant, folder)
        if in_process != in_subprocess:
            differences.append(f"{family} mutant {number} ({mutant.description}):\n  in-process: {in_process}\n  process:    {in_subprocess}")
    assert not differences, "\n".join(differences)


def test_an_alias_bomb_is_refused_within_a_memory_limit_and_a_timeout(fuzz_database: FuzzDatabase) -> None:
    bomb = Mutant("alias-bomb", 0, "9**9 names from 1 KB of anchors and aliases", {"setup.yaml": alias_bomb()})
    folder = fuzz_database.workdir / "alias-bomb"
    write_files(bomb, folder)
    exit_code, shown, changed = run_in_subprocess(fuzz_database, bomb, folder, timeout=60)
    assert (exit_code, shown.startswith("error:")) == (2, True), f"alias bomb: exit {exit_code}: {shown}\n{bomb.shown()}"
    assert "setup.yaml" in shown
    assert not changed, "the refused alias bomb changed the database"
