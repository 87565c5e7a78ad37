"""Benchmarks for the learner flows, reported as ratios against a baseline run in the same run.

    python benchmarks/run.py [--rounds N]

1. `pytest exercises/03 --submission solutions/03` against plain pytest running a hand-written test
   file with the same requests against the same app (target: at most 1.3x).
2. `workbook`, which checks every exercise to draw the course map, against one
   `pytest exercises/03` (target: at most 3x, however many exercises there are).

Each command runs in a fresh process; the rounds alternate between the commands so that noise on a
shared machine falls on both sides alike, and the median of each side is compared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORKBOOK = shutil.which("workbook", path=str(Path(PYTHON).parent)) or "workbook"

CHECKER = [PYTHON, "-m", "pytest", "exercises/03", "--submission", "solutions/03"]
BASELINE = [
    PYTHON,
    "-m",
    "pytest",
    "-p",
    "no:checker.plugin",
    "benchmarks/baseline/test_baseline_03.py",
]
ONE_EXERCISE = [PYTHON, "-m", "pytest", "exercises/03"]
COURSE_MAP = [WORKBOOK]


def wall_time(command: list[str]) -> float:
    """Seconds one run of ``command`` takes; it must succeed or fail the way it is expected to."""
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "100"}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=environment)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(
            f"benchmark command failed ({done.returncode}): {' '.join(command)}\n{done.stderr}"
        )
    return elapsed


def compare(
    name: str, measured: list[str], baseline: list[str], target: float, rounds: int
) -> bool:
    wall_time(measured), wall_time(baseline)  # warm the file cache
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(wall_time(measured))
        theirs.append(wall_time(baseline))
    ratio = statistics.median(ours) / statistics.median(theirs)
    verdict = "ok" if ratio <= target else "OVER TARGET"
    print(
        f"{name}: {ratio:.2f}x (target <= {target}x, {verdict}); "
        f"median {statistics.median(ours):.3f}s vs {statistics.median(theirs):.3f}s over {rounds} rounds"
    )
    return ratio <= target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    exercises = len(list((ROOT / "exercises").glob("*/exercise.toml")))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {exercises} exercises")
    ok = compare("checker vs plain pytest (exercise 03)", CHECKER, BASELINE, 1.3, rounds)
    ok &= compare("course map vs one exercise", COURSE_MAP, ONE_EXERCISE, 3.0, rounds)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
