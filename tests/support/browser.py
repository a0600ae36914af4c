"""Real-browser fixtures: the real app served on loopback, Debian's Chromium driven by Playwright, axe-core checks.

- `live_server` (session): the app from `create_app`, CSRF on, rate limits off, on a fresh SQLite file database with
  the reference data, served by werkzeug in a thread on 127.0.0.1 and a free port. Its helpers seed users and
  committed imports straight through the services, in the app's context.
- `browser` (module): headless Chromium from /usr/bin/chromium (or $LMS_CHROMIUM). Missing: the tests skip, or fail
  when CI is set. Playwright's own browser download is never used.
- `context` / `page`: a fresh browser context per test with the site's real Content-Security-Policy in force. axe is
  evaluated through the DevTools protocol, which CSP does not govern, so no test needs `bypass_csp`; any CSP
  violation, uncaught script error or console error on a page fails the test.
- `journey(page, flow)`: `.check(step)` saves a full-page screenshot under test-output/screenshots/ and runs axe
  (WCAG 2.0/2.1/2.2 A and AA rules); any violation fails with its rule, impact and node targets.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

try:  # the test modules import `expect` from here, so a machine without Playwright skips instead of erroring
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the browser fixture skips (or fails in CI) with the reason
    expect = None

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
               # Loopback only: no name resolves, so nothing but 127.0.0.1 can be reached.
               "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
AXE_SOURCES = [REPO / "static" / "vendor" / "axe.min.js", REPO / "node_modules" / "axe-core" / "axe.min.js"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = REPO / "test-output" / "screenshots"
PASSWORD = "correct-horse-battery-staple"
VIEWPORT = {"width": 1280, "height": 900}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def unavailable(reason: str):
    """Skip on a developer machine; in CI the browser suite must run, so fail instead."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so the browser suite may not be skipped)", pytrace=False)
    pytest.skip(reason)


# --- the server --------------------------------------------------------------------------------------------------


@dataclass
class LiveServer:
    app: object
    url: str
    _emails: itertools.count = field(default_factory=lambda: itertools.count(1))

    def create_user(self, role: str, *, force: str | None = None, region: str | None = None) -> str:
        """A new account (unique email, the shared test password); returns its email."""
        from lms.accounts.service import create_user
        from lms.extensions import db

        email = f"{role.replace('_', '-')}{next(self._emails)}@browser.police.invalid"
        with self.app.app_context():
            create_user(email, role, password=PASSWORD, force_code=force, region_name=region)
            db.session.commit()
        return email

    def commit_import(self, kind: str, data: bytes, filename: str, force: str) -> dict:
        """Seed: a committed import through the real service (no user: as the CLI does)."""
        from lms.extensions import db
        from lms.imports.service import run_import

        with self.app.app_context():
            outcome = run_import(kind, data, filename, force, None, mode="commit")
            db.session.commit()
            return outcome.summary

    def hold_background_preview(self, kind: str, data: bytes, filename: str, force: str, email: str) -> int:
        """Store a large upload as a "processing" batch, as the upload page does, but start no worker yet."""
        from lms.extensions import db
        from lms.imports import background
        from lms.models import User

        with self.app.app_context():
            user = db.session.scalar(db.select(User).where(User.email == email))
            batch = background.start_preview(kind, data, filename, force, user)
            db.session.commit()
            assert batch.status == "processing", "the file is too small to be read in the background"
            return batch.id

    def set_progress(self, batch_id: int, done: int, total: int) -> None:
        """Record progress exactly as the background worker does (its own short transaction)."""
        from sqlalchemy import update

        from lms.extensions import db
        from lms.models import ImportBatch

        with self.app.app_context(), db.engine.begin() as conn:
            conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id)
                         .values(progress_rows=done, progress_total=total))

    def release_background_preview(self, batch_id: int):
        """Start the real worker thread for a held batch; returns the thread."""
        from lms.extensions import db
        from lms.imports import background
        from lms.models import ImportBatch

        with self.app.app_context():
            return background.run_pending(db.session.get(ImportBatch, batch_id))

    def cli(self, *args: str) -> str:
        """Run an `lms` command in-process against the server's database; returns its output."""
        result = self.app.test_cli_runner().invoke(args=["lms", *args])
        assert result.exit_code == 0, result.output
        return result.output

    def force_api(self, code: str) -> dict:
        """The API's object for a force, computed in-process (the contract the pages must agree with)."""
        from lms.reports.figures import league_table

        with self.app.app_context():
            return next(f for f in league_table()["forces"] if f["code"] == code)


@contextmanager
def serve_app(root: Path, name: str = "browser"):
    """The real app on a fresh SQLite file database under `root` (reference data loaded), CSRF on, rate limits off,
    served by werkzeug in a thread on 127.0.0.1 and a free port; yields its LiveServer."""
    from sqlalchemy import create_engine
    from werkzeug.serving import make_server

    from lms import create_app
    from lms.extensions import db
    from lms.forces.reference import load_reference_data
    from lms.models import Base
    from tests.support.app import fresh_database_url

    url = fresh_database_url(root, name)
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_DIR": str(root / "instance"),
        "UPLOAD_DIR": str(root / "instance" / "uploads"),
        "SECRET_KEY": "browser-test-secret-key",
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": False,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": 1,
    })
    with app.app_context():
        load_reference_data()
        db.session.commit()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, name=f"{name}-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, base)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    with serve_app(tmp_path_factory.mktemp("browser")) as server:
        yield server


