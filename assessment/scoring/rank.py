"""Stages 8 and 9: ranks within the cohort and peer groups, and comparisons.

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

import numpy as np
import pandas as pd

from ..i18n import N_

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


def _keys(frame: pd.DataFrame, group: pd.Series | None) -> list[pd.Series]:
    keys = []
    if "year" in frame.index.names:
        keys.append(pd.Series(frame.index.get_level_values("year"), index=frame.index))
    if group is not None:
        keys.append(group.reindex(frame.index))
    return keys


def rank_table(scores: pd.DataFrame, group: pd.Series | None = None) -> pd.DataFrame:
    """Ranks of every column (1 = best, ties = min, missing kept missing), within groups and years."""
    keys = _keys(scores, group)
    if not keys:
        return scores.rank(method="min", ascending=False, na_option="keep")
    ranked = scores.groupby(keys, dropna=False, sort=False).rank(method="min", ascending=False, na_option="keep")
    if group is not None:
        ranked[group.reindex(scores.index).isna().to_numpy()] = np.nan  # no group, no peer rank
    return ranked


def peer_median(scores: pd.DataFrame, group: pd.Series | None) -> pd.DataFrame:
    """Median of each column over the unit's peers (the year's cohort where no group is known)."""
    cohort_keys = _keys(scores, None)
    cohort = scores.groupby(cohort_keys).transform("median") if cohort_keys else scores.apply(
        lambda c: pd.Series(c.median(), index=c.index))
    if group is None:
        return cohort
    peers = scores.groupby(_keys(scores, group), dropna=True, sort=False).transform("median")
    return peers.reindex(scores.index).fillna(cohort)


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
    for kind, sign in (("strength", -1.0), ("weakness", 1.0)):
        key = np.where(np.isfinite(gap) & (sign * gap < 0), sign * gap, np.inf)
        order = np.argsort(key, axis=1, kind="stable")[:, :top]
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
        return pd.DataFrame(index=scores.index[:0], columns=scores.columns, dtype="float64")
    ordered = scores.sort_index(level=["unit", "year"])
    return ordered.groupby(level="unit", sort=False).diff().reindex(scores.index)
