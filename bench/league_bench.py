"""League-table benchmark: a national dataset in a fresh SQLite file, then timings against a raw-SQL baseline.

    .venv/bin/python bench/league_bench.py                 # build the data, time the services and pages
    .venv/bin/python bench/league_bench.py --load          # ... and a 20-client wrk load on gunicorn -w 2
    .venv/bin/python bench/league_bench.py --reuse --load  # reuse bench/data/league_bench.db if it exists

The dataset: the 43 forces, people in proportion to officer FTE (about 250,000 in all), each force with its
own completion rate; every e-learning person enrolled on the four modules (completed, in progress, repeats),
Hydra attendances for Hydra people, a little unmatched noise; about 1,250,000 learning records and Hydra
attendances together; weekly snapshots for the last six months. Rows go in with sqlite3 executemany, not the
import pipeline (bench/README.md, "Import", times that).

Timings are medians of several runs, each printed with its ratio to a baseline measured in the same run on the
same file (a bare `SELECT force_id, count(*) FROM person GROUP BY force_id` plus a raw aggregate over
learning_record), so figures from different machines can be compared.

The load test serves the app with `gunicorn -w 2` on 127.0.0.1 only, signs in as an admin through the real form,
and runs wrk (Debian package `wrk`) with 20 connections for at most --load-seconds and --load-requests, then
stops gunicorn. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / "data"
DB_PATH = DATA / "league_bench.db"
INSTANCE = DATA / "instance"
TOTAL_PEOPLE = 250_000
SEED = 43
ADMIN_EMAIL = "bench.admin@example.invalid"
ADMIN_PASSWORD = "bench-password-not-secret"
USER_AGENT = "league-bench/1"
MODULES = ("M1", "M2", "M3", "M4")
DEPARTMENTS = [
    "Response", "Neighbourhood", "CID", "Public Protection", "Roads Policing", "Custody", "Intelligence",
    "Major Crime", "Serious and Organised Crime", "Economic Crime", "Firearms", "Operations", "Ports and Borders",
    "Safeguarding", "Cyber Crime", "Contact Centre", "Professional Standards", "Training", "Special Branch",
    "Child Abuse Investigation", "Domestic Abuse", "Prisoner Handling", "Marine", "Local Policing", "Other",
]
FORENAMES = ["Alex", "Sam", "Jo", "Chris", "Priya", "Mohammed", "Emma", "Olivia", "Jack", "Harry", "Aisha",
             "Tom", "Sophie", "Daniel", "Grace", "Liam", "Zara", "Owen", "Megan", "Ravi"]
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Khan",
            "Evans", "Thomas", "Roberts", "Walker", "Wright", "Hughes", "Green", "Hall", "Lewis", "Clarke"]
CATEGORIES = [("frontline", True, False, 0.55), ("investigator", True, True, 0.25), ("manager", False, True, 0.10),
              ("other", False, False, 0.10)]


def log(message: str) -> None:
    print(message, flush=True)


# --- building the dataset --------------------------------------------------------------------------------------


def make_app():
    os.environ.setdefault("LMS_SECRET_KEY", "bench-only-secret-key")
    from lms import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{DB_PATH}",
        "INSTANCE_DIR": str(INSTANCE),
        "UPLOAD_DIR": str(INSTANCE / "uploads"),
        "RATELIMIT_ENABLED": False,
    })


def create_schema(app) -> None:
    """The real schema, through the project's migrations, and the reference data (43 forces)."""
    from flask_migrate import upgrade

    from lms.accounts.service import create_user
    from lms.extensions import db
    from lms.forces.reference import load_reference_data

    with app.app_context():
        upgrade()
        load_reference_data()
        create_user(ADMIN_EMAIL, "admin", password=ADMIN_PASSWORD)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def populate(today: date) -> dict[str, int]:
    """Insert people, batches, sessions, learning records and Hydra attendances with sqlite3 executemany."""
    rng = random.Random(SEED)
    con = sqlite3.connect(DB_PATH)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA journal_mode=MEMORY")
    forces = con.execute("SELECT id, code, officer_fte FROM force ORDER BY id").fetchall()
    total_fte = sum(f[2] for f in forces)
    now = datetime.combine(today, datetime.min.time()) + timedelta(hours=9)
    start = date(2025, 6, 1)
    span = (today - start).days
    counts = {"people": 0, "learning_record": 0, "hydra_attendance": 0}
    person_id = con.execute("SELECT coalesce(max(id), 0) FROM person").fetchone()[0]
    batch_id = con.execute("SELECT coalesce(max(id), 0) FROM import_batch").fetchone()[0]
    session_id = 0

    def day_between(lo: date, hi: date) -> date:
        return lo + timedelta(days=rng.randrange(max((hi - lo).days, 0) + 1))

    for force_id, code, fte in forces:
        n = round(TOTAL_PEOPLE * fte / total_fte)
        rate = rng.uniform(0.15, 0.95)  # this force's share of people who have done their training
        # Batches: one roster, three College Learn exports, two Hydra registers; some forces have gone quiet.
        quiet = rng.random() < 0.2
        batches = {}
        last_cl = rng.randint(35, 70) if quiet else rng.randint(1, 25)
        last_hydra = rng.randint(40, 90) if quiet else rng.randint(1, 28)
        plan = (("roster", [rng.randint(20, 60)]), ("college-learn", [90, 60, last_cl]), ("hydra", [80, last_hydra]))
        for kind, ages in plan:
            for age in ages:
                batch_id += 1
                moment = now - timedelta(days=age)
                con.execute(
                    "INSERT INTO import_batch (id, kind, force_id, status, filename, sha256, size_bytes, options, "
                    "summary, progress_rows, progress_total, created_at, committed_at) "
                    "VALUES (?, ?, ?, 'committed', ?, ?, 0, '{}', '{}', 0, 0, ?, ?)",
                    (batch_id, kind, force_id, f"{kind}-{code}-{age}.csv", f"{batch_id:064x}", _ts(moment),
                     _ts(moment)))
                con.execute("INSERT INTO batch_force (batch_id, force_id) VALUES (?, ?)", (batch_id, force_id))
                batches.setdefault(kind, []).append(batch_id)
        sessions = []
        for _ in range(max(3, n // 400)):
            session_id += 1
            day = day_between(start, today - timedelta(days=2))
            con.execute("INSERT INTO hydra_session (id, batch_id, session_date, reference, venue, facilitator) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (session_id, rng.choice(batches["hydra"]), day.isoformat(), f"HYD-{session_id}", "Suite",
                         "MSOICU"))
            sessions.append((session_id, day))

        people, learning, hydra = [], [], []
        weights = [c[3] for c in CATEGORIES]
        for i in range(n):
            person_id += 1
            category, el, hy, _w = rng.choices(CATEGORIES, weights)[0]
            forename, surname = rng.choice(FORENAMES), rng.choice(SURNAMES)
            staff = f"{code[:3].upper()}{i:06d}"
            active = rng.random() > 0.04
            exempt = "2027-03-31" if rng.random() < 0.01 else None
            ts = _ts(now - timedelta(days=30))
            people.append((person_id, force_id, staff, staff.lower(), forename, surname,
                           f"{forename} {surname}".lower(), f"{staff.lower()}@{code}.police.invalid",
                           f"{staff.lower()}@{code}.police.invalid", "Constable", "Officer",
                           rng.choice(DEPARTMENTS), category, int(el), int(hy), exempt, int(active),
                           batches["roster"][0], ts, ts))
            engaged = rng.random() < rate * 1.1
            key = f"s:{staff.lower()}"
            if el or rng.random() < 0.1:
                for m in MODULES:
                    done = engaged and rng.random() < 0.97
                    cl = rng.choice(batches["college-learn"])
                    if done:
                        day = start + timedelta(days=int(span * rng.random() ** 0.7))
                        if rng.random() < 0.6:  # an earlier export said "In progress"
                            learning.append((batches["college-learn"][0], force_id, person_id, m, "In progress", 0,
                                             None, key))
                        learning.append((cl, force_id, person_id, m, "Completed", 1, day.isoformat(), key))
                        if rng.random() < 0.05:  # completed again later: the earliest counts
                            later = day_between(day, today)
                            learning.append((cl, force_id, person_id, m, "Completed", 1, later.isoformat(), key))
                    else:
                        learning.append((cl, force_id, person_id, m, rng.choice(["In progress", "Not yet started"]),
                                         0, None, key))
            if hy or rng.random() < 0.03:
                if engaged and rng.random() < 0.9:
                    if rng.random() < 0.15:  # booked on an earlier session and missed it
                        sid, day = rng.choice(sessions)
                        hydra.append((rng.choice(batches["hydra"]), sid, force_id, person_id, day.isoformat(),
                                      "Did not attend", 0, key))
                    sid, day = rng.choice(sessions)
                    hydra.append((rng.choice(batches["hydra"]), sid, force_id, person_id, day.isoformat(),
                                  "Attended", 1, key))
                elif rng.random() < 0.3:
                    sid, day = rng.choice(sessions)
                    hydra.append((rng.choice(batches["hydra"]), sid, force_id, person_id, day.isoformat(),
                                  "Did not attend", 0, key))
        for _ in range(int(n * rng.uniform(0.005, 0.05))):  # unmatched: nobody on the roster
            m = rng.choice(MODULES)
            day = day_between(start, today)
            learning.append((rng.choice(batches["college-learn"]), force_id, None, m, "Completed", 1, day.isoformat(),
                             f"s:x{rng.randrange(10**6)}"))

        con.executemany(
            "INSERT INTO person (id, force_id, staff_number, staff_key, forename, surname, name_key, email, "
            "email_key, rank, role, department, role_category, elearning_required, hydra_required, exempt_until, "
            "active, created_batch_id, created_at, updated_at) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", people)
        # Due dates: a twelfth joined on a later roster within the last 300 days, a fifth carry an HR start date.
        con.execute("UPDATE person SET first_rostered_on = date(?, '-' || (id % 300) || ' days') "
                    "WHERE force_id = ? AND id % 12 = 0", (today.isoformat(), force_id))
        con.execute("UPDATE person SET start_date = date(?, '-' || (id % 2500) || ' days') "
                    "WHERE force_id = ? AND id % 5 = 0", (today.isoformat(), force_id))
        con.executemany(
            "INSERT INTO learning_record (batch_id, force_id, person_id, requirement_code, status, completed, "
            "completed_on, identity_key, match_method, dismissed, source_row) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'staff_number', 0, 2)", learning)
        con.executemany(
            "INSERT INTO hydra_attendance (batch_id, session_id, force_id, person_id, session_date, attendance, "
            "attended, identity_key, match_method, dismissed, source_row) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'staff_number', 0, 2)", hydra)
        counts["people"] += len(people)
        counts["learning_record"] += len(learning)
        counts["hydra_attendance"] += len(hydra)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return counts


def snapshot_history(app, today: date, weeks: int = 26) -> None:
    """Weekly snapshots for the last six months (as the daily job would have left them), then today's."""
    from lms.extensions import db
    from lms.reports import figures

    with app.app_context():
        for w in range(weeks, 0, -1):
            figures.refresh_snapshots(today - timedelta(weeks=w))
        figures.refresh_snapshots(today)
        db.session.commit()


# --- timing -----------------------------------------------------------------------------------------------------


CPU: dict[str, float] = {}


def median_time(fn: Callable[[], object], runs: int, between: Callable[[], None] | None = None,
                label: str | None = None) -> float:
    """Median wall-clock seconds of ``runs`` calls; the median CPU seconds go into CPU[label]."""
    times, cpu = [], []
    for _ in range(runs):
        if between:
            between()
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    if label:
        CPU[label] = statistics.median(cpu)
    return statistics.median(times)


def baseline_seconds(runs: int = 5) -> float:
    con = sqlite3.connect(DB_PATH)

    def raw() -> None:
        con.execute("SELECT force_id, count(*) FROM person GROUP BY force_id").fetchall()
        con.execute("SELECT force_id, count(*), sum(completed) FROM learning_record GROUP BY force_id").fetchall()

    raw()
    result = median_time(raw, runs, label="baseline")
    con.close()
    return result


def row(name: str, key: str, seconds: float, baseline: float, target: str = "") -> None:
    cpu = CPU.get(key)
    log(f"  {name:<58} {seconds * 1000:8.1f} ms  (cpu {cpu * 1000:7.1f} ms)  {seconds / baseline:5.2f}x baseline"
        f"  {target}")


def time_services(app, today: date) -> dict[str, float]:
    from lms.extensions import db
    from lms.models import Force
    from lms.reports import exports, figures, pages, people

    results = {}
    with app.app_context():
        base = baseline_seconds()
        results["baseline"] = base
        log(f"\nBaseline (raw sqlite3: person GROUP BY force_id + learning_record GROUP BY force_id): "
            f"{base * 1000:.1f} ms (cpu {CPU['baseline'] * 1000:.1f} ms)\n")

        def fresh_session() -> None:
            db.session.remove()

        def timed(key: str, name: str, fn: Callable[[], object], runs: int, target: str = "") -> None:
            results[key] = median_time(fn, runs, fresh_session, label=key)
            row(name, key, results[key], base, target)

        timed("cold", "league table, cold: league_table(use_snapshots=False)",
              lambda: figures.league_table(today, use_snapshots=False), 5, "target <= 1000 ms")
        assert figures.snapshot_entries(today) is not None, "today's snapshots are missing"
        timed("snapshots", "league table from snapshots: league_table()", lambda: figures.league_table(today), 20,
              "target < 50 ms")
        def uncached_page() -> None:
            pages.clear_league_page_cache()
            pages.league_page(today)

        timed("league_page", "league page data, built: league_page() (+ movement, RAG, flags)", uncached_page, 20)
        timed("league_page_hit", "league page data, reused (snapshots unchanged)", lambda: pages.league_page(today),
              20)
        timed("cold_past", "league table as of the deadline (cold, no snapshot)",
              lambda: figures.league_table(date(2026, 4, 30), use_snapshots=False), 3)
        met_id = db.session.scalar(db.select(Force.id).where(Force.code == "metropolitan"))

        def met() -> Force:
            return db.session.get(Force, met_id)

        timed("force_page", "force page data, metropolitan: force_overview()",
              lambda: pages.force_overview(met(), today, merge_small=True), 5)

        def people_page() -> None:
            force = met()
            people.filtered_people(force, today, people.PeopleFilter(), limit=50)
            people.people_counts(force, today)
            people.filter_options(force)

        timed("people_page", "people page data, metropolitan (first 50 outstanding)", people_page, 5)
        timed("force_people", "force_people(metropolitan): every person with status", lambda: people.force_people(
            met(), today), 3)

        def people_xlsx() -> None:
            lines, _ = people.filtered_people(met(), today, people.PeopleFilter())
            exports.people_to_xlsx("Metropolitan Police Service", lines, today, today, "outstanding")

        timed("people_xlsx", "people .xlsx, metropolitan, everyone outstanding", people_xlsx, 1)
    return results


def sign_in(base_url: str) -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # Flask-Login's strong session protection ties the session to the user agent: wrk sends the same one.
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(f"{base_url}/sign-in", timeout=10).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    if token:
        form["csrf_token"] = token.group(1)
    opener.open(f"{base_url}/sign-in", data=urllib.parse.urlencode(form).encode(), timeout=10).read()
    if not any(c.name == "session" for c in jar):
        raise SystemExit("could not sign in to the benchmark server")
    return opener, jar


def time_pages(app) -> None:
    """Whole requests through the test client (routing, auth, template rendering), signed in as admin."""
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, **({"csrf_token": token.group(1)} if token else {})}
    assert client.post("/sign-in", data=data).status_code == 302
    for url, runs in (("/league-table", 20), ("/regions/london", 10), ("/forces/metropolitan", 5),
                      ("/forces/metropolitan/people", 5), ("/forces/metropolitan/people?show=all&q=smith", 5)):
        status = client.get(url).status_code
        assert status == 200, (url, status)
        seconds = median_time(lambda u=url: client.get(u), runs)
        log(f"  GET {url:<48} {seconds * 1000:9.1f} ms")


