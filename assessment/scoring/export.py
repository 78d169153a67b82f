"""Write a result's tables: one workbook, a folder of CSVs, and the saved result that re-runs it.

Every function takes plain data (stage tables by name, the recipe as a mapping, the method as
YAML), so this module needs nothing from the result type. Outputs are deterministic (fixed
workbook metadata, sorted keys, full float precision) and text cells that a spreadsheet would
run as a formula are neutralised (:func:`assessment._missing.safe_frame`).

A saved result is a folder holding ``inputs.json`` (the engine's input tables with their dtypes,
floats written with full precision), ``catalogue.json``, ``method.yaml`` and ``recipe.json``;
:func:`assessment.scoring.saved.load_result` reads it back and re-runs it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .._missing import is_missing, safe_frame
from .inputs import Inputs

#: The engine input tables a saved result keeps, in this order.
SAVED_TABLES = ("values", "profiles", "enablers", "details", "enabler_details", "criteria", "queried")
#: Stage tables that are not numeric and so are left out of :func:`to_long`.
NOT_NUMERIC = frozenset({"screening", "treatment", "strengths"})


def to_long(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Numeric stage tables stacked: stage, unit, (year,) code, value (missing values kept)."""
    parts = []
    for name, table in tables.items():
        if name in NOT_NUMERIC:
            continue
        long = table.astype("float64").stack(future_stack=True).rename("value").reset_index()
        long = long.rename(columns={long.columns[-2]: "code"})
        long.insert(0, "stage", name)
        parts.append(long)
    return pd.concat(parts, ignore_index=True)


def _method_rows(recipe: Mapping[str, Any], method_yaml: str) -> pd.DataFrame:
    rows = [(k, str(v)) for k, v in recipe.items() if k != "method"]
    rows += [("method.yaml", line) for line in method_yaml.splitlines()]
    return pd.DataFrame(rows, columns=["key", "value"])


def write_excel(tables: Mapping[str, pd.DataFrame], recipe: Mapping[str, Any], method_yaml: str,
                path: Path) -> Path:
    """One sheet per stage plus ``method`` (the recipe and the method file); fixed dates so bytes repeat."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        writer.book.set_properties({"created": dt.datetime(2000, 1, 1), "author": "smartcity-assessment"})
        safe_frame(_method_rows(recipe, method_yaml)).to_excel(writer, sheet_name="method", index=False)
        for name, table in tables.items():
            safe_frame(table).to_excel(writer, sheet_name=name)
    return path


def write_csv(tables: Mapping[str, pd.DataFrame], directory: Path) -> Path:
    """``<stage>.csv`` per stage in ``directory`` (created); returns the folder."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        safe_frame(table).to_csv(directory / f"{name}.csv", lineterminator="\n", float_format="%.15g")
    return directory


def _cell(v: Any) -> Any:
    if is_missing(v):
        return None
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def frame_to_json(frame: pd.DataFrame) -> dict[str, Any]:
    """A table as plain JSON data: index, index names, columns, dtypes and rows (missing = null)."""
    return {"index": [list(k) if isinstance(k, tuple) else k for k in frame.index],
            "index_names": list(frame.index.names), "columns": list(frame.columns),
            "dtypes": [str(t) for t in frame.dtypes],
            "data": [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]}


def frame_from_json(obj: dict[str, Any]) -> pd.DataFrame:
    """The inverse of :func:`frame_to_json` (same labels, dtypes and values)."""
    names = obj["index_names"]
    if len(names) > 1:
        index: pd.Index = pd.MultiIndex.from_tuples([tuple(k) for k in obj["index"]], names=names)
    else:
        index = pd.Index(obj["index"], name=names[0])
    frame = pd.DataFrame(obj["data"], columns=obj["columns"], index=index if len(obj["index"]) else None)
    if not len(obj["index"]):
        frame.index = index
    for col, dtype in zip(obj["columns"], obj["dtypes"], strict=True):
        frame[col] = frame[col].astype("float64" if dtype == "float64" else dtype)
    return frame


def write_saved(inputs: Inputs, recipe: Mapping[str, Any], method_yaml: str, directory: Path) -> Path:
    """Write the files of a saved result into ``directory`` (alongside any stage exports)."""
    directory.mkdir(parents=True, exist_ok=True)
    tables = {name: frame_to_json(getattr(inputs, name)) for name in SAVED_TABLES
              if getattr(inputs, name) is not None}
    (directory / "inputs.json").write_text(json.dumps(tables, ensure_ascii=False, allow_nan=False) + "\n",
                                           encoding="utf-8")
    (directory / "catalogue.json").write_text(
        json.dumps(inputs.catalogue.model_dump(mode="json"), ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8")
    (directory / "method.yaml").write_text(method_yaml, encoding="utf-8")
    plain = {k: v for k, v in recipe.items() if k != "method"}
    (directory / "recipe.json").write_text(json.dumps(plain, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return directory
