"""Properties of the report's pure helpers (Hypothesis): peer-group comparison pages, rank chart
geometry and the CSV cells."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from assessment._missing import FORMULA_START
from assessment.report import charts
from assessment.report.compare import MAX_CITIES, MIN_CITIES, split_pages
from assessment.report.downloads import csv_cell


@given(st.integers(min_value=0, max_value=200))
def test_peer_group_pages_hold_every_member_once_in_order(n: int) -> None:
    items = list(range(n))
    pages = split_pages(items)
    if n < MIN_CITIES:
        assert pages == []
        return
    assert [x for page in pages for x in page] == items
    assert all(MIN_CITIES <= len(p) <= MAX_CITIES for p in pages)
    assert max(map(len, pages)) - min(map(len, pages)) <= 1  # near-equal sizes


ranks = st.floats(min_value=1, max_value=500, allow_nan=False)


@given(st.integers(min_value=2, max_value=500), st.lists(st.tuples(ranks, ranks, ranks), min_size=1, max_size=30))
def test_rank_chart_keeps_order_and_stays_on_its_axis(n: int, rows: list[tuple[float, float, float]]) -> None:
    width = 300
    data = []
    for a, b, c in rows:
        lo, med, hi = sorted((min(a, n), min(b, n), min(c, n)))
        data.append((med, med, lo, hi))
    for w, (_, _med, lo, hi) in zip(charts.whiskers(data, n, width), data, strict=True):
        assert w.lo is not None and w.hi is not None and w.median is not None
        assert 0 <= w.lo <= w.median <= w.hi <= width
        assert math.isclose(w.lo, (lo - 1) / (n - 1) * width, abs_tol=0.06)
        assert math.isclose(w.hi, (hi - 1) / (n - 1) * width, abs_tol=0.06)
    ys = [w.y for w in charts.whiskers(data, n, width)]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)


@given(st.one_of(st.floats(allow_nan=True, allow_infinity=False), st.integers(), st.text(), st.none()))
def test_csv_cells_round_trip_numbers_and_defuse_formulas(value: object) -> None:
    out = csv_cell(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        assert out == ""
    elif isinstance(value, float):
        assert float(out) == value
    elif isinstance(value, int):
        assert int(out) == value
    else:
        assert isinstance(value, str)
        assert out == ("'" + value if value.startswith(FORMULA_START) else value)
