"""JupyterLab end to end: a learner's install, JupyterLab in headless Chromium, lesson 01 run to
its check table, exercise 01 written in JupyterLab's editor, and the check passing.

The course is copied to a temporary folder and installed there the way the README tells a learner
(``python -m venv .venv``, ``python -m pip install -e .``), so running the lesson touches none of
the developer's files. The copy's own ``jupyter lab`` serves it; Playwright drives Debian's
Chromium (never a downloaded browser) through the menu a learner would click: Run > Run All Cells.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from checker.course import manifest
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS, ROOT, needs_chromium

LESSON = "lessons/01_hello_flask.ipynb"
EXERCISE = manifest.load(ROOT / "exercises" / "01")
STARTER_SCORE = f"score: 0/{EXERCISE.points} points"  # the starter fails every task
SOLVED_SCORE = f"score: {EXERCISE.points}/{EXERCISE.points} points"
KERNEL_IDLE = re.compile(r"\(ipykernel\) \| Idle")  # the status bar: "Python 3 (ipykernel) | Idle"

pytestmark = needs_chromium


@dataclass
class Lab:
    """A running JupyterLab server, and what to show when something about it goes wrong."""

    process: subprocess.Popen[bytes]
    port: int
    token: str
    log: Path
    console: list[str] = field(default_factory=list)  # the browser's console errors

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def diagnosis(self) -> str:
        server_log = self.log.read_text(errors="replace")[-8000:]
        console = "\n".join(self.console[-30:]) or "(none)"
        return f"--- JupyterLab log ({self.log}) ---\n{server_log}\n--- browser console errors ---\n{console}"


def run(command: list[str], *, cwd: Path, what: str, timeout: float) -> None:
    """Run a setup command; fail with its output when it fails."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")
    }
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        output = error.output or ""  # bytes on POSIX, even with text=True
        output = output.decode(errors="replace") if isinstance(output, bytes) else output
        pytest.fail(f"{what} took longer than {timeout:.0f} s: {command}\n{output[-6000:]}")
    if done.returncode != 0:
        pytest.fail(f"{what} failed (exit {done.returncode}): {command}\n{done.stdout[-6000:]}")


def copy_course(destination: Path) -> None:
    """The files git sees in the working tree (tracked, plus new ones not ignored): a fresh clone
    with the developer's uncommitted edits, and no .venv, caches or build output."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


@pytest.fixture(scope="module")
def learner_course() -> Iterator[Path]:
    """A copy of the course, installed the way the README tells a learner to install it.

    A fresh venv and ``pip install -e .`` take 20 to 45 s here with pip's cache warm, so the test
    installs for real rather than borrowing the test environment. ``--no-compile`` skips
    byte-compiling every installed module up front (about a third of the install time); Python
    compiles the few the server and kernel import when they import them. The copy and its venv
    (about 250 MB) are deleted afterwards; the screenshot and the server log stay in ``tmp_path``.
    """
    with tempfile.TemporaryDirectory(prefix="workbook-learner-") as folder:
        course = Path(folder) / "flask-workbook"
        copy_course(course)
        run([sys.executable, "-m", "venv", ".venv"], cwd=course, what="python -m venv", timeout=120)
        run(
            [".venv/bin/python", "-m", "pip", "install", "--no-compile", "-e", "."],
            cwd=course,
            what="pip install -e .",
            timeout=600,
        )
        yield course


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def isolated_home(home: Path) -> dict[str, str]:
    """An environment whose Jupyter and IPython settings, kernels and runtime files all live in
    ``home``, with the learner's answer "no" already given to JupyterLab's news prompt."""
    settings = home / ".jupyter/lab/user-settings/@jupyterlab/apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "XDG_"))}
    # PYTHONDONTWRITEBYTECODE goes too: the venv was installed without .pyc files, and it is
    # thrown away afterwards, so let Python cache what it compiles.
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    env["HOME"] = str(home)
    return env


def wait_until_ready(lab: Lab, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            pytest.fail(f"JupyterLab exited with {lab.process.returncode}\n{lab.diagnosis()}")
        try:
            with urllib.request.urlopen(lab.url("api/status"), timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    pytest.fail(f"JupyterLab did not answer /api/status within {timeout:.0f} s\n{lab.diagnosis()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server the way Ctrl-C would (it shuts its kernels down), then make sure that
    nothing it started, kernels in their own sessions included, outlives it."""
    try:
        started = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        started = []
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    _, alive = psutil.wait_procs(started, timeout=10)
    for child in alive:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass


