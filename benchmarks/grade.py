"""Benchmark for instructor grading, reported as ratios against baselines run in the same run.

    python benchmarks/grade.py [--learners 200]

A synthetic cohort (solutions, starters and known mistakes of modules 01-03) is graded with
`workbook grade`'s API, and compared with:

- the floor: fork a warm process, import the learner's module and serve the same requests, with
  no pytest (target: grading costs at most 3x the floor per learner and exercise);
- a fresh `python -m pytest exercises/NN --submission DIR` per learner and exercise, measured on a
  sample (target: grading is at least 50x cheaper per submission).

It also prints the wall time, pairs graded per second, peak memory, and the speed-up from 1 to 2
workers.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker import course, runner  # noqa: E402
from checker.grade import isolation  # noqa: E402
from checker.grade.remote import SandboxedLearner  # noqa: E402
from checker.grade.sandbox import ChildSpec, WarmServer  # noqa: E402
from checker.runtime import learner  # noqa: E402

EXERCISES = ("01", "02", "03")


def make_cohort(folder: Path, size: int) -> list[tuple[str, str, Path]]:
    """Learner folders mixing solutions, starters and mistakes; returns (learner, exercise, file)."""
    kinds: list[dict[str, Path]] = [
        {n: ROOT / "solutions" / n / "app.py" for n in EXERCISES},
        {n: ROOT / "exercises" / n / "app.py" for n in EXERCISES},
    ]
    for mistake in sorted((ROOT / "tests" / "mistakes").glob("*/*/app.py")):
        kind = {n: ROOT / "solutions" / n / "app.py" for n in EXERCISES}
        kind[mistake.parent.parent.name] = mistake
        kinds.append(kind)
    pairs = []
    for index in range(size):
        name = f"learner-{index:04d}"
        for number, source in kinds[index % len(kinds)].items():
            target = folder / name / "exercises" / number / "app.py"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            pairs.append((name, number, target))
    return pairs


def recorded_requests() -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
    """The requests each exercise's checks send, recorded once against the solutions."""
    seen: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    original = learner.Learner.request

    def record(
        self: learner.Learner, client: int, method: str, path: str, options: dict[str, Any]
    ) -> Any:
        seen.setdefault(self.exercise.id, []).append((method, path, options))
        return original(self, client, method, path, options)

    learner.Learner.request = record  # type: ignore[method-assign]
    try:
        runner.check([ROOT / "exercises" / n for n in EXERCISES], submission=ROOT / "solutions")
    finally:
        learner.Learner.request = original  # type: ignore[method-assign]
    return seen


def floor(pairs: list[tuple[str, str, Path]], requests: dict[str, list[Any]]) -> float:
    """Seconds to fork, import and serve the same requests for every pair, without pytest."""
    exercises = {e.id: e for e in course.exercises(ROOT)}
    server = WarmServer()
    scratch = Path(tempfile.mkdtemp(prefix="workbook-floor-"))
    try:
        start = time.perf_counter()
        for index, (_, number, source) in enumerate(pairs):
            workspace = scratch / str(index)
            run_dir = workspace / "exercises" / number
            shutil.copytree(
                exercises[number].directory,
                run_dir,
                ignore=shutil.ignore_patterns("test_*.py", "__pycache__"),
            )
            shutil.copyfile(source, run_dir / "app.py")
            spec = ChildSpec(exercises[number], workspace, isolation.Limits(), 5.0, None)
            target = SandboxedLearner(server, spec)
            try:
                target.start()
                client = target.open_client()
                for method, path, options in requests.get(number, []):
                    target.request(client, method, path, options)
            except Exception:
                pass  # a starter or mistake may fail to load: the floor still paid for the fork
            target.close()
        return time.perf_counter() - start
    finally:
        server.close()
        shutil.rmtree(scratch, ignore_errors=True)


def graded(submissions: Path, workers: int) -> tuple[float, int]:
    """Wall seconds and peak memory (kB, largest process) of grading the cohort."""
    out = Path(tempfile.mkdtemp(prefix="workbook-bench-out-"))
    code = (
        "import sys, time; from pathlib import Path; from checker.grade import cohort;"
        f"t = time.perf_counter(); cohort.grade(Path({str(submissions)!r}), Path({str(out)!r}),"
        f" cohort.Options(workers={workers}), root=Path({str(ROOT)!r}));"
        "print(time.perf_counter() - t)"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"grading failed:\n{done.stderr}")
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    shutil.rmtree(out, ignore_errors=True)
    return float(done.stdout.strip().splitlines()[-1]), peak


def fresh_pytest(pairs: list[tuple[str, str, Path]], sample: int) -> float:
    """Median seconds of one fresh `python -m pytest` per (learner, exercise)."""
    times = []
    for _, number, source in pairs[:: max(1, len(pairs) // sample)][:sample]:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pytest", f"exercises/{number}", "--submission", str(source.parent)],
            cwd=ROOT, capture_output=True,
        )  # fmt: skip
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--sample", type=int, default=10, help="fresh pytest runs to time")
    size = parser.parse_args().learners
    folder = Path(tempfile.mkdtemp(prefix="workbook-cohort-"))
    try:
        pairs = make_cohort(folder, size)
        requests = recorded_requests()
        floor_seconds = floor(pairs, requests)
        one, peak_one = graded(folder, 1)
        two, peak_two = graded(folder, 2)
        fresh = fresh_pytest(pairs, parser.parse_args().sample)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    n = len(pairs)
    ours = one / n
    print(f"cohort: {size} learners x {len(EXERCISES)} exercises = {n} pairs")
    print(
        f"1 worker: {one:.2f}s wall, {n / one:.0f} pairs/s, largest process {peak_one / 1024:.0f} MB"
    )
    print(
        f"2 workers: {two:.2f}s wall, {n / two:.0f} pairs/s, largest process {peak_two / 1024:.0f} MB"
    )
    print(f"speed-up 1 -> 2 workers: {one / two:.2f}x (ideal 2x)")
    ratio_floor = ours / (floor_seconds / n)
    ratio_fresh = fresh / ours
    print(
        f"grading vs floor (fork + import + same requests, no pytest): {ratio_floor:.2f}x "
        f"per pair ({ours * 1000:.1f} ms vs {floor_seconds / n * 1000:.1f} ms; target <= 3x)"
    )
    print(
        f"fresh pytest per pair vs grading: {ratio_fresh:.0f}x cheaper "
        f"({fresh * 1000:.0f} ms vs {ours * 1000:.1f} ms; target >= 50x)"
    )
    return 0 if ratio_floor <= 3 and ratio_fresh >= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
