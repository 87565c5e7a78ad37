"""flask-workbook's checker: grade a learner's Flask code with plain pytest checks."""

from __future__ import annotations

from checker.expect import expect, expect_header, expect_json, expect_status, expect_text
from checker.failures import CheckFailed
from checker.results import Outcome

__version__ = "0.1.0"

__all__ = [
    "CheckFailed",
    "Outcome",
    "__version__",
    "expect",
    "expect_header",
    "expect_json",
    "expect_status",
    "expect_text",
]
