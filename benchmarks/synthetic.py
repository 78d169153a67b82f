"""Seeded synthetic cohorts for benchmarks and scale tests (illustrative numbers, not data)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import assessment

COUNTRIES = ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")


def cohort(n_units: int, n_indicators: int = 100, years: int = 1, seed: int = 0,
           missing: float = 0.05) -> pd.DataFrame:
    """A wide table: one row per unit (and year), catalogue indicator columns, profile columns.

    Values are drawn uniformly across each indicator's goalposts widened by 10 % on both sides
    (so capping is exercised), context indicators (no goalposts) between 0 and 1000;
    ``missing`` of the cells are left empty. Indicators are taken in catalogue order.
    """
    rng = np.random.default_rng(seed)
    cat = assessment.load_catalogue()
    inds = list(cat.indicators)[:n_indicators]
    lo = np.array([min(i.goalposts.worst, i.goalposts.best) if i.goalposts else 0.0 for i in inds])
    hi = np.array([max(i.goalposts.worst, i.goalposts.best) if i.goalposts else 1000.0 for i in inds])
    span = hi - lo
    units = np.array([f"city-{k:05d}" for k in range(n_units)])
    frames = []
    pop = np.round(np.exp(rng.normal(13.0, 1.2, n_units)))
    country = rng.choice(COUNTRIES, n_units)
    for y in range(years):
        x = rng.uniform(lo - 0.1 * span, hi + 0.1 * span, size=(n_units, len(inds)))
        x[rng.random(x.shape) < missing] = np.nan
        frame = pd.DataFrame(x, columns=[i.id for i in inds])
        frame.insert(0, "unit", units)
        frame.insert(1, "year", 2016 + y)
        frame["country"] = country
        frame["population"] = pop
        for e in cat.enablers:
            frame[e.id] = rng.integers(0, 6, n_units).astype("float64")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
