"""Error pages: GOV.UK pages for people, the CONTRACT's JSON error object under /api/."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from lms.extensions import db

ERROR_TEXT = {
    400: ("There is a problem with your request", ["Go back, check what you entered and try again."]),
    401: ("Sign in to see this page", ["Your session may have ended. Sign in again."]),
    403: ("You do not have access to this page", ["Ask your service administrator if you think you should."]),
    404: ("Page not found", ["If you typed the web address, check it is correct.",
                             "If you pasted the web address, check you copied the entire address."]),
    405: ("There is a problem with your request", ["That action is not allowed here."]),
    413: ("The file is too large", []),
    429: ("Too many requests", ["Wait a minute and try again."]),
    503: ("The service is busy", ["Another change (an upload being saved, perhaps) is holding the data you need.",
                                  "Nothing was changed. Wait a minute and try again."]),
    500: ("Sorry, there is a problem with the service", ["Try again later. Nothing you uploaded has been lost."]),
}


def wants_json() -> bool:
    """Whether the caller is the JSON API (errors answer with the CONTRACT's error object)."""
    return request.path.startswith("/api/")


def error_response(code: int, description: str | None = None):
    """The error page (or JSON error object) for an HTTP status."""
    title, paragraphs = ERROR_TEXT.get(code, ERROR_TEXT[500] if code >= 500 else ERROR_TEXT[400])
    if code == 413:
        limit = current_app.config["MAX_UPLOAD_MB"]
        paragraphs = [f"Files must be smaller than {limit} MB. Split the file, or remove columns you do not need."]
        description = paragraphs[0]
    if wants_json():
        return jsonify({"error": title, "details": [description] if description else []}), code
    return render_template("errors/error.html", title=title, paragraphs=paragraphs), code


def is_lock_timeout(exc: OperationalError) -> bool:
    """Whether the database gave up waiting for a lock (SQLite's busy timeout, PostgreSQL's lock_timeout)."""
    if "database is locked" in str(exc.orig):
        return True
    return getattr(exc.orig, "sqlstate", None) == "55P03"  # lock_not_available


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return error_response(exc.code or 500, exc.description if wants_json() else None)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        if wants_json():
            return jsonify({"error": "CSRF token missing or invalid", "details": []}), 400
        return render_template(
            "errors/error.html",
            title="Your form has expired",
            paragraphs=["For your security, forms expire. Go back, reload the page and try again."],
        ), 400

    @app.errorhandler(OperationalError)
    def database_busy(exc: OperationalError):
        db.session.rollback()
        if not is_lock_timeout(exc):
            return server_error(exc)
        app.logger.warning("Lock wait timed out on %s %s", request.method, request.path)
        response, code = error_response(503, "The service is busy: try again in a minute. Nothing was changed.")
        response = app.make_response((response, code))
        response.headers["Retry-After"] = "60"
        return response

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        app.logger.exception("Unhandled error on %s", request.path)
        db.session.rollback()
        return error_response(500)
