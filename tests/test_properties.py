"""Hypothesis properties of the catalogue rules."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from assessment.catalogue.checks import check_indicator
from assessment.catalogue.models import Basis, Goalposts, Indicator, Thresholds

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
BASIS = Basis(kind="judgement", source="test")


def _indicator(direction: int, goalposts: tuple[float, float] | None = None,
               thresholds: tuple[float, ...] | None = None) -> Indicator:
    return Indicator(
        id="X", name={"en": "x"}, unit={"en": "u"}, direction=direction,  # type: ignore[arg-type]
        goalposts=Goalposts(worst=goalposts[0], best=goalposts[1], basis=BASIS) if goalposts else None,
        thresholds=Thresholds(values=thresholds, basis=BASIS) if thresholds else None,  # type: ignore[arg-type]
    )


@given(st.sampled_from([1, -1]), st.lists(finite, min_size=5, max_size=5))
def test_thresholds_flagged_iff_not_strictly_monotonic(direction: int, values: list[float]) -> None:
    problems = list(check_indicator(_indicator(direction, thresholds=tuple(values)), "src", set()))
    monotonic = all((b - a) * direction > 0 for a, b in itertools.pairwise(values))
    assert any(p.code == "thresholds-not-monotonic" for p in problems) == (not monotonic)


@given(st.sampled_from([1, -1]), finite, finite)
def test_goalposts_flagged_iff_equal_or_against_direction(direction: int, worst: float, best: float) -> None:
    codes = {p.code for p in check_indicator(_indicator(direction, goalposts=(worst, best)), "src", set())}
    assert ("goalposts-equal" in codes) == (worst == best)
    assert ("goalposts-reversed" in codes) == (worst != best and (best - worst) * direction < 0)


@given(st.lists(finite, min_size=5, max_size=5, unique=True))
def test_sorted_thresholds_always_pass_in_their_direction(values: list[float]) -> None:
    up, down = tuple(sorted(values)), tuple(sorted(values, reverse=True))
    assert not list(check_indicator(_indicator(1, thresholds=up), "s", set()))
    assert not list(check_indicator(_indicator(-1, thresholds=down), "s", set()))
