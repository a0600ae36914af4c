"""Pending records: Hydra lines another force's register sent to this force, waiting for it to accept them."""
