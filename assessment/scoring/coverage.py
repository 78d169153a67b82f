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


def node_indicators(catalogue: Catalogue, lens_id: str) -> dict[str, list[str]]:
    """Node id → the scored indicators under it (directly or through child nodes), catalogue order."""
    lens = catalogue.lens(lens_id)
    scored = [i.id for i in catalogue.scored_indicators]
    placed = catalogue.membership(lens_id)
    direct: dict[str, list[str]] = {n.id: [] for n in lens.nodes}
    for item in scored:
        leaf = placed.get(item)
        if leaf in direct:
            direct[leaf].append(item)

    def under(node_id: str) -> list[str]:
        return direct[node_id] + [i for child in lens.children(node_id) for i in under(child.id)]

    order = {item: k for k, item in enumerate(scored)}
    return {n.id: sorted(under(n.id), key=order.__getitem__) for n in lens.nodes}


def coverage_table(reported: pd.DataFrame, catalogue: Catalogue, lens_id: str) -> pd.DataFrame:
    """Units × lens nodes (the lens's aggregate order, root last): share of the node's indicators reported.

    ``reported`` is a boolean units × indicators table; indicators it lacks count as not reported.
    """
    lens = catalogue.lens(lens_id)
    members = node_indicators(catalogue, lens_id)
    order = [n.id for n in lens.nodes if n.id != lens.root.id] + [lens.root.id]
    # one array, then per node the count of reported indicators (flags as booleans: counted; else summed,
    # the same whole numbers)
    flags = reported.to_numpy()
    counted = flags.dtype == np.bool_
    if not counted:
        flags = reported.to_numpy(dtype="float64")
    at = {c: j for j, c in enumerate(reported.columns.tolist())}
    out = np.full((len(reported), len(order)), np.nan)
    for k, node in enumerate(order):
        ids = members[node]
        if ids:
            cols = [at[i] for i in ids if i in at]
            part = flags[:, cols]
            out[:, k] = (np.count_nonzero(part, axis=1) if counted else part.sum(axis=1)) / len(ids)
    return pd.DataFrame(out, index=reported.index, columns=order)


def rankable(coverage: pd.DataFrame, root: str, minimum: float) -> pd.Series:
    """True where the unit's root coverage reaches ``minimum`` (with a tolerance for float shares)."""
    return coverage[root] >= minimum - 1e-12


def columns_reported(values: pd.DataFrame, ids: Iterable[str]) -> pd.DataFrame:
    """Boolean table: which of ``ids`` each unit reported (present and not missing)."""
    present = [i for i in ids if i in values.columns]
    return (values if present == values.columns.tolist() else values[present]).notna()
