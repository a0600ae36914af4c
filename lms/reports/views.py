"""The dashboard, the national league table, region pages, force pages and, for a force's own leads, its people."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from lms import policy
from lms.compliance.rules import percent
from lms.core import clock
from lms.core.date_input import read_submitted
from lms.core.paging import Paging, page_number
from lms.forces import service as forces
from lms.forces.service import ForceError
from lms.reports import charts, explain, exports, figures, pages
from lms.reports import people as people_service
from lms.reports.dashboard import forces_by_region

if TYPE_CHECKING:
    from lms.models import Force

bp = Blueprint("reports", __name__)

EARLIEST = date(2020, 1, 1)
PAGE_SIZE = 50


@bp.route("/")
@policy.signed_in
def dashboard():
    """Forces grouped by region with their current figures: the first page after sign-in."""
    return render_template("reports/dashboard.html", regions=forces_by_region(current_user))


def _as_of() -> tuple[date, str | None]:
    """The date of a page's figures, from its GOV.UK date input (?as_of-day=31&as_of-month=3&as_of-year=2026) or
    the single ?as_of=2026-03-31 that links and the downloads use; else today and a message for the error summary.
    The entry is kept in ``g.as_of_input`` for the page's date input (reports/_macros.html)."""
    today = clock.today()
    entry = read_submitted(request.args, "as_of", "Figures as of", legacy=True, earliest=EARLIEST, latest=today)
    g.as_of_input = entry
    return (entry.value or today), entry.error


def _download_as_of() -> date:
    day, problem = _as_of()
    if problem:
        abort(400, problem)
    return day


def _visible_force(code: str) -> Force:
    try:
        force = forces.get_force(code)
    except ForceError:
        abort(404)
    if not policy.sees_force(current_user, force):
        abort(404)
    return force


def _people_force(code: str):
    """A force whose people the user may see: 404 for a force they cannot see at all, 403 for aggregates only."""
    force = _visible_force(code)
    if not policy.sees_people(current_user, force):
        abort(403)
    return force




@bp.app_template_global()
def region_url(name: str) -> str:
    """The address of a region's page."""
    return url_for("reports.region_page", slug=pages.region_slug(name))






@bp.app_template_global("percent_of")
def percent_of(complete: int, relevant: int) -> float | None:
    """The service's percent (half-up to one decimal) for templates."""
    return percent(complete, relevant)


@bp.app_template_global()
def force_bars(forces: list[dict], where: str):
    """Bar chart of each force's overall percent (the table beside it has the same numbers)."""
    bars = [charts.Bar(f["name"], f["overall"]["percent"],
                       f"({f['overall']['complete']} of {f['overall']['relevant']})") for f in forces]
    return charts.bar_chart(bars, chart_id="force-bars", title=f"Overall compliance by force, {where}",
                            description="Bars show the percentage of relevant people who have done all their "
                                        "training; the table below gives the same figures.")


@bp.app_template_global()
def module_bars(entry: dict):
    """Bar chart of each e-learning module's completion among the people who must do the e-learning."""
    relevant = entry["elearning"]["relevant"]
    bars = [charts.Bar(people_service.REQUIREMENT_LABELS[m], percent(n, relevant) if relevant else None,
                       f"({n} of {relevant})") for m, n in entry["modules"].items()]
    return charts.bar_chart(bars, chart_id="module-bars", title="Completion of each e-learning module",
                            description="Bars show the percentage of people required to do the e-learning who "
                                        "completed each module; the table below gives the same figures.")


@bp.app_template_global()
def trend_chart(points: list, deadline: date):
    """Line chart of overall percent over time, from the force's snapshots."""
    first = points[0].as_of.strftime("%-d %B %Y") if points else ""
    return charts.line_chart([(p.as_of, p.percent) for p in points], chart_id="trend", deadline=deadline,
                             title="Overall compliance over time",
                             description=f"Line of the overall percentage from {first} to the date of the figures; "
                                         "the table below gives the same figures." if points else "No figures yet.")


def _require_national_view() -> None:
    if not policy.sees_national(current_user):
        abort(403)


@bp.route("/league-table")
@policy.signed_in
def league_table():
    """Every force ranked by overall compliance, with RAG, data quality and movement (aggregates only)."""
    _require_national_view()
    as_of, problem = _as_of()
    page = pages.league_page(as_of)
    visible_codes, visible_regions = _visible()
    all_columns = _all_columns()
    return render_template("reports/league_table.html", page=page, problem=problem, all_columns=all_columns,
                           as_of_value=request.args.get("as_of", "") if problem else as_of.isoformat(),
                           rows=_league_rows(page, visible_codes, visible_regions, all_columns))


def _all_columns() -> bool:
    """Whether the reader chose "Show all columns" (?columns=all): kept in the address, so it needs no script."""
    return request.args.get("columns") == "all"


# Rendered rows of the league table per process, keyed by the page's cache key, what the user may open and the
# columns shown.
_ROWS_CACHE: dict = {}


