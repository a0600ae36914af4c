"""College Learn completion exports, long (a row per learner and course) or wide (a column per module)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from .base import FileRefused, LearningRow, ReadResult, RowError
from .cells import cell_text, is_blank
from .dates import DateError, parse_date
from .fields import read_date, read_force, read_person
from .headers import Header, field_of, refuse_missing
from .modules import ModuleResolver, status_info, title_key

PROGRESS_EVERY = 2000
IDENTITY_FIELDS = ("staff_number", "email", "forename", "surname", "full_name")

# Endings that turn a module heading into that module's date column: "Module 1 - Completion date".
DATE_SUFFIXES = tuple(" " + s for s in (
    "completion date", "date completed", "completed on", "date of completion", "time completed", "completed date",
    "date",
))


@dataclass(slots=True)
class ModuleColumn:
    """A wide export's column for one module, and the column with its completion date, if any."""

    code: str
    status: int
    date: int | None = None


def module_columns(header: Header, resolver: ModuleResolver) -> list[ModuleColumn]:
    """Find a wide export's module columns (and their date columns) among headings that name no field."""
    found: dict[str, ModuleColumn] = {}
    dates: dict[str, int] = {}
    for col, text in enumerate(header.texts):
        if not text or field_of(text) is not None:
            continue
        key = title_key(text)
        suffix = next((s for s in DATE_SUFFIXES if key.endswith(s)), None)
        if suffix is not None and (code := resolver(key[: -len(suffix)])) is not None:
            dates.setdefault(code, col)
            continue
        code = resolver(text)
        if code is None:
            continue
        if code not in found:
            found[code] = ModuleColumn(code, col)
        elif found[code].status == col - 1 and found[code].date is None:
            found[code].date = col  # a merged heading spread over the status and the date columns
    for code, column in found.items():
        if column.date is None:
            if code in dates:
                column.date = dates[code]
            elif column.status + 1 < len(header.texts) and not header.texts[column.status + 1]:
                column.date = column.status + 1  # Moodle puts the date in an unheaded column beside the status
    for code, col in dates.items():
        if code not in found:  # only a date column for this module: a date there means completed
            found[code] = ModuleColumn(code, col)
    return sorted(found.values(), key=lambda m: m.code)


def header_extra(resolver: ModuleResolver) -> Callable[[Header], int]:
    """Score function for finding the heading row: how many module columns a row has."""
    return lambda header: len(module_columns(header, resolver))


def read_college_learn_grid(
    grid: list[list],
    header: Header,
    *,
    today: date,
    resolver: ModuleResolver,
    progress: Callable[[int, int], None] | None = None,
) -> ReadResult:
    """Read the rows under a College Learn heading row (either shape) into :class:`LearningRow` values."""
    has_identity = any(f in header.columns for f in IDENTITY_FIELDS)
    if header.has("course"):
        missing = [f for f in ("status", "date_completed") if f not in header.columns]
        if not has_identity:
            missing.insert(0, "staff_number")
        if missing:
            raise refuse_missing(missing, header)
        return _read_long(grid, header, today, resolver, progress)
    modules = module_columns(header, resolver)
    if not modules:
        raise refuse_missing(
            ["course"], header,
            " A College Learn export needs either a Course column (a row per learner and course, with Status and "
            "Date completed) or a column per OIC module (a row per learner).",
        )
    if not has_identity:
        raise refuse_missing(["staff_number"], header)
    return _read_wide(grid, header, modules, today, progress)


def _getter(header: Header, width: int, names: tuple[str, ...]) -> Callable[[list], tuple]:
    return itemgetter(*(header.columns.get(n, width) for n in names))


def _width(grid: list[list], start: int) -> int:
    return max((len(r) for r in grid[start:]), default=0)


def _result(header: Header, shape: str) -> ReadResult:
    return ReadResult(
        kind="college-learn", rows=[], errors=[], warnings=[], data_rows=0, headers=header.found,
        has_force_column=header.has("force"), shape=shape,
    )


