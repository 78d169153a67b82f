"""Cross-record rules of a catalogue; each rule returns problems, none raises.

Single-record rules (types, ranges, required fields) are in the pydantic models of
:mod:`assessment.catalogue.models`. The rules here need the whole catalogue: unique ids, parents
that exist, no cycles, no empty groups, goalposts and thresholds that agree with the
direction, complete rubrics and texts in exactly the declared languages.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence

from babel import Locale, UnknownLocaleError

from ..errors import Problem, params, suggest
from ..i18n import N_
from .criteria import CriteriaModel
from .models import CatalogueHeader, Enabler, Indicator, LangText, Lens, item_field_values
from .rules import ChangeRule, MetadataRule, OutlierRule, Rule

RUBRIC_LEVELS = tuple(range(6))

# Text fields checked for language completeness: (field path, required?)
_INDICATOR_TEXTS = ("name", "unit", "definition", "data_source", "computation.numerator",
                    "computation.denominator", "outcome_reason")
_ENABLER_TEXTS = ("name", "definition", "evidence")


#: Words put into messages, translated with them (the ``labels`` of a problem).
WORDS = {"indicators": N_("indicators"), "enablers": N_("enablers"), "indicator": N_("indicator"),
         "enabler": N_("enabler"), "level": N_("level"), "criterion": N_("criterion"), "none": N_("none"),
         "none declared": N_("none declared"), "best > worst": N_("best > worst"),
         "best < worst": N_("best < worst"), "strictly increasing": N_("strictly increasing"),
         "strictly decreasing": N_("strictly decreasing")}
#: The placeholders that take one of :data:`WORDS`.
WORDED = ("kind", "wants", "target", "items", "want", "order", "allowed", "groups")


def _p(source: str, item: str, field: str, code: str, message: str, found: object = "",
       fix: str = "", **values: object) -> Problem:
    """A catalogue problem; ``message`` and ``fix`` are templates filled from ``values``.

    A value of :data:`WORDED` that is one of :data:`WORDS` is a word of the message, translated with it.
    """
    labels = tuple(k for k in WORDED if values.get(k) in WORDS)
    return Problem(source=source, item=item, field=field, code=code, message=message,
                   found=found if isinstance(found, str) else repr(found), fix=fix, params=params(**values),
                   labels=labels)


def check_languages(header: CatalogueHeader, source: str) -> Iterator[Problem]:
    """Every declared language must be a locale Babel knows."""
    for lang in header.languages:
        try:
            Locale.parse(lang)
        except (UnknownLocaleError, ValueError):
            yield _p(source, "catalogue", "languages", "unknown-language",
                     N_("a catalogue language must be a known locale code such as 'en' or 'vi'"), repr(lang))


def _lang_problems(value: LangText | None, langs: Sequence[str], source: str, item: str,
                   field: str, translated: Collection[str] = ()) -> Iterator[Problem]:
    if value is None:
        return
    for lang in langs:
        if not value.get(lang) and lang not in translated:
            yield _p(source, item, field, "missing-text",
                     N_("missing text in language '{lang}' (the catalogue declares {langs})"),
                     fix=N_("add '{lang}: …' under '{text_field}'"), lang=lang, langs=", ".join(langs),
                     text_field=field)
    for lang in value:
        if lang not in langs:
            yield _p(source, item, field, "unknown-language",
                     N_("text in a language the catalogue does not declare ({langs})"), repr(lang),
                     fix=N_("add the language to 'languages' in catalogue.yaml or remove the text"),
                     langs=", ".join(langs))


def _dig(obj: object, path: str) -> LangText | None:
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj  # type: ignore[return-value]


def check_texts(header: CatalogueHeader, indicators: Iterable[tuple[str, Indicator]],
                enablers: Iterable[tuple[str, Enabler]], lenses: Iterable[tuple[str, Lens]],
                source: str, translated: Collection[str] = ()) -> Iterator[Problem]:
    """Every text is given in every declared language, and in no other (``translated``: languages whose
    gaps the translation files' merge reported already, by context)."""
    langs = header.languages
    yield from _lang_problems(header.title, langs, source, "catalogue", "title", translated)
    for m in header.maturity_levels:
        yield from _lang_problems(m.name, langs, source, "catalogue", f"maturity_levels[{m.level}]", translated)
    for src, ind in indicators:
        for f in _INDICATOR_TEXTS:
            yield from _lang_problems(_dig(ind, f), langs, src, ind.id, f, translated)
    for src, en in enablers:
        for f in _ENABLER_TEXTS:
            yield from _lang_problems(_dig(en, f), langs, src, en.id, f, translated)
        for level, descriptor in sorted(en.levels.items()):
            yield from _lang_problems(descriptor, langs, src, en.id, f"levels[{level}]", translated)
    for src, lens in lenses:
        yield from _lang_problems(lens.name, langs, src, lens.id, "name", translated)
        for node in lens.nodes:
            yield from _lang_problems(node.name, langs, src, f"{lens.id}/{node.id}", "name", translated)


def check_ids(items: Iterable[tuple[str, str]], lenses: Iterable[tuple[str, Lens]]) -> Iterator[Problem]:
    """Item ids are unique across indicators and enablers; lens ids and node ids too."""
    items = list(items)
    counts = Counter(item_id for _, item_id in items)
    for src, item_id in items:
        if counts[item_id] > 1:
            yield _p(src, item_id, "id", "duplicate-id",
                     N_("id used by {n} items; ids must be unique across indicators and enablers"),
                     fix=N_("rename one of them"), n=counts[item_id])
    lenses = list(lenses)
    lens_counts = Counter(lens.id for _, lens in lenses)
    role_counts = Counter(lens.role for _, lens in lenses if lens.role)
    for src, lens in lenses:
        if lens_counts[lens.id] > 1:
            yield _p(src, lens.id, "id", "duplicate-id", N_("lens id used more than once"))
        if lens.role and role_counts[lens.role] > 1:
            yield _p(src, lens.id, "role", "duplicate-role",
                     N_("role '{role}' is given to {n} lenses; at most one lens may play a role"),
                     fix=N_("keep the role on one lens"), role=lens.role, n=role_counts[lens.role])
        wants = "enablers" if lens.role and lens.role.startswith("enabler") else "indicators"
        if lens.role and lens.applies_to != wants:
            yield _p(src, lens.id, "role", "role-target",
                     N_("role '{role}' needs a lens over {wants}, this one applies to {target}"),
                     role=lens.role, wants=wants, target=lens.applies_to)
        node_counts = Counter(n.id for n in lens.nodes)
        for node_id, n in node_counts.items():
            if n > 1:
                yield _p(src, f"{lens.id}/{node_id}", "id", "duplicate-id",
                         N_("node id used {n} times in lens '{lens}'"), n=n, lens=lens.id)


def check_tree(lens: Lens, source: str) -> Iterator[Problem]:
    """Parents exist, there is exactly one root and no cycle."""
    ids = {n.id for n in lens.nodes}
    parents = {n.id: n.parent for n in lens.nodes}
    roots = [n.id for n in lens.nodes if n.parent is None]
    if len(roots) != 1:
        yield _p(source, lens.id, "nodes", "root-count",
                 N_("a lens needs exactly one root node (a node without 'parent')"),
                 f"[{', '.join(roots)}]")
    known_groups = {g.id for g in lens.groups}
    for node in lens.nodes:
        if node.parent is not None and node.parent not in ids:
            yield _p(source, f"{lens.id}/{node.id}", "parent", "unknown-parent",
                     N_("parent must be a node of lens '{lens}'"), repr(node.parent), lens=lens.id)
        if node.group is not None and node.group not in known_groups:
            yield _p(source, f"{lens.id}/{node.id}", "group", "unknown-group",
                     N_("group must be one of the lens groups ({groups})"), repr(node.group),
                     groups=", ".join(sorted(known_groups)) or "none")
    reported: set[str] = set()
    for start in sorted(ids):  # sorted: the same cycle is reported the same way on every run
        seen: list[str] = []
        cur: str | None = start
        while cur is not None and cur in ids:
            if cur in seen:
                cycle = seen[seen.index(cur):]
                key = min(cycle)
                if key not in reported:
                    reported.add(key)
                    yield _p(source, f"{lens.id}/{key}", "parent", "cyclic-parent",
                             N_("parents form a cycle"), " → ".join([*cycle, cur]),
                             fix=N_("make the chain of parents end at the root"))
                break
            seen.append(cur)
            cur = parents[cur]


def _placements(lens: Lens, items: Sequence[Indicator | Enabler], source: str,
                placed: dict[str, str]) -> Iterator[Problem]:
    """Fill ``placed`` (item id -> leaf) from the lens rule, yielding problems on the way."""
    node_ids = {n.id for n in lens.nodes}
    leaves = {n.id for n in lens.leaves()}
    known = {i.id for i in items}
    kind = lens.applies_to[:-1]
    if lens.field is not None:
        for item in items:
            values = item_field_values(item, lens.field)
            if values and values[0] not in leaves:
                yield _p(source, item.id, lens.field, "unknown-node",
                         N_("must name a leaf of lens '{lens}' ({leaves})"), repr(values[0]), lens=lens.id,
                         leaves=", ".join(sorted(leaves)))
            elif values:
                placed[item.id] = values[0]
            for extra in values[1:]:
                if extra not in node_ids:
                    yield _p(source, item.id, lens.field, "unknown-node",
                             N_("secondary value must name a node of lens '{lens}'"), repr(extra), lens=lens.id)
    for leaf, ids in lens.members.items():
        if leaf not in leaves:
            yield _p(source, f"{lens.id}/{leaf}", "members", "unknown-node",
                     N_("members must be listed under a leaf of lens '{lens}'"), repr(leaf), lens=lens.id)
        for item_id in ids:
            if item_id not in known:
                yield _p(source, f"{lens.id}/{leaf}", "members", "unknown-item",
                         N_("member is not a known {kind} id"), repr(item_id), kind=kind)
            elif placed.get(item_id, leaf) != leaf:
                yield _p(source, lens.id, "members", "double-membership",
                         N_("an item may sit under one leaf only (no double counting)"),
                         f"{item_id}: {placed[item_id]}, {leaf}")
            else:
                placed[item_id] = leaf


def check_membership(lens: Lens, items: Sequence[Indicator | Enabler], source: str) -> Iterator[Problem]:
    """Every item sits under an existing leaf, every node has content, no node mixes both."""
    kind = lens.applies_to[:-1]
    if lens.field is None and not lens.members:
        yield _p(source, lens.id, "field", "no-membership",
                 N_("a lens needs 'field' (an item field such as focus_area) or 'members' (leaf → ids)"))
    placed: dict[str, str] = {}
    yield from _placements(lens, items, source, placed)
    if lens.complete:
        for item in items:
            scored = not isinstance(item, Indicator) or item.scored
            if scored and item.id not in placed:
                yield _p(source, item.id, lens.field or "members", "not-placed",
                         N_("lens '{lens}' is complete, so every scored {kind} must sit under one of its leaves"),
                         fix=N_("set '{lens_field}'") if lens.field else N_("list it in members"), lens=lens.id,
                         kind=kind,
                         lens_field=lens.field or "")
    has_child = {n.parent for n in lens.nodes if n.parent is not None}
    has_item = set(placed.values())
    for node in lens.nodes:
        if node.id not in has_child and node.id not in has_item:
            yield _p(source, f"{lens.id}/{node.id}", "", "empty-group",
                     N_("node has no child nodes and no {items}"),
                     fix=N_("remove the node or attach items to it"), items=lens.applies_to)


def check_outcomes(indicators: Iterable[tuple[str, Indicator]], lenses: Sequence[Lens]) -> Iterator[Problem]:
    """An indicator's ``outcome`` names a node of the outcomes view (the lens placing by it).

    The outcomes view is every indicator lens with ``field: outcome``; its membership check
    reports an outcome that is not one of its leaves. Here: a catalogue that sets outcomes
    without such a lens gets a problem, as does a context indicator with an outcome.
    """
    views = [lens for lens in lenses if lens.applies_to == "indicators" and lens.field == "outcome"]
    for src, ind in indicators:
        if ind.outcome is None:
            continue
        if not ind.scored:
            yield _p(src, ind.id, "outcome", "outcome-context",
                     N_("a context indicator (direction 0) is not scored, so it counts towards no outcome"),
                     fix=N_("remove 'outcome'"))
        elif not views:
            yield _p(src, ind.id, "outcome", "no-outcome-view",
                     N_("'outcome' needs a lens with 'field: outcome' (the outcomes view) to name its nodes"),
                     fix=N_("add such a lens, or remove 'outcome'"))


def check_indicator(ind: Indicator, source: str, denominators: set[str]) -> Iterator[Problem]:
    """Goalposts, thresholds, valid range and denominator agree with the direction."""
    d = ind.direction
    if ind.goalposts is not None:
        w, b = ind.goalposts.worst, ind.goalposts.best
        if w == b:
            yield _p(source, ind.id, "goalposts", "goalposts-equal",
                     N_("worst and best goalposts must differ"), f"worst={w}, best={b}")
        elif d != 0 and (b - w) * d < 0:
            want = "best > worst" if d == 1 else "best < worst"
            yield _p(source, ind.id, "goalposts", "goalposts-reversed",
                     N_("for direction {direction} the goalposts need {want}"), f"worst={w}, best={b}",
                     fix=N_("swap worst and best, or change the direction"), direction=f"{d:+d}", want=want)
    if ind.thresholds is not None:
        v = ind.thresholds.values
        steps = [b - a for a, b in itertools.pairwise(v)]
        if d == 0:
            yield _p(source, ind.id, "thresholds", "thresholds-context",
                     N_("a context indicator (direction 0) is not scored, so it takes no thresholds"))
        elif not all(s * d > 0 for s in steps):
            order = "strictly increasing" if d == 1 else "strictly decreasing"
            yield _p(source, ind.id, "thresholds", "thresholds-not-monotonic",
                     N_("for direction {direction} the five level thresholds must be {order}"), list(v),
                     direction=f"{d:+d}", order=order)
    lo, hi = ind.valid_range
    if lo is not None and hi is not None and lo >= hi:
        yield _p(source, ind.id, "valid_range", "range-reversed",
                 N_("valid_range needs [minimum, maximum] with minimum < maximum"), [lo, hi])
    if ind.plausible is not None:
        yield from _check_plausible(ind, source)
    if ind.denominator is not None and ind.denominator not in denominators:
        yield _p(source, ind.id, "denominator", "unknown-denominator",
                 N_("denominator must be one of the catalogue's denominators ({allowed})"), repr(ind.denominator),
                 allowed=", ".join(sorted(denominators)) or "none declared")


def _check_plausible(ind: Indicator, source: str) -> Iterator[Problem]:
    """A plausible range is ordered, lies inside the hard limits (``valid_range``) and names its source.

    The hard limits are skipped for a denominated indicator: its range is of the value per unit
    of the denominator, its limits of the value typed.
    """
    pl = ind.plausible
    if pl is None:
        return
    if pl.low >= pl.high:
        yield _p(source, ind.id, "plausible", "plausible-reversed",
                 N_("the plausible range needs low < high"), f"low={pl.low}, high={pl.high}")
    lo, hi = ind.valid_range
    if ind.denominator is None and ((lo is not None and pl.low < lo) or (hi is not None and pl.high > hi)):
        yield _p(source, ind.id, "plausible", "plausible-outside-limits",
                 N_("the plausible range must lie inside the hard limits (valid_range {limits})"),
                 f"low={pl.low}, high={pl.high}", limits=f"[{lo}, {hi}]")
    if not pl.cite.strip() and not pl.basis.is_judgement:
        yield _p(source, ind.id, "plausible.cite", "plausible-no-source",
                 N_("a plausible range that is not judgement must name its source in 'cite'"),
                 fix=N_("name the publication, or set 'judgement: true' in its basis"))


def check_enabler(en: Enabler, source: str) -> Iterator[Problem]:
    """A rubric has a descriptor for every level 0–5 and no other level."""
    for level in RUBRIC_LEVELS:
        if level not in en.levels:
            yield _p(source, en.id, f"levels[{level}]", "missing-descriptor",
                     N_("a rubric needs a descriptor for every level 0–5"))
    for level in en.levels:
        if level not in RUBRIC_LEVELS:
            yield _p(source, en.id, f"levels[{level}]", "unknown-level",
                     N_("rubric levels run from 0 (not started) to 5 (optimization)"), level)


def completeness_problems(indicators: Iterable[tuple[str, Indicator]],
                          enablers: Iterable[tuple[str, Enabler]]) -> Iterator[Problem]:
    """The fields the built-in catalogue promises for every item (``check --strict``)."""
    for src, ind in indicators:
        required: dict[str, object] = {
            "definition": ind.definition, "computation": ind.computation,
            "data_source": ind.data_source, "tier": ind.tier, "focus_area": ind.focus_area,
            "oecd_dimensions": ind.oecd_dimensions, "references": ind.references,
        }
        if ind.scored:
            required |= {"goalposts": ind.goalposts, "thresholds": ind.thresholds, "outcome": ind.outcome,
                         "plausible": ind.plausible}
        for name, value in required.items():
            if not value:
                yield _p(src, ind.id, name, "incomplete", N_("'{name}' is required in a complete catalogue"), name=name)
    for src, en in enablers:
        for name, value in {"definition": en.definition, "references": en.references,
                            "evidence": en.evidence, "ascf_enabler": en.ascf_enabler,
                            "oecd_pillar": en.oecd_pillar}.items():
            if not value:
                yield _p(src, en.id, name, "incomplete", N_("'{name}' is required in a complete catalogue"), name=name)


def check_rules(rules: Sequence[tuple[str, Rule]], indicators: set[str], denominators: set[str],
                flags: set[int] | None = None) -> Iterator[Problem]:
    """Plausibility rules: unique ids, known terms, one default and one rule per indicator per kind."""
    seen: dict[str, str] = {}
    per: dict[tuple[str, str | None], str] = {}
    for src, rule in rules:
        if rule.id in seen:
            yield _p(src, rule.id, "id", "duplicate-id", N_("rule id already used in {other}"), rule.id,
                     other=seen[rule.id])
        seen.setdefault(rule.id, src)
        if isinstance(rule, ChangeRule | OutlierRule):
            # a change rule may name a profile denominator too (population, area); an outlier rule may not
            known = indicators | denominators if isinstance(rule, ChangeRule) else indicators
            if rule.indicator is not None and rule.indicator not in known:
                near = suggest(rule.indicator, known)
                yield _p(src, rule.id, "indicator", "unknown-item", N_("not an indicator id of the catalogue"),
                         rule.indicator, fix=N_("did you mean {suggestion}?") if near else "", suggestion=near)
            key = (rule.kind, rule.indicator)
            if key in per:
                yield _p(src, rule.id, "indicator", "duplicate-rule",
                         N_("a second '{kind}' rule for the same indicator (the first is '{other}')"),
                         rule.indicator or "", kind=rule.kind, other=per[key])
            per.setdefault(key, rule.id)
        elif isinstance(rule, MetadataRule):
            for flag in rule.flags:
                if flags is not None and flag not in flags:
                    yield _p(src, rule.id, "flags", "unknown-flag", N_("not a data-quality flag of the catalogue "
                             "({allowed})"), repr(flag), allowed=", ".join(map(str, sorted(flags))))
        else:
            for term in rule.terms:
                if term not in indicators and term not in denominators:
                    near = suggest(term, [*indicators, *denominators])
                    yield _p(src, rule.id, "terms", "unknown-term",
                             N_("a rule term must be an indicator id or a profile denominator ({denominators})"),
                             term, fix=N_("did you mean {suggestion}?") if near else "",
                             denominators=", ".join(sorted(denominators)), suggestion=near)


def check_criteria(model: CriteriaModel, source: str, langs: Sequence[str],
                   translated: Collection[str] = ()) -> Iterator[Problem]:
    """A criteria model: unique level and criterion ids, every criterion on a level of the model,
    every level gated by at least one basic criterion, every text in every declared language."""
    where = f"criteria/{model.id}"
    for kind, ids in (("level", [lv.id for lv in model.levels]), ("criterion", [c.id for c in model.criteria])):
        for item_id, n in Counter(ids).items():
            if n > 1:
                yield _p(source, f"{where}/{item_id}", "id", "duplicate-id",
                         N_("{kind} id used {n} times in criteria model '{model}'"), kind=kind, n=n, model=model.id)
    levels = [lv.id for lv in model.levels]
    for c in model.criteria:
        if c.level not in levels:
            yield _p(source, f"{where}/{c.id}", "level", "unknown-level",
                     N_("must name a level of criteria model '{model}' ({levels})"), repr(c.level),
                     model=model.id, levels=", ".join(levels))
    gated = {c.level for c in model.criteria if c.kind == "basic"}
    for lv in model.levels:
        if lv.id not in gated:
            yield _p(source, f"{where}/{lv.id}", "criteria", "ungated-level",
                     N_("level has no basic criterion, so every city would reach it without evidence"),
                     fix=N_("give the level at least one basic criterion"))
    if langs:
        yield from _lang_problems(model.name, langs, source, where, "name", translated)
        yield from _lang_problems(model.basis, langs, source, where, "basis", translated)
        for lv in model.levels:
            yield from _lang_problems(lv.name, langs, source, f"{where}/{lv.id}", "name", translated)
            yield from _lang_problems(lv.description, langs, source, f"{where}/{lv.id}", "description", translated)
        for c in model.criteria:
            yield from _lang_problems(c.name, langs, source, f"{where}/{c.id}", "name", translated)
            yield from _lang_problems(c.evidence, langs, source, f"{where}/{c.id}", "evidence", translated)
