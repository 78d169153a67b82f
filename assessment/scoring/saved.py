"""Save an assessment so that it can be reported or re-run later, exactly.

A saved result is a folder holding ``inputs.json`` (the engine's input tables with their
dtypes, floats written with full precision), ``catalogue.json``, ``method.yaml`` and
``recipe.json``. :func:`load_result` re-runs the method on the saved inputs and refuses
when the inputs no longer hash to the recipe's input hash (edited or damaged files).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..catalogue import Catalogue
from ..errors import InputError, Problem
from .inputs import Inputs, _digest
from .method import load_method

if TYPE_CHECKING:
    from .pipeline import Assessment

TABLES = ("values", "profiles", "enablers", "details")


def _cell(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def _frame_to_json(frame: pd.DataFrame) -> dict[str, Any]:
    return {"index": [list(k) if isinstance(k, tuple) else k for k in frame.index],
            "index_names": list(frame.index.names), "columns": list(frame.columns),
            "dtypes": [str(t) for t in frame.dtypes],
            "data": [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]}


def _frame_from_json(obj: dict[str, Any]) -> pd.DataFrame:
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


def save_result(result: Assessment, directory: Path) -> Path:
    """Write the files of a saved result into ``directory`` (alongside any stage exports)."""
    directory.mkdir(parents=True, exist_ok=True)
    inp = result.inputs
    tables = {name: _frame_to_json(getattr(inp, name)) for name in TABLES if getattr(inp, name) is not None}
    (directory / "inputs.json").write_text(json.dumps(tables, ensure_ascii=False, allow_nan=False) + "\n",
                                           encoding="utf-8")
    (directory / "catalogue.json").write_text(
        json.dumps(inp.catalogue.model_dump(mode="json"), ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    (directory / "method.yaml").write_text(result.method.to_yaml(), encoding="utf-8")
    recipe = {k: v for k, v in result.recipe.as_dict().items() if k != "method"}
    (directory / "recipe.json").write_text(json.dumps(recipe, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return directory


def is_saved_result(path: Path) -> bool:
    """True for a folder written by :func:`save_result` (or ``Assessment.to_csv``)."""
    return path.is_dir() and (path / "inputs.json").is_file() and (path / "recipe.json").is_file()


def load_result(directory: str | Path) -> Assessment:
    """Re-run a saved result; the same inputs and method give the same tables.

    Raises
    ------
    InputError
        When a file is missing or unreadable, or the inputs do not match the recipe's hash.
    """
    from .pipeline import run

    d = Path(directory)
    try:
        tables = json.loads((d / "inputs.json").read_text(encoding="utf-8"))
        recipe = json.loads((d / "recipe.json").read_text(encoding="utf-8"))
        catalogue = Catalogue.model_validate(json.loads((d / "catalogue.json").read_text(encoding="utf-8")))
        frames = {name: _frame_from_json(tables[name]) if name in tables else None for name in TABLES}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError([Problem(str(d), code="bad-saved-result", message=f"not a readable saved result: {exc}",
                                  fix="save it again with Assessment.to_csv() or 'smartcity score -o DIR'")]) from None
    inputs = Inputs(values=frames["values"], profiles=frames["profiles"], enablers=frames["enablers"],
                    catalogue=catalogue, digest=_digest(frames["values"], frames["profiles"], frames["enablers"]),
                    details=frames["details"])
    if inputs.digest != recipe.get("input_hash"):
        raise InputError([Problem(str(d / "inputs.json"), code="changed-inputs",
                                  message="the saved inputs do not match the recipe's input hash",
                                  found=inputs.digest[:16], fix="re-create the saved result from the workbooks")])
    return run(inputs, load_method(d / "method.yaml"))
