"""The report's fast paths against the plain ways of doing the same thing.

Each must give exactly what the plain one gives: the results workbook written cell by cell
against ``DataFrame.to_excel`` (byte for byte), and the city pages' values read from tables made
once per report against ``.loc`` and whole-table filters per page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import tempfile
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import assessment
from assessment.report.criteria import criteria_rows, criteria_sections
from assessment.report.view import ReportView
from assessment.scoring import export
from assessment.scoring.result import run

ROOT = Path(__file__).resolve().parent.parent


def workbook(path: Path, frames: list[pd.DataFrame], plain: bool) -> bytes:
    """``frames`` written one sheet each by :func:`export.write_sheet`, fixed metadata; the file's bytes."""
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        writer.book.set_properties({"created": dt.datetime(2000, 1, 1)})
        for k, frame in enumerate(frames):
            export.write_sheet(writer, f"s{k}", frame, plain=plain)
    return path.read_bytes()


def awkward_frames() -> list[pd.DataFrame]:
    """Every kind of cell the results hold, and some they do not (links, formulas, infinities, -0.0)."""
    units = pd.Index(["Đà Nẵng", "Ha Noi", "=HYPERLINK(1)", "https://example.org", ""], name="unit")
    floats = pd.DataFrame({"a": [1.5, np.nan, np.inf, -np.inf, -0.0], "b": [1e-300, 2.0, 3.0, np.nan, 1e300]},
                          index=units)
    mixed = pd.DataFrame({"kind": ["strength", None, "weak", "", "=1+1"], "order": np.arange(5, dtype="int64"),
                          "flag": np.array([1, 0, 1, 1, 0], dtype="int8"), "kept": [True, False, True, True, False],
                          "u8": np.array([0, 1, 2, 3, 255], dtype="uint8"),
                          "text": pd.Series(["x", np.nan, "mailto:a@b.c", "y", "z"], dtype="str"),
                          "obj": [1, 2.5, np.nan, "t", np.int64(7)]}, index=units)
    numbered = pd.DataFrame({1: [0.1, 0.2], "2": [3, 4]}, index=pd.Index([10, 20]))  # unnamed integer index
    panel = floats.iloc[:4].set_axis(pd.MultiIndex.from_tuples(
        [("A", 2020), ("A", 2021), ("B", 2020), ("C", 2021)], names=["unit", "year"]))
    return [floats, mixed, numbered, floats.iloc[:0], floats.iloc[:, :0], panel,
            pd.DataFrame({"d": pd.to_datetime(["2020-01-01", "2021-06-30"])}, index=pd.Index(["x", "y"], name="u")),
            pd.DataFrame({"n": pd.array([1, None], dtype="Int64")}, index=pd.Index(["x", "y"], name="u"))]


def test_sheets_written_cell_by_cell_equal_to_excel(tmp_path: Path) -> None:
    frames = awkward_frames()
    assert export.excel_value(np.float32(0.5)) == 0.5 and export.excel_value(np.inf) == "inf"
    assert workbook(tmp_path / "fast.xlsx", frames, False) == workbook(tmp_path / "plain.xlsx", frames, True)


values = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.none(), st.text(max_size=6),
                   st.integers(min_value=-(2**53), max_value=2**53), st.booleans())


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(st.tuples(values, st.floats(allow_nan=True, allow_infinity=True), values), max_size=6),
       labels=st.lists(st.text(max_size=4), min_size=6, max_size=6, unique=True))
def test_any_small_table_is_written_as_to_excel_writes_it(rows: list[tuple[object, float, object]],
                                                          labels: list[str]) -> None:
    frame = pd.DataFrame(rows, columns=["x", "y", "z"], index=pd.Index(labels[:len(rows)], name="unit"))
    with tempfile.TemporaryDirectory() as tmp:
        assert workbook(Path(tmp) / "fast.xlsx", [frame], False) == workbook(Path(tmp) / "plain.xlsx", [frame], True)


@pytest.fixture(scope="module")
def criteria_result() -> assessment.Assessment:
    """The example cohort under the example criteria catalogue, every city answering (seeded) most criteria."""
    cat = assessment.load_catalogue(ROOT / "examples" / "criteria" / "catalogue.yaml")
    intake = assessment.read_submissions([ROOT / "examples" / "ascn-2025"], catalogue=cat).without_error_files()
    result = assessment.assess(intake, catalogue=cat)
    rng = random.Random(3)
    rows = [{"unit": unit, "year": 2025, "model": m.id, "criterion": c.id, "met": rng.choice([True, False, None]),
             "evidence": rng.choice(["", "Decision 1/2024"]), "notes": ""}
            for unit in result.normalised.index for m in cat.criteria for c in m.criteria if rng.random() > 0.15]
    return run(dataclasses.replace(result.inputs, criteria=pd.DataFrame(rows)), result.method)


