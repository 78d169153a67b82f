"""Normalisations between the catalogue's goalposts: ``goalposts``, and ``anchored`` (the default),
which also puts the five level thresholds at fixed points of the scale."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import SerializerFunctionWrapHandler, model_serializer

from ...catalogue import Indicator
from ...errors import Problem
from ...i18n import N_
from ..goalposts import GoalpostBounds, bounds_of
from ..methodbase import stage_method
from .base import Columns, Need, Normaliser, blocks

Range = tuple[float, float]

#: Where the ``anchored`` normalisation puts level thresholds 1–5, in tenths of the output range
#: (worst goalpost 0, best 10): on 0–100 the fixed points 10, 30, 50, 70, 90.
ANCHORS: tuple[int, ...] = (1, 3, 5, 7, 9)

@stage_method
class Anchored(Normaliser):
    """The catalogue's five level thresholds at fixed points of ``range``: the default.

    With ``x' = d·x`` the knots ``worst' < t1' < … < t5' < best'`` map to 0, 0.1, 0.3, 0.5, 0.7,
    0.9 and 1 of ``range`` (:data:`ANCHORS`; on 0–100: 0, 10, 30, 50, 70, 90, 100), linearly in
    between and capped at the goalposts, so that a score and its maturity level agree by
    construction: a value at level *k* (``k`` thresholds reached) scores in ``[anchor k, anchor
    k+1)``, where the default aggregate cut-offs (10/30/50/70/90) put level *k*. Where a goalpost
    is not beyond its outer threshold, that outer band has no width: a value short of threshold 1
    scores 0, one at or beyond threshold 5 the top of the range. Its own rules: an indicator
    without thresholds is scored as ``goalposts``, one with neither thresholds nor goalposts (a
    researcher's own framework, a COINr import) as ``minmax`` on the same range (COINr's default;
    its score then carries no level meaning).
    """

    method: Literal["anchored"] = "anchored"
    range: Range = (0.0, 100.0)

    words: ClassVar[str] = N_("between the catalogue's goalposts")
    bounded: ClassVar[bool] = True
    needs: ClassVar[frozenset[Need]] = frozenset({"thresholds", "goalposts"})

    def for_indicator(self, ind: Indicator) -> Normaliser:
        """``minmax`` on the same range for an indicator with neither thresholds nor goalposts."""
        if ind.thresholds is None and ind.goalposts is None:
            from .cohort import MinMax  # imported after this module, as the names are ordered

            return MinMax(range=self.range)
        return self

    def anchor_points(self) -> np.ndarray:
        """The seven fixed points on ``range``: worst, thresholds 1–5, best."""
        lo, hi = self.scale
        return lo + (hi - lo) * np.array([0, *ANCHORS, 10], dtype="float64") / 10

    def compute(self, x: np.ndarray, cols: Columns) -> np.ndarray:
        """Piecewise linear through worst → thresholds 1–5 → best, anchored at :data:`ANCHORS`.

        Worked in blocks of rows, in the table's own memory order, each cell's constants looked up by
        ``column × 6 + level``: cell by cell the same arithmetic as one pass over the whole table with
        every constant broadcast. Per cell, with ``l`` the thresholds reached (a missing value reaches
        none): the share ``(x' - knot l) / (knot l+1 - knot l)``, or 0 (level 0) or 1 (level 5) where
        that band has no width; capped to [0, 1]; ``anchor l + share · (anchor l+1 - anchor l)``, at most
        just below ``anchor l+1`` (level 5 is not capped). A value that is missing or infinite scores NaN.
        A column without all five thresholds is scored as ``goalposts`` in the same pass: its one band
        runs from the worst to the best goalpost in the catalogue's own terms (no direction applied; the
        direction is in the goalposts), ``range``'s low end plus the share times its width, uncapped, and
        an infinite value there scores the end of the range it lies beyond, as :class:`Goalposts` does.

        A table laid out column by column (a DataFrame's values) is worked one column at a time
        (:func:`_anchored_by_column`). The temporaries are reused in place, and the look-ups of the no-width
        share are skipped when every band has a width: the same operations in the same order as the plain
        rule, so the same bits.
        """
        n_cols = x.shape[1]
        th = cols.thresholds if cols.thresholds is not None else np.full((n_cols, 5), np.nan)
        has = np.isfinite(th).all(axis=1)
        d = np.where(has, cols.direction, 1.0)  # a goalposts column: no direction (it is in the goalposts)
        th = np.where(has[:, None], th, np.nan)  # no threshold reached: its cells stay in band 0
        knots = np.column_stack([cols.worst * d, th * d[:, None], cols.best * d])  # cols × 7
        lo_t, width_t, ok_t, fallback, base, step, cap = _anchored_tables(knots, self.anchor_points())
        if not has.all():  # band 0 of a goalposts column: worst → best onto the whole range
            lo, hi = self.scale
            plain = np.flatnonzero(~has)
            at = plain * 6
            with np.errstate(invalid="ignore"):
                width_t[at] = cols.best[plain] - cols.worst[plain]
            base[at], step[at], cap[at] = lo, hi - lo, np.inf
            ok_t.reshape(n_cols, 6)[plain] = True  # its share is always the division (bands 1–5 are never used)
        tables = (lo_t, width_t, ok_t, fallback, base, step, cap)
        by_column, parts = blocks(x)
        if by_column:
            return _anchored_by_column(x, knots, d, has, tables)
        out = np.empty(x.shape)
        kind = np.arange(n_cols, dtype=np.intp) * 6
        anchored = None if has.all() else has  # only there does an infinite value score NaN
        thresholds = [knots[:, k] for k in range(1, 6)]
        every_band_wide = bool(ok_t.all())
        for part in parts:
            xd = x[part] * d
            level = np.zeros(xd.shape, dtype=np.int8)  # thresholds reached, 0–5
            with np.errstate(divide="ignore", invalid="ignore"):
                for t in thresholds:
                    level += xd >= t
                # a missing or infinite value's share is whatever it is here: its score is NaN below
                y = _band_scores(xd, kind + level, tables, every_band_wide, out[part])
            missing = ~np.isfinite(xd)
            if anchored is not None:
                missing &= anchored
            np.copyto(y, np.nan, where=missing)
        return out


@stage_method
class Goalposts(Normaliser):
    """Share of the way from the worst to the best goalpost, capped to [0, 1], onto ``range``.

    ``(x - worst) / (best - worst)`` with the catalogue's goalposts (``worst > best`` for a
    lower-is-better indicator, so the direction is in the goalposts), or bounds taken from the data
    or fixed by ``bounds``: ``catalogue``, ``observed``, ``{kth: k}``, ``{percentile: [p, q]}``,
    ``{fixed: [low, high]}`` (:mod:`assessment.scoring.goalposts`).
    """

    method: Literal["goalposts"] = "goalposts"
    range: Range = (0.0, 100.0)
    bounds: GoalpostBounds = "catalogue"

    words: ClassVar[str] = N_("between the catalogue's goalposts")
    bounded: ClassVar[bool] = True
    needs: ClassVar[frozenset[Need]] = frozenset({"goalposts"})
    coinr: ClassVar[str] = "n_goalposts(gposts, trunc2posts = TRUE)"

    @model_serializer(mode="wrap")
    def _lean(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """The default ``bounds`` is left out, so methods written before it keep their fingerprints."""
        out: dict[str, Any] = handler(self)
        if out.get("bounds") == "catalogue":
            del out["bounds"]
        return out

    def compute(self, x: np.ndarray, cols: Columns) -> np.ndarray:
        if self.bounds != "catalogue":
            low, high = bounds_of(x, self.bounds)
            down = cols.direction < 0  # lower is better: the high bound is the worst goalpost
            cols = replace(cols, worst=np.where(down, high, low), best=np.where(down, low, high))
        lo, hi = self.scale
        y = x - cols.worst  # in place from here on: one temporary for the whole matrix
        with np.errstate(divide="ignore", invalid="ignore"):
            y /= cols.best - cols.worst
        np.clip(y, 0.0, 1.0, out=y)
        y *= hi - lo
        y += lo
        return y

    def column_problems(self, col: str, ind: Indicator, target: float) -> list[Problem]:
        if ind.goalposts is not None or self.bounds != "catalogue":
            return []
        return [Problem("<catalogue>", item=col, field="goalposts", code="no-goalposts",
                        message=N_("goalposts normalisation needs goalposts for every indicator"),
                        fix=N_("add goalposts to the catalogue (for a COINr import: the iMeta columns "
                               "goalpost_lower and goalpost_upper), take them from the data (the "
                               "normalise option bounds: observed, kth or percentile) or fix them "
                               "(bounds: fixed), or override this indicator with minmax"))]


def _anchored_tables(knots: np.ndarray, anchors: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per cell kind ``column × 6 + level`` (level 0–5), the constants of ``anchored``: the band's
    start, width, whether it has a width, the share a band without width gives, the level's anchor,
    the step to the next anchor and the cap just below the next level's band."""
    lo, hi = knots[:, :6], knots[:, 1:]
    with np.errstate(invalid="ignore"):
        width = hi - lo
        width_ok = np.isfinite(lo) & np.isfinite(hi) & (hi > lo)
    n = knots.shape[0]
    fallback = np.array([0.0] * 5 + [1.0])  # a band without width: bottom of level 0, top of level 5
    cap = np.append(np.nextafter(anchors[1:6], -np.inf), np.inf)  # level 5 is not capped
    per_level = (np.tile(v, n) for v in (fallback, anchors[:6], anchors[1:] - anchors[:6], cap))
    return (lo.ravel(), width.ravel(), width_ok.ravel(), *per_level)


