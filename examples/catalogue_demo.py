"""Demo of the catalogue stage: summary, bilingual exports and a COINr import.

Usage: ``python examples/catalogue_demo.py OUT_DIR`` (``make demo`` runs it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import assessment
from assessment.catalogue.views import counts, indicator_table, write_table

DATA = Path(__file__).resolve().parent / "data"  # COINr's ASEM example, shipped (README there)


def main(out_dir: Path) -> None:
    """Write the catalogue listings and print a summary."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cat = assessment.load_catalogue()
    print(f"catalogue {cat.id} {cat.version}: {len(cat.indicators)} indicators "
          f"({len(cat.scored_indicators)} scored), {len(cat.enablers)} enabler rubrics")
    for lens_id, table in counts(cat).items():
        print(f"  {lens_id}: " + ", ".join(f"{k} {v}" for k, v in table.items()))
    for lang in ("en", "vi"):
        path = out_dir / f"catalogue-{lang}.xlsx"
        write_table(indicator_table(cat, lang), path, "xlsx")
        print(f"wrote {path}")
    idata, imeta = DATA / "coinr_ASEM_iData.csv", DATA / "coinr_ASEM_iMeta.csv"
    imported = assessment.from_coinr(idata, imeta)
    lens = imported.catalogue.lens("coinr")
    levels = sorted({lens.depth(n.id) for n in lens.nodes})
    print(f"COINr ASEM example: {len(imported.catalogue.indicators)} indicators, "
          f"{len(lens.nodes)} aggregates on {len(levels)} levels, {len(imported.data)} units")
    method = Path(__file__).resolve().parent / "methods" / "coinr-asem.yaml"
    result = assessment.assess(imported, method=method)
    path = result.to_excel(out_dir / "coinr-asem-results.xlsx")
    top = result.aggregated["coinr"]["Index"].sort_values(ascending=False).head(3).round(2)
    print(f"scored with {method.name}: top 3 {top.to_dict()}; every stage in {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "build/demo"))
