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
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..i18n import N_
from .pools import pool_codes

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


def profile_column(profiles: pd.DataFrame, name: str) -> str | None:
    """The column of ``profiles`` called ``name`` whatever its case (``Country`` for ``country``, as COINr
    group columns are often written): the exact name first, else the first column in table order equal
    to it ignoring case; ``None`` when there is none."""
    if name in profiles.columns:
        return name
    wanted = name.casefold()
    return next((c for c in profiles.columns if isinstance(c, str) and c.casefold() == wanted), None)


def unit_names(profiles: pd.DataFrame) -> pd.Series | None:
    """Each unit's name: the profile column ``name``, else COINr's ``uName`` (any case); ``None`` without one."""
    col = profile_column(profiles, "name") or profile_column(profiles, "uName")
    return profiles[col] if col is not None else None


def peer_column(profiles: pd.DataFrame, name: str) -> pd.Series | None:
    """The grouping for peer group ``name`` (None when the profiles cannot provide it); the profile column
    is found whatever its case (:func:`profile_column`)."""
    if name == POPULATION_CLASS:
        if (col := profile_column(profiles, POPULATION_CLASS)) is not None:
            return profiles[col].astype("object")
        col = profile_column(profiles, "population")
        return population_class(profiles[col]) if col is not None else None
    col = profile_column(profiles, name)
    return profiles[col].astype("object") if col is not None else None


def _run_starts(new: np.ndarray) -> np.ndarray:
    """Row-wise: for each position, the position where its run (``new`` marks run starts) begins."""
    pos = np.broadcast_to(np.arange(new.shape[1]), new.shape)
    return np.maximum.accumulate(np.where(new, pos, 0), axis=1)


def _changes(a: np.ndarray) -> np.ndarray:
    """Row-wise: True where a value differs from the one before it (and at the start)."""
    new = np.ones(a.shape, dtype=bool)
    np.not_equal(a[:, 1:], a[:, :-1], out=new[:, 1:])
    return new


def rank_matrices(x: np.ndarray, pools: Sequence[np.ndarray | None]) -> list[np.ndarray]:
    """Descending min-ranks of every column of ``x``, once per entry of ``pools`` (None: the whole table;
    else integer pool codes per row, negative = in no pool).

    One sort of a column's values serves every pooling: in that order a value's rank in the table is
    1 + the position where its run of equal values starts. For a pooling, a stable sort of the
    pool codes, taken in value order, lines each pool's members up by value; a member's rank in
    its pool is 1 + the position, within its pool, where its run of equal values starts. A table of
    many rows (:data:`COLUMNWISE_FROM`) is ranked column by column, each sort over the column's finite
    values only; a short one all columns at once (on the transpose, so each sort runs over contiguous
    memory). The ranks are the same either way: they depend only on which values are equal.
    """
    if x.shape[0] >= COLUMNWISE_FROM and x.shape[1]:
        return _rank_columns(x, pools)
    xt = np.ascontiguousarray(x.T)
    ok = np.isfinite(xt)
    neg = np.where(ok, -xt, np.inf)
    rows = (np.arange(xt.shape[0]) * xt.shape[1])[:, None]  # flat offset of each row of the transpose
    at = np.argsort(neg, axis=1)
    at += rows  # flat positions, value order
    srt = neg.take(at)
    first = _run_starts(_changes(srt))  # in value order: where each value's run of ties starts
    missing = srt == np.inf  # the missing values, last in value order
    out = []
    for codes in pools:
        ranks = np.empty(xt.shape)
        if codes is None:
            ranks.put(at, first + 1.0)
            ranks[~ok] = np.nan
        else:
            codes = np.asarray(codes, dtype=np.int64)
            n_pools = int(codes.max(initial=-1)) + 1
            small = np.int16 if n_pools < np.iinfo(np.int16).max else np.int64  # a small type sorts by radix
            code = np.where(codes < 0, n_pools, codes).astype(small).take(at - rows)  # pool of each value
            code[missing] = n_pools  # no pool: last
            by_pool = np.argsort(code, axis=1, kind="stable")  # each pool's members, in value order
            by_pool += rows
            pool, tie = code.take(by_pool), first.take(by_pool)
            new_pool = _changes(pool)
            rank_in_pool = _run_starts(new_pool | _changes(tie)) - _run_starts(new_pool) + 1.0
            rank_in_pool[pool == n_pools] = np.nan
            ranks.put(at.take(by_pool), rank_in_pool)
        out.append(np.ascontiguousarray(ranks.T))
    return out


COLUMNWISE_FROM = 20_000  # rows from which each column is ranked on its own (see rank_matrices)


def _starts(new: np.ndarray) -> np.ndarray:
    """For each position of a 1-D sequence, the position where its run (``new`` marks run starts) begins."""
    starts = np.flatnonzero(new)  # new[0] is always set: every position has a run
    return np.repeat(starts, np.diff(starts, append=len(new)))


