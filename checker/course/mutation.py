"""Check mutants of a solution in a warm process: a mutant is killed when a task stops passing.

One worker process per exercise imports the checker, Flask and the exercise's libraries, and checks
the unmutated solution itself, which warms every import the checks need. Then it forks a child
per mutant, so each mutant costs milliseconds of start-up instead of a fresh interpreter and a
fresh pytest, and whatever a mutant does (a loop that never ends, a thread, a changed global)
ends with its child. A child that takes longer than its budget is killed, and its mutant counts
as killed: a learner's code that hangs gets no points either.

``python -m checker.course.mutation`` is the worker; ``Worker`` starts it and talks to it in JSON
lines. Fork is POSIX only.
"""

from __future__ import annotations

import gc
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import checker
from checker.course.mutants import Mutant
from checker.course.results import ExerciseResult

DEFAULT_BUDGET = 30.0  # seconds one mutant's checks may take in all
NO_CHECK_RAN = "no check ran for this task"


@dataclass(frozen=True)
class Verdict:
    """What the checks made of one submission."""

    killed: bool  # some task did not pass, or the code could not be loaded
    reason: str  # why it was killed, or "" when every task passed
    broken: str = ""  # the checks themselves could not run: neither killed nor survived

    def to_json(self) -> dict[str, Any]:
        return {"killed": self.killed, "reason": self.reason, "broken": self.broken}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Verdict:
        return cls(bool(data["killed"]), str(data["reason"]), str(data.get("broken", "")))


def verdict_of(results: Sequence[ExerciseResult]) -> Verdict:
    """The verdict on one exercise's results: killed by its first task that did not pass."""
    if len(results) != 1:
        return Verdict(False, "", f"expected one exercise's results, got {len(results)}")
    result = results[0]
    if result.problem:
        return Verdict(True, f"it does not load: {_first_line(result.problem)}")
    failing = [task for task in result.tasks if not task.passed]
    ran = [task for task in failing if task.message != NO_CHECK_RAN] or failing
    if not ran:
        return Verdict(False, "")
    task = ran[0]
    return Verdict(True, f"{task.task.id} {task.outcome.value}: {_first_line(task.message)}")


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    line = lines[0] if lines else ""
    return line if len(line) <= 160 else line[:157] + "..."


@dataclass(frozen=True)
class Score:
    """How many of an exercise's mutants its checks killed."""

    exercise: str
    made: int  # every mutant of the solution
    equivalent: int  # listed as equivalent, so not counted
    checked: int  # the rest, or the sample of them that was checked
    survivors: tuple[Mutant, ...]

    @property
    def killed(self) -> int:
        return self.checked - len(self.survivors)

    @property
    def ratio(self) -> float:
        return self.killed / self.checked if self.checked else 1.0

    def line(self) -> str:
        counted = self.made - self.equivalent
        sample = (
            f"; a fixed sample of {self.checked} of the {counted} others was checked"
            if self.checked < counted
            else ""
        )
        return (
            f"module {self.exercise}: {self.ratio:.1%} of mutants killed, {self.killed} of "
            f"{self.checked} ({self.made} made, {self.equivalent} listed as equivalent{sample})"
        )

    def report(self) -> str:
        """The score line, then each survivor with its place and diff."""
        parts = [self.line()]
        for mutant in self.survivors:
            parts.append(f"  survived: {mutant.file}, line {mutant.line}: {mutant.change}")
            parts.append("".join(f"    {line}" for line in mutant.diff().splitlines(True)))
        return "\n".join(part.rstrip("\n") for part in parts)


def sample(mutants: Sequence[Mutant], size: int) -> list[Mutant]:
    """At most ``size`` of ``mutants``, the same ones on every run, in file and line order."""
    if len(mutants) <= size:
        return list(mutants)
    order = sorted(range(len(mutants)), key=lambda index: (mutants[index].rank, index))
    chosen = set(order[:size])
    return [mutant for index, mutant in enumerate(mutants) if index in chosen]


def submission_with(solution: Path, mutant: Mutant, into: Path) -> Path:
    """A copy of ``solution`` in ``into`` with the mutant's file written over it."""
    shutil.copytree(solution, into)
    (into / mutant.file).write_text(mutant.source, encoding="utf-8")
    return into


class WorkerError(RuntimeError):
    """The worker process ended before it answered; its error output says why."""


