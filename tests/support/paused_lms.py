"""`lms`, with an import that stops mid-write: `python -m tests.support.paused_lms ROWS SECONDS lms-args...`.

After ROWS rows of one table are written it prints `LMS_TEST_PAUSED after N rows` on stderr and sleeps SECONDS with the
transaction open, so a test can kill the process mid-write, or start a second import that must wait for it. The
pause reaches the import through the app's IMPORT_ROWS_WRITTEN setting: nothing in the product reads the
environment for it.
"""

from __future__ import annotations

import sys
import time

from flask.cli import ScriptInfo

from lms import create_app
from lms.cli import cli


def pause_after(rows: int, seconds: float):
    """A rows-written hook that pauses once, the first time `rows` rows have been written."""
    paused = False

    def hook(written: int) -> None:
        nonlocal paused
        if not paused and written >= rows:
            paused = True
            sys.stderr.write(f"LMS_TEST_PAUSED after {written} rows\n")
            sys.stderr.flush()
            time.sleep(seconds)

    return hook


if __name__ == "__main__":
    hook = pause_after(int(sys.argv[1]), float(sys.argv[2]))
    cli.main(args=sys.argv[3:], prog_name="lms",
             obj=ScriptInfo(create_app=lambda: create_app({"IMPORT_ROWS_WRITTEN": hook})))
