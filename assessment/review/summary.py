"""What the ``smartcity review`` command prints: questions per rule and per city, and what changed.

Plain lines in the language asked for (the command line only prints them), so that the same
words can be tested without a terminal.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..i18n import _
from .answers import Round
from .messages import rule_words
from .run import Review


def per_rule_label(rv: Review, lang: str = "en") -> pd.DataFrame:
    """Open and closed questions per rule, each rule named in words in ``lang`` (the kind of rule; the intake's
    problems as "reading the files"), summed per name, sorted: what ``smartcity review`` prints, ids left to
    the CSV summary."""
    table = rv.table()
    if table.empty:
        return pd.DataFrame({"open": [], "closed": []}, index=pd.Index([], name="rule"), dtype="int64")
    words = rule_words(list(table["rule"]), list(table["code"]), list(table["severity"]), lang)
    table["rule"] = [words[r] for r in table["rule"]]
    table["open"] = table["status"].eq("open").astype(int)
    table["closed"] = 1 - table["open"]
    return table.groupby("rule", sort=True)[["open", "closed"]].sum()


def summary_lines(rv: Review, before: Round | None, written: list[Path], lang: str = "en") -> list[str]:
    """The lines after the table: one per city, what the previous round closed, the files written."""
    lines = []
    counts = rv.counts()
    if not counts.empty:
        per_city = counts.groupby(["city", "country", "year"], sort=True)[["open", "closed"]].sum()
        for (city, country, year), row in per_city.iterrows():
            lines.append(_("{city} ({country}) {year}: {open} open, {closed} closed", lang).format(
                city=city, country=country or "?", year=year or "?", open=int(row["open"]),
                closed=int(row["closed"])))
    if before is not None:
        by_status = {s: sum(q.status == s for q in rv.closed) for s in ("confirmed", "corrected", "resolved")}
        lines.append(_("Since the previous round: {changes} change(s) in values or metadata, {closed} question(s) "
                       "closed ({confirmed} confirmed, {corrected} corrected, {resolved} resolved).", lang).format(
            changes=len(rv.changes), closed=len(rv.closed), **by_status))
        lines += [f"{Path(p.source).name}{'' if p.row is None else f':{p.column}{p.row}'}: {p.text(lang)}"
                  for p in before.problems]
    lines.append(_("wrote {n} file(s) to {folder}", lang).format(
        n=len(written), folder=str(written[0].parent) if written else ""))
    return lines
