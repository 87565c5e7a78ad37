"""What a module's checks import: ``from checker.api import expect_status, select, ...``.

This is the one stable place for check authors; the fixtures (``client``, ``probe``, ``cli``,
``submission``, ``inputs``) and the ``task`` and ``fresh_app`` markers come from the checker's
pytest plugin.
docs/authoring.md describes every part with an example.
"""

from __future__ import annotations

from checker.runtime.client import (
    Cli,
    Client,
    CliResult,
    LogEntry,
    Probe,
    Rendered,
    Response,
    Server,
    Services,
)
from checker.runtime.expect import (
    differs,
    expect,
    expect_cookie,
    expect_element,
    expect_equal,
    expect_flash,
    expect_header,
    expect_json,
    expect_log,
    expect_redirect,
    expect_status,
    expect_template,
    expect_text,
    explain_status,
    select,
)
from checker.runtime.failures import CheckFailed
from checker.runtime.inputs import Inputs
from checker.runtime.submission import Submission
from checker.runtime.suite import THE_APP, Suite, SuiteRun, Version, expect_catches, versions_in

__all__ = [
    "THE_APP",
    "CheckFailed",
    "Cli",
    "CliResult",
    "Client",
    "Inputs",
    "LogEntry",
    "Probe",
    "Rendered",
    "Response",
    "Server",
    "Services",
    "Submission",
    "Suite",
    "SuiteRun",
    "Version",
    "differs",
    "expect",
    "expect_catches",
    "expect_cookie",
    "expect_element",
    "expect_equal",
    "expect_flash",
    "expect_header",
    "expect_json",
    "expect_log",
    "expect_redirect",
    "expect_status",
    "expect_template",
    "expect_text",
    "explain_status",
    "select",
    "versions_in",
]
