"""The indicator catalogue: typed models of indicators, enabler rubrics and lenses.

A catalogue is one set of indicators and enabler items seen through several *lenses*. A lens
is a tree of nodes (for the ASEAN Smart Cities Framework: overall → 3 strategic outcomes,
and a second view by the 6 focus areas; for the OECD well-being lens: overall → 11
dimensions) plus a rule that puts each indicator under one leaf. Lenses are data: a user adds
one with a YAML file, no code.

The models here validate single records. Rules that span records (unique ids, parents that
exist, no cycles, no empty groups, languages) live in :mod:`assessment.catalogue.checks`,
and reading YAML files lives in :mod:`assessment.catalogue.load` (over :mod:`assessment.yamlfiles`).
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Literal

from pydantic import Field

from ..i18n import text
from .choices import Tier
from .criteria import CriteriaModel
from .rules import Rule
from .types import Id, LangText, Record, english_only

#: +1: higher is better; -1: lower is better; 0: context, shown but not scored.
Direction = Literal[1, -1, 0]

#: What a goalpost or threshold rests on. ``judgement`` says plainly that it is ours.
BasisKind = Literal[
    "who-guideline",
    "sdg-target",
    "u4ssc-target",
    "itu-y4904",
    "iso-standard",
    "published-range",
    "published-standard",
    "physical-bound",
    "judgement",
    "user",
]

#: Families of external references an indicator can cite.
Scheme = Literal[
    "U4SSC",
    "ISO 37120",
    "ISO 37122",
    "ISO 37123",
    "OECD BLI",
    "OECD How's Life?",
    "OECD RWB",
    "SDG",
    "WHO",
    "ITU-T Y.4904",
    "G20 GSCA",
    "Sendai Framework",
    "UNDP HDI",
    "World Bank",
    "ISO 37106",
    "COINr",
    "Other",
]

LensTarget = Literal["indicators", "enablers"]

#: What a lens is for, so reports and views find it by role rather than by a built-in id. At
#: most one lens per role. ``headline``: the overall score and its outcomes (score cards);
#: ``areas``: the profile shown on the radar; ``wellbeing``: the OECD-style dimension bars;
#: ``enabler-areas`` and ``enabler-pillars``: the two groupings of the enabler rubric. A
#: researcher's framework needs none of them: without a headline lens the first aggregated
#: lens leads and the page shows the sections it can fill.
LensRole = Literal["headline", "areas", "wellbeing", "enabler-areas", "enabler-pillars"]


class Reference(Record):
    """A citation of an external framework: ``U4SSC EC:ICT:ICT:1C``, ``SDG 11.6.2`` …"""

    scheme: Scheme
    code: str = Field(min_length=1)
    note: str | None = None

    def __str__(self) -> str:
        return f"{self.scheme} {self.code}"


class Basis(Record):
    """What a set of goalposts or thresholds rests on.

    ``judgement`` is true whenever any part of the numbers is our own judgement, even where
    ``kind`` names a published anchor for another part.
    """

    kind: BasisKind
    source: str = Field(min_length=1)
    judgement: bool = False

    @property
    def is_judgement(self) -> bool:
        """True when the numbers rest, wholly or partly, on judgement."""
        return self.judgement or self.kind == "judgement"


class Goalposts(Record):
    """Fixed bounds for absolute scoring: ``worst`` scores 0, ``best`` scores the maximum.

    For a lower-is-better indicator ``worst`` is the larger number. Values beyond the
    goalposts are capped when normalising.
    """

    worst: float
    best: float
    basis: Basis


class Thresholds(Record):
    """Five cut-offs for maturity levels 1–5 (ITU-T Y.4904 style).

    A value reaches level *k* when it is at or beyond ``values[k-1]`` in the direction of
    improvement (``>=`` for higher-is-better, ``<=`` for lower-is-better); below the first
    cut-off it is level 0. Cut-offs are strictly monotonic in that direction.
    """

    values: tuple[float, float, float, float, float]
    basis: Basis


class Plausible(Record):
    """The values real cities report: outside ``[low, high]`` a value is asked about, not refused.

    The **hard limits** are the indicator's ``valid_range`` (a share above 100 %, a negative
    count): outside them a value is impossible and refused; ``limits`` says why they hold. The
    plausible range lies inside the hard limits; outside it (but inside the limits) a value gets a
    warning naming the range and ``cite``, the short name of the publication it rests on (a proper
    name, quoted as is in every language; empty when the range is wholly judgement). ``basis``
    says how the range was read from the source, and ``judgement`` there marks a range that is
    ours in whole or in part (rounded out, widened from national to city figures).

    For an indicator with a ``denominator`` the range is of the value per unit of that profile
    field, as it is scored (:mod:`assessment.catalogue.plausible`).
    """

    low: float
    high: float
    cite: str = ""
    limits: LangText
    basis: Basis


class Computation(Record):
    """How the value is computed: numerator over denominator (absent for a plain measure)."""

    numerator: LangText
    denominator: LangText | None = None


class Indicator(Record):
    """A quantitative indicator.

    Only ``id``, ``name``, ``unit`` and ``direction`` are required of every catalogue. The
    built-in catalogue also fills every other field except ``outcome_reason``;
    :func:`completeness_problems` checks that for any catalogue that wants to be held to the
    same standard.

    ``focus_area`` (one of the ASCF's six) and ``outcome`` (one of its three strategic
    outcomes) are two independent primary placements: the ``ascf-focus-areas`` lens groups
    indicators by the first, the headline ``ascf`` lens by the second, each counting every
    indicator once. ``outcome_reason`` says why, where the outcome is not the obvious one
    for the focus area.
    """

    id: Id
    name: LangText
    unit: LangText
    direction: Direction
    definition: LangText | None = None
    computation: Computation | None = None
    data_source: LangText | None = None
    tier: Tier | None = None
    focus_area: str | None = None
    outcome: str | None = None
    outcome_reason: LangText | None = None
    secondary_focus_areas: tuple[str, ...] = ()
    oecd_dimensions: tuple[str, ...] = ()
    oecd_capitals: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    goalposts: Goalposts | None = None
    thresholds: Thresholds | None = None
    target: float | None = None
    valid_range: tuple[float | None, float | None] = (None, None)
    plausible: Plausible | None = None
    weight: float = Field(default=1.0, ge=0)
    denominator: str | None = None
    tags: dict[str, str | list[str]] = Field(default_factory=dict)

    @property
    def scored(self) -> bool:
        """False for context indicators (direction 0): shown, never scored."""
        return self.direction != 0


class Enabler(Record):
    """A qualitative enabler item answered on a gated 0–5 rubric.

    ``levels`` maps every level 0–5 to its descriptor. The rubric is *gated*: a level counts
    only when its descriptor and those of every lower level hold.
    """

    id: Id
    name: LangText
    definition: LangText | None = None
    ascf_enabler: str | None = None
    oecd_pillar: str | None = None
    references: tuple[Reference, ...] = ()
    evidence: LangText | None = None
    levels: dict[int, LangText]
    weight: float = Field(default=1.0, ge=0)
    tags: dict[str, str | list[str]] = Field(default_factory=dict)


class LensGroup(Record):
    """A named group of nodes shown together (e.g. the OECD 'Material conditions')."""

    id: Id
    name: LangText


class LensNode(Record):
    """One node of a lens tree. The root has no parent."""

    id: Id
    name: LangText
    parent: str | None = None
    weight: float = Field(default=1.0, ge=0)
    group: str | None = None
    description: LangText | None = None


class Lens(Record):
    """A tree over the catalogue's indicators (or enablers).

    Membership comes either from an item field (``field: focus_area``; for a list field
    the first entry is the primary one, so nothing is counted twice; ``tags.NAME`` reads a
    user tag) or from explicit ``members`` (leaf id → item ids). A ``complete`` lens must
    place every scored item.
    """

    id: Id
    name: LangText
    description: LangText | None = None
    applies_to: LensTarget = "indicators"
    role: LensRole | None = None
    field: str | None = None
    members: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    complete: bool = True
    groups: tuple[LensGroup, ...] = ()
    nodes: tuple[LensNode, ...]

    def node(self, node_id: str) -> LensNode:
        """Return the node with this id (KeyError if absent)."""
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(f"lens {self.id!r} has no node {node_id!r}")

    @property
    def root(self) -> LensNode:
        """The single node without a parent."""
        return next(n for n in self.nodes if n.parent is None)

    def children(self, node_id: str) -> list[LensNode]:
        """Direct child nodes of ``node_id``, in file order."""
        return [n for n in self.nodes if n.parent == node_id]

    def depth(self, node_id: str) -> int:
        """0 for the root, 1 for its children, and so on."""
        d, node = 0, self.node(node_id)
        while node.parent is not None:
            node, d = self.node(node.parent), d + 1
        return d

    def leaves(self) -> list[LensNode]:
        """Nodes without child nodes: the ones items attach to."""
        parents = {n.parent for n in self.nodes}
        return [n for n in self.nodes if n.id not in parents]


def item_field_values(item: Indicator | Enabler, field: str) -> tuple[str, ...]:
    """Values of ``field`` on ``item`` as a tuple; ``tags.NAME`` reads a user tag.

    Returns an empty tuple when the item has no value for the field.
    """
    if field.startswith("tags."):
        raw: object = item.tags.get(field.removeprefix("tags."))
    else:
        raw = getattr(item, field, None)
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list | tuple):
        return tuple(str(v) for v in raw)
    return (str(raw),)


class MaturityLevel(Record):
    """A maturity level (0 = not started, then ITU-T Y.4904's five)."""

    level: int = Field(ge=0, le=5)
    name: LangText


class QualityFlag(Record):
    """One value of the data-quality scale (U4SSC Verification Manual's six)."""

    code: int = Field(ge=1)
    name: LangText


class Denominator(Record):
    """A profile column an indicator may be divided by (population, area, GDP …)."""

    id: Id
    name: LangText
    unit: LangText | None = None


class UnitWords(Record):
    """What a framework calls the units it scores, per language: ``city``/``cities``,
    ``country``/``countries``, ``region``/``regions`` … (lower case, as inside a sentence; the pages
    capitalise a heading's first letter)."""

    singular: LangText
    plural: LangText


class CatalogueHeader(Record):
    """The ``catalogue.yaml`` header: identity, version, languages and shared scales.

    ``units`` (what the framework calls its units) and ``scorecard_title`` (the pages' title)
    word the scorecards; without them the pages say "unit"/"units" and use ``title``.
    """

    id: Id
    version: str = Field(pattern=r"^\d+\.\d+(\.\d+)?$")
    title: LangText
    description: LangText | None = None
    languages: tuple[str, ...] = Field(min_length=1)
    maturity_levels: tuple[MaturityLevel, ...] = ()
    quality_flags: tuple[QualityFlag, ...] = ()
    denominators: tuple[Denominator, ...] = ()
    include: tuple[str, ...] = ()
    extends: Literal["builtin"] | None = None
    units: UnitWords | None = None
    scorecard_title: LangText | None = None


class Catalogue(Record):
    """A validated catalogue. Build one with :func:`assessment.load_catalogue`.

    The object is immutable; helpers return new objects or plain tables.
    """

    header: CatalogueHeader
    lenses: tuple[Lens, ...]
    indicators: tuple[Indicator, ...]
    enablers: tuple[Enabler, ...] = ()
    criteria: tuple[CriteriaModel, ...] = ()  # criteria-based maturity models (assessment.catalogue.criteria)
    rules: tuple[Rule, ...] = ()  # plausibility rules (assessment.catalogue.rules)
    source: str = Field(default="<memory>", exclude=True)

    def __repr__(self) -> str:
        return (f"Catalogue(id={self.id!r}, version={self.version!r}, indicators={len(self.indicators)}, "
                f"enablers={len(self.enablers)}, lenses={[lens.id for lens in self.lenses]!r})")

    # -- identity ----------------------------------------------------------------------
    @property
    def id(self) -> str:
        """Catalogue id (``ascf-oecd`` for the built-in one)."""
        return self.header.id

    @property
    def version(self) -> str:
        """Catalogue version, recorded in templates and results."""
        return self.header.version

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages every text field is given in."""
        return self.header.languages

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the catalogue's canonical JSON: same content, same hash.

        A section left empty (no criteria models) is left out, so adding a kind of record to the
        package does not change the hash of catalogues that have none. The plausibility ``rules``
        are left out too: they decide which values a reviewer asks about, not what a template
        holds or how a value is scored (the values a review leaves under query are part of a
        result's input hash instead), so adding a rule keeps every template and saved result valid.
        The indicators' ``plausible`` ranges are left out for the same reason, and so are the header's
        ``units`` and ``scorecard_title``: they word the pages only. Translations are left out too (every
        text keeps its English, the source; the header's ``languages`` goes): adding a language or mending
        a translation changes no template's or result's validity, while a change to an English text does.
        """
        dump = self.model_dump(mode="json", exclude={"rules": True, "indicators": {"__all__": {"plausible"}},
                                                     "header": {"units", "scorecard_title", "languages"}})
        if not dump["criteria"]:
            del dump["criteria"]
        dump = english_only(dump)
        payload = json.dumps(dump, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    # -- look-ups ----------------------------------------------------------------------
    @cached_property
    def _by_id(self) -> dict[str, Indicator | Enabler]:
        items: list[Indicator | Enabler] = [*self.indicators, *self.enablers]
        return {i.id: i for i in items}

    def indicator(self, indicator_id: str) -> Indicator:
        """Return the indicator with this id.

        Raises
        ------
        KeyError
            If the catalogue has no such indicator.
        """
        item = self._by_id.get(indicator_id)
        if not isinstance(item, Indicator):
            raise KeyError(f"catalogue {self.id} {self.version} has no indicator {indicator_id!r}")
        return item

    def enabler(self, enabler_id: str) -> Enabler:
        """Return the enabler item with this id (KeyError if absent)."""
        item = self._by_id.get(enabler_id)
        if not isinstance(item, Enabler):
            raise KeyError(f"catalogue {self.id} {self.version} has no enabler {enabler_id!r}")
        return item


    def lens_for(self, role: LensRole) -> Lens | None:
        """The lens that plays ``role`` (see :data:`LensRole`), or None if no lens does."""
        return next((lens for lens in self.lenses if lens.role == role), None)

    def lens(self, lens_id: str) -> Lens:
        """Return the lens with this id (KeyError listing the available ones)."""
        for lens in self.lenses:
            if lens.id == lens_id:
                return lens
        raise KeyError(f"no lens {lens_id!r}; available: {', '.join(x.id for x in self.lenses)}")

    def membership(self, lens_id: str) -> dict[str, str]:
        """Map item id → leaf node id for one lens (only the items the lens places)."""
        return dict(self._memberships[lens_id])

    @cached_property
    def _memberships(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for lens in self.lenses:
            items: tuple[Indicator | Enabler, ...] = (
                self.indicators if lens.applies_to == "indicators" else self.enablers
            )
            placed: dict[str, str] = {}
            if lens.field is not None:
                for item in items:
                    values = item_field_values(item, lens.field)
                    if values:
                        placed[item.id] = values[0]
            for leaf, ids in lens.members.items():
                for item_id in ids:
                    placed[item_id] = leaf
            out[lens.id] = placed
        return out

    def maturity_level_name(self, level: int, lang: str = "en") -> str:
        """Name of maturity level 0–5 in ``lang`` (English when not translated)."""
        for m in self.header.maturity_levels:
            if m.level == level:
                return text(m.name, lang)
        return str(level)

    @property
    def scored_indicators(self) -> tuple[Indicator, ...]:
        """Indicators with a direction (context indicators excluded)."""
        return tuple(i for i in self.indicators if i.scored)
