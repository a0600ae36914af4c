"""Request-wide wiring: error pages, security headers, navigation and template helpers."""

from __future__ import annotations

import secrets

from flask import Flask, g, jsonify, render_template, request, send_from_directory, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from govuk_frontend_wtf.main import WTFormsHelpers
from werkzeug.exceptions import HTTPException

from lms import policy

ERROR_TEXT = {
    400: ("There is a problem with your request", ["Go back, check what you entered and try again."]),
    401: ("Sign in to see this page", ["Your session may have ended. Sign in again."]),
    403: ("You do not have access to this page", ["Ask your service administrator if you think you should."]),
    404: ("Page not found", ["If you typed the web address, check it is correct.",
                             "If you pasted the web address, check you copied the entire address."]),
    405: ("There is a problem with your request", ["That action is not allowed here."]),
    413: ("The file is too large", []),
    429: ("Too many requests", ["Wait a minute and try again."]),
    500: ("Sorry, there is a problem with the service", ["Try again later. Nothing you uploaded has been lost."]),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error_response(code: int, description: str | None = None):
    title, paragraphs = ERROR_TEXT.get(code, ERROR_TEXT[500] if code >= 500 else ERROR_TEXT[400])
    if code == 413:
        from flask import current_app

        limit = current_app.config["MAX_UPLOAD_MB"]
        paragraphs = [f"Files must be smaller than {limit} MB. Split the file, or remove columns you do not need."]
        description = paragraphs[0]
    if _wants_json():
        return jsonify({"error": title, "details": [description] if description else []}), code
    return render_template("errors/error.html", title=title, paragraphs=paragraphs), code


def nav_items() -> list[dict]:
    """Service navigation by role; the current page is marked active."""
    if not current_user.is_authenticated:
        return [{"href": url_for("auth.sign_in"), "text": "Sign in"}]
    items = [("dashboard.index", "Dashboard", {})]
    items.append(("reports.league_table", "League table", {}))
    if current_user.role == policy.FORCE_LEAD and current_user.force:
        items.append(("reports.force_page", "My force", {"code": current_user.force.code}))
    if current_user.role == policy.REGIONAL and current_user.region:
        from lms.views.reports import region_slug

        items.append(("reports.region_page", "My region", {"slug": region_slug(current_user.region.name)}))
    if current_user.role in (policy.ADMIN, policy.FORCE_LEAD, policy.REGIONAL):
        items.append(("imports.upload", "Upload", {}))
    if current_user.role in (policy.ADMIN, policy.FORCE_LEAD):
        items.append(("imports.unmatched_home", "Unmatched", {}))
    if policy.can_publish(current_user):
        items.append(("schedules.publish", "Publish", {}))
    if current_user.role == policy.ADMIN:
        items.append(("admin.index", "Admin", {}))
    items.append(("auth.sign_out", "Sign out", {}))
    out = []
    for endpoint, text, args in items:
        href = url_for(endpoint, **args)
        out.append({"href": href, "text": text, "active": request.path == href})
    return out


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_app(app: Flask) -> None:
    """Register error handlers, headers, template globals and the GOV.UK asset route."""
    WTFormsHelpers(app)
    app.add_template_global(nav_items)
    app.add_template_global(csp_nonce)
    app.add_template_global(policy, "policy")

    @app.route("/assets/<path:filename>")
    def govuk_assets(filename: str):
        # GOV.UK Frontend's CSS refers to /assets/fonts and /assets/images.
        return send_from_directory(app.static_folder + "/govuk/assets", filename, max_age=86400)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _error_response(exc.code or 500, exc.description if _wants_json() else None)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        if _wants_json():
            return jsonify({"error": "CSRF token missing or invalid", "details": []}), 400
        return render_template(
            "errors/error.html",
            title="Your form has expired",
            paragraphs=["For your security, forms expire. Go back, reload the page and try again."],
        ), 400

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        app.logger.exception("Unhandled error on %s", request.path)
        from lms.extensions import db

        db.session.rollback()
        return _error_response(500)

    @app.after_request
    def security_headers(response):
        nonce = g.get("csp_nonce", "")
        script = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src {script}; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            "frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure or app.config["BASE_URL"].startswith("https://"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user and getattr(current_user, "is_authenticated", False):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
