"""Refusing input no page or query can use before it reaches a view: control characters and out-of-range ids.

A NUL byte in a filter reaches PostgreSQL as an error ("invalid byte sequence"), and an id above 2**31 - 1 as an
integer overflow; both used to end in a 500. They are answered here with a 400 (control characters) or a 404
(an id no row can have), as GOV.UK error pages or, under /api, the CONTRACT's JSON error object.
"""

from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

# C0 controls and DEL, except tab, line feed and carriage return, which a form's multi-line text may carry.
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Paths and query strings (filters, page numbers, dates) have no use for any control character.
CONTROL_IN_ADDRESS = re.compile(r"[\x00-\x1f\x7f]")
# The largest id an INTEGER primary key holds on PostgreSQL (SQLite's go higher, but no row here gets near it).
MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` that matches only ids a database row can have: larger numbers are a 404, not an overflow."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's own parameter name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def refuse_control_characters() -> None:
    """Abort with 400 when the path, a query value or a form value carries a control character."""
    if CONTROL_IN_ADDRESS.search(request.path):
        abort(400, "The address contains a control character. Check the web address and try again.")
    for name, value in request.args.items(multi=True):
        if CONTROL_IN_ADDRESS.search(name) or CONTROL_IN_ADDRESS.search(value):
            abort(400, f"The filter {name!r} contains a control character. Remove it and try again.")
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data"
    ):
        for name, value in request.form.items(multi=True):
            if CONTROL_IN_TEXT.search(name) or CONTROL_IN_TEXT.search(value):
                abort(400, f"The field {name!r} contains a control character. Remove it and try again.")


def init_app(app: Flask) -> None:
    """Bound ``<int:...>`` route values and refuse control characters on every request."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_control_characters)
