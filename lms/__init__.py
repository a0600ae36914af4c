"""OIC training compliance: the Flask application factory.

Importing `lms` (which every `lms.*` import does first) loads only Flask and the settings: `create_app` imports
the extensions and the blueprints when it builds an app, so `lms --help` starts without SQLAlchemy, Alembic or
the features' services (bench/cli_bench.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from lms.config import REPO_ROOT, from_environment

TEMPLATES = REPO_ROOT / "templates"
MIGRATIONS = REPO_ROOT / "migrations"
STATIC = REPO_ROOT / "static"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, overridden by `config`; extensions, blueprints, CLI.

    No side effects: no migrations, no scheduler, no demo data. Those belong to `lms` commands.
    """
    from lms.extensions import csrf, db, login_manager, migrate

    instance = (config or {}).get("INSTANCE_DIR")
    settings = from_environment(instance, secret_key=(config or {}).get("SECRET_KEY"))
    app = Flask(
        __name__,
        instance_path=str(Path(settings["INSTANCE_DIR"]).resolve()),
        static_folder=str(STATIC),
        static_url_path="/static",
        template_folder=str(TEMPLATES),
    )
    app.config.update(settings)
    if config:
        app.config.update(config)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config))

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(TEMPLATES)),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    login_manager.init_app(app)
    csrf.init_app(app)

    from lms import web
    from lms.accounts import auth, oidc
    from lms.cli import register_cli
    from lms.web import ratelimit

    auth.init_app(app)
    oidc.init_app(app)
    web.init_app(app)
    register_blueprints(app)
    ratelimit.init_app(app)
    register_cli(app)
    return app


def engine_options(config: dict[str, Any]) -> dict[str, Any]:
    """Connection settings: dropped connections replaced, lock waits bounded below the web worker's timeout.

    A request that waits for a lock (an import holding SQLite's write lock, a row PostgreSQL has locked) gives up
    after ``DB_LOCK_TIMEOUT_SECONDS`` and is answered with a 503 and a message (lms.web.errors), instead of being
    killed by gunicorn's 30-second timeout with nothing said.
    """
    # pool_pre_ping: a connection the database dropped (restart, failover) is replaced, not handed to a request.
    options: dict[str, Any] = {"pool_pre_ping": True}
    wait = float(config.get("DB_LOCK_TIMEOUT_SECONDS", 10))
    url = config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": wait}
    elif url.startswith("postgresql"):
        options["connect_args"] = {"options": f"-c lock_timeout={int(wait * 1000)}"}
    return options


def register_blueprints(app: Flask) -> None:
    """Every feature's pages and API, added explicitly."""
    from lms.accounts import views as accounts
    from lms.audit import views as audit
    from lms.briefings import views as briefings
    from lms.emails import views as emails
    from lms.forces import views as forces
    from lms.help import views as help_pages
    from lms.imports import api as imports_api
    from lms.imports import views as imports
    from lms.matches import views as matches
    from lms.pending import views as pending
    from lms.reports import api as reports_api
    from lms.reports import views as reports
    from lms.scheduler import views as scheduler
    from lms.web import openapi as api_docs

    for module in (accounts, reports, imports, forces, audit, scheduler, emails, help_pages, reports_api, imports_api,
                   briefings, api_docs, matches, pending):
        app.register_blueprint(module.bp)
