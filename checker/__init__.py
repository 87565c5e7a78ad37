"""flask-workbook's checker: grade a learner's Flask code with plain pytest checks.

Checks import what they need from :mod:`checker.api`; this package itself holds only the version,
so that loading the pytest plugin costs nothing in a run that has no exercise in it.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
