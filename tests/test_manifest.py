"""Manifests: parsed into typed objects, and every mistake named with its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.course import manifest
from checker.course.manifest import ManifestError
from tests.conftest import MANIFEST


def write(tmp_path: Path, text: str, files: tuple[str, ...] = ("app.py",)) -> Path:
    folder = tmp_path / "03"
    folder.mkdir()
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("")
    (folder / "exercise.toml").write_text(text)
    return folder


def test_valid_manifest_becomes_typed_objects(tmp_path: Path):
    exercise = manifest.load(write(tmp_path, MANIFEST.format(number="03")))
    assert exercise.id == "03"
    assert exercise.files == ("app.py",)
    assert (exercise.app_module, exercise.app_name, exercise.factory) == ("app", "app", False)
    assert [task.id for task in exercise.tasks] == ["hello", "json"]
    assert exercise.points == 5
    assert exercise.task("json").hints == ("Return a dict.", "return {'ok': True}")


def test_factory_with_test_config(tmp_path: Path):
    text = MANIFEST.format(number="03").replace(
        'app = "app:app"', 'app = "app:create_app"\nfactory = true\n[config]\nTESTING = true\n'
    )
    # [config] must come before [[tasks]] in TOML; the replacement keeps it there.
    exercise = manifest.load(write(tmp_path, text))
    assert exercise.factory and exercise.config == {"TESTING": True}


@pytest.mark.parametrize(
    ("change", "problem", "fix"),
    [
        (
            ("", 'colour = "blue"\n'),
            "the manifest has unknown key 'colour'",
            "remove it or use one of",
        ),
        (
            ('hints = ["Return a string from the view.", "return \'Hello, World!\'"]\n', ""),
            "task 'hello' has no hint",
            "add hints",
        ),
        (
            ("points = 2", "points = 0"),
            "task 'hello': points must be positive, not 0",
            "points = 1",
        ),
        (("points = 2", "points = -1"), "points must be positive, not -1", "points = 1"),
        (
            ("points = 2", 'points = "2"'),
            "task 'hello': points must be a whole number, not text",
            "correct points",
        ),
        (
            ('files = ["app.py"]', 'files = ["app.py", "models.py"]'),
            "learner file 'models.py' does not exist",
            "create",
        ),
        (('id = "03"', 'id = "04"'), "id '04' does not match the folder '03'", 'set id = "03"'),
        (('app = "app:app"', 'app = "app"'), "app 'app' is not module:name", 'app = "app:app"'),
        (
            ('id = "hello"', 'id = "Hello World"'),
            "id must be lowercase words joined by hyphens",
            "form-data",
        ),
        (
            ('title = "Say hello"\n', 'title = "Say hello"\nhint = "x"\n'),
            "task 'hello' has unknown key 'hint'",
            "hints",
        ),
    ],
    ids=[
        "unknown-key",
        "no-hint",
        "zero-points",
        "negative-points",
        "points-text",
        "no-file",
        "wrong-id",
        "bad-app",
        "bad-task-id",
        "task-typo",
    ],
)
def test_each_error_names_the_file_and_the_fix(
    tmp_path: Path, change: tuple[str, str], problem: str, fix: str
):
    old, new = change
    text = MANIFEST.format(number="03")
    text = text.replace(old, new, 1) if old else new + text
    folder = write(tmp_path, text)
    with pytest.raises(ManifestError) as caught:
        manifest.load(folder)
    message = str(caught.value)
    assert message.startswith(str(folder / "exercise.toml"))
    assert problem in message
    assert fix in caught.value.fix


def test_sandbox_needs_are_typed(tmp_path: Path):
    text = MANIFEST.format(number="03").replace(
        "[[tasks]]", "[sandbox]\nprocesses = 4\ndisk_mb = 256\n\n[[tasks]]", 1
    )
    sandbox = manifest.load(write(tmp_path, text)).sandbox
    assert (sandbox.processes, sandbox.disk_mb, sandbox.memory_mb) == (4, 256, 1024)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("processes = -1", "processes must be a whole number"),
        ("disk_mb = 0", "disk_mb must be a positive whole number"),
        ("disk_mb = true", "disk_mb must be a positive whole number"),
        ("memory_mb = '1G'", "memory_mb must be a positive whole number"),
    ],
)
def test_sandbox_rejects_nonsense(tmp_path: Path, line: str, problem: str):
    text = MANIFEST.format(number="03").replace("[[tasks]]", f"[sandbox]\n{line}\n\n[[tasks]]", 1)
    with pytest.raises(ManifestError, match=problem):
        manifest.load(write(tmp_path, text))


def test_broken_toml_says_so(tmp_path: Path):
    with pytest.raises(ManifestError, match="not valid TOML"):
        manifest.load(write(tmp_path, "id = \n"))


def test_learner_file_may_be_missing_when_checking(tmp_path: Path):
    folder = write(tmp_path, MANIFEST.format(number="03"), files=())
    assert manifest.load(folder, check_files=False).files == ("app.py",)


def test_course_app_is_the_courses_and_the_learner_writes_its_tests(tmp_path: Path):
    text = MANIFEST.format(number="03").replace(
        'files = ["app.py"]\napp = "app:app"',
        'files = ["shop/tests/conftest.py", "shop/tests/test_*.py"]\napp = "shop:create_app"\n'
        "factory = true\ncourse_app = true",
    )
    folder = write(tmp_path, text, ("shop/__init__.py", "shop/tests/conftest.py"))
    exercise = manifest.load(folder)
    assert exercise.course_app and exercise.package
    assert exercise.app_file == "shop/__init__.py" and not exercise.owns("shop/__init__.py")
    assert exercise.edit_file == "shop/tests/conftest.py"
    assert exercise.owns("shop/tests/test_more.py")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('course_app = "yes"', "course_app must be true or false"),
        ("course_app = true", "course_app = true, but app is a learner file"),
    ],
)
def test_course_app_mistakes_are_named(tmp_path: Path, line: str, problem: str):
    text = MANIFEST.format(number="03").replace('app = "app:app"', f'app = "app:app"\n{line}')
    with pytest.raises(ManifestError, match=problem):
        manifest.load(write(tmp_path, text))
