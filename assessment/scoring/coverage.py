"""Data coverage of every aggregate: the share of its indicators a unit *reported*.

Coverage counts values the unit supplied (after denomination; an imputed value is not
reported) over **every scored catalogue indicator the lens places under the node**, whether
or not the data had a column for it. So a workbook or a table with 7 of 98 indicators has
coverage 7/98 at the root, however good those 7 values are.

Two rules use it (see ``docs/scoring.md``):

* an aggregate whose coverage is below its ``min_reported`` (method ``aggregate``, per node
  in ``aggregate.nodes``) shows no score;
* a unit is ranked (cohort and peer groups) only when the coverage of the lens root is at
  least ``rank.min_coverage`` (default 0.8, as the Sustainable Development Report ranks only
  countries with data for at least 80 % of the indicators).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._missing import needed
from ..catalogue import Catalogue

__all__ = ["columns_reported", "coverage_table", "needed", "node_indicators", "rankable"]


def _direct(catalogue: Catalogue, lens_id: str) -> dict[str, list[str]]:
    """Node id → the scored indicators the lens places directly under it (not through child nodes), catalogue order."""
    lens = catalogue.lens(lens_id)
    placed = catalogue.membership(lens_id)
    direct: dict[str, list[str]] = {n.id: [] for n in lens.nodes}
    for item in (i.id for i in catalogue.scored_indicators):
        leaf = placed.get(item)
        if leaf in direct:
            direct[leaf].append(item)
    return direct


def node_indicators(catalogue: Catalogue, lens_id: str) -> dict[str, list[str]]:
    """Node id → the scored indicators under it (directly or through child nodes), catalogue order."""
    lens = catalogue.lens(lens_id)
    direct = _direct(catalogue, lens_id)

    def under(node_id: str) -> list[str]:
        return direct[node_id] + [i for child in lens.children(node_id) for i in under(child.id)]

    order = {i.id: k for k, i in enumerate(catalogue.scored_indicators)}
    return {n.id: sorted(under(n.id), key=order.__getitem__) for n in lens.nodes}


def coverage_table(reported: pd.DataFrame, catalogue: Catalogue, lens_id: str) -> pd.DataFrame:
    """Units × lens nodes (the lens's aggregate order, root last): share of the node's indicators reported.

    ``reported`` is a boolean units × indicators table; indicators it lacks count as not reported.
    """
    lens = catalogue.lens(lens_id)
    members = node_indicators(catalogue, lens_id)
    order = [n.id for n in lens.nodes if n.id != lens.root.id] + [lens.root.id]
    flags = reported.to_numpy()
    at = {c: j for j, c in enumerate(reported.columns.tolist())}
    out = np.full((len(reported), len(order)), np.nan, order="F")  # as the DataFrame lays it out: no copy
    if flags.dtype == np.bool_ and reported.columns.is_unique:
        # counted: each node's count is its own indicators' flags plus its child nodes' counts (an indicator sits
        # under one node), the same whole numbers as counting the node's indicators at once
        direct = _direct(catalogue, lens_id)
        counts: dict[str, np.ndarray] = {}
        kind = np.int16 if flags.shape[1] < np.iinfo(np.int16).max else np.int64  # a small type adds quicker

        def count(node_id: str) -> np.ndarray:
            total: np.ndarray = np.zeros(len(reported), dtype=kind)
            for i in direct[node_id]:
                if i in at:
                    total += flags[:, at[i]]
            for child in lens.children(node_id):
                total += count(child.id)
            counts[node_id] = total
            return total

        count(lens.root.id)
        for k, node in enumerate(order):
            if members[node]:
                out[:, k] = counts[node].astype("float64") / len(members[node])
    else:  # flags as numbers: summed, the same whole numbers
        flags = reported.to_numpy(dtype="float64")
        for k, node in enumerate(order):
            ids = members[node]
            if ids:
                out[:, k] = flags[:, [at[i] for i in ids if i in at]].sum(axis=1) / len(ids)
    return pd.DataFrame(out, index=reported.index, columns=order, copy=False)


def rankable(coverage: pd.DataFrame, root: str, minimum: float) -> pd.Series:
    """True where the unit's root coverage reaches ``minimum`` (with a tolerance for float shares)."""
    return coverage[root] >= minimum - 1e-12


def columns_reported(values: pd.DataFrame, ids: Iterable[str]) -> pd.DataFrame:
    """Boolean table: which of ``ids`` each unit reported (present and not missing)."""
    present = [i for i in ids if i in values.columns]
    if not (values.columns.is_unique and (values.dtypes == np.float64).all()):
        return (values if present == values.columns.tolist() else values[present]).notna()
    # column by column from the table's own memory (no copy of the values), laid out as the DataFrame keeps it
    x = values.to_numpy()
    at = {c: j for j, c in enumerate(values.columns.tolist())}
    flags = np.empty((len(values), len(present)), dtype=bool, order="F")
    for k, item in enumerate(present):
        np.isnan(x[:, at[item]], out=flags[:, k])
    np.logical_not(flags, out=flags)
    return pd.DataFrame(flags, index=values.index, columns=pd.Index(present, dtype=values.columns.dtype),
                        copy=False)
