"""Fixtures of the report tests."""

from tests.support.reports import kent  # noqa: F401  (fixture)
