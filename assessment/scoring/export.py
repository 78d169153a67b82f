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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .._missing import is_missing, safe_frame
from ..i18n import N_, _
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


@dataclass(frozen=True)
class Sheet:
    """A sheet of the results workbook: its name (a stable id, at most 31 characters) and what it
    holds, as a key of :data:`SHEET_NOTES` and the ids that fill it (``lens``, ``group``, ``model``)."""

    name: str
    kind: str
    ids: tuple[tuple[str, str], ...] = ()


def sheet(name: str, kind: str, **ids: str) -> Sheet:
    """A :class:`Sheet` (the name cut to Excel's 31 characters)."""
    return Sheet(name[:31], kind, tuple(ids.items()))


#: What each kind of sheet holds (UI msgids; ``{lens}``, ``{group}``, ``{model}`` are names in the
#: workbook's language).
SHEET_NOTES: dict[str, str] = {
    "method": N_("The recipe of this result (catalogue, versions, input hash) and the method file, line by line."),
    "raw": N_("Indicator values as submitted: one row per city, one column per indicator id."),
    "denominated": N_("Values divided by their denominator (a city profile column such as population), where "
                      "the catalogue names one."),
    "screening": N_("Each city's share of indicators reported, and whether it was kept for scoring (1) or not (0)."),
    "imputed": N_("Values after the method's imputation of missing values."),
    "imputed-flags": N_("1 where a value was imputed, 0 where it was reported."),
    "treated": N_("Values after the outlier treatment (winsorising or log transform)."),
    "treated-flags": N_("1 where the outlier treatment changed a value, 0 elsewhere."),
    "treatment": N_("Per indicator: skewness and kurtosis, the values winsorised at each end, whether it was "
                    "log-transformed, and whether its distribution passes."),
    "normalised": N_("Values on the common scale, with the direction of improvement applied."),
    "coverage": N_("{lens}: share of indicators reported under each node, per city."),
    "aggregated": N_("{lens}: the score of each node, per city."),
    "levels-indicators": N_("Maturity level of each indicator value."),
    "levels": N_("{lens}: the maturity level of each node's score."),
    "levels-enablers": N_("Maturity level of each enabler."),
    "ranks-indicators": N_("Rank on each indicator (1 = best)."),
    "ranks": N_("{lens}, ranks within {group} (1 = best), with each city's coverage; a city below the coverage "
                "needed is not ranked."),
    "strengths": N_("Each city's strongest and weakest indicators: its score, the peer median and the gap."),
    "criteria": N_("{model}: the level each city reaches."),
    "change": N_("{lens}: change of each score since the previous reported year."),
}
#: Headings of the contents sheet, and its name.
CONTENTS_HEADINGS = (N_("Sheet"), N_("What it holds"), N_("Rows"), N_("Columns"))
CONTENTS_SHEET = N_("Contents")
#: Names of the peer groups a ranking is made within.
GROUP_NAMES = {"cohort": N_("the whole cohort"), "country": N_("each country"),
               "population-class": N_("each population class")}


def _contents(sheets: Sequence[tuple[Sheet, pd.DataFrame]], lang: str, names: Mapping[str, str]) -> pd.DataFrame:
    method_note = SHEET_NOTES["method"]
    rows = [("method", _(method_note, lang), None, None)]
    for sh, table in sheets:
        ids = dict(sh.ids)
        values = {k: names.get(v, v) for k, v in ids.items()}
        group = ids.get("group")
        if group is not None:
            group_name = GROUP_NAMES.get(group)
            values["group"] = _(group_name, lang) if group_name else group
        rows.append((sh.name, _(SHEET_NOTES[sh.kind], lang).format(**values), *table.shape))
    return pd.DataFrame(rows, columns=[_(h, lang) for h in CONTENTS_HEADINGS])


def write_excel(sheets: Sequence[tuple[Sheet, pd.DataFrame]], recipe: Mapping[str, Any], method_yaml: str,
                path: Path, lang: str = "en", names: Mapping[str, str] | None = None) -> Path:
    """A contents sheet in ``lang`` (each sheet and what it holds; ``names``: id → name of the lenses
    and models), ``method`` (the recipe and the method file), then one sheet per stage. Sheet names
    and headings are the stable ids, for scripts. Fixed dates, so the bytes repeat."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        writer.book.set_properties({"created": dt.datetime(2000, 1, 1), "author": "smartcity-assessment"})
        contents = _contents(sheets, lang, names or {})
        safe_frame(contents).to_excel(writer, sheet_name=_(CONTENTS_SHEET, lang)[:31], index=False)
        writer.sheets[_(CONTENTS_SHEET, lang)[:31]].set_column(0, 0, 32)
        writer.sheets[_(CONTENTS_SHEET, lang)[:31]].set_column(1, 1, 100)
        safe_frame(_method_rows(recipe, method_yaml)).to_excel(writer, sheet_name="method", index=False)
        for sh, table in sheets:
            safe_frame(table).to_excel(writer, sheet_name=sh.name)
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
