"""Weight and aggregate through every level of a lens.

Each level is one matrix product: with ``V`` the children's values (NaN set to 0), ``M`` the
mask of available values and ``W`` the children × parents weight matrix, the weighted sum
is ``V @ W`` and the weight of the available children is ``M @ W``. So weights are
**renormalised over the available children** of each unit, as COINr's ``a_amean`` etc.

The means (arithmetic, geometric, harmonic, generalised; weights ``w`` over the available
children), each with its domain, are the classes of :mod:`assessment.scoring.means`.

An aggregate is missing when no child is available, when the available children weigh 0,
or when the share of available children is below ``min_coverage`` (COINr's ``dat_thresh``:
``available / children < threshold`` gives NA).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..catalogue import Catalogue, Lens
from ..errors import InputError, Problem
from ..i18n import N_
from .accept import check_frame, method_section, weight_problems
from .means import MEANS, AggregateName, Mean
from .method import Aggregate


def _check_domain(v: np.ndarray, mask: np.ndarray, mean: Mean, power: float, where: str) -> None:
    if type(mean).domain_problem is Mean.domain_problem:  # no domain: no masked copy of the values to look at
        return
    message = mean.domain_problem(v[mask], power)
    if message:
        raise InputError([Problem("<method>", item=where, field="aggregate.method", code="domain", message=message,
                                  fix=N_("normalise onto a strictly positive range such as [1, 100], "
                                         "or use the arithmetic mean"))])


COUNT_FROM = 1000  # rows from which counting beats the matrix products (the same sums either way)


def whole_weights(w: np.ndarray) -> bool:
    """True when every weight is a whole number, none negative, and every parent's weights sum below 2**53.

    Then any sum of available weights (and any count of available children) is exact, whatever
    the order of the additions: a matrix product and a count give the same bits.
    """
    return bool(((w >= 0) & (np.floor(w) == w)).all() and (w.sum(axis=0) < 2.0**53).all())


#: Mask cells counted at a time by :func:`counted_sums` (0.5 MB): the block stays in cache, and each parent's
#: product is small enough for OpenBLAS to run it on one thread (no threads woken per block: a fifth less CPU).
COUNT_CELLS = 1 << 19


def counted_sums(mask: np.ndarray, w: np.ndarray, member: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``mask @ w`` and ``mask @ member`` (as floats), exact, for :func:`whole_weights` weights.

    Per parent, its children's flags (0 or 1) times its weights and times 1: every product and every
    partial sum is a whole number below 2**53, so each sum is exact whatever the order of the additions
    (or fused multiply-adds) of the product that computes it. Done a block of rows at a time (each
    parent's children gathered from a block in cache, not from the whole mask once per parent); a
    row's sums do not depend on the blocks.
    """
    n, p = mask.shape[0], w.shape[1]
    wsum, counts = np.zeros((n, p)), np.zeros((n, p))
    parents = []  # (parent, its children, children × (weight, 1))
    for j in range(p):
        cols = np.flatnonzero(member[:, j])
        if cols.size:
            parents.append((j, cols, np.column_stack([w[cols, j], np.ones(cols.size)])))
    step = max(1, COUNT_CELLS // max(mask.shape[1], 1))
    for start in range(0, n, step):
        rows = slice(start, start + step)
        for j, cols, table in parents:
            both = mask[rows, cols].astype("float64") @ table
            wsum[rows, j], counts[rows, j] = both[:, 0], both[:, 1]
    return wsum, counts


LAYOUT_CELLS = 1 << 19  # cells laid out at a time by :func:`laid_out` (4 MB: the block stays in cache)


def laid_out(columns: Sequence[np.ndarray], table: np.ndarray | None = None,
             at: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The children's columns as :func:`combine` takes them prepared: one row-major ``n × c`` table with 0
    wherever a value is missing (not finite), and the mask of the available values.

    Bit for bit ``np.where(mask, np.column_stack(columns), 0.0)`` and ``mask``, made a block of rows at a
    time (each block stays in cache while it is copied, tested and cleared) into one table: no stacked
    copy with its NaNs beside the cleared one, no table-sized temporaries. Row-major, as the stacked
    copy was, so every matrix product gets the same operands in the same layout (which decides its bits).
    When the columns are ``table[:, at]`` (the normalised indicators), each block is copied from ``table``
    in one step (a quarter faster than column by column for a million units).
    """
    n, c = len(columns[0]), len(columns)
    v, mask = np.empty((n, c)), np.empty((n, c), dtype=bool)
    step = max(1, LAYOUT_CELLS // max(c, 1))
    span = None  # ``at`` as a slice when it is consecutive columns
    if table is not None and at is not None and len(at) and np.array_equal(at, np.arange(at[0], at[0] + len(at))):
        span = slice(int(at[0]), int(at[0]) + len(at))
    for start in range(0, n, step):
        block, available = v[start:start + step], mask[start:start + step]
        if table is not None and at is not None:
            rows = table[start:start + step]
            if span is not None:
                np.copyto(block, rows[:, span])
            else:
                np.take(rows, at, axis=1, out=block, mode="clip")  # every position is valid: no clipping
        else:
            for k, column in enumerate(columns):
                block[:, k] = column[start:start + step]
        np.isfinite(block, out=available)
        np.copyto(block, 0.0, where=~available)
    return v, mask


def combine(values: np.ndarray, weights: np.ndarray, method: AggregateName = "arithmetic", power: float = 2.0,
            min_coverage: float = 0.0, where: str = "", *, mask: np.ndarray | None = None) -> np.ndarray:
    """Aggregate children into parents in one step.

    Parameters
    ----------
    values
        ``n × c`` children values (NaN = missing).
    weights
        ``c × p`` weights; a child belongs to a parent where its weight column is non-NaN
        (a weight of 0 still counts as a child for coverage).
    method, power, min_coverage
        See the module docstring.
    mask
        The available values, when ``values`` is already prepared (0 wherever ``mask`` is False, as
        :func:`laid_out` gives; then ``values`` is not copied). Without it: ``np.isfinite(values)``.

    Returns
    -------
    numpy.ndarray
        ``n × p`` parent values.
    """
    member = ~np.isnan(weights)
    w = np.where(member, weights, 0.0)
    if mask is None:
        mask = np.isfinite(values)
        values = np.where(mask, values, 0.0)
    mean = MEANS[method]()
    _check_domain(values, mask, mean, power, where)
    if len(values) >= COUNT_FROM and whole_weights(w):  # the same sums, counted: exact in any order
        wsum, reported = counted_sums(mask, w, member)
    else:
        m = mask.astype("float64")
        wsum, reported = m @ w, m @ member.astype("float64")
    with np.errstate(all="ignore"):
        out = mean.cleared(values, mask, w, wsum, power)
        n_children = member.sum(axis=0)
        cov = reported / n_children
    out[(wsum <= 0) | ~np.isfinite(out) | (cov < min_coverage)] = np.nan
    return out


def aggregate_frame(frame: pd.DataFrame, weights: Sequence[float] | Mapping[Hashable, float] | None = None,
                    method: AggregateName = "arithmetic", power: float = 2.0,
                    min_coverage: float = 0.0) -> pd.Series:
    """Aggregate the columns of one table into one score per row (for researchers).

    ``weights``: one per column, or ``{column: weight}`` (columns not named weigh 1); default 1
    each. See the module docstring for methods and conventions.

    Raises
    ------
    InputError
        Listing every problem: values that are not finite numbers within range, weights that
        are negative, not finite, all 0, not one per column, or named for a column the table lacks,
        and a method, power or coverage the method model refuses (:mod:`assessment.scoring.accept`).
    """
    problems, w = weight_problems(np.ones(frame.shape[1]) if weights is None else weights, frame.columns.tolist())
    given = {"method": method, "min_coverage": min_coverage} | ({"power": power} if method == "generalised" else {})
    method_section("aggregate", given, problems)  # power: of the generalised mean only (the others ignore it)
    x = check_frame(frame, problems=problems).to_numpy(dtype="float64")
    y = combine(x, w.reshape(-1, 1), method, power, min_coverage)
    return pd.Series(y[:, 0], index=frame.index, name=method)


def lens_children(catalogue: Catalogue, lens: Lens, columns: Sequence[str]) -> dict[str, list[str]]:
    """Node id → its children ids: child nodes, then member indicators present in ``columns``."""
    present = set(columns)
    kids: dict[str, list[str]] = {n.id: [] for n in lens.nodes}
    for n in lens.nodes:
        if n.parent is not None:
            kids[n.parent].append(n.id)
    for item, leaf in catalogue.membership(lens.id).items():
        if item in present and leaf in kids:
            kids[leaf].append(item)
    return kids


StepKey = tuple[AggregateName, float, float]


def level_groups(lens: Lens, spec: Aggregate) -> list[dict[StepKey, list[str]]]:
    """The order of aggregation: one entry per depth, deepest first, its nodes grouped by
    (method, power, min_coverage) so that each group is one :func:`combine` call."""
    by_depth: dict[int, list[str]] = {}
    for n in sorted(lens.nodes, key=lambda n: -lens.depth(n.id)):
        by_depth.setdefault(lens.depth(n.id), []).append(n.id)
    out = []
    for depth in sorted(by_depth, reverse=True):
        groups: dict[StepKey, list[str]] = {}
        for node in by_depth[depth]:
            ns = spec.nodes.get(node)
            key = ((ns and ns.method) or spec.method,
                   ns.power if ns and ns.power is not None else spec.power if spec.power is not None else 2.0,
                   ns.min_coverage if ns and ns.min_coverage is not None else spec.min_coverage)
            groups.setdefault(key, []).append(node)
        out.append(groups)
    return out


def aggregate_lens(normalised: pd.DataFrame, catalogue: Catalogue, lens_id: str, spec: Aggregate,
                   coverage: pd.DataFrame | None = None,
                   stacked: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] | None = None) -> pd.DataFrame:
    """Aggregate normalised indicators through every level of one lens.

    With ``coverage`` (units × nodes, share of the node's indicators reported), a node whose
    coverage is below its ``min_reported`` is missing, and so feeds nothing to its parent.
    ``stacked`` keeps the indicator tables laid out for one lens (children ids → units × children, as
    :func:`laid_out` gives them: values and mask) for the next lens of the same ``normalised`` table:
    several lenses over the same indicators lay them out once.

    Returns
    -------
    pandas.DataFrame
        Units × lens nodes (in the lens's order), the root last being the overall score.
    """
    lens = catalogue.lens(lens_id)
    kids = lens_children(catalogue, lens, normalised.columns.tolist())
    weight_of = {i.id: i.weight for i in catalogue.indicators} | {n.id: n.weight for n in lens.nodes}
    weight_of |= spec.weights
    x = normalised.to_numpy(dtype="float64")
    column_of = {c: j for j, c in enumerate(normalised.columns.tolist())}  # indicator → its column of ``x``
    table: dict[str, np.ndarray] = {c: x[:, j] for c, j in column_of.items()}
    n_units = len(normalised)
    lens_nodes = {n.id for n in lens.nodes}  # children that are none of these are indicators: shareable
    for groups in level_groups(lens, spec):
        for (method, power, cov), nodes in groups.items():
            children = sorted({c for node in nodes for c in kids[node]})
            if not children:
                for node in nodes:
                    table[node] = np.full(n_units, np.nan)
                continue
            pos = {c: i for i, c in enumerate(children)}
            w = np.full((len(children), len(nodes)), np.nan)
            for j, node in enumerate(nodes):
                for c in kids[node]:
                    w[pos[c], j] = weight_of.get(c, 1.0)
            key = tuple(children)
            shared = stacked if stacked is not None and not lens_nodes.intersection(children) else {}
            prepared = shared.get(key)
            if prepared is None:
                # the children's columns of ``x`` (-1: a node's values, computed at the level below)
                at = np.array([-1 if c in lens_nodes else column_of.get(c, -1) for c in children], dtype=np.intp)
                prepared = shared[key] = laid_out([table[c] for c in children], *((x, at) if (at >= 0).all() else ()))
            v, mask = prepared
            res = combine(v, w, method, power, cov, where=f"{lens_id}: {', '.join(nodes)}", mask=mask)
            for j, node in enumerate(nodes):
                table[node] = res[:, j]
                ns = spec.nodes.get(node)
                least = ns.min_reported if ns and ns.min_reported is not None else spec.min_reported
                if coverage is not None and least > 0 and node in coverage.columns:
                    table[node][coverage[node].to_numpy() < least - 1e-12] = np.nan
    node_ids = [n.id for n in lens.nodes if n.id != lens.root.id] + [lens.root.id]
    out = np.empty((n_units, len(node_ids)), order="F")  # as the DataFrame keeps it: taken without a copy
    for k, node in enumerate(node_ids):
        out[:, k] = table[node]
    return pd.DataFrame(out, index=normalised.index, columns=pd.Index(node_ids), copy=False)
