"""Export an :class:`~assessment.scoring.pipeline.Assessment`: every stage, plus the method.

Outputs are deterministic (fixed workbook metadata, sorted keys) and text cells that a
spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) are
prefixed with an apostrophe.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from .pipeline import Assessment

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in one text cell (numbers pass unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell, index label and column name neutralised."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_text)
    out.columns = [safe_text(c) for c in out.columns]
    if isinstance(out.index, pd.MultiIndex):
        out.index = pd.MultiIndex.from_arrays(
            [[safe_text(v) for v in out.index.get_level_values(i)] for i in range(out.index.nlevels)],
            names=out.index.names)
    else:
        out.index = pd.Index([safe_text(v) for v in out.index], name=out.index.name)
    return out


def stage_tables(result: Assessment) -> dict[str, pd.DataFrame]:
    """Every stage table by name, in pipeline order."""
    tables: dict[str, pd.DataFrame] = {
        "raw": result.raw, "denominated": result.denominated, "screening": result.screening,
        "imputed": result.imputed, "imputed-flags": result.imputed_flags.astype("int8"),
        "treated": result.treated, "treated-flags": result.treated_flags.astype("int8"),
    }
    if not result.treatment.empty:
        tables["treatment"] = result.treatment.set_index("indicator")
    tables["normalised"] = result.normalised
    for lens, table in result.coverage.items():
        tables[f"coverage-{lens}"[:31]] = table
    for lens, table in result.aggregated.items():
        tables[f"aggregated-{lens}"[:31]] = table
    tables["levels-indicators"] = result.indicator_levels
    for lens, table in result.aggregate_levels.items():
        tables[f"levels-{lens}"[:31]] = table
    if result.enabler_levels.shape[1]:
        tables["levels-enablers"] = result.enabler_levels
    tables["ranks-indicators"] = result.indicator_ranks
    for name, groups in result.ranks.items():
        status = result.rank_status(name)[["reported", "total", "coverage", "needed", "ranked"]]
        for group, table in groups.items():
            # coverage beside every ranking: a missing rank says why (coverage below 'needed')
            tables[f"ranks-{name}-{group}"[:31]] = table.join(status.astype({"ranked": "int8"}))
    tables["strengths"] = result.strengths.set_index(list(result.normalised.index.names))
    if "year" in result.normalised.index.names:
        for lens, table in result.change.items():
            tables[f"change-{lens}"[:31]] = table
    return tables


def to_long(result: Assessment) -> pd.DataFrame:
    """Numeric stage tables stacked: stage, unit, (year,) code, value (missing values kept)."""
    skip = {"screening", "treatment", "strengths"}
    parts = []
    for name, table in stage_tables(result).items():
        if name in skip:
            continue
        long = table.astype("float64").stack(future_stack=True).rename("value").reset_index()
        long = long.rename(columns={long.columns[-2]: "code"})
        long.insert(0, "stage", name)
        parts.append(long)
    return pd.concat(parts, ignore_index=True)


def _method_rows(result: Assessment) -> pd.DataFrame:
    recipe = result.recipe.as_dict()
    rows = [(k, str(v)) for k, v in recipe.items() if k != "method"]
    rows += [("method.yaml", line) for line in result.method.to_yaml().splitlines()]
    return pd.DataFrame(rows, columns=["key", "value"])


def write_excel(result: Assessment, path: Path) -> Path:
    """One sheet per stage plus ``method``; fixed workbook dates so bytes repeat."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        writer.book.set_properties({"created": dt.datetime(2000, 1, 1), "author": "smartcity-assessment"})
        safe_frame(_method_rows(result)).to_excel(writer, sheet_name="method", index=False)
        for name, table in stage_tables(result).items():
            safe_frame(table).to_excel(writer, sheet_name=name)
    return path


def write_csv(result: Assessment, directory: Path) -> Path:
    """``<stage>.csv`` per stage, plus a saved result (inputs, catalogue, method, recipe) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, table in stage_tables(result).items():
        safe_frame(table).to_csv(directory / f"{name}.csv", lineterminator="\n", float_format="%.15g")
    from .saved import save_result

    return save_result(result, directory)  # method.yaml, recipe.json, and the inputs to re-run from
