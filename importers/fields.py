"""Cell readers shared by the three kinds of file: who a row is about, their force, and dates."""

from __future__ import annotations

from datetime import date

from .base import RowError
from .cells import cell_text, formula_warning, looks_like_email, looks_like_formula
from .dates import DateError, parse_date
from .forces import resolve_force
from .headers import Header, label
from .identity import split_full_name

Person = tuple[str | None, str | None, str | None, str | None]  # staff number, email, first name, last name


def read_person(
    rownum: int,
    header: Header,
    staff: object,
    email: object,
    first: object,
    last: object,
    full: object,
    errors: list[RowError],
    warnings: list[RowError],
    who: str = "learner",
) -> Person:
    """Staff number, email and names from a row; a row error when there is none of them.

    A single full-name cell is used when forename and surname are blank (its last word is the
    surname). An email that is not one is a warning and is not used. Names that look like formulas
    are kept as written, with a warning.
    """
    # str.strip() inline for the common case: this runs for every row of 100,000-row exports
    staff_t = (staff.strip() if staff.__class__ is str else cell_text(staff)) or None
    email_t = (email.strip() if email.__class__ is str else cell_text(email)) or None
    if email_t is not None and not looks_like_email(email_t):
        warnings.append(RowError(
            rownum, header.name("email"),
            f"'{email_t[:60]}' is not an email address, so it is not used: write one address like "
            "name@force.police.uk, or leave the cell blank",
        ))
        email_t = None
    first_t = first.strip() if first.__class__ is str else cell_text(first)
    last_t = last.strip() if last.__class__ is str else cell_text(last)
    if not first_t and not last_t and (full_t := cell_text(full)):
        first_t, last_t = split_full_name(full_t)
        checks = ((full_t, "full_name"),)
    else:
        checks = ((first_t, "forename"), (last_t, "surname"))
    for text, column in checks:
        if looks_like_formula(text):
            warnings.append(formula_warning(rownum, header.name(column), text))
    if staff_t is None and email_t is None and not first_t and not last_t:
        column = next((f for f in ("staff_number", "email", "full_name", "surname") if f in header.columns), None)
        errors.append(RowError(
            rownum, header.name(column) if column else label("staff_number"),
            f"This row does not say who the {who} is: add their staff number (or their email, or their name)",
        ))
    return staff_t, email_t, first_t or None, last_t or None


def read_force(rownum: int, header: Header, value: object, errors: list[RowError]) -> str | None:
    """The force code a Force/Organisation cell names; None when blank; a row error when it names no force."""
    text = value.strip() if value.__class__ is str else cell_text(value)
    if not text:
        return None
    code = resolve_force(text)
    if code is None:
        errors.append(RowError(
            rownum, header.name("force"),
            f"'{text[:60]}' is not one of the 43 police forces in England and Wales: write the force's name, "
            "like Sussex Police (or its short form, like GMP or Met)",
        ))
    return code


def read_date(
    rownum: int, column: str, value: object, today: date | None, errors: list[RowError], blank_message: str | None
) -> date | None:
    """A date cell (day first); a row error when it is not a date, out of range, or blank and required."""
    if value.__class__ is str:
        if not value.strip():
            value = ""
    elif value is None:
        value = ""
    if value == "":
        if blank_message:
            errors.append(RowError(rownum, column, blank_message))
        return None
    try:
        return parse_date(value, today=today)
    except DateError as exc:
        errors.append(RowError(rownum, column, str(exc)))
        return None


def optional_text(rownum: int, column: str, value: object, warnings: list[RowError]) -> str | None:
    """Free text (rank, venue...) trimmed, None when blank; a warning when it looks like a formula."""
    text = cell_text(value)
    if not text:
        return None
    if looks_like_formula(text):
        warnings.append(formula_warning(rownum, column, text))
    return text
