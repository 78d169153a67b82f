"""Variance-based sensitivity analysis: which assumption drives the ranks.

Design and estimators
---------------------
* Saltelli design: ``N`` rows ``A`` and ``B``, and for each factor ``i`` the rows ``AB_i``
  (``A`` with factor i's columns from ``B``; a weights factor swaps all its columns at once):
  ``N (d + 2)`` runs.
* First order (Saltelli et al. 2010): ``S_i = mean((y_B − c) (y_ABi − y_A)) / V`` with ``c``
  the mean of every run's output (as SALib; COINr uses ``c = 0``): the estimator's
  expectation does not depend on ``c``, its variance is smallest near the mean.
* Total order (Jansen 1999): ``ST_i = mean((y_A − y_ABi)²) / (2 V)``.
* ``V`` is the sample variance (n − 1) of ``y_A`` and ``y_B`` pooled, as COINr.
* Bootstrap: ``spec.bootstrap`` resamples of the ``N`` row indices (the same resample for
  ``A``, ``B`` and every ``AB_i``), percentile interval ``spec.interval``; seeded.
* Targets: per lens, the index-level **mean absolute rank shift** against the nominal ranks
  (over units ranked in both, as COINr), and each unit's rank.
* When every assumption is discrete and the full grid has at most ``spec.exact_grid_max``
  combinations, the grid is enumerated and the indices are exact (uniform weight on each
  alternative, population variances): ``S_i = Var(E[Y | X_i]) / Var(Y)`` and
  ``ST_i = E[Var(Y | X_~i)] / Var(Y)``; intervals then equal the estimate.
* Diagnostics: negative first order, first order above total, interval widths, and the
  total order estimated on the first half of the rows (its change shows convergence).
"""

from __future__ import annotations

import math
import warnings
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..scoring import Assessment
from ..templating import notebook_html, short_repr
from .design import BOOT_STREAM, grid, n_dims, saltelli
from .engine import BlockOut, Progress
from .executors import run_rows
from .setup import make_setup
from .spec import RobustnessSpec, SpecLike, load_robustness_spec, with_overrides
from .uncertainty import nominal_ranks


