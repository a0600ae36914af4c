"""The service navigation, by role; the current page is marked active."""

from __future__ import annotations

from flask import Flask, request, url_for
from flask_login import current_user

from lms import policy
from lms.pending import service as pending
from lms.reports.pages import region_slug


def nav_items() -> list[dict]:
    """Service navigation links for whoever is signed in (only "Sign in" for nobody)."""
    if not current_user.is_authenticated:
        return [{"href": url_for("accounts.sign_in"), "text": "Sign in"}]
    items = [("reports.dashboard", "Dashboard", {})]
    items.append(("reports.league_table", "League table", {}))
    if current_user.role in (policy.ADMIN, policy.NATIONAL):
        items.append(("briefings.national_page", "National picture", {}))
    if current_user.role == policy.FORCE_LEAD and current_user.force:
        items.append(("reports.force_page", "My force", {"code": current_user.force.code}))
    if current_user.role == policy.REGIONAL and current_user.region:
        items.append(("reports.region_page", "My region", {"slug": region_slug(current_user.region.name)}))
    if current_user.role in (policy.ADMIN, policy.FORCE_LEAD, policy.REGIONAL):
        items.append(("imports.upload", "Upload", {}))
    if current_user.role in (policy.ADMIN, policy.FORCE_LEAD):
        items.append(("matches.unmatched_home", "Unmatched", {}))
    if current_user.role in (policy.ADMIN, policy.FORCE_LEAD, policy.REGIONAL) and pending.waiting_for(current_user):
        items.append(("pending.pending_home", "Pending", {}))  # only when another force's register sent lines
    if policy.can_publish(current_user):
        items.append(("emails.publish", "Publish", {}))
    if current_user.role == policy.ADMIN:
        items.append(("accounts.admin_home", "Admin", {}))
    items.append(("accounts.sign_out", "Sign out", {}))
    out = []
    for endpoint, text, args in items:
        href = url_for(endpoint, **args)
        out.append({"href": href, "text": text, "active": request.path == href})
    return out


def init_app(app: Flask) -> None:
    """Make the navigation and the access rules available to every template."""
    app.add_template_global(nav_items)
    app.add_template_global(policy, "policy")
    app.add_template_global(pending_waiting)


def pending_waiting(force) -> int:
    """Lines other forces' Hydra registers sent to `force`, waiting to be accepted (the force page's count)."""
    return pending.waiting_counts([force.id]).get(force.id, 0)
