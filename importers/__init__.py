"""Pure readers for uploaded files: roster, College Learn completions and Hydra registers.

No Flask, no database: bytes in, typed rows with row errors out (``read_file``). A file that cannot
be read at all raises :class:`FileRefused`; one whose columns cannot be placed raises its subclass
:class:`ColumnsUnresolved`, with what a column-mapping page needs (``mappable_fields``,
``header_signature``). ``VOCABULARY`` and ``word_rules`` list every heading recognised.
"""

from .base import (
    KIND_LABELS,
    KINDS,
    ColumnsUnresolved,
    FileRefused,
    HydraRow,
    LearningRow,
    ReadResult,
    RosterRow,
    RowError,
)
from .dates import DateError, parse_date
from .forces import FORCES, FORCES_BY_CODE, resolve_force
from .identity import email_key, name_key, split_full_name, staff_key
from .mapping import MappableField, header_signature, mappable_fields
from .modules import DEFAULT_MODULE_ALIASES, ModuleResolver, status_info
from .read import read_college_learn, read_file, read_hydra, read_roster
from .templates import CANONICAL_HEADERS, template_xlsx
from .vocabulary import SYSTEMS, VOCABULARY, vocabulary
from .words import word_rules

__all__ = [
    "CANONICAL_HEADERS",
    "DEFAULT_MODULE_ALIASES",
    "FORCES",
    "FORCES_BY_CODE",
    "KINDS",
    "KIND_LABELS",
    "SYSTEMS",
    "VOCABULARY",
    "ColumnsUnresolved",
    "DateError",
    "FileRefused",
    "HydraRow",
    "LearningRow",
    "MappableField",
    "ModuleResolver",
    "ReadResult",
    "RosterRow",
    "RowError",
    "email_key",
    "header_signature",
    "mappable_fields",
    "name_key",
    "parse_date",
    "read_college_learn",
    "read_file",
    "read_hydra",
    "read_roster",
    "resolve_force",
    "split_full_name",
    "staff_key",
    "status_info",
    "template_xlsx",
    "vocabulary",
    "word_rules",
]
