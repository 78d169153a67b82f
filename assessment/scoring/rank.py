"""Ranks within the cohort and peer groups, and comparisons.

Conventions
-----------
* Rank 1 is the highest score; ties share the lowest rank (1, 2, 2, 4: "min", as R's
  ``rank(ties.method = "min")`` and COINr's results tables); a missing score has no rank.
  Panels are ranked year by year.
* Peer groups are profile columns. ``population-class`` is derived from ``population``:
  *small* under 200,000; *middleweight* 200,000 to under 2 million (the ASEAN Smart Cities
  Framework's "middleweight" cities); *large* 2 to under 10 million; *megacity* 10 million or
  more (the UN DESA megacity threshold).
* Strengths and weaknesses: each normalised indicator score minus the median of the unit's
  peer group (the whole cohort when the unit has no group), the ``top`` largest gaps above
  and below; ties broken by indicator id, so the output is deterministic.
* Change: each aggregate score minus the unit's score in its previous reported year.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..i18n import N_
from .inputs import pool_codes

POPULATION_CLASS = "population-class"
CLASS_EDGES = (200_000, 2_000_000, 10_000_000)
CLASS_NAMES = ("small", "middleweight", "large", "megacity")
CLASS_LABELS = {
    "small": N_("Small (under 200,000)"),
    "middleweight": N_("Middleweight (200,000 to 2 million)"),
    "large": N_("Large (2 to 10 million)"),
    "megacity": N_("Megacity (10 million or more)"),
}


def population_class(population: pd.Series) -> pd.Series:
    """Population class label per unit (missing population → missing class)."""
    pop = pd.to_numeric(population, errors="coerce").to_numpy(dtype="float64")
    idx = np.searchsorted(np.asarray(CLASS_EDGES, dtype="float64"), pop, side="right")
    labels = np.array(CLASS_NAMES, dtype=object)[np.minimum(idx, len(CLASS_NAMES) - 1)]
    labels[~np.isfinite(pop)] = None
    return pd.Series(labels, index=population.index, name=POPULATION_CLASS, dtype="object")


def peer_column(profiles: pd.DataFrame, name: str) -> pd.Series | None:
    """The grouping for peer group ``name`` (None when the profiles cannot provide it)."""
    if name == POPULATION_CLASS:
        if POPULATION_CLASS in profiles.columns:
            return profiles[POPULATION_CLASS].astype("object")
        return population_class(profiles["population"]) if "population" in profiles.columns else None
    return profiles[name].astype("object") if name in profiles.columns else None


def _sorted_min_rank(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise argsort of ``key`` (columns × units) and, in sorted order, where each tie run starts."""
    order = np.argsort(key, axis=1)
    srt = np.take_along_axis(key, order, axis=1)
    pos = np.broadcast_to(np.arange(key.shape[1]), key.shape)
    new = np.ones(key.shape, dtype=bool)
    new[:, 1:] = srt[:, 1:] != srt[:, :-1]
    return order, np.maximum.accumulate(np.where(new, pos, 0), axis=1)


def rank_matrix(x: np.ndarray, codes: np.ndarray | None = None) -> np.ndarray:
    """Descending min-ranks of every column of ``x`` within the pools given by ``codes``.

    Vectorised over columns (worked on the transpose, so each sort runs over contiguous
    memory): one argsort gives each value's rank in the table (``1 + number of strictly larger
    values``); a second argsort keyed by ``pool × (n + 2) + rank`` gives the rank in its pool.
    """
    n = x.shape[0]
    xt = np.ascontiguousarray(x.T)
    ok = np.isfinite(xt)
    neg = np.where(ok, -xt, np.inf)
    order, first = _sorted_min_rank(neg)
    ranks = np.empty(xt.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, first + 1, axis=1)
    if codes is not None:
        valid = ok & (codes >= 0)[None, :]
        key = np.where(valid, codes[None, :] * (n + 2) + ranks, np.iinfo(np.int64).max)
        order, first = _sorted_min_rank(key)
        pool = np.take_along_axis(key, order, axis=1) // (n + 2)
        new_pool = np.ones(key.shape, dtype=bool)
        new_pool[:, 1:] = pool[:, 1:] != pool[:, :-1]
        pos = np.broadcast_to(np.arange(n), key.shape)
        start = np.maximum.accumulate(np.where(new_pool, pos, 0), axis=1)
        np.put_along_axis(ranks, order, first - start + 1, axis=1)
        ok = valid
    out = ranks.astype("float64")
    out[~ok] = np.nan
    return np.ascontiguousarray(out.T)