# --- the browser -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    # Module scope: Playwright's sync API owns an event loop while it runs; end it before the rest of the suite.
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"{CHROMIUM} is missing: apt-get install chromium (Playwright's own download cannot work here)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed: pip install -e '.[dev]'")
    if not any(p.is_file() for p in AXE_SOURCES):
        unavailable("axe-core is missing: run `make assets` (npm ci copies it to static/vendor/axe.min.js)")
    expect.set_options(timeout=15_000)  # a loaded CI machine (pytest -n 2 beside the rest of the suite) is slow
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
    except Exception as exc:  # noqa: BLE001 - any launch failure is "no usable browser here"
        manager.stop()
        unavailable(f"Chromium at {CHROMIUM} would not start: {exc}")
    yield chromium
    chromium.close()
    manager.stop()


@dataclass
class PageProblems:
    """Console errors, CSP violations and uncaught exceptions seen on a page since the last check."""

    origin: str
    items: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("request", self._request)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.items.append(f"uncaught script error: {exc}"))
        page.on("response", self._response)

    def _console(self, msg) -> None:
        # "Failed to load resource" repeats what _response saw; a page answered 400 with its form errors is fine.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.items.append(f"console {msg.type}: {msg.text}")

    def _request(self, request) -> None:
        if not request.url.startswith((self.origin + "/", "data:", "blob:", "about:")):
            self.items.append(f"request to {request.url}: pages may load nothing from elsewhere")

    def _response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.items.append(f"{response.request.resource_type} {response.url} answered {response.status}")

    def take(self) -> list[str]:
        out, self.items[:] = list(self.items), []
        return out


def new_context(browser, live_server, *, javascript: bool = True):
    """A fresh context (its own cookies) on the live server; the site's CSP stays in force (no bypass_csp)."""
    return browser.new_context(base_url=live_server.url, viewport=VIEWPORT, accept_downloads=True,
                               java_script_enabled=javascript, locale="en-GB", timezone_id="Europe/London")


@pytest.fixture
def context(browser, live_server):
    ctx = new_context(browser, live_server)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def watched_page(context, origin: str):
    """A new page whose console errors, failed subresources, requests to other origins and uncaught exceptions
    Journey.check reports."""
    page = context.new_page()
    page.problems = PageProblems(origin)
    page.problems.watch(page)
    return page


@pytest.fixture
def page(context, live_server):
    return watched_page(context, live_server.url)


@pytest.fixture
def nojs_page(browser, live_server):
    """A page in a context with JavaScript switched off: GOV.UK progressive enhancement must not be needed."""
    ctx = new_context(browser, live_server, javascript=False)
    ctx.set_default_timeout(15_000)
    yield watched_page(ctx, live_server.url)
    ctx.close()


# --- checks ------------------------------------------------------------------------------------------------------


_axe_source: str | None = None


def axe_source() -> str:
    global _axe_source
    if _axe_source is None:
        _axe_source = next(p for p in AXE_SOURCES if p.is_file()).read_text(encoding="utf-8")
    return _axe_source


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} WCAG 2.2 A/AA violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"][:10]:
            lines.append(f"    target {json.dumps(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more nodes")
    return "\n".join(lines)


def run_axe(page) -> list[dict]:
    """axe-core on the page as it is now. Injected through the DevTools protocol: the page's CSP stays in force."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
                     .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                        nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary}))})))""",
        AXE_TAGS,
    )


@dataclass
class Journey:
    page: object
    flow: str
    javascript: bool = True
    steps: itertools.count = field(default_factory=lambda: itertools.count(1))

    def check(self, step: str, *, axe: bool = True) -> Path:
        """Screenshot the page, then fail on axe violations (with JavaScript on) or on any script/CSP problem."""
        page = self.page
        page.wait_for_load_state("load")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.flow}-{next(self.steps):02d}-{step}.png"
        started = time.perf_counter()
        page.screenshot(path=str(path), full_page=True)
        shot = time.perf_counter() - started
        problems = page.problems.take()
        assert not problems, f"{page.url} ({step}): browser reported problems:\n" + "\n".join(problems)
        if axe and self.javascript:
            violations = run_axe(page)
            assert not violations, format_violations(page.url, violations)
        if os.environ.get("LMS_BROWSER_TIMING"):
            print(f"{path.name}: screenshot {shot:.2f}s, with axe {time.perf_counter() - started:.2f}s")
        return path


@pytest.fixture
def journey():
    def make(page, flow: str, *, javascript: bool = True) -> Journey:
        for old in SCREENSHOTS.glob(f"{flow}-*.png"):
            old.unlink()
        return Journey(page, flow, javascript)

    return make


# --- actions shared by the flows ---------------------------------------------------------------------------------


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form (its CSRF token included)."""
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def upload_file(page, kind_label: str, name: str, data: bytes | None = None, path: Path | None = None,
                force: str | None = None) -> None:
    """Fill the upload form (kind by its radio label, optional force by value) and submit it."""
    page.goto("/upload")
    page.get_by_label(kind_label).check()
    if force:
        page.get_by_label("Force", exact=True).select_option(force)
    field_ = page.get_by_label("Upload a file", exact=True)
    if path is not None:
        field_.set_input_files(str(path))
    else:
        mime = "text/csv" if name.endswith(".csv") else \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        field_.set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.get_by_role("button", name="Upload and preview").click()


def summary_value(page, key: str) -> str:
    """The value beside a summary-list key (exact key text)."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))).first
    return row.locator(".govuk-summary-list__value").inner_text().strip()
