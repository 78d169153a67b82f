"""Aggregate many weight variants of one normalised table at once, with the scoring stage's own ``combine``.

A :class:`LensPlan` is :func:`assessment.scoring.aggregate_lens` laid out once: the same
levels, the same grouping of nodes by (method, power, coverage) and the same sorted children,
so every call below hands ``combine`` exactly the matrices a plain run would, with the
weights of ``R`` replicates:

* children all shared by the replicates (indicators): per parent, one ``combine`` call with
  the ``R`` weight vectors side by side (``c_j × R``) — one matrix product for every replicate
  (the same sums as the plain run's, without its products with zero weights);
* children that differ by replicate (lower aggregates) but weights that do not: the ``R``
  tables stacked row-wise (``(R n) × c``), one call;
* both differing: one small call per replicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..scoring.aggregate import combine, lens_children, level_groups
from ..scoring.means import AggregateName
from ..scoring.method import Aggregate


@dataclass(frozen=True)
class Step:
    """One ``combine`` call of ``aggregate_lens``: nodes of one depth sharing a method."""

    nodes: tuple[str, ...]
    children: tuple[str, ...]
    method: AggregateName
    power: float
    coverage: float
    least: tuple[float, ...]  # per node: the share of its indicators a unit must report (min_reported)
    rows: np.ndarray
    cols: np.ndarray
    weight_pos: np.ndarray
    where: str


@dataclass(frozen=True)
class LensPlan:
    """The steps of one lens, the ids carrying weights, their base weights, and the output node order."""

    lens: str
    ids: tuple[str, ...]
    base: np.ndarray
    steps: tuple[Step, ...]
    nodes: tuple[str, ...]


def node_order(catalogue: Catalogue, lens_id: str) -> list[str]:
    """The node columns of ``aggregate_lens``'s table: every node in lens order, the root last."""
    lens = catalogue.lens(lens_id)
    return [n.id for n in lens.nodes if n.id != lens.root.id] + [lens.root.id]


def lens_plan(catalogue: Catalogue, lens_id: str, columns: Sequence[str], spec: Aggregate) -> LensPlan:
    """Lay out ``aggregate_lens(normalised, catalogue, lens_id, spec)`` for ``normalised`` with ``columns``."""
    lens = catalogue.lens(lens_id)
    kids = lens_children(catalogue, lens, list(columns))
    weight_of = {i.id: i.weight for i in catalogue.indicators} | {n.id: n.weight for n in lens.nodes}
    weight_of |= spec.weights
    ids = sorted({c for cs in kids.values() for c in cs})
    index = {c: k for k, c in enumerate(ids)}
    steps = []
    for groups in level_groups(lens, spec):  # the scoring stage's own order and grouping
        for (method, power, cov), nodes in groups.items():
            children = sorted({c for node in nodes for c in kids[node]})
            pos = {c: i for i, c in enumerate(children)}
            cells = [(pos[c], j, index[c]) for j, node in enumerate(nodes) for c in kids[node]]
            r, c, w = (np.array([t[k] for t in cells], dtype=np.intp) for k in range(3))
            least = tuple(_least(spec, node) for node in nodes)
            steps.append(Step(tuple(nodes), tuple(children), method, power, cov, least, r, c, w,
                              f"{lens_id}: {', '.join(nodes)}"))
    order = tuple(node_order(catalogue, lens_id))
    base = np.array([weight_of.get(c, 1.0) for c in ids], dtype="float64")
    return LensPlan(lens_id, tuple(ids), base, tuple(steps), order)


def _least(spec: Aggregate, node: str) -> float:
    ns = spec.nodes.get(node)
    return ns.min_reported if ns and ns.min_reported is not None else spec.min_reported


def _weights(step: Step, weights: np.ndarray) -> np.ndarray:
    """``R × c × p`` weight matrices (NaN where a child is not a parent's)."""
    w = np.full((weights.shape[0], len(step.children), len(step.nodes)), np.nan)
    w[:, step.rows, step.cols] = weights[:, step.weight_pos]
    return w


def _run_step(step: Step, table: dict[str, np.ndarray], weights: np.ndarray, n: int) -> np.ndarray:
    """``R × n × p`` parent values of one step."""
    reps, p = weights.shape[0], len(step.nodes)
    if not step.children:
        return np.full((reps, n, p), np.nan)
    w = _weights(step, weights)
    values = [table[c] for c in step.children]
    if all(v.ndim == 1 for v in values):
        v = np.column_stack(values)
        out = np.empty((reps, n, p))
        for j in range(p):  # one parent at a time: its own children only (no products with zero weights)
            kids = np.flatnonzero(step.cols == j)
            rows = step.rows[kids]
            res = combine(v[:, rows], w[:, rows, j].T, step.method, step.power, step.coverage, where=step.where)
            out[:, :, j] = res.T
        return out
    stacked = np.stack([np.broadcast_to(v, (reps, n)) for v in values], axis=2)
    if np.array_equal(w, np.broadcast_to(w[0], w.shape), equal_nan=True):
        res = combine(stacked.reshape(reps * n, -1), w[0], step.method, step.power, step.coverage,
                      where=step.where)
        return res.reshape(reps, n, p)
    return np.stack([combine(stacked[r], w[r], step.method, step.power, step.coverage, where=step.where)
                     for r in range(reps)])


def aggregate_batch(plan: LensPlan, normalised: np.ndarray, columns: Sequence[str],
                    weights: np.ndarray, coverage: pd.DataFrame | None = None) -> dict[str, np.ndarray]:
    """Every node of the lens for ``R`` weight vectors (``weights``: ``R × len(plan.ids)``).

    With ``coverage`` (units × nodes, share of each node's indicators reported), a node below its
    ``min_reported`` is missing and feeds nothing to its parent, as in ``aggregate_lens``.

    Returns
    -------
    dict
        Node id → ``R × n`` scores, in ``plan.nodes`` order (the root last).
    """
    n = normalised.shape[0]
    table: dict[str, np.ndarray] = {c: normalised[:, j] for j, c in enumerate(columns)}
    for step in plan.steps:
        res = _run_step(step, table, weights, n)
        for j, node in enumerate(step.nodes):
            if coverage is not None and step.least[j] > 0 and node in coverage.columns:
                res[:, coverage[node].to_numpy() < step.least[j] - 1e-12, j] = np.nan
            table[node] = res[:, :, j]
    return {node: np.broadcast_to(table[node], (weights.shape[0], n)) for node in plan.nodes}
