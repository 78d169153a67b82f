"""Do two source trees give the same bytes? Every output of the scoring engine, bit for bit (issue 26).

    git archive main | tar -x -C /tmp/old-tree
    python benchmarks/same_bytes.py /tmp/old-tree .

Each tree runs in its own process (``PYTHONPATH`` set to it) on the same inputs and writes what it
computed; then every table is compared bit for bit (float cells as their 64-bit patterns, so a NaN's
sign or a negative zero counts) and every written file byte for byte. The inputs: COINr's ASEM build
(``examples/methods/coinr-asem.yaml``) and ASEM with every mean (and generalised powers, per-node
means), the OECD Better Life Index (``examples/oecd_bli.py``), seeded COINr-style tables of 10,000 and
600 units x 100 indicators (5 % missing) with whole and fractional weights under every mean and two
coverage rules, the default pipeline on synthetic cohorts (one year, two years), ``combine`` and
``aggregate_frame`` with missing values, an uncertainty run on ASEM, and ``smartcity score`` on the
``examples/ascn-2025`` workbooks (with ``examples/methods/ascn-2025.yaml`` and with the defaults).
Prints each difference and the count; exits 1 when there is any.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

Tables = dict[str, pd.DataFrame]


def _keep(tables: Tables, name: str, result: Any) -> None:
    """Every stage table of an assessment, and its lens tables as computed (before any export)."""
    for key, table in result.tables().items():
        tables[f"{name}/{key}"] = table
    for lens, table in result.aggregated.items():
        tables[f"{name}/aggregated-raw/{lens}"] = table


def _powers(mean: str) -> list[float]:
    return [2.0, 0.5, 1.0, 0.0, 3.0, -1.0] if mean == "generalised" else [2.0]


def _examples(assessment: Any, means: list[str], tree: Path, out: Path, tables: Tables) -> Any:
    """ASEM (the COINr build, every mean, per-node means) and the BLI; returns the nominal ASEM result."""
    from oecd_bli import bli_inputs

    data = tree / "examples" / "data"
    asem = assessment.from_coinr(data / "coinr_ASEM_iData.csv", data / "coinr_ASEM_iMeta.csv")
    nominal = assessment.assess(asem, method=tree / "examples/methods/coinr-asem.yaml")
    _keep(tables, "asem", nominal)
    nominal.to_csv(out / "csv-asem")
    for mean in means:
        for power in _powers(mean):
            aggregate = {"lenses": ["coinr"], "method": mean, "min_reported": 0} | (
                {"power": power} if mean == "generalised" else {})
            _keep(tables, f"asem-{mean}-{power}", assessment.assess(asem, method={
                "denominate": {"enabled": True}, "impute": {"method": "mean-group", "group": "EurAsia_group"},
                "normalise": {"method": "minmax", "range": [1, 100]}, "levels": {"enabled": False},
                "aggregate": aggregate}))
    lens = asem.catalogue.lens("coinr")
    nodes = [node.id for node in lens.nodes if node.id != lens.root.id]
    _keep(tables, "asem-nodes", assessment.assess(asem, method={
        "normalise": {"method": "minmax", "range": [1, 100]}, "levels": {"enabled": False},
        "aggregate": {"lenses": ["coinr"], "method": "arithmetic", "min_reported": 0,
                      "nodes": {nodes[0]: {"method": "geometric"}, nodes[1]: {"method": "harmonic"},
                                nodes[2]: {"method": "generalised", "power": 3}}}}))
    bli = assessment.assess(bli_inputs(data), method=tree / "examples/methods/oecd-bli.yaml")
    _keep(tables, "bli", bli)
    bli.to_csv(out / "csv-bli")
    return nominal


def _coinr_style(assessment: Any, means: list[str], tables: Tables) -> None:
    """Seeded COINr-style tables (as bench_scale.py builds them), every mean, whole and fractional weights."""
    from bench_scale import coinr_pair

    off = {"rank": {"enabled": False}, "compare": {"enabled": False}, "levels": {"enabled": False}}
    for n in (10_000, 600):
        idata, imeta = coinr_pair(n)
        for weights in ("whole", "fractional"):
            meta = imeta.assign(Weight=[0.5 + (j % 7) * 0.3 for j in range(len(imeta))]) \
                if weights == "fractional" else imeta
            imported = assessment.from_coinr(idata, meta)
            for mean in means:
                for power, coverage in ((p, c) for p in _powers(mean)[:5] for c in (0.0, 0.9)):
                    aggregate = {"lenses": ["coinr"], "method": mean, "min_reported": 0, "min_coverage": coverage}
                    result = assessment.assess(imported, method={
                        "normalise": {"method": "minmax", "range": [1, 100]}, **off,
                        "aggregate": aggregate | ({"power": power} if mean == "generalised" else {})})
                    tables[f"coinr{n}-{weights}-{mean}-{power}-{coverage}"] = result.aggregated["coinr"]
                    tables[f"coinr{n}-{weights}-{mean}-{power}-{coverage}/normalised"] = result.normalised
            result = assessment.assess(imported, method={"normalise": {"method": "minmax", "range": [0, 100]},
                                                         "aggregate": {"lenses": ["coinr"], "min_reported": 0}, **off})
            for key, table in (("aggregated", result.aggregated["coinr"]), ("coverage", result.coverage["coinr"]),
                               ("screening", result.screening),
                               ("input hash", pd.DataFrame({"hash": [result.recipe.input_hash]}))):
                tables[f"coinr{n}-{weights}/{key}"] = table


def _cases(tree: Path, out: Path) -> None:
    """Run every case with the ``assessment`` of ``tree`` (first on ``sys.path``); write to ``out``."""
    for sub in (tree / "examples", tree / "benchmarks", tree):
        sys.path.insert(0, str(sub))
    from synthetic import cohort

    import assessment
    from assessment.scoring.aggregate import aggregate_frame, combine
    from assessment.scoring.means import MEANS

    assert Path(assessment.__file__).resolve().is_relative_to(tree.resolve()), assessment.__file__
    tables: Tables = {}
    nominal = _examples(assessment, list(MEANS), tree, out, tables)
    _coinr_style(assessment, list(MEANS), tables)
    _keep(tables, "cohort", assessment.assess(cohort(1500, 100, years=1, seed=1)))
    _keep(tables, "cohort-2-years", assessment.assess(cohort(300, 100, years=2, seed=2)))
    rng = np.random.default_rng(5)
    x = rng.random((3000, 12)) * 99 + 1
    x[rng.random(x.shape) < 0.1] = np.nan
    w = np.full((12, 3), np.nan)
    w[:4, 0], w[4:9, 1], w[9:, 2] = [1, 2, 3, 4], 0.7, [1, 1, 2]
    for mean in MEANS:
        tables[f"combine-{mean}"] = pd.DataFrame(combine(x, w, mean, 2.5, 0.5))
        tables[f"combine-50-{mean}"] = pd.DataFrame(combine(x[:50], w, mean, 2.5, 0.0))
        tables[f"aggregate_frame-{mean}"] = aggregate_frame(pd.DataFrame(x), [1, 2] * 6, method=mean).to_frame()
    spec = assessment.load_robustness_spec(tree / "examples/robustness/asem-reference.yaml")
    with warnings.catch_warnings():  # the reference spec mixes scales on purpose (COINr's run): said, not news
        warnings.simplefilter("ignore")
        uncertain = assessment.uncertainty(nominal, spec, n=40, seed=3)
    for key, value in vars(uncertain).items():
        for part, table in (value.items() if isinstance(value, dict) else [("", value)]):
            if isinstance(table, pd.DataFrame):
                tables[f"uncertainty/{key}/{part}"] = table
    (out / "tables.pkl").write_bytes(pickle.dumps(tables))
    workbooks = sorted(str(p) for p in (tree / "examples/ascn-2025").glob("*.xlsx") if not p.name.startswith("zz-"))
    for name, extra in (("ascn", ["--method", str(tree / "examples/methods/ascn-2025.yaml")]), ("ascn-defaults", [])):
        subprocess.run([sys.executable, "-m", "assessment", "score", *workbooks, *extra, "-o",
                        str(out / f"cli-{name}")], env=dict(os.environ, PYTHONPATH=str(tree)), check=True,
                       capture_output=True)


def _same_column(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind == "f":
        return bool(np.array_equal(a.view(f"u{a.itemsize}"), b.view(f"u{b.itemsize}")))
    if a.dtype.kind == "O":
        return all(u is v or u == v or (u != u and v != v) for u, v in zip(a, b, strict=True))
    return bool(np.array_equal(a, b))


def differences(old: Path, new: Path) -> list[str]:
    """Every table and file that differs between the two outputs (empty: the same bytes)."""
    found = []
    before, after = (pickle.loads((d / "tables.pkl").read_bytes()) for d in (old, new))
    if before.keys() != after.keys():
        found.append(f"tables only on one side: {sorted(set(before) ^ set(after))}")
    for key in sorted(set(before) & set(after)):
        a, b = before[key], after[key]
        same = (a.shape == b.shape and a.index.equals(b.index) and a.columns.equals(b.columns)
                and list(a.dtypes) == list(b.dtypes)
                and all(_same_column(np.ascontiguousarray(a.iloc[:, j].to_numpy()),
                                     np.ascontiguousarray(b.iloc[:, j].to_numpy())) for j in range(a.shape[1])))
        if not same:
            found.append(f"table {key}")
    files = {p.relative_to(old) for p in old.rglob("*") if p.is_file() and p.name != "tables.pkl"}
    others = {p.relative_to(new) for p in new.rglob("*") if p.is_file() and p.name != "tables.pkl"}
    found += [f"file only on one side: {p}" for p in sorted(files ^ others)]
    found += [f"file {p}" for p in sorted(files & others) if (old / p).read_bytes() != (new / p).read_bytes()]
    return found


def main(argv: list[str]) -> int:
    """``same_bytes.py OLD_TREE NEW_TREE``: run both, compare, print; 1 when anything differs."""
    if len(argv) == 3 and argv[0] == "--run":
        _cases(Path(argv[1]), Path(argv[2]))
        return 0
    if len(argv) != 2:
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory() as work:
        outs = []
        for k, tree in enumerate(argv):
            out = Path(work) / str(k)
            out.mkdir()
            subprocess.run([sys.executable, __file__, "--run", str(Path(tree).resolve()), str(out)], check=True,
                           env=dict(os.environ, PYTHONPATH=str(Path(tree).resolve())))
            outs.append(out)
        found = differences(*outs)
        tables = len(pickle.loads((outs[0] / "tables.pkl").read_bytes()))
        files = sum(1 for p in outs[0].rglob("*") if p.is_file()) - 1
    for line in found:
        print("differs:", line)
    print(f"{tables} tables and {files} files compared: {len(found)} differences")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
