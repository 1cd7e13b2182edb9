"""Small self-contained SVG charts for the report: intervals, histograms, curves."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np

WIDTH, ROW, MARGIN_LEFT, MARGIN = 640, 26, 170, 36
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")


def _scale(low: float, high: float, start: float, stop: float):
    span = (high - low) or 1.0
    return lambda v: start + (float(v) - low) / span * (stop - start)


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = 12) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-family="sans-serif">{escape(text)}</text>'
    )


def _svg(height: float, parts: list[str]) -> str:
    body = "\n".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}">\n<rect width="100%" height="100%" '
        f'fill="white"/>\n{body}\n</svg>\n'
    )


def _axis(x, low: float, high: float, y: float) -> list[str]:
    parts = [f'<line x1="{x(low):.1f}" y1="{y}" x2="{x(high):.1f}" y2="{y}" stroke="black"/>']
    for tick in np.linspace(low, high, 5):
        parts.append(_text(x(tick), y + 14, f"{tick:.3g}", "middle", 10))
    return parts


def interval_plot(
    labels: Sequence[str],
    means: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    points: Sequence[Sequence[float]],
    title: str,
) -> str:
    """Mean and confidence interval per row, per-seed values as small dots, a zero line.

    Parameters
    ----------
    labels : sequence of str
        Row names.
    means, lows, highs : sequence of float
        Mean and interval per row.
    points : sequence of sequence of float
        Per-seed values per row.
    title : str
        Heading.

    Returns
    -------
    svg : str
    """
    values = [0.0, *lows, *highs, *[p for row in points for p in row]]
    values = [v for v in values if np.isfinite(v)]
    low, high = min(values), max(values)
    pad = 0.05 * ((high - low) or 1.0)
    x = _scale(low - pad, high + pad, MARGIN_LEFT, WIDTH - 20)
    height = MARGIN + ROW * len(labels) + 30
    parts = [_text(10, 20, title, size=14)]
    parts.append(
        f'<line x1="{x(0):.1f}" y1="{MARGIN - 6}" x2="{x(0):.1f}" '
        f'y2="{height - 30}" stroke="#888" stroke-dasharray="4 3"/>'
    )
    for i, (label, mean, lo, hi, row) in enumerate(
        zip(labels, means, lows, highs, points, strict=True)
    ):
        y = MARGIN + ROW * i + ROW / 2
        parts.append(_text(MARGIN_LEFT - 8, y + 4, label, "end"))
        for p in row:
            parts.append(f'<circle cx="{x(p):.1f}" cy="{y + 6}" r="2" fill="#999"/>')
        if np.isfinite(lo) and np.isfinite(hi):
            parts.append(
                f'<line x1="{x(lo):.1f}" y1="{y}" x2="{x(hi):.1f}" y2="{y}" '
                f'stroke="{COLOURS[0]}" stroke-width="2"/>'
            )
        parts.append(f'<circle cx="{x(mean):.1f}" cy="{y}" r="4" fill="{COLOURS[0]}"/>')
    parts += _axis(x, low - pad, high + pad, height - 28)
    return _svg(height, parts)


def histogram_plot(
    series: dict[str, np.ndarray], title: str, marker: float | None = None, bins: int = 30
) -> str:
    """Overlaid density histograms, with an optional vertical marker line.

    Parameters
    ----------
    series : dict
        Name to values.
    title : str
        Heading.
    marker : float, optional
        Draws a vertical line, e.g. a threshold.
    bins : int, default=30
        Number of bins over the common range.

    Returns
    -------
    svg : str
    """
    everything = np.concatenate([np.asarray(v, dtype=float) for v in series.values()])
    low, high = float(everything.min()), float(everything.max())
    edges = np.linspace(low, high if high > low else low + 1.0, bins + 1)
    densities = {k: np.histogram(v, bins=edges, density=True)[0] for k, v in series.items()}
    top = max(float(d.max()) for d in densities.values()) or 1.0
    height, bottom = 240, 200
    x = _scale(edges[0], edges[-1], 50, WIDTH - 20)
    y = _scale(0, top, bottom, MARGIN)
    parts = [_text(10, 20, title, size=14)]
    for i, (name, density) in enumerate(densities.items()):
        colour = COLOURS[i % len(COLOURS)]
        for left, right, d in zip(edges[:-1], edges[1:], density, strict=True):
            parts.append(
                f'<rect x="{x(left):.1f}" y="{y(d):.1f}" width="{x(right) - x(left):.1f}" '
                f'height="{bottom - y(d):.1f}" fill="{colour}" fill-opacity="0.45"/>'
            )
        parts.append(
            f'<rect x="{WIDTH - 200}" y="{30 + 16 * i}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(_text(WIDTH - 185, 39 + 16 * i, name, size=11))
    if marker is not None and edges[0] <= marker <= edges[-1]:
        parts.append(
            f'<line x1="{x(marker):.1f}" y1="{MARGIN}" x2="{x(marker):.1f}" y2="{bottom}" '
            'stroke="black" stroke-dasharray="4 3"/>'
        )
    parts += _axis(x, edges[0], edges[-1], bottom + 2)
    return _svg(height, parts)


def line_plot(x_values: np.ndarray, series: dict[str, np.ndarray], title: str) -> str:
    """Curves over a shared x axis (e.g. losses per epoch).

    Parameters
    ----------
    x_values : ndarray
        Shared x coordinates.
    series : dict
        Name to y values.
    title : str
        Heading.

    Returns
    -------
    svg : str
    """
    ys = np.concatenate([np.asarray(v, dtype=float) for v in series.values()])
    ys = ys[np.isfinite(ys)]
    height, bottom = 260, 220
    x = _scale(float(np.min(x_values)), float(np.max(x_values)), 50, WIDTH - 20)
    y = _scale(float(ys.min()), float(ys.max()), bottom, MARGIN)
    parts = [_text(10, 20, title, size=14)]
    for i, (name, values) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        points = " ".join(
            f"{x(a):.1f},{y(b):.1f}"
            for a, b in zip(x_values, values, strict=True)
            if np.isfinite(b)
        )
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}"/>')
        parts.append(_text(WIDTH - 150, 34 + 16 * i, name, size=11))
        parts.append(
            f'<rect x="{WIDTH - 165}" y="{25 + 16 * i}" width="10" height="10" fill="{colour}"/>'
        )
    for tick in np.linspace(ys.min(), ys.max(), 4):
        parts.append(_text(45, y(tick) + 4, f"{tick:.3g}", "end", 10))
    parts += _axis(x, float(np.min(x_values)), float(np.max(x_values)), bottom + 2)
    return _svg(height, parts)
