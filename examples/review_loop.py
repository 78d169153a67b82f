"""The reviewer's loop on the example cohort: a second, edited year and a city's answers, scripted.

Two steps of ``docs/review.md`` that a person would do by hand:

``python examples/review_loop.py year OUT``
    Writes ``OUT/ascn-2026/``: every city of ``examples/ascn-2025`` (not the broken workbooks)
    again for 2026, each value moved by a seeded drift of a few per cent, data years one later,
    and four edits a reviewer should catch: Bangkok's public transport network typed ten times
    too large, Ha Noi's unemployment rate halved, and Siem Reap's PM2.5 typed above its PM10.
``python examples/review_loop.py corrected OUT``
    The same cohort as the cities send it back (``OUT/ascn-2026-v2/``): Ha Noi's workbook with
    the unemployment rate it gave as the corrected value (2.4), everything else unchanged.
``python examples/review_loop.py answer QUERIES``
    Answers the query workbooks in ``QUERIES`` as the cities would: Bangkok confirms its network
    (a new line opened), Ha Noi gives a corrected unemployment rate, every city confirms its
    values flagged "estimated from assumptions", and the rest stays unanswered.

The values are illustrative (see ``examples/ascn-2025/README.md``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import openpyxl

import assessment
from assessment.i18n import _
from assessment.intake import Prefill, read_submissions, write_template
from assessment.review.layout import HEADER_ROW, KEYS, YES

HERE = Path(__file__).resolve().parent
SEED = 2026
#: (city, indicator) → factor applied to the drifted 2026 value
EDITS = {("Bangkok", "BI-PTKM"): 10.0, ("Ha Noi", "II-UNEMP"): 0.5, ("Siem Reap", "QE-PM25"): 3.0}


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v == ""


#: What Ha Noi corrects in its workbook after answering (the value it gives in the query workbook)
CORRECTIONS = {("Ha Noi", "II-UNEMP"): 2.4}


def second_year(out: Path, corrected: bool = False) -> Path:
    """Write the edited 2026 cohort to ``out/ascn-2026`` (``-v2``: with the cities' corrections)."""
    cat = assessment.load_catalogue()
    rng = np.random.default_rng(SEED)
    files = sorted(p for p in (HERE / "ascn-2025").glob("*.xlsx") if not p.name.startswith("zz-"))
    intake = read_submissions(files, catalogue=cat)
    folder = out / ("ascn-2026-v2" if corrected else "ascn-2026")
    for prof in intake.profiles.to_dict("records"):
        city, country, lang = str(prof["city"]), str(prof["country"]), str(prof["lang"])
        rows = intake.data[(intake.data["city"] == city) & (intake.data["country"] == country)]
        indicators: dict[str, dict[str, object]] = {}
        for rec in rows.to_dict("records"):
            entry: dict[str, object] = {k: rec[k] for k in ("source", "quality", "notes") if not _blank(rec[k])}
            if not _blank(rec["value"]):
                lo, hi = cat.indicator(rec["indicator"]).valid_range
                value = float(rec["value"]) * (1 + rng.normal(0, 0.03)) * EDITS.get((city, rec["indicator"]), 1.0)
                value = float(np.clip(value, lo if lo is not None else -np.inf, hi if hi is not None else np.inf))
                entry["value"] = round(value, 1) if abs(value) >= 10 else round(value, 2)
                entry["data_year"] = int(rec["data_year"]) + 1
                if corrected and (city, rec["indicator"]) in CORRECTIONS:
                    entry["value"] = CORRECTIONS[(city, rec["indicator"])]
            indicators[str(rec["indicator"])] = entry
        ens = intake.enablers[(intake.enablers["city"] == city) & (intake.enablers["country"] == country)]
        enablers = {str(r["enabler"]): {"level": int(r["level"]), "evidence": r["evidence"]}
                    for r in ens.to_dict("records") if not _blank(r["level"])}
        population = round(float(prof["population"]))
        write_template(folder / f"{Path(str(prof['file'])).stem.replace('2025', '2026')}.xlsx", city=city,
                       country=country, year=2026, lang=lang, catalogue=cat,
                       prefill=Prefill(profile={"population": population}, indicators=indicators,
                                       enablers=enablers, notice=str(prof.get("notice") or "")))
    return folder


def answer(queries: Path) -> int:
    """Fill the query workbooks in ``queries`` as the cities would; returns the number of answers typed."""
    typed = 0
    col = {k: i + 1 for i, k in enumerate(KEYS)}
    for path in sorted(queries.glob("queries-*.xlsx")):
        wb = openpyxl.load_workbook(path)
        ws = wb.worksheets[0]
        lang = "vi" if ws.title == _("Queries", "vi") else "en"
        for row in range(HEADER_ROW + 2, ws.max_row + 1):
            key = str(ws.cell(row, col["query"]).value or "")
            if key.startswith("change-ratio:") and key.endswith(":BI-PTKM") and "bangkok" in path.name:
                ws.cell(row, col["confirmed"]).value = _(YES, lang)
                ws.cell(row, col["comment"]).value = "A new metro line opened in 2025."
            elif key.startswith("change-") and key.endswith(":II-UNEMP") and "ha-noi" in path.name:
                fixed = CORRECTIONS[("Ha Noi", "II-UNEMP")]
                ws.cell(row, col["corrected"]).value = f"{fixed}".replace(".", "," if lang == "vi" else ".")
                ws.cell(row, col["comment"]).value = "Nhập nhầm tỷ lệ quý." if lang == "vi" else "Quarterly rate typed."
            elif key.startswith("flagged-quality:"):
                ws.cell(row, col["confirmed"]).value = _(YES, lang)
            else:
                continue
            typed += 1
        wb.save(path)
    return typed


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("year", "corrected", "answer"):
        sys.exit("usage: python examples/review_loop.py year OUT | corrected OUT | answer QUERIES")
    if sys.argv[1] in ("year", "corrected"):
        print(f"wrote {second_year(Path(sys.argv[2]), corrected=sys.argv[1] == 'corrected')}")
    else:
        print(f"typed {answer(Path(sys.argv[2]))} answers")
