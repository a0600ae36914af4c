"""What the pending-records tests share: made-up people of Kent, Surrey and Essex, and registers naming their force."""

from __future__ import annotations

from datetime import date

from lms.extensions import db
from lms.imports.service import run_import
from lms.reports.figures import league_table
from tests.support.files import HYDRA_HEADERS, P, csv_bytes, roster

DAY = date(2025, 6, 3)
FORCE_NAMES = {"kent": "Kent Police", "surrey": "Surrey Police", "essex": "Essex Police"}

KENT = [P("K101", "Ada", "Quarry", "manager"), P("K102", "Bram", "Ellery", "investigator")]
SURREY = [P("S201", "Cyra", "Wendover", "manager", force="surrey"),
          P("S202", "Dorian", "Pell", "investigator", force="surrey")]
ESSEX = [P("E301", "Esme", "Tarrant", "manager", force="essex")]


def register(entries: list[tuple[P, date, str]], *, venue: str = "Maidstone training centre",
             facilitator: str = "MSOICU trainer") -> bytes:
    """A Hydra register (.csv) whose Force column names each delegate's own force."""
    rows = [[day.strftime("%d/%m/%Y"), f"HYD-{day:%m%d}", venue, facilitator, p.staff, p.first, p.last, p.email,
             FORCE_NAMES[p.force], attended] for p, day, attended in entries]
    return csv_bytes(HYDRA_HEADERS, rows)


def rosters(surrey: list[P] | None = None) -> None:
    """Kent's, Surrey's and Essex's rosters, committed (as an operator at the command line: no user)."""
    for code, people in (("kent", KENT), ("surrey", SURREY if surrey is None else surrey), ("essex", ESSEX)):
        outcome = run_import("roster", roster(people), f"{code}.csv", code, None)
        assert not outcome.refused, outcome.summary
    db.session.commit()


def upload(data: bytes, user, force: str = "kent", **kw) -> dict:
    """Import a register as `user`, commit the transaction, return the summary."""
    outcome = run_import("hydra", data, "register.csv", force, user, **kw)
    db.session.commit()
    return outcome.summary


def figures(code: str, *, snapshots: bool = False) -> dict:
    """A force's entry of the league table (from today's snapshots when `snapshots`)."""
    return next(f for f in league_table(use_snapshots=snapshots)["forces"] if f["code"] == code)
