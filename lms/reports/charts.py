"""Server-rendered SVG charts: no JavaScript, no inline styles (the CSP forbids them), classes from app.css.

Each chart is an image with a title and a description for assistive technology; pages always put the same
numbers in a table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH = 640
LABEL_CHARS = 30


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, the percent it shows (None: nobody relevant) and the text after it."""

    label: str
    percent: float | None
    detail: str = ""


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(chart_id: str, height: int, title: str, description: str, kind: str) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg class="lms-chart lms-chart--{kind}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" focusable="false" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
    ]


def bar_chart(bars: list[Bar], *, chart_id: str, title: str, description: str) -> Markup:
    """Horizontal bars on a 0–100% scale, one row per bar, the percent written after each bar."""
    row, top, label_w, value_w = 32, 8, 230, 150
    bar_w = WIDTH - label_w - value_w
    height = top * 2 + row * max(len(bars), 1)
    parts = _open(chart_id, height, title, description, "bar")
    for i, bar in enumerate(bars):
        y = top + i * row
        parts.append(f'<text class="lms-chart__label" x="{label_w - 8}" y="{y + 20}" text-anchor="end">'
                     f"{escape(_short(bar.label))}</text>")
        parts.append(f'<rect class="lms-bar-bg" x="{label_w}" y="{y + 4}" width="{bar_w}" height="{row - 10}"/>')
        if bar.percent is not None:
            width = round(bar_w * max(0.0, min(bar.percent, 100.0)) / 100, 1)
            parts.append(f'<rect class="lms-bar" x="{label_w}" y="{y + 4}" width="{_num(width)}" '
                         f'height="{row - 10}"/>')
        value = "no data" if bar.percent is None else f"{bar.percent:.1f}%"
        detail = f" {bar.detail}" if bar.detail else ""
        parts.append(f'<text class="lms-chart__value" x="{label_w + bar_w + 8}" y="{y + 20}">'
                     f"{escape(value)}{escape(detail)}</text>")
    parts.append("</svg>")
    return Markup("\n".join(parts))  # noqa: S704 - every piece of text above is escaped


def line_chart(points: list[tuple[date, float | None]], *, chart_id: str, title: str, description: str,
               deadline: date | None = None) -> Markup:
    """A line of percent (0–100) over dates, with gridlines every 25% and the deadline marked when in range."""
    height, left, right, top, bottom = 280, 56, 24, 16, 48
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    parts = _open(chart_id, height, title, description, "line")
    for level in (0, 25, 50, 75, 100):
        y = top + plot_h * (100 - level) / 100
        parts.append(f'<line class="lms-grid" x1="{left}" x2="{left + plot_w}" y1="{_num(y)}" y2="{_num(y)}"/>')
        parts.append(f'<text class="lms-chart__axis-label" x="{left - 8}" y="{_num(y + 5)}" text-anchor="end">'
                     f"{level}%</text>")
    parts.append(f'<line class="lms-axis" x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" '
                 f'y2="{top + plot_h}"/>')
    known = [(d, p) for d, p in points if p is not None]
    if known:
        first, last = known[0][0], known[-1][0]
        span = (last - first).days

        def x_of(day: date) -> float:
            return left + (plot_w * (day - first).days / span if span else plot_w / 2)

        def y_of(value: float) -> float:
            return top + plot_h * (100 - value) / 100

        if deadline is not None and span and first <= deadline <= last:
            x = x_of(deadline)
            parts.append(f'<line class="lms-deadline" x1="{_num(x)}" x2="{_num(x)}" y1="{top}" '
                         f'y2="{top + plot_h}"/>')
            parts.append(f'<text class="lms-chart__axis-label" x="{_num(x + 4)}" y="{top + 14}">Deadline</text>')
        coords = " ".join(f"{_num(x_of(d))},{_num(y_of(p))}" for d, p in known)
        if len(known) > 1:
            parts.append(f'<polyline class="lms-line" points="{coords}"/>')
        for d, p in known[-1:] if len(known) > 20 else known:
            parts.append(f'<circle class="lms-point" cx="{_num(x_of(d))}" cy="{_num(y_of(p))}" r="4"/>')
        labels = [(first, "start")] if not span else [(first, "start"), (last, "end")]
        for day, anchor in labels:
            parts.append(f'<text class="lms-chart__axis-label" x="{_num(x_of(day))}" y="{height - 16}" '
                         f'text-anchor="{anchor if span else "middle"}">{escape(day.strftime("%-d %b %Y"))}</text>')
    else:
        parts.append(f'<text class="lms-chart__axis-label" x="{WIDTH / 2}" y="{top + plot_h / 2}" '
                     'text-anchor="middle">No figures yet</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))  # noqa: S704 - every piece of text above is escaped