def rank_table(scores: pd.DataFrame, group: pd.Series | None = None) -> pd.DataFrame:
    """Ranks of every column (1 = best, ties = min, missing kept missing), within groups and years.

    A panel is ranked one year at a time, so each sort covers one year's units.
    """
    out = np.full(scores.shape, np.nan)
    if "year" in scores.index.names:
        years = np.asarray(scores.index.get_level_values("year"))
        blocks = [np.flatnonzero(years == y) for y in pd.unique(years)]
    else:
        blocks = [np.arange(len(scores))]
    x = scores.to_numpy(dtype="float64")
    for rows in blocks:
        codes = None
        if group is not None:
            codes = np.asarray(pd.factorize(group.reindex(scores.index).to_numpy(dtype=object)[rows])[0],
                               dtype=np.int64)
        out[rows] = rank_matrix(x[rows], codes)
    return pd.DataFrame(out, index=scores.index, columns=scores.columns)


def peer_median(scores: pd.DataFrame, group: pd.Series | None) -> pd.DataFrame:
    """Median of each column over the unit's peers (the year's cohort where no group is known)."""
    x = scores.to_numpy(dtype="float64")
    if "year" in scores.index.names:
        years = pd.Series(scores.index.get_level_values("year"), index=scores.index)
        cohort = scores.groupby(years).transform("median")
    else:
        with warnings.catch_warnings():  # an indicator nobody reported has no median: NaN, as intended
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(np.where(np.isfinite(x), x, np.nan), axis=0) if x.size else np.full(x.shape[1], np.nan)
        cohort = pd.DataFrame(np.broadcast_to(med, x.shape), index=scores.index, columns=scores.columns)
    if group is None:
        return cohort
    codes = pool_codes(scores, group)
    peers = scores.groupby(codes, sort=False).transform("median")
    peers[codes < 0] = np.nan
    return peers.fillna(cohort)


def strengths_weaknesses(normalised: pd.DataFrame, group: pd.Series | None, top: int) -> pd.DataFrame:
    """Long table: unit (year), kind (strength/weakness), order, indicator, score, peer_median, gap."""
    cols = ["kind", "order", "indicator", "score", "peer_median", "gap"]
    if top == 0 or normalised.empty:
        return pd.DataFrame(columns=[*normalised.index.names, *cols])
    med = peer_median(normalised, group)
    names = np.asarray(sorted(normalised.columns))
    score = normalised[list(names)].to_numpy(dtype="float64")
    median = med[list(names)].to_numpy(dtype="float64")
    gap = score - median
    frames = []
    k = min(top, len(names))
    for kind, sign in (("strength", -1.0), ("weakness", 1.0)):
        key = np.where(np.isfinite(gap) & (sign * gap < 0), sign * gap, np.inf)
        # the k best candidates per row, then ordered (by gap, then indicator id: stable)
        cand = np.sort(np.argpartition(key, k - 1, axis=1)[:, :k], axis=1) if k < len(names) else \
            np.broadcast_to(np.arange(len(names)), key.shape)
        order = np.take_along_axis(cand, np.argsort(np.take_along_axis(key, cand, axis=1), axis=1, kind="stable"),
                                   axis=1)
        rows, ranks = np.nonzero(np.isfinite(np.take_along_axis(key, order, axis=1)))
        picked = order[rows, ranks]
        part = pd.DataFrame({"kind": kind, "order": ranks + 1, "indicator": names[picked],
                             "score": score[rows, picked], "peer_median": median[rows, picked],
                             "gap": gap[rows, picked]},
                            index=normalised.index[rows])
        frames.append(part)
    out = pd.concat(frames).reset_index()
    return out.sort_values([*normalised.index.names, "kind", "order"], kind="stable").reset_index(drop=True)


def change(scores: pd.DataFrame) -> pd.DataFrame:
    """Score minus the unit's previous reported year (panels only; empty otherwise)."""
    if "year" not in scores.index.names:
        return pd.DataFrame(np.empty((0, scores.shape[1])), index=scores.index[:0], columns=scores.columns)
    ordered = scores.sort_index(level=["unit", "year"])
    return ordered.groupby(level="unit", sort=False).diff().reindex(scores.index)
