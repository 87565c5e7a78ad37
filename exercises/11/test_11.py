"""Checks for module 11: Testing your Flask app.

The learner's tests are graded by what they catch. Each check runs them (with the `suite`
fixture) against the course's app, which they must pass, against correct versions written
another way (variants/), which they must pass too, and against the buggy versions of its task
(bugs/), each of which must fail at least one test. The fixtures task also runs them the other
way round on the course's app: a test may not need what another did first; the parametrized
task needs one of its bugs to fail a test that runs once per case. A message names the bug that got through
by what the app does wrong, never by the test that would catch it.
"""

from pathlib import Path

import pytest

from checker.api import expect_catches, versions_in

HERE = Path(__file__).parent
CORRECT = versions_in(HERE / "variants")
EVERY_BUG = versions_in(HERE / "bugs")  # run in one batch with each task's own


@pytest.mark.task("fixtures")
def test_the_tests_catch_the_basic_bugs(suite):
    expect_catches(
        suite, versions_in(HERE / "bugs", "fixtures"), CORRECT, also=EVERY_BUG, in_any_order=True
    )


@pytest.mark.task("parametrized")
def test_the_tests_catch_the_edge_case_bugs(suite):
    expect_catches(
        suite, versions_in(HERE / "bugs", "parametrized"), CORRECT, also=EVERY_BUG, in_cases=True
    )


@pytest.mark.task("cli")
def test_the_tests_catch_the_command_bugs(suite):
    expect_catches(suite, versions_in(HERE / "bugs", "cli"), CORRECT, also=EVERY_BUG)


@pytest.mark.task("error-path")
def test_the_tests_catch_the_error_path_bugs(suite):
    expect_catches(suite, versions_in(HERE / "bugs", "error-path"), CORRECT, also=EVERY_BUG)
