"""Security headers on every response: a CSP with a per-request nonce, framing, sniffing, referrer, caching."""

from __future__ import annotations

import secrets

from flask import Flask, g, request
from flask_login import current_user


def csp_nonce() -> str:
    """This request's script nonce (templates put it on their inline scripts)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_app(app: Flask) -> None:
    """Add the headers after every request, and remember the connecting address for the audit trail."""
    app.add_template_global(csp_nonce)

    @app.before_request
    def remember_client_address() -> None:
        # The connecting address only: X-Forwarded-For is whatever the client says (use ProxyFix behind a proxy).
        g.client_address = (request.remote_addr or "")[:64] or None

    @app.teardown_request
    def forget_client_address(exc: BaseException | None) -> None:
        g.pop("client_address", None)

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
