"""Every normalisation method is one class: the checks every class passes, found from the registry.

A method added to :mod:`assessment.scoring.normalisers` is picked up here (and by
``tests/test_scoring.py::test_every_normalise_and_aggregate_method``) without a word in this file:
its declarations are checked against its behaviour (a bounded method stays within its range, a
higher value never scores lower, the direction is applied as ``x' = d·x``), its page words are
translated, and the reference table of ``docs/scoring.md`` is current. Known answers of each method
are in the tests of the stage (``test_scoring_fidelity.py`` for COINr's, ``test_goalposts.py``) and
below for the ones added since.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import numpy as np
import pytest

from assessment.i18n import _
from assessment.scoring.method import NORMALISE_METHODS
from assessment.scoring.normalisers import (
    NAMES,
    NORMALISERS,
    Columns,
    Normaliser,
    NormaliseSpec,
    normalise_spec,
)
from assessment.scoring.normalisers.cohort import Borda
from assessment.scoring.specs import TABLES, marks, with_tables

ROOT = Path(__file__).resolve().parent.parent


def test_the_names_and_the_union_are_the_classes() -> None:
    assert NAMES == tuple(NORMALISERS) == NORMALISE_METHODS
    union = get_args(get_args(NormaliseSpec)[0])
    assert union == tuple(dict.fromkeys(NORMALISERS.values()))
    assert NAMES[:3] == ("none", "anchored", "goalposts")  # the registry keeps the order messages list them in


def test_the_method_tables_in_the_docs_are_current() -> None:
    """docs/scoring.md holds the table of every stage's methods, made from the classes, and it is current."""
    doc = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    assert all(mark in doc for name in TABLES for mark in marks(name))
    assert with_tables(doc) == doc, ("docs/scoring.md's tables of methods are out of date: run make docs (or "
                                     "python -c 'from assessment.scoring.specs import update_reference; "
                                     "update_reference()')")
    for name in NAMES:
        assert f"| `{name}` |" in doc


@pytest.mark.parametrize("name", NAMES)
def test_each_class_documents_itself(name: str) -> None:
    cls = NORMALISERS[name]
    assert cls.__doc__ is not Normaliser.__doc__ and cls.summary(), "a method says what it does in its docstring"
    assert not cls.bounded or "range" in cls.model_fields, "a bounded method is bounded by its range"
    assert "compute" in vars(cls) or any("compute" in vars(b) for b in cls.__mro__[1:] if b is not Normaliser)
    assert cls.words, f"{name}: a page says the method in words (its class's words)"
    assert _(cls.words, "vi") != cls.words, f"{name}: its words need a Vietnamese translation"


def _spec(name: str, lo_hi: tuple[float, float] = (1.0, 100.0)) -> Normaliser:
    params: dict[str, Any] = {"range": lo_hi} if "range" in NORMALISERS[name].model_fields else {}
    if "reference unit" in NORMALISERS[name].needs:
        params["reference_unit"] = "row 0"
    return normalise_spec(name, **params)


def _case(seed: int) -> tuple[np.ndarray, Columns]:
    """A table with ties and missing values, and a catalogue's worth of goalposts, targets and thresholds."""
    rng = np.random.default_rng(seed)
    n, m = 23, 6
    x = np.round(rng.normal(50, 20, (n, m)), 0)  # rounded: ties
    x[rng.random(x.shape) < 0.15] = np.nan
    x[0] = np.nanmedian(x, axis=0)  # the reference row has a value, inside the range
    d = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
    low, high = np.full(m, 10.0), np.full(m, 90.0)
    worst, best = np.where(d > 0, low, high), np.where(d > 0, high, low)
    th = np.array([np.linspace(w, b, 7)[1:6] for w, b in zip(worst, best, strict=True)])
    th[2] = np.nan  # a column without thresholds
    return x, Columns(d, worst, best, best.copy(), th, ref_row=0)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", NAMES)
def test_each_method_keeps_its_declarations(name: str, seed: int) -> None:
    """Missing stays missing, a bounded method stays in its range, a higher ``x'`` never scores lower, and
    the direction is ``x' = d·x``: the same values turned round with their catalogue give the same scores."""
    x, cols = _case(seed)
    spec = _spec(name)
    y = spec.compute(x.copy(), cols)
    assert y.shape == x.shape
    assert np.isnan(y[np.isnan(x)]).all()
    if spec.bounded:
        lo, hi = spec.scale
        assert np.nanmin(y) >= lo - 1e-9 and np.nanmax(y) <= hi + 1e-9
    for j in range(x.shape[1]):
        xd, yj = x[:, j] * cols.direction[j], y[:, j]
        ok = ~np.isnan(xd) & ~np.isnan(yj)
        order = np.argsort(xd[ok], kind="stable")
        assert (np.diff(yj[ok][order]) >= -1e-9).all(), f"{name}: a better value scored lower in column {j}"
    th = None if cols.thresholds is None else -cols.thresholds
    turned = Columns(-cols.direction, -cols.worst, -cols.best, -cols.target, th, cols.ref_row)
    np.testing.assert_allclose(spec.compute(-x, turned), y, rtol=1e-12, atol=1e-12)


def test_borda_known_answers() -> None:
    """COINr's ``n_borda``: ``rank(x, ties.method = "min", na.last = "keep") - 1`` of ``x' = d·x``, by hand.

    x = 3, 1, 4, 1, 5, NaN. Higher is better: the values below each are 2 (1, 1), 0, 3 (3, 1, 1), 0, 4, and
    the two 1s tie at the lowest rank, so both score 0. Lower is better (x' = -3, -1, -4, -1, -5): -5 beats
    nobody (0), -4 beats one (1), -3 two (2), each -1 three (3); missing stays missing.
    """
    x = np.array([[3.0, 3.0], [1.0, 1.0], [4.0, 4.0], [1.0, 1.0], [5.0, 5.0], [np.nan, np.nan]])
    nan = np.full(2, np.nan)
    assert normalise_spec("borda") == Borda()  # a method file's `method: borda` is this class
    got = Borda().compute(x, Columns(np.array([1.0, -1.0]), nan, nan, nan))
    np.testing.assert_array_equal(got[:, 0], [2, 0, 3, 0, 4, np.nan])
    np.testing.assert_array_equal(got[:, 1], [2, 3, 1, 3, 0, np.nan])

