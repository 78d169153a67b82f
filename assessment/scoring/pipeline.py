"""The scoring pipeline: :func:`assess` runs the nine stages and returns an :class:`Assessment`.

Stages, in order (each kept as its own wide table): denominate → screen → impute → treat →
normalise → aggregate (every lens, level by level) → levels → rank → compare. The result
keeps the recipe (method, catalogue id/version/hash, package version, input hash) beside
the tables, can re-run itself with another method, and exports every stage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from .._version import __version__
from ..catalogue import Catalogue
from ..errors import InputError, Problem
from . import coverage as cov
from . import levels as lev
from . import prepare, rank
from .aggregate import aggregate_lens
from .impute import impute
from .inputs import Inputs, prepare_inputs
from .method import Method, load_method
from .normalise import normalise
from .treat import treat

StageHook = Callable[[str], None]
STAGES = ("denominate", "screen", "impute", "treat", "normalise", "aggregate", "levels", "rank", "compare")


@dataclass(frozen=True)
class Recipe:
    """Everything needed to reproduce a result."""

    method: Method
    catalogue_id: str
    catalogue_version: str
    catalogue_hash: str
    package_version: str
    input_hash: str

    def as_dict(self) -> dict[str, Any]:
        """Plain-data view (method as a nested mapping)."""
        return {"catalogue_id": self.catalogue_id, "catalogue_version": self.catalogue_version,
                "catalogue_hash": self.catalogue_hash, "package_version": self.package_version,
                "input_hash": self.input_hash, "method_fingerprint": self.method.fingerprint,
                "method": self.method.model_dump(mode="json")}


@dataclass(frozen=True)
class Assessment:
    """The result of :func:`assess`: every stage's table plus the recipe.

    Tables are indexed by ``unit`` (or ``unit, year`` for panels). ``aggregated``,
    ``aggregate_levels`` and ``change`` map a lens id to a units × nodes table; ``ranks`` maps
    a lens id to ``{"cohort" | peer group: ranks}``. The indicator-level comparisons
    (``indicator_ranks``, ``strengths``) are computed on first use.
    """

    inputs: Inputs
    recipe: Recipe
    raw: pd.DataFrame
    denominated: pd.DataFrame
    screening: pd.DataFrame
    imputed: pd.DataFrame
    imputed_flags: pd.DataFrame
    treated: pd.DataFrame
    treated_flags: pd.DataFrame
    treatment: pd.DataFrame
    normalised: pd.DataFrame
    aggregated: dict[str, pd.DataFrame]
    indicator_levels: pd.DataFrame
    aggregate_levels: dict[str, pd.DataFrame]
    enabler_levels: pd.DataFrame
    ranks: dict[str, dict[str, pd.DataFrame]]
    change: dict[str, pd.DataFrame]
    profiles: pd.DataFrame = field(repr=False)
    coverage: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def rank_status(self, lens: str | None = None) -> pd.DataFrame:
        """Per unit: indicators ``reported`` of ``total``, ``coverage`` share, ``needed`` to be ranked, ``ranked``.

        Computed from the lens root's coverage and ``method.rank.min_coverage``.
        """
        lens = lens or next(iter(self.aggregated))
        root = self.catalogue.lens(lens).root.id
        total = len(cov.node_indicators(self.catalogue, lens)[root])
        share = self.coverage[lens][root]
        least = self.method.rank.min_coverage
        out = pd.DataFrame({"reported": (share * total).round().astype("int64"), "total": total,
                            "coverage": share, "needed": cov.needed(total, least)}, index=share.index)
        out["ranked"] = self.ranks.get(lens, {}).get("cohort", pd.DataFrame()).get(root, pd.Series(
            index=share.index, dtype="float64")).reindex(share.index).notna()
        return out

    @cached_property
    def indicator_ranks(self) -> pd.DataFrame:
        """Cohort ranks of every normalised indicator (computed on first use, then kept).

        Same conventions as ``ranks``; rounded to ``method.rank.decimals`` first when set.
        """
        dp = self.method.rank.decimals
        return rank.rank_table(self.normalised if dp is None else self.normalised.round(dp))

    @cached_property
    def strengths(self) -> pd.DataFrame:
        """Strengths and weaknesses per unit (stage 9), computed on first use and then kept.

        Long table: unit, (year,) kind, order, indicator, score, peer_median, gap.
        """
        cmp = self.method.compare
        peer = rank.peer_column(self.profiles, cmp.peer_group) if cmp.peer_group else None
        return rank.strengths_weaknesses(self.normalised, peer, cmp.top if cmp.enabled else 0)

    @property
    def method(self) -> Method:
        """The method that produced this result."""
        return self.recipe.method

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue the indicator ids refer to."""
        return self.inputs.catalogue

    def scores(self, lens: str | None = None) -> pd.DataFrame:
        """Aggregated scores of one lens (default: the first one)."""
        return self.aggregated[lens or next(iter(self.aggregated))]

    def rerun(self, method: Method | str | Path | None = None) -> Assessment:
        """Run again from the raw data with ``method`` (default: the same method)."""
        return run(self.inputs, _as_method(method) if method is not None else self.method)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every stage as ``name → wide table`` in pipeline order (names fit Excel sheet names)."""
        from .export import stage_tables

        return stage_tables(self)

    def to_frame(self) -> pd.DataFrame:
        """All numeric stage tables in one long table: stage, unit, (year,) code, value."""
        from .export import to_long

        return to_long(self)

    def to_excel(self, path: str | Path) -> Path:
        """Write every stage to one workbook (one sheet each, plus ``method``); returns the path."""
        from .export import write_excel

        return write_excel(self, Path(path))

    def to_csv(self, directory: str | Path) -> Path:
        """Write every stage as ``<stage>.csv`` plus a saved result (see :func:`load_result`)."""
        from .export import write_csv

        return write_csv(self, Path(directory))


def _as_method(method: Method | str | Path | dict[str, Any] | None) -> Method:
    if method is None:
        return Method()
    if isinstance(method, Method):
        return method
    if isinstance(method, dict):
        from .method import method_from_dict

        return method_from_dict(method)
    return load_method(method)


def _lenses(catalogue: Catalogue, method: Method) -> tuple[str, ...]:
    known = {lens.id for lens in catalogue.lenses if lens.applies_to == "indicators"}
    if not method.aggregate.lenses:
        return tuple(lens.id for lens in catalogue.lenses if lens.applies_to == "indicators" and lens.complete)
    wanted = tuple(method.aggregate.lenses)
    missing = [w for w in wanted if w not in known]
    if missing:
        raise InputError([Problem("<method>", item=m, field="aggregate.lenses", code="unknown-lens",
                                  message=f"catalogue {catalogue.id} {catalogue.version} has no indicator lens of "
                                  "this id", fix=f"choose from {', '.join(sorted(known))}") for m in missing])
    return wanted


def run(inputs: Inputs, method: Method, on_stage: StageHook | None = None) -> Assessment:
    """Run every stage of ``method`` on prepared :class:`Inputs` (see :func:`assess`)."""
    hook = on_stage or (lambda _name: None)
    cat = inputs.catalogue
    lenses = _lenses(cat, method)
    raw, profiles = inputs.values, inputs.profiles

    hook("denominate")
    dens = prepare.denominators_for(cat, raw.columns, method.denominate) if method.denominate.enabled else {}
    denominated = prepare.denominate(raw, profiles, dens)

    hook("screen")
    screened = denominated
    if method.screen.after == "denominate":
        screened, screening = prepare.screen(denominated, method.screen)
    hook("impute")
    imputed, imputed_flags = impute(screened, profiles.reindex(screened.index), method.impute)
    if method.screen.after == "impute":
        imputed, screening = prepare.screen(imputed, method.screen)
        imputed_flags = imputed_flags.loc[imputed.index]
    kept = imputed.index
    profiles = profiles.reindex(kept)

    hook("treat")
    scored = [i.id for i in cat.scored_indicators if i.id in imputed.columns]
    treated, treated_flags, treatment = treat(imputed[scored], method.treat)

    hook("normalise")
    normalised = normalise(treated, cat, method.normalise)

    hook("aggregate")
    reported = cov.columns_reported(denominated.reindex(kept), scored)
    coverage = {lens: cov.coverage_table(reported, cat, lens) for lens in lenses}
    aggregated = {lens: aggregate_lens(normalised, cat, lens, method.aggregate, coverage[lens]) for lens in lenses}

    hook("levels")
    on = method.levels.enabled
    ind_levels = lev.INDICATOR_LEVELS[method.levels.indicators](imputed, cat) if on else pd.DataFrame(index=kept)
    agg_levels = {k: lev.score_levels(v, method.level_cutoffs) for k, v in aggregated.items()} if on else {}
    enablers = inputs.enablers.reindex(kept)
    ena_levels = lev.enabler_levels(enablers, cat, method.levels) if on else pd.DataFrame(index=kept)

    hook("rank")
    ranks: dict[str, dict[str, pd.DataFrame]] = {}
    if method.rank.enabled:
        peers = {g: rank.peer_column(profiles, g) for g in method.rank.peer_groups}
        dp = method.rank.decimals
        for name, table in aggregated.items():
            table = table if dp is None else table.round(dp)
            ok = cov.rankable(coverage[name], cat.lens(name).root.id, method.rank.min_coverage)
            table = table.where(ok, axis=0)  # not enough data: no rank, and no rank taken from others
            ranks[name] = {"cohort": rank.rank_table(table)}
            for g, col in peers.items():
                if col is not None:
                    ranks[name][g] = rank.rank_table(table, col)

    hook("compare")
    changes = {k: rank.change(v) for k, v in aggregated.items()}

    recipe = Recipe(method=method, catalogue_id=cat.id, catalogue_version=cat.version,
                    catalogue_hash=cat.content_hash, package_version=__version__, input_hash=inputs.digest)
    return Assessment(inputs=inputs, recipe=recipe, raw=raw, denominated=denominated, screening=screening,
                      imputed=imputed, imputed_flags=imputed_flags, treated=treated, treated_flags=treated_flags,
                      treatment=treatment, normalised=normalised, aggregated=aggregated,
                      indicator_levels=ind_levels, aggregate_levels=agg_levels, enabler_levels=ena_levels,
                      ranks=ranks, change=changes, profiles=profiles, coverage=coverage)


def assess(data: Any, catalogue: Catalogue | None = None, method: Method | str | Path | dict[str, Any] | None = None,
           *, on_stage: StageHook | None = None) -> Assessment:
    """Score a cohort of units.

    Parameters
    ----------
    data
        The workbook intake, a :class:`~assessment.CoinrImport`, a tidy long DataFrame (unit,
        [year,] indicator, value) or a wide one (one row per unit). Never modified.
    catalogue
        The catalogue; default the built-in one (or the COINr import's own).
    method
        A :class:`Method`, a mapping, or a path to a method YAML file; default ``Method()``
        (goalposts 0–100, arithmetic means through every complete lens, levels, ranks).
    on_stage
        Called with each stage name as it starts (progress reporting).

    Returns
    -------
    Assessment

    Raises
    ------
    InputError
        Listing every problem with the data or the method.
    """
    return run(prepare_inputs(data, catalogue), _as_method(method), on_stage)
