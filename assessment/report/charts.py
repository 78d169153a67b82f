"""Chart geometry for the scorecards, computed here and drawn as inline SVG by the templates.

Only numbers leave this module (coordinates rounded to 0.1 for small, stable files); every
label is added by the template, so all text is escaped by jinja2. Missing values are drawn as
gaps and always listed in the text equivalent next to the chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .._missing import is_missing

#: Okabe–Ito colours (safe for the common colour-vision deficiencies).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
#: Maturity levels 0–5, light to dark blue; text on the dark half is white (contrast AA).
LEVEL_COLOURS = ("#f1f4f8", "#d3e2f0", "#a6c6e3", "#6fa3cf", "#2f6fa8", "#163f66")
LEVEL_TEXT = ("#1b1b1b", "#1b1b1b", "#1b1b1b", "#1b1b1b", "#ffffff", "#ffffff")


def _r(x: float) -> float:
    return round(x, 1)


@dataclass(frozen=True)
class RadarSeries:
    """One polygon: its points (``None`` for a missing axis) and its colour."""

    points: tuple[tuple[float, float] | None, ...]
    colour: str
    dashed: bool = False

    @property
    def path(self) -> str:
        """SVG path over the available points (closed when none is missing)."""
        pts = [p for p in self.points if p is not None]
        if not pts:
            return ""
        d = "M" + " L".join(f"{x},{y}" for x, y in pts)
        return d + (" Z" if len(pts) == len(self.points) else "")


@dataclass(frozen=True)
class Radar:
    """A radar chart on a 0–100 scale."""

    size: float
    centre: float
    radius: float
    axes: tuple[tuple[float, float, float, float, str], ...]  # x1, y1 (tip), label x, label y, text-anchor
    rings: tuple[str, ...]
    series: tuple[RadarSeries, ...]


def radar(values: Sequence[Sequence[float | None]], size: float = 320, labels: bool = True) -> Radar:
    """Geometry of a radar: ``values[k][i]`` is series *k* on axis *i* (0–100, ``None`` = missing)."""
    n = len(values[0]) if values else 0
    c = size / 2
    radius = size * (0.32 if labels else 0.44)

    def point(i: int, v: float) -> tuple[float, float]:
        a = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        return _r(c + radius * v / 100 * math.cos(a)), _r(c + radius * v / 100 * math.sin(a))

    axes = []
    for i in range(n):
        x, y = point(i, 100)
        lx, ly = point(i, 118)
        anchor = "middle" if abs(lx - c) < 1 else ("start" if lx > c else "end")
        axes.append((x, y, lx, ly, anchor))
    rings = tuple(" ".join(f"{x},{y}" for x, y in (point(i, level) for i in range(n))) for level in (25, 50, 75, 100))
    series = tuple(
        RadarSeries(tuple(None if v is None or is_missing(v) else point(i, max(0.0, min(100.0, v)))
                          for i, v in enumerate(vals)), PALETTE[k % len(PALETTE)], dashed=k > 0)
        for k, vals in enumerate(values))
    return Radar(size, c, _r(radius), tuple(axes), rings, series)


@dataclass(frozen=True)
class Bar:
    """One horizontal bar with an optional reference tick (e.g. the cohort median)."""

    y: float
    width: float | None
    tick: float | None


def bars(values: Sequence[float | None], ticks: Sequence[float | None], width: float = 300,
         row: float = 22) -> tuple[Bar, ...]:
    """Bars for values on 0–100 drawn ``width`` wide, one per ``row`` pixels."""
    def w(v: float | None) -> float | None:
        return None if v is None or is_missing(v) else _r(width * max(0.0, min(100.0, v)) / 100)

    return tuple(Bar(_r(i * row), w(v), w(t)) for i, (v, t) in enumerate(zip(values, ticks, strict=True)))


@dataclass(frozen=True)
class Strip:
    """A dot plot of one outcome across the cohort."""

    dots: tuple[tuple[float, float], ...]
    median: float | None


def strip(values: Sequence[float | None], width: float = 300, height: float = 40) -> Strip:
    """Dots on a 0–100 axis; coincident dots are stacked upwards so none hides another."""
    seen: dict[float, int] = {}
    dots = []
    vals = [v for v in values if v is not None and not is_missing(v)]
    for v in sorted(vals):
        x = _r(width * max(0.0, min(100.0, v)) / 100)
        k = seen.get(x, 0)
        seen[x] = k + 1
        dots.append((x, _r(height - 8 - 6 * k)))
    med = None
    if vals:
        s = sorted(vals)
        m = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
        med = _r(width * m / 100)
    return Strip(tuple(dots), med)


def heat_colour(value: float | None) -> tuple[str, str]:
    """Background and text colour for a 0–100 score (blue scale, AA contrast); grey when missing."""
    if value is None or is_missing(value):
        return "#ffffff", "#595959"
    k = min(5, max(0, int(value // 20) + (1 if value >= 100 else 0)))
    return LEVEL_COLOURS[k], LEVEL_TEXT[k]
