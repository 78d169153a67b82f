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
#: Dash patterns told apart without colour (the first series is solid).
DASHES = ("", "7 3", "2 3", "9 3 2 3")
#: A city, its peer-group median and the cohort median: blue, vermilion and near-black (each at least
#: 3:1 against white, as WCAG asks of graphics), solid, dashed and dotted.
MEDIAN_COLOURS = ("#0072B2", "#D55E00", "#1b1b1b")
#: Up to four cities side by side (each at least 3:1 against white).
COMPARE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")


def _r(x: float) -> float:
    return round(x, 1)


@dataclass(frozen=True)
class Scale:
    """The score scale every chart draws on: ``lo`` (the centre of a radar, the left end of a bar)
    to ``hi``. The method's normalisation range (0–100 by default, 0–10 for the OECD Better Life
    Index); values outside it are drawn at its ends (the table beside each chart gives them)."""

    lo: float = 0.0
    hi: float = 100.0

    def share(self, value: float) -> float:
        """Where ``value`` lies on the scale, 0 to 1 (clipped to the ends)."""
        span = self.hi - self.lo
        return 0.0 if span <= 0 else max(0.0, min(1.0, (value - self.lo) / span))

    def ticks(self, n: int = 4) -> tuple[float, ...]:
        """``n + 1`` evenly spaced axis labels from ``lo`` to ``hi``."""
        return tuple(self.lo + (self.hi - self.lo) * k / n for k in range(n + 1))


#: The scale of the methods that normalise to 0–100 (the default).
PERCENT = Scale()


@dataclass(frozen=True)
class RadarSeries:
    """One polygon: its points (``None`` for a missing axis) and its colour."""

    points: tuple[tuple[float, float] | None, ...]
    colour: str
    dashed: bool = False
    dash: str = ""
    fill: float = 0.0

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
    """A radar chart: the centre is the scale's low end, the outer ring its high end."""

    size: float
    centre: float
    radius: float
    axes: tuple[tuple[float, float, float, float, str], ...]  # x1, y1 (tip), label x, label y, text-anchor
    rings: tuple[str, ...]
    series: tuple[RadarSeries, ...]


def radar(values: Sequence[Sequence[float | None]], size: float = 320, labels: bool = True,
          colours: Sequence[str] = PALETTE, scale: Scale = PERCENT) -> Radar:
    """Geometry of a radar: ``values[k][i]`` is series *k* on axis *i* (on ``scale``, ``None`` = missing).

    Rings mark a quarter, half, three quarters and all of the scale. Series after the first are
    outlines (not filled) in their own dash pattern.
    """
    n = len(values[0]) if values else 0
    c = size / 2
    radius = size * (0.32 if labels else 0.44)

    def point(i: int, share: float) -> tuple[float, float]:
        """Axis ``i`` at ``share`` of the radius (1 = the outer ring)."""
        a = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        return _r(c + radius * share * math.cos(a)), _r(c + radius * share * math.sin(a))

    axes = []
    for i in range(n):
        x, y = point(i, 1.0)
        lx, ly = point(i, 1.18)
        anchor = "middle" if abs(lx - c) < 1 else ("start" if lx > c else "end")
        axes.append((x, y, lx, ly, anchor))
    rings = tuple(" ".join(f"{x},{y}" for x, y in (point(i, level) for i in range(n)))
                  for level in (0.25, 0.5, 0.75, 1.0))
    series = tuple(
        RadarSeries(tuple(None if v is None or is_missing(v) else point(i, scale.share(v))
                          for i, v in enumerate(vals)), colours[k % len(colours)], dashed=k > 0,
                    dash=DASHES[k % len(DASHES)], fill=0.0 if k else 0.25)
        for k, vals in enumerate(values))
    return Radar(size, c, _r(radius), tuple(axes), rings, series)


@dataclass(frozen=True)
class Bar:
    """One horizontal bar with an optional reference tick (e.g. the cohort median)."""

    y: float
    width: float | None
    tick: float | None


