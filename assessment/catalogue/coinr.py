"""Import a COINr-style pair of tables (iData, iMeta) as data plus a catalogue.

COINr (Becker, R package) describes a composite indicator with two tables:

* ``iData``: one row per unit; ``uCode`` (and optionally ``uName``, ``Time``), indicator
  columns, group columns and denominator columns;
* ``iMeta``: one row per variable; ``iCode``, ``Level`` (1 = indicator, 2.. = aggregates),
  ``Parent``, ``Direction``, ``Weight``, ``Type`` (Indicator / Aggregate / Group /
  Denominator / Other), and optionally ``iName``, ``Unit``, ``Target``, ``Denominator``,
  ``goalpost_lower``, ``goalpost_upper``.

The hierarchy becomes one lens (id ``coinr``) with any number of levels.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .._missing import as_float
from ..errors import InputError, Problem, params
from ..i18n import LANGUAGES, N_, _
from ..templating import notebook_html, short_repr
from .load import build_catalogue
from .models import Catalogue

REQUIRED_META = ("Level", "iCode", "Parent", "Direction", "Weight", "Type")
#: Unit words the package translates: an import naming one of these pairs gets it in every UI language.
KNOWN_UNITS = ((N_("unit"), N_("units")), (N_("city"), N_("cities")), (N_("country"), N_("countries")),
               (N_("region"), N_("regions")))
TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")


@dataclass(frozen=True, repr=False)
class CoinrImport:
    """The result of :func:`from_coinr`.

    Attributes
    ----------
    data
        Wide table indexed by ``uCode`` with the indicator, group and denominator columns
        (and ``uName``/``Time`` when present), values as given (a copy).
    catalogue
        Catalogue with one lens ``coinr`` mirroring iMeta's hierarchy.
    groups
        Names of the group columns (iMeta ``Type == "Group"``).
    denominators
        Names of the denominator columns (iMeta ``Type == "Denominator"``).
    """

    data: pd.DataFrame
    catalogue: Catalogue
    groups: tuple[str, ...]
    denominators: tuple[str, ...]

    def __repr__(self) -> str:
        cat = self.catalogue
        return short_repr("CoinrImport", units=len(self.data), indicators=len(cat.indicators),
                          catalogue=f"{cat.id} {cat.version}", groups=list(self.groups),
                          denominators=list(self.denominators))

    def _repr_html_(self) -> str:
        """A notebook summary: the counts, then each indicator's place, direction, weight and units reporting it."""
        cat = self.catalogue
        placed = cat.membership("coinr")
        table = pd.DataFrame([{"indicator": i.id, "parent": placed.get(i.id, ""), "direction": i.direction,
                               "weight": i.weight} for i in cat.indicators]).set_index("indicator")
        table["reported"] = self.data[table.index].notna().sum()
        facts = {"units": len(self.data), "indicators": len(cat.indicators), "catalogue": f"{cat.id} {cat.version}"}
        return notebook_html("CoinrImport", facts, [("", table)], rows=60)


#: pandas 3 always copies on write: a table sharing the caller's data is a snapshot that the caller's later
#: writes cannot reach (pandas copies before writing), so an import needs no copy of its own (a million
#: units × 100 indicators: 0.8 GB and a few tenths of a second). Earlier pandas: a copy.
_SHARED_IS_SNAPSHOT = int(pd.__version__.split(".")[0]) >= 3


def _read(obj: pd.DataFrame | str | Path, name: str, *, copy: bool = True) -> pd.DataFrame:
    if isinstance(obj, pd.DataFrame):
        return obj.copy(deep=not _SHARED_IS_SNAPSHOT) if copy else obj
    path = Path(obj)
    if not path.is_file():
        raise InputError([Problem(str(path), code="missing-file", message=N_("{name} file not found"),
                                  params=params(name=name))])
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        return pd.read_excel(path, engine="calamine")
    if path.suffix.lower() in (".csv", ".txt"):
        return pd.read_csv(path, encoding="utf-8-sig")
    raise InputError([Problem(str(path), code="unknown-format",
                              message=N_("{name} must be a DataFrame, a CSV or an Excel/ODS file"),
                              found=repr(path.suffix), params=params(name=name))])


