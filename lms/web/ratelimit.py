"""Rate limits on sign-in attempts and the JSON API (Flask-Limiter, counters in process memory).

Sign-in POSTs are limited per client IP address, on top of the per-account lockout in `lms.accounts.auth`: the lockout
stops guessing one account's password, this stops one address trying many accounts. The API is limited per
bearer token (or signed-in session, or address), with a wider per-address ceiling so that sending made-up tokens
does not escape it.

Counters live in each process's memory: with `gunicorn -w N` each worker counts on its own, so the effective
limit is up to N times the figure here. That is enough to stop guessing and runaway scripts; set
RATELIMIT_STORAGE_URI (e.g. ``redis://...``) to share the counters. Behind a reverse proxy, wrap the app in
werkzeug's ProxyFix so ``request.remote_addr`` is the client's address, not the proxy's.

Exceeding a limit raises werkzeug's 429, which `lms.web.setup` renders as a GOV.UK page (JSON under /api/).
Set RATELIMIT_ENABLED = False to turn all of this off (the test app does).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Flask, current_app, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

SIGN_IN_LIMIT = "10 per minute"
API_LIMIT = "300 per minute"
API_ADDRESS_LIMIT = "1200 per minute"


def api_caller() -> str:
    """Who an API request counts against: its bearer token, else its signed-in session, else its address."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer ") and header[7:].strip():
        # The hash, not the token: rate-limit keys may be logged or stored.
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
    user_id = session.get("_user_id")
    if user_id:
        return f"user:{user_id}"
    return "ip:" + (get_remote_address() or "unknown")


def _setting(name: str, default: str) -> Callable[[], str]:
    """A limit read from the app config at each request, so it can be tuned per app without a restart."""
    return lambda: current_app.config.get(name) or default


def init_app(app: Flask) -> Limiter | None:
    """Apply the limits to the app's sign-in view and API blueprint; call after the blueprints are registered."""
    if not app.config.get("RATELIMIT_ENABLED", True):
        app.config["RATELIMIT_ENABLED"] = False
        return None
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # A limiter per app, so that two apps in one process (tests, scripts) never share counters.
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=app.config.get("RATELIMIT_STORAGE_URI") or "memory://",
        strategy="fixed-window",
    )
    limiter.init_app(app)

    endpoint = "accounts.sign_in"
    app.view_functions[endpoint] = limiter.limit(
        _setting("RATELIMIT_SIGN_IN", SIGN_IN_LIMIT), methods=["POST"], key_func=get_remote_address,
        scope="sign-in",
    )(app.view_functions[endpoint])
    # Single sign-on's two legs (lms.accounts.oidc), limited as the password form: each is a sign-in attempt.
    for endpoint in ("accounts.sso_start", "accounts.sso_callback"):
        app.view_functions[endpoint] = limiter.limit(
            _setting("RATELIMIT_SIGN_IN", SIGN_IN_LIMIT), key_func=get_remote_address, scope="sign-in",
        )(app.view_functions[endpoint])

    # Shared: one budget across every API endpoint of every API blueprint, not one per endpoint.
    per_caller = limiter.shared_limit(_setting("RATELIMIT_API", API_LIMIT), "api", key_func=api_caller)
    per_address = limiter.shared_limit(_setting("RATELIMIT_API_ADDRESS", API_ADDRESS_LIMIT), "api-address",
                                       key_func=get_remote_address)
    for blueprint in app.blueprints.values():
        if getattr(blueprint, "api", False):
            per_caller(blueprint)
            per_address(blueprint)
    return limiter
