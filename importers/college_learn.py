"""College Learn completion exports, long (a row per learner and course) or wide (a column per module)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from .base import LearningRow, ReadResult, RowError
from .cells import cell_text, is_blank, normalise
from .dates import DateError, parse_date
from .fields import read_date, read_force, read_person
from .headers import Header, field_of, refuse_missing
from .modules import ModuleResolver, title_key
from .rows import SKIPPED, Progress, Skipped, field_columns, read_rows
from .values import StatusReader, UnknownValues

IDENTITY_FIELDS = ("staff_number", "email", "forename", "surname", "full_name")
LONG_NAMES = (*IDENTITY_FIELDS, "force", "course", "status", "date_completed")
WIDE_NAMES = (*IDENTITY_FIELDS, "force")

EMPTY = (
    "The file has no data rows: it has headings but nothing under them. Export the report again with "
    "its rows, or add one row per learner"
)
NO_DATE = "Completed with no date: add the date completed, like 14/05/2025"

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
    progress: Progress | None = None,
    values: Mapping[str, bool] | None = None,
) -> ReadResult:
    """Read the rows under a College Learn heading row (either shape) into :class:`LearningRow` values.

    ``values`` maps statuses the service does not know (normalised) to complete or not; others are
    counted in ``unknown_values`` and are not complete.
    """
    has_identity = any(f in header.columns for f in IDENTITY_FIELDS)
    if header.has("course"):
        missing = [f for f in ("status", "date_completed") if f not in header.columns]
        if not has_identity:
            missing.insert(0, "staff_number")
        if missing:
            raise refuse_missing(missing, header, kind="college-learn")
        result = _result(header, "long")
        yes = "complet" in normalise(header.name("status"))
        learner = LongRow(header, today, resolver, result, StatusReader(values or {}, UnknownValues(
            result.unknown_values), yes))
        columns = field_columns(header, LONG_NAMES)
        result.skipped_other_courses = read_rows(grid, header, columns, learner, result, empty=EMPTY, progress=progress)
        return result
    modules = module_columns(header, resolver)
    if not modules:
        raise refuse_missing(
            ["course"], header,
            " A College Learn export needs either a Course column (a row per learner and course, with Status and "
            "Date completed) or a column per OIC module (a row per learner).", kind="college-learn",
        )
    if not has_identity:
        raise refuse_missing(["staff_number"], header, kind="college-learn")
    result = _result(header, "wide")
    columns = field_columns(header, WIDE_NAMES)
    for module in modules:  # each module's status and date cells follow the learner's
        columns += [module.status, module.date]
    status = StatusReader(values or {}, UnknownValues(result.unknown_values), True)
    wide = WideRow(header, today, modules, result, status)
    read_rows(grid, header, columns, wide, result, empty=EMPTY, progress=progress)
    return result


def _result(header: Header, shape: str) -> ReadResult:
    return ReadResult(
        kind="college-learn", rows=[], errors=[], warnings=[], data_rows=0, headers=header.found,
        has_force_column=header.has("force"), shape=shape,
    )


class LongRow:
    """Reads one row of a long export: a learner and a course (the row function for the long shape)."""

    __slots__ = ("header", "today", "resolver", "errors", "warnings", "course_col", "status_col", "date_col",
                 "status")

    def __init__(self, header: Header, today: date, resolver: ModuleResolver, result: ReadResult,
                 status: StatusReader):
        self.header, self.today, self.resolver, self.status = header, today, resolver, status
        self.errors, self.warnings = result.errors, result.warnings
        self.course_col, self.status_col = header.name("course"), header.name("status")
        self.date_col = header.name("date_completed")

    def __call__(self, rownum: int, values: tuple) -> tuple[LearningRow] | Skipped | None:
        """The learner's :class:`LearningRow` for an OIC module; SKIPPED for another course; None on errors."""
        staff, email, first, last, full, org, course, status, done = values
        errors = self.errors
        course_t = cell_text(course)
        if not course_t:
            errors.append(RowError(rownum, self.course_col, "The course is blank: write the course title"))
            return None
        code = self.resolver(course_t)
        if code is None:
            return SKIPPED
        n_errors = len(errors)
        person = read_person(rownum, self.header, staff, email, first, last, full, errors, self.warnings)
        force = read_force(rownum, self.header, org, errors)
        status_t = cell_text(status)
        if status_t:
            completed, inner = self.status(status_t)
        else:  # no status but a date: the date says it was completed
            completed, inner = (not is_blank((done,))), None
            status_t = "Completed" if completed else ""
        completed_on = None
        if completed:
            if is_blank((done,)) and inner is not None:
                completed_on = read_date(rownum, self.status_col, inner, self.today, errors, None)
            else:
                completed_on = read_date(rownum, self.date_col, done, self.today, errors, NO_DATE)
        if len(errors) == n_errors:
            return (LearningRow(rownum, code, status_t, completed, completed_on, *person, force),)
        return None


class WideRow:
    """Reads one row of a wide export: a learner with a status (and date) per module (the row function)."""

    __slots__ = ("header", "today", "errors", "warnings", "modules", "status")

    def __init__(self, header: Header, today: date, modules: list[ModuleColumn], result: ReadResult,
                 status: StatusReader):
        self.header, self.today, self.status = header, today, status
        self.errors, self.warnings = result.errors, result.warnings
        self.modules = [(m.code, header.texts[m.status]) for m in modules]

    def __call__(self, rownum: int, values: tuple) -> list[LearningRow] | None:
        """A :class:`LearningRow` per module the learner has a status for; None when who they are has errors.

        ``values`` are the identity and force cells, then each module's status and date cells.
        """
        errors = self.errors
        n_errors = len(errors)
        person = read_person(rownum, self.header, *values[:5], errors, self.warnings)
        force = read_force(rownum, self.header, values[5], errors)
        if len(errors) > n_errors:
            return None
        rows = []
        for (code, column), value, date_value in zip(self.modules, values[6::2], values[7::2], strict=True):
            found = _wide_cell(rownum, column, value, date_value, self.today, errors, self.status)
            if found is not None:
                status, completed, completed_on = found
                rows.append(LearningRow(rownum, code, status, completed, completed_on, *person, force))
        return rows


def _wide_cell(rownum, column, value, date_value, today, errors, status_of) -> tuple[str, bool, date | None] | None:
    """One module cell of a wide export: a status, a date, or "Completed (date)"; None when blank."""
    if is_blank((value,)):
        if is_blank((date_value,)):
            return None
        value, status = "", "Completed"
    elif isinstance(value, str) and not value.strip()[:1].isdigit():
        status = value.strip()
        completed, inner = status_of(status)
        if not completed:
            return status, False, None
        if inner is not None and is_blank((date_value,)):
            date_value = inner
        value = ""
    else:
        status = "Completed"
    if is_blank((value,)):
        completed_on = read_date(rownum, column, date_value, today, errors, NO_DATE)
    else:
        try:
            completed_on = parse_date(value, today=today)
        except DateError as exc:
            errors.append(RowError(rownum, column, str(exc)))
            return None
    return (status, True, completed_on) if completed_on is not None else None