def _columns(frame: pd.DataFrame) -> tuple[list[Any], list[list[Any]]]:
    """The column names, and each column's values as Python scalars (built from whole columns)."""
    return frame.columns.tolist(), [column.tolist() for _, column in frame.items()]


def _records(names: list[Any], columns: list[list[Any]]) -> list[dict[str, Any]]:
    """The rows as plain dicts (as ``to_dict("records")``)."""
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


_BUILT: dict[str, Catalogue] = {}  # repr of an iMeta's cells and the import's identity -> its catalogue
_BUILT_LOCK = threading.Lock()
_KEEP = 16  # distinct hierarchies remembered (oldest forgotten first)
_PLAIN = frozenset((str, int, float, bool, type(None)))  # cell types whose repr tells every two values apart


def _unit_pair(units: Any) -> tuple[str, str]:
    """``units`` as ``(singular, plural)``: a pair of texts, or one singular word of :data:`KNOWN_UNITS`."""
    if isinstance(units, str):
        known = {s: (s, p) for s, p in KNOWN_UNITS}
        if units in known:
            return known[units]
    elif isinstance(units, tuple | list) and len(units) == 2 and all(isinstance(u, str) and u.strip() for u in units):
        return str(units[0]).strip(), str(units[1]).strip()
    raise InputError([Problem("from_coinr", field="units", code="bad-units",
                              message=N_("units must be a pair (singular, plural) of words, or one of {known}"),
                              found=repr(units), params=params(known=", ".join(s for s, _ in KNOWN_UNITS)))])


def unit_words(units: tuple[str, str], language: str) -> dict[str, dict[str, str]]:
    """The header's ``units`` of ``(singular, plural)`` in ``language``: every UI language when the pair
    is one of :data:`KNOWN_UNITS` (and ``language`` is English), else ``language`` alone."""
    singular, plural = units
    if language == "en" and (singular, plural) in KNOWN_UNITS:
        return {"singular": {lang: _(singular, lang) for lang in LANGUAGES},
                "plural": {lang: _(plural, lang) for lang in LANGUAGES}}
    return {"singular": {language: singular}, "plural": {language: plural}}


def _hierarchy(kinds: dict[str, list[dict[str, Any]]], level_dtype: Any, src: str, catalogue_id: str,
               version: str, language: str, units: tuple[str, str] = KNOWN_UNITS[0],
               title: str | None = None) -> tuple[dict[str, Any], list[tuple[str, str, Any]]]:
    """The catalogue header and raw records (indicators, one lens) of iMeta's rows, grouped by Type."""
    def lt(value: Any) -> dict[str, str]:
        return {language: str(value)} if not pd.isna(value) and str(value).strip() else {}

    records: list[tuple[str, str, Any]] = []
    members: dict[str, list[str]] = {}
    for row in kinds["Indicator"]:
        direction = as_float(row["Direction"])
        ind: dict[str, Any] = {
            "id": str(row["iCode"]),
            "name": lt(row.get("iName", row["iCode"])) or lt(row["iCode"]),
            "unit": lt(row.get("Unit")) or {language: "-"},
            "direction": int(direction) if direction is not None and direction.is_integer() else direction,
            "weight": as_float(row["Weight"]) if not pd.isna(row["Weight"]) else 1.0,
            "target": as_float(row.get("Target")),
            "denominator": None if pd.isna(row.get("Denominator")) else str(row["Denominator"]),
            "tags": {"coinr_level": "1"},
        }
        lo, hi = as_float(row.get("goalpost_lower")), as_float(row.get("goalpost_upper"))
        if lo is not None and hi is not None:
            worst, best = (lo, hi) if ind["direction"] != -1 else (hi, lo)
            ind["goalposts"] = {"worst": worst, "best": best,
                                "basis": {"kind": "user", "source": "iMeta goalpost_lower/goalpost_upper"}}
        records.append(("indicators", src, ind))
        members.setdefault(str(row["Parent"]), []).append(ind["id"])
    nodes = []
    aggregates = kinds["Aggregate"]  # deepest level first, ties in file order (as a stable pandas sort)
    order = pd.Series([r["Level"] for r in aggregates], dtype=level_dtype).sort_values(
        ascending=False, kind="stable").index
    for row in (aggregates[k] for k in order):
        nodes.append({"id": str(row["iCode"]), "name": lt(row.get("iName", row["iCode"])) or lt(row["iCode"]),
                      "parent": None if pd.isna(row["Parent"]) else str(row["Parent"]),
                      "weight": as_float(row["Weight"]) if not pd.isna(row["Weight"]) else 1.0})
    records.append(("lenses", src, {
        "id": "coinr", "name": {language: "COINr hierarchy"}, "applies_to": "indicators",
        "members": members, "complete": True, "nodes": nodes}))
    header = {"id": catalogue_id, "version": version,
              "title": {language: title or f"Imported from COINr ({catalogue_id})"}, "languages": [language],
              "units": unit_words(units, language), **({"scorecard_title": {language: title}} if title else {}),
              "denominators": [{"id": r["iCode"], "name": lt(r.get("iName", r["iCode"])) or {language: r["iCode"]}}
                               for r in kinds["Denominator"]]}
    return header, records