WRK_SCRIPT = """
local limit = tonumber(os.getenv("WRK_LIMIT_PER_THREAD") or "5000")
count = 0
not_ok = 0
local threads = {}
setup = function(thread) table.insert(threads, thread) end
response = function(status, headers, body)
  count = count + 1
  if status ~= 200 then not_ok = not_ok + 1 end
  if count >= limit then wrk.thread:stop() end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("not_ok") or 0) end
  io.write(string.format("RESULT requests=%d p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f "
    .. "socket_errors=%d non_2xx_3xx=%d not_200=%d duration_s=%.1f\\n",
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.connect + e.read + e.write + e.timeout, e.status, bad,
    summary.duration / 1e6))
end
"""


def workers_cpu_seconds(master_pid: int) -> float:
    """User + system CPU seconds used so far by the gunicorn master's worker processes (Linux /proc)."""
    total = 0
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    except OSError:
        return float("nan")
    return total / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_test(seconds: int, max_requests: int, connections: int = 20) -> None:
    """gunicorn -w 2 on 127.0.0.1, wrk with 20 connections on /league-table, bounded in time and requests."""
    wrk = shutil.which("wrk")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not wrk or not gunicorn.exists():
        log("\nLoad test skipped: needs wrk (apt-get install -y wrk) and gunicorn in the venv")
        return
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LMS_DATABASE_URL": f"sqlite:///{DB_PATH}", "LMS_INSTANCE_PATH": str(INSTANCE),
           "LMS_SECRET_KEY": "bench-only-secret-key", "LMS_BASE_URL": base_url}
    server_log = DATA / "gunicorn.log"
    server = subprocess.Popen([str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                               "--error-logfile", str(server_log), "wsgi:app"], cwd=ROOT, env=env,
                              start_new_session=True)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base_url}/sign-in", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        opener, jar = sign_in(base_url)
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        check = urllib.request.Request(f"{base_url}/league-table",
                                       headers={"Cookie": cookie, "User-Agent": USER_AGENT})
        with urllib.request.urlopen(check, timeout=10) as response:  # no redirect to sign-in: the page itself
            body = response.read().decode()
            if response.url != f"{base_url}/league-table" or "National league table" not in body:
                raise SystemExit(f"the signed-in cookie does not reach the league table (got {response.url})")
        script = DATA / "wrk_p95.lua"
        script.write_text(WRK_SCRIPT)
        threads = 2
        # Warm both workers (imports, templates, SQLite page cache) before measuring.
        headers = ["-H", f"Cookie: {cookie}", "-H", f"User-Agent: {USER_AGENT}"]
        warm = subprocess.run([wrk, "-t1", "-c4", "-d3s", *headers, f"{base_url}/league-table"],
                              capture_output=True, text=True, timeout=30)
        if warm.returncode:
            log(warm.stderr)
        cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script),
               *headers, f"{base_url}/league-table"]
        log(f"\nLoad: gunicorn -w 2 (sync workers) on {base_url}; wrk -t{threads} -c{connections} -d{seconds}s, "
            f"at most {max_requests} requests, GET /league-table signed in as admin")
        cpu_before = workers_cpu_seconds(server.pid)
        load_before = os.getloadavg()[0]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30,
                                env={**os.environ, "WRK_LIMIT_PER_THREAD": str(max_requests // threads)})
        cpu_used = workers_cpu_seconds(server.pid) - cpu_before
        line = next((ln for ln in result.stdout.splitlines() if ln.startswith("RESULT")), None)
        if line is None:
            log(result.stdout + result.stderr)
            return
        fields = dict(part.split("=") for part in line.split()[1:])
        rps = int(fields["requests"]) / float(fields["duration_s"])
        log(f"  requests {fields['requests']} in {fields['duration_s']} s ({rps:.0f}/s), "
            f"p50 {fields['p50_ms']} ms, p95 {fields['p95_ms']} ms (target < 300 ms), p99 {fields['p99_ms']} ms, "
            f"max {fields['max_ms']} ms, socket errors {fields['socket_errors']}, "
            f"non-2xx/3xx {fields['non_2xx_3xx']}, not 200 {fields['not_200']}")
        log(f"  workers' CPU per request {1000 * cpu_used / int(fields['requests']):.1f} ms "
            f"(so at most ~{int(fields['requests']) / cpu_used:.0f} requests/s per CPU); "
            f"1-minute load average at the start {load_before:.1f} on {os.cpu_count()} CPUs")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", action="store_true", help="reuse bench/data/league_bench.db if it exists")
    parser.add_argument("--load", action="store_true", help="also run the gunicorn + wrk load test")
    parser.add_argument("--load-seconds", type=int, default=20)
    parser.add_argument("--load-requests", type=int, default=20_000)
    parser.add_argument("--only-load", action="store_true", help="skip the service and page timings")
    args = parser.parse_args()

    DATA.mkdir(parents=True, exist_ok=True)
    from lms.config import from_environment  # noqa: F401  (fail early if the venv is wrong)

    app = make_app()
    with app.app_context():
        from lms.core.clock import today as service_today

        today = service_today()
    if not (args.reuse and DB_PATH.exists()):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)
        t0 = time.perf_counter()
        create_schema(app)
        counts = populate(today)
        t1 = time.perf_counter()
        log(f"Built {DB_PATH.relative_to(ROOT)} in {t1 - t0:.1f} s: {counts['people']:,} people, "
            f"{counts['learning_record']:,} learning records, {counts['hydra_attendance']:,} Hydra attendances "
            f"({counts['learning_record'] + counts['hydra_attendance']:,} records)")
        snapshot_history(app, today)
        log(f"Snapshots: 26 weekly + today, {time.perf_counter() - t1:.1f} s")
    else:
        snapshot_history(app, today, weeks=0)
        log(f"Reusing {DB_PATH.relative_to(ROOT)}")
    log(f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, as of {today}")
    if not args.only_load:
        time_services(app, today)
        log("\nWhole pages through the Flask test client (admin):")
        with app.app_context():
            time_pages(app)
    if args.load or args.only_load:
        load_test(args.load_seconds, args.load_requests)


if __name__ == "__main__":
    main()