def sobol_indices(y_a: np.ndarray, y_b: np.ndarray, y_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First (Saltelli 2010) and total (Jansen) order indices.

    Parameters
    ----------
    y_a, y_b
        ``N × …`` outputs of the rows ``A`` and ``B``.
    y_ab
        ``d × N × …`` outputs of the rows ``AB_i``.

    Returns
    -------
    (first, total)
        ``d × …`` arrays (NaN where the output does not vary).
    """
    centre = (y_a.sum(axis=0) + y_b.sum(axis=0) + y_ab.sum(axis=(0, 1))) / (y_ab.shape[1] * (y_ab.shape[0] + 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.var(np.concatenate([y_a, y_b], axis=0), axis=0, ddof=1)
        v = np.where(v > 0, v, np.nan)
        first = np.mean((y_b - centre)[None] * (y_ab - y_a[None]), axis=1) / v
        total = np.mean((y_a[None] - y_ab) ** 2, axis=1) / (2.0 * v)
    return first, total


def bootstrap_sobol(y_a: np.ndarray, y_b: np.ndarray, y_ab: np.ndarray, resamples: int, interval: tuple[float, float],
                    rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Percentile intervals ``(first_lo, first_hi, total_lo, total_hi)`` from row resamples."""
    n = y_a.shape[0]
    if resamples == 0:
        nan = np.full((y_ab.shape[0], *y_a.shape[1:]), np.nan)
        return nan, nan, nan, nan
    firsts, totals = [], []
    for _ in range(resamples):
        idx = rng.integers(0, n, n)
        f, t = sobol_indices(y_a[idx], y_b[idx], y_ab[:, idx])
        firsts.append(f)
        totals.append(t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fq = np.nanquantile(np.stack(firsts), interval, axis=0)
        tq = np.nanquantile(np.stack(totals), interval, axis=0)
    return fq[0], fq[1], tq[0], tq[1]


def exact_indices(y: np.ndarray, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Exact first and total order indices over a full grid (``y``: grid rows × …, last factor fastest)."""
    t = y.reshape(*shape, *y.shape[1:])
    d = len(shape)
    axes = tuple(range(d))
    with np.errstate(invalid="ignore", divide="ignore"):
        v = t.var(axis=axes)
        v = np.where(v > 0, v, np.nan)
        first, total = [], []
        for i in range(d):
            others = tuple(a for a in axes if a != i)
            first.append(t.mean(axis=others).var(axis=0) / v)
            total.append(t.var(axis=i).mean(axis=tuple(range(d - 1))) / v)
    return np.stack(first), np.stack(total)


def rank_shift(ranks: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """Mean absolute rank shift per run over the units ranked in the run and nominally."""
    diff = np.abs(ranks.astype("float64") - nominal[None, :])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(diff, axis=1)


@dataclass(repr=False)
class SensitivityResult:
    """Index-level and per-unit sensitivity indices per lens, with diagnostics."""

    spec: RobustnessSpec
    design: str
    n: int
    runs: int
    indices: pd.DataFrame
    per_unit: pd.DataFrame
    diagnostics: pd.DataFrame

    def __repr__(self) -> str:
        return short_repr("SensitivityResult", spec=self.spec.name, design=self.design, n=self.n, runs=self.runs,
                          lenses=list(pd.unique(self.indices["lens"])), factors=list(pd.unique(self.indices["factor"])))

    def _repr_html_(self) -> str:
        """A notebook summary: the design, then the first- and total-order indices with their intervals."""
        facts = {"spec": self.spec.name, "design": self.design, "N": self.n, "runs": self.runs}
        return notebook_html("SensitivityResult", facts, [("", self.indices.set_index(["lens", "factor"]))])

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (for CSV/XLSX export)."""
        return {"sensitivity": self.indices, "sensitivity-units": self.per_unit,
                "sensitivity-diagnostics": self.diagnostics}


def _frame(names: list[str], est: tuple[np.ndarray, ...], **keys: object) -> pd.DataFrame:
    cols = ("S1", "ST", "S1_lo", "S1_hi", "ST_lo", "ST_hi")
    return pd.DataFrame({**keys, "factor": names, **{c: np.asarray(e, dtype="float64") for c, e in zip(cols, est,
                                                                                                        strict=True)}})


def _saltelli_tables(lens: str, names: list[str], y: np.ndarray, per: np.ndarray, n: int, spec: RobustnessSpec,
                     units: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    d = len(names)
    y_a, y_b, y_ab = y[:n], y[n:2 * n], y[2 * n:].reshape(d, n)
    rng = np.random.default_rng(np.random.SeedSequence(spec.seed, spawn_key=(BOOT_STREAM,)))
    first, total = sobol_indices(y_a, y_b, y_ab)
    ci = bootstrap_sobol(y_a, y_b, y_ab, spec.bootstrap, spec.interval, rng)
    idx = _frame(names, (first, total, *ci), lens=lens)
    half = max(n // 2, 2)
    _, total_half = sobol_indices(y_a[:half], y_b[:half], y_ab[:, :half])
    diag = pd.DataFrame({"lens": lens, "factor": names, "N": n, "negative_first": first < 0,
                         "first_above_total": first > total, "S1_width": ci[1] - ci[0], "ST_width": ci[3] - ci[2],
                         "ST_half_N": total_half, "ST_change": total - total_half})
    p_a, p_b, p_ab = per[:n], per[n:2 * n], per[2 * n:].reshape(d, n, -1)
    f_u, t_u = sobol_indices(p_a, p_b, p_ab)
    parts = []
    for lo in range(0, per.shape[1], 256):
        sl = slice(lo, lo + 256)
        parts.append(bootstrap_sobol(p_a[:, sl], p_b[:, sl], p_ab[:, :, sl], spec.bootstrap, spec.interval, rng))
    ci_u = tuple(np.concatenate([p[k] for p in parts], axis=1) for k in range(4)) if parts else ci
    labels = units.get_level_values("unit")
    unit = np.repeat(np.asarray(labels)[None, :], d, axis=0).ravel()
    factor = np.repeat(np.asarray(names)[:, None], len(labels), axis=1).ravel()
    per_unit = pd.DataFrame({"lens": lens, "unit": unit, "factor": factor, "S1": f_u.ravel(), "ST": t_u.ravel(),
                             "S1_lo": ci_u[0].ravel(), "S1_hi": ci_u[1].ravel(), "ST_lo": ci_u[2].ravel(),
                             "ST_hi": ci_u[3].ravel()})
    return idx, per_unit, diag


def _exact_tables(lens: str, names: list[str], y: np.ndarray, per: np.ndarray, shape: tuple[int, ...],
                  units: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    first, total = exact_indices(y, shape)
    idx = _frame(names, (first, total, first, first, total, total), lens=lens)
    f_u, t_u = exact_indices(per, shape)
    labels = np.asarray(units.get_level_values("unit"))
    d = len(names)
    per_unit = pd.DataFrame({"lens": lens, "unit": np.tile(labels, d), "factor": np.repeat(names, len(labels)),
                             "S1": f_u.ravel(), "ST": t_u.ravel(), "S1_lo": f_u.ravel(), "S1_hi": f_u.ravel(),
                             "ST_lo": t_u.ravel(), "ST_hi": t_u.ravel()})
    diag = pd.DataFrame({"lens": lens, "factor": names, "N": int(np.prod(shape)), "negative_first": first < 0,
                         "first_above_total": first > total + 1e-12, "S1_width": 0.0, "ST_width": 0.0,
                         "ST_half_N": np.nan, "ST_change": np.nan})
    return idx, per_unit, diag


def sensitivity(result: Assessment, spec: SpecLike, *, n: int | None = None, seed: int | None = None,
                executor: Executor | int | None = None, progress: Progress | None = None) -> SensitivityResult:
    """Sobol' sensitivity indices of the ranks to each assumption of ``spec``.

    Parameters
    ----------
    result, spec, n, seed, executor, progress
        As :func:`~assessment.robustness.uncertainty` (``spec`` a spec, a mapping or a path); ``n`` is
        the base sample size ``N``.

    Returns
    -------
    SensitivityResult
        ``indices`` (per lens and factor: ``S1``, ``ST`` and their intervals, for the mean
        absolute rank shift), ``per_unit`` (the same for each unit's rank), ``diagnostics``.
    """
    spec = with_overrides(load_robustness_spec(spec), n=n, seed=seed)
    setup = make_setup(result, spec)
    factors = setup.factors
    names = [f.name for f in factors]
    shape = tuple(f.levels for f in factors)
    exact = all(f.kind == "discrete" for f in factors) and math.prod(shape) <= spec.exact_grid_max
    rows = grid(factors) if exact else saltelli(spec, factors, spec.n)
    assert rows.shape[1] == n_dims(factors) or exact
    units = setup.inputs.values.index
    ranks = {lens: np.empty((rows.shape[0], len(units)), dtype="float32") for lens in setup.lenses}

    def consume(lo: int, hi: int, block: BlockOut) -> None:
        for lens in setup.lenses:
            ranks[lens][lo:hi] = block.ranks[lens]

    run_rows(setup, rows, want_nodes=False, executor=executor, progress=progress, consume=consume)
    tables: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = []
    for lens in setup.lenses:
        _, nominal = nominal_ranks(result, lens, units)
        y = rank_shift(ranks[lens], nominal)
        per = ranks[lens].astype("float64")
        tables.append(_exact_tables(lens, names, y, per, shape, units) if exact
                      else _saltelli_tables(lens, names, y, per, spec.n, spec, units))
    return SensitivityResult(spec=spec, design="exact grid" if exact else f"saltelli ({spec.design})",
                             n=int(np.prod(shape)) if exact else spec.n, runs=rows.shape[0],
                             indices=pd.concat([t[0] for t in tables], ignore_index=True),
                             per_unit=pd.concat([t[1] for t in tables], ignore_index=True),
                             diagnostics=pd.concat([t[2] for t in tables], ignore_index=True))
