"""Module 11's grading of a learner's test suite: the runner (checker.runtime.suite), and the
hidden bugs, through the real grader and its sandbox."""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from checker.grade import cohort
from checker.grade.cohort import Options
from checker.grade.gradebook import Gradebook
from checker.runtime import runner, suite
from checker.runtime.failures import CheckFailed
from checker.runtime.suite import versions_in

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "exercises" / "11"
HIDDEN = ROOT / "tests" / "hidden"


def workspace(into: Path, tests: dict[str, str]) -> Path:
    shutil.copytree(EXERCISE / "todo", into / "todo", ignore=shutil.ignore_patterns("test_*.py"))
    for name, text in tests.items():
        (into / "todo" / "tests" / name).write_text(text)
    return into


def test_a_run_reports_each_test_and_its_short_reason(tmp_path: Path):
    folder = workspace(
        tmp_path,
        {
            "conftest.py": "",
            "test_a.py": "def test_good():\n    assert 1 + 1 == 2\n\n"
            "def test_bad():\n    assert 404 == 201\n",
        },
    )
    found = suite.run(folder, "todo/tests", {"": {}})[""]
    assert found.status == "failed" and not found.passed
    assert {t.name: t.outcome for t in found.tests} == {
        "test_a.py::test_good": "passed",
        "test_a.py::test_bad": "failed",
    }
    assert "assert 404 == 201" in found.failing[0].reason


def test_a_run_names_each_failing_case_of_a_test_that_runs_per_case(tmp_path: Path):
    tests = (
        "import unittest\n\nimport pytest\n\n"
        "@pytest.mark.parametrize('x', [1, 2])\n"
        "def test_param(x):\n    assert x == 1\n\n"
        "class TestLoop(unittest.TestCase):\n"
        "    def test_sub(self):\n"
        "        for x in (1, 2):\n"
        "            with self.subTest(x=x):\n"
        "                self.assertEqual(x, 1)\n\n"
        "def test_once():\n    assert False\n"
    )
    folder = workspace(tmp_path, {"conftest.py": "", "test_a.py": tests})
    found = suite.run(folder, "todo/tests", {"": {}})[""]
    failing = {t.name: t.is_case for t in found.failing}
    assert failing == {
        "test_a.py::test_param[2]": True,
        "test_a.py::TestLoop::test_sub [x=2]": True,
        "test_a.py::test_once": False,
    }, found


def test_a_run_that_hangs_is_killed_with_what_it_started(tmp_path: Path):
    test = (
        "import subprocess, sys, time\n"
        "def test_sleeps():\n"
        "    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(31.5)'])\n"
        "    time.sleep(60)\n"
    )
    folder = workspace(tmp_path, {"conftest.py": "", "test_hang.py": test})
    started = time.monotonic()
    found = suite.run(folder, "todo/tests", {"": {}}, timeout=2.0)[""]
    assert found.status == "timeout", found
    assert found.detail == "test_hang.py::test_sleeps was still running after 2 s", found
    assert time.monotonic() - started < 10
    time.sleep(0.2)
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        assert b"time.sleep(31.5)" not in command, "the test's own child outlived the run"


def test_runs_that_hang_stop_when_the_budget_is_spent_and_say_what_hung(tmp_path: Path):
    test = "import time\n\ndef test_fine():\n    pass\n\ndef test_stuck():\n    time.sleep(60)\n"
    folder = workspace(tmp_path, {"conftest.py": "", "test_hang.py": test})
    versions = {name: {"todo/extra.py": f"# {name}\n"} for name in ("a", "b", "c")}
    started = time.monotonic()
    found = suite.run(folder, "todo/tests", versions, jobs=1, timeout=20.0, budget=2.0)
    assert time.monotonic() - started < 10
    assert all(run.status == "timeout" for run in found.values()), found
    details = sorted(run.detail for run in found.values())
    assert details[0] == "test_hang.py::test_stuck was still running after 2 s", details
    assert details[1] == details[2] == (
        "the checks' time ran out before this run of them began; in another, " + details[0]
    ), details


def test_a_syntax_error_says_where_and_an_exit_is_a_crash(tmp_path: Path):
    broken = workspace(tmp_path / "a", {"conftest.py": "", "test_a.py": "def test_a(:\n    pass\n"})
    found = suite.run(broken, "todo/tests", {"": {}})[""]
    assert found.status == "broken" and 'test_a.py", line 1' in found.detail, found
    leaves = workspace(tmp_path / "b", {"conftest.py": "import os\nos._exit(0)\n", "test_a.py": ""})
    found = suite.run(leaves, "todo/tests", {"": {}})[""]
    assert found.status == "crashed" and "before pytest finished" in found.detail, found


