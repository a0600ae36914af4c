"""Who must do what: a roster row's requirements from its explicit flags or its role category (DESIGN.md).

Pure, like `lms.compliance.rules`, which re-exports these names.
"""

from __future__ import annotations

from collections.abc import Mapping

# category -> (e-learning required, Hydra required). The admin can edit the rules held in the
# database; this is the default from DESIGN.md and what the database is seeded with.
DEFAULT_RULES: dict[str, tuple[bool, bool]] = {
    "frontline": (True, False),
    "investigator": (True, True),
    "manager": (False, True),
    "other": (False, False),
}


class UnknownRoleCategory(ValueError):
    """A roster row needs its role category to say what it must do, and the category is missing or unknown."""


def resolve_requirements(
    role_category: str | None,
    elearning: bool | None,
    hydra: bool | None,
    rules: Mapping[str, tuple[bool, bool]] = DEFAULT_RULES,
) -> tuple[bool, bool]:
    """Return ``(elearning_required, hydra_required)`` for one roster row.

    An explicit flag (not ``None``) wins, each independently; only a flag left blank falls back
    to the rule for the row's role category (matched case-insensitively, spaces trimmed). When a
    fallback is needed and the category is missing or not in ``rules``, raise
    ``UnknownRoleCategory`` naming the known categories.
    """
    if elearning is not None and hydra is not None:
        # Both given: the category is irrelevant, so a blank or odd one must not reject the row.
        return elearning, hydra
    rule = _rule_for(role_category, rules)
    return (rule[0] if elearning is None else elearning, rule[1] if hydra is None else hydra)


def _rule_for(role_category: str | None, rules: Mapping[str, tuple[bool, bool]]) -> tuple[bool, bool]:
    # Admin-edited keys may have any case, so fold both sides rather than trust the mapping.
    folded = {key.strip().casefold(): value for key, value in rules.items()}
    known = ", ".join(rules) or "none configured"
    category = (role_category or "").strip()
    if not category:
        raise UnknownRoleCategory(
            f"No role category, and no E-learning required / Hydra required value: give a role category "
            f"(one of {known}) or both Y/N columns"
        )
    try:
        return folded[category.casefold()]
    except KeyError:
        raise UnknownRoleCategory(f"{category} is not a known role category (known: {known})") from None
