"""The values every reader returns: row errors, refusals and the typed rows of each kind of file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

KINDS: tuple[str, ...] = ("roster", "college-learn", "hydra")

# How messages name each kind of file.
KIND_LABELS: dict[str, str] = {
    "roster": "a roster",
    "college-learn": "a College Learn export",
    "hydra": "a Hydra register",
}


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one row (or one cell) of an uploaded file.

    ``row`` is the spreadsheet's own row number (1-based, counting title and header rows);
    ``column`` is the header text as it appears in the file (or the canonical name when the
    column is missing); ``message`` says what is wrong and how to fix it.
    """

    row: int
    column: str | None
    message: str

    def as_dict(self) -> dict:
        """Return ``{"row": .., "column": .., "message": ..}`` for the import summary."""
        return {"row": self.row, "column": self.column, "message": self.message}


class FileRefused(Exception):
    """The whole file cannot be read (wrong format, missing columns, no data...): nothing is stored."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def __str__(self) -> str:
        return self.message


class ColumnsUnresolved(FileRefused):
    """A required column is missing, or a heading is ambiguous: the lead may map the file's headings to fields.

    ``missing`` and the keys of ``ambiguous`` are canonical column names as :func:`importers.mappable_fields`
    names them for ``kind`` (CONTRACT.md "Files": ``"Staff number"``, ``"Organisation"``...); ``ambiguous``
    maps each to the file's candidate headings. ``headers`` are the file's headings in order (blanks
    dropped), ``samples`` up to three non-empty values of each heading as text, and ``header_row`` the
    sheet's row number of the headings (1-based; 0 when unknown). ``message`` and ``details`` are worded
    as for any other refusal.
    """

    def __init__(
        self,
        message: str,
        details: list[str] | None = None,
        *,
        kind: str = "",
        missing: list[str] | None = None,
        ambiguous: dict[str, list[str]] | None = None,
        headers: list[str] | None = None,
        samples: dict[str, list[str]] | None = None,
        header_row: int = 0,
    ):
        super().__init__(message, details)
        self.kind = kind
        self.missing = list(missing or [])
        self.ambiguous = dict(ambiguous or {})
        self.headers = list(headers or [])
        self.samples = dict(samples or {})
        self.header_row = header_row


@dataclass(slots=True)
class RosterRow:
    """One person on a force's roster."""

    row: int
    staff_number: str
    forename: str
    surname: str
    email: str | None = None
    rank: str | None = None
    role: str | None = None
    department: str | None = None
    role_category: str | None = None
    elearning_required: bool | None = None
    hydra_required: bool | None = None
    exempt_until: date | None = None
    exemption_reason: str | None = None
    force_code: str | None = None
    start_date: date | None = None
    leaving_date: date | None = None
    left: bool = False  # the HR row says the person has gone (deleted, a leaver's record status, or left by today)


@dataclass(slots=True)
class LearningRow:
    """One learner's status in one OIC e-learning module (``M1``..``M4``)."""

    row: int
    requirement: str
    status: str
    completed: bool
    completed_on: date | None
    staff_number: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    force_code: str | None = None


@dataclass(slots=True)
class HydraRow:
    """One delegate on a Hydra session register."""

    row: int
    session_date: date
    session_reference: str | None
    venue: str | None
    facilitator: str | None
    staff_number: str | None
    email: str | None
    first_name: str | None
    last_name: str | None
    force_code: str | None
    attendance: str
    attended: bool


@dataclass
class ReadResult:
    """What a reader found in a file: the valid rows, and the errors and warnings of the others."""

    kind: str
    rows: list
    errors: list[RowError]
    warnings: list[RowError]
    data_rows: int
    headers: list[str]
    has_force_column: bool
    shape: str = "long"
    skipped_other_courses: int = 0
    explicit_flags: bool = False
    protected_staff_keys: set[str] = field(default_factory=set)
    protected_email_keys: set[str] = field(default_factory=set)
    # status/attendance values not recognised (first spelling seen -> rows): counted as not complete / not attended
    unknown_values: dict[str, int] = field(default_factory=dict)
