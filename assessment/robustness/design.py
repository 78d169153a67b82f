"""Sampling designs: every replicate is one row ``u`` of uniform numbers in [0, 1).

Each assumption is one *factor* owning a slice of the row's columns:

* a discrete assumption with ``k`` alternatives owns one column; ``u`` picks alternative
  ``min(floor(u k), k - 1)`` (equal-width bins, as COINr);
* a weights assumption owns one column per weight it perturbs (a grouped factor: the
  Saltelli design swaps the whole group at once);
* the data assumption owns one column picking one of its ``draws`` perturbed data sets.

Random streams come from ``numpy.random.SeedSequence(seed, spawn_key=(stream, block))``: one
stream per block of ``spec.block`` rows, so the design does not depend on how many workers
run it. ``sobol`` draws one scrambled Sobol' sequence (``scipy.stats.qmc``) for the whole
design instead.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import InputError, Problem
from ..i18n import N_
from .spec import SOURCE, DataAssumption, DiscreteAssumption, RobustnessSpec, WeightAssumption

UA_STREAM, SA_STREAM, DATA_STREAM, BOOT_STREAM = 0, 1, 2, 3


@dataclass(frozen=True)
class Factor:
    """One uncertain assumption as columns ``start : start + dims`` of a design row."""

    name: str
    kind: str
    start: int
    dims: int
    levels: int = 0
    share: float = 0.0

    @property
    def stop(self) -> int:
        """One past the factor's last column."""
        return self.start + self.dims


def build_factors(spec: RobustnessSpec, weight_counts: dict[str, int]) -> tuple[Factor, ...]:
    """Lay the spec's assumptions out as factors (``weight_counts``: weights perturbed per weights assumption)."""
    out, start = [], 0
    for a in spec.assumptions:
        if isinstance(a, DiscreteAssumption):
            f = Factor(a.name, "discrete", start, 1, levels=len(a.values))
        elif isinstance(a, WeightAssumption):
            f = Factor(a.name, "weights", start, weight_counts[a.name], share=a.share)
        else:
            assert isinstance(a, DataAssumption)
            f = Factor(a.name, "data", start, 1, levels=a.draws)
        out.append(f)
        start = f.stop
    return tuple(out)


def n_dims(factors: tuple[Factor, ...]) -> int:
    """Columns of a design row."""
    return factors[-1].stop if factors else 0


def pick(u: np.ndarray, levels: int) -> np.ndarray:
    """Alternative index for uniforms ``u`` by equal-width bins."""
    return np.minimum((np.asarray(u) * levels).astype(np.int64), levels - 1)


def _stream(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def montecarlo(n: int, dims: int, seed: int, stream: int, block: int) -> np.ndarray:
    """``n × dims`` uniforms, one independent stream per block of ``block`` rows."""
    parts = [_stream(seed, stream, b).random((min(block, n - lo), dims))
             for b, lo in enumerate(range(0, n, block))]
    return np.vstack(parts) if parts else np.empty((0, dims))


def sobol(n: int, dims: int, seed: int, stream: int) -> np.ndarray:
    """``n × dims`` scrambled Sobol' points (needs scipy)."""
    try:
        from scipy.stats import qmc
    except ImportError:
        raise InputError([Problem(SOURCE, field="design", code="needs-scipy",
                                  message=N_("the sobol design needs scipy, which is not installed"),
                                  fix=N_("pip install scipy, or use design: montecarlo"))]) from None
    engine = qmc.Sobol(d=dims, scramble=True, seed=_stream(seed, stream))
    with warnings.catch_warnings():  # balance properties need n = 2^m; any n is still a valid design
        warnings.simplefilter("ignore", UserWarning)
        return np.asarray(engine.random(n))


def uniforms(spec: RobustnessSpec, n: int, dims: int, stream: int) -> np.ndarray:
    """The design's uniform matrix for ``spec.design``."""
    if spec.design == "sobol":
        return sobol(n, dims, spec.seed, stream)
    return montecarlo(n, dims, spec.seed, stream, spec.block)


def saltelli(spec: RobustnessSpec, factors: tuple[Factor, ...], n: int) -> np.ndarray:
    """Rows ``A``, ``B`` then ``AB_i`` for each factor (``A`` with factor i's columns from ``B``)."""
    dims = n_dims(factors)
    ab = uniforms(spec, n, 2 * dims, SA_STREAM)
    a, b = ab[:, :dims], ab[:, dims:]
    blocks = [a, b]
    for f in factors:
        abi = a.copy()
        abi[:, f.start:f.stop] = b[:, f.start:f.stop]
        blocks.append(abi)
    return np.vstack(blocks)


def grid(factors: tuple[Factor, ...]) -> np.ndarray:
    """Every combination of discrete alternatives (bin centres), last factor varying fastest."""
    axes = [(np.arange(f.levels) + 0.5) / f.levels for f in factors]
    return np.array(list(itertools.product(*axes)), dtype="float64").reshape(-1, len(factors))
