"""Tests of the unmatched queue, the roster search, accept-all and the decisions page (lms.matches)."""
