"""Each module's checks fail at least 90% of the mutants of its solution (checker.course.mutants).

A mutant the checks miss is printed with its file, line and diff, at the end of the run and in
the failure. A mutant that is still a correct solution is listed, with why, in
tests/mutants/NN.toml, and not counted.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker import course
from checker.course.equivalents import entry_for, load_equivalents
from checker.course.manifest import Exercise
from checker.course.mutants import Mutant, mutants_of
from checker.course.mutation import DEFAULT_BUDGET, Score, Worker, sample, submission_with
from tests.conftest import MUTATION_REPORT

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = course.exercises(ROOT, check_files=True)
THRESHOLD = 0.9
SAMPLE = 100  # mutants checked per module at most, so the run stays short as modules grow
# Smaller samples where one mutant costs far more: each of module 11's mutants is a test suite,
# run against the app and every buggy version of it (some 10 s a mutant, on one of two cores).
SAMPLES = {"11": 25}
# Seconds one mutant's checks may take in all (mutation.DEFAULT_BUDGET elsewhere): one of module
# 11's runs the suite some 20 times, about 9 s alone and past 30 s on a loaded machine, and an
# equivalent mutant cut short would be counted as killed.
BUDGETS = {"11": 120.0}
JOBS = min(4, os.cpu_count() or 1)  # mutants checked at once
# The seed every mutant's checks draw their inputs from, as in tests/test_course.py.
SEED = int(os.environ.get("WORKBOOK_SEED") or "20261201")


def learner_files(exercise: Exercise, solution: Path) -> list[str]:
    return [name for name in exercise.owned_in(solution) if name != exercise.notebook]


def survivor_message(mutant: Mutant) -> str:
    return f"{mutant.file}, line {mutant.line}: {mutant.change}\n{mutant.diff()}"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="each mutant is checked in a forked child")
@pytest.mark.parametrize(
    "exercise",
    EXERCISES,
    ids=[exercise.id for exercise in EXERCISES],
)
def test_checks_kill_the_mutants_of_the_solution(
    exercise: Exercise, tmp_path: Path, request: pytest.FixtureRequest
):
    solution = ROOT / "solutions" / exercise.id
    made = mutants_of(solution, learner_files(exercise, solution))
    assert len(made) >= 20, f"only {len(made)} mutants of solutions/{exercise.id}"
    listed_in = ROOT / "tests" / "mutants" / f"{exercise.id}.toml"
    equivalents = load_equivalents(listed_in)
    for entry in equivalents:
        matched = [mutant for mutant in made if entry.matches(mutant)]
        assert matched, f"{listed_in.name}: no mutant is {entry}; remove it or update it"
        assert len(matched) == 1, (
            f"{listed_in.name}: {entry} matches the mutants of lines "
            f"{[mutant.line for mutant in matched]}; add `line = N` to say which"
        )
    equivalent = [m for m in made if any(entry.matches(m) for entry in equivalents)]
    counted = [m for m in made if m not in equivalent]
    every = os.environ.get("WORKBOOK_MUTANTS") == "all"  # the whole score, for an author
    chosen = counted if every else sample(counted, SAMPLES.get(exercise.id, SAMPLE))
    checked = equivalent + chosen
    submissions = [
        submission_with(solution, mutant, tmp_path / str(index))
        for index, mutant in enumerate(checked)
    ]
    budget = BUDGETS.get(exercise.id, DEFAULT_BUDGET)
    with Worker(exercise.directory, solution, jobs=JOBS, seed=SEED, budget=budget) as worker:
        assert not worker.solution.broken, worker.solution.broken
        assert not worker.solution.killed, (
            f"the unmutated solution does not pass: {worker.solution.reason}"
        )
        verdicts = {index: verdict for index, verdict, _ in worker.check(submissions)}
    broken = [(checked[i], v.broken) for i, v in verdicts.items() if v.broken]
    assert not broken, f"the checks could not run against a mutant: {broken[0]}"
    survivors = tuple(
        chosen[i] for i in range(len(chosen)) if not verdicts[len(equivalent) + i].killed
    )
    score = Score(exercise.id, len(made), len(equivalent), len(chosen), survivors)
    report = score.report()
    request.node.user_properties.append((MUTATION_REPORT, report))  # printed at the end
    print(report)
    wrongly = [
        (mutant, verdicts[index].reason)
        for index, mutant in enumerate(equivalent)
        if verdicts[index].killed
    ]
    assert not wrongly, (
        f"listed in {listed_in.name} as equivalent, but the checks fail it "
        f"({wrongly[0][1]}): if it is a correct solution, the checks are wrong; if not, "
        f"take it off the list\n{survivor_message(wrongly[0][0])}"
    )
    assert score.ratio >= THRESHOLD, (
        f"{score.line()}, below {THRESHOLD:.0%}. Make the checks fail these mutants, or, for "
        f"one that is still a correct solution, list it in tests/mutants/{exercise.id}.toml "
        "with a reason:\n\n" + "\n".join(survivor_message(m) + entry_for(m) for m in survivors)
    )