class Worker:
    """A warm process that checks submissions of one exercise, each in a forked child."""

    def __init__(
        self,
        exercise: Path,
        solution: Path,
        *,
        jobs: int = 1,
        budget: float = DEFAULT_BUDGET,
        seed: int = 0,
    ) -> None:
        """``seed`` is what the checks draw their inputs from, the same for every mutant, so a
        mutant is killed or not by what it does, not by the inputs it happened to meet."""
        self._log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        # The worker imports the same checker as this process, wherever that is installed.
        here = str(Path(checker.__file__).resolve().parent.parent)
        path = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH", "")) if p)
        environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": path}
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "checker.course.mutation",
                *map(str, (exercise, solution, seed)),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            encoding="utf-8",
            env=environment,
        )
        self._jobs = jobs
        self._budget = budget
        self.solution = Verdict.from_json(self._read())

    def check(self, submissions: Sequence[Path]) -> Iterator[tuple[int, Verdict, float]]:
        """(index, verdict, seconds) for each submission, as each finishes."""
        assert self._process.stdin is not None
        request = {
            "submissions": [str(path) for path in submissions],
            "jobs": self._jobs,
            "budget": self._budget,
        }
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        for _ in submissions:
            reply = self._read()
            yield reply["index"], Verdict.from_json(reply), reply["seconds"]

    def _read(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._process.wait()
            self._log.seek(0)
            raise WorkerError(
                f"the mutation worker exited with {self._process.returncode}: "
                f"{self._log.read()[-2000:]}"
            )
        reply: dict[str, Any] = json.loads(line)
        return reply

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._log.close()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# The worker process.


def _check(exercise: Path, submission: Path) -> Verdict:
    from checker.runtime import runner

    try:
        _, results = runner.check([exercise], submission=submission, first_failure=True, seed=_seed)
    except runner.CheckRunError as error:
        return Verdict(False, "", str(error))
    return verdict_of(results)


@dataclass
class _Child:
    index: int
    pid: int
    pipe: int
    started: float
    scratch: str  # the child's temporary folder, removed however the child ended
    data: bytes = b""


def _fork(index: int, exercise: Path, submission: Path) -> _Child:
    read, write = os.pipe()
    # The copy of the app, and whatever the checks or the mutant write, go in a folder of the
    # child's own: a mutant killed for hanging, or one that calls os._exit, cleans up nothing.
    scratch = tempfile.mkdtemp(prefix="workbook-mutant-")
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            tempfile.tempdir = scratch
            os.environ["TMPDIR"] = scratch
            os.setpgid(0, 0)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)  # the worker's requests are not the learner's input
            payload = json.dumps(_check(exercise, submission).to_json())
        except BaseException as error:
            payload = json.dumps(Verdict(False, "", f"the child failed: {error!r}").to_json())
        data = payload.encode()
        while data:
            data = data[os.write(write, data) :]
        os._exit(0)
    os.close(write)
    return _Child(index, pid, read, time.monotonic(), scratch)


def _run(
    exercise: Path, submissions: list[Path], jobs: int, budget: float
) -> Iterator[tuple[int, Verdict, float]]:
    waiting = list(enumerate(submissions))
    running: dict[int, _Child] = {}
    with selectors.DefaultSelector() as selector:
        while waiting or running:
            while waiting and len(running) < max(jobs, 1):
                index, submission = waiting.pop(0)
                child = _fork(index, exercise, submission)
                running[child.pipe] = child
                selector.register(child.pipe, selectors.EVENT_READ)
            soonest = min(child.started for child in running.values()) + budget
            events = selector.select(max(0.0, soonest - time.monotonic()))
            for key, _ in events:
                child = running[key.fd]
                chunk = os.read(child.pipe, 65536)
                if chunk:
                    child.data += chunk
                    continue
                yield _finish(selector, running, child, None)
            now = time.monotonic()
            for child in [c for c in running.values() if now - c.started > budget]:
                yield _finish(selector, running, child, budget)


def _finish(
    selector: selectors.BaseSelector,
    running: dict[int, _Child],
    child: _Child,
    timed_out: float | None,
) -> tuple[int, Verdict, float]:
    selector.unregister(child.pipe)
    del running[child.pipe]
    os.close(child.pipe)
    if timed_out is not None:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    os.waitpid(child.pid, 0)
    shutil.rmtree(child.scratch, ignore_errors=True)
    seconds = time.monotonic() - child.started
    if timed_out is not None:
        verdict = Verdict(True, f"its checks took longer than {timed_out:g} s in all")
    elif not child.data:
        verdict = Verdict(True, "it ended the process that checked it")
    else:
        verdict = Verdict.from_json(json.loads(child.data))
    return child.index, verdict, seconds


def _serve(exercise: Path, solution: Path, replies: TextIO) -> None:
    def send(data: dict[str, Any]) -> None:
        replies.write(json.dumps(data) + "\n")
        replies.flush()

    from checker.course import manifest

    for name in manifest.load(exercise).preload:
        __import__(name)
    send(_check(exercise, solution).to_json())  # the solution first: it also warms the imports
    # What is alive now lives as long as the worker: the garbage collector of each child (pytest
    # runs it at the end of every session) need not walk it, nor copy the pages it is on.
    gc.collect()
    gc.freeze()
    for line in sys.stdin:
        request = json.loads(line)
        submissions = [Path(path) for path in request["submissions"]]
        for index, verdict, seconds in _run(
            exercise, submissions, int(request["jobs"]), float(request["budget"])
        ):
            send({"index": index, "seconds": round(seconds, 3), **verdict.to_json()})


_seed = 0  # the worker's seed, from its command line


def main(argv: Sequence[str]) -> None:
    global _seed
    exercise, solution = (Path(arg).resolve() for arg in argv[:2])
    _seed = int(argv[2]) if len(argv) > 2 else 0
    # Replies go to the real stdout; whatever the learner's code prints goes to stderr.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(exercise, solution, replies)


if __name__ == "__main__":
    main(sys.argv[1:])
