"""OpenID Connect single sign-on: an Authlib client per configured provider (lms.config.oidc_providers), and the
two legs of the authorization code flow.

The first leg (`authorization_url`) keeps a fresh state, nonce and PKCE verifier (S256) in the signed session
cookie and sends the browser to the provider. The second (`verified_identity`) finds that state in the session
(none: refused, so a sign-in started in someone else's browser cannot finish in this one), exchanges the code and
the verifier for tokens, and verifies the ID token: its signature against the provider's published keys, and its
issuer, audience, expiry and nonce. Only then is its email believed, and only within the provider's domains.

Which account the email belongs to, and whether it may sign in, is for `lms.accounts.service` to decide.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, session
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError

SCOPE = "openid email profile"
TIMEOUT_SECONDS = 10
# Clock difference tolerated between this server and the provider when checking exp and iat.
LEEWAY_SECONDS = 60
# Entra ID's multi-tenant endpoints ("organizations", "common") publish a template issuer naming no tenant.
TENANT_PLACEHOLDER = "{tenantid}"
EXTENSION = "lms.oidc"
# How long a sign-in may take at the provider (multi-factor prompts included) before its state is refused.
FLOW_SECONDS = 15 * 60


@dataclass(frozen=True)
class Provider:
    """A configured provider as the sign-in page shows it."""

    name: str
    label: str
    domains: tuple[str, ...]


@dataclass(frozen=True)
class Identity:
    """What a verified ID token says about the person signing in."""

    provider: str
    email: str
    subject: str


class SsoRefused(Exception):
    """Single sign-on refused. `reason` is for the audit log; the message is safe to show and says what to do."""

    def __init__(self, reason: str, message: str, *, email: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.email = email


def init_app(app: Flask) -> None:
    """Register an Authlib client for each provider in OIDC_PROVIDERS (none: single sign-on is off)."""
    oauth = OAuth(app)
    for name, settings in (app.config.get("OIDC_PROVIDERS") or {}).items():
        oauth.register(
            name,
            client_id=settings["client_id"],
            client_secret=settings["client_secret"],
            server_metadata_url=settings["issuer"] + "/.well-known/openid-configuration",
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "default_timeout": TIMEOUT_SECONDS},
        )
    app.extensions[EXTENSION] = oauth


def _settings() -> dict[str, dict]:
    return current_app.config.get("OIDC_PROVIDERS") or {}


def providers() -> list[Provider]:
    """The configured providers, in the order LMS_OIDC_PROVIDERS lists them."""
    return [Provider(name, s["label"], tuple(s["domains"])) for name, s in _settings().items()]


def provider(name: str) -> Provider | None:
    """The configured provider called `name`, if there is one."""
    return next((p for p in providers() if p.name == name), None)


def _client(name: str):
    return current_app.extensions[EXTENSION].create_client(name)


def _unreachable(label: str) -> SsoRefused:
    return SsoRefused("provider_unreachable", f"{label} could not be reached, so you have not been signed in. Try "
                                              "again in a few minutes.")


def authorization_url(name: str, redirect_uri: str) -> str:
    """Where to send the browser to sign in with `name`; the flow's state, nonce and PKCE verifier go in the
    session. SsoRefused when the provider's discovery document cannot be read."""
    client = _client(name)
    try:
        found = client.create_authorization_url(redirect_uri)
    except (requests.RequestException, ValueError):
        raise _unreachable(provider(name).label) from None
    # Authlib keeps its state data for an hour and never checks that on reading: the start time is ours to check.
    client.save_authorize_data(redirect_uri=redirect_uri, started=time.time(), **found)
    return found["url"]


