"""A force's roster of relevant personnel: a full snapshot, one row per person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from operator import itemgetter

from .base import FileRefused, ReadResult, RosterRow, RowError
from .cells import cell_text, formula_warning, is_blank, looks_like_email, looks_like_formula, yes_no
from .fields import optional_text, read_date, read_force
from .headers import Header, refuse_missing
from .identity import email_key, split_full_name, staff_key

PROGRESS_EVERY = 2000

NAMES = ("staff_number", "forename", "surname", "full_name", "email", "rank", "role", "department",
         "role_category", "elearning_required", "hydra_required", "exempt_until", "exemption_reason", "force")


def check_roster_columns(header: Header) -> None:
    """Refuse a roster without staff numbers, names, or anything saying who must do which training."""
    missing = [] if header.has("staff_number") else ["staff_number"]
    if not header.has("full_name"):
        missing += [f for f in ("forename", "surname") if f not in header.columns]
    if missing:
        raise refuse_missing(missing, header)
    if header.has("role_category") or header.has("elearning_required", "hydra_required"):
        return
    if header.has("elearning_required") or header.has("hydra_required"):
        other = "hydra_required" if header.has("elearning_required") else "elearning_required"
        raise refuse_missing(
            [other], header, " Or add a 'Role category' column (frontline, investigator, manager or other).",
        )
    message = (
        "The roster does not say who must do which training: add a 'Role category' column (frontline, "
        "investigator, manager or other), or both an 'E-learning required' and a 'Hydra required' column "
        f"(Y or N). Headers found: {', '.join(header.found)}"
    )
    raise FileRefused(message, [
        "Add a column headed 'Role category' (frontline, investigator, manager or other).",
        "Or add columns headed 'E-learning required' and 'Hydra required' (Y or N).",
        f"Headers found: {', '.join(header.found)}",
    ])


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
    progress: Callable[[int, int], None] | None = None,
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
    errors, warnings = result.errors, result.warnings
    start = header.index + 1
    width = max((len(r) for r in grid[header.index:]), default=0)
    get = itemgetter(*(header.columns.get(n, width) for n in NAMES))
    col = {n: header.name(n) for n in NAMES}
    has_category = header.has("role_category")
    first_row_of_staff: dict[str, tuple[int, str]] = {}
    first_row_of_email: dict[str, int] = {}
    total = len(grid) - start
    for i in range(start, len(grid)):
        r = grid[i]
        if len(r) <= width:
            r.extend([""] * (width + 1 - len(r)))
        vals = get(r)
        if progress is not None and (i - start) % PROGRESS_EVERY == 0 and i > start:
            progress(i - start, total)
        if is_blank(vals):
            continue
        result.data_rows += 1
        rownum = i + 1
        (staff, first, last, full, email, rank, role, department, category, elearning, hydra, exempt, reason,
         force_cell) = vals
        n_errors = len(errors)
        staff_t = cell_text(staff)
        key = staff_key(staff_t)
        if key is None:
            errors.append(RowError(
                rownum, col["staff_number"],
                "The staff number is blank: add the person's staff number (everyone on the roster needs one)",
            ))
        elif key in first_row_of_staff:
            first_row, first_text = first_row_of_staff[key]
            errors.append(RowError(
                rownum, col["staff_number"],
                f"{staff_t} is also on row {first_row}{'' if first_text == staff_t else f' (as {first_text})'}: "
                "each person should appear once; remove the repeated row or correct the staff number",
            ))
            result.protected_staff_keys.add(key)
        else:
            first_row_of_staff[key] = (rownum, staff_t)
        forename, surname = cell_text(first), cell_text(last)
        if not forename and not surname and (full_t := cell_text(full)):
            forename, surname = split_full_name(full_t)
            checks = ((full_t, col["full_name"]),)
        else:
            checks = ((forename, col["forename"]), (surname, col["surname"]))
        if not forename and not surname:
            column = col["forename"] if header.has("forename") else col["full_name"]
            errors.append(RowError(rownum, column, "The name is blank: add the person's forename and surname"))
        for text, column in checks:
            if looks_like_formula(text):
                warnings.append(formula_warning(rownum, column, text))
        email_t = cell_text(email) or None
        if email_t is not None and not looks_like_email(email_t):
            warnings.append(RowError(
                rownum, col["email"],
                f"'{email_t[:60]}' is not an email address, so it is not stored: write one address like "
                "name@force.police.uk, or leave the cell blank",
            ))
            email_t = None
        elif email_t is not None:
            ekey = email_key(email_t)
            if ekey in first_row_of_email:
                warnings.append(RowError(
                    rownum, col["email"],
                    f"{email_t} is also the email of row {first_row_of_email[ekey]}: check each person has "
                    "their own email address",
                ))
            else:
                first_row_of_email[ekey] = rownum
        category_t = " ".join(cell_text(category).casefold().split()) or None
        e_required = _flag(rownum, col["elearning_required"], elearning, "the OIC e-learning", errors)
        h_required = _flag(rownum, col["hydra_required"], hydra, "Hydra training", errors)
        if category_t is None and (e_required is None or h_required is None) and len(errors) == n_errors:
            errors.append(_no_relevance(rownum, col, has_category, e_required, h_required, result.explicit_flags))
        exempt_until = read_date(rownum, col["exempt_until"], exempt, None, errors, None)
        force = read_force(rownum, header, force_cell, errors)
        row = RosterRow(
            rownum, staff_t, forename, surname, email_t,
            optional_text(rownum, col["rank"], rank, warnings),
            optional_text(rownum, col["role"], role, warnings),
            optional_text(rownum, col["department"], department, warnings),
            category_t, e_required, h_required, exempt_until,
            optional_text(rownum, col["exemption_reason"], reason, warnings),
            force,
        )
        if len(errors) == n_errors:
            result.rows.append(row)
        else:
            if key is not None:
                result.protected_staff_keys.add(key)
            if (ekey := email_key(cell_text(email))) is not None:
                result.protected_email_keys.add(ekey)
    if progress is not None:
        progress(total, total)
    if result.data_rows == 0:
        raise FileRefused(
            "The file has no data rows: it has headings but nothing under them. Add one row per person under the "
            "headings"
        )
    return result


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
