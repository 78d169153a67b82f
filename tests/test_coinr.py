"""COINr iData/iMeta import, checked on the ASEM example COINr ships."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import assessment
from assessment import CatalogueError, InputError


@pytest.fixture(scope="module")
def asem(reference_dir: Path) -> assessment.CoinrImport:
    return assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")


def test_structure_matches_imeta(asem: assessment.CoinrImport, reference_dir: Path) -> None:
    meta = pd.read_csv(reference_dir / "coinr_ASEM_iMeta.csv")
    cat = asem.catalogue
    lens = cat.lens("coinr")
    assert len(cat.indicators) == (meta["Type"] == "Indicator").sum() == 49
    depth = {n.id: lens.depth(n.id) for n in lens.nodes}
    assert depth["Index"] == 0 and depth["Conn"] == depth["Sust"] == 1
    assert sorted(k for k, d in depth.items() if d == 2) == sorted(meta.loc[meta["Level"] == 2, "iCode"])
    placed = cat.membership("coinr")
    for _, row in meta[meta["Type"] == "Indicator"].iterrows():
        ind = cat.indicator(row["iCode"])
        assert ind.direction == int(row["Direction"])
        assert placed[ind.id] == row["Parent"]
        assert ind.target == pytest.approx(row["Target"])
        assert ind.denominator == (None if pd.isna(row["Denominator"]) else row["Denominator"])


def test_data_groups_and_denominators(asem: assessment.CoinrImport) -> None:
    assert asem.data.shape[0] == 51 and asem.data.index.name == "uCode"
    assert asem.groups == ("GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group")
    assert asem.denominators == ("Area", "Energy", "GDP", "Population")
    assert int(asem.data[[i.id for i in asem.catalogue.indicators]].isna().sum().sum()) == 63


def test_dataframes_are_accepted_and_not_mutated(reference_dir: Path) -> None:
    idata = pd.read_csv(reference_dir / "coinr_ASEM_iData.csv")
    imeta = pd.read_csv(reference_dir / "coinr_ASEM_iMeta.csv")
    before = (idata.copy(), imeta.copy())
    result = assessment.from_coinr(idata, imeta)
    pd.testing.assert_frame_equal(idata, before[0])
    pd.testing.assert_frame_equal(imeta, before[1])
    assert len(result.catalogue.indicators) == 49


def test_excel_input(reference_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "imeta.xlsx"
    pd.read_csv(reference_dir / "coinr_ASEM_iMeta.csv").to_excel(path, index=False)
    result = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", path)
    assert len(result.catalogue.indicators) == 49


def test_goalpost_columns(reference_dir: Path) -> None:
    imeta = pd.read_csv(reference_dir / "coinr_ASEM_iMeta.csv")
    imeta["goalpost_lower"], imeta["goalpost_upper"] = 0.0, 100.0
    cat = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", imeta).catalogue
    assert cat.indicator("LPI").goalposts.worst == 0 and cat.indicator("LPI").goalposts.best == 100  # type: ignore[union-attr]
    assert cat.indicator("CO2").goalposts.worst == 100  # type: ignore[union-attr]  # direction -1


def test_every_hierarchy_problem_listed(reference_dir: Path) -> None:
    imeta = pd.read_csv(reference_dir / "coinr_ASEM_iMeta.csv")
    imeta.loc[imeta["iCode"] == "LPI", "Parent"] = "Nowhere"
    imeta.loc[imeta["iCode"] == "Flights", "Direction"] = 2
    imeta.loc[imeta["iCode"] == "Ship", "Weight"] = -1
    imeta.loc[imeta["iCode"] == "Conn", "Parent"] = "Physical"  # cycle Conn -> Physical -> Conn
    with pytest.raises(CatalogueError) as info:
        assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", imeta)
    codes = {(p.code, p.item) for p in info.value.problems}
    assert ("literal_error", "Flights") in codes
    assert ("greater_than_equal", "Ship") in codes
    assert ("unknown-node", "coinr/Nowhere") in codes
    assert any(code == "cyclic-parent" for code, _ in codes)


def test_missing_columns(reference_dir: Path) -> None:
    imeta = pd.read_csv(reference_dir / "coinr_ASEM_iMeta.csv").drop(columns=["Parent", "Type"])
    with pytest.raises(InputError) as info:
        assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", imeta)
    assert {p.field for p in info.value.problems} == {"Parent", "Type"}
