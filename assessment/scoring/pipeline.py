"""The scoring pipeline: the nine stages in their fixed order, each kept as its own table.

denominate → screen → impute → treat → normalise → aggregate (every lens, level by level) →
levels → rank → compare. :func:`run_stages` runs them on prepared inputs and returns the
tables as :class:`Stages`; :mod:`assessment.scoring.result` wraps them, with the recipe, as the
:class:`~assessment.scoring.result.Assessment` that :func:`~assessment.scoring.assess` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..errors import InputError, Problem, params
from ..i18n import N_
from . import coverage as cov
from . import levels as lev
from . import prepare, rank
from .aggregate import aggregate_lens
from .ids import id_problems
from .impute import impute
from .inputs import Inputs
from .method import Method
from .normalise import normalise
from .queried import exclude_queried
from .treat import treat

StageHook = Callable[[str], None]
STAGES = ("denominate", "screen", "impute", "treat", "normalise", "aggregate", "levels", "rank", "compare")


@dataclass(frozen=True)
class Stages:
    """Every stage's table.

    Tables are indexed by ``unit`` (or ``unit, year`` for panels). ``aggregated``,
    ``aggregate_levels`` and ``change`` map a lens id to a units × nodes table; ``ranks`` maps
    a lens id to ``{"cohort" | peer group: ranks}``. ``profiles`` are the kept units' profiles.
    """

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
    coverage: dict[str, pd.DataFrame] = field(repr=False)  # lens -> units x nodes, share reported


def lenses_for(catalogue: Catalogue, method: Method) -> tuple[str, ...]:
    """The indicator lenses to aggregate: the method's, else every complete one of the catalogue."""
    known = {lens.id for lens in catalogue.lenses if lens.applies_to == "indicators"}
    if not method.aggregate.lenses:
        return tuple(lens.id for lens in catalogue.lenses if lens.applies_to == "indicators" and lens.complete)
    wanted = tuple(method.aggregate.lenses)
    missing = [w for w in wanted if w not in known]
    if missing:
        raise InputError([Problem("<method>", item=m, field="aggregate.lenses", code="unknown-lens",
                                  message=N_("catalogue {catalogue} has no indicator lens of this id"),
                                  fix=N_("choose from {allowed}"),
                                  params=params(catalogue=f"{catalogue.id} {catalogue.version}",
                                                allowed=", ".join(sorted(known)))) for m in missing])
    return wanted


