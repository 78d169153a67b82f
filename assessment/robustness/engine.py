"""Run design rows: replicate ``u`` → its method and data → scores and ranks, exactly as :func:`assess` would.

A replicate is decoded into a *group key* (the chosen alternative of every discrete
assumption and the data draw) and a weight vector. Every replicate of a group shares one
method up to its weights, so the upstream stages (denominate → normalise) run once per group
and are kept in a small per-process cache; the group's replicates are then aggregated
together (:mod:`.batch`) and ranked with the scoring stage's ``rank_matrix``: one sort of the
scores over the units for every replicate at once (with peer groups, plus one sort of the group
codes), serving the cohort and every group.

Blocks of rows are independent: :func:`~assessment.robustness.executors.run_rows` runs them here
or hands them to workers (a process pool, a Dask cluster), and results never depend on the number
of workers. Only each replicate's aggregate scores, ranks and levels are kept — never its
indicator table.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AssessmentError, InputError, Problem, params
from ..i18n import N_
from ..scoring import coverage as cov
from ..scoring import levels as lev
from ..scoring import prepare
from ..scoring.impute import impute
from ..scoring.inputs import Inputs
from ..scoring.method import Method, method_from_dict
from ..scoring.normalise import normalise
from ..scoring.pools import pool_codes
from ..scoring.rank import rank_matrix
from ..scoring.treat import treat
from .batch import LensPlan, aggregate_batch, lens_plan, node_order
from .design import DATA_STREAM, Factor, pick
from .paths import apply_alternative
from .spec import SOURCE, RobustnessSpec

UPSTREAM = ("denominate", "screen", "impute", "treat", "normalise")
CACHE_SIZE = 32
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Setup:
    """Everything a block of replicates needs; picklable, so it travels to worker processes."""

    inputs: Inputs
    nominal: Method
    spec: RobustnessSpec
    factors: tuple[Factor, ...]
    lenses: tuple[str, ...]
    weight_ids: tuple[str, ...]
    weight_groups: tuple[tuple[int, ...], ...]
    factor_weights: tuple[tuple[int, ...], ...]
    bands: np.ndarray | None
    token: str


@dataclass
class BlockOut:
    """One block's results per lens: root scores, ranks and levels (``R × units``); node scores and
    ranks (``R × units × nodes``, when asked for)."""

    scores: dict[str, np.ndarray]
    ranks: dict[str, np.ndarray]
    levels: dict[str, np.ndarray]
    nodes: dict[str, np.ndarray | None]
    node_ranks: dict[str, np.ndarray | None]


_cache: OrderedDict[Any, Any] = OrderedDict()


def _cached(key: Any, make: Callable[[], Any]) -> Any:
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    value = make()
    _cache[key] = value
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return value


def decode(setup: Setup, rows: np.ndarray) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """Group keys (discrete choices then data draw, -1 for none) and weight multipliers (``R × K``)."""
    picks = []
    mult = np.ones((rows.shape[0], len(setup.weight_ids)))
    data = np.full(rows.shape[0], -1, dtype=np.int64)
    for f, positions in zip(setup.factors, setup.factor_weights, strict=True):
        if f.kind == "discrete":
            picks.append(pick(rows[:, f.start], f.levels))
        elif f.kind == "data":
            data = pick(rows[:, f.start], f.levels)
        else:
            mult[:, list(positions)] *= 1.0 + f.share * (2.0 * rows[:, f.start:f.stop] - 1.0)
    keys = [(*(int(p[r]) for p in picks), int(data[r])) for r in range(rows.shape[0])]
    return keys, mult


def group_method(setup: Setup, key: tuple[int, ...]) -> Method:
    """The nominal method with the key's discrete alternatives applied (spec order), weights unperturbed."""
    raw = setup.nominal.model_dump(mode="json")
    for a, k in zip(setup.spec.discrete, key[:-1], strict=True):
        raw = apply_alternative(raw, a.path, a.values[k])
    return method_from_dict(raw, SOURCE)


def base_weights(setup: Setup, method: Method) -> np.ndarray:
    """Weights of the perturbed ids before perturbation (catalogue, then the method's overrides)."""
    cat = setup.inputs.catalogue
    of = {i.id: i.weight for i in cat.indicators}
    for lens in reversed(setup.lenses):
        of |= {n.id: n.weight for n in cat.lens(lens).nodes}
    of |= method.aggregate.weights
    return np.array([of.get(i, 1.0) for i in setup.weight_ids], dtype="float64")


def perturbed_weights(setup: Setup, base: np.ndarray, mult: np.ndarray) -> np.ndarray:
    """``base × mult`` rescaled so the children of each parent keep their nominal total weight."""
    w = base[None, :] * mult
    for group in setup.weight_groups:
        g = list(group)
        total = w[:, g].sum(axis=1, keepdims=True)
        w[:, g] *= np.where(total > 0, base[g].sum() / np.where(total > 0, total, 1.0), 1.0)
    return w


