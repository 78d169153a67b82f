"""Write the issues of an intake for a reviewer: CSV, Excel or a self-contained HTML page.

Text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` …) are
neutralised in CSV and Excel; the HTML page escapes everything (jinja2 autoescape).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from .scoring.export import safe_frame
from .templating import environment

if TYPE_CHECKING:
    from .submission import Intake


def write_issues(intake: Intake, path: Path, lang: str = "en") -> Path:
    """Write ``intake.issues`` to ``path`` (format from the suffix: .csv, .xlsx or .html)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    frame = intake.issues
    if suffix == ".csv":
        safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    elif suffix == ".xlsx":
        import pandas as pd

        with pd.ExcelWriter(path, engine="xlsxwriter",
                            engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as xw:
            xw.book.set_properties({"created": dt.datetime(2000, 1, 1)})
            safe_frame(frame).to_excel(xw, sheet_name="issues", index=False)
    elif suffix in (".html", ".htm"):
        page = environment(lang).get_template("issues.html.j2").render(
            issues=frame.to_dict("records"), summary=intake.summary(), lang=lang)
        path.write_text(page, encoding="utf-8")
    else:
        raise ValueError(f"unsupported report format {suffix!r}: use .csv, .xlsx or .html")
    return path
