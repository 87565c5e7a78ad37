"""Benchmark for instructor grading, reported as ratios against baselines run in the same run.

    python benchmarks/grade.py [--learners 200] [--rounds 3] [--sample 10]

A synthetic cohort (solutions, starters and known mistakes of modules 01-03) is graded on those
three exercises with `workbook grade`'s API (`checker.grade.cohort.grade`, one worker), and
compared with the floor: what grading one (learner, exercise) cannot do without, with no pytest and
no checks. The floor runs in this process against a warm server of its own, and per (learner,
exercise) does what the grading engine does (`checker.grade.engine`, `_start` and `_finish`):

- reads the learner's files the way grading does (`checker.grade.intake.read`);
- builds the same workspace: the exercise folder copied without test files, caches, notebooks and
  the starter's learner files (`checker.runtime.learner.ignore_owned`), the learner's files
  written in, and, as root, handed to the same kind of unprivileged uid;
- forks a child of a warm server that preloaded the same libraries, with the same limits, timeout
  and hidden folders, which loads the learner's app;
- sends the requests and probes that the checks sent to that same submission (recorded once,
  before timing, by running the checks in this process), with as many test clients;
- stops the child and removes the workspace.

Two costs per (learner, exercise) are reported:

- steady state, with a target of at most 1.5x: what one more learner costs once everything is warm.
  For grading it is the difference between grading the whole cohort and grading only its first
  half, divided by the pairs of the second half, so that starting the worker, its warm server and
  pytest falls out; for the floor it is the time those same second-half learners took, measured
  once the floor's warm server had already served the first learner;
- the whole run, for information: the wall time of grading the cohort (worker process, warm server,
  pytest, gradebook and reports included; the `workbook` command's own start-up is not) against
  the floor's wall time from starting its warm server to stopping it, each divided by all pairs.

The grading wall time with 2 workers and the speed-up from 1 to 2, with a target of at least 1.7x
on a machine of 2 cores or more (the grader, its warm server and the learners' children then
share those cores, so a busy machine shows it first). Also for information, without a target: a
fresh `python -m pytest exercises/NN --submission DIR` per (learner, exercise), timed on a sample,
against grading's steady-state and whole-run costs; and the largest grader process.

Each round runs every measurement once, in an order that is reversed every other round, and the
medians over the rounds are compared. The script exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker import course  # noqa: E402
from checker.course.manifest import Exercise  # noqa: E402
from checker.grade import cohort, engine, intake  # noqa: E402
from checker.grade.remote import SandboxedLearner  # noqa: E402
from checker.grade.sandbox import PRELOAD, ChildSpec, WarmServer  # noqa: E402
from checker.runtime import learner, runner  # noqa: E402
from checker.runtime.failures import LearnerFailure  # noqa: E402

EXERCISES = ("01", "02", "03")
TARGET = 1.5  # grading per (learner, exercise) against the floor, at most
SPEED_UP = 1.7  # 2 workers against 1, at least (with 2 cores or more)
SOLVED = 0  # the kind of learner who submitted the solutions (see submission_kinds)

# What grades the cohort: the same API `workbook grade` calls, in a process of its own.
GRADE = """
import json, resource, sys, time
from pathlib import Path
from checker.grade import cohort
from checker.grade.gradebook import FILE_NAME, Gradebook

submissions, out, root, workers, exercises = sys.argv[1:6]
options = cohort.Options(exercises=tuple(exercises.split(",")), workers=int(workers))
start = time.perf_counter()
tally = cohort.grade(Path(submissions), Path(out), options, root=Path(root))
seconds = time.perf_counter() - start
largest = max(
    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
)
book = Gradebook(Path(out) / FILE_NAME)
points = {}
for row in book.grades():
    got, most = points.get(row.learner, (0, 0))
    points[row.learner] = (got + row.points, most + row.max_points)
book.close()
print(json.dumps({"seconds": seconds, "done": tally.done, "failures": tally.failures,
                  "largest_kb": largest, "points": points}))
