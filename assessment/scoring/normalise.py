"""The normalise stage: every indicator onto a common scale, direction applied.

Each method is one class of :mod:`assessment.scoring.normalisers` (its parameters, its
definition, what it needs); this stage only picks the method of each column (the default recipe,
a per-indicator override, then the method's own rule for that indicator:
:meth:`~assessment.scoring.normalisers.Normaliser.for_indicator`), gathers what the catalogue says of
each column, collects every problem the methods report before any work, and runs each method on its
columns. Missing stays missing everywhere.

Statistics (min, max, mean, sd, ranks) are taken over the units passed in: the whole cohort,
and for a panel all years pooled unless ``panel: per-year``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..errors import InputError, Problem
from ..i18n import N_
from .accept import check_frame, method_section, unknown_names
from .method import Normalise
from .normalisers import Columns, NormaliseName, Normaliser


def _columns(catalogue: Catalogue, cols: list[str], spec: Normaliser, problems: list[Problem]) -> Columns:
    """What the catalogue says of each column, and every problem ``spec`` has with it."""
    direction, worst, best, target = (np.full(len(cols), np.nan) for _ in range(4))
    thresholds = np.full((len(cols), 5), np.nan)
    for j, col in enumerate(cols):
        ind = catalogue.indicator(col)
        direction[j] = ind.direction
        if ind.thresholds is not None:
            thresholds[j] = ind.thresholds.values
        if ind.goalposts is not None:
            worst[j], best[j] = ind.goalposts.worst, ind.goalposts.best
        target[j] = spec.target_for(ind, float(best[j]))
        problems += spec.column_problems(col, ind, float(target[j]))
    return Columns(direction, worst, best, target, thresholds)


def normalise(values: pd.DataFrame, catalogue: Catalogue, spec: Normalise) -> pd.DataFrame:
    """Normalise every column of ``values`` (scored indicators only), per-indicator overrides applied.

    Returns a new table of the same shape. See :mod:`assessment.scoring.normalisers` for each method.

    Raises
    ------
    InputError
        If a method lacks what it needs (goalposts, target, reference unit), listing every case.
    """
    cols = values.columns.tolist()
    by_spec: dict[Normaliser, list[str]] = {}
    base = spec.default
    for col in cols:
        ind = catalogue.indicator(col)
        chosen = spec.overrides.get(col, base).for_indicator(ind)
        by_spec.setdefault(chosen, []).append(col)
    problems: list[Problem] = []
    prepared = [(s, group, _columns(catalogue, group, s, problems)) for s, group in by_spec.items()]
    refs = [s for s, _, _ in prepared if s.reference is not None]
    units = set(values.index.get_level_values("unit")) if refs else set()
    for s in refs:
        problems += s.reference_problems(units)
    if problems:
        raise InputError(problems)
    x_all = values.to_numpy(dtype="float64")
    out = np.empty(x_all.shape)  # every column belongs to exactly one recipe group, so all get written
    pos = {c: j for j, c in enumerate(cols)}
    if spec.panel == "per-year" and "year" in values.index.names:
        years = np.asarray(values.index.get_level_values("year"))
        blocks = [np.flatnonzero(years == y) for y in pd.unique(years)]
    else:
        blocks = [np.arange(len(values))]
    unit_labels = np.asarray(values.index.get_level_values("unit")) if refs else None
    single = len(blocks) == 1
    for rows in blocks:
        for s, group, columns in prepared:
            if s.reference is not None and unit_labels is not None:
                hits = np.flatnonzero(unit_labels[rows] == s.reference)
                columns = replace(columns, ref_row=int(hits[0]) if hits.size else None)
            idx = np.array([pos[c] for c in group], dtype=np.intp)
            if single and len(idx) == len(cols):  # the common case: no copies for fancy indexing
                out = s.compute(x_all, columns)
            elif single:
                out[:, idx] = s.compute(x_all[:, idx], columns)
            else:
                out[np.ix_(rows, idx)] = s.compute(x_all[np.ix_(rows, idx)], columns)
    # a table laid out column by column is what the DataFrame would copy it into: no need to copy
    keep = out.flags.f_contiguous and not np.may_share_memory(out, x_all)
    return pd.DataFrame(out, index=values.index, columns=values.columns, copy=not keep)


def normalise_frame(data: pd.DataFrame | pd.Series, method: NormaliseName = "minmax",
                    directions: dict[str, int] | int = 1, *, goalposts: dict[str, tuple[float, float]] | None = None,
                    targets: dict[str, float] | None = None,
                    thresholds: dict[str, tuple[float, float, float, float, float]] | None = None,
                    **options: object) -> pd.DataFrame | pd.Series:
    """Normalise a table or one indicator without a catalogue (for researchers).

    Parameters
    ----------
    data
        Units × indicators (or one indicator as a Series); NaN = missing.
    method
        Any of :data:`~assessment.scoring.normalisers.NORMALISERS`; definitions in their classes.
    directions
        One direction for every column, or ``{column: 1 | -1}`` (missing columns: 1).
    goalposts, targets, thresholds
        ``{column: (worst, best)}``, ``{column: target}`` and ``{column: (t1, …, t5)}`` for
        ``goalposts``/``anchored``, ``dist2target`` and ``anchored``.
    **options
        Further :class:`~assessment.scoring.method.NormaliseSpec` fields (``range``, ``mean_sd``,
        ``cap``); ``reference_row`` (an integer position) for ``dist2ref``.

    Returns
    -------
    Same type and shape as ``data``.

    Raises
    ------
    InputError
        Listing every problem: values that are not finite numbers within range, a method or
        option the method model refuses (with the nearest valid one), a direction other than 1
        or -1, and a column named in ``directions``, ``goalposts``, ``targets`` or
        ``thresholds`` that the table lacks (:mod:`assessment.scoring.accept`). An indicator no
        unit reported, or with one value for every unit, gets an ``InputWarning``.
    """
    frame = data.to_frame() if isinstance(data, pd.Series) else data
    cols = frame.columns.tolist()
    ref_row = options.pop("reference_row", None)
    named = {"directions": directions, "goalposts": goalposts, "targets": targets, "thresholds": thresholds}
    problems = [p for field, given in named.items() if given for p in unknown_names(given, cols, field)]
    given = directions.values() if isinstance(directions, dict) else [directions]
    if any(d not in (1, -1) for d in given):
        problems.append(Problem("<directions>", field="directions", code="bad-direction", found=repr(directions),
                                message=N_("a direction is 1 (higher is better) or -1 (lower is better)")))
    section = method_section("normalise", {"default": {"method": method, **options}}, problems)
    frame = check_frame(frame, warn=True, problems=problems)
    spec = section.default
    d = np.array([directions.get(c, 1) if isinstance(directions, dict) else directions for c in cols], dtype="float64")
    gp = goalposts or {}
    worst = np.array([gp.get(c, (np.nan, np.nan))[0] for c in cols], dtype="float64")
    best = np.array([gp.get(c, (np.nan, np.nan))[1] for c in cols], dtype="float64")
    target = np.array([(targets or {}).get(c, np.nan) for c in cols], dtype="float64")
    th = np.array([(thresholds or {}).get(c, (np.nan,) * 5) for c in cols], dtype="float64").reshape(len(cols), 5)
    columns = Columns(d, worst, best, target, th, None if ref_row is None else int(str(ref_row)))
    out = spec.compute(frame.to_numpy(dtype="float64"), columns)
    result = pd.DataFrame(out, index=frame.index, columns=frame.columns)
    return result.iloc[:, 0].rename(data.name) if isinstance(data, pd.Series) else result
