"""Write the query workbooks (one per city, in its template language) and the cohort summary.

Every text cell is written as text (never a formula or a link), and the file's creation date is
fixed, so the same review gives byte-identical workbooks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from .._missing import cell_text, frame_csv, is_missing, safe_frame
from ..i18n import N_, _, draft_notice, text
from .layout import (
    COLUMNS,
    CONFIRMED_COLUMN,
    FORMAT,
    FORMAT_VERSION,
    HEADER_ROW,
    KEYS,
    MARKER_SHEET,
    NO,
    QUERY_SHEET,
    QUESTION_COLUMN,
    QUESTION_FIELDS,
    SNAPSHOT_COLUMN,
    SNAPSHOT_FIELDS,
    YES,
)
from .messages import Query, rule_words
from .run import Review

SEVERITY_LABELS = {"error": N_("error"), "warning": N_("query")}
#: Cohort summary columns (msgids) of the CSV and the workbook.
SUMMARY_HEADERS = {"city": N_("City"), "country": N_("Country"), "year": N_("Year"), "rule": N_("Rule"),
                   "open": N_("Open"), "closed": N_("Closed")}
_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def slug(name: str) -> str:
    """A file-name part: ASCII lower case, letters and digits joined by ``-`` (``Đà Nẵng`` → ``da-nang``)."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", "-", plain.lower()).strip("-")[:60].strip("-") or "city"


def workbook_name(city: str, country: str, year: int) -> str:
    """``queries-<city>-<country>-<year>.xlsx`` (parts that are unknown are left out)."""
    parts = [slug(city), slug(country) if country else "", str(year) if year else ""]
    return "-".join(["queries", *(p for p in parts if p)]) + ".xlsx"


def _cell(q: Query) -> str:
    p = q.problem
    where = p.sheet or Path(p.source).name
    return f"{where}!{p.column}{p.row}" if p.row is not None and p.column else where


def write_city(rv: Review, city: dict[str, Any], path: Path) -> Path:
    """Write the query workbook of one city (a profile row of :meth:`Review.cities`) to ``path``."""
    key = (str(city["city"]), str(city["country"]))
    lang = str(city.get("lang") or "en")
    year = int(city["year"])
    qs = [q for q in rv.queries if q.city_key == key]
    cat = rv.intake.catalogue
    wb = xlsxwriter.Workbook(str(path), {**_OPTIONS, "in_memory": True})
    wb.set_properties({"created": dt.datetime(2000, 1, 1)})
    bold = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1,
                          "locked": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top", "locked": True})
    entry = wb.add_format({"text_wrap": True, "valign": "top", "locked": False, "bg_color": "#FFF2CC", "border": 1})
    ws = wb.add_worksheet(_(QUERY_SHEET, lang)[:31])
    ws.write_string(0, 0, _("Questions from the reviewer: {city} ({country}), {year}", lang).format(
        city=key[0], country=key[1], year=year), bold)
    ws.write_string(1, 0, _("For each question, check the value in the cell named. If it is right, choose '{yes}' "
                            "under Confirmed; if not, give the corrected value, and correct the workbook too. Say "
                            "why in the comment.", lang).format(yes=_(YES, lang)), wrap)
    if draft_notice(lang):  # a language not yet reviewed says so, in itself and in English
        ws.write_string(2, 0, draft_notice(lang), bold)
    for i, col in enumerate(COLUMNS):  # the question's id (code:rule:indicator) is for scripts: hidden
        ws.set_column(i, i, col.width, None, {"hidden": col.key == "query"})
        ws.write_string(HEADER_ROW, i, _(col.header, lang), head)
    choices = [_(YES, lang), _(NO, lang)]
    for r, q in enumerate(qs, start=HEADER_ROW + 1):
        ind = q.problem.item
        name = text(cat.indicator(ind).name, lang) if ind in {i.id for i in cat.indicators} else ""
        why = q.problem.text(lang)
        note = _rule_note(rv, q.problem.field, lang)
        cells = [q.key, _cell(q), ind, name, cell_text(q.value), _(SEVERITY_LABELS[q.problem.severity], lang),
                 f"{why} {note}".strip(), q.problem.fix_text(lang)]
        for c, value in enumerate(cells):
            ws.write_string(r, c, value, wrap)
        if q.value is not None:  # a number cell: shown with the reader's own decimal mark
            ws.write_number(r, KEYS.index("value"), q.value, wrap)
        for c in range(len(cells), len(COLUMNS)):
            ws.write_blank(r, c, None, entry)
        ws.data_validation(r, len(cells), r, len(cells), {"validate": "list", "source": choices})
    ws.freeze_panes(HEADER_ROW + 1, 1)
    ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": True})
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    _marker(wb, rv, city, qs, lang)
    wb.close()
    return path


def _rule_note(rv: Review, rule_id: str, lang: str) -> str:
    for rule in rv.intake.catalogue.rules:
        if rule.id == rule_id and rule.note:
            return text(rule.note, lang)
    return ""