def _read_long(grid, header, today, resolver, progress) -> ReadResult:
    result = _result(header, "long")
    rows, errors, warnings = result.rows, result.errors, result.warnings
    start = header.index + 1
    width = _width(grid, header.index)
    names = ("staff_number", "email", "forename", "surname", "full_name", "force", "course", "status",
             "date_completed")
    get = _getter(header, width, names)
    course_col, status_col, date_col = header.name("course"), header.name("status"), header.name("date_completed")
    total = len(grid) - start
    data_rows = skipped = 0
    for i in range(start, len(grid)):
        r = grid[i]
        if len(r) <= width:
            r.extend([""] * (width + 1 - len(r)))
        vals = get(r)
        if progress is not None and (i - start) % PROGRESS_EVERY == 0 and i > start:
            progress(i - start, total)
        if is_blank(vals):
            continue
        data_rows += 1
        rownum = i + 1
        staff, email, first, last, full, org, course, status, done = vals
        course_t = cell_text(course)
        if not course_t:
            errors.append(RowError(rownum, course_col, "The course is blank: write the course title"))
            continue
        code = resolver(course_t)
        if code is None:
            skipped += 1
            continue
        n_errors = len(errors)
        person = read_person(rownum, header, staff, email, first, last, full, errors, warnings)
        force = read_force(rownum, header, org, errors)
        status_t = cell_text(status)
        if status_t:
            completed, inner = status_info(status_t)
        else:  # no status but a date: the date says it was completed
            completed, inner = (not is_blank((done,))), None
            status_t = "Completed" if completed else ""
        completed_on = None
        if completed:
            if is_blank((done,)) and inner is not None:
                completed_on = read_date(rownum, status_col, inner, today, errors, None)
            else:
                completed_on = read_date(
                    rownum, date_col, done, today, errors,
                    "Completed with no date: add the date completed, like 14/05/2025",
                )
        if len(errors) == n_errors:
            rows.append(LearningRow(rownum, code, status_t, completed, completed_on, *person, force))
    if progress is not None:
        progress(total, total)
    result.data_rows, result.skipped_other_courses = data_rows, skipped
    return _no_data_check(result)


def _read_wide(grid, header, modules: list[ModuleColumn], today, progress) -> ReadResult:
    result = _result(header, "wide")
    rows, errors, warnings = result.rows, result.errors, result.warnings
    start = header.index + 1
    width = _width(grid, header.index)
    get = _getter(header, width, ("staff_number", "email", "forename", "surname", "full_name", "force"))
    cells = [(m.code, m.status, width if m.date is None else m.date, header.texts[m.status]) for m in modules]
    module_getter = itemgetter(*[c for m in cells for c in m[1:3]])
    total = len(grid) - start
    data_rows = 0
    for i in range(start, len(grid)):
        r = grid[i]
        if len(r) <= width:
            r.extend([""] * (width + 1 - len(r)))
        vals = get(r)
        if progress is not None and (i - start) % PROGRESS_EVERY == 0 and i > start:
            progress(i - start, total)
        marks = module_getter(r)
        if not isinstance(marks, tuple):
            marks = (marks,)
        if is_blank(vals) and is_blank(marks):
            continue
        data_rows += 1
        rownum = i + 1
        n_errors = len(errors)
        person = read_person(rownum, header, *vals[:5], errors, warnings)
        force = read_force(rownum, header, vals[5], errors)
        if len(errors) > n_errors:
            continue
        for code, status_col, date_col, column in cells:
            found = _wide_cell(rownum, column, code, r[status_col], r[date_col], today, errors)
            if found is not None:
                status, completed, completed_on = found
                rows.append(LearningRow(rownum, code, status, completed, completed_on, *person, force))
    if progress is not None:
        progress(total, total)
    result.data_rows = data_rows
    return _no_data_check(result)


def _wide_cell(rownum, column, code, value, date_value, today, errors) -> tuple[str, bool, date | None] | None:
    """One module cell of a wide export: a status, a date, or "Completed (date)"; None when blank."""
    if is_blank((value,)):
        if is_blank((date_value,)):
            return None
        value, status = "", "Completed"
    elif isinstance(value, str) and not value.strip()[:1].isdigit():
        status = value.strip()
        completed, inner = status_info(status)
        if not completed:
            return status, False, None
        if inner is not None and is_blank((date_value,)):
            date_value = inner
        value = ""
    else:
        status = "Completed"
    if is_blank((value,)):
        completed_on = read_date(
            rownum, column, date_value, today, errors,
            "Completed with no date: add the date completed, like 14/05/2025",
        )
    else:
        try:
            completed_on = parse_date(value, today=today)
        except DateError as exc:
            errors.append(RowError(rownum, column, str(exc)))
            return None
    return (status, True, completed_on) if completed_on is not None else None


def _no_data_check(result: ReadResult) -> ReadResult:
    if result.data_rows == 0:
        raise FileRefused(
            "The file has no data rows: it has headings but nothing under them. Export the report again with "
            "its rows, or add one row per learner"
        )
    return result
