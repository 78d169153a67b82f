"""Cell values as every stage sees them: missing values, numbers, text, and text safe for spreadsheets.

Conventions
-----------
* **Missing** is ``None``, a float NaN (numpy's included), ``pandas.NA`` or ``pandas.NaT``;
  nothing else (not ``""``, not ``0``).
* **As a number**: a missing value or anything ``float()`` refuses becomes ``None``, never 0.
* **As text**: missing becomes ``""``; a whole float is written without its ``.0``
  (``2025.0`` → ``"2025"``), since a spreadsheet cell typed as ``2025`` is read back as a float.
* **Safe for spreadsheets**: a text cell that a spreadsheet would run as a formula (starting with
  ``=``, ``+``, ``-``, ``@``, tab or carriage return) is prefixed with an apostrophe when exported,
  and so is every line of it: after each line break inside the text (CR, LF, CRLF and the other
  breaks ``str.splitlines`` knows) a formula start gets an apostrophe too, because a reader that
  splits records at a bare CR (Excel, Python's ``csv``) would start a cell there.
* **Names and ids** hold no :data:`CONTROL` character (:func:`first_control` finds one): the
  intake refuses such a name or id rather than guess what was meant.
* **CSV**: every CSV the package writes goes through :func:`csv_text` or :func:`frame_csv`: records
  end in ``\n``, and every field holding a CR or an LF (alone or together) is quoted. Python's
  ``csv`` writer with ``lineterminator="\n"`` quotes an LF but not a bare CR, so a field
  ``"Hue\r=cmd"`` would otherwise end the record early for every reader that honours CR.
* **Enough data**: :data:`RANK_MIN_COVERAGE` is the default share of values that may not be missing
  for a unit to be ranked; :func:`needed` turns a share into a count. Both live here because the
  intake warns about it before scoring runs, and the intake may not import the scoring stage.
"""

from __future__ import annotations

import csv
import io
import math
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Characters that have no place in a name or an id: C0 and C1 controls (tab, CR and LF among them),
#: DEL, the Unicode line and paragraph separators and the bidirectional embeddings, overrides and
#: isolates (they reorder the text shown after them). A terminal acts on them instead of showing them.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: A line break inside a text (every break ``str.splitlines`` splits at) followed by a formula start.
_BREAK_THEN_FORMULA = re.compile("(\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])(?=[=+\\-@\t])")


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


def first_control(text: str) -> tuple[int, str] | None:
    """The 1-based position and code point (``"U+000D"``) of the first :data:`CONTROL` character, or ``None``."""
    m = CONTROL.search(text)
    return None if m is None else (m.start() + 1, f"U+{ord(m.group()):04X}")


def safe_text(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in one text cell (other values pass unchanged).

    An apostrophe goes before a formula start at the beginning of the text and after every line
    break inside it (``"Hue\\r=cmd"`` → ``"Hue\\r'=cmd"``).
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    # every line break the pattern looks for is unprintable: a printable text has none (the common case,
    # thousands of cells a page, skips the pattern)
    return value if value.isprintable() else _BREAK_THEN_FORMULA.sub("\\1'", value)


def _lf_records(text: str) -> str:
    """CSV text written with CRLF record ends, with ``\\n`` record ends instead.

    Written with ``lineterminator="\\r\\n"``, every field holding a CR or an LF is quoted, so every
    CRLF outside quotes ends a record. Splitting at ``"`` puts the text outside quotes at even
    positions (a doubled ``""`` inside a field leaves an empty even piece, which holds nothing).
    """
    parts = text.split('"')
    parts[::2] = [p.replace("\r\n", "\n") for p in parts[::2]]
    return '"'.join(parts)


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV text: ``\\n`` record ends, every field holding a CR or an LF quoted.

    Values are written as :mod:`csv` writes them (``None`` as an empty field); neutralise text
    first (:func:`safe_text`) where a spreadsheet will open the file.
    """
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return _lf_records(buf.getvalue())


def frame_csv(frame: pd.DataFrame, path: str | Path | None = None, *, encoding: str = "utf-8",
              **options: Any) -> str:
    """A frame as formula-safe CSV (see :func:`csv_text`), written to ``path`` when given.

    ``options`` go to :meth:`pandas.DataFrame.to_csv` (``index``, ``float_format`` …); the record
    end is always ``\\n``. Every text cell, label and column name is neutralised (:func:`safe_frame`).
    """
    text = _lf_records(safe_frame(frame).to_csv(None, lineterminator="\r\n", **options))
    if path is not None:
        with Path(path).open("w", encoding=encoding, newline="") as fh:
            fh.write(text)
    return text


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