def _marker(wb: xlsxwriter.Workbook, rv: Review, city: dict[str, Any], qs: Iterable[Query], lang: str) -> None:
    ms = wb.add_worksheet(MARKER_SHEET)
    ms.very_hidden()
    key = (str(city["city"]), str(city["country"]))
    pairs = [("format", FORMAT), ("format_version", str(FORMAT_VERSION)), ("city", key[0]), ("country", key[1]),
             ("year", str(int(city["year"]))), ("lang", lang), ("file", Path(str(city["file"])).name),
             ("catalogue", f"{rv.intake.catalogue.id} {rv.intake.catalogue.version}")]
    for r, (k, v) in enumerate(pairs):
        ms.write_string(r, 0, k)
        ms.write_string(r, 1, v)
    data = rv.intake.data
    rows = data[(data["city"] == key[0]) & (data["country"] == key[1]) & (data["year"] == int(city["year"]))]
    ms.write_row(0, SNAPSHOT_COLUMN, SNAPSHOT_FIELDS)
    for r, snap in enumerate(rows[list(SNAPSHOT_FIELDS)].to_dict("records"), start=1):
        for c, f in enumerate(SNAPSHOT_FIELDS):
            v = snap[f]
            ms.write_string(r, SNAPSHOT_COLUMN + c, "" if is_missing(v) else cell_text(v))
    ms.write_row(0, CONFIRMED_COLUMN, ("query", "value"))
    for r, (qkey, qval) in enumerate(sorted(rv.confirmed.get(key, {}).items()), start=1):
        ms.write_string(r, CONFIRMED_COLUMN, qkey)
        ms.write_string(r, CONFIRMED_COLUMN + 1, "" if qval is None else repr(float(qval)))
    ms.write_row(0, QUESTION_COLUMN, QUESTION_FIELDS)
    for r, q in enumerate(qs, start=1):
        p = q.problem
        rec = {"query": q.key, "code": p.code, "rule": p.field, "item": p.item, "found": p.found,
               "value": "" if q.value is None else repr(float(q.value)), "message": p.message, "fix": p.fix,
               "severity": p.severity, "params": json.dumps(p.params, ensure_ascii=False),
               "labels": json.dumps(p.labels), "numbers": json.dumps(p.numbers), "source": Path(p.source).name,
               "sheet": p.sheet, "row": "" if p.row is None else str(p.row), "column": p.column}
        for c, f in enumerate(QUESTION_FIELDS):
            ms.write_string(r, QUESTION_COLUMN + c, rec[f])


def write_summary(rv: Review, folder: Path, lang: str = "en") -> list[Path]:
    """The cohort summary: ``summary.csv`` (city × rule, open and closed) and ``summary.xlsx``.

    The workbook has the same table, then the totals per city and per rule; headers and the rules' names in
    ``lang`` (the CSV keeps the rule ids, for scripts).
    """
    counts = rv.counts()
    headers = {k: _(v, lang) for k, v in SUMMARY_HEADERS.items()}
    csv_path, xlsx_path = folder / "summary.csv", folder / "summary.xlsx"
    frame_csv(counts.rename(columns=headers), csv_path, index=False, encoding="utf-8-sig")
    table = rv.table()  # the workbook names each rule in words in ``lang``; the CSV keeps the ids for scripts
    words = rule_words(list(table["rule"]), list(table["code"]), list(table["severity"]), lang)
    counts = counts.assign(rule=[words.get(r, r) for r in counts["rule"]])
    counts = counts.groupby(["city", "country", "year", "rule"], sort=True)[["open", "closed"]].sum().reset_index()
    by_city = counts.groupby(["city", "country", "year"], sort=True)[["open", "closed"]].sum().reset_index()
    by_rule = counts.groupby("rule", sort=True)[["open", "closed"]].sum().reset_index()
    sheets = {N_("By city and rule"): counts, N_("By city"): by_city, N_("By rule"): by_rule}
    with pd.ExcelWriter(xlsx_path, engine="xlsxwriter", engine_kwargs={"options": _OPTIONS}) as xw:
        xw.book.set_properties({"created": dt.datetime(2000, 1, 1)})
        for name, frame in sheets.items():
            safe_frame(frame.rename(columns=headers)).to_excel(xw, sheet_name=_(name, lang)[:31], index=False)
        if draft_notice(lang):  # a language not yet reviewed says so, below the first table
            xw.sheets[_(N_("By city and rule"), lang)[:31]].write_string(len(counts) + 2, 0, draft_notice(lang))
    return [csv_path, xlsx_path]


def write_review(rv: Review, folder: str | Path, lang: str = "en") -> list[Path]:
    """Write one query workbook per city under review and the cohort summary into ``folder``.

    Also ``changes.csv`` and ``answers.csv`` when the review was made against a previous round.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = [write_city(rv, c, out / workbook_name(str(c["city"]), str(c["country"]), int(c["year"])))
               for c in rv.cities()]
    written += write_summary(rv, out, lang)
    for name, frame in (("changes.csv", rv.changes), ("answers.csv", rv.answers)):
        if not frame.empty:
            frame_csv(frame, out / name, index=False, encoding="utf-8-sig")
            written.append(out / name)
    return written