def replicate_method(setup: Setup, row: np.ndarray) -> Method:
    """The complete method of one replicate (its weights written into ``aggregate.weights``)."""
    (key,), mult = decode(setup, row[None, :])
    method = group_method(setup, key)
    if not setup.weight_ids:
        return method
    w = perturbed_weights(setup, base_weights(setup, method), mult)[0]
    weights = dict(method.aggregate.weights) | {i: float(x) for i, x in zip(setup.weight_ids, w, strict=True)}
    return method.model_copy(update={"aggregate": method.aggregate.model_copy(update={"weights": weights})})


def replicate_inputs(setup: Setup, draw: int) -> Inputs:
    """The inputs of data draw ``draw`` (the nominal inputs for -1): each value × (1 + band (2u − 1))."""
    if draw < 0 or setup.bands is None:
        return setup.inputs
    values = setup.inputs.values
    u = np.random.default_rng(np.random.SeedSequence(setup.spec.seed, spawn_key=(DATA_STREAM, draw)))
    mult = 1.0 + setup.bands * (2.0 * u.random(values.shape) - 1.0)
    return replace(setup.inputs, values=values * mult)


@dataclass(frozen=True)
class Upstream:
    """What the stages before aggregation leave for one method and data draw: the normalised table
    of the kept units and which indicators each of them reported (for the coverage rules)."""

    normalised: pd.DataFrame
    coverage: dict[str, pd.DataFrame]  # lens -> units x nodes: share of each node's indicators reported


def upstream(inputs: Inputs, method: Method, lenses: tuple[str, ...]) -> Upstream:
    """Stages denominate → normalise of :func:`assessment.scoring.pipeline.run_stages`, as it runs them."""
    cat, raw, profiles = inputs.catalogue, inputs.values, inputs.profiles
    dens = prepare.denominators_for(cat, raw.columns, method.denominate) if method.denominate.enabled else {}
    denominated = prepare.denominate(raw, profiles, dens)
    screened = denominated
    if method.screen.after == "denominate":
        screened, _ = prepare.screen(screened, method.screen)
    imputed, _ = impute(screened, profiles.reindex(screened.index), method.impute)
    if method.screen.after == "impute":
        imputed, _ = prepare.screen(imputed, method.screen)
    scored = [i.id for i in cat.scored_indicators if i.id in imputed.columns]
    treated, _, _ = treat(imputed[scored], method.treat)
    reported = cov.columns_reported(denominated.reindex(imputed.index), scored)
    coverage = {lens: cov.coverage_table(reported, cat, lens) for lens in lenses}
    return Upstream(normalise(treated, cat, method.normalise), coverage)


def _upstream_key(setup: Setup, method: Method, draw: int) -> str:
    dump = method.model_dump(mode="json")
    return json.dumps([setup.token, draw, [dump[s] for s in UPSTREAM]], sort_keys=True)


def rank_rows(scores: np.ndarray, decimals: int | None, codes: np.ndarray | None) -> np.ndarray:
    """Ranks of every row of ``scores`` (``R × n``) as the rank stage would give them."""
    x = scores if decimals is None else np.round(scores, decimals)
    return rank_matrix(np.ascontiguousarray(x.T), codes).T


NodeScores = dict[str, dict[str, np.ndarray]]


#: ``{choice}`` of a replicate that varies no discrete alternative.
WEIGHTS_ONLY = N_("weights only")


def _failed(setup: Setup, key: tuple[int, ...], where: str, exc: AssessmentError) -> InputError:
    """The error of a replicate that cannot be scored, naming its alternatives (and data draw), then
    the scoring stage's own problems, each kept whole (translatable) and placed at the replicate."""
    choice = ", ".join(f"{a.name}={a.values[k]!r}" for a, k in zip(setup.spec.discrete, key, strict=False))
    values = {"choice": choice or WEIGHTS_ONLY}
    message = N_("a replicate ({choice}) cannot be scored")
    if key[-1] >= 0:
        message, values["draw"] = N_("a replicate ({choice}, data draw {draw}) cannot be scored"), str(key[-1])
    inner = [replace(p, source=SOURCE, item=p.item if p.item.startswith(where) else f"{where} {p.item}".strip())
             for p in getattr(exc, "problems", ())]
    return InputError([Problem(SOURCE, item=where, code="replicate-failed", message=message,
                               fix=N_("drop or change that alternative"), params=params(**values),
                               labels=() if choice else ("choice",)), *inner])


