"""Imputation, treatment and aggregation methods are classes: the checks every class passes, found from the
registries, and each mean's known answer, worked by hand.

Known answers of every imputation are in ``test_scoring.py::test_impute_methods_known_answers`` (parametrised
over the same registry, so a new method without its known answer fails there) and COINr's group mean in
``test_scoring_fidelity.py``; winsorisation's in ``test_scoring_fidelity.py`` and ``test_fast_paths.py``.
"""

from __future__ import annotations

import math
from typing import get_args

import numpy as np
import pytest

from assessment.i18n import _
from assessment.scoring.imputers import IMPUTERS, Imputer
from assessment.scoring.means import MEANS, Mean
from assessment.scoring.method import AGGREGATE_METHODS, IMPUTE_METHODS, Aggregate, Treat
from assessment.scoring.specs import Impute, impute_spec
from assessment.scoring.treat import TREATERS, Treater


def test_the_imputation_names_and_union_are_the_classes() -> None:
    assert set(IMPUTE_METHODS) == set(IMPUTERS)
    assert get_args(get_args(Impute)[0]) == tuple(IMPUTERS.values())


@pytest.mark.parametrize("name", list(IMPUTERS))
def test_each_imputation_documents_itself(name: str) -> None:
    cls = IMPUTERS[name]
    assert cls.__doc__ is not Imputer.__doc__ and cls.summary()
    assert "fill" in vars(cls), "a method says how it fills"
    assert ("group" in cls.needs) == ("group" in cls.model_fields), "a group method names its group column"
    assert impute_spec(name, **({"group": "g"} if "group" in cls.needs else {})).method == name
    if cls.words:
        assert _(cls.words, "vi") != cls.words, f"{name}: its words need a Vietnamese translation"


#: Values 1 and 4 weighted 1 and 3 (Σw = 4), and a third child missing: each mean by its definition.
#: arithmetic (1 + 12) / 4; geometric exp((ln 1 + 3 ln 4) / 4) = 4^(3/4); harmonic 4 / (1 + 3/4);
#: generalised (p = 2) sqrt((1 + 3·16) / 4).
KNOWN = {"arithmetic": 13 / 4, "geometric": 4 ** 0.75, "harmonic": 4 / 1.75, "generalised": math.sqrt(49 / 4)}


def test_the_mean_names_are_the_classes() -> None:
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


@pytest.mark.parametrize("name", list(TREATERS))
def test_each_treatment_documents_itself(name: str) -> None:
    cls = TREATERS[name]
    assert cls.__doc__ is not Treater.__doc__ and cls.summary()
    assert "treat" in vars(cls), "a treatment says how it treats"
    assert cls.words and _(cls.words, "vi") != cls.words, f"{name}: its words need a Vietnamese translation"
    assert Treat(method=name).method == name