def bars(values: Sequence[float | None], ticks: Sequence[float | None], width: float = 300,
         row: float = 22, scale: Scale = PERCENT) -> tuple[Bar, ...]:
    """Bars for values on ``scale`` drawn ``width`` wide (the scale's high end), one per ``row`` pixels."""
    def w(v: float | None) -> float | None:
        return None if v is None or is_missing(v) else _r(width * scale.share(v))

    return tuple(Bar(_r(i * row), w(v), w(t)) for i, (v, t) in enumerate(zip(values, ticks, strict=True)))


@dataclass(frozen=True)
class Strip:
    """A dot plot of one outcome across the cohort."""

    dots: tuple[tuple[float, float], ...]
    median: float | None


def strip(values: Sequence[float | None], width: float = 300, height: float = 40, scale: Scale = PERCENT) -> Strip:
    """Dots on an axis ``width`` long over ``scale``; coincident dots are stacked upwards so none hides another."""
    seen: dict[float, int] = {}
    dots = []
    vals = [v for v in values if v is not None and not is_missing(v)]
    for v in sorted(vals):
        x = _r(width * scale.share(v))
        k = seen.get(x, 0)
        seen[x] = k + 1
        dots.append((x, _r(height - 8 - 6 * k)))
    med = None
    if vals:
        s = sorted(vals)
        m = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
        med = _r(width * scale.share(m))
    return Strip(tuple(dots), med)


@dataclass(frozen=True)
class Histogram:
    """Counts of one outcome across a large cohort: one bar per equal bin of the scale."""

    bars: tuple[tuple[float, float, float, int], ...]  # x, width, height, count
    median: float | None


def histogram(values: Sequence[float | None], width: float = 300, height: float = 40, bins: int = 20,
              scale: Scale = PERCENT) -> Histogram:
    """Bins of equal width over ``scale`` (a value on a bin's edge falls in the upper bin, the top of the
    scale in the last; values outside the scale in the end bins); bar heights relative to the fullest bin.
    Drawn instead of a dot per unit when the cohort is large (a few kB for any size)."""
    vals = sorted(v for v in values if v is not None and not is_missing(v))
    counts = [0] * bins
    for v in vals:
        counts[min(bins - 1, int(scale.share(v) * bins + 1e-9))] += 1
    top = max(counts, default=0) or 1
    step = width / bins
    bars = tuple((_r(k * step), _r(step - 1), _r((height - 4) * c / top), c) for k, c in enumerate(counts) if c)
    med = None
    if vals:
        n = len(vals)
        m = vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2
        med = _r(width * scale.share(m))
    return Histogram(bars, med)


def heat_colour(value: float | None, scale: Scale = PERCENT) -> tuple[str, str]:
    """Background and text colour for a score on ``scale`` (blue scale, AA contrast); grey when missing.

    Five equal steps of the scale (on 0–100: 0–20, …, 80–100, each from its low end up to, not
    including, its high end) and the top of the scale alone, as :func:`heat_legend` lists them.
    """
    if value is None or is_missing(value):
        return "#ffffff", "#595959"
    share = scale.share(value)
    k = 5 if share >= 1.0 else min(4, int(share * 5 + 1e-9))
    return LEVEL_COLOURS[k], LEVEL_TEXT[k]


def overlay(values: Sequence[Sequence[float | None]], size: float = 360, scale: Scale = PERCENT) -> Radar:
    """A radar of several units at once: each its own colour and dash pattern, lightly filled."""
    base = radar(values, size=size, scale=scale)
    series = tuple(RadarSeries(s.points, COMPARE_COLOURS[k % len(COMPARE_COLOURS)], dashed=False,
                               dash=DASHES[k % len(DASHES)], fill=0.08) for k, s in enumerate(base.series))
    return Radar(base.size, base.centre, base.radius, base.axes, base.rings, series)