def test_a_report_not_in_its_form_is_a_broken_run(tmp_path: Path):
    forge = (
        "def pytest_unconfigure(config):\n"
        "    with open('.suite-report.jsonl', 'a') as report:\n"
        "        report.write('{\"kind\": \"test\", \"name\": 1}\\n')\n"
    )
    folder = workspace(tmp_path, {"conftest.py": forge, "test_a.py": "def test_a():\n    pass\n"})
    found = suite.run(folder, "todo/tests", {"": {}})[""]
    assert found.status == "broken" and not found.passed
    assert suite.SuiteRun.from_data({"status": "passed", "tests": "all"}).status == "broken"


def test_a_database_file_every_run_shares_is_found_and_named(tmp_path: Path):
    fixed = tmp_path / "shared.sqlite"
    conftest = (
        "import tempfile\n\nimport pytest\n\nfrom todo import create_app\nfrom todo.db import init_db\n\n"
        "@pytest.fixture(params=['fixed', 'own'])\n"
        "def app(request):\n"
        f"    own = tempfile.mkstemp(dir={str(tmp_path)!r})[1]  # outside the run's copy too\n"
        f"    path = {str(fixed)!r} if request.param == 'fixed' else own\n"
        "    app = create_app({'TESTING': True, 'DATABASE': path})\n"
        "    with app.app_context():\n"
        "        init_db()\n"
        "    return app\n"
    )
    test = "def test_list(app):\n    assert app.test_client().get('/todos').get_json() == []\n"
    folder = workspace(tmp_path / "app", {"conftest.py": conftest, "test_a.py": test})
    versions = {name: {"todo/extra.py": f"# {name}\n"} for name in ("a", "b")}
    found = suite.run(folder, "todo/tests", versions)
    assert all(str(fixed) in run.databases and len(run.databases) == 2 for run in found.values())
    note = suite._shared(found)
    assert str(fixed) in note and "same file in every run" in note, note
    assert "tmp" in note and suite._shared({"a": found["a"]}) == ""


class Canned:
    """A stand-in for the suite fixture, whose runs are given."""

    tests = "todo/tests"

    def __init__(self, runs: dict[str, suite.SuiteRun]) -> None:
        self.runs = runs

    def run(self, *versions: suite.Version, **options: object) -> dict[str, suite.SuiteRun]:
        return {version.name: self.runs[version.name] for version in versions}


def test_a_correct_version_failed_by_a_shared_database_blames_the_file_not_the_wording():
    passing = suite.SuiteRun("passed", (suite.TestResult("test_a.py::test_a", "passed"),))
    failing = suite.SuiteRun(
        "failed", (suite.TestResult("test_a.py::test_a", "failed", "assert [1] == []"),)
    )
    shared = ("/tmp/todo.sqlite",)
    correct = suite.Version("other", "written another way")
    runs = {"": replace(passing, databases=shared), "other": replace(failing, databases=shared)}
    with pytest.raises(CheckFailed) as failed:
        suite.expect_catches(Canned(runs), [], [correct])  # type: ignore[arg-type]
    message = str(failed.value)
    assert "/tmp/todo.sqlite) is the same file in every run" in message, message
    assert "wording of an error" not in message, message
    runs = {"": passing, "other": failing}
    with pytest.raises(CheckFailed) as failed:
        suite.expect_catches(Canned(runs), [], [correct])  # type: ignore[arg-type]
    assert "wording of an error" in str(failed.value)


def test_a_bug_missed_inside_a_held_app_context_names_that_likely_cause():
    passing = suite.SuiteRun("passed", (suite.TestResult("test_a.py::test_a", "passed"),))
    bug = suite.Version("bug", "a new to-do is never committed", "fixtures", (), "held open")
    for held, said in [(True, True), (False, False)]:
        runs = {"": passing, "bug": replace(passing, context=held)}
        with pytest.raises(CheckFailed) as failed:
            suite.expect_catches(Canned(runs), [bug], [])  # type: ignore[arg-type]
        assert ("held open" in str(failed.value)) is said, failed.value