@pytest.fixture(scope="module")
def lab(learner_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """The copy's own JupyterLab, on localhost with a random token, serving the course folder."""
    tmp_path = tmp_path_factory.mktemp("jupyterlab")
    log = tmp_path / "jupyterlab.log"
    port, token = free_port(), secrets.token_hex(24)
    command = [
        str(learner_course / ".venv/bin/jupyter"),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",  # the port we chose, or a failure that says so
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={learner_course}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    # The lessons' examples make folders with tempfile, in the kernels' own temporary folder.
    kernels_temp = tmp_path / "temp"
    kernels_temp.mkdir()
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=learner_course,
            env={**isolated_home(tmp_path / "home"), "TMPDIR": str(kernels_temp)},
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    lab = Lab(process, port, token, log)
    try:
        wait_until_ready(lab)
        yield lab
    finally:
        stop(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright. ``playwright install`` is never run."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS, timeout=60_000
        )
        try:
            yield chromium
        finally:
            chromium.close()


def code_cell_count(notebook: Path) -> int:
    return sum(cell.cell_type == "code" for cell in nbformat.read(notebook, as_version=4).cells)


def run_all_cells(page: Page) -> None:
    """What a learner clicks: Run > Run All Cells."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def run_the_check_cell(page: Page) -> None:
    """What a learner does after changing the exercise: click the check cell (the lesson's last)
    on its table, then Run > Run Selected Cell. The cells above it ran already, in this kernel."""
    page.locator(".workbook-check").click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    # the item's accessible name ends with its shortcut (Shift+Enter), so match its label
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run Selected Cell$")).click()


def edit_and_save(page: Page, path: str, text: str, on_disk: Path) -> None:
    """What a learner does: File > Open from Path..., replace the file's text, File > Save."""
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.get_by_role("menuitem", name="Open from Path…").click()
    page.locator(".jp-Dialog input").fill(path)
    page.locator(".jp-Dialog").get_by_role("button", name="Open").click()
    editor = page.locator(".jp-FileEditor .cm-content")
    expect(editor, f"{path} did not open in the editor").to_be_visible(timeout=30_000)
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)  # as pasted: the editor adds no indentation of its own
    page.keyboard.press("Control+S")
    deadline = time.monotonic() + 30
    while on_disk.read_text() != text:
        assert time.monotonic() < deadline, f"{path} was not saved as typed:\n{on_disk.read_text()}"
        time.sleep(0.2)


def test_lesson_01_runs_to_its_check_table_in_jupyterlab(
    lab: Lab, browser: Browser, learner_course: Path, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.on("console", lambda m: lab.console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: lab.console.append(f"page error: {error}"))
    try:
        page.goto(lab.url(f"lab/tree/{LESSON}"), timeout=60_000)
        # The status bar names the kernel once it is really there. Run All before that opens a
        # "Select Kernel" dialog and runs nothing. (The toolbar's execution indicator says
        # "idle" from the start, kernel or not, so it cannot tell.)
        expect(
            page.locator("#jp-main-statusbar"), "the lesson's kernel never started"
        ).to_contain_text(KERNEL_IDLE, timeout=60_000)

        run_all_cells(page)

        check = page.locator(".workbook-check")
        dialog = page.locator(".jp-Dialog")
        expect(check.locator("table").or_(dialog), "the check table never showed").to_be_visible(
            timeout=90_000
        )
        assert not dialog.is_visible(), f"JupyterLab asked: {dialog.inner_text()}"
        expect(page.locator("#jp-main-statusbar"), "the kernel stayed busy").to_contain_text(
            KERNEL_IDLE, timeout=60_000
        )
        # Every code cell ran once, in order: an error would have stopped the run there.
        count = code_cell_count(learner_course / LESSON)
        expect(page.locator(".jp-CodeCell .jp-InputPrompt")).to_have_text(
            [f"[{n}]:" for n in range(1, count + 1)]
        )
        check.scroll_into_view_if_needed()
        page.screenshot(path=tmp_path / "lesson-01.png")

        expect(check).to_contain_text(STARTER_SCORE)
        expect(check.locator("td.fail").first).to_have_text("✗")

        # The learner writes exercise 01 in JupyterLab's editor, saves, and checks again.
        app = learner_course / "exercises" / "01" / "app.py"
        solution = (ROOT / "solutions" / "01" / "app.py").read_text()
        edit_and_save(page, "exercises/01/app.py", solution, app)
        page.locator(".lm-TabBar-tab", has_text=Path(LESSON).name).click()
        run_all_cells(page)
        expect(check, "the check did not see the saved app.py").to_contain_text(
            SOLVED_SCORE, timeout=90_000
        )
        expect(check.locator("td.fail")).to_have_count(0)
        page.screenshot(path=tmp_path / "lesson-01-solved.png")
    except BaseException:
        failure = tmp_path / "failure.png"
        try:
            page.screenshot(path=failure, full_page=True)
        except Exception as error:
            failure = Path(f"(no screenshot: {error})")
        print(f"screenshot: {failure}\n{lab.diagnosis()}")
        raise


OTHER_LESSONS = sorted(
    path.relative_to(ROOT).as_posix()
    for path in (ROOT / "lessons").glob("*.ipynb")
    if not path.name.startswith("01_")
)


@pytest.mark.parametrize(
    "lesson", OTHER_LESSONS, ids=[Path(name).name[:2] for name in OTHER_LESSONS]
)
def test_every_lesson_runs_to_its_check_table_in_jupyterlab(
    lab: Lab, browser: Browser, learner_course: Path, tmp_path: Path, lesson: str
) -> None:
    """Each lesson, run in JupyterLab, ends with its check table: the starter scores 0; with the
    solution's files in the exercise folder (written there as a learner's editor would), the same
    cell, run again on its own, gives full marks."""
    number = Path(lesson).name[:2]
    exercise = manifest.load(learner_course / "exercises" / number)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.on("pageerror", lambda error: lab.console.append(f"page error: {error}"))
    try:
        # A workspace of its own, reset: nothing of another test's tabs and kernels comes back.
        page.goto(
            lab.url(f"lab/workspaces/lesson-{number}/tree/{lesson}") + "&reset", timeout=60_000
        )
        expect(page.locator("#jp-main-statusbar"), "the kernel never started").to_contain_text(
            KERNEL_IDLE, timeout=60_000
        )
        run_all_cells(page)
        check = page.locator(".workbook-check")
        dialog = page.locator(".jp-Dialog")
        expect(check.locator("table").or_(dialog), "the check table never showed").to_be_visible(
            timeout=120_000
        )
        assert not dialog.is_visible(), f"JupyterLab asked: {dialog.inner_text()}"
        expect(check).to_contain_text(f"score: 0/{exercise.points} points")
        solution = ROOT / "solutions" / number
        for name in exercise.owned_in(solution):
            target = learner_course / "exercises" / number / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(solution / name, target)
        expect(page.locator("#jp-main-statusbar"), "the kernel stayed busy").to_contain_text(
            KERNEL_IDLE, timeout=60_000
        )
        run_the_check_cell(page)
        expect(check, "the check did not see the solution's files").to_contain_text(
            f"score: {exercise.points}/{exercise.points} points", timeout=120_000
        )
        expect(check.locator("td.fail")).to_have_count(0)
        page.screenshot(path=tmp_path / f"lesson-{number}-solved.png")
    except BaseException:
        failure = tmp_path / "failure.png"
        try:
            page.screenshot(path=failure, full_page=True)
        except Exception as error:
            failure = Path(f"(no screenshot: {error})")
        print(f"screenshot: {failure}\n{lab.diagnosis()}")
        raise
    finally:
        page.close()
