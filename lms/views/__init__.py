"""One blueprint per file."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from lms.views import api, auth_views, dashboard, help_pages

    for module in (auth_views, dashboard, api, help_pages):
        app.register_blueprint(module.bp)
    for optional in ("reports", "imports", "admin", "schedules"):
        try:
            module = __import__(f"lms.views.{optional}", fromlist=["bp"])
        except ModuleNotFoundError:
            continue
        app.register_blueprint(module.bp)