def test_every_bug_and_variant_names_its_task_and_changes_the_app():
    tasks = {"fixtures", "parametrized", "cli", "error-path"}
    for folder in (EXERCISE / "bugs", HIDDEN / "11" / "bugs"):
        for bug in versions_in(folder):
            assert bug.task in tasks, bug.name
            assert bug.files and all((EXERCISE / name).is_file() for name, _ in bug.files)
    assert len(versions_in(EXERCISE / "variants")) == 3


def test_the_checks_never_collect_the_learners_tests_nor_import_their_conftest(tmp_path: Path):
    copy = tmp_path / "11"
    shutil.copytree(EXERCISE, copy, ignore=shutil.ignore_patterns("instance", "__pycache__"))
    marker = tmp_path / "imported-by"
    conftest = copy / "todo" / "tests" / "conftest.py"
    conftest.write_text(
        f"import os\nopen({str(marker)!r}, 'a').write(f'{{os.getpid()}}\\n')\n"
        + conftest.read_text()
    )
    collected: list[str] = []

    class Collected:
        def pytest_collection_finish(self, session: pytest.Session) -> None:
            collected.extend(item.nodeid for item in session.items)

    code = pytest.main(
        [str(copy), "--collect-only", "-p", "no:terminal", "-p", "no:cacheprovider"],
        plugins=[Collected()],
    )
    assert code in (0, 1)  # 1: the tasks, none of whose checks ran, are not passed
    assert collected and all("test_11.py::" in nodeid for nodeid in collected), collected
    assert not marker.exists(), "the learner's conftest was imported by the checks' process"
    for name in [n for n in sys.modules if n.endswith("test_11")]:
        del sys.modules[name]


CORRECT = versions_in(EXERCISE / "variants")


def code_digest(app: Path, replaced: dict[str, str]) -> str:
    """What the cheating suite below computes: a digest of the app modules' syntax trees."""
    digest = hashlib.sha256()
    for path in sorted(app.glob("*.py")):
        text = replaced.get(f"todo/{path.name}", path.read_text())
        digest.update(path.name.encode() + ast.dump(ast.parse(text)).encode())
    return digest.hexdigest()


def test_a_suite_that_knows_the_files_digest_meets_a_new_one_each_seed(tmp_path: Path):
    known = hashlib.sha256()
    for path in sorted((EXERCISE / "todo").glob("*.py")):
        known.update(path.read_bytes())
    cheat = tmp_path / "todo" / "tests"
    cheat.mkdir(parents=True)
    (cheat / "conftest.py").write_text("")
    (cheat / "test_todo.py").write_text(
        "import hashlib, pathlib\n\n"
        "def test_the_source_is_known():\n"
        "    digest = hashlib.sha256()\n"
        "    for path in sorted(pathlib.Path(__file__).parent.parent.glob('*.py')):\n"
        "        digest.update(path.read_bytes())\n"
        f"    assert digest.hexdigest() == {known.hexdigest()!r}\n"
    )
    _, [result] = runner.check([EXERCISE], submission=tmp_path, seed=5)
    assert result.points == 0
    assert all("fail against the course's app" in task.message for task in result.tasks)


def diff_size_suite(known: list[dict[str, str]]) -> str:
    """A suite that tests nothing: it passes where the app's code, as syntax trees (so comments
    do not count), is one of ``known`` (the files each version replaces) or differs from the
    course's by more than 8 lines, and fails in between. Every bug changes 1 to 5 lines, and a
    correct version written another way often 15 or more."""
    app = EXERCISE / "todo"

    def unparsed(replaced: dict[str, str]) -> dict[str, str]:
        return {
            path.name: ast.unparse(ast.parse(replaced.get(f"todo/{path.name}", path.read_text())))
            for path in sorted(app.glob("*.py"))
        }

    seen = [unparsed(files) for files in known]
    return (
        "import ast, difflib, pathlib\n\nimport pytest\n\n"
        f"SEEN = {seen!r}\n\n"
        "@pytest.mark.parametrize('case', [1, 2])\n"  # the parametrized task needs cases
        "def test_the_code_is_known_or_far_from_it(case):\n"
        "    top = pathlib.Path(__file__).parent.parent\n"
        "    now = {name: ast.unparse(ast.parse((top / name).read_text())) for name in SEEN[0]}\n"
        "    if now in SEEN:\n"
        "        return\n"
        "    changed = 0\n"
        "    for name, text in now.items():\n"
        "        diff = difflib.unified_diff(SEEN[0][name].splitlines(), text.splitlines(), n=0)\n"
        "        changed += sum(1 for line in diff if line[:1] in '+-' and line[:3] not in ('+++', '---'))\n"
        "    assert changed > 8\n"
    )


