"""Use-cases over the database. Services flush; the boundary (view, CLI command, job) commits."""
