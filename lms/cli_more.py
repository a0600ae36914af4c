"""`lms` commands for imports, emails, the scheduler and demo data."""

from __future__ import annotations

from lms.cli import cli, fail  # noqa: F401
