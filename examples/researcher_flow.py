"""A researcher's own framework, end to end: 30 units, 12 indicators, 3 pillars, as DataFrames.

The data are generated with a fixed seed (they illustrate the flow, they are not real). Run:

    python examples/researcher_flow.py [OUT_DIR]

It prints a short transcript: the framework goes in through ``from_coinr`` as COINr-style
``iData``/``iMeta`` DataFrames, is scored with the default method (every lens of the framework,
min-max on 0-100 where nothing anchors the scale), summarised like COINr's ``get_results``,
re-run with one weight changed, refused with a suggestion when an id is misspelt, saved and
reloaded, and refused again once the saved method is edited.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import assessment

PILLARS = {"Econ": ("Economy", 4), "Env": ("Environment", 4), "Soc": ("Society", 4)}


def framework(seed: int = 20261123) -> tuple[pd.DataFrame, pd.DataFrame]:
    """COINr-style ``iData`` (30 units × 12 indicators) and ``iMeta`` (indicators → 3 pillars → Index)."""
    rng = np.random.default_rng(seed)
    codes = [f"x{i:02d}" for i in range(12)]
    idata = pd.DataFrame(rng.lognormal(3.0, 0.6, size=(30, 12)).round(3), columns=codes)
    idata.insert(0, "uCode", [f"U{u:02d}" for u in range(30)])
    idata.insert(1, "uName", [f"Unit {u}" for u in range(30)])
    idata.iloc[[3, 17], [4, 9]] = np.nan  # some gaps, as in real data
    rows = []
    for j, code in enumerate(codes):
        pillar = list(PILLARS)[j // 4]
        rows.append({"iCode": code, "iName": f"Indicator {j}", "Level": 1, "Parent": pillar,
                     "Direction": -1 if j in (5, 10) else 1, "Weight": 1, "Type": "Indicator"})
    for pillar, (name, _) in PILLARS.items():
        rows.append({"iCode": pillar, "iName": name, "Level": 2, "Parent": "Index", "Direction": 1,
                     "Weight": 1, "Type": "Aggregate"})
    rows.append({"iCode": "Index", "iName": "Index", "Level": 3, "Parent": None, "Direction": 1, "Weight": 1,
                 "Type": "Aggregate"})
    return idata, pd.DataFrame(rows)


def main(out: Path) -> list[str]:
    """Run the flow, writing the saved result under ``out``; returns the transcript lines."""
    lines: list[str] = []

    def show(code: str, value: object) -> None:
        lines.append(f">>> {code}")
        lines.extend(str(value).splitlines())

    idata, imeta = framework()
    coin = assessment.from_coinr(idata, imeta)
    result = assessment.assess(coin)
    show("result = assessment.assess(assessment.from_coinr(idata, imeta))", repr(result))
    show("result.summary().head(5).round(2)", result.summary().head(5).round(2))
    again = result.rerun(aggregate={"weights": {"x00": 3}})
    show('result.rerun(aggregate={"weights": {"x00": 3}}).method.aggregate.weights',
         dict(again.method.aggregate.weights))
    try:
        result.rerun(aggregate={"weights": {"x99": 3}})
    except assessment.InputError as exc:
        show('result.rerun(aggregate={"weights": {"x99": 3}})', f"InputError: {exc.problems[0].text()}"
             f" ({exc.problems[0].fix_text()})")
    folder = result.to_csv(out / "saved")
    show("assessment.load_result(result.to_csv('saved')).recipe == result.recipe",
         assessment.load_result(folder).recipe == result.recipe)
    method = folder / "method.yaml"
    method.write_text(method.read_text(encoding="utf-8").replace("method: arithmetic", "method: geometric"),
                      encoding="utf-8")
    try:
        assessment.load_result(folder)
    except assessment.InputError as exc:
        show("# after editing saved/method.yaml: assessment.load_result('saved')",
             f"InputError: {exc.problems[0].code}: {exc.problems[0].text()}")
    return lines


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print("\n".join(main(Path(sys.argv[1]))))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            print("\n".join(main(Path(tmp))))
