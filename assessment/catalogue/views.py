"""Tables and documents made from a catalogue: listings, CSV/XLSX/Markdown exports, docs.

Every function here is a pure view: it reads a :class:`~assessment.catalogue.models.Catalogue` and
returns a DataFrame or text; nothing writes to the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._missing import frame_csv
from ..i18n import N_, _, text
from ..templating import environment
from .choices import CatalogueFormat
from .models import Catalogue, Indicator, LensRole

# Column id -> English heading (translated through the UI catalogue).
COLUMNS: dict[str, str] = {
    "id": N_("ID"),
    "name": N_("Name"),
    "unit": N_("Unit"),
    "direction": N_("Direction"),
    "tier": N_("Tier"),
    "focus_area": N_("Focus area"),
    "outcome": N_("Outcome"),
    "oecd_dimensions": N_("OECD dimensions"),
    "references": N_("References"),
    "goalposts": N_("Goalposts (worst → best)"),
    "thresholds": N_("Level thresholds 1–5"),
    "basis_judgement": N_("Goalposts rest on judgement"),
}

DIRECTION_LABELS = {1: N_("higher is better"), -1: N_("lower is better"), 0: N_("context (not scored)")}
TIER_LABELS = {"core": N_("core"), "advanced": N_("advanced")}


@dataclass(frozen=True)
class IndicatorFilter:
    """Which indicators to list; ``None`` means no restriction. Values are ids."""

    focus_area: str | None = None
    outcome: str | None = None
    dimension: str | None = None
    tier: str | None = None

    def keep(self, cat: Catalogue, ind: Indicator) -> bool:
        """True when ``ind`` passes every set criterion."""
        if self.focus_area and ind.focus_area != self.focus_area:
            return False
        if self.outcome and outcome_of(cat, ind) != self.outcome:
            return False
        if self.dimension and self.dimension not in ind.oecd_dimensions:
            return False
        return not (self.tier and ind.tier != self.tier)


def _role_id(cat: Catalogue, role: LensRole) -> str:
    """The id of the lens playing ``role`` ("" when none does: names then fall back to ids)."""
    lens = cat.lens_for(role)
    return lens.id if lens is not None else ""


def outcome_of(cat: Catalogue, ind: Indicator) -> str | None:
    """The ASCF strategic outcome an indicator counts towards: its own ``outcome`` field."""
    del cat  # kept in the signature: callers pass the catalogue the indicator belongs to
    return ind.outcome


def _node_name(cat: Catalogue, lens_id: str, node_id: str | None, lang: str) -> str:
    if node_id is None or lens_id not in {lens.id for lens in cat.lenses}:
        return node_id or ""
    try:
        return text(cat.lens(lens_id).node(node_id).name, lang)
    except KeyError:
        return node_id


def _fmt(x: float) -> str:
    return f"{x:g}"


def indicator_table(cat: Catalogue, lang: str = "en", where: IndicatorFilter | None = None) -> pd.DataFrame:
    """One row per indicator, in catalogue order, with translated headings and labels."""
    where = where or IndicatorFilter()
    rows = []
    for ind in cat.indicators:
        if not where.keep(cat, ind):
            continue
        gp, th = ind.goalposts, ind.thresholds
        rows.append({
            "id": ind.id,
            "name": text(ind.name, lang),
            "unit": text(ind.unit, lang),
            "direction": _(DIRECTION_LABELS[ind.direction], lang),
            "tier": _(TIER_LABELS[ind.tier], lang) if ind.tier else "",
            "focus_area": _node_name(cat, _role_id(cat, "areas"), ind.focus_area, lang),
            "outcome": _node_name(cat, _role_id(cat, "headline"), outcome_of(cat, ind), lang),
            "oecd_dimensions": "; ".join(_node_name(cat, "oecd-wellbeing", d, lang) for d in ind.oecd_dimensions),
            "references": "; ".join(str(r) for r in ind.references),
            "goalposts": f"{_fmt(gp.worst)} → {_fmt(gp.best)}" if gp else "",
            "thresholds": " / ".join(_fmt(v) for v in th.values) if th else "",
            "basis_judgement": (_("yes", lang) if gp.basis.is_judgement else _("no", lang)) if gp else "",
        })
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.rename(columns={k: _(v, lang) for k, v in COLUMNS.items()})


def to_markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (pipes and newlines in cells escaped)."""
    def cell(v: object) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(cell(c) for c in frame.columns) + " |",
             "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def write_table(frame: pd.DataFrame, path: Path, fmt: CatalogueFormat) -> None:
    """Write a listing as CSV (UTF-8 with BOM, for Excel), XLSX or Markdown."""
    if fmt == "csv":
        frame_csv(frame, path, index=False, encoding="utf-8-sig")
    elif fmt == "xlsx":
        frame.to_excel(path, index=False, engine="xlsxwriter")
    elif fmt == "markdown":
        path.write_text(to_markdown_table(frame), encoding="utf-8")
    else:  # "table" is for the terminal only
        raise ValueError(f"format must be one of csv, xlsx, markdown to write a file; got {fmt!r}")


def counts(cat: Catalogue) -> dict[str, dict[str, int]]:
    """Indicator counts per leaf of each indicator lens (ids as keys), plus cross tables.

    Each lens counts an indicator once (its primary outcome, focus area or first OECD
    dimension). ``ascf-outcomes`` repeats the outcome counts; ``<outcome>/<focus area>``
    keys under ``ascf-cross`` count the scored indicators of each outcome by focus area.
    """
    out: dict[str, dict[str, int]] = {}
    for lens in cat.lenses:
        if lens.applies_to != "indicators":
            continue
        leaf_counts = {leaf.id: 0 for leaf in lens.leaves()}
        for node in cat.membership(lens.id).values():
            leaf_counts[node] = leaf_counts.get(node, 0) + 1
        out[lens.id] = leaf_counts
    head = _role_id(cat, "headline")
    if head in out:
        out["ascf-outcomes"] = dict(out[head])
    cross: dict[str, int] = {}
    for ind in cat.scored_indicators:
        if ind.outcome and ind.focus_area:
            key = f"{ind.outcome}/{ind.focus_area}"
            cross[key] = cross.get(key, 0) + 1
    out["ascf-cross"] = cross
    return out


def catalogue_markdown(cat: Catalogue, lang: str = "en") -> str:
    """The human-readable catalogue reference (``docs/catalogue.md``, ``docs/catalogue.vi.md``)."""
    template = environment(lang).get_template("catalogue.md.j2")
    ascf, areas = cat.lens_for("headline"), cat.lens_for("areas")
    if ascf is None or areas is None:
        raise ValueError(f"catalogue {cat.id!r} has no headline and areas lens (Lens.role) to document")
    by_area = {leaf.id: [i for i in cat.indicators if i.focus_area == leaf.id] for leaf in areas.leaves()}
    return template.render(cat=cat, ascf=ascf, areas=areas, by_area=by_area, counts=counts(cat),
                           direction_labels=DIRECTION_LABELS, outcome_of=lambda i: outcome_of(cat, i),
                           node_name=lambda lens_id, node_id: _node_name(cat, lens_id, node_id, lang),
                           role=lambda role: _role_id(cat, role))
