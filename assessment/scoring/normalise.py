"""Normalise indicators onto a common scale, applying direction.

One pure function per method in :data:`NORMALISERS`. Each takes a matrix ``X`` (units ×
indicators, NaN = missing) and a :class:`Params` of per-column arrays, works column-wise
with numpy, and returns a matrix of the same shape. Missing stays missing everywhere.

Definitions (``d`` is the direction, ``x' = d·x`` as in COINr's ``Normalise``)
------------------------------------------------------------------------------
* ``anchored`` (the default): the catalogue's five level thresholds are fixed points of the
  scale, so that a score and its maturity level agree by construction. With ``x' = d·x`` the
  knots ``worst' < t1' < … < t5' < best'`` map to 0, 0.1, 0.3, 0.5, 0.7, 0.9 and 1 of
  ``range`` (:data:`~assessment.scoring.method.ANCHORS`; on 0–100: 0, 10, 30, 50, 70, 90, 100), linearly in between and
  capped at the goalposts. A value at level *k* (``k`` thresholds reached) therefore scores in
  ``[anchor k, anchor k+1)``, which is exactly where the default aggregate cut-offs
  (``Method.level_cutoffs``: 10/30/50/70/90) put level *k*. Where a goalpost is not beyond its
  outer threshold (e.g. the best goalpost *is* threshold 5), that outer band has no width:
  a value short of threshold 1 scores 0, a value at or beyond threshold 5 scores the top of
  the range. An indicator without thresholds falls back to ``goalposts``, and one with neither
  thresholds nor goalposts (a researcher's own framework, a COINr import) to ``minmax`` on the
  same range, COINr's default; its score then carries no level meaning.
* ``goalposts``: ``(x - worst) / (best - worst)`` capped to [0, 1] (catalogue goalposts;
  ``worst > best`` for lower-is-better indicators), mapped onto ``range``; ``bounds`` takes the
  goalposts from the data (observed, k-th smallest/largest, percentiles) or fixes them
  (:mod:`assessment.scoring.goalposts`).
* ``minmax``: ``(x' - min x') / (max x' - min x')`` mapped onto ``range`` (COINr ``n_minmax``;
  for ``d = -1`` this equals ``hi + lo - minmax(x)``). A constant indicator gives NaN.
* ``zscore``: ``(x' - mean x') / sd(x')·s + m`` with the sample sd (n - 1), ``mean_sd = (m, s)``.
* ``rank``: rank of ``x'``, ties get the lowest rank (R's ``ties.method = "min"``), so the
  best unit has the highest rank, as COINr ``n_rank``.
* ``prank``: ``(rank - 1) / (n - 1)`` over the ``n`` non-missing values (COINr ``n_prank``),
  mapped onto ``range``; use ``range: [0, 1]`` for COINr's own scale.
* ``dist2max``: ``1 - (max x' - x') / (max x' - min x')`` (COINr ``n_dist2max``) onto ``range``.
* ``dist2ref``: ``1 - (x'_ref - x') / (x'_ref - min x')`` with the reference unit's value
  (COINr ``n_dist2ref``), optionally capped at 1, onto ``range``.
* ``dist2target``: for ``d = 1`` ``(x - min x) / (t - min x)``, for ``d = -1``
  ``(max x - x) / (max x - t)`` (COINr 1.1 ``n_dist2targ``), optionally capped at 1, onto
  ``range``. The target is ``target`` in the method, else the catalogue target, else the
  catalogue's ``best`` goalpost.
* ``none``: ``x'`` unchanged.

Statistics (min, max, mean, sd, ranks) are taken over the units passed in: the whole cohort,
and for a panel all years pooled unless ``panel: per-year``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..catalogue import Catalogue, Indicator
from ..errors import InputError, Problem
from ..i18n import N_
from .accept import check_frame, method_section, unknown_names
from .goalposts import bounds_of
from .method import ANCHORS, Normalise
from .specs import NormaliseName, NormaliseSpec, normalise_spec


@dataclass(frozen=True)
class Params:
    """Per-column parameters (arrays of length = number of columns) and the recipe."""

    direction: np.ndarray
    worst: np.ndarray
    best: np.ndarray
    target: np.ndarray
    spec: NormaliseSpec
    ref_row: int | None = None
    thresholds: np.ndarray | None = None  # columns × 5 level thresholds (NaN where none)


def _nanstats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column minimum and maximum over the finite values (NaN for a column without any)."""
    with np.errstate(all="ignore"):
        # NaN-skipping reductions, without a masked copy of ``x``; the same bits wherever no value is
        # infinite (an infinite value shows in ``lo`` or ``hi``; then the masked form below)
        if len(x):
            lo, hi = np.fmin.reduce(x, axis=0), np.fmax.reduce(x, axis=0)
            if not (np.isinf(lo).any() or np.isinf(hi).any()):
                return lo, hi
        has = np.isfinite(x).any(axis=0)
        lo = np.where(has, np.nanmin(np.where(np.isfinite(x), x, np.inf), axis=0), np.nan)
        hi = np.where(has, np.nanmax(np.where(np.isfinite(x), x, -np.inf), axis=0), np.nan)
    return lo, hi


