"""Who a record belongs to, when no rule could say: the unmatched queue, the force lead's remembered decisions, and
Hydra rows another force's register sent to this force."""
