"""Uncertainty analysis: how far each unit's rank and scores move across plausible method variants.

Conventions
-----------
* Ranks follow the scoring stage: 1 = best, ties share the lowest rank, scores rounded to
  ``rank.decimals`` of each replicate's method first, a missing score (or a unit screened out
  by the replicate's coverage rule) has no rank. Rank statistics are over the replicates in
  which the unit is ranked (``p_ranked`` gives that share).
* Quantiles are numpy's default linear interpolation (R's type 7, COINr's ``quantile``).
* ``p_keep_level``: share of ranked replicates whose index score falls in the same maturity
  level as the nominal score (levels enabled in the nominal method only; else missing).
* ``p_top_k``: share of all replicates in which the unit ranks ``top_k`` or better.
* ``pairwise``: share of replicates in which the row unit ranks strictly above the column unit.
* Node scores of every aggregate are summarised the same way. They are kept in float64 when
  all replicates of every node fit in 512 MB, else float32 (7 significant digits; ranks and
  index scores are always float64).
"""

from __future__ import annotations

import warnings
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputWarning
from ..scoring import Assessment
from ..scoring.inputs import Inputs
from ..scoring.method import Method
from ..scoring.pools import pool_codes
from ..templating import notebook_html, short_repr
from .batch import node_order
from .design import UA_STREAM, Factor, n_dims, uniforms
from .engine import BlockOut, Progress, Setup, rank_rows, replicate_inputs, replicate_method
from .executors import run_rows
from .paths import scale_problems
from .setup import make_setup
from .spec import NODE_RANKS_AUTO, RobustnessSpec, SpecLike, load_robustness_spec, with_overrides

NODE_BUDGET = 512 * 2**20


@dataclass(repr=False)
class UncertaintyResult:
    """Per-unit rank and score summaries per lens, node summaries, and every replicate's index ranks.

    ``scores``/``ranks`` hold each replicate's index score and rank (replicates × units),
    ``node_scores``/``node_ranks`` each replicate's node scores and ranks (replicates × units ×
    nodes, in ``node_ids`` order; ``node_ranks`` has no replicate when nodes were not ranked, see
    ``RobustnessSpec.node_ranks``); ``design`` the uniform rows defining the replicates (see
    :meth:`replicate`).
    """

    spec: RobustnessSpec
    setup: Setup = field(repr=False)
    design: np.ndarray = field(repr=False)
    units: pd.Index
    summary: dict[str, pd.DataFrame]
    nodes: pd.DataFrame
    pairwise: dict[str, pd.DataFrame]
    scores: dict[str, np.ndarray] = field(repr=False)
    ranks: dict[str, np.ndarray] = field(repr=False)
    node_scores: dict[str, np.ndarray] = field(repr=False)
    node_ranks: dict[str, np.ndarray] = field(repr=False)
    node_ids: dict[str, list[str]] = field(repr=False)

    def __repr__(self) -> str:
        return short_repr("UncertaintyResult", spec=self.spec.name, replicates=len(self.design), units=len(self.units),
                          lenses=list(self.summary), assumptions=[a.name for a in self.spec.assumptions])

    def _repr_html_(self) -> str:
        """A notebook summary: the spec, then each unit's nominal rank and rank and score intervals (first lens)."""
        lo, hi = self.spec.interval
        facts = {"spec": self.spec.name, "replicates": len(self.design), "units": len(self.units),
                 "interval": f"{lo:g}–{hi:g}"}
        lens = next(iter(self.summary), None)
        columns = ["nominal_rank", "median_rank", "rank_lo", "rank_hi", "nominal_score", "score_lo", "score_hi"]
        tables = [] if lens is None else [(lens, self.summary[lens][columns].sort_values("nominal_rank"))]
        return notebook_html("UncertaintyResult", facts, tables)

    @property
    def factors(self) -> tuple[Factor, ...]:
        """The assumptions as design factors."""
        return self.setup.factors

    def replicate(self, i: int) -> tuple[Method, Inputs]:
        """``(method, inputs)`` of replicate ``i``; ``scoring.pipeline.run(inputs, method)`` reproduces it."""
        method = replicate_method(self.setup, self.design[i])
        draw = [f for f in self.setup.factors if f.kind == "data"]
        inputs = self.setup.inputs
        if draw:
            k = min(int(self.design[i, draw[0].start] * draw[0].levels), draw[0].levels - 1)
            inputs = replicate_inputs(self.setup, k)
        return method, inputs

    def headline(self, lens: str | None = None, within: int = 3) -> dict[str, float | str]:
        """Share of units whose median rank is within ``±within`` of the nominal, and interval widths."""
        s = self.summary[lens or next(iter(self.summary))].dropna(subset=["nominal_rank", "median_rank"])
        width = s["rank_hi"] - s["rank_lo"]
        return {"units": float(len(s)), "share_within": float((abs(s["median_rank"] - s["nominal_rank"])
                                                               <= within).mean()),
                "median_width": float(width.median()), "widest": float(width.max()),
                "widest_unit": str(width.idxmax()) if len(width) else ""}

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (for CSV/XLSX export)."""
        out = {f"uncertainty-{lens}": t.reset_index() for lens, t in self.summary.items()}
        out["uncertainty-nodes"] = self.nodes
        out |= {f"pairwise-{lens}": t.reset_index() for lens, t in self.pairwise.items()}
        return out


def _quiet_quantiles(x: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """``numpy.nanquantile`` over axis 0, vectorised for the (usual) columns without NaN."""
    out = np.full((len(qs), x.shape[1]), np.nan)
    ok = np.isfinite(x)
    full, part = ok.all(axis=0), ok.any(axis=0) & ~ok.all(axis=0)
    if full.all():
        return np.quantile(x, qs, axis=0)
    if full.any():
        out[:, full] = np.quantile(x[:, full], qs, axis=0)
    if part.any():
        out[:, part] = np.nanquantile(x[:, part], qs, axis=0)
    return out


def _quiet_mean(x: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(x, axis=0)


def nominal_table_ranks(result: Assessment, lens: str) -> pd.DataFrame:
    """Ranks of every node of the nominal result (the rank stage's conventions: ``rank.decimals``, and
    units with too little data for ``rank.min_coverage`` are not ranked)."""
    table = result.aggregated[lens].where(result.rank_status(lens)["ranked"], axis=0)
    codes = pool_codes(table) if "year" in table.index.names else None
    ranks = rank_rows(table.to_numpy(dtype="float64").T, result.method.rank.decimals, codes).T
    return pd.DataFrame(ranks, index=table.index, columns=table.columns)


def nominal_ranks(result: Assessment, lens: str, units: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Nominal index scores and ranks on the full unit axis."""
    scores = result.aggregated[lens].iloc[:, -1].reindex(units).to_numpy(dtype="float64")
    ranks = nominal_table_ranks(result, lens).iloc[:, -1].reindex(units).to_numpy(dtype="float64")
    return scores, ranks


