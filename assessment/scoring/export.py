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
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._missing import frame_csv, is_missing, safe_frame
from ..i18n import N_, _, draft_notice
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
        contents = _(CONTENTS_SHEET, lang)[:31]
        listed = _contents(sheets, lang, names or {})
        safe_frame(listed).to_excel(writer, sheet_name=contents, index=False)
        writer.sheets[contents].set_column(0, 0, 32)
        writer.sheets[contents].set_column(1, 1, 100)
        if draft_notice(lang):  # a language not yet reviewed says so, below the list, in itself and in English
            writer.sheets[contents].write_string(len(listed) + 2, 0, draft_notice(lang))
        safe_frame(_method_rows(recipe, method_yaml)).to_excel(writer, sheet_name="method", index=False)
        for sh, table in sheets:
            write_sheet(writer, sh.name, safe_frame(table))
    return path


#: Largest sheet Excel opens (rows, columns); ``DataFrame.to_excel`` refuses a larger frame.
EXCEL_LIMITS = (1_048_576, 16_384)
#: Column kinds whose cells :func:`write_sheet` writes itself (numpy's dtype.kind: float, signed and
#: unsigned integer, bool, object).
DIRECT_KINDS = frozenset("fiubO")
_SKIP = object()  # a cell DataFrame.to_excel leaves empty
_OTHER = object()  # a value only DataFrame.to_excel knows how to write


def excel_value(value: Any) -> Any:
    """A cell as ``DataFrame.to_excel`` (xlsxwriter engine) hands it to the worksheet.

    Missing → left empty; ``±inf`` → the text ``inf``/``-inf``; numpy scalars → Python
    numbers or bools; text as it is. Any other type (dates, decimals…) is not handled here.
    """
    if value is None or is_missing(value):
        return _SKIP
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        v = float(value)
        if v != v:
            return _SKIP
        return v if abs(v) != math.inf else ("inf" if v > 0 else "-inf")
    return _OTHER


def _direct(frame: pd.DataFrame) -> bool:
    """Whether :func:`write_sheet` can write ``frame`` itself: one index level, one column level, at
    least one column, within Excel's limits, plain dtypes, and labels it knows."""
    if isinstance(frame.index, pd.MultiIndex) or isinstance(frame.columns, pd.MultiIndex) or not len(frame.columns):
        return False
    if frame.shape[0] >= EXCEL_LIMITS[0] or frame.shape[1] >= EXCEL_LIMITS[1]:
        return False
    for dtype in [*frame.dtypes, frame.index.dtype]:  # numpy's own dtypes, or pandas' text (not nullable numbers)
        if not ((isinstance(dtype, np.dtype) and dtype.kind in DIRECT_KINDS) or isinstance(dtype, pd.StringDtype)):
            return False
    labels = [*frame.columns, *frame.index, frame.index.name]
    return all(excel_value(v) is not _OTHER for v in labels)


def write_sheet(writer: pd.ExcelWriter, name: str, frame: pd.DataFrame, plain: bool = False) -> None:
    """Write ``frame`` with its index to a new sheet exactly as ``frame.to_excel(writer, sheet_name=name)``
    does (same cells, types, strings in the same order, hence the same bytes), without pandas' per-cell
    formatting; ``plain=True``, or a frame it does not cover (a multi-level index, dates…), uses
    ``to_excel`` itself.

    The order ``to_excel`` writes in, which decides the shared-string table: the column headings
    (row 0, from column 1), the index name (row 0, column 0), the index (column 0), then the body
    column by column. No cell has a format; missing cells are left out. The finite numbers of the
    float and integer columns are kept as one array (:class:`.blocksheet.BlockSheet`) and turned into XML a row
    at a time when the workbook closes; every other cell goes through xlsxwriter's own calls.
    """
    if plain or writer.engine != "xlsxwriter" or not _direct(frame):
        frame.to_excel(writer, sheet_name=name)
        return
    from .blocksheet import BlockSheet  # xlsxwriter only when a workbook is written: a one-shot build loads none

    wks = writer.book.add_worksheet(name, worksheet_class=BlockSheet)
    for j, label in enumerate(frame.columns):
        _put(wks, 0, j + 1, label)
    if frame.index.name:
        _put(wks, 0, 0, frame.index.name)
    for i, label in enumerate(frame.index):
        _put(wks, i + 1, 0, label)
    numeric = [j for j, dtype in enumerate(frame.dtypes) if dtype.kind in "fiu"]
    # ints go through float64 as xlsxwriter's "{:.16G}" would take them (int.__format__ converts the same way)
    block = frame.iloc[:, numeric].to_numpy(dtype="float64") if numeric else np.empty((len(frame), 0))
    k = 0
    for j in range(frame.shape[1]):
        if k < len(numeric) and numeric[k] == j:  # "inf"/"-inf" text cells, in row order, here in column order
            column = block[:, k]
            for i in np.flatnonzero(np.isinf(column)).tolist():
                _put(wks, i + 1, j + 1, float(column[i]))
            k += 1
        else:
            _write_column(wks, j + 1, frame.iloc[:, j])
    wks.set_block(1, [j + 1 for j in numeric], block)


def _put(wks: Any, row: int, col: int, value: Any) -> None:
    """One cell as ``to_excel`` writes it (see :func:`excel_value`)."""
    v = excel_value(value)
    if v is _SKIP:
        return
    if isinstance(v, str):
        wks.write(row, col, v)  # write() decides as to_excel's call does (blank, formula, link or text)
    elif isinstance(v, bool):
        wks.write_boolean(row, col, v)
    else:
        wks.write_number(row, col, v)


def _write_column(wks: Any, col: int, column: pd.Series) -> None:
    """The body cells of one column that is not a number column, from row 1, in row order."""
    for i, v in enumerate(column.to_numpy(dtype=object).tolist()):
        _put(wks, i + 1, col, v)


def write_csv(tables: Mapping[str, pd.DataFrame], directory: Path) -> Path:
    """``<stage>.csv`` per stage in ``directory`` (created); returns the folder."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        frame_csv(table, directory / f"{name}.csv", float_format="%.15g")
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