def _first_of_run(a: np.ndarray) -> np.ndarray:
    """True where a value of a 1-D sequence differs from the one before it (and at the start)."""
    new = np.ones(len(a), dtype=bool)
    np.not_equal(a[1:], a[:-1], out=new[1:])
    return new


def _rank_columns(x: np.ndarray, pools: Sequence[np.ndarray | None]) -> list[np.ndarray]:
    """:func:`rank_matrices` one column at a time: each column's finite values sorted once for every pooling.

    The tables come out laid out column by column (as a DataFrame keeps them); a missing value, or one
    in no pool, has no rank.
    """
    n, m = x.shape
    out = [np.full((n, m), np.nan, order="F") for _ in pools]
    small: list[tuple[np.ndarray, int] | None] = []
    for codes in pools:  # each pooling's codes once, in a small type (a small type sorts by radix)
        if codes is None:
            small.append(None)
            continue
        codes = np.asarray(codes, dtype=np.int64)
        n_pools = int(codes.max(initial=-1)) + 1
        kind = np.int16 if n_pools < np.iinfo(np.int16).max else np.int64
        small.append((np.where(codes < 0, n_pools, codes).astype(kind), n_pools))
    for j in range(m):
        v = x[:, j]
        at = np.flatnonzero(np.isfinite(v))  # the missing have no rank: left out of the sort
        neg = -v[at]
        order = np.argsort(neg)  # best first; the order among equal values does not matter
        at, neg = at[order], neg[order]
        first = _starts(_first_of_run(neg))  # in value order: where each value's run of ties starts
        for pooled, ranks in zip(small, out, strict=True):
            column = ranks[:, j]  # contiguous: the tables are laid out column by column
            if pooled is None:
                column[at] = first + 1.0
                continue
            codes, n_pools = pooled
            code = codes[at]  # pool of each value, in value order
            by_pool = np.argsort(code, kind="stable")  # each pool's members, in value order
            pool, tie = code[by_pool], first[by_pool]
            new_pool = _first_of_run(pool)
            rank_in_pool = _starts(new_pool | _first_of_run(tie)) - _starts(new_pool) + 1.0
            rank_in_pool[pool == n_pools] = np.nan
            column[at[by_pool]] = rank_in_pool
    return out


def rank_matrix(x: np.ndarray, codes: np.ndarray | None = None) -> np.ndarray:
    """Descending min-ranks of every column of ``x`` within the pools given by ``codes`` (see :func:`rank_matrices`)."""
    return rank_matrices(x, [codes])[0]


PoolBlocks = list[tuple["np.ndarray | slice", list["np.ndarray | None"]]]


def pool_blocks(index: pd.Index, groups: dict[str, pd.Series | None]) -> PoolBlocks:
    """The blocks of rows ranked together (each year of a panel, else every row) with each grouping's integer
    codes for the block's rows (None: the whole block; negative: in no group), for :func:`rank_tables`.

    Tables of the same rows are ranked with the same blocks, so several tables can share them.
    """
    if "year" in index.names:
        years = np.asarray(index.get_level_values("year"))
        rows: list[np.ndarray | slice] = [np.flatnonzero(years == y) for y in pd.unique(years)]
    else:
        rows = [slice(None)]  # one block: no copy of the scores
    labels = [None if g is None else g.reindex(index).to_numpy(dtype=object) for g in groups.values()]
    return [(r, [None if g is None else np.asarray(pd.factorize(g[r])[0], dtype=np.int64) for g in labels])
            for r in rows]


def rank_tables(scores: pd.DataFrame, groups: dict[str, pd.Series | None],
                blocks: PoolBlocks | None = None) -> dict[str, pd.DataFrame]:
    """Ranks of every column (1 = best, ties = min, missing kept missing), within each grouping and year.

    ``groups`` maps a name to a grouping (None: the whole cohort); one sort of the scores serves
    them all. A panel is ranked one year at a time, so each sort covers one year's units.
    ``blocks``: :func:`pool_blocks` of ``scores.index`` and ``groups``, when already made.
    """
    blocks = pool_blocks(scores.index, groups) if blocks is None else blocks
    x = scores.to_numpy(dtype="float64")
    if len(blocks) == 1 and isinstance(blocks[0][0], slice):
        out = rank_matrices(x, blocks[0][1])
    else:
        out = [np.full(scores.shape, np.nan, order="F") for _ in groups]
        for rows, pools in blocks:
            for whole, ranks in zip(out, rank_matrices(x[rows], pools), strict=True):
                whole[rows] = ranks
    # laid out column by column, as a DataFrame keeps them: taken as they are (a copy would change nothing)
    return {name: pd.DataFrame(r, index=scores.index, columns=scores.columns, copy=not r.flags.f_contiguous)
            for name, r in zip(groups, out, strict=True)}


def rank_table(scores: pd.DataFrame, group: pd.Series | None = None) -> pd.DataFrame:
    """Ranks of every column (1 = best, ties = min, missing kept missing), within groups and years."""
    return rank_tables(scores, {"ranks": group})["ranks"]


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
