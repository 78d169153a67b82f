"""The workbook layout: the one contract between the template writer and the reader.

Sheets
------
* *Instructions*: how to fill the workbook, the columns, the data-quality scale, missing values.
* *City profile*: one row per :data:`PROFILE_FIELDS` entry from row 2: the field key (column A, hidden: for scripts),
  its label (B) and the city's value (C).
* *Indicators*: one row per indicator from row 2, columns :data:`INDICATOR_TABLE`: id, name,
  unit and definition (locked), then the city's value, data year, source, data-quality flag
  (dropdown) and notes.
* *Enablers*: one row per rubric item from row 2, columns :data:`ENABLER_TABLE` (id, name, then
  the city's level, evidence and notes), followed by the six level descriptors (locked).
* *Criteria* (only when the catalogue has criteria-based maturity models): one row per criterion,
  columns :data:`CRITERIA_TABLE` (id, level, kind, criterion and the evidence it needs, locked;
  then met / not met from a dropdown, the evidence given, notes). Rows are found by id.
* ``Lists`` (hidden, named in the template's language: *Danh sách*): dropdown sources.
* ``_smartcity`` (very hidden): the versioned marker. Columns A–B hold ``key, value`` pairs
  (format, catalogue id, version and hash, language …); from row 2, columns D–F hold the row
  number, id and unit written on every indicator row, and columns H–I the row number and id of
  every enabler row.

Sheet names, headers and labels are English msgids translated into the template language; the
reader finds the sheets through the marker's language. The long CSV form has the columns
:data:`LONG_CSV_COLUMNS`, one row per profile field, indicator and enabler item.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale

from ..i18n import N_

FORMAT = "smartcity-template"
FORMAT_VERSION = 1
MARKER_SHEET = "_smartcity"
#: The hidden sheet of dropdown sources, named in the template's language (a reader of any version also knows
#: the English name, which templates before issue 23 used in every language).
LISTS_SHEET = N_("Lists")

SHEETS = {"instructions": N_("Instructions"), "profile": N_("City profile"), "indicators": N_("Indicators"),
          "enablers": N_("Enablers"), "criteria": N_("Criteria")}


@dataclass(frozen=True)
class ProfileField:
    """One City-profile field: its key, label, whether it is required and what it holds."""

    key: str
    label: str
    required: bool
    kind: str  # "text", "country", "year" or "number"


PROFILE_FIELDS: tuple[ProfileField, ...] = (
    ProfileField("city", N_("City"), True, "text"),
    ProfileField("country", N_("Country (ISO 3166-1 alpha-2 code, e.g. VN)"), True, "country"),
    ProfileField("year", N_("Assessment year"), True, "year"),
    ProfileField("population", N_("Population (inhabitants)"), True, "number"),
    ProfileField("area_km2", N_("Area (km²)"), False, "number"),
    ProfileField("peer_group", N_("Peer group (optional)"), False, "text"),
    ProfileField("contact_name", N_("Contact person"), False, "text"),
    ProfileField("contact_email", N_("Contact e-mail"), False, "text"),
)
PROFILE_KEYS: tuple[str, ...] = tuple(f.key for f in PROFILE_FIELDS)


def _countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes known to CLDR (regions such as EU, UN, ZZ excluded)."""
    codes = (str(k) for k in Locale("en").territories)
    return frozenset(k for k in codes if len(k) == 2 and k.isalpha() and k not in {"ZZ", "EU", "UN", "EZ", "QO"})


#: Assessment years the template is written for and the validator accepts.
YEARS = (1990, 2100)
#: Data years the validator accepts (the year a value refers to may be older than any assessment).
DATA_YEARS = (1900, 2100)