def _range(spec: NormaliseSpec) -> tuple[float, float]:
    """The output range of a recipe (methods without one: 0–1 is never mapped, so any value)."""
    lo, hi = getattr(spec, "range", (0.0, 1.0))
    return float(lo), float(hi)


def _onto(y: np.ndarray, spec: NormaliseSpec) -> np.ndarray:
    lo, hi = _range(spec)
    return y * (hi - lo) + lo


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    out[~np.isfinite(out)] = np.nan
    return out


def n_none(x: np.ndarray, p: Params) -> np.ndarray:
    """Direction applied, values otherwise unchanged."""
    return x * p.direction


def n_goalposts(x: np.ndarray, p: Params) -> np.ndarray:
    """Share of the way from the worst to the best goalpost, capped to [0, 1] (goalposts from the data or
    fixed when the recipe's ``bounds`` say so: :mod:`assessment.scoring.goalposts`)."""
    bounds = getattr(p.spec, "bounds", "catalogue")
    if bounds != "catalogue":
        low, high = bounds_of(x, bounds)
        p = replace(p, worst=np.where(p.direction < 0, high, low), best=np.where(p.direction < 0, low, high))
    lo, hi = _range(p.spec)
    y = x - p.worst  # in place from here on: one temporary for the whole matrix
    with np.errstate(divide="ignore", invalid="ignore"):
        y /= p.best - p.worst
    np.clip(y, 0.0, 1.0, out=y)
    y *= hi - lo
    y += lo
    return y


def anchor_points(spec: NormaliseSpec) -> np.ndarray:
    """The seven fixed points of ``anchored`` on ``spec.range``: worst, thresholds 1–5, best."""
    lo, hi = _range(spec)
    return lo + (hi - lo) * np.array([0, *ANCHORS, 10], dtype="float64") / 10


CELLS_PER_BLOCK = 1 << 17  # cells worked at once: temporaries stay in cache, big tables need no big temporaries


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