def _catalogue(cells: tuple[list[Any], list[list[Any]]], kinds: dict[str, list[dict[str, Any]]], level_dtype: Any,
               src: str, catalogue_id: str, version: str, language: str, units: tuple[str, str] = KNOWN_UNITS[0],
               title: str | None = None) -> Catalogue:
    """The validated catalogue of iMeta's rows, validated once per distinct content: a rebuild from the
    same iMeta (as in a loop of builds) returns the catalogue already validated, its hash already computed.

    The catalogue is a function of iMeta's ``cells`` (column names and values, :func:`_columns`; the
    rows are made of them), the Level column's dtype and the import's identity (id, version, language,
    source). The key is their ``repr``, used only when every one of them is plain text, a number or
    missing (``repr`` then tells apart every two different values, numbers by type and exact value);
    other iMeta tables are validated every time. A refused catalogue is never remembered: every call
    checks it again and raises with all its problems.
    """
    names, columns = cells
    identity = (catalogue_id, version, language, src, *units, title)
    plain = set(map(type, (*names, *identity))).union(*(map(type, column) for column in columns)) <= _PLAIN
    key = repr((names, columns, str(level_dtype), identity)) if plain else None
    with _BUILT_LOCK:
        known = _BUILT.get(key) if key is not None else None
    if known is not None:
        return known
    catalogue = build_catalogue(*_hierarchy(kinds, level_dtype, src, catalogue_id, version, language, units, title),
                                src)
    if key is not None:
        with _BUILT_LOCK:
            while len(_BUILT) >= _KEEP:
                del _BUILT[next(iter(_BUILT))]
            _BUILT[key] = catalogue
    return catalogue


def _meta_problems(meta: pd.DataFrame, rows: list[dict[str, Any]], data: pd.DataFrame, src: str) -> list[Problem]:
    problems = [Problem(src, field=col, code="missing-column", message=N_("iMeta needs this column"))
                for col in REQUIRED_META if col not in meta.columns]
    if problems:
        return problems
    columns = set(data.columns.tolist())
    for i, row in zip(meta.index, rows, strict=True):  # plain dicts: rows are read often
        code = str(row["iCode"])
        if row["Type"] not in TYPES:
            problems.append(Problem(src, item=code, field="Type", code="unknown-type",
                                    message=N_("Type must be one of {allowed}"), found=repr(row["Type"]),
                                    params=params(allowed=", ".join(TYPES))))
        if row["Type"] in ("Indicator", "Group", "Denominator", "Other") and code not in columns:
            problems.append(Problem(src, item=code, field="iCode", code="missing-column",
                                    message=N_("iMeta row {row} names a column that iData does not have"),
                                    params=params(row=i + 2)))
    if "uCode" not in data.columns:
        problems.append(Problem("iData", field="uCode", code="missing-column",
                                message=N_("iData needs a uCode column of unique unit codes")))
    elif "Time" not in data.columns and not pd.Index(data["uCode"]).is_unique:  # as duplicated().any(), faster
        dups = sorted({str(code) for code in data.loc[data["uCode"].duplicated(), "uCode"]})  # a missing one: nan
        problems.append(Problem("iData", field="uCode", code="duplicate-id",
                                message=N_("uCode must be unique (or unique per Time)"), found=", ".join(dups)))
    return problems


