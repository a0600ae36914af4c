"""Request-wide wiring: error pages, security headers, navigation, template filters, GOV.UK assets, rate limits."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, send_from_directory
from govuk_frontend_wtf.main import WTFormsHelpers

from lms.web import errors, filters, headers, inputs, navigation


def init_app(app: Flask) -> None:
    """Register error handlers, headers, template globals and filters, and the GOV.UK asset route."""
    WTFormsHelpers(app)
    errors.init_app(app)
    inputs.init_app(app)
    headers.init_app(app)
    navigation.init_app(app)
    filters.init_app(app)

    @app.route("/assets/<path:filename>")
    def govuk_assets(filename: str):
        # GOV.UK Frontend's CSS refers to /assets/fonts and /assets/images; so does MOJ Frontend's (the filter
        # tags' cross), from its own folder: GOV.UK's first, then MOJ's.
        govuk = Path(app.static_folder, "govuk", "assets")
        folder = govuk if (govuk / filename).is_file() else Path(app.static_folder, "moj", "assets")
        return send_from_directory(folder, filename, max_age=86400)
