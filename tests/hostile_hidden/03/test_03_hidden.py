"""Hidden checks for the hostile corpus: graded, but never shown to learners."""

import os

import pytest

from checker.runtime.expect import expect, expect_status, expect_text


@pytest.mark.task("query-args")
def test_greet_a_name_with_a_space(client):
    response = client.get("/greet", query_string={"name": "Ada Lovelace"})
    expect_status(response, 200)
    expect_text(response, "Hello, Ada Lovelace!")


@pytest.mark.task("query-args")
def test_nothing_protected_was_readable(client):
    # This check runs in the trusted grader, so it may read the test's environment. A hidden
    # check sends no code to the learner's process: it asks the read-secrets case's /leaks
    # route, which no other submission has.
    protected = [
        os.path.realpath(p) for p in os.environ.get("WORKBOOK_PROTECTED", "").split(os.pathsep) if p
    ]
    response = client.get("/leaks")
    found = response.json if response.status_code == 200 else []
    readable = [
        path for path in found or []
        if any(path == p or path.startswith(p + os.sep) for p in protected)
    ]
    expect(not readable, f"HIDDEN-CHECK-SECRET: the submission could read {readable[:3]}")


@pytest.mark.task("page-number")
def test_what_a_learner_writes_is_capped(client):
    # Only the tmp-files case has /written: how many MB of its 420 MB flood it could write.
    response = client.get("/written")
    if response.status_code == 200:
        written = response.json["mb"]
        expect(written <= 64, f"HIDDEN-CHECK-SECRET: the submission wrote {written} MB")
