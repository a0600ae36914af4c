"""Memory benchmark: peak RSS of `lms` processes importing a 100,000-row roster, against the baseline of the
interpreter with the app imported, each in a process of its own (its peak read with wait4, so no process counts
another's).

Cases: the baseline; `lms import roster FILE --force metropolitan` (read, match, write 100,000 people, figures);
and `lms work-imports --once` previewing the same file queued as a background upload (what a worker process
holds). More files (the hostile ones) are added to CASES as (label, file, kind). The target is under 500 MB.

Run: .venv/bin/python bench/memory_bench.py [--rows N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
FORCE = "metropolitan"
TARGET_MB = 500
LMS = [str(Path(sys.executable).with_name("lms"))]


def roster_file(rows: int) -> Path:
    """Generate (once) a roster .csv of `rows` people under bench/data/."""
    DATA.mkdir(exist_ok=True)
    path = DATA / f"roster_{rows // 1000}k.csv"
    if not path.exists():
        cats = ["frontline"] * 6 + ["investigator"] * 3 + ["manager"]
        with path.open("w") as fh:
            fh.write("Staff number,Forename,Surname,Email,Rank,Role,Department,Role category\n")
            for i in range(rows):
                fh.write(f"M{i:06},Fore{i},Sur{i},p{i}@met.police.invalid,Constable,Officer,Dept{i % 40},"
                         f"{cats[i % len(cats)]}\n")
    return path


# (label, file maker, kind): each is imported with `lms import` in a fresh database.
CASES = [("roster, 100,000 rows (`lms import`)", roster_file, "roster")]


def env_for(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(LMS_DATABASE_URL=f"sqlite:///{folder / 'bench.db'}", LMS_INSTANCE_PATH=str(folder),
               LMS_SECRET_KEY="bench", LMS_IMPORT_WORKER="process")
    return env


def peak(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Run `command`; (peak RSS in MB, seconds, exit code) of that process alone."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.stderr.write(process.stderr.read().decode()[-2000:])
    process.stderr.close()
    return usage.ru_maxrss / 1024, time.perf_counter() - started, process.returncode


def fresh(folder: Path) -> dict[str, str]:
    """A new instance folder and SQLite database, migrated and holding the 43 forces."""
    folder.mkdir(parents=True)
    env = env_for(folder)
    done = subprocess.run([*LMS, "init-db"], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"lms init-db failed: {done.stderr[-2000:]}")
    return env


QUEUE = """
import sys
from pathlib import Path
from lms import create_app
from lms.accounts.service import create_user
from lms.extensions import db
from lms.imports.background import start_preview
app = create_app()
with app.app_context():
    lead = create_user("bench-admin@example.invalid", "admin", password="bench-password-long-enough")
    start_preview(sys.argv[2], Path(sys.argv[1]).read_bytes(), Path(sys.argv[1]).name, sys.argv[3], lead)
    db.session.commit()
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        env = fresh(Path(tmp) / "baseline")
        baseline = peak([sys.executable, "-c", "from lms import create_app; import lms.imports.service; "
                         "create_app()"], env)
        results.append(("baseline: the interpreter with the app imported", baseline))
        for n, (label, make, kind) in enumerate(CASES):
            path = make(rows) if make is roster_file else make()
            env = fresh(Path(tmp) / f"case{n}")
            results.append((label, peak([*LMS, "import", kind, str(path), "--force", FORCE], env)))
        env = fresh(Path(tmp) / "worker")
        path = roster_file(rows)
        subprocess.run([sys.executable, "-c", QUEUE, str(path), "roster", FORCE], env=env, cwd=ROOT, check=True)
        results.append(("background preview of the same roster (`lms work-imports --once`)",
                        peak([*LMS, "work-imports", "--once"], env)))
    print(f"{'case':<70} {'peak RSS':>10} {'time':>8}")
    for label, (mb, seconds, code) in results:
        flag = "" if code == 0 else f"  (exit {code})"
        print(f"{label:<70} {mb:>7.0f} MB {seconds:>6.1f} s{flag}")
    worst = max(mb for _, (mb, _, _) in results)
    print(f"largest peak {worst:.0f} MB: {'under' if worst < TARGET_MB else 'OVER'} the {TARGET_MB} MB target")


if __name__ == "__main__":
    main()