def _group_out(setup: Setup, key: tuple[int, ...],
               mult: np.ndarray) -> tuple[np.ndarray, NodeScores, dict[str, np.ndarray]]:
    """Unit positions, per-lens node scores (``R × n_kept``) of one group's replicates, and per lens
    which kept units may be ranked (the scoring stage's coverage rule)."""
    method: Method = _cached((setup.token, "method", key), partial(group_method, setup, key))
    try:
        up: Upstream = _cached(_upstream_key(setup, method, key[-1]),
                               lambda: upstream(replicate_inputs(setup, key[-1]), method, setup.lenses))
    except AssessmentError as exc:
        raise _failed(setup, key, "upstream", exc) from None
    norm = up.normalised
    cols = list(norm.columns)
    x = norm.to_numpy(dtype="float64")
    weights = perturbed_weights(setup, base_weights(setup, method), mult) if setup.weight_ids else None
    pos = setup.inputs.values.index.get_indexer(norm.index)
    out, rankable = {}, {}
    cat = setup.inputs.catalogue
    for lens in setup.lenses:
        coverage = up.coverage[lens]
        rankable[lens] = cov.rankable(coverage, cat.lens(lens).root.id, method.rank.min_coverage).to_numpy()
        agg_key = (setup.token, "plan", lens, tuple(cols), method.aggregate.model_dump_json())
        plan: LensPlan = _cached(agg_key, partial(lens_plan, setup.inputs.catalogue, lens, cols, method.aggregate))
        w = np.broadcast_to(plan.base, (mult.shape[0], len(plan.ids))).copy()
        if weights is not None:
            at = {i: k for k, i in enumerate(plan.ids)}
            for k, i in enumerate(setup.weight_ids):
                if i in at:
                    w[:, at[i]] = weights[:, k]
        try:
            out[lens] = aggregate_batch(plan, x, cols, w, coverage)
        except AssessmentError as exc:
            raise _failed(setup, key, lens, exc) from None
    return pos, out, rankable


def run_block(setup: Setup, rows: np.ndarray, want_nodes: bool, want_node_ranks: bool = False) -> BlockOut:
    """Scores, ranks and levels of every row of one block (full unit axis, NaN for screened-out units).

    ``want_nodes`` keeps every node's scores, ``want_node_ranks`` also ranks them.
    """
    keys, mult = decode(setup, rows)
    n_units, reps = len(setup.inputs.values), rows.shape[0]
    node_ids = {lens: node_order(setup.inputs.catalogue, lens) for lens in setup.lenses}
    out = BlockOut({}, {}, {}, {}, {})
    for lens in setup.lenses:
        k = len(node_ids[lens])
        out.scores[lens] = np.full((reps, n_units), np.nan)
        out.ranks[lens] = np.full((reps, n_units), np.nan, dtype="float32")
        out.levels[lens] = np.full((reps, n_units), np.nan, dtype="float32")
        out.nodes[lens] = np.full((reps, n_units, k), np.nan) if want_nodes else None
        out.node_ranks[lens] = np.full((reps, n_units, k), np.nan, dtype="float32") if want_node_ranks else None
    groups: dict[tuple[int, ...], list[int]] = {}
    for r, key in enumerate(keys):
        groups.setdefault(key, []).append(r)
    for key, members in groups.items():
        idx = np.array(members)
        method: Method = _cached((setup.token, "method", key), partial(group_method, setup, key))
        pos, per_lens, rankable = _group_out(setup, key, mult[idx])
        codes = None
        if "year" in setup.inputs.values.index.names:
            codes = pool_codes(setup.inputs.values.iloc[pos])
        for lens, nodes in per_lens.items():
            root = nodes[node_ids[lens][-1]]
            out.scores[lens][np.ix_(idx, pos)] = root
            if setup.nominal.levels.enabled:
                levels = lev.score_levels(pd.DataFrame(root.T), method.level_cutoffs).to_numpy().T
                out.levels[lens][np.ix_(idx, pos)] = levels
            node_out, rank_out = out.nodes[lens], out.node_ranks[lens]
            unranked = ~rankable[lens]  # too little data: no rank, and no rank taken from others
            if rank_out is None:
                out.ranks[lens][np.ix_(idx, pos)] = rank_rows(np.where(unranked, np.nan, root), method.rank.decimals,
                                                             codes)
            else:
                stacked = np.stack([np.where(unranked, np.nan, nodes[node]) for node in node_ids[lens]])
                ranked = rank_rows(stacked.reshape(-1, stacked.shape[2]), method.rank.decimals, codes)
                ranked = ranked.reshape(stacked.shape)
                out.ranks[lens][np.ix_(idx, pos)] = ranked[-1]
                for j in range(len(node_ids[lens])):
                    rank_out[idx[:, None], pos[None, :], j] = ranked[j]
            if node_out is not None:
                for j, node in enumerate(node_ids[lens]):
                    node_out[idx[:, None], pos[None, :], j] = nodes[node]
    return out
