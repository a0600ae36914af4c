"""A force's roster of relevant personnel: a full snapshot, one row per person."""

from __future__ import annotations

from datetime import date

from .base import ColumnsUnresolved, ReadResult, RosterRow, RowError
from .cells import cell_text, formula_warning, is_blank, looks_like_email, looks_like_formula, normalise, yes_no
from .fields import optional_text, read_date, read_force
from .headers import Header, kind_label, refuse_missing
from .identity import email_key, split_full_name, staff_key
from .rows import Progress, field_columns, read_rows

NAMES = ("staff_number", "forename", "surname", "full_name", "email", "rank", "role", "department",
         "role_category", "elearning_required", "hydra_required", "exempt_until", "exemption_reason", "force",
         "start_date", "leaving_date", "record_status", "deleted", "known_as")

# HR record statuses (normalised) that say the person has gone. Anything else, suspended included, stays.
LEFT_STATUSES = frozenset({
    "leaver", "left", "inactive", "terminated", "terminate", "deleted", "exemployee", "resigned", "retired",
    "dismissed", "deceased", "leftforce", "nolongeremployed", "former", "formeremployee", "ceased",
    "transferredout", "inactiveleaver", "leavers", "exstaff", "exofficer",
})

EMPTY = (
    "The file has no data rows: it has headings but nothing under them. Add one row per person under the "
    "headings"
)


def check_roster_columns(header: Header) -> None:
    """Refuse a roster without staff numbers, names, or anything saying who must do which training."""
    missing = [] if header.has("staff_number") else ["staff_number"]
    if not header.has("full_name"):
        missing += [f for f in ("forename", "surname") if f not in header.columns]
    if missing:
        raise refuse_missing(missing, header, kind="roster")
    if header.has("role_category") or header.has("elearning_required", "hydra_required"):
        return
    if header.has("elearning_required") or header.has("hydra_required"):
        other = "hydra_required" if header.has("elearning_required") else "elearning_required"
        raise refuse_missing(
            [other], header, " Or add a 'Role category' column (frontline, investigator, manager or other).",
            kind="roster",
        )
    message = (
        "The roster does not say who must do which training: add a 'Role category' column (frontline, "
        "investigator, manager or other), or both an 'E-learning required' and a 'Hydra required' column "
        f"(Y or N). Headers found: {', '.join(header.found)}"
    )
    raise ColumnsUnresolved(message, [
        "Add a column headed 'Role category' (frontline, investigator, manager or other).",
        "Or add columns headed 'E-learning required' and 'Hydra required' (Y or N).",
        f"Headers found: {', '.join(header.found)}",
    ], kind="roster", missing=[kind_label("roster", "role_category")], headers=header.found,
        header_row=header.index + 1)


def _flag(rownum: int, column: str, value: object, what: str, errors: list[RowError]) -> bool | None:
    try:
        return yes_no(value)
    except ValueError:
        errors.append(RowError(
            rownum, column,
            f"'{cell_text(value)[:40]}' is not Y or N: write Y if this person must do {what}, or N if not",
        ))
        return None


def read_roster_grid(
    grid: list[list],
    header: Header,
    *,
    today: date,
    progress: Progress | None = None,
) -> ReadResult:
    """Read the rows under a roster's heading row into :class:`RosterRow` values.

    Rows with errors are left out, but their staff number and email go into the protected sets so
    that the person is never made a leaver because of a mistake in their row.
    """
    check_roster_columns(header)
    result = ReadResult(
        kind="roster", rows=[], errors=[], warnings=[], data_rows=0, headers=header.found,
        has_force_column=header.has("force"), explicit_flags=header.has("elearning_required", "hydra_required"),
    )
    person = PersonRow(header, result, today)
    read_rows(grid, header, field_columns(header, NAMES), person, result, empty=EMPTY, progress=progress)
    return result


