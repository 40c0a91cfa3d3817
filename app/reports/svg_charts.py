"""Small inline SVG charts for the statistics page (no JavaScript, no external files).

Every text is escaped; the caller gets markup to place inside the page as is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

PALETTE = ("#3b6fb6", "#e08a2c", "#4e9a5b", "#c0504d", "#8064a2", "#4bacc6", "#9b8b3a", "#7f7f7f")


def _fmt(value: float, percent: bool) -> str:
    return f"{value * 100:.1f}%" if percent else f"{value:g}"


def horizontal_bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    stacked: bool = False,
    percent: bool = False,
    width: int = 640,
) -> str:
    """One row per label; several series side by side, or stacked."""
    label_width, row_height, top = 170, 22 if stacked or len(series) == 1 else 12 * len(series) + 10, 46
    height = top + row_height * max(len(labels), 1) + 24
    plot = width - label_width - 60
    totals = [
        sum(v or 0 for _, values in series for v in [values[i]])
        if stacked
        else max((values[i] or 0) for _, values in series)
        for i in range(len(labels))
    ]
    scale_max = 1.0 if percent else max([*totals, 1])
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
            f'width="100%" aria-label="{escape(title)}">'
        ),
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (name, _) in enumerate(series):
        legend_x = label_width + index * 110
        parts.append(f'<rect x="{legend_x}" y="26" width="10" height="10" fill="{PALETTE[index % len(PALETTE)]}"/>')
        parts.append(f'<text x="{legend_x + 14}" y="35" font-size="11">{escape(name)}</text>')
    for row, label in enumerate(labels):
        y = top + row * row_height
        parts.append(
            f'<text x="{label_width - 6}" y="{y + row_height / 2 + 4:.1f}" font-size="11" text-anchor="end">{escape(label)}</text>'
        )
        offset = 0.0
        for index, (name, values) in enumerate(series):
            value = values[row]
            if value is None:
                continue
            length = plot * value / scale_max
            bar_y = y + 3 if stacked or len(series) == 1 else y + 3 + index * 12
            bar_h = row_height - 6 if stacked or len(series) == 1 else 11
            x = label_width + (offset if stacked else 0)
            parts.append(
                f'<rect x="{x:.1f}" y="{bar_y:.1f}" width="{length:.1f}" height="{bar_h}" '
                f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(label)} · {escape(name)}: '
                f"{_fmt(value, percent)}</title></rect>"
            )
            if stacked:
                offset += length
            else:
                parts.append(
                    f'<text x="{x + length + 4:.1f}" y="{bar_y + bar_h - 2:.1f}" font-size="10">{_fmt(value, percent)}</text>'
                )
        if stacked:
            parts.append(
                f'<text x="{label_width + offset + 4:.1f}" y="{y + row_height / 2 + 4:.1f}" font-size="10">'
                f"{_fmt(totals[row], percent)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def pie(title: str, slices: Sequence[tuple[str, float]], *, size: int = 320) -> str:
    """Slices with their share printed in the legend; an empty pie says so."""
    total = sum(v for _, v in slices)
    radius, cx, cy = size * 0.3, size * 0.34, size * 0.55
    height = max(size, 60 + 18 * len(slices))
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {size * 2} {height}" '
            f'width="100%" aria-label="{escape(title)}">'
        ),
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    if total <= 0:
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="#eee"/>')
    angle = -math.pi / 2
    for index, (label, value) in enumerate(slices):
        colour = PALETTE[index % len(PALETTE)]
        share = value / total if total else 0.0
        if 0 < share < 1:
            end = angle + share * 2 * math.pi
            large = 1 if share > 0.5 else 0
            x1, y1 = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
            x2, y2 = cx + radius * math.cos(end), cy + radius * math.sin(end)
            parts.append(
                f'<path d="M{cx:.1f},{cy:.1f} L{x1:.1f},{y1:.1f} A{radius:.1f},{radius:.1f} 0 {large} 1 {x2:.1f},{y2:.1f} Z" '
                f'fill="{colour}"><title>{escape(label)}: {value:g}</title></path>'
            )
            angle = end
        elif share >= 1:
            parts.append(
                f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="{colour}"><title>{escape(label)}: {value:g}</title></circle>'
            )
        y = 40 + index * 18
        parts.append(f'<rect x="{size * 0.75:.0f}" y="{y}" width="10" height="10" fill="{colour}"/>')
        parts.append(
            f'<text x="{size * 0.75 + 14:.0f}" y="{y + 9}" font-size="11">{escape(label)}：{value:g}（{share * 100:.1f}%）</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
