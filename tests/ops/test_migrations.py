"""The committed Alembic migrations build exactly the schema the models describe, and `lms init-db` is idempotent."""

from __future__ import annotations

import logging

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from lms import create_app
from lms.cli import cli
from lms.extensions import db
from lms.models import Base, Force, Region, Requirement
from tests.support.app import fresh_database_url


@pytest.fixture(autouse=True)
def keep_logging():
    """migrations/env.py calls logging.config.fileConfig, which disables every existing logger and replaces the
    root handlers; put them back so later tests that capture logs are not affected by the order tests run in."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    loggers = {name: (lg.disabled, lg.level) for name, lg in logging.Logger.manager.loggerDict.items()
               if isinstance(lg, logging.Logger)}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, (disabled, lvl) in loggers.items():
        lg = logging.getLogger(name)
        lg.disabled, lg.level = disabled, lvl


@pytest.fixture
def empty_app(tmp_path):
    """An app on an empty database of its own (the shared test database is built with create_all)."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": fresh_database_url(tmp_path, "migr"),
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "SECRET_KEY": "migrations",
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def _migrate(app, command: str, revision: str) -> None:
    with app.app_context():
        directory = app.extensions["migrate"].directory
        getattr(flask_migrate, command)(directory=directory, revision=revision)
        db.engine.dispose()


def test_migrations_build_exactly_the_models(empty_app):
    _migrate(empty_app, "upgrade", "head")

    assert _differences(empty_app) == []


def test_migrations_downgrade_to_nothing_and_upgrade_again(empty_app):
    _migrate(empty_app, "upgrade", "head")
    _migrate(empty_app, "downgrade", "base")

    with empty_app.app_context():
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()

    _migrate(empty_app, "upgrade", "head")
    assert _differences(empty_app) == []


def test_an_unmigrated_database_differs_from_the_models(empty_app):
    # The comparison above can fail: on an empty database it reports every table as missing.
    missing = {diff[1].name for diff in _differences(empty_app) if diff[0] == "add_table"}

    assert {table.name for table in Base.metadata.sorted_tables} == missing


def _counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Region)),
        db.session.scalar(select(func.count()).select_from(Force)),
        db.session.scalar(select(func.count()).select_from(Requirement)),
    )


def test_init_db_creates_the_schema_and_reference_data_and_is_idempotent(empty_app):
    runner = empty_app.test_cli_runner()

    first = runner.invoke(cli, ["init-db"])
    assert first.exit_code == 0, first.output
    assert "10 regions" in first.stdout and "43 forces" in first.stdout and "5 requirements" in first.stdout

    with empty_app.app_context():
        assert _counts() == (10, 43, 5)
        db.session.remove()

    second = runner.invoke(cli, ["init-db"])
    assert second.exit_code == 0, second.output
    assert "0 regions" in second.stdout and "0 forces" in second.stdout and "0 requirements" in second.stdout

    with empty_app.app_context():
        assert _counts() == (10, 43, 5)
        assert [r.code for r in db.session.scalars(select(Requirement).order_by(Requirement.position))] == [
            "M1", "M2", "M3", "M4", "HYDRA"]
        kent = db.session.scalar(select(Force).where(Force.code == "kent"))
        assert (kent.name, kent.region.name) == ("Kent Police", "Eastern")
        db.session.remove()
    assert _differences(empty_app) == []


def test_init_db_keeps_admin_edits(empty_app):
    runner = empty_app.test_cli_runner()
    assert runner.invoke(cli, ["init-db"]).exit_code == 0
    assert runner.invoke(cli, ["set-force", "kent", "--chief-email", "cc@kent.police.uk"]).exit_code == 0

    assert runner.invoke(cli, ["init-db"]).exit_code == 0

    with empty_app.app_context():
        assert db.session.scalar(select(Force.chief_email).where(Force.code == "kent")) == "cc@kent.police.uk"
        db.session.remove()