#: The country codes the City profile accepts (the template writer checks its argument against them too).
COUNTRIES = _countries()
#: City-profile sheet columns (0-based): key, label, the city's value.
PROFILE_KEY_COLUMN, PROFILE_LABEL_COLUMN, PROFILE_VALUE_COLUMN = 0, 1, 2


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: key, header, whether the city fills it, help text, width."""

    key: str
    header: str
    entry: bool
    help: str = ""
    width: float = 14


INDICATOR_TABLE: tuple[Column, ...] = (
    Column("id", N_("ID"), False, N_("catalogue identifier (do not change)"), 13),
    Column("name", N_("Indicator"), False, N_("indicator name"), 36),
    Column("unit", N_("Unit"), False, N_("unit the value must be given in (do not change)"), 16),
    Column("definition", N_("Definition"), False, N_("what is measured"), 60),
    Column("value", N_("Value"), True, N_("the city's value, a number; empty if not available"), 14),
    Column("data_year", N_("Data year"), True, N_("the year the value refers to (four digits)"), 10),
    Column("source", N_("Source"), True, N_("where the value comes from: organisation, publication, link"), 28),
    Column("quality", N_("Data quality"), True, N_("how reliable the value is, from the dropdown"), 28),
    Column("notes", N_("Notes"), True, N_("anything a reviewer should know"), 30),
)
#: Narrower than the indicator columns: with the six level descriptors the sheet still prints one page
#: wide at a readable scale.
ENABLER_TABLE: tuple[Column, ...] = (
    Column("id", N_("ID"), False, width=13),
    Column("name", N_("Enabler item"), False, width=24),
    Column("level", N_("Level (0–5)"), True, width=20),
    Column("evidence", N_("Evidence"), True, width=26),
    Column("notes", N_("Notes"), True, width=20),
)
#: Locked columns after the enabler table: the descriptors of levels 0–5.
ENABLER_DESCRIPTORS = 6
#: The Criteria sheet (only when the catalogue has criteria-based maturity models): one row per
#: criterion, answered met or not met with the evidence.
CRITERIA_TABLE: tuple[Column, ...] = (
    Column("id", N_("ID"), False, width=10),
    Column("level", N_("Level"), False, width=20),
    Column("kind", N_("Kind"), False, width=12),
    Column("name", N_("Criterion"), False, width=50),
    Column("required", N_("Evidence required"), False, width=32),
    Column("met", N_("Met?"), True, width=12),
    Column("evidence", N_("Evidence"), True, width=36),
    Column("notes", N_("Notes"), True, width=30),
)
#: The answers of the Met? column (msgids; the dropdown shows them in the template language).
MET_CHOICES: dict[bool, str] = {True: N_("met"), False: N_("not met")}
#: Criterion kinds as the sheet shows them.
CRITERION_KINDS = {"basic": N_("basic"), "optional": N_("optional"), "local": N_("local")}

INDICATOR_COLUMNS: tuple[str, ...] = tuple(c.key for c in INDICATOR_TABLE)
INDICATOR_INPUTS: tuple[str, ...] = tuple(c.key for c in INDICATOR_TABLE if c.entry)
ENABLER_COLUMNS: tuple[str, ...] = tuple(c.key for c in ENABLER_TABLE)
ENABLER_INPUTS: tuple[str, ...] = tuple(c.key for c in ENABLER_TABLE if c.entry)
CRITERIA_COLUMNS: tuple[str, ...] = tuple(c.key for c in CRITERIA_TABLE)
CRITERIA_INPUTS: tuple[str, ...] = tuple(c.key for c in CRITERIA_TABLE if c.entry)
#: Columns right of the indicator inputs that a template with last year's values has (a read-only
#: reference, :mod:`assessment.intake.reference`), and the marker key that says so: the reader skips them.
REFERENCE_COLUMNS = 1
REFERENCE_MARKER = "reference_year"
#: Leading columns the city must not change (locked in the template).
INDICATOR_LOCKED = len(INDICATOR_TABLE) - len(INDICATOR_INPUTS)
ENABLER_LOCKED = len(ENABLER_TABLE) - len(ENABLER_INPUTS)

#: Marker sheet columns (0-based): key/value pairs, indicator rows, enabler rows.
MARKER_KEY_COLUMN = 0
MARKER_INDICATOR_COLUMN = 3  # row number, id, unit
MARKER_ENABLER_COLUMN = 7  # row number, id

LONG_CSV_COLUMNS = ("kind", "catalogue", "lang", "city", "country", "year", "id", "name", "unit", "value",
                    "data_year", "source", "quality", "notes")
#: Columns a long CSV may leave out (they only describe the row).
LONG_CSV_OPTIONAL = frozenset({"name", "unit", "catalogue", "lang"})


def column_index(table: tuple[Column, ...], key: str) -> int:
    """0-based position of column ``key`` in ``table``."""
    return next(i for i, c in enumerate(table) if c.key == key)