"""

# One call the checks made to a learner's app: ("request", client, method, path, options) or
# ("probe", function, args, on).
Call = tuple[Any, ...]


@dataclass
class Cohort:
    """The learner folders of a synthetic cohort, and which kind of submission each one is."""

    folder: Path
    kinds: list[int]  # per learner, in the order intake lists them

    @property
    def size(self) -> int:
        return len(self.kinds)


def submission_kinds() -> list[dict[str, Path]]:
    """Every kind of learner: all solved, all starters, and the solutions with one mistake each."""
    kinds: list[dict[str, Path]] = [
        {n: ROOT / "solutions" / n / "app.py" for n in EXERCISES},
        {n: ROOT / "exercises" / n / "app.py" for n in EXERCISES},
    ]
    for number in EXERCISES:
        for mistake in sorted((ROOT / "tests" / "mistakes" / number).glob("*/app.py")):
            kind = {n: ROOT / "solutions" / n / "app.py" for n in EXERCISES}
            kind[number] = mistake
            kinds.append(kind)
    return kinds


def make_cohort(folder: Path, size: int, kinds: list[dict[str, Path]]) -> Cohort:
    """``size`` learner folders (exercises/NN/app.py), cycling through the kinds."""
    for index in range(size):
        for number, source in kinds[index % len(kinds)].items():
            target = folder / f"learner-{index:04d}" / "exercises" / number / "app.py"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return Cohort(folder, [index % len(kinds) for index in range(size)])


def recorded_calls(synthetic: Cohort) -> dict[int, dict[str, list[Call]]]:
    """Per kind of learner and exercise, the requests and probes the checks sent to its app."""
    seen: dict[str, list[Call]] = {}
    request, probe = learner.Learner.request, learner.Learner.probe

    def record_request(
        self: learner.Learner, client: int, method: str, path: str, options: dict[str, Any]
    ) -> Any:
        seen.setdefault(self.exercise.id, []).append(
            ("request", client, method, path, copy.deepcopy(options))
        )
        return request(self, client, method, path, options)

    def record_probe(
        self: learner.Learner, function: Callable[..., Any], args: tuple[Any, ...], on: str
    ) -> Any:
        seen.setdefault(self.exercise.id, []).append(("probe", function, args, on))
        return probe(self, function, args, on)

    calls: dict[int, dict[str, list[Call]]] = {}
    learners = intake.learners(synthetic.folder)
    learner.Learner.request = record_request  # type: ignore[method-assign]
    learner.Learner.probe = record_probe  # type: ignore[method-assign]
    try:
        for kind, (_, folder) in zip(synthetic.kinds, learners, strict=True):
            if kind not in calls:
                seen = {}
                runner.check([ROOT / "exercises" / n for n in EXERCISES], submission=folder)
                calls[kind] = seen
    finally:
        learner.Learner.request = request  # type: ignore[method-assign]
        learner.Learner.probe = probe  # type: ignore[method-assign]
    if threading.active_count() != 1:
        sys.exit("recording the checks' requests left learner code running in this process")
    return calls


@dataclass
class Floor:
    whole: float  # seconds from starting the warm server to stopping it
    per_learner: list[float] = field(default_factory=list)  # seconds, in cohort order


def floor(synthetic: Cohort, calls: dict[int, dict[str, list[Call]]]) -> Floor:
    """Read, copy, fork, load and replay the checks' calls for every pair, without pytest."""
    exercises = [e for e in course.exercises(ROOT) if e.id in EXERCISES]
    settings = engine.Settings()
    # The engine's own helpers, so that the floor hides the same folders and, as root, gives the
    # children the same kind of uid as grading does, whatever those become.
    with tempfile.TemporaryDirectory(prefix="workbook-bench-out-") as out:
        hide = cohort._private(ROOT, synthetic.folder, Path(out), None, None)
    uid = engine._uid()
    result = Floor(0.0)
    start = time.perf_counter()
    # As engine._warm_server does: the libraries the manifests preload, imported once; and
    # as grade_batch does, the workspaces in the server's scratch folder.
    libraries = sorted({name for exercise in exercises for name in exercise.preload})
    server = WarmServer(preload=(*PRELOAD, *libraries), hide=hide)
    scratch = server.scratch
    try:
        entries = intake.learners(synthetic.folder)
        for (name, path), kind in zip(entries, synthetic.kinds, strict=True):
            began = time.perf_counter()
            submission = intake.read(name, path, exercises)
            for exercise in exercises:
                files = submission.exercises[exercise.id]
                pair_calls = calls[kind].get(exercise.id, [])
                loaded = serve_pair(server, exercise, files, settings, uid, scratch, pair_calls)
                if pair_calls and not loaded:
                    sys.exit(
                        f"the floor could not load {name}'s exercise {exercise.id}, which "
                        "the checks could: the floor would not be doing grading's work"
                    )
            result.per_learner.append(time.perf_counter() - began)
    finally:
        server.close()
    result.whole = time.perf_counter() - start
    return result