def _band_scores(xd: np.ndarray, cell: np.ndarray, tables: tuple[np.ndarray, ...], wide: bool,
                 out: np.ndarray) -> np.ndarray:
    """Scores of values ``xd`` (direction applied) in the bands ``cell`` indexes in ``tables`` (as
    :func:`_anchored_tables` gives them), written into ``out``: the share of the band (its fallback where the
    band has no width, skipped when ``wide``: every band has one), capped to [0, 1], times the band's step,
    plus its base, at most its cap (never rounding up into the next level's band). One order of operations
    for both of :meth:`Anchored.compute`'s layouts, so the same bits."""
    lo_t, width_t, ok_t, fallback, base, step, cap = tables
    frac = np.subtract(xd, lo_t.take(cell))
    frac /= width_t.take(cell)
    if not wide:
        frac = np.where(ok_t.take(cell), frac, fallback.take(cell))
    np.clip(frac, 0.0, 1.0, out=frac)
    frac *= step.take(cell)
    y = np.add(base.take(cell), frac, out=frac)
    return np.minimum(y, cap.take(cell), out=out)


ROWS_PER_RUN = 1 << 16  # rows of one column worked at once by _anchored_by_column: its temporaries stay in cache


def _anchored_by_column(x: np.ndarray, knots: np.ndarray, d: np.ndarray, has: np.ndarray,
                        tables: tuple[np.ndarray, ...]) -> np.ndarray:
    """``Anchored.compute`` of a table laid out column by column, one column at a time in runs of
    :data:`ROWS_PER_RUN` rows, each column's six bands looked up by level alone: each run reads and writes one
    contiguous stretch of memory, where blocks of rows across every column would read a short stretch of each
    (at a million rows, about half the time). ``knots``, ``d``, ``has`` and ``tables`` (per ``column × 6 +
    level``, as :func:`_anchored_tables` gives them) are the caller's; the same operations in the same order."""
    out = np.empty(x.shape, order="F")
    level = np.empty(min(ROWS_PER_RUN, len(x)), dtype=np.intp)
    hit = np.empty(len(level), dtype=bool)
    for j in range(x.shape[1]):
        own = tuple(t[j * 6:j * 6 + 6] for t in tables)  # this column's six bands, looked up by level alone
        wide = bool(own[2].all())
        for start in range(0, len(x), ROWS_PER_RUN):
            xd = x[start:start + ROWS_PER_RUN, j] * d[j]
            n, into = len(xd), out[start:start + ROWS_PER_RUN, j]
            cell, reached = level[:n], hit[:n]
            cell[...] = 0
            with np.errstate(divide="ignore", invalid="ignore"):
                for t in knots[j, 1:6]:
                    cell += np.greater_equal(xd, t, out=reached)  # thresholds reached, 0–5
                _band_scores(xd, cell, own, wide, into)
            if has[j]:  # a goalposts column (no thresholds) scores an infinite value as Goalposts does
                np.copyto(into, np.nan, where=~np.isfinite(xd))
    return out
