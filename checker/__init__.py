"""flask-workbook's checker: grade a learner's Flask code with plain pytest checks."""

from __future__ import annotations

from checker.expect import expect, expect_header, expect_json, expect_status, expect_text
from checker.failures import CheckFailed
from checker.results import Outcome

__all__ = [
    "CheckFailed",
    "Outcome",
    "expect",
    "expect_header",
    "expect_json",
    "expect_status",
    "expect_text",
]
