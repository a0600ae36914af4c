"""Template filters every page uses: dates as people write them."""

from __future__ import annotations

from flask import Flask

from lms.core.clock import local_time
from lms.core.text import count_of, long_date, short_date


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(short_date, "short_date")
    app.add_template_filter(count_of, "count_of")  # {{ n|count_of("leaver") }}
    app.add_template_filter(local_time, "local_time")  # {{ batch.created_at|local_time }}
