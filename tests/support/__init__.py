"""Helpers shared by the tests: factories, file makers, servers. No test module imports another test module."""