def from_coinr(idata: pd.DataFrame | str | Path, imeta: pd.DataFrame | str | Path, *,
               catalogue_id: str = "coinr-import", version: str = "1.0",
               language: str = "en", units: tuple[str, str] | str = KNOWN_UNITS[0],
               title: str | None = None) -> CoinrImport:
    """Turn COINr's ``iData``/``iMeta`` into data and a :class:`Catalogue`.

    Parameters
    ----------
    idata, imeta
        DataFrames, or paths to CSV or Excel/ODS files.
    catalogue_id, version
        Identity of the resulting catalogue.
    language
        Language code the names and units are in.
    units
        What the units are called, ``(singular, plural)`` in ``language`` (``("country", "countries")``
        for ASEM; default ``("unit", "units")``): the scorecards' words. A pair of
        :data:`KNOWN_UNITS` given in English (or its singular alone, ``"region"``) comes in every UI
        language.
    title
        The framework's name (the catalogue and scorecard title); default "Imported from COINr (id)".

    Returns
    -------
    CoinrImport
        Data (indexed by ``uCode``), the catalogue, and the group and denominator columns.

    Raises
    ------
    InputError
        When required columns are missing or iMeta names columns iData lacks, or ``units`` is
        neither a pair of words nor a known singular.
    CatalogueError
        When the hierarchy is invalid (unknown or cyclic parents, empty aggregates,
        directions other than -1/1, negative weights …), listing every problem.

    Notes
    -----
    Directions must be 1 or -1 (COINr has no context indicators). ``Target`` becomes the
    indicator target; ``goalpost_lower``/``goalpost_upper`` become goalposts, oriented by
    direction (``worst`` = lower for direction 1). Aggregate weights are kept on lens nodes.
    The catalogue of an iMeta already imported (same content, same identity) is the one validated
    then (the last 16 are remembered): a loop of rebuilds validates and hashes it once.
    """
    data = _read(idata, "iData")  # a snapshot: later writes to the caller's table do not reach the import
    meta = _read(imeta, "iMeta", copy=False)  # only read
    src = imeta if isinstance(imeta, str | Path) else "<iMeta DataFrame>"
    cells = _columns(meta)
    rows = _records(*cells)
    problems = _meta_problems(meta, rows, data, str(src))
    if problems:
        raise InputError(problems)

    kinds: dict[str, list[dict[str, Any]]] = {t: [] for t in TYPES}
    for row in rows:  # every Type is one of TYPES (checked above)
        kinds[row["Type"]].append(row)
    denominators = tuple(str(r["iCode"]) for r in kinds["Denominator"])
    groups = tuple(str(r["iCode"]) for r in kinds["Group"])
    catalogue = _catalogue(cells, kinds, meta["Level"].dtype, str(src), catalogue_id, version, language,
                           _unit_pair(units), title)
    keep = [c for c in ("uCode", "uName", "Time") if c in data.columns]
    codes = set(meta["iCode"].astype(str).tolist())
    cols = keep + [c for c in data.columns.tolist() if c in codes and c not in keep]
    if data.columns.is_unique:  # the columns by position: as ``data[cols]``, without looking the labels up
        where = {c: k for k, c in enumerate(data.columns.tolist())}
        frame = data.take([where[c] for c in cols], axis=1).set_index("uCode")
    else:
        frame = data[cols].set_index("uCode")
    return CoinrImport(data=frame, catalogue=catalogue, groups=groups, denominators=denominators)
