"""Template filters every page uses: dates as people write them."""

from __future__ import annotations

from flask import Flask

from lms.core.text import long_date, short_date


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(short_date, "short_date")
