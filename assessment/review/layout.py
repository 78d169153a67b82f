"""The query workbook's layout: the contract between its writer and its reader.

Sheets
------
* *Queries* (in the city's template language): a title and how to answer (rows 1–2), the header
  on row :data:`HEADER_ROW` + 1, then one question per row, columns :data:`COLUMNS`; the city
  fills the last three (confirmed, corrected value, comment).
* ``_review`` (very hidden): what the reader needs to close questions in the next round. Columns
  A–B hold ``key, value`` pairs (:data:`FORMAT`, city, country, year, language, catalogue);
  from column :data:`SNAPSHOT_COLUMN` the submission as it was (indicator, value, data year,
  source, quality flag); from :data:`CONFIRMED_COLUMN` the values confirmed so far (question,
  value); from :data:`QUESTION_COLUMN` each question as data (:data:`QUESTION_FIELDS`).
"""

from __future__ import annotations

from ..i18n import N_
from ..intake.layout import Column

FORMAT = "smartcity-queries"
FORMAT_VERSION = 1
MARKER_SHEET = "_review"
QUERY_SHEET = N_("Queries")
#: 0-based row of the header on the Queries sheet (title, how to answer, a blank row above it).
HEADER_ROW = 3

COLUMNS: tuple[Column, ...] = (
    Column("query", N_("Question"), False, width=12),
    Column("cell", N_("Cell"), False, width=18),
    Column("indicator", N_("ID"), False, width=13),
    Column("name", N_("Indicator"), False, width=30),
    Column("value", N_("Value"), False, width=12),
    Column("severity", N_("Kind"), False, width=10),
    Column("why", N_("Why we ask"), False, width=60),
    Column("fix", N_("What to confirm or correct"), False, width=40),
    Column("confirmed", N_("Confirmed"), True, width=12),
    Column("corrected", N_("Corrected value"), True, width=14),
    Column("comment", N_("Comment"), True, width=40),
)
KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS)

#: The answer "yes" of the Confirmed column (a dropdown in the city's language).
YES = N_("Yes")
NO = N_("No")

SNAPSHOT_COLUMN = 3  # D: indicator, value, data_year, source, quality
SNAPSHOT_FIELDS = ("indicator", "value", "data_year", "source", "quality")
CONFIRMED_COLUMN = 9  # J: question, value
QUESTION_COLUMN = 12  # M: the questions as data
QUESTION_FIELDS = ("query", "code", "rule", "item", "found", "value", "message", "fix", "severity", "params",
                   "labels", "numbers", "source", "sheet", "row", "column")