def unit_summary(result: Assessment, lens: str, units: pd.Index, scores: np.ndarray, ranks: np.ndarray,
                 levels: np.ndarray, spec: RobustnessSpec) -> pd.DataFrame:
    """One row per unit: nominal, median, mean and interval of rank and score; level and top-k shares."""
    nom_score, nom_rank = nominal_ranks(result, lens, units)
    lo, hi = spec.interval
    rq = _quiet_quantiles(ranks.astype("float64"), (0.5, lo, hi))
    sq = _quiet_quantiles(scores, (0.5, lo, hi))
    ranked = np.isfinite(ranks)
    out = pd.DataFrame({
        "nominal_rank": nom_rank, "median_rank": rq[0], "mean_rank": _quiet_mean(ranks.astype("float64")),
        "rank_lo": rq[1], "rank_hi": rq[2], "p_ranked": ranked.mean(axis=0),
        "p_top_k": (np.where(ranked, ranks, np.inf) <= spec.top_k).mean(axis=0),
        "p_keep_level": np.nan,
        "nominal_score": nom_score, "median_score": sq[0], "mean_score": _quiet_mean(scores),
        "score_lo": sq[1], "score_hi": sq[2]}, index=units)
    if result.method.levels.enabled and lens in result.aggregate_levels:
        nom_level = result.aggregate_levels[lens].iloc[:, -1].reindex(units).to_numpy(dtype="float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            keep = ((levels == nom_level[None, :]) & ranked).sum(axis=0) / ranked.sum(axis=0)
        out["p_keep_level"] = np.where(np.isfinite(nom_level), keep, np.nan)
    return out


def node_summary(result: Assessment, lens: str, units: pd.Index, node_ids: list[str], nodes: np.ndarray,
                 node_ranks: np.ndarray, spec: RobustnessSpec) -> pd.DataFrame:
    """Long table: lens, node, unit (year), then nominal, median, mean and interval of every node's score and rank."""
    lo, hi = spec.interval
    frames = []
    nominal = result.aggregated[lens].reindex(units)
    nominal_rank = nominal_table_ranks(result, lens).reindex(units)
    keys = units.to_frame(index=False)
    for j, node in enumerate(node_ids):
        x = nodes[:, :, j].astype("float64")
        r = node_ranks[:, :, j].astype("float64")
        q = _quiet_quantiles(x, (0.5, lo, hi))
        qr = _quiet_quantiles(r, (0.5, lo, hi)) if len(r) else np.full((3, x.shape[1]), np.nan)
        frames.append(keys.assign(
            lens=lens, node=node, nominal=nominal[node].to_numpy(dtype="float64"), median=q[0],
            mean=_quiet_mean(x), lo=q[1], hi=q[2], nominal_rank=nominal_rank[node].to_numpy(dtype="float64"),
            median_rank=qr[0], mean_rank=_quiet_mean(r) if len(r) else np.nan, rank_lo=qr[1], rank_hi=qr[2]))
    out = pd.concat(frames, ignore_index=True)
    return out[["lens", "node", *keys.columns, *[c for c in out.columns if c not in keys.columns
                                                   and c not in ("lens", "node")]]]


def pairwise_table(ranks: np.ndarray, units: pd.Index, which: list[int]) -> pd.DataFrame:
    """Share of replicates in which each unit of ``which`` ranks strictly above every unit."""
    r = np.where(np.isfinite(ranks), ranks, np.inf).astype("float64")
    out = np.empty((len(which), r.shape[1]))
    for k, i in enumerate(which):
        out[k] = (r[:, [i]] < r).mean(axis=0)
    return pd.DataFrame(out, index=units[which], columns=units)


def uncertainty(result: Assessment, spec: SpecLike, *, n: int | None = None, seed: int | None = None,
                executor: Executor | int | None = None, progress: Progress | None = None) -> UncertaintyResult:
    """Monte Carlo (or quasi-random) uncertainty analysis of ``result``'s ranks and scores.

    Parameters
    ----------
    result
        The nominal assessment (its method, inputs and catalogue).
    spec
        The uncertain assumptions: a :class:`RobustnessSpec`, a mapping of the same shape, or the
        path of a spec YAML file (see :func:`~assessment.robustness.load_robustness_spec`).
    n, seed
        Override ``spec.n`` and ``spec.seed``.
    executor
        ``None`` (default): run in this process; an ``int``: that many local worker processes, each
        sent the inputs once; a ``distributed.Client`` (or its ``get_executor()``): a Dask cluster,
        the inputs scattered to every worker once; any other ``concurrent.futures.Executor``. Results
        are identical either way (see :mod:`assessment.robustness.executors`).
    progress
        Called with (blocks done, blocks) after each block.

    Returns
    -------
    UncertaintyResult

    Raises
    ------
    InputError
        For an invalid spec (before anything runs), or a replicate that cannot be scored.

    Warns
    -----
    InputWarning
        When the alternatives of a normalisation put scores on different scales (a 0–100 range and
        z-scores, say): the score intervals then mix them (the rank intervals do not).
    """
    spec = with_overrides(load_robustness_spec(spec), n=n, seed=seed)
    setup = make_setup(result, spec)
    mixed = scale_problems(spec.discrete, result.method)
    if mixed:
        warnings.warn(InputWarning(mixed), stacklevel=2)
    rows = uniforms(spec, spec.n, n_dims(setup.factors), UA_STREAM)
    units = setup.inputs.values.index
    node_ids = {lens: node_order(result.catalogue, lens) for lens in setup.lenses}
    size = spec.n * len(units) * sum(len(v) for v in node_ids.values()) * 8
    node_dtype = "float64" if size <= NODE_BUDGET else "float32"
    scores = {lens: np.empty((spec.n, len(units))) for lens in setup.lenses}
    ranks = {lens: np.empty((spec.n, len(units)), dtype="float32") for lens in setup.lenses}
    levels = {lens: np.empty((spec.n, len(units)), dtype="float32") for lens in setup.lenses}
    nodes = {lens: np.empty((spec.n, len(units), len(node_ids[lens])), dtype=node_dtype) for lens in setup.lenses}
    cells = spec.n * len(units) * sum(len(v) for v in node_ids.values())
    rank_nodes = spec.node_ranks is True or (spec.node_ranks == "auto" and cells <= NODE_RANKS_AUTO)
    node_ranks = {lens: np.full((spec.n if rank_nodes else 0, len(units), len(node_ids[lens])), np.nan,
                                dtype="float32") for lens in setup.lenses}

    def consume(lo: int, hi: int, block: BlockOut) -> None:
        for lens in setup.lenses:
            scores[lens][lo:hi] = block.scores[lens]
            ranks[lens][lo:hi] = block.ranks[lens]
            levels[lens][lo:hi] = block.levels[lens]
            block_nodes, block_ranks = block.nodes[lens], block.node_ranks[lens]
            assert block_nodes is not None
            nodes[lens][lo:hi] = block_nodes
            if block_ranks is not None:
                node_ranks[lens][lo:hi] = block_ranks

    run_rows(setup, rows, want_nodes=True, want_node_ranks=rank_nodes, executor=executor, progress=progress,
             consume=consume, node_dtype=node_dtype)
    summary = {lens: unit_summary(result, lens, units, scores[lens], ranks[lens], levels[lens], spec)
               for lens in setup.lenses}
    node_table = pd.concat([node_summary(result, lens, units, node_ids[lens], nodes[lens], node_ranks[lens], spec)
                            for lens in setup.lenses], ignore_index=True)
    pairs: dict[str, pd.DataFrame] = {}
    if spec.pairwise is not False:
        labels = list(units.get_level_values("unit"))
        which = list(range(len(units))) if spec.pairwise is True else [labels.index(u) for u in spec.pairwise]
        pairs = {lens: pairwise_table(ranks[lens], units, which) for lens in setup.lenses}
    return UncertaintyResult(spec=spec, setup=setup, design=rows, units=units, summary=summary, nodes=node_table,
                             pairwise=pairs, scores=scores, ranks=ranks, node_scores=nodes, node_ranks=node_ranks,
                             node_ids=node_ids)
