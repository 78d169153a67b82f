"""Reproduce the OECD Better Life Index 2025 topic scores from the published indicator values.

The BLI is brought in as a researcher would: two DataFrames in COINr's iData/iMeta shape
(indicators → 11 topics → an overall index with equal weights), scored with
``examples/methods/oecd-bli.yaml``. Prints how many of the 451 published scores are matched.

    python examples/oecd_bli.py [DATA_DIR]

The data and their provenance are in ``examples/data/`` (README there).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import assessment
from assessment.scoring import assess

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "data"


def bli_inputs(reference: Path) -> assessment.CoinrImport:
    """The 2025 website indicator values (41 countries × 24 indicators) as a COINr import."""
    long = pd.read_csv(reference / "oecd_bli_website_indicators_2025_long.csv")
    # "HO_BASE(with)" is the positive framing of HO_BASE shown on the site; ids are plain codes
    long["indicator_code"] = long["indicator_code"].str.replace("(with)", "_WITH", regex=False)
    data = long.pivot(index="country", columns="indicator_code", values="value")
    idata = data.rename_axis("uCode").reset_index()
    inds = long[["indicator_code", "topic", "direction", "unit"]].drop_duplicates("indicator_code")
    meta = pd.DataFrame({"Level": 1, "iCode": inds["indicator_code"], "iName": inds["indicator_code"],
                         "Parent": inds["topic"], "Direction": inds["direction"], "Weight": 1.0,
                         "Unit": inds["unit"], "Type": "Indicator"})
    topics = sorted(inds["topic"].unique())
    meta = pd.concat([meta,
                      pd.DataFrame({"Level": 2, "iCode": topics, "iName": topics, "Parent": "BLI",
                                    "Direction": 1, "Weight": 1.0, "Type": "Aggregate"}),
                      pd.DataFrame({"Level": [3], "iCode": ["BLI"], "iName": ["Better Life Index"],
                                    "Parent": [None], "Direction": [1], "Weight": [1.0], "Type": ["Aggregate"]})],
                     ignore_index=True)
    return assessment.from_coinr(idata, meta, catalogue_id="oecd-bli-2025", units=("country", "countries"),
                                 title="OECD Better Life Index")


def compare(reference: Path) -> pd.DataFrame:
    """Computed vs published topic scores, one row per country × topic."""
    result = assess(bli_inputs(reference), method=HERE / "methods" / "oecd-bli.yaml")
    computed = result.aggregated["coinr"].drop(columns="BLI")
    published = pd.read_csv(reference / "oecd_bli_website_topic_scores_2025.csv", dtype=str)
    published = published.set_index("Country").astype(float)
    both = pd.DataFrame({
        "computed": computed.stack(),
        "published": published.rename_axis("unit").stack(),
    }).dropna()
    both["error"] = (both["computed"].round(1) - both["published"]).abs()
    return both


def main() -> None:
    reference = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    both = compare(reference)
    print(f"{len(both)} published topic scores; within ±0.3: {(both.error <= 0.3 + 1e-9).mean():.1%}; "
          f"within ±0.1: {(both.error <= 0.1 + 1e-9).mean():.1%}; max error {both.error.max():.2f}")


if __name__ == "__main__":
    main()
