"""Generate the illustrative example cohort ``examples/ascn-2025/`` (seeded, reproducible).

26 filled workbooks, one per ASEAN Smart Cities Network pilot city (2018 list), plus two
deliberately broken workbooks that exercise the validator's messages. Values are
**illustrative, not official data**: they are drawn between each indicator's catalogue
goalposts around a per-city level, within what real cities report (each indicator's
plausible range). Populations are real: GeoNames figures from
``ascn-populations.csv`` (see ``ascn_populations.py``). Vietnamese cities fill the Vietnamese template.

    python examples/make_ascn_2025.py [OUT_DIR]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

import assessment
from assessment.i18n import text
from assessment.intake import Prefill, write_template

HERE = Path(__file__).resolve().parent
YEAR = 2025
SEED = 2025
NOTICE = {
    "en": "ILLUSTRATIVE EXAMPLE DATA: generated values, not official statistics of this city.",
    "vi": "DỮ LIỆU MINH HỌA: giá trị được tạo ra, không phải số liệu chính thức của thành phố này.",
}
SOURCE = {"en": "Illustrative example value (not official data)",
          "vi": "Giá trị minh họa (không phải số liệu chính thức)"}
MISSING_NOTE = {"en": "Not collected yet", "vi": "Chưa thu thập"}
#: A per-country level (0–1) so that the illustrative cohort has some structure.
LEVEL = {"SG": 0.8, "MY": 0.62, "TH": 0.55, "BN": 0.55, "VN": 0.5, "ID": 0.47, "PH": 0.45, "KH": 0.35,
         "LA": 0.33, "MM": 0.3}


def slug(name: str) -> str:
    return "-".join("".join(ch.lower() if ch.isalnum() else " " for ch in name).split())


def _round(v: float) -> float:
    return round(v, 1) if abs(v) >= 10 else round(v, 2)


def _plausible(ind: assessment.Indicator, value: float, share: float) -> float:
    """A value outside what real cities report (the indicator's plausible range) is drawn again, with
    the same share, between the goalposts cut to that range (a life expectancy goalpost of 20 years is a
    scoring bound, not a value a city reports); a value inside it is kept as drawn."""
    pl = ind.plausible
    if pl is None or pl.low <= _round(value) <= pl.high:
        return value
    ends = (ind.goalposts.worst, ind.goalposts.best) if ind.goalposts is not None else (pl.low, pl.high)
    worst, best = (float(np.clip(g, pl.low, pl.high)) for g in ends)
    return worst + share * (best - worst)


def prefill(cat: assessment.Catalogue, rng: np.random.Generator, country: str, population: int,
            lang: str) -> Prefill:
    base = LEVEL[country] + rng.normal(0, 0.06)
    indicators: dict[str, dict[str, object]] = {}
    for ind in cat.indicators:
        if rng.random() < 0.06:
            indicators[ind.id] = {"notes": MISSING_NOTE[lang]}
            continue
        lo, hi = ind.valid_range
        if ind.goalposts is not None:
            share = float(np.clip(base + rng.normal(0, 0.15), 0.02, 0.98))
            value = ind.goalposts.worst + share * (ind.goalposts.best - ind.goalposts.worst)
        else:
            share = rng.uniform(0.0, 1.0)
            value = (lo or 0.0) + share * ((hi if hi is not None else 1000.0) - (lo or 0.0))
        value = _plausible(ind, value, share)
        value = float(np.clip(value, lo if lo is not None else -np.inf, hi if hi is not None else np.inf))
        indicators[ind.id] = {"value": _round(value), "data_year": int(YEAR - rng.choice([1, 1, 1, 2, 3])),
                              "source": SOURCE[lang], "quality": int(rng.integers(1, 5))}
    enablers = {e.id: {"level": int(np.clip(round(base * 5 + rng.normal(0, 0.8)), 0, 5)), "evidence": SOURCE[lang]}
                for e in cat.enablers}
    return Prefill(profile={"population": population}, indicators=indicators, enablers=enablers,
                   notice=NOTICE[lang])


def _reproducible(path: Path) -> None:
    """Rewrite a workbook saved by openpyxl with fixed zip times and document dates (same bytes each run)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zin:
        parts = [(i.filename, zin.read(i)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data)
            zout.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), data,
                          compress_type=zipfile.ZIP_DEFLATED)


