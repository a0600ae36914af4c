"""The national page (MSOICU), a chief constable's signed read-only page, and the admin's list of those links and
of the forces with no lead account."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from lms import policy
from lms.briefings import links, national
from lms.briefings import service as briefing
from lms.briefings.forms import RevokeLinkForm
from lms.briefings.leads import forces_without_leads
from lms.core.clock import local_time, month_label
from lms.core.errors import ServiceError
from lms.core.transaction import committing
from lms.reports import charts

bp = Blueprint("briefings", __name__)

admin_only = policy.role_required(policy.ADMIN)


@bp.route("/national")
@policy.signed_in
def national_page():
    """The national picture: percentages with n of m, forces by status, trend, modules, regions (printable)."""
    if not policy.sees_national(current_user):
        abort(403)
    n = national.national_page()
    modules = charts.bar_chart(
        [charts.Bar(m["label"], m["percent"], f"({m['complete']} of {m['relevant']})") for m in n["modules"]],
        chart_id="module-bars", title="National completion of each e-learning module",
        description="Bars show the percentage of people required to do the e-learning who completed each module; "
                    "the table below gives the same figures.")
    regions = charts.bar_chart(
        [charts.Bar(r["name"], r["overall"]["percent"], f"({r['overall']['complete']} of {r['overall']['relevant']})")
         for r in n["regions"]],
        chart_id="region-bars", title="Overall compliance by region",
        description="Bars show each region's percentage of relevant people who have done all their training; the "
                    "table below gives the same figures.")
    return render_template("briefings/national.html", n=n, module_chart=modules, region_chart=regions)


@bp.route("/chief/<code>/<token>")
def chief_page(code: str, token: str):
    """A chief constable's read-only page: public, guarded by the signed token; every use is audited."""
    refused = None
    with committing():
        try:
            opened = links.open_link(code, token)
        except links.LinkRefused as exc:
            refused = exc
        else:
            picture = briefing.chief_picture(opened.force)
    if refused is not None:
        response = make_response(render_template("briefings/chief_refused.html", message=str(refused)),
                                 410 if refused.reason in ("expired", "revoked") else 404)
    else:
        response = make_response(render_template("briefings/chief.html", force=opened.force, p=picture,
                                                 expires=local_time(opened.link.expires_at)))
    # The token is the key: never cached, never sent on as a referrer, never indexed.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/admin/chief-links")
@admin_only
def chief_links():
    """Every chief constable link, newest first: whose, when it expires, how often used; withdraw any."""
    return render_template("briefings/links.html", rows=links.list_links(), form=RevokeLinkForm(),
                           local_time=local_time, month_label=month_label)


@bp.route("/admin/chief-links/<int:link_id>/revoke", methods=["POST"])
@admin_only
def revoke_link(link_id: int):
    """Withdraw a link: it stops working at once."""
    form = RevokeLinkForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with committing():
            link = links.revoke_link(link_id, current_user)
    except ServiceError:
        abort(404)
    flash(f"Withdrew link {link.id}: it no longer opens.", "success")
    return redirect(url_for("briefings.chief_links", _anchor=f"link-{link.id}"))


@bp.route("/admin/forces-without-leads")
@admin_only
def no_leads():
    """Forces with no active force lead account: their stale-data reminders go to their ROCU and the admins."""
    return render_template("briefings/no_leads.html", rows=forces_without_leads())
