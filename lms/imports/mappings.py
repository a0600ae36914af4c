"""Remembered mappings: which of a force's headings is which field, and what a value the service did not know means.

A column mapping is kept per force (None for files uploaded for all forces), kind of file and set of headings
(`importers.header_signature`), so next month's export of the same shape imports at once. A value mapping is kept
per force and kind: a status such as "Achieved" means the same in every export the force sends. Saving and deleting
either is audited. Flushes only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import select

import importers
from importers.cells import normalise
from lms.audit import service as audit
from lms.extensions import db
from lms.imports.errors import ImportRefused
from lms.models import ColumnMapping, Force, User, ValueMapping, utcnow

# What a lead may say an unknown value means, per kind (the readers' value_map meanings).
MEANINGS: dict[str, tuple[str, str]] = {
    "college-learn": ("complete", "not complete"),
    "hydra": ("attended", "not attended"),
}


def _scope(model, force: Force | None):
    return model.force_id == force.id if force is not None else model.force_id.is_(None)


# --- what a request asks for -----------------------------------------------------------------------------------


def field_names(kind: str) -> list[str]:
    """The canonical column names a file of this kind may carry, required first."""
    return [f.name for f in importers.mappable_fields(kind)]


def check_fields(kind: str, fields: Mapping[str, str]) -> dict[str, str]:
    """The mapping with each field named canonically (case and punctuation ignored); ImportRefused (422) naming an
    unknown field or an empty heading."""
    if kind not in importers.KIND_LABELS:
        raise ImportRefused(f"Kind must be one of {', '.join(importers.KIND_LABELS)}, not '{kind}'")
    names = {normalise(n): n for n in field_names(kind)}
    out: dict[str, str] = {}
    for name, heading in fields.items():
        canonical = names.get(normalise(str(name)))
        if canonical is None:
            raise ImportRefused(f"'{name}' is not a column of {importers.KIND_LABELS[kind]}: map one of "
                                f"{', '.join(names.values())}", 422)
        if not isinstance(heading, str) or not heading.strip():
            raise ImportRefused(f"Name the file's heading for '{canonical}' (\"{canonical}=Heading in the file\")",
                                422)
        out[canonical] = heading.strip()
    return out


def parse_map_items(items: Iterable[str]) -> dict[str, str]:
    """`--map "Staff number=User ID Number"` options (repeatable) as a mapping; ImportRefused for one without "=".
    The fields are checked against the kind of file by `check_fields` (run_import does)."""
    fields: dict[str, str] = {}
    for item in items:
        name, sep, heading = item.partition("=")
        if not sep or not name.strip():
            raise ImportRefused(f"--map \"{item}\" should be FIELD=HEADING, like --map \"Staff number=User ID "
                                "Number\"", 422)
        fields[name.strip()] = heading
    return fields


def parse_map_json(text: str | None) -> dict | None:
    """The API's `map` field (a JSON object of canonical column name -> the file's heading); ImportRefused (422)
    for text that is not such an object. The fields are checked by `check_fields` (run_import does)."""
    if text is None or not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ImportRefused(f"map is not valid JSON ({exc.msg} at character {exc.pos}): send an object such as "
                            '{"Staff number": "User ID Number"}', 422) from None
    if not isinstance(value, dict):
        raise ImportRefused('map must be a JSON object such as {"Staff number": "User ID Number"}', 422)
    return value


# --- column mappings -------------------------------------------------------------------------------------------


def remembered_columns(force: Force | None, kind: str, headers: Sequence[str]) -> dict[str, str] | None:
    """The mapping remembered for this force, kind and set of headings, with each heading spelt as this file
    spells it (the signature ignores case and spacing; the readers want the heading exactly)."""
    signature = importers.header_signature(headers)
    mapping = db.session.scalar(select(ColumnMapping).where(
        _scope(ColumnMapping, force), ColumnMapping.kind == kind, ColumnMapping.signature == signature))
    if mapping is None:
        return None
    spelt = {normalise(h): h for h in headers}
    return {name: spelt.get(normalise(heading), heading) for name, heading in mapping.fields.items()}


def save_columns(force: Force | None, kind: str, headers: Sequence[str], fields: Mapping[str, str],
                 user: User | None, filename: str | None = None) -> ColumnMapping | None:
    """Remember a mapping for this force, kind and set of headings (replacing the one before); audited when it
    changes anything. Returns the mapping, or None when there is nothing to remember."""
    if not fields:
        return None
    signature = importers.header_signature(headers)
    mapping = db.session.scalar(select(ColumnMapping).where(
        _scope(ColumnMapping, force), ColumnMapping.kind == kind, ColumnMapping.signature == signature))
    if mapping is not None and mapping.fields == dict(fields):
        return mapping
    if mapping is None:
        mapping = ColumnMapping(force_id=force.id if force else None, kind=kind, signature=signature)
        db.session.add(mapping)
    mapping.fields = dict(fields)
    mapping.headers = list(headers)[:200]
    mapping.filename = (filename or "")[:255] or None
    mapping.saved_by_id = user.id if user else None
    mapping.saved_at = utcnow()
    db.session.flush()
    audit.record("import.mapping_saved", user, force_id=mapping.force_id, target=f"column mapping {mapping.id}",
                 kind=kind, fields=dict(fields))
    return mapping


# --- value mappings --------------------------------------------------------------------------------------------


def value_map(force: Force | None, kind: str) -> dict[str, str]:
    """The values remembered for this force and kind: value as the file wrote it -> its meaning."""
    if kind not in MEANINGS:
        return {}
    rows = db.session.scalars(select(ValueMapping).where(_scope(ValueMapping, force), ValueMapping.kind == kind))
    return {m.value: m.meaning for m in rows}


def save_values(force: Force | None, kind: str, choices: Mapping[str, str], user: User | None) -> int:
    """Remember what each value means (replacing what was said before); audited. Returns how many changed."""
    allowed = MEANINGS.get(kind)
    if allowed is None:
        raise ImportRefused("Only College Learn statuses and Hydra attendance values can be mapped")
    existing = {m.value_key: m for m in db.session.scalars(
        select(ValueMapping).where(_scope(ValueMapping, force), ValueMapping.kind == kind))}
    changed = {}
    for value, meaning in choices.items():
        if meaning not in allowed:
            raise ImportRefused(f"Say whether '{value}' means {allowed[0]} or {allowed[1]}", field=value)
        key = normalise(value)[:200]
        mapping = existing.get(key)
        if mapping is not None and mapping.meaning == meaning:
            continue
        if mapping is None:
            mapping = existing[key] = ValueMapping(force_id=force.id if force else None, kind=kind, value_key=key)
            db.session.add(mapping)
        mapping.value, mapping.meaning = value[:200], meaning
        mapping.saved_by_id, mapping.saved_at = (user.id if user else None), utcnow()
        changed[value] = meaning
    db.session.flush()
    if changed:
        audit.record("import.value_mapping_saved", user, force_id=force.id if force else None, kind=kind,
                     target=f"{len(changed)} values", values=changed)
    return len(changed)


# --- listing and deleting --------------------------------------------------------------------------------------


def force_mappings(force: Force | None) -> tuple[list[ColumnMapping], list[ValueMapping]]:
    """The column and value mappings remembered for a force (None: for all-forces files), newest first."""
    columns = db.session.scalars(select(ColumnMapping).where(_scope(ColumnMapping, force))
                                 .order_by(ColumnMapping.saved_at.desc(), ColumnMapping.id.desc()))
    values = db.session.scalars(select(ValueMapping).where(_scope(ValueMapping, force))
                                .order_by(ValueMapping.kind, ValueMapping.value))
    return list(columns), list(values)


def find_mapping(force: Force | None, what: str, mapping_id: int | None) -> ColumnMapping | ValueMapping | None:
    """A force's column ("columns") or value ("values") mapping by id, or None when it is not that force's."""
    model = ColumnMapping if what == "columns" else ValueMapping
    if mapping_id is None:
        return None
    mapping = db.session.get(model, mapping_id)
    if mapping is None or mapping.force_id != (force.id if force else None):
        return None
    return mapping


def delete_mapping(mapping: ColumnMapping | ValueMapping, user: User | None) -> str:
    """Forget a mapping; audited. Returns what the confirmation says."""
    if isinstance(mapping, ColumnMapping):
        target, said = f"column mapping {mapping.id}", "Column mapping deleted: files of that shape will ask again"
        details = {"kind": mapping.kind, "fields": mapping.fields}
    else:
        target, said = f"value mapping {mapping.id}", f"'{mapping.value}' is no longer mapped"
        details = {"kind": mapping.kind, "value": mapping.value, "meaning": mapping.meaning}
    audit.record("import.mapping_deleted", user, force_id=mapping.force_id, target=target, **details)
    db.session.delete(mapping)
    db.session.flush()
    return said