def serve_pair(
    server: WarmServer,
    exercise: Exercise,
    files: intake.LearnerFiles,
    settings: engine.Settings,
    uid: int | None,
    scratch: Path,
    calls: list[Call],
) -> bool:
    """One (learner, exercise) as the grading engine serves it, with the checks' calls replayed;
    whether the learner's app loaded."""
    if files.problem:
        return False  # grading forks nothing for a missing submission either
    workspace = Path(tempfile.mkdtemp(prefix="learner-", dir=scratch))
    run_dir = workspace / "exercises" / exercise.id
    shutil.copytree(
        exercise.directory, run_dir, ignore=learner.ignore_owned(exercise, exercise.directory)
    )
    for name, data in files.files.items():
        (run_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (run_dir / name).write_bytes(data)
    if uid is not None:
        for path in [workspace, *workspace.rglob("*")]:
            os.chown(path, uid, uid)
    spec = ChildSpec(
        exercise,
        workspace,
        settings.limits.for_exercise(exercise.sandbox),
        max(settings.check_timeout, exercise.sandbox.timeout or 0.0),
        uid,
        files.origins,
    )
    target = SandboxedLearner(server, spec)
    try:
        target.start()
    except LearnerFailure:
        shutil.rmtree(workspace, ignore_errors=True)
        return False  # it could not be loaded: grading sends it nothing either
    clients: dict[int, int] = {}
    for call in calls:
        try:
            if call[0] == "request":
                _, client, method, path, options = call
                if client not in clients:
                    clients[client] = target.open_client()
                target.request(clients[client], method, path, copy.deepcopy(options))
            else:
                _, function, args, on = call
                target.probe(function, args, on)
        except LearnerFailure:
            pass  # a timeout or a crash: grading goes on to the next check the same way
    target.close()
    shutil.rmtree(workspace, ignore_errors=True)
    return True


@dataclass(frozen=True)
class Graded:
    seconds: float
    largest_kb: int


def graded(synthetic: Cohort, workers: int) -> Graded:
    """Grade the cohort on EXERCISES with ``workers`` worker processes."""
    out = Path(tempfile.mkdtemp(prefix="workbook-bench-out-"))
    try:
        done = subprocess.run(
            [sys.executable, "-c", GRADE, str(synthetic.folder), str(out), str(ROOT), str(workers),
             ",".join(EXERCISES)],
            capture_output=True, text=True, cwd=ROOT, env=_environment(),
        )  # fmt: skip
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if done.returncode != 0:
        sys.exit(f"grading failed:\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if report["done"] != synthetic.size or report["failures"]:
        sys.exit(f"grading did not grade every learner: {report}")
    names = [name for name, _ in intake.learners(synthetic.folder)]
    for name, kind in zip(names, synthetic.kinds, strict=True):
        got, most = report["points"][name]
        if kind == SOLVED and (got != most or most == 0):
            sys.exit(f"grading gave the solutions {got}/{most} points ({name}): it did not grade")
    return Graded(report["seconds"], report["largest_kb"])


def fresh_pytest(synthetic: Cohort, picks: list[tuple[int, str]]) -> list[float]:
    """Seconds of one fresh `python -m pytest exercises/NN --submission DIR` per pick."""
    learners = intake.learners(synthetic.folder)
    times = []
    for index, number in picks:
        folder = learners[index][1] / "exercises" / number
        command = [
            sys.executable,
            "-m",
            "pytest",
            f"exercises/{number}",
            "--submission",
            str(folder),
        ]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, env=_environment())
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return times


def batch_size(learners: int, workers: int = 1) -> int:
    """How many learners `cohort.grade` puts in one batch (one pytest session), as it reckons it."""
    return max(1, min(cohort.MAX_BATCH, math.ceil(learners / (workers * 4))))


def _environment() -> dict[str, str]:
    """This checkout's checker first, whichever copy of flask-workbook is installed."""
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sample", type=int, default=10, help="fresh pytest runs to time")
    arguments = parser.parse_args()
    size, rounds = arguments.learners, arguments.rounds
    if size < 2 or rounds < 1 or arguments.sample < 1:
        parser.error("--learners must be at least 2, --rounds and --sample at least 1")
    half = size // 2
    marginal = (size - half) * len(EXERCISES)  # the pairs the steady state is measured on
    scratch = Path(tempfile.mkdtemp(prefix="workbook-grade-bench-"))
    try:
        kinds = submission_kinds()
        whole = make_cohort(scratch / "cohort", size, kinds)
        first_half = make_cohort(scratch / "first-half", half, kinds)
        calls = recorded_calls(whole)
        pairs = [(index, number) for index in range(size) for number in EXERCISES]
        stride = max(1, len(pairs) // arguments.sample)
        picks = pairs[::stride][: arguments.sample]
        per_round = math.ceil(len(picks) / rounds)

        floors: list[Floor] = []
        ones: list[Graded] = []
        halves: list[Graded] = []
        twos: list[Graded] = []
        fresh: list[float] = []

        def run_fresh() -> None:
            start = len(fresh) % len(picks)
            fresh.extend(fresh_pytest(whole, (picks * 2)[start : start + per_round]))

        steps: list[Callable[[], None]] = [
            lambda: floors.append(floor(whole, calls)),
            lambda: ones.append(graded(whole, 1)),
            lambda: halves.append(graded(first_half, 1)),
            lambda: twos.append(graded(whole, 2)),
            run_fresh,
        ]
        for number in range(rounds):
            for step in steps if number % 2 == 0 else steps[::-1]:
                step()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    n = size * len(EXERCISES)
    one = statistics.median(g.seconds for g in ones)
    two = statistics.median(g.seconds for g in twos)
    first = statistics.median(g.seconds for g in halves)
    steady = statistics.median(
        (whole_.seconds - half_.seconds) / marginal
        for whole_, half_ in zip(ones, halves, strict=True)
    )
    floor_steady = statistics.median(sum(f.per_learner[half:]) / marginal for f in floors)
    floor_whole = statistics.median(f.whole for f in floors)
    fresh_median = statistics.median(fresh)
    largest = max(g.largest_kb for g in [*ones, *halves, *twos]) / 1024

    print(
        f"cohort: {size} learners x {len(EXERCISES)} exercises = {n} pairs; steady state over "
        f"the last {size - half} learners ({marginal} pairs); {rounds} rounds; "
        f"{os.cpu_count()} cores"
    )
    batches = batch_size(size), batch_size(half)
    if batches[0] != batches[1]:
        print(
            f"note: with 1 worker, {size} learners are graded in batches of {batches[0]} and "
            f"{half} in batches of {batches[1]}, so the steady state counts the cost of starting "
            f"a batch (a pytest session) a little differently from a large cohort's; from "
            f"{4 * 2 * cohort.MAX_BATCH} learners on, both are batches of {cohort.MAX_BATCH}"
        )
    print(
        f"grading, 1 worker: median {one:.2f}s wall for {size} learners ({n / one:.1f} pairs/s), "
        f"{first:.2f}s for the first {half}; largest grader process {largest:.0f} MB "
        "(warm servers and learner children not counted)"
    )
    print(f"grading, 2 workers: median {two:.2f}s wall ({n / two:.1f} pairs/s)")
    cores = os.cpu_count() or 1
    scaled = cores < 2 or one / two >= SPEED_UP
    goal = (
        "one core: no target"
        if cores < 2
        else f"target >= {SPEED_UP:g}x, {'ok' if scaled else 'UNDER TARGET'}"
    )
    print(f"speed-up 1 -> 2 workers: {one / two:.2f}x (ideal 2x; {goal})")
    ratio = steady / floor_steady
    # Noise can make the whole cohort no slower than its first half; that measures nothing.
    met = 0 < ratio <= TARGET
    verdict = "ok" if met else "OVER TARGET" if ratio > 0 else "NOT MEASURED, too noisy"
    print(
        f"grading vs floor, steady state per (learner, exercise): {ratio:.2f}x "
        f"(target <= {TARGET:g}x, {verdict}); median {steady * 1000:.1f} ms vs "
        f"{floor_steady * 1000:.1f} ms over {rounds} rounds"
    )
    print(
        f"grading vs floor, whole run per (learner, exercise): {one / floor_whole:.2f}x "
        f"(no target); median {one / n * 1000:.1f} ms vs {floor_whole / n * 1000:.1f} ms "
        f"over {rounds} rounds"
    )
    print(
        f"fresh pytest per (learner, exercise) vs grading: {fresh_median / steady:.1f}x the "
        f"steady state, {fresh_median / (one / n):.1f}x the whole run (no target); median "
        f"{fresh_median * 1000:.0f} ms over {len(fresh)} runs"
    )
    return 0 if met and scaled else 1


if __name__ == "__main__":
    sys.exit(main())
