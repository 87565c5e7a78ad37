"""Run exercise checks with pytest from Python, and hand back the results as data."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from checker import plugin
from checker.course.results import ExerciseResult
from checker.errors import Problem


class _Collector:
    """Keeps the results of the session it is registered in."""

    def __init__(self, app: Any = None) -> None:
        self.results: list[ExerciseResult] = []
        self.app = app

    def pytest_configure(self, config: pytest.Config) -> None:
        if self.app is not None:
            config.stash[plugin.given_app_key] = self.app

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.results = plugin.results(session.config)


def pytest_args(
    folders: Sequence[Path],
    *,
    submission: Path | None = None,
    timeout: float | None = None,
    seed: int | None = None,
) -> list[str]:
    """The pytest command-line arguments that check ``folders``."""
    # importlib: the checks of two courses (or two copies of one) never collide in sys.modules.
    args = [str(folder) for folder in folders] + [
        "--import-mode=importlib",
        "-p",
        "no:cacheprovider",
    ]
    if submission is not None:
        args += ["--submission", str(submission)]
    if timeout is not None:
        args += ["--check-timeout", str(timeout)]
    if seed is not None:
        args += ["--workbook-seed", str(seed)]
    return args


def check(
    folders: Sequence[Path],
    *,
    submission: Path | None = None,
    timeout: float | None = None,
    show: bool = False,
    app: Any = None,
    first_failure: bool = False,
    seed: int | None = None,
    plugins: Sequence[object] = (),
) -> tuple[int, list[ExerciseResult]]:
    """Check the exercises in ``folders`` in this process; return pytest's exit code and results.

    With ``show``, pytest prints its usual report; otherwise it prints nothing. With ``app``, the
    checks run against that Flask app object instead of the learner's files. With
    ``first_failure``, the run stops at the first check that does not pass (pytest's ``-x``), and
    tasks none of whose checks ran are scored missing. With ``seed``, the checks draw their inputs
    from it (otherwise from a new seed). ``plugins`` are more pytest plugins for this run.
    """
    collector = _Collector(app)
    interrupted = _Interrupted()
    args = pytest_args(folders, submission=submission, timeout=timeout, seed=seed)
    if not show:
        args += ["-p", "no:terminal"]
    if first_failure:
        args += ["-x"]
    try:
        code = pytest.main(args, plugins=[collector, interrupted, *plugins])
    finally:
        _forget_checks(folders)
    if interrupted.seen:
        raise KeyboardInterrupt  # the person's Ctrl-C, which pytest caught: not a broken run
    if code in _BROKEN:
        raise CheckRunError(
            f"pytest could not run the checks (exit code {int(code)}); "
            f"run `pytest {' '.join(str(folder) for folder in folders)}` to see why"
        )
    return int(code), collector.results


class _Interrupted:
    """Notes a Ctrl-C that pytest caught during the run."""

    def __init__(self) -> None:
        self.seen = False

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        # A check file that fails to import interrupts the session too: not a Ctrl-C.
        self.seen = not isinstance(excinfo.value, pytest.Session.Interrupted)


def _forget_checks(folders: Sequence[Path]) -> None:
    """Drop the check modules pytest imported, and the empty parents it made for them.

    pytest's importlib mode names a module by its path below the rootdir, so the next run in this
    process, from another course or a copy of this one, would otherwise get these modules back.
    """
    roots = [folder.resolve() for folder in folders]
    gone = []
    for name, module in list(sys.modules.items()):
        filename = getattr(module, "__file__", None)
        if not filename or not Path(filename).name.startswith("test_"):
            continue
        path = Path(filename).resolve()
        if any(path.parent == root or root in path.parents for root in roots):
            del sys.modules[name]
            gone.append(name)
    for name in gone:
        parts = name.split(".")
        for end in range(len(parts) - 1, 0, -1):
            parent = ".".join(parts[:end])
            if parent in sys.modules and getattr(sys.modules[parent], "__file__", None) is None:
                del sys.modules[parent]


class CheckRunError(Problem):
    """pytest itself could not run: a usage error, a broken manifest, an internal error."""

    exit_code = 3


_BROKEN = {pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR}
