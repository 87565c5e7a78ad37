"""Hidden checks for the hostile corpus: graded, but never shown to learners."""

import os

import pytest

from checker.runtime.expect import expect, expect_status, expect_text


def leaks_of(module):
    """Paths the learner's module says it could read (only the read-secrets case looks)."""
    return [str(path) for path in getattr(module, "LEAKS", [])]


@pytest.mark.task("query-args")
def test_greet_a_name_with_a_space(client):
    response = client.get("/greet", query_string={"name": "Ada Lovelace"})
    expect_status(response, 200)
    expect_text(response, "Hello, Ada Lovelace!")


@pytest.mark.task("query-args")
def test_nothing_protected_was_readable(probe):
    # This check runs in the trusted grader, so it may read the test's environment.
    protected = [
        os.path.realpath(p) for p in os.environ.get("WORKBOOK_PROTECTED", "").split(os.pathsep) if p
    ]
    readable = [
        path for path in probe.module(leaks_of)
        if any(path == p or path.startswith(p + os.sep) for p in protected)
    ]
    expect(not readable, f"HIDDEN-CHECK-SECRET: the submission could read {readable[:3]}")