@dataclass(frozen=True)
class Whisker:
    """One row of a dot-and-whisker chart of ranks: interval ends, median and nominal rank as x."""

    y: float
    lo: float | None
    hi: float | None
    median: float | None
    nominal: float | None


#: Width of a character of chart text, in px (the pages' sans-serif at 13 px averages under 7 px; the
#: margin errs wide so that no name is clipped).
CHAR_PX = 7.5


def label_margin(labels: Sequence[str], least: float = 60.0) -> float:
    """The left margin that holds the longest of ``labels`` beside a chart, with 12 px to spare."""
    return max(least, math.ceil(max((len(t) for t in labels), default=0) * CHAR_PX) + 12.0)


def rank_x(rank: float | None, n: int, width: float) -> float | None:
    """x of ``rank`` on an axis from rank 1 (left, 0) to rank ``n`` (right, ``width``)."""
    if rank is None or is_missing(rank):
        return None
    return _r((rank - 1) / max(n - 1, 1) * width)


def whiskers(rows: Sequence[tuple[float | None, float | None, float | None, float | None]], n: int,
             width: float = 260, row: float = 18) -> tuple[Whisker, ...]:
    """Rows of ``(nominal, median, low, high)`` ranks as chart coordinates, one row every ``row`` px."""
    return tuple(Whisker(_r(row / 2 + i * row), rank_x(lo, n, width), rank_x(hi, n, width),
                         rank_x(med, n, width), rank_x(nom, n, width))
                 for i, (nom, med, lo, hi) in enumerate(rows))


def rank_step(n: int, most: int = 8) -> int:
    """The spacing of rank labels on an axis of ``n`` ranks: the smallest of 1, 2, 5, 10, 20, 50 … that
    gives at most ``most`` labels, so they never run together (26 ranks: 5; 429: 100; 2,000: 500)."""
    base = 1
    while True:
        for step in (base, 2 * base, 5 * base):
            if n / step <= most:
                return step
        base *= 10


def nice_ranks(n: int, most: int = 8) -> list[int]:
    """Rank labels of an axis of ``n`` ranks: 1, the multiples of :func:`rank_step` and ``n`` (a multiple
    closer to ``n`` than half a step is left out, so the last two labels never overlap)."""
    step = rank_step(n, most)
    return sorted({1, n, *(m for m in range(step, n, step) if n - m >= step / 2 and m > step / 2)})


def rank_ticks(n: int, width: float = 260, most: int = 8) -> tuple[tuple[int, float], ...]:
    """Axis labels (:func:`nice_ranks`) with their x."""
    return tuple((m, rank_x(float(m), n, width) or 0.0) for m in nice_ranks(n, most))


def grouped_bars(values: Sequence[Sequence[float | None]], width: float = 300, bar: float = 10,
                 gap: float = 8, scale: Scale = PERCENT) -> tuple[tuple[Bar, ...], ...]:
    """Bars of several series per row (``values[row][series]``, on ``scale``), the series stacked within a row."""
    k = max((len(v) for v in values), default=0)
    block = k * bar + gap
    out = []
    for i, vals in enumerate(values):
        out.append(tuple(Bar(_r(i * block + j * bar), None if v is None or is_missing(v)
                             else _r(width * scale.share(v)), None)
                         for j, v in enumerate(vals)))
    return tuple(out)


def heat_legend(scale: Scale = PERCENT) -> tuple[tuple[str, str, float, float], ...]:
    """The heatmap scale: background, text colour and the score range (``low`` to below ``high``) of each step.

    The last step is the top of the scale alone (see :func:`heat_colour`).
    """
    ends = scale.ticks(5)
    steps = [(LEVEL_COLOURS[k], LEVEL_TEXT[k], ends[k], ends[k + 1]) for k in range(5)]
    return (*steps, (LEVEL_COLOURS[5], LEVEL_TEXT[5], scale.hi, scale.hi))
