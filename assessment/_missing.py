"""Cell values as every stage sees them: missing values, numbers, text, and text safe for spreadsheets.

Conventions
-----------
* **Missing** is ``None``, a float NaN (numpy's included), ``pandas.NA`` or ``pandas.NaT``;
  nothing else (not ``""``, not ``0``).
* **As a number**: a missing value or anything ``float()`` refuses becomes ``None``, never 0.
* **As text**: missing becomes ``""``; a whole float is written without its ``.0``
  (``2025.0`` → ``"2025"``), since a spreadsheet cell typed as ``2025`` is read back as a float.
* **Safe for spreadsheets**: a text cell that a spreadsheet would run as a formula (starting with
  ``=``, ``+``, ``-``, ``@``, tab or carriage return) is prefixed with an apostrophe when exported.
* **Enough data**: :data:`RANK_MIN_COVERAGE` is the default share of values that may not be missing
  for a unit to be ranked; :func:`needed` turns a share into a count. Both live here because the
  intake warns about it before scoring runs, and the intake may not import the scoring stage.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_missing(value: Any) -> bool:
    """True for ``None``, NaN, ``pandas.NA`` and ``pandas.NaT`` (scalars only).

    pandas is not imported here (the command line starts without it): a value can only be
    ``pandas.NA`` or ``pandas.NaT`` once pandas is loaded.
    """
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    pandas = sys.modules.get("pandas")
    return pandas is not None and (value is pandas.NA or value is pandas.NaT)


def as_float(value: Any) -> float | None:
    """The value as a float, or ``None`` when it is missing or not a number."""
    if is_missing(value) or isinstance(value, bool):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def cell_text(value: Any) -> str:
    """The value as text: ``""`` when missing, ``"3"`` for ``3.0``, else ``str(value)``."""
    if is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def safe_text(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in one text cell (other values pass unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell, index label and column name neutralised (see :func:`safe_text`)."""
    import pandas as pd  # heavy; only needed once there is a frame

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


#: Share of a catalogue's scored indicators a unit must report to be ranked, by default (the
#: Sustainable Development Report ranks only countries with data for at least 80 % of them).
RANK_MIN_COVERAGE = 0.8


def needed(total: int, share: float) -> int:
    """The number of values (of ``total``) a coverage of at least ``share`` needs: 79 of 98 for 0.8."""
    return min(total, math.ceil(round(share * total, 9)))