def blocks(x: np.ndarray, cells: int | None = None) -> tuple[bool, list[tuple[slice, ...]]]:
    """Blocks of rows of ``x`` of about ``cells`` cells (default :data:`CELLS_PER_BLOCK`), in ``x``'s memory order.

    Returns whether ``x`` is laid out column by column (a DataFrame's values), and the blocks as
    index tuples for ``x`` itself, or for ``x.T`` in that case (so each block reads contiguous memory).
    """
    by_column = bool(x.flags.f_contiguous and not x.flags.c_contiguous)
    step = max(1, (cells or CELLS_PER_BLOCK) // max(1, x.shape[1]))
    rows = [slice(start, start + step) for start in range(0, x.shape[0], step)]
    return by_column, [(slice(None), r) if by_column else (r,) for r in rows]


def n_anchored(x: np.ndarray, p: Params) -> np.ndarray:
    """Piecewise linear through worst → thresholds 1–5 → best, anchored at :data:`ANCHORS`.

    Worked in blocks of rows, in the table's own memory order, each cell's constants looked up by
    ``column × 6 + level``: cell by cell the same arithmetic as one pass over the whole table with
    every constant broadcast.
    """
    n_cols = x.shape[1]
    th = p.thresholds if p.thresholds is not None else np.full((n_cols, 5), np.nan)
    has = np.isfinite(th).all(axis=1)
    if not has.all():  # no thresholds: plain goalposts for those columns
        out = np.full(x.shape, np.nan)
        out[:, ~has] = n_goalposts(x[:, ~has], Params(p.direction[~has], p.worst[~has], p.best[~has],
                                                      p.target[~has], p.spec))
        if has.any():
            out[:, has] = n_anchored(x[:, has], Params(p.direction[has], p.worst[has], p.best[has],
                                                       p.target[has], p.spec, p.ref_row, th[has]))
        return out
    d = p.direction
    knots = np.column_stack([p.worst * d, th * d[:, None], p.best * d])  # cols × 7
    lo_t, width_t, ok_t, fallback, base, step, cap = _anchored_tables(knots, anchor_points(p.spec))
    by_column, parts = blocks(x)
    out = np.empty(x.shape, order="F" if by_column else "C")
    xs, outs = (x.T, out.T) if by_column else (x, out)

    def per_column(v: np.ndarray) -> np.ndarray:
        return v[:, None] if by_column else v

    kind, d = per_column(np.arange(n_cols, dtype=np.intp) * 6), per_column(d)
    thresholds = [per_column(knots[:, k]) for k in range(1, 6)]
    for part in parts:
        xd = xs[part] * d
        ok = np.isfinite(xd)
        level = np.zeros(xd.shape, dtype=np.int8)  # thresholds reached, 0–5
        with np.errstate(invalid="ignore"):
            for t in thresholds:
                level += xd >= t
        cell = kind + level
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = (xd - lo_t.take(cell)) / width_t.take(cell)
        frac = np.where(ok_t.take(cell), frac, fallback.take(cell))
        frac = np.clip(np.where(ok, frac, 0.0), 0.0, 1.0)
        y = base.take(cell) + frac * step.take(cell)
        y = np.minimum(y, cap.take(cell))  # never round up into the next level's band
        y[~ok] = np.nan
        outs[part] = y
    return out


def n_minmax(x: np.ndarray, p: Params) -> np.ndarray:
    """Min-max over the units given (as ``_onto(_ratio(xd - lo, hi - lo))``, the same operations in place:
    one table allocated instead of five, which is most of the time for a million units)."""
    out = x * p.direction
    lo, hi = _nanstats(out)
    np.subtract(out, lo, out=out)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(out, hi - lo, out=out)
    out[~np.isfinite(out)] = np.nan
    a, b = _range(p.spec)
    out *= b - a
    out += a
    return out


def n_zscore(x: np.ndarray, p: Params) -> np.ndarray:
    """Standardise to mean ``m`` and sample standard deviation ``s``."""
    xd = x * p.direction
    with np.errstate(all="ignore"):
        n = np.isfinite(xd).sum(axis=0)
        mean = np.nansum(xd, axis=0) / n
        sd = np.sqrt(np.nansum((xd - mean) ** 2, axis=0) / (n - 1))
    m, s = getattr(p.spec, "mean_sd", (0.0, 1.0))
    return _ratio(xd - mean, sd) * s + m


def _rank_min(x: np.ndarray) -> np.ndarray:
    return pd.DataFrame(x).rank(method="min", ascending=True, na_option="keep").to_numpy(dtype="float64")


def n_rank(x: np.ndarray, p: Params) -> np.ndarray:
    """Ranks of ``x'``, ties = min, so the best unit has the highest rank."""
    return _rank_min(x * p.direction)


def n_prank(x: np.ndarray, p: Params) -> np.ndarray:
    """Percentile ranks ``(rank - 1) / (n - 1)``."""
    r = _rank_min(x * p.direction)
    n = np.isfinite(x).sum(axis=0).astype("float64")
    return _onto(_ratio(r - 1.0, n - 1.0), p.spec)


def n_dist2max(x: np.ndarray, p: Params) -> np.ndarray:
    """Distance to the best unit."""
    xd = x * p.direction
    lo, hi = _nanstats(xd)
    return _onto(1.0 - _ratio(hi - xd, hi - lo), p.spec)


def n_dist2ref(x: np.ndarray, p: Params) -> np.ndarray:
    """Distance to a reference unit's value."""
    if p.ref_row is None:
        raise InputError([Problem("<method>", field="normalise.reference_unit", code="missing-reference",
                                  message=N_("dist2ref needs reference_unit: a unit present in the data"))])
    xd = x * p.direction
    lo, _ = _nanstats(xd)
    ref = xd[p.ref_row]
    y = 1.0 - _ratio(ref - xd, ref - lo)
    if getattr(p.spec, "cap", False):
        y = np.minimum(y, 1.0)
    return _onto(y, p.spec)


def n_dist2target(x: np.ndarray, p: Params) -> np.ndarray:
    """Distance to a target (COINr 1.1 ``n_dist2targ``)."""
    lo, hi = _nanstats(x)
    up = p.direction >= 0
    y = np.where(up, _ratio(x - lo, p.target - lo), _ratio(hi - x, hi - p.target))
    if getattr(p.spec, "cap", False):
        y = np.minimum(y, 1.0)
    return _onto(y, p.spec)


Normaliser = Callable[[np.ndarray, Params], np.ndarray]

NORMALISERS: dict[NormaliseName, Normaliser] = {
    "none": n_none,
    "anchored": n_anchored,
    "goalposts": n_goalposts,
    "minmax": n_minmax,
    "zscore": n_zscore,
    "rank": n_rank,
    "prank": n_prank,
    "dist2max": n_dist2max,
    "dist2ref": n_dist2ref,
    "dist2target": n_dist2target,
}


def _unanchored(ind: Indicator) -> bool:
    """True when ``anchored`` has nothing to anchor on: neither thresholds nor goalposts."""
    return ind.thresholds is None and ind.goalposts is None


def _column_arrays(catalogue: Catalogue, cols: list[str], spec: NormaliseSpec,
                   problems: list[Problem]) -> tuple[np.ndarray, ...]:
    direction, worst, best, target = (np.full(len(cols), np.nan) for _ in range(4))
    thresholds = np.full((len(cols), 5), np.nan)
    given = getattr(spec, "target", None)  # the method's own target (dist2target), if it has one
    for j, col in enumerate(cols):
        ind = catalogue.indicator(col)
        direction[j] = ind.direction
        if ind.thresholds is not None:
            thresholds[j] = ind.thresholds.values
        if ind.goalposts is not None:
            worst[j], best[j] = ind.goalposts.worst, ind.goalposts.best
        elif spec.method == "goalposts" and getattr(spec, "bounds", "catalogue") == "catalogue":
            problems.append(Problem("<catalogue>", item=col, field="goalposts", code="no-goalposts",
                                    message=N_("goalposts normalisation needs goalposts for every indicator"),
                                    fix=N_("add goalposts to the catalogue (for a COINr import: the iMeta columns "
                                           "goalpost_lower and goalpost_upper), take them from the data (the "
                                           "normalise option bounds: observed, kth or percentile) or fix them "
                                           "(bounds: fixed), or override this indicator with minmax")))
        t = given if given is not None else ind.target
        target[j] = t if t is not None else best[j]
        if spec.method == "dist2target" and np.isnan(target[j]):
            problems.append(Problem("<catalogue>", item=col, field="target", code="no-target", message=N_(
                "dist2target needs a target (method, catalogue target or best goalpost)")))
    return direction, worst, best, target, thresholds


def normalise(values: pd.DataFrame, catalogue: Catalogue, spec: Normalise) -> pd.DataFrame:
    """Normalise every column of ``values`` (scored indicators only), per-indicator overrides applied.

    Returns a new table of the same shape. See the module docstring for each method.

    Raises
    ------
    InputError
        If a method lacks what it needs (goalposts, target, reference unit), listing every case.
    """
    cols = values.columns.tolist()
    by_spec: dict[NormaliseSpec, list[str]] = {}
    base = spec.default
    for col in cols:
        chosen = spec.overrides.get(col, base)
        if chosen.method == "anchored" and _unanchored(catalogue.indicator(col)):
            chosen = normalise_spec("minmax", range=chosen.range)
        by_spec.setdefault(chosen, []).append(col)
    problems: list[Problem] = []
    prepared = [(s, group, _column_arrays(catalogue, group, s, problems)) for s, group in by_spec.items()]
    refs = [str(getattr(s, "reference_unit", "")) for s, _, _ in prepared if s.method == "dist2ref"]
    units = set(values.index.get_level_values("unit")) if refs else set()
    for ref in refs:
        if ref not in units:
            problems.append(Problem("<method>", field="normalise.reference_unit", code="unknown-unit",
                                    message=N_("dist2ref's reference unit must be one of the units"),
                                    found=repr(ref)))
    if problems:
        raise InputError(problems)
    x_all = values.to_numpy(dtype="float64")
    out = np.empty(x_all.shape)  # every column belongs to exactly one recipe group, so all get written
    pos = {c: j for j, c in enumerate(cols)}
    if spec.panel == "per-year" and "year" in values.index.names:
        years = np.asarray(values.index.get_level_values("year"))
        blocks = [np.flatnonzero(years == y) for y in pd.unique(years)]
    else:
        blocks = [np.arange(len(values))]
    unit_labels = np.asarray(values.index.get_level_values("unit")) if refs else None
    single = len(blocks) == 1
    for rows in blocks:
        for s, group, (direction, worst, best, target, thresholds) in prepared:
            ref_row = None
            if s.method == "dist2ref" and unit_labels is not None:
                hits = np.flatnonzero(unit_labels[rows] == getattr(s, "reference_unit", None))
                ref_row = int(hits[0]) if hits.size else None
            idx = np.array([pos[c] for c in group], dtype=np.intp)
            params = Params(direction, worst, best, target, s, ref_row, thresholds)
            if single and len(idx) == len(cols):  # the common case: no copies for fancy indexing
                out = NORMALISERS[s.method](x_all, params)
            elif single:
                out[:, idx] = NORMALISERS[s.method](x_all[:, idx], params)
            else:
                out[np.ix_(rows, idx)] = NORMALISERS[s.method](x_all[np.ix_(rows, idx)], params)
    # a table laid out column by column is what the DataFrame would copy it into: no need to copy
    keep = out.flags.f_contiguous and not np.may_share_memory(out, x_all)
    return pd.DataFrame(out, index=values.index, columns=values.columns, copy=not keep)


def normalise_frame(data: pd.DataFrame | pd.Series, method: NormaliseName = "minmax",
                    directions: dict[str, int] | int = 1, *, goalposts: dict[str, tuple[float, float]] | None = None,
                    targets: dict[str, float] | None = None,
                    thresholds: dict[str, tuple[float, float, float, float, float]] | None = None,
                    **options: object) -> pd.DataFrame | pd.Series:
    """Normalise a table or one indicator without a catalogue (for researchers).

    Parameters
    ----------
    data
        Units × indicators (or one indicator as a Series); NaN = missing.
    method
        Any of :data:`NORMALISERS`; definitions in the module docstring.
    directions
        One direction for every column, or ``{column: 1 | -1}`` (missing columns: 1).
    goalposts, targets, thresholds
        ``{column: (worst, best)}``, ``{column: target}`` and ``{column: (t1, …, t5)}`` for
        ``goalposts``/``anchored``, ``dist2target`` and ``anchored``.
    **options
        Further :class:`~assessment.scoring.method.NormaliseSpec` fields (``range``, ``mean_sd``,
        ``cap``); ``reference_row`` (an integer position) for ``dist2ref``.

    Returns
    -------
    Same type and shape as ``data``.

    Raises
    ------
    InputError
        Listing every problem: values that are not finite numbers within range, a method or
        option the method model refuses (with the nearest valid one), a direction other than 1
        or -1, and a column named in ``directions``, ``goalposts``, ``targets`` or
        ``thresholds`` that the table lacks (:mod:`assessment.scoring.accept`). An indicator no
        unit reported, or with one value for every unit, gets an ``InputWarning``.
    """
    frame = data.to_frame() if isinstance(data, pd.Series) else data
    cols = frame.columns.tolist()
    ref_row = options.pop("reference_row", None)
    named = {"directions": directions, "goalposts": goalposts, "targets": targets, "thresholds": thresholds}
    problems = [p for field, given in named.items() if given for p in unknown_names(given, cols, field)]
    given = directions.values() if isinstance(directions, dict) else [directions]
    if any(d not in (1, -1) for d in given):
        problems.append(Problem("<directions>", field="directions", code="bad-direction", found=repr(directions),
                                message=N_("a direction is 1 (higher is better) or -1 (lower is better)")))
    section = method_section("normalise", {"default": {"method": method, **options}}, problems)
    frame = check_frame(frame, warn=True, problems=problems)
    spec = section.default
    d = np.array([directions.get(c, 1) if isinstance(directions, dict) else directions for c in cols], dtype="float64")
    gp = goalposts or {}
    worst = np.array([gp.get(c, (np.nan, np.nan))[0] for c in cols], dtype="float64")
    best = np.array([gp.get(c, (np.nan, np.nan))[1] for c in cols], dtype="float64")
    target = np.array([(targets or {}).get(c, np.nan) for c in cols], dtype="float64")
    th = np.array([(thresholds or {}).get(c, (np.nan,) * 5) for c in cols], dtype="float64").reshape(len(cols), 5)
    params = Params(d, worst, best, target, spec, None if ref_row is None else int(str(ref_row)), th)
    out = NORMALISERS[spec.method](frame.to_numpy(dtype="float64"), params)
    result = pd.DataFrame(out, index=frame.index, columns=frame.columns)
    return result.iloc[:, 0].rename(data.name) if isinstance(data, pd.Series) else result
