"""Every aggregation method is one class (:mod:`assessment.scoring.means`): the checks every class passes,
found from the registry, and each mean's known answer, worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assessment.i18n import _
from assessment.scoring.means import MEANS, Mean
from assessment.scoring.method import AGGREGATE_METHODS, Aggregate

#: Values 1 and 4 weighted 1 and 3 (Σw = 4), and a third child missing: each mean by its definition.
#: arithmetic (1 + 12) / 4; geometric exp((ln 1 + 3 ln 4) / 4) = 4^(3/4); harmonic 4 / (1 + 3/4);
#: generalised (p = 2) sqrt((1 + 3·16) / 4).
KNOWN = {"arithmetic": 13 / 4, "geometric": 4 ** 0.75, "harmonic": 4 / 1.75, "generalised": math.sqrt(49 / 4)}


def test_the_names_are_the_classes() -> None:
    assert tuple(MEANS) == AGGREGATE_METHODS
    assert Aggregate(method="harmonic").method == "harmonic"


@pytest.mark.parametrize("name", list(MEANS))
def test_each_mean_documents_itself_and_keeps_its_known_answer(name: str) -> None:
    cls = MEANS[name]
    assert cls.__doc__ is not Mean.__doc__ and cls.summary()
    assert cls.words and _(cls.words, "vi") != cls.words, f"{name}: its words need a Vietnamese translation"
    x = np.array([[1.0, 4.0, np.nan]])
    mask = np.isfinite(x)
    w = np.array([[1.0], [3.0], [2.0]])
    wsum = mask.astype("float64") @ w
    with np.errstate(all="ignore"):
        got = cls().weighted(x, mask, w, wsum, 2.0)
    assert got[0, 0] == pytest.approx(KNOWN[name], rel=1e-12)
    assert cls().domain_problem(x[mask], 2.0) == ""  # positive values are in every mean's domain
