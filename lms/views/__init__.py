"""One blueprint per file."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Register every blueprint of the service."""
    from lms.views import admin, api, auth_views, dashboard, help_pages, imports, reports, schedules

    for module in (auth_views, dashboard, api, help_pages, reports, imports, admin, schedules):
        app.register_blueprint(module.bp)
