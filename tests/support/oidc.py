"""A real OpenID Connect provider on loopback (the `oidc-provider-mock` package: discovery, keys, authorize, token
and end-session endpoints, RS256-signed ID tokens), and the steps a browser takes through it.

The provider is served by werkzeug in a thread on 127.0.0.1 (the browser suite resolves no other name), so its
issuer is `http://127.0.0.1:<port>`. Its authorize endpoint is a form: POSTing `sub` there is the person signing
in, and the provider redirects back to the service's callback with a code and the state, as Entra ID would.
People's claims are set with the provider's `PUT /users/<sub>`.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import requests
from werkzeug.serving import make_server

CLIENT_ID = "lms-test-client"
CLIENT_SECRET = "lms-test-client-secret"
TIMEOUT = 10


def _provider_app(**options):
    # The mock imports authlib.jose, which Authlib deprecates in favour of joserfc (the service itself uses only
    # joserfc). Ignored for this import alone: pytest turns every other warning into an error.
    from authlib.deprecate import AuthlibDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AuthlibDeprecationWarning)
        import oidc_provider_mock

    return oidc_provider_mock.app(**options)


class QuietProvider:
    """The mock's WSGI app, with deprecation warnings ignored while it answers.

    The mock calls Authlib server APIs that Authlib deprecates (`get_jwt_config`), which pytest's
    `filterwarnings = error` would turn into 500s from the provider. Warning filters are global to the process, so
    the provider's requests are answered one at a time and each restores the filters it found; the service's own
    code keeps failing on any warning.
    """

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock, warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return list(self.app(environ, start_response))


@dataclass
class Provider:
    """A running provider: its issuer URL and helpers to set people's claims."""

    issuer: str

    def set_user(self, sub: str, **claims) -> None:
        """What the provider says about `sub` (e.g. email=..., email_verified=True)."""
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=TIMEOUT)
        assert response.status_code == 204, response.text

    def settings(self, *, domains: list[str], label: str = "Kent Police", tenants: list[str] | None = None) -> dict:
        """One entry of the app's OIDC_PROVIDERS, as lms.config.oidc_providers builds it from the environment."""
        return {"issuer": self.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "domains": domains,
                "label": label, "tenants": tenants or [], "email_claim": "email"}

    def environment(self, name: str, *, domains: str, label: str) -> dict[str, str]:
        """The LMS_OIDC_<NAME>_* variables that configure this provider."""
        prefix = f"LMS_OIDC_{name.upper().replace('-', '_')}_"
        return {prefix + "ISSUER": self.issuer, prefix + "CLIENT_ID": CLIENT_ID,
                prefix + "CLIENT_SECRET": CLIENT_SECRET, prefix + "DOMAINS": domains, prefix + "LABEL": label}


@contextmanager
def running_provider(*, token_max_age: timedelta = timedelta(hours=1)) -> Iterator[Provider]:
    """Serve a provider on 127.0.0.1 and a free port until the block ends. A negative `token_max_age` makes it
    issue ID tokens that have already expired."""
    app = QuietProvider(_provider_app(access_token_max_age=token_max_age, require_nonce=True))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="oidc-provider",
                              daemon=True)
    thread.start()
    try:
        yield Provider(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def local_path(url: str) -> str:
    """The path and query of a URL of the service (the test client talks to the app, not to its host name)."""
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, ""))


def with_query(url: str, **changes: str) -> str:
    """`url` with some query parameters replaced (an attacker's edits to the provider's redirect)."""
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def provider_answer(authorize_url: str, sub: str) -> str:
    """`sub` signs in at the provider's authorize page; returns where the provider sends the browser back to."""
    response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def start(client, name: str = "kent", **query) -> str:
    """Press "Sign in with ..." in the test client; returns the provider's authorize URL it was sent to."""
    response = client.get(f"/sign-in/oidc/{name}", query_string=query)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def sign_in_through(client, sub: str, name: str = "kent", **query):
    """The whole journey with the Flask test client: start, sign in at the provider, come back. Returns the
    service's answer to the callback."""
    callback = provider_answer(start(client, name, **query), sub)
    return client.get(local_path(callback))
