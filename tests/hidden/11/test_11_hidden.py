"""Module 11's hidden checks: buggy versions of the app the learner never sees, and correct
versions written another way, so that tests written against only the visible bugs, or against
the app's exact source, do not score. Run by `workbook grade ... --hidden tests/hidden`."""

from pathlib import Path

import pytest

from checker.api import expect_catches, versions_in

HERE = Path(__file__).parent
CORRECT = versions_in(HERE / "variants")
EVERY_BUG = versions_in(HERE / "bugs")  # run in one batch with each task's own


@pytest.mark.task("fixtures")
def test_the_tests_catch_the_hidden_basic_bugs(suite):
    expect_catches(suite, versions_in(HERE / "bugs", "fixtures"), CORRECT, also=EVERY_BUG)


@pytest.mark.task("parametrized")
def test_the_tests_catch_the_hidden_edge_case_bugs(suite):
    expect_catches(
        suite, versions_in(HERE / "bugs", "parametrized"), CORRECT, also=EVERY_BUG, in_cases=True
    )


@pytest.mark.task("cli")
def test_the_tests_catch_the_hidden_command_bugs(suite):
    expect_catches(suite, versions_in(HERE / "bugs", "cli"), CORRECT, also=EVERY_BUG)


@pytest.mark.task("error-path")
def test_the_tests_catch_the_hidden_error_path_bugs(suite):
    expect_catches(suite, versions_in(HERE / "bugs", "error-path"), CORRECT, also=EVERY_BUG)
