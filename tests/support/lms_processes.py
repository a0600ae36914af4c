"""Real `lms` and gunicorn processes for tests: the environment they read, starting them, waiting for them.

Every process gets its own instance folder (so nothing is shared through a disk) and reads only the LMS_* variables
given here, never the caller's.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def lms_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """The environment of an `lms` process on `database_url`, with its own instance folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(LMS_DATABASE_URL=database_url, LMS_INSTANCE_PATH=str(instance), LMS_SECRET_KEY="processes",
               PYTHONUNBUFFERED="1", **extra)
    return env


def lms_command() -> list[str]:
    """The `lms` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("lms")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from lms.cli import main; main()"]


def start_lms(env: dict[str, str], *args: str, log: Path | None = None) -> subprocess.Popen:
    """`lms ARGS` in its own process; its output goes to `log` (a pipe nobody reads could fill and block it)."""
    if log is None:
        return subprocess.Popen([*lms_command(), *args], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.STDOUT, cwd=ROOT)
    with open(log, "w") as out:  # the child has its own copy of the descriptor
        return subprocess.Popen([*lms_command(), *args], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """`gunicorn wsgi:app` on loopback, as README's Operations section runs it (two workers)."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with open(log, "w") as out:
        return subprocess.Popen([str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
                                env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)


def wait_for(check: Callable[[], object], seconds: float, what: str, every: float = 0.1):
    """Poll `check` until it returns something truthy; fail saying `what` did not happen."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{what} did not happen within {seconds:g} s")


def stop(process: subprocess.Popen, seconds: float = 20) -> int:
    """SIGTERM, then SIGKILL if it lingers; its exit code."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    return process.returncode