def _on(frame: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """``frame.reindex(index)``, without the work when the rows already are ``index``."""
    return frame if frame.index.equals(index) else frame.reindex(index)


VIEW_RUNS = 16  # at most this many runs of adjacent columns are taken as views (more: one copy, one block)


def _columns(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """``frame[names]`` (``names`` unique columns of ``frame``), without copying the values where it can.

    Columns that lie side by side in ``frame`` are taken as one view of its memory (pandas copies on a
    write, so the stage tables stay apart); a table picked out of many scattered columns is copied once.
    """
    if names == frame.columns.tolist():
        return frame
    at = frame.columns.get_indexer(names)
    if not names or not frame.columns.is_unique or (at < 0).any():
        return frame[names]
    breaks = np.flatnonzero(np.diff(at) != 1) + 1  # where a run of adjacent columns ends
    if len(breaks) >= VIEW_RUNS:
        return frame[names]
    runs = np.split(at, breaks)
    parts = [frame.iloc[:, int(r[0]):int(r[-1]) + 1] for r in runs]
    return parts[0] if len(parts) == 1 else pd.concat(parts, axis=1)


def run_stages(inputs: Inputs, method: Method, on_stage: StageHook | None = None) -> Stages:
    """Run every stage of ``method`` on prepared :class:`Inputs`; see :func:`assessment.scoring.assess`."""
    hook = on_stage or (lambda _name: None)
    cat = inputs.catalogue
    lenses = lenses_for(cat, method)
    unknown = id_problems(method, inputs, lenses)
    if unknown:  # a misspelt id would otherwise be ignored and the result not be the method's
        raise InputError(unknown)
    raw, profiles = inputs.values, inputs.profiles
    used = exclude_queried(raw, inputs.queried) if method.screen.queries == "exclude" else raw

    hook("denominate")
    dens = prepare.denominators_for(cat, raw.columns, method.denominate) if method.denominate.enabled else {}
    denominated = prepare.denominate(used, profiles, dens)

    hook("screen")
    screened = denominated
    if method.screen.after == "denominate":
        screened, screening = prepare.screen(denominated, method.screen)
    hook("impute")
    imputed, imputed_flags = impute(screened, _on(profiles, screened.index), method.impute)
    if method.screen.after == "impute":
        imputed, screening = prepare.screen(imputed, method.screen)
        if len(imputed) < len(imputed_flags):  # the rows screen kept, in order
            imputed_flags = imputed_flags.iloc[np.flatnonzero(screening["included"].to_numpy())]
    kept = imputed.index
    profiles = _on(profiles, kept)

    hook("treat")
    scored = [i.id for i in cat.scored_indicators if i.id in imputed.columns]
    treated, treated_flags, treatment = treat(_columns(imputed, scored), method.treat)

    hook("normalise")
    normalised = normalise(treated, cat, method.normalise)

    hook("aggregate")
    reported = cov.columns_reported(_on(denominated, kept), scored)
    coverage = {lens: cov.coverage_table(reported, cat, lens) for lens in lenses}
    stacked: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}  # indicators laid out once for all lenses
    aggregated = {lens: aggregate_lens(normalised, cat, lens, method.aggregate, coverage[lens], stacked)
                  for lens in lenses}
    del stacked  # a copy of the normalised table: not held through the later stages

    hook("levels")
    on = method.levels.enabled
    ind_levels = lev.INDICATOR_LEVELS[method.levels.indicators](imputed, cat) if on else pd.DataFrame(index=kept)
    agg_levels = {k: lev.score_levels(v, method.level_cutoffs) for k, v in aggregated.items()} if on else {}
    enablers = _on(inputs.enablers, kept)
    ena_levels = lev.enabler_levels(enablers, cat, method.levels) if on else pd.DataFrame(index=kept)

    hook("rank")
    ranks: dict[str, dict[str, pd.DataFrame]] = {}
    if method.rank.enabled:
        peers = {g: rank.peer_column(profiles, g) for g in method.rank.peer_groups}
        groups = {"cohort": None} | {g: c for g, c in peers.items() if c is not None}
        blocks = rank.pool_blocks(normalised.index, groups)  # the groups' codes once, for every lens (their rows)
        dp = method.rank.decimals
        for name, scores in aggregated.items():
            # laid out column by column (as the table is), so the DataFrame takes it without a copy
            x = np.array(scores.to_numpy(dtype="float64"), order="F") if dp is None else \
                np.round(scores.to_numpy(dtype="float64"), dp, out=np.empty(scores.shape, order="F"))  # as .round
            ok = cov.rankable(coverage[name], cat.lens(name).root.id, method.rank.min_coverage).to_numpy()
            x[~ok] = np.nan  # not enough data: no rank, and no rank taken from others
            table = pd.DataFrame(x, index=scores.index, columns=scores.columns, copy=False)
            # one sort of the scores for the cohort and every peer group
            ranks[name] = rank.rank_tables(table, groups, blocks)

    hook("compare")
    changes = {k: rank.change(v) for k, v in aggregated.items()}

    return Stages(raw=raw, denominated=denominated, screening=screening, imputed=imputed,
                  imputed_flags=imputed_flags, treated=treated, treated_flags=treated_flags, treatment=treatment,
                  normalised=normalised, aggregated=aggregated, indicator_levels=ind_levels,
                  aggregate_levels=agg_levels, enabler_levels=ena_levels, ranks=ranks, change=changes,
                  profiles=profiles, coverage=coverage)
