"""Maturity levels (0–5, ITU-T Y.4904 names from the catalogue).

Conventions
-----------
* **Indicators, ``thresholds``**: a value reaches level *k* when it is at or beyond the
  catalogue's cut-off *k* in the direction of improvement (``>=`` when higher is better,
  ``<=`` when lower is better); short of the first cut-off it is level 0. The value used is
  the indicator in its catalogue unit after denomination and imputation (imputed cells are
  flagged in the result). Context indicators and indicators without thresholds have none.
* **Indicators, ``target-bands``** (U4SSC City Snapshots): progress is ``x / t`` when higher
  is better and ``t / x`` when lower is better (``x = 0`` counts as reaching the target), with
  ``t`` the catalogue target, else the best goalpost. Band 1 below 33 %, 2 below 66 %, 3 below
  95 %, 4 from 95 %. This is a four-band scale, not the 0–5 maturity scale.
* **Aggregates**: level *k* when the score is at or above cut-off *k* (``Method.level_cutoffs``;
  default the ``anchored`` fixed points 10/30/50/70/90 on 0–100, where that normalisation puts
  thresholds 1–5, so an indicator's score implies its own level and a mean of scores a level
  within its children's range).
* **Enabler groups**: the median of the items' levels rounded down (a group cannot be
  more mature than most of its parts), or the minimum; unanswered items are left out.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..catalogue import Catalogue, Lens
from .method import IndicatorLevelName, Levels
from .normalisers.base import blocks

BAND_CUTS = (0.33, 0.66, 0.95)


def level_count(x: np.ndarray, cuts: np.ndarray, direction: np.ndarray | None = None) -> np.ndarray:
    """Number of cut-offs reached per cell of ``x · direction``; NaN where the value or every cut-off is missing.

    ``cuts`` are per column (columns × cut-offs), already in the direction's terms. Worked in the table's own
    memory order: a table laid out column by column one column at a time (:func:`_level_count_by_column`), one
    laid out row by row in blocks of rows; the count of each cell is the same whatever the order or the block.
    Each block's counts are written straight into the result and the missing cells marked there.
    """
    by_column, parts = blocks(x)
    if by_column:
        return _level_count_by_column(x, cuts, direction)
    out = np.empty(x.shape)
    nothing = np.isnan(cuts).all(axis=1)[None, :]
    anything_missing = bool(nothing.any())
    columns = [cuts[:, k][None, :] for k in range(cuts.shape[1])]
    d = None if direction is None else direction[None, :]
    for part in parts:
        xd = x[part] if d is None else x[part] * d
        count = np.zeros(xd.shape, dtype=np.int8 if len(columns) < 127 else np.int64)
        with np.errstate(invalid="ignore"):
            for cut in columns:
                count += xd >= cut
        reached = out[part]
        reached[...] = count  # whole numbers: exact as floats
        missing = ~np.isfinite(xd)
        if anything_missing:
            missing |= nothing
        np.copyto(reached, np.nan, where=missing)
    return out


ROWS_PER_RUN = 1 << 16  # rows of one column counted at once by _level_count_by_column: its temporaries stay in cache


def _level_count_by_column(x: np.ndarray, cuts: np.ndarray, direction: np.ndarray | None) -> np.ndarray:
    """:func:`level_count` of a table laid out column by column (a DataFrame's values), one column at a time in
    runs of :data:`ROWS_PER_RUN` rows: each run reads and writes one contiguous stretch of memory, where blocks
    of rows across every column would read a short stretch of each (at a million rows, about half the time).
    The same comparisons of the same products, so the same counts and the same NaN."""
    out = np.empty(x.shape, order="F")
    nothing = np.isnan(cuts).all(axis=1)
    count: np.ndarray = np.empty(min(ROWS_PER_RUN, len(x)), dtype=np.int8 if cuts.shape[1] < 127 else np.int64)
    reached: np.ndarray = np.empty(len(count), dtype=bool)
    for j in range(x.shape[1]):
        if nothing[j]:
            out[:, j] = np.nan
            continue
        for start in range(0, len(x), ROWS_PER_RUN):
            xd = x[start:start + ROWS_PER_RUN, j]
            if direction is not None:
                xd = xd * direction[j]
            n, into = len(xd), out[start:start + ROWS_PER_RUN, j]
            counted, hit = count[:n], reached[:n]
            counted[...] = 0
            with np.errstate(invalid="ignore"):
                for cut in cuts[j]:
                    counted += np.greater_equal(xd, cut, out=hit)
            into[...] = counted  # whole numbers: exact as floats
            np.copyto(into, np.nan, where=~np.isfinite(xd))
    return out


def levels_thresholds(values: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """ITU-T Y.4904-style levels from the catalogue's five thresholds."""
    cols = values.columns.tolist()
    d = np.array([catalogue.indicator(c).direction for c in cols], dtype="float64")
    cuts = np.full((len(cols), 5), np.nan)
    for j, c in enumerate(cols):
        th = catalogue.indicator(c).thresholds
        if th is not None and d[j] != 0:
            cuts[j] = th.values
    x = values.to_numpy(dtype="float64")
    out = level_count(x, cuts * d[:, None], d)
    return pd.DataFrame(out, index=values.index, columns=cols, copy=not out.flags.f_contiguous)


def levels_target_bands(values: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """U4SSC %-of-target bands 1–4."""
    cols = values.columns.tolist()
    x = values.to_numpy(dtype="float64")
    out = np.full(x.shape, np.nan)
    for j, c in enumerate(cols):
        ind = catalogue.indicator(c)
        t = ind.target if ind.target is not None else (ind.goalposts.best if ind.goalposts else None)
        if t is None or ind.direction == 0:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            p = x[:, j] / t if ind.direction == 1 else np.where(x[:, j] == 0, np.inf, t / x[:, j])
        band = 1.0 + (p[:, None] >= np.array(BAND_CUTS)[None, :]).sum(axis=1)
        out[:, j] = np.where(np.isfinite(x[:, j]), band, np.nan)
    return pd.DataFrame(out, index=values.index, columns=cols)


INDICATOR_LEVELS: dict[IndicatorLevelName, Callable[[pd.DataFrame, Catalogue], pd.DataFrame]] = {
    "thresholds": levels_thresholds,
    "target-bands": levels_target_bands,
}


def score_levels(scores: pd.DataFrame, cutoffs: tuple[float, ...]) -> pd.DataFrame:
    """Level of each aggregate score: the number of cut-offs at or below it (NaN stays NaN)."""
    x = scores.to_numpy(dtype="float64")
    cuts = np.broadcast_to(np.asarray(cutoffs, dtype="float64"), (x.shape[1], len(cutoffs)))
    out = level_count(x, cuts)  # a new array: taken as it is when laid out as the DataFrame keeps it
    return pd.DataFrame(out, index=scores.index, columns=scores.columns, copy=not out.flags.f_contiguous)


def whole_levels(x: np.ndarray) -> bool:
    """True when every cell is missing or a whole number from 0 to 2**52 (no negative zero).

    On such values every way of taking a median gives the same bits: equal values look the
    same, and the sum of the two middle values is exact.
    """
    with np.errstate(invalid="ignore"):
        fine = np.isnan(x) | ((x >= 0) & (x < 2.0**52) & (np.floor(x) == x) & ~np.signbit(x))
    return bool(fine.all())


def row_medians(x: np.ndarray) -> np.ndarray:
    """Median of each row over its non-missing cells (NaN where none), the two middle values averaged.

    For :func:`whole_levels` tables this equals ``DataFrame.median(axis=1)``, without its
    masked-array detour.
    """
    s = np.sort(x, axis=1)  # missing last
    n = np.count_nonzero(~np.isnan(x), axis=1)
    rows = np.arange(len(x))
    low, high = s[rows, np.maximum(n - 1, 0) // 2], s[rows, n // 2 - (n == 0)]
    return (low + high) / 2


COUNTED_BELOW = 16  # answers all whole numbers below this: medians counted (see counted_medians), not sorted


def level_codes(column: np.ndarray, top: int) -> np.ndarray:
    """A column of whole numbers from 0 to ``top`` (< :data:`COUNTED_BELOW`) or NaN as small integers, a missing
    cell as ``top + 1``: what :func:`counted_medians` compares, in an eighth of the memory."""
    return np.where(np.isnan(column), top + 1, column).astype(np.int8)


def counted_medians(columns: list[np.ndarray], top: int) -> np.ndarray:
    """:func:`row_medians` of the table whose columns are ``columns``, every cell missing or a whole number from 0
    to ``top`` (< :data:`COUNTED_BELOW`), by counting instead of sorting.

    A row's *k*-th smallest value (from 0) is the number of values ``v`` in ``0 … top - 1`` that at most *k* of
    its cells reach (``cell <= v``); the two middle ones are *k* = (n - 1) // 2 and n // 2 of its n cells, and
    their mean is exact. The same bits as :func:`row_medians`; a row with no cell is NaN. A column is floats
    (NaN missing) or already :func:`level_codes`.
    """
    codes = [c if c.dtype == np.int8 else level_codes(c, top) for c in columns]
    kind = np.int8 if len(codes) < np.iinfo(np.int8).max else np.int64  # counts of cells: a small type is quicker
    n: np.ndarray = np.zeros(len(codes[0]), dtype=kind)
    for c in codes:
        n += c <= top
    low_k, high_k = (n - 1) // 2, n // 2
    low: np.ndarray = np.zeros(len(n), dtype=kind)
    high: np.ndarray = np.zeros(len(n), dtype=kind)
    reached: np.ndarray = np.empty(len(n), dtype=kind)
    for v in range(top):
        reached[:] = 0
        for c in codes:
            reached += c <= v  # a missing cell (top + 1) is not
        low += reached <= low_k
        high += reached <= high_k
    out = (low.astype("float64") + high) / 2
    out[n == 0] = np.nan
    return out


def enabler_levels(answers: pd.DataFrame, catalogue: Catalogue, spec: Levels) -> pd.DataFrame:
    """Item levels plus one column per node of every enabler lens (``<lens>:<node>``)."""
    out = {c: answers[c] for c in answers.columns}
    at = {c: j for j, c in enumerate(answers.columns)}
    x: np.ndarray | None = None  # the answers as one array, when the medians can be taken on it
    top = 0  # the largest answer (whole numbers from 0)
    codes: dict[int, np.ndarray] = {}  # column of the answers → its level_codes

    def medians_on_array() -> bool:
        nonlocal x, top
        if x is None and spec.enabler_group == "median" and answers.columns.is_unique:
            values = answers.to_numpy()
            floats = values.dtype == np.float64 and bool((answers.dtypes == np.float64).all())
            x = values if floats and whole_levels(values) else np.empty((0, 0))
            top = int(np.nanmax(x)) if x.size and not np.isnan(x).all() else 0
        return x is not None and x.size > 0

    for lens in catalogue.lenses:
        if lens.applies_to != "enablers":
            continue
        direct: dict[str, list[str]] = {n.id: [] for n in lens.nodes}
        for item, leaf in catalogue.membership(lens.id).items():
            if item in answers.columns and leaf in direct:
                direct[leaf].append(item)

        def under(node_id: str, direct: dict[str, list[str]] = direct, lens: Lens = lens) -> list[str]:
            return direct[node_id] + [i for child in lens.children(node_id) for i in under(child.id)]

        children = {n.id: under(n.id) for n in lens.nodes}
        for node, items in children.items():
            if not items:
                continue
            if medians_on_array() and x is not None:  # the same medians, without pandas' masked-array detour
                cols = [at[i] for i in items]
                if top < COUNTED_BELOW:  # each item's answers as small codes once, for every node above it
                    for j in cols:
                        if j not in codes:
                            codes[j] = level_codes(x[:, j], top)
                    col = pd.Series(np.floor(counted_medians([codes[j] for j in cols], top)), index=answers.index)
                else:
                    col = pd.Series(np.floor(row_medians(x[:, cols])), index=answers.index)
            else:
                part = answers[items]
                col = part.min(axis=1) if spec.enabler_group == "min" else np.floor(part.median(axis=1))
            out[f"{lens.id}:{node}"] = col
    return _table(out, answers.index)


def _table(columns: dict[str, pd.Series], index: pd.Index) -> pd.DataFrame:
    """``pd.DataFrame(columns, index=index)``; when every column is a float on ``index``, written once into the
    layout the DataFrame keeps (pandas would gather the columns, then stack them into a copy)."""
    if not columns or not all(v.dtype == np.float64 and v.index.equals(index) for v in columns.values()):
        return pd.DataFrame(columns, index=index)
    table = np.empty((len(index), len(columns)), order="F")
    for k, v in enumerate(columns.values()):
        table[:, k] = v.to_numpy()
    return pd.DataFrame(table, index=index, columns=list(columns), copy=False)


def level_names(levels: pd.DataFrame, catalogue: Catalogue, lang: str = "en") -> pd.DataFrame:
    """Replace level numbers 0–5 by the catalogue's level names in ``lang`` (missing stays missing)."""
    names = {float(k): catalogue.maturity_level_name(k, lang) for k in range(6)}
    return levels.apply(lambda col: col.map(names))
