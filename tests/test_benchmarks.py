"""The benchmark scripts run at their smallest sizes and print every ratio they promise.

How fast anything is, is not asserted here: the machine may be shared and noisy. A missed target
exits 1, which is accepted; a crash, another exit code or a missing line is not.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RATIO = r"-?\d+\.\d+x"
VERDICT = r"(ok|OVER TARGET|NOT MEASURED, too noisy)"


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    try:
        return subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / script), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=environment,
            timeout=300,
        )
    except subprocess.TimeoutExpired as expired:
        pytest.fail(f"benchmarks/{script} {' '.join(args)} did not finish: {expired.stdout}")


def expect_lines(done: subprocess.CompletedProcess[str], patterns: list[str]) -> None:
    shown = f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode in (0, 1), shown
    lines = done.stdout.splitlines()
    for pattern in patterns:
        assert any(re.fullmatch(pattern, line) for line in lines), f"no line {pattern!r}\n{shown}"
    missed = any(
        re.search(r"target [<>]= [\d.]+x, (OVER TARGET|UNDER TARGET|NOT MEASURED)", line)
        for line in lines
    )
    assert done.returncode == (1 if missed else 0), f"exit code and verdicts disagree\n{shown}"


def test_run_prints_every_ratio() -> None:
    done = run("run.py", "--rounds", "1", "--modules", "4")
    expect_lines(
        done,
        [
            r"course map: 4 modules, stand-ins for none",
        ]
        + [
            rf"{re.escape(name)}: {RATIO} \(target <= {target}x, {VERDICT}\); median .* over "
            rf"{rounds} rounds; cpu .*"
            for name, target, rounds in [
                ("checker vs plain pytest (exercise 03)", r"1\.3", 1),
                ("checker vs plain pytest (exercise 07)", r"1\.3", 1),
                ("unrelated one-test run with vs without the plugin", r"1\.05", 5),
                (
                    "course map (workbook), 4 modules, results kept, vs one pytest exercises/03",
                    r"1\.5",
                    1,
                ),
                (
                    "course map (workbook), 4 modules, one exercise changed, vs one pytest "
                    "exercises/03",
                    r"1\.5",
                    1,
                ),
                (
                    "course map (workbook), 4 modules, first call on a fresh clone, vs one pytest "
                    "exercises/03",
                    r"3\.0",
                    1,
                ),
            ]
        ]
        + [
            r"course map \(workbook\), 4 modules, nothing kept, every exercise worked on, vs one "
            rf"pytest exercises/03: {RATIO} \(no target\); median .* over 1 rounds; cpu .*"
        ],
    )


def test_grade_prints_every_ratio() -> None:
    done = run("grade.py", "--learners", "4", "--rounds", "1", "--sample", "1")
    expect_lines(
        done,
        [
            r"cohort: 4 learners x 3 exercises = 12 pairs; .*",
            rf"speed-up 1 -> 2 workers: {RATIO} \(ideal 2x; (one core: no target|target >= 1\.7x, "
            r"(ok|UNDER TARGET))\)",
            rf"grading vs floor, steady state per \(learner, exercise\): {RATIO} "
            rf"\(target <= 1\.5x, {VERDICT}\); median .* over 1 rounds",
            rf"grading vs floor, whole run per \(learner, exercise\): {RATIO} \(no target\); "
            r"median .* over 1 rounds",
            r"fresh pytest per \(learner, exercise\) vs grading: -?\d+\.\dx the steady state, "
            r"-?\d+\.\dx the whole run \(no target\); median .*",
        ],
    )