def break_typing(path: Path) -> None:
    """Typing mistakes a city team makes; each is reported, none is guessed."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    prof, ind, ena = (wb[n] for n in wb.sheetnames[1:4])
    prof["C3"] = "XX"          # unknown country code
    prof["C5"] = None          # population missing
    rows = {ind.cell(r, 1).value: r for r in range(2, ind.max_row + 1)}
    ind.cell(rows["BI-NRW"], 5, "1,234")       # ambiguous thousands/decimal
    ind.cell(rows["BI-SANIT"], 5, "12,5")      # decimal comma in an English template
    ind.cell(rows["BI-WATER"], 5, "97.5%")     # percent sign on a % unit: accepted
    ind.cell(rows["BI-ROOMS"], 5, "1.4%")      # percent sign on a non-% unit
    ind.cell(rows["BI-ELEC"], 5, 150)          # a percentage above 100
    ind.cell(rows["HW-PHYS"], 5, -3)           # a negative count
    ind.cell(rows["HW-BEDS"], 5, "lots")       # not a number
    ind.cell(rows["HW-MMR"], 5, "#DIV/0!")     # a spreadsheet error value
    ind.cell(rows["BI-OUTAGE"], 5, "n/a")      # missing, never zero (information)
    ind.cell(rows["BI-PTKM"], 6, 2031)         # data year after the assessment year
    ind.cell(rows["BI-TTI"], 6, 2009)          # data year more than 10 years old (warning)
    ind.cell(rows["BI-COMMUTE"], 8, "seven")   # not a data-quality flag
    ind.cell(rows["BI-HOUSECOST"], 3, "USD")   # unit cell changed
    ind.cell(rows["BI-INFORMAL"], 1, "BI-INFORMAL-2")  # id cell changed
    ind.cell(rows["BI-WASTECOLL"], 12, "see attached")  # typed outside the input columns
    ena.cell(2, 3, 7)                          # enabler level outside 0–5
    wb.save(path)


def break_structure(path: Path) -> None:
    """A template from another catalogue version, holding a formula without a saved result."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    marker = wb["_smartcity"]
    for row in marker.iter_rows(min_row=1, max_row=10):
        if row[0].value == "catalogue_version":
            row[1].value = "0.9.0"
    ind = wb[wb.sheetnames[2]]
    ind.cell(2, 5, "=E3*2")                    # openpyxl saves formulas without a result
    wb.save(path)


def main(out: Path) -> None:
    cat = assessment.load_catalogue()
    rng = np.random.default_rng(SEED)
    out.mkdir(parents=True, exist_ok=True)
    with (HERE / "ascn-populations.csv").open(encoding="utf-8") as fh:
        cities = list(csv.DictReader(fh))
    for c in cities:
        lang = "vi" if c["country"] == "VN" else "en"
        fill = prefill(cat, rng, c["country"], int(c["population"]), lang)
        write_template(out / f"{slug(c['city'])}-{YEAR}.xlsx", city=c["city"], country=c["country"], year=YEAR,
                       lang=lang, catalogue=cat, prefill=fill)
    broken = [("Example City (typing mistakes)", "en", break_typing),
              ("Thành phố Ví dụ (lỗi cấu trúc)", "vi", break_structure)]
    for i, (name, lang, spoil) in enumerate(broken, start=1):
        path = out / f"zz-broken-{i}-{YEAR}.xlsx"
        write_template(path, city=name, country="VN", year=YEAR, lang=lang, catalogue=cat,
                       prefill=prefill(cat, rng, "VN", 500_000, lang))
        spoil(path)
        _reproducible(path)
    print(f"wrote {len(cities)} city workbooks and {len(broken)} broken ones to {out}")
    print(f"(indicator names come from catalogue {cat.id} {cat.version}; "
          f"e.g. {text(cat.indicators[0].name, 'vi')})")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "ascn-2025")