def verified_identity(name: str, params: Mapping[str, str]) -> Identity:
    """Finish the flow from the callback's query parameters: state, code exchange, ID token, email. SsoRefused
    (with a reason for the audit log) at the first check that fails."""
    label = provider(name).label
    client = _client(name)
    state = params.get("state") or ""
    flow = client.framework.get_state_data(session, state) if state else None
    if state:
        client.framework.clear_state_data(session, state)  # a state is good for one answer only
    if not flow or not flow.get("nonce") or not flow.get("code_verifier") or not _recent(flow.get("started")):
        raise SsoRefused("bad_state", "This sign-in was started in another browser or tab, or too long ago, so it "
                                      f"could not be finished. Start again: choose Sign in with {label}.")
    if params.get("error") or not params.get("code"):
        raise SsoRefused(f"provider_error:{(params.get('error') or 'no code')[:40]}",
                         f"{label} did not sign you in. Try again, or ask your force's IT service desk.")
    try:
        token = client.fetch_access_token(code=params["code"], redirect_uri=flow["redirect_uri"],
                                          code_verifier=flow["code_verifier"])
        claims = client.parse_id_token(token, nonce=flow["nonce"], claims_options=_claims_options(name),
                                       leeway=LEEWAY_SECONDS)
    except requests.RequestException:
        raise _unreachable(label) from None
    except ExpiredTokenError:
        raise SsoRefused("token_expired", f"The sign-in from {label} had expired when it arrived. Start again: "
                                          f"choose Sign in with {label}.") from None
    except ClaimError as exc:
        raise _not_verified(label, f"invalid_{exc.claim}") from None
    except (OAuthError, JoseError, ValueError, KeyError):
        raise _not_verified(label, "invalid_token") from None
    if not claims:
        raise _not_verified(label, "no_id_token")
    return Identity(provider=name, email=_verified_email(name, claims), subject=str(claims["sub"]))


def _recent(started: object) -> bool:
    return isinstance(started, (int, float)) and 0 <= time.time() - started <= FLOW_SECONDS


def _not_verified(label: str, reason: str) -> SsoRefused:
    return SsoRefused(reason, f"The answer from {label} could not be verified, so you have not been signed in. "
                              "Start again; if this keeps happening, tell your service administrator.")


def _claims_options(name: str) -> dict:
    """ID token checks beyond the signature: the issuer is the configured one (for an Entra multi-tenant
    registration, the user's own tenant, which must be one of _TENANTS) and our client id is an audience."""
    settings = _settings()[name]
    published = str(_client(name).load_server_metadata().get("issuer") or "")

    def issuer_is_expected(claims, value) -> bool:
        return issuer_matches(value, claims, configured=settings["issuer"], published=published,
                              tenants=settings["tenants"])

    # Built afresh for every token: Authlib pops the "validate" hooks out of the options it is given.
    return {
        "iss": {"essential": True, "validate": issuer_is_expected},
        "aud": {"essential": True, "values": [settings["client_id"]]},
        "exp": {"essential": True},
    }


def issuer_matches(issuer: object, claims: Mapping, *, configured: str, published: str,
                   tenants: Sequence[str]) -> bool:
    """The ID token's `iss` is the provider's: the configured issuer, which its discovery document must publish
    too. Entra ID's multi-tenant discovery publishes a template (``.../{tenantid}/v2.0``) instead: then the
    token's own tenant (`tid`) must be one of `tenants` and `iss` that tenant's issuer."""
    if not isinstance(issuer, str):
        return False
    if TENANT_PLACEHOLDER in published:
        tenant = str(claims.get("tid") or "")
        return bool(tenant) and tenant.lower() in tenants and issuer == published.replace(TENANT_PLACEHOLDER, tenant)
    return issuer == configured == published.rstrip("/")


def _verified_email(name: str, claims: Mapping) -> str:
    """The token's email, case-folded, when the provider vouches for it and it is in one of its domains."""
    settings = _settings()[name]
    label = settings["label"]
    email = str(claims.get(settings["email_claim"]) or "").strip().casefold()
    # email_verified (the standard claim) or xms_edov (Entra's "email domain owner verified" optional claim).
    vouched = claims.get("email_verified") in (True, "true") or claims.get("xms_edov") in (True, "1", "true")
    if "@" not in email or not vouched:
        raise SsoRefused("email_not_verified", f"{label} did not give a verified email address, so we cannot tell "
                                               "which account is yours. Ask your force's IT service desk.",
                         email=email or None)
    domain = email.rsplit("@", 1)[1]
    if domain not in settings["domains"]:
        allowed = ", ".join(settings["domains"])
        raise SsoRefused("wrong_domain", f"{label} can sign in email addresses at {allowed} only, and {email} is "
                                         "not one. Sign in with your own force's account.", email=email)
    return email


def end_session_url(name: str, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session page (RP-initiated logout) when its discovery document has one, else None."""
    if provider(name) is None:
        return None
    try:
        found = _client(name).create_logout_url(post_logout_redirect_uri=post_logout_redirect_uri,
                                                client_id=_settings()[name]["client_id"])
    except (requests.RequestException, RuntimeError, ValueError):
        return None
    return found["url"]
