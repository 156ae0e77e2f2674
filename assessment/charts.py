"""Charts drawn as SVG on the server: no chart library, no script, no inline style.

Only SVG presentation attributes are used (fill, stroke, ...), which the
Content-Security-Policy allows and WeasyPrint renders in the PDF.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CURRENT_COLOR = "#0b5cad"
TARGET_COLOR = "#8a4b00"
GRID_COLOR = "#6c757d"


@dataclass(frozen=True)
class RadarAxis:
    label: str
    current: float | None  # level on the scale, None when the area has no score
    target: float


def _point(cx, cy, radius, index, count):
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _polygon(points) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _wrap(label: str, width: int = 18) -> list[str]:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines


def radar_svg(
    axes: list[RadarAxis], *, lo: int, hi: int, title: str, chart_id: str = "radar", legend: bool = True
) -> SafeString:
    """A radar chart of current against target level per area.

    The chart is an image with a title and description; pages put a data table
    next to it as its full text alternative. Without `legend`, the caption
    must say which line is which (the PDF does: every text in an SVG costs
    WeasyPrint a text layout).
    """
    size, margin = 520, 120
    cx = cy = size / 2
    radius = size / 2 - margin
    count = max(len(axes), 3)

    def scaled(level):
        return radius * (max(lo, min(hi, level)) - lo) / (hi - lo) if hi > lo else 0

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="radar-chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">'
        + escape(
            "; ".join(
                f"{a.label}: current {'not scored' if a.current is None else f'{a.current:.1f}'}, target {a.target:g}"
                for a in axes
            )
        )
        + "</desc>",
    ]
    for level in range(lo, hi + 1):
        ring = [_point(cx, cy, scaled(level), i, count) for i in range(count)]
        parts.append(f'<polygon points="{_polygon(ring)}" fill="none" stroke="{GRID_COLOR}" stroke-width="0.6"/>')
        x, y = _point(cx, cy, scaled(level), 0, count)
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y - 2:.1f}" font-size="11" fill="#343a40" font-family="sans-serif">{level}</text>'
        )
    for i, axis in enumerate(axes):
        x, y = _point(cx, cy, radius, i, count)
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID_COLOR}" stroke-width="0.6"/>'
        )
        lx, ly = _point(cx, cy, radius + 18, i, count)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        lines = _wrap(axis.label)
        top = ly - (len(lines) - 1) * 7 + (8 if ly > cy + 10 else 0) - (4 if ly < cy - 10 else 0)
        tspans = "".join(
            f'<tspan x="{lx:.1f}" y="{top + n * 14:.1f}">{escape(text)}</tspan>' for n, text in enumerate(lines)
        )
        parts.append(
            f'<text text-anchor="{anchor}" font-size="12" fill="#212529" font-family="sans-serif">{tspans}</text>'
        )
    target_points = [_point(cx, cy, scaled(a.target), i, count) for i, a in enumerate(axes)]
    parts.append(
        f'<polygon points="{_polygon(target_points)}" fill="none" stroke="{TARGET_COLOR}" '
        f'stroke-width="2.5" stroke-dasharray="7 4"/>'
    )
    current_points = [
        _point(cx, cy, scaled(a.current if a.current is not None else lo), i, count) for i, a in enumerate(axes)
    ]
    parts.append(
        f'<polygon points="{_polygon(current_points)}" fill="{CURRENT_COLOR}" fill-opacity="0.25" '
        f'stroke="{CURRENT_COLOR}" stroke-width="2.5"/>'
    )
    for x, y in current_points:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{CURRENT_COLOR}"/>')
    # Legend: line styles differ (solid vs dashed), so it reads without color too.
    ly = size - 22
    if legend:
        parts.append(
            f'<line x1="20" y1="{ly}" x2="50" y2="{ly}" stroke="{CURRENT_COLOR}" stroke-width="2.5"/>'
            f'<text x="56" y="{ly + 4}" font-size="12" fill="#212529" font-family="sans-serif">Current level (solid)</text>'
            f'<line x1="220" y1="{ly}" x2="250" y2="{ly}" stroke="{TARGET_COLOR}" stroke-width="2.5" stroke-dasharray="7 4"/>'
            f'<text x="256" y="{ly + 4}" font-size="12" fill="#212529" font-family="sans-serif">Target level (dashed)</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
