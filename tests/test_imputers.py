"""Every imputation method is one class: the checks every class passes, found from the registry.

Known answers of every method are in ``test_scoring.py::test_impute_methods_known_answers`` (parametrised
over the same registry, so a new method without its known answer fails there) and COINr's group mean in
``test_scoring_fidelity.py``.
"""

from __future__ import annotations

from typing import get_args

import pytest

from assessment.i18n import _
from assessment.scoring.imputers import IMPUTERS, Imputer
from assessment.scoring.method import IMPUTE_METHODS
from assessment.scoring.specs import Impute, impute_spec


def test_the_names_and_the_union_are_the_classes() -> None:
    assert set(IMPUTE_METHODS) == set(IMPUTERS)
    assert get_args(get_args(Impute)[0]) == tuple(IMPUTERS.values())


@pytest.mark.parametrize("name", list(IMPUTERS))
def test_each_class_documents_itself(name: str) -> None:
    cls = IMPUTERS[name]
    assert cls.__doc__ is not Imputer.__doc__ and cls.summary()
    assert "fill" in vars(cls), "a method says how it fills"
    assert ("group" in cls.needs) == ("group" in cls.model_fields), "a group method names its group column"
    assert impute_spec(name, **({"group": "g"} if "group" in cls.needs else {})).method == name
    if cls.words:
        assert _(cls.words, "vi") != cls.words, f"{name}: its words need a Vietnamese translation"