class PersonRow:
    """Reads one person's row of a roster (the row function of :func:`read_roster_grid`).

    It remembers the first row of each staff number and email, to report repeats.
    """

    __slots__ = ("header", "result", "errors", "warnings", "col", "has_category", "first_row_of_staff",
                 "first_row_of_email", "today", "has_hr")

    def __init__(self, header: Header, result: ReadResult, today: date):
        self.header, self.result, self.today = header, result, today
        self.errors, self.warnings = result.errors, result.warnings
        self.col = {n: header.name(n) for n in NAMES}
        self.has_category = header.has("role_category")
        # most rosters have none of the HR columns: their rows skip reading them
        self.has_hr = any(header.has(f) for f in ("start_date", "leaving_date", "record_status", "deleted"))
        self.first_row_of_staff: dict[str, tuple[int, str]] = {}
        self.first_row_of_email: dict[str, int] = {}

    def __call__(self, rownum: int, values: tuple) -> tuple[RosterRow] | None:
        """The person's :class:`RosterRow`, or None when the row has errors (recorded, and the person protected)."""
        (staff, first, last, full, email, rank, role, department, category, elearning, hydra, exempt, reason,
         force_cell, started, leaving, record_status, deleted, known_as) = values
        errors, warnings, col = self.errors, self.warnings, self.col
        n_errors = len(errors)
        staff_t = cell_text(staff)
        key = self.staff_number(rownum, staff_t)
        forename, surname = self.names(rownum, first or known_as, last, full)
        start_date = leaving_date = None
        left = False
        if self.has_hr:
            start_date = read_date(rownum, col["start_date"], started, None, errors, None)
            leaving_date = read_date(rownum, col["leaving_date"], leaving, None, errors, None)
            left = self.has_left(rownum, record_status, deleted, leaving_date)
        email_t = self.email(rownum, email)
        category_t = " ".join(cell_text(category).casefold().split()) or None
        e_required = _flag(rownum, col["elearning_required"], elearning, "the OIC e-learning", errors)
        h_required = _flag(rownum, col["hydra_required"], hydra, "Hydra training", errors)
        if (category_t is None and (e_required is None or h_required is None) and len(errors) == n_errors
                and not left):  # a leaver's row need not say what they had to do
            errors.append(_no_relevance(
                rownum, col, self.has_category, e_required, h_required, self.result.explicit_flags,
            ))
        exempt_until = read_date(rownum, col["exempt_until"], exempt, None, errors, None)
        force = read_force(rownum, self.header, force_cell, errors)
        row = RosterRow(
            rownum, staff_t, forename, surname, email_t,
            optional_text(rownum, col["rank"], rank, warnings),
            optional_text(rownum, col["role"], role, warnings),
            optional_text(rownum, col["department"], department, warnings),
            category_t, e_required, h_required, exempt_until,
            optional_text(rownum, col["exemption_reason"], reason, warnings),
            force, start_date=start_date, leaving_date=leaving_date, left=left,
        )
        if len(errors) == n_errors:
            return (row,)
        if key is not None:
            self.result.protected_staff_keys.add(key)
        if (ekey := email_key(cell_text(email))) is not None:
            self.result.protected_email_keys.add(ekey)
        return None

    def has_left(self, rownum: int, record_status: object, deleted: object, leaving_date: date | None) -> bool:
        """True when the HR row says the person has gone: deleted, a leaver's record status, or left by today."""
        gone = False
        if not is_blank((deleted,)):
            try:
                gone = bool(yes_no(deleted))
            except ValueError:
                if normalise(cell_text(deleted)) in LEFT_STATUSES:
                    gone = True
                else:
                    self.errors.append(RowError(
                        rownum, self.col["deleted"],
                        f"'{cell_text(deleted)[:40]}' is not Y or N: write Y (or 1) if this person's record is "
                        "deleted, or N (or 0, or leave it blank) if not",
                    ))
        if normalise(cell_text(record_status)) in LEFT_STATUSES:
            gone = True
        return gone or (leaving_date is not None and leaving_date <= self.today)

    def staff_number(self, rownum: int, staff_t: str) -> str | None:
        """The staff number's key; a row error when it is blank or on an earlier row (then it is protected)."""
        key = staff_key(staff_t)
        column = self.col["staff_number"]
        if key is None:
            self.errors.append(RowError(
                rownum, column,
                "The staff number is blank: add the person's staff number (everyone on the roster needs one)",
            ))
        elif key in self.first_row_of_staff:
            first_row, first_text = self.first_row_of_staff[key]
            self.errors.append(RowError(
                rownum, column,
                f"{staff_t} is also on row {first_row}{'' if first_text == staff_t else f' (as {first_text})'}: "
                "each person should appear once; remove the repeated row or correct the staff number",
            ))
            self.result.protected_staff_keys.add(key)
        else:
            self.first_row_of_staff[key] = (rownum, staff_t)
        return key

    def names(self, rownum: int, first: object, last: object, full: object) -> tuple[str, str]:
        """Forename and surname (from the full name when both are blank); a row error when there is no name."""
        col = self.col
        forename, surname = cell_text(first), cell_text(last)
        if not forename and not surname and (full_t := cell_text(full)):
            forename, surname = split_full_name(full_t)
            checks = ((full_t, col["full_name"]),)
        else:
            checks = ((forename, col["forename"]), (surname, col["surname"]))
        if not forename and not surname:
            column = col["forename"] if self.header.has("forename") else col["full_name"]
            self.errors.append(RowError(rownum, column, "The name is blank: add the person's forename and surname"))
        for text, column in checks:
            if looks_like_formula(text):
                self.warnings.append(formula_warning(rownum, column, text))
        return forename, surname

    def email(self, rownum: int, email: object) -> str | None:
        """The email, or None when blank or not an email (a warning); a warning too when an earlier row has it."""
        email_t = cell_text(email) or None
        if email_t is not None and not looks_like_email(email_t):
            self.warnings.append(RowError(
                rownum, self.col["email"],
                f"'{email_t[:60]}' is not an email address, so it is not stored: write one address like "
                "name@force.police.uk, or leave the cell blank",
            ))
            return None
        if email_t is not None:
            ekey = email_key(email_t)
            if ekey in self.first_row_of_email:
                self.warnings.append(RowError(
                    rownum, self.col["email"],
                    f"{email_t} is also the email of row {self.first_row_of_email[ekey]}: check each person has "
                    "their own email address",
                ))
            else:
                self.first_row_of_email[ekey] = rownum
        return email_t


def _no_relevance(rownum, col, has_category, e_required, h_required, explicit) -> RowError:
    if explicit:
        column = col["elearning_required"] if e_required is None else col["hydra_required"]
        return RowError(
            rownum, column,
            "This is blank, so the roster does not say what training this person needs: write Y or N"
            + (" (or fill in their Role category)" if has_category else ""),
        )
    return RowError(
        rownum, col["role_category"],
        "The role category is blank: write frontline, investigator, manager or other",
    )
