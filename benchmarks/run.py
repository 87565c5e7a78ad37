"""Benchmarks for the learner flows, reported as ratios against a baseline run in the same run.

    python benchmarks/run.py [--rounds N]

1. `pytest exercises/03 --submission solutions/03` against plain pytest running a hand-written test
   file with the same requests against the same app (target: at most 1.3x).
2. The same for exercise 07, a package app with blueprints: the baseline also reads off the app what
   the checks ask their probes, and parses the same pages with BeautifulSoup (target: at most 1.3x).
3. pytest on an unrelated one-test file in a temporary folder outside the course, with the checker's
   plugin loaded (as it is wherever flask-workbook is installed) against `-p no:checker.plugin`
   (target: at most 1.05x). Its runs are short and its target tight, so it runs five times as many
   rounds as the others.
4. `workbook`, the course map, against one `pytest exercises/03`, in a git clone of a copy of the
   course with all 21 modules present (a learner's copy of the workbook is a clone): the real
   exercises, and stand-in copies of 01-03 under the numbers not yet built (`--modules N` for
   fewer). Four times:
   - with the results it keeps from its last run and nothing changed, so nothing is checked again:
     what a learner sees on every call but the first (target: at most 1.5x);
   - with one exercise changed since the last run (`exercises/03/app.py` saved with new content
     before every run), so that one exercise is checked again, and only it (target: at most 1.5x);
   - with nothing kept, on the fresh clone: a learner's first call, where every exercise is its
     untouched starter, which the map does not check (target: at most 3x);
   - with nothing kept and every exercise worked on (each holds its solution): the first call
     after the checker changed, or with the state file deleted, where every exercise is checked
     again. No target: this one grows with the course (see issue 8's note).
   The copy is a temporary folder, so the learner's own progress is never touched.

Each command runs in a fresh process, with this checkout first on PYTHONPATH so that it is this
checkout's checker that is measured, whichever copy is installed. One untimed run of each side
warms the file cache; then the rounds alternate between the two sides, and which side goes first
alternates from round to round, so that noise on a shared machine falls on both sides alike. The
median wall time of each side is compared. The CPU time the commands used is printed beside it:
it moves less with the machine's load, so a wall-time ratio far from the CPU-time ratio says the
run was noisy. The script exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORKBOOK = shutil.which("workbook", path=str(Path(PYTHON).parent)) or "workbook"

CHECKER_03 = [PYTHON, "-m", "pytest", "exercises/03", "--submission", "solutions/03"]
BASELINE_03 = [
    PYTHON,
    "-m",
    "pytest",
    "-p",
    "no:checker.plugin",
    "benchmarks/baseline/test_baseline_03.py",
]
CHECKER_07 = [PYTHON, "-m", "pytest", "exercises/07", "--submission", "solutions/07"]
BASELINE_07 = [
    PYTHON,
    "-m",
    "pytest",
    "-p",
    "no:checker.plugin",
    "benchmarks/baseline/test_baseline_07.py",
]
ONE_EXERCISE = [PYTHON, "-m", "pytest", "exercises/03"]
COURSE_MAP = [WORKBOOK]

STATE_FILE = ".workbook-state.json"  # checker.course.state.STATE_FILE: the learner's progress
MODULES = 21  # the modules of the finished course (shared/DESIGN.md)
STAND_INS = ("01", "02", "03")  # copied under the numbers of modules not yet built
UNRELATED_TEST = "def test_one():\n    assert 1 + 1 == 2\n"


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user + system seconds of the command's process


def timed(command: list[str], cwd: Path) -> Timing:
    """One run of ``command``; it must succeed or fail the way a check run may (exit 0 or 1)."""
    environment = {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",
        "COLUMNS": "100",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=environment)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(
            f"benchmark command failed ({done.returncode}): {' '.join(command)}\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(elapsed, cpu)


def compare(
    name: str,
    measured: list[str],
    baseline: list[str],
    target: float | None,
    rounds: int,
    cwd: Path = ROOT,
    before: Callable[[], None] = lambda: None,
) -> bool:
    """``before`` runs, untimed, before every run of ``measured``."""
    before()
    timed(measured, cwd), timed(baseline, cwd)  # warm the file cache
    ours: list[Timing] = []
    theirs: list[Timing] = []
    for round_number in range(rounds):
        if round_number % 2 == 0:
            before()
            ours.append(timed(measured, cwd))
            theirs.append(timed(baseline, cwd))
        else:
            theirs.append(timed(baseline, cwd))
            before()
            ours.append(timed(measured, cwd))
    wall = statistics.median(t.wall for t in ours), statistics.median(t.wall for t in theirs)
    cpu = statistics.median(t.cpu for t in ours), statistics.median(t.cpu for t in theirs)
    ratio = wall[0] / wall[1]
    verdict = "ok" if target is None or ratio <= target else "OVER TARGET"
    goal = "no target" if target is None else f"target <= {target}x, {verdict}"
    print(
        f"{name}: {ratio:.2f}x ({goal}); "
        f"median {wall[0]:.3f}s vs {wall[1]:.3f}s over {rounds} rounds; "
        f"cpu {cpu[0]:.3f}s vs {cpu[1]:.3f}s ({cpu[0] / cpu[1]:.2f}x)",
        flush=True,
    )
    return target is None or ratio <= target


def expect_plugin(folder: Path) -> None:
    """Stop unless pytest loads the checker's plugin outside the course, and not with -p no:, so
    that benchmark 3 compares what it says it does."""
    with_plugin = [PYTHON, "-m", "pytest", "--help"]
    without = [PYTHON, "-m", "pytest", "-p", "no:checker.plugin", "--help"]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    shown = [
        "--submission"
        in subprocess.run(
            command, cwd=folder, capture_output=True, text=True, env=environment
        ).stdout
        for command in (with_plugin, without)
    ]
    if shown != [True, False]:
        sys.exit(
            "pytest does not load checker.plugin through its entry point outside the course "
            "(pip install -e . first), or -p no:checker.plugin does not turn it off"
        )


def course_copy(folder: Path, modules: int) -> tuple[Path, list[str], dict[str, str]]:
    """A git clone of a copy of the course's exercises made in ``folder``, with a stand-in copy of
    01, 02 or 03 under each of the numbers 01..``modules`` that has no exercise yet: the clone,
    the stand-ins' numbers, and which exercise each exercise's solution is taken from."""
    import re

    course = folder / "course"
    shutil.copytree(ROOT / "exercises", course / "exercises")
    made, solved_by = [], {}
    for number in range(1, modules + 1):
        name = f"{number:02d}"
        target = course / "exercises" / name
        if target.exists():
            solved_by[name] = name
            continue
        source = STAND_INS[len(made) % len(STAND_INS)]
        shutil.copytree(ROOT / "exercises" / source, target)
        (target / f"test_{source}.py").rename(target / f"test_{name}.py")
        manifest = target / "exercise.toml"
        text = manifest.read_text(encoding="utf-8")
        manifest.write_text(
            re.sub(r'^id = "\d+"', f'id = "{name}"', text, count=1, flags=re.MULTILINE),
            encoding="utf-8",
        )
        made.append(name)
        solved_by[name] = source
    for name in sorted(p.name for p in (course / "exercises").iterdir()):
        if name.isdigit() and int(name) > modules:
            shutil.rmtree(course / "exercises" / name)
            solved_by.pop(name, None)
    (course / ".gitignore").write_text(f"{STATE_FILE}\n__pycache__/\ninstance/\n")
    git = ["git", "-c", "user.name=Course", "-c", "user.email=course@example.org"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "the course"]):
        subprocess.run([*git, *command], cwd=course, check=True, capture_output=True)
    clone = folder / "learner"
    subprocess.run([*git, "clone", "-q", str(course), str(clone)], check=True, capture_output=True)
    return clone, made, solved_by


def solve_everything(clone: Path, solved_by: dict[str, str]) -> None:
    """Lay each exercise's solution over its starter, as a learner who did every one has."""
    for name, source in solved_by.items():
        shutil.copytree(ROOT / "solutions" / source, clone / "exercises" / name, dirs_exist_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--modules",
        type=int,
        default=MODULES,
        help="modules in the course map's copy of the course",
    )
    arguments = parser.parse_args()
    rounds, modules = arguments.rounds, arguments.modules
    if rounds < 1:
        parser.error("--rounds must be at least 1")
    if not 3 <= modules <= 99:
        parser.error("--modules must be between 3 and 99")
    exercises = len(list((ROOT / "exercises").glob("*/exercise.toml")))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {exercises} exercises")
    ok = compare("checker vs plain pytest (exercise 03)", CHECKER_03, BASELINE_03, 1.3, rounds)
    ok &= compare("checker vs plain pytest (exercise 07)", CHECKER_07, BASELINE_07, 1.3, rounds)
    with tempfile.TemporaryDirectory(prefix="workbook-unrelated-") as folder:
        (Path(folder) / "test_unrelated.py").write_text(UNRELATED_TEST, encoding="utf-8")
        expect_plugin(Path(folder))
        ok &= compare(
            "unrelated one-test run with vs without the plugin",
            [PYTHON, "-m", "pytest", "test_unrelated.py"],
            [PYTHON, "-m", "pytest", "-p", "no:checker.plugin", "test_unrelated.py"],
            1.05,
            5 * rounds,
            cwd=Path(folder),
        )
    with tempfile.TemporaryDirectory(prefix="workbook-course-") as folder:
        course, stand_ins, solved_by = course_copy(Path(folder), modules)
        print(
            f"course map: {modules} modules, stand-ins for {', '.join(stand_ins) or 'none'}",
            flush=True,
        )
        state = course / STATE_FILE
        ok &= compare(
            f"course map (workbook), {modules} modules, results kept, vs one pytest exercises/03",
            COURSE_MAP,
            ONE_EXERCISE,
            1.5,
            rounds,
            cwd=course,
        )
        app = course / "exercises" / "03" / "app.py"
        starter = app.read_text(encoding="utf-8")
        saves = iter(range(1, 1_000_000))
        ok &= compare(
            f"course map (workbook), {modules} modules, one exercise changed, "
            "vs one pytest exercises/03",
            COURSE_MAP,
            ONE_EXERCISE,
            1.5,
            rounds,
            cwd=course,
            before=lambda: app.write_text(f"{starter}\n# save {next(saves)}\n", encoding="utf-8"),
        )
        app.write_text(starter, encoding="utf-8")
        ok &= compare(
            f"course map (workbook), {modules} modules, first call on a fresh clone, "
            "vs one pytest exercises/03",
            COURSE_MAP,
            ONE_EXERCISE,
            3.0,
            rounds,
            cwd=course,
            before=lambda: state.unlink(missing_ok=True),
        )
        solve_everything(course, solved_by)
        compare(
            f"course map (workbook), {modules} modules, nothing kept, every exercise worked on, "
            "vs one pytest exercises/03",
            COURSE_MAP,
            ONE_EXERCISE,
            None,
            rounds,
            cwd=course,
            before=lambda: state.unlink(missing_ok=True),
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
