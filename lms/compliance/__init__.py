"""Compliance: `rules` (pure, the oracle) and `sql` (the same rules as SQLAlchemy expressions)."""