def test_results_workbook_equals_the_to_excel_one(criteria_result: assessment.Assessment, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fast = criteria_result.to_excel(tmp_path / "fast.xlsx", lang="vi").read_bytes()
    plain_sheet = export.write_sheet
    monkeypatch.setattr(export, "write_sheet", lambda w, n, f, plain=False: plain_sheet(w, n, f, plain=True))
    assert fast == criteria_result.to_excel(tmp_path / "plain.xlsx", lang="vi").read_bytes()


def plain_coverage(rep: ReportView, key: object) -> tuple[dict[str, int], list[str]]:
    """The coverage counts and cells of one page as first written: ``.loc`` on the raw and flag tables."""
    ids = [i.id for i in rep.scored]
    raw = rep.r.raw.loc[key, ids]
    imputed = rep.r.imputed_flags.loc[key, ids] if key in rep.r.imputed_flags.index else raw * 0
    reported, n_imp = int(raw.notna().sum()), int(imputed.astype(bool).sum())
    cells = ["imputed" if bool(imputed[i]) else "missing" if pd.isna(raw[i]) else "reported" for i in ids]
    return {"reported": reported, "imputed": n_imp, "missing": len(ids) - reported - n_imp, "total": len(ids)}, cells


def same(a: dict[object, object], b: dict[object, object]) -> bool:
    """Equal keys, values of the same type and equal (two missing values count as equal)."""
    def equal(x: object, y: object) -> bool:
        return type(x) is type(y) and (x == y or (pd.isna(x) and pd.isna(y)))

    return list(a) == list(b) and all(equal(a[k], b[k]) for k in a)


def check_view(rep: ReportView) -> None:
    r = rep.r
    for frame in (r.imputed, r.imputed_flags, r.normalised, r.enabler_levels, rep.scores, rep.peer_scores,
                  r.indicator_ranks, r.indicator_levels, rep.profiles):
        for key in rep.keys:
            assert same(rep.row(frame, key), frame.loc[key].to_dict())
    assert rep.row(rep.scores, ("no such city",)) == {}
    sw = r.strengths
    for key in rep.keys:
        assert (rep.coverage(key), rep.coverage_cells(key)) == plain_coverage(rep, key)
        mask = sw["unit"] == rep.unit_label(key)
        if isinstance(key, tuple):
            mask &= sw["year"] == key[1]
        assert rep.strength_rows(key) == sw[mask].to_dict("records")


def test_city_values_read_once_equal_the_per_page_lookups(criteria_result: assessment.Assessment) -> None:
    rep = ReportView(criteria_result, "vi")
    check_view(rep)
    by_unit = criteria_rows(criteria_result)
    for key in rep.keys:
        assert criteria_sections(criteria_result, key, "vi", by_unit) == criteria_sections(criteria_result, key, "vi")
    assert any(s.levels for key in rep.keys for s in criteria_sections(criteria_result, key, "en", by_unit))


def test_panel_values_read_once_equal_the_per_page_lookups(synthetic: ModuleType) -> None:
    frame = synthetic.cohort(12, 40, years=3, seed=4)
    frame.loc[frame.index[::5], "population"] = np.nan
    check_view(ReportView(assessment.assess(frame), "en"))


def test_long_sheets_with_gaps_are_written_as_to_excel_writes_them(tmp_path: Path) -> None:
    """Rows past several 16-row span blocks, with NaN, ±inf, empty rows and columns, and text and
    integer columns between the float ones, written as ``DataFrame.to_excel`` writes them; and a sheet
    given a column format afterwards (its numbers then written by xlsxwriter itself)."""
    rng = np.random.default_rng(11)
    body = rng.normal(size=(70, 6)) * 10.0 ** rng.integers(-5, 6, size=(70, 6))
    body[rng.random(body.shape) < 0.2] = np.nan
    body[rng.random(body.shape) < 0.03] = np.inf
    body[20:37] = np.nan  # more than a whole block of rows with no number
    body[:, 4] = np.nan
    frame = pd.DataFrame(body, columns=list("abcdef"), index=pd.Index([f"u{i}" for i in range(70)], name="unit"))
    frame.insert(2, "note", rng.choice(["x", "", None, "=1"], size=70))
    frame.insert(5, "n", rng.integers(-3, 10**6, size=70))
    frames = [frame, frame.iloc[:, 3:], frame.reset_index(drop=True)]
    assert workbook(tmp_path / "fast.xlsx", frames, False) == workbook(tmp_path / "plain.xlsx", frames, True)

    def formatted(path: Path, plain: bool) -> bytes:
        with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
            writer.book.set_properties({"created": dt.datetime(2000, 1, 1)})
            export.write_sheet(writer, "s", frame, plain=plain)
            writer.book.get_worksheet_by_name("s").set_column(1, 3, 20, writer.book.add_format({"bold": True}))
        return path.read_bytes()

    assert formatted(tmp_path / "fast-format.xlsx", False) == formatted(tmp_path / "plain-format.xlsx", True)


def test_an_unchecked_xlsxwriter_gets_plain_number_cells_and_the_same_bytes(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """With an xlsxwriter version the block writer was not checked against, the numbers are ordinary
    ``write_number`` cells, and the workbook's bytes are those of the block writer and of ``to_excel``."""
    rng = np.random.default_rng(5)
    body = rng.normal(size=(40, 4))
    body[rng.random(body.shape) < 0.2] = np.nan
    frame = pd.DataFrame(body, columns=list("abcd"), index=pd.Index([f"u{i}" for i in range(40)], name="unit"))
    fast = workbook(tmp_path / "fast.xlsx", [frame], False)
    from assessment.scoring import blocksheet

    monkeypatch.setattr(blocksheet, "BLOCK_XLSXWRITER", frozenset())
    assert workbook(tmp_path / "cells.xlsx", [frame], False) == fast == workbook(tmp_path / "plain.xlsx", [frame],
                                                                                 True)