def _league_rows(page: dict, visible_codes: frozenset, visible_regions: frozenset, all_columns: bool) -> Markup:
    """The table's rows as HTML: hundreds of cells, so rendered once per snapshot version, visibility and columns."""
    key = (page["cache_key"], visible_codes, visible_regions, all_columns) if page["cache_key"] is not None else None
    if key is not None and key in _ROWS_CACHE:
        return _ROWS_CACHE[key]
    html = Markup(render_template("reports/_league_rows.html", forces=page["forces"],  # noqa: S704 - autoescaped
                                  visible_codes=visible_codes, visible_regions=visible_regions,
                                  all_columns=all_columns))
    if key is not None:
        if len(_ROWS_CACHE) > 64 or any(k[0] != page["cache_key"] for k in _ROWS_CACHE):
            _ROWS_CACHE.clear()
        _ROWS_CACHE[key] = html
    return html


def _download(data: str | bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/league-table.csv")
@policy.signed_in
def league_table_csv():
    """The league table as CSV, with the as-of date and the deadline in its first line."""
    _require_national_view()
    as_of = _download_as_of()
    table = figures.league_table(as_of)
    return _download(exports.to_csv(table), f"oic-league-table-{as_of.isoformat()}.csv", "text/csv")


@bp.route("/league-table.xlsx")
@policy.signed_in
def league_table_xlsx():
    """The league table as .xlsx, with the as-of date and the deadline above the table."""
    _require_national_view()
    as_of = _download_as_of()
    table = figures.league_table(as_of)
    return _download(exports.to_xlsx(table), f"oic-league-table-{as_of.isoformat()}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _visible() -> tuple[frozenset[str], frozenset[str]]:
    """Codes of the forces, and names of the regions, whose pages the user may open."""
    return pages.visible_places(current_user)


@bp.route("/regions/<slug>")
@policy.signed_in
def region_page(slug: str):
    """A region's forces the user may see, with the region's totals; 404 when the user sees none of them."""
    region = pages.region_by_slug(slug)
    if region is None:
        abort(404)
    codes = {f.code for f in region.forces if policy.sees_force(current_user, f)}
    if not codes:
        abort(404)
    as_of, problem = _as_of()
    page = pages.league_page(as_of)
    forces = [e for e in page["forces"] if e["code"] in codes]
    totals = {key: pages.sum_counts([f[key] for f in forces]) for key in ("elearning", "hydra", "overall")}
    return render_template("reports/region.html", region=region, page=page, forces=forces, totals=totals,
                           problem=problem, all_columns=_all_columns(),
                           as_of_value=request.args.get("as_of", "") if problem else as_of.isoformat())


@bp.route("/forces/<code>")
@policy.signed_in
def force_page(code: str):
    """A force's figures, breakdowns and trend; the force's own leads also get its people."""
    force = _visible_force(code)
    sees_people = policy.sees_people(current_user, force)
    as_of, problem = _as_of()
    overview = pages.force_overview(force, as_of, merge_small=not sees_people)
    return render_template("reports/force.html", force=force, o=overview, entry=overview["entry"],
                           sees_people=sees_people, problem=problem,
                           as_of_value=request.args.get("as_of", "") if problem else as_of.isoformat())


@bp.route("/forces/<code>/people")
@policy.signed_in
def people(code: str):
    """The force's people and what each still has to do: force leads of that force and admins only."""
    force = _people_force(code)
    as_of, problem = _as_of()
    flt = people_service.PeopleFilter.from_args(request.args)
    page = page_number(request.args.get("page"))
    lines, total = people_service.filtered_people(force, as_of, flt, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    paging = Paging(page, total, PAGE_SIZE)
    if page > paging.pages:
        abort(404)
    return render_template(
        "reports/people.html", force=force, as_of=as_of, problem=problem, flt=flt,
        as_of_value=request.args.get("as_of", "") if problem else as_of.isoformat(),
        counts=people_service.people_counts(force, as_of), options=people_service.filter_options(force),
        lines=lines, total=total, paging=paging, outstanding_text=people_service.outstanding_text,
        due_text=people_service.due_text, deadline=current_app.config["DEADLINE"],
        grace_days=people_service.grace_days(),
    )


@bp.route("/forces/<code>/people.xlsx")
@policy.signed_in
def people_xlsx(code: str):
    """The people list, as filtered, as .xlsx."""
    force = _people_force(code)
    as_of = _download_as_of()
    flt = people_service.PeopleFilter.from_args(request.args)
    lines, _total = people_service.filtered_people(force, as_of, flt)
    description = {"outstanding": "people with training still to do", "overdue": "people overdue",
                   "not_yet_due": "people with training to do, not yet due", "all": "everyone on the roster",
                   "exempt": "people exempt"}[flt.show]
    data = exports.people_to_xlsx(force.name, lines, as_of, current_app.config["DEADLINE"], description)
    return _download(data, f"oic-people-{force.code}-{as_of.isoformat()}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/forces/<code>/people/<int:person_id>")
@policy.signed_in
def person(code: str, person_id: int):
    """Why a person is or is not compliant: what counts, what is missing, and the upload of each record."""
    force = _people_force(code)
    who = people_service.person_in_force(force, person_id)
    if who is None:
        abort(404)
    as_of, problem = _as_of()
    why = explain.explain_person(who, as_of)
    return render_template("reports/person.html", force=force, person=who, why=why, as_of=as_of, problem=problem,
                           as_of_value=request.args.get("as_of", "") if problem else as_of.isoformat(),
                           labels=people_service.REQUIREMENT_LABELS)