def test_a_suite_that_goes_by_the_size_of_the_diff_meets_a_small_correct_rewrite(tmp_path: Path):
    gamer = tmp_path / "todo" / "tests"
    gamer.mkdir(parents=True)
    (gamer / "conftest.py").write_text("")
    (gamer / "test_todo.py").write_text(diff_size_suite([{}]))
    _, [result] = runner.check([EXERCISE], submission=tmp_path, seed=5)
    assert result.points == 0
    small = "one local variable of the list view renamed"
    assert all(small in task.message for task in result.tasks), result.tasks


def rows(out: Path) -> dict[tuple[str, str], tuple[str, str]]:
    book = Gradebook(out / "gradebook.sqlite")
    found = {(g.learner, g.task): (g.outcome.value, g.message) for g in book.grades()}
    book.close()
    return found


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the grader forks a child per learner")
def test_hidden_bugs_fail_tests_that_guard_only_against_the_visible_ones(tmp_path: Path):
    submissions = tmp_path / "submissions"
    learners = {
        "solution": ROOT / "solutions" / "11",
        "visible-only": HIDDEN / "11" / "suites" / "guards-only-the-visible-bugs",
    }
    for learner, folder in learners.items():
        into = submissions / learner / "exercises" / "11"
        shutil.copytree(ROOT / "solutions" / "11", into)
        shutil.copytree(folder / "todo", into / "todo", dirs_exist_ok=True)
    # A suite that tests nothing: it passes where the app's code is code it has seen (the
    # course's app and the visible correct versions, compared as syntax trees, so the comment
    # the checks add to every run's copy does not change it), and fails everywhere else.
    seen = {code_digest(EXERCISE / "todo", dict(v.files)) for v in [suite.THE_APP, *CORRECT]}
    cheat = submissions / "knows-the-code" / "exercises" / "11" / "todo" / "tests"
    cheat.mkdir(parents=True)
    (cheat / "conftest.py").write_text("")
    (cheat / "test_todo.py").write_text(
        "import ast, hashlib, pathlib\n\nimport pytest\n\n"
        "@pytest.mark.parametrize('case', [1, 2])\n"  # the parametrized task needs cases
        "def test_the_code_is_known(case):\n"
        "    top = pathlib.Path(__file__).parent.parent\n"
        "    digest = hashlib.sha256()\n"
        "    for path in sorted(top.glob('*.py')):\n"
        "        tree = ast.dump(ast.parse(path.read_text()))\n"
        "        digest.update(path.name.encode() + tree.encode())\n"
        f"    assert digest.hexdigest() in {sorted(seen)!r}\n"
    )
    # One that knows those too, and passes where the code is far from the course's: the
    # hidden correct versions that change a line or two fail it.
    gamer = submissions / "games-the-diff-size" / "exercises" / "11" / "todo" / "tests"
    gamer.mkdir(parents=True)
    (gamer / "conftest.py").write_text("")
    (gamer / "test_todo.py").write_text(diff_size_suite([{}, *(dict(v.files) for v in CORRECT)]))
    out = tmp_path / "out"
    options = Options(exercises=("11",), hidden=HIDDEN, check_timeout=5.0, workers=1)
    tally = cohort.grade(submissions, out, options, root=ROOT)
    assert not tally.failures
    found = rows(out)
    assert all(found["solution", task][0] == "passed" for task in ("fixtures", "cli")), found
    assert all(outcome == "passed" for (who, _), (outcome, _) in found.items() if who == "solution")
    assert found["visible-only", "fixtures"][0] == "passed"
    for task in ("fixtures", "parametrized", "cli", "error-path"):
        outcome, message = found["knows-the-code", task]
        assert outcome == "failed", (task, message)
        assert "a Location header on create" in message, message  # the hidden version
    for task, bug in [
        ("parametrized", "titles are stored with the spaces around them"),
        ("cli", "flask add marks every new to-do done"),
        ("error-path", "POST /todos without a title raises KeyError"),
    ]:
        outcome, message = found["visible-only", task]
        assert outcome == "failed", (task, message)
        assert bug in message, (task, message)
    for task in ("fixtures", "parametrized", "cli", "error-path"):
        outcome, message = found["games-the-diff-size", task]
        assert outcome == "failed", (task, message)
        assert "registered in another order" in message, message  # a hidden small rewrite
