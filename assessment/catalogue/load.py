"""Read catalogues from YAML, collecting every problem before failing.

A catalogue is a ``catalogue.yaml`` header that may ``include`` further files (globs relative
to it) and may ``extends: builtin`` to add lenses or items to the built-in catalogue. Every
file may hold ``lenses``, ``indicators``, ``enablers`` and ``criteria`` (maturity models) lists.
A single self-contained file works too. Texts in languages other than English may live in
``locale/<lang>.po`` beside the header file instead of inline (:mod:`.texts`); they are merged
into the texts before anything is validated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..errors import CatalogueError, Problem, params, short_repr
from ..i18n import N_
from ..model_errors import pydantic_problems
from ..resources import indicators_dir
from ..yamlfiles import read_yaml, with_lines
from . import checks
from .criteria import CriteriaModel
from .models import Catalogue, CatalogueHeader, Enabler, Indicator, Lens
from .rules import Rule
from .texts import merge_translations

_RULE = TypeAdapter(Rule)

M = TypeVar("M", bound=BaseModel)

_SECTIONS = ("lenses", "indicators", "enablers", "criteria", "rules")

def _record_id(raw: object, kind: str) -> str:
    """The id a record gives itself, for messages; ``kind`` when it has none or it is not a short
    text (an id may be any YAML value, even an expanded alias bomb: never formatted whole)."""
    ident = raw.get("id") if isinstance(raw, Mapping) else None
    if isinstance(ident, str | int) and not isinstance(ident, bool) and ident != "":
        text = ident if isinstance(ident, str) else short_repr(ident)
        return text if len(text) <= 80 else text[:77] + "..."
    return kind


def _parse(model: type[M], raw: object, source: str, kind: str, problems: list[Problem]) -> M | None:
    item_id = _record_id(raw, kind)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, source, item_id, model))
        return None


def _parse_rule(raw: object, source: str, problems: list[Problem]) -> Any:
    item_id = _record_id(raw, "rule")
    try:
        return _RULE.validate_python(raw)
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, source, item_id))
        return None


def _collect(header_path: Path, problems: list[Problem]
             ) -> tuple[dict[str, Any], list[tuple[str, str, Any]], frozenset[str]]:
    """Read the header and every included file, their texts filled from the translation files beside
    the header; return (header, [(section, source, raw)], the languages taken from translation files)."""
    header = read_yaml(header_path, problems)
    records: list[tuple[str, str, Any]] = []
    files = [header_path]
    include = header.get("include", []) if isinstance(header.get("include", []), list) else []
    for pattern in include:
        matched = sorted(header_path.parent.glob(str(pattern)))
        if not matched:
            problems.append(Problem(str(header_path), item="catalogue", field="include",
                                    code="missing-file", message=N_("include pattern matches no file"),
                                    found=repr(pattern)))
        for m in matched:  # only regular files: a link may point anywhere, a pipe would block the reader
            if m.is_symlink() or not m.is_file():
                problems.append(Problem(str(m), item="catalogue", field="include", code="not-a-file",
                                        message=N_("'{name}' is not a file but {kind}, so it was not read."),
                                        params=params(name=m.name, kind=N_("a link") if m.is_symlink()
                                                      else N_("not a regular file")), labels=("kind",)))
            elif m != header_path:
                files.append(m)
    read: list[tuple[Path, Any]] = []
    for path in files:
        data = header if path == header_path else read_yaml(path, problems)
        read.append((path, data))
        for section in _SECTIONS:
            entries = data.get(section, [])
            if not isinstance(entries, list):
                problems.append(Problem(str(path), field=section, code="yaml-shape",
                                        message=N_("'{section}' must be a list"), found=type(entries).__name__,
                                        params=params(section=section)))
                continue
            records += [(section, str(path), e) for e in entries]
        unknown = set(data) - set(_SECTIONS) - (set(CatalogueHeader.model_fields) if path == header_path else set())
        for key in sorted(unknown):
            problems.append(Problem(str(path), field=key, code="unknown-key",
                                    message=N_("unknown top-level key; allowed: {allowed}"),
                                    params=params(allowed=", ".join(_SECTIONS))))
    declared = header.get("languages")
    declared = [x for x in declared if isinstance(x, str)] if isinstance(declared, list) else []
    return header, records, merge_translations(header_path.parent, read, declared, problems)


def build_catalogue(header_raw: Mapping[str, Any], records: Sequence[tuple[str, str, Any]],
                    source: str, *, strict: bool = False,
                    problems: list[Problem] | None = None, translated: frozenset[str] = frozenset()) -> Catalogue:
    """Validate raw records and assemble a :class:`Catalogue`.

    Parameters
    ----------
    header_raw
        The header mapping (``id``, ``version``, ``languages`` …); section keys are ignored.
    records
        ``(section, source, raw_mapping)`` triples, section one of lenses/indicators/enablers.
    source
        Where the header came from, for messages.
    strict
        Also require every field the built-in catalogue fills (see
        :func:`assessment.catalogue.checks.completeness_problems`).
    problems
        Problems found earlier (e.g. while reading files), reported together with these.
    translated
        Languages whose texts came from translation files: their gaps were reported while merging
        (by context), so the inline check does not report them again.

    Raises
    ------
    CatalogueError
        With every problem found, when there is at least one.
    """
    problems = list(problems or [])
    header = _parse(CatalogueHeader, {k: v for k, v in header_raw.items() if k not in _SECTIONS},
                    source, "catalogue", problems)
    parsed: dict[str, list[tuple[str, Any]]] = {s: [] for s in _SECTIONS}
    models: dict[str, type[BaseModel]] = {"lenses": Lens, "indicators": Indicator, "enablers": Enabler,
                                          "criteria": CriteriaModel}
    for section, src, raw in records:
        obj = _parse_rule(raw, src, problems) if section == "rules" else _parse(
            models[section], raw, src, "criteria model" if section == "criteria" else section[:-1], problems)
        if obj is not None:
            parsed[section].append((src, obj))
    indicators: list[tuple[str, Indicator]] = parsed["indicators"]
    enablers: list[tuple[str, Enabler]] = parsed["enablers"]
    lenses: list[tuple[str, Lens]] = parsed["lenses"]

    problems += checks.check_ids([(s, i.id) for s, i in indicators] + [(s, e.id) for s, e in enablers], lenses)
    denominators = {d.id for d in header.denominators} if header else set()
    for src, ind in indicators:
        problems += checks.check_indicator(ind, src, denominators)
    for src, en in enablers:
        problems += checks.check_enabler(en, src)
    for src, lens in lenses:
        problems += checks.check_tree(lens, src)
        items = [i for _, i in (indicators if lens.applies_to == "indicators" else enablers)]
        problems += checks.check_membership(lens, items, src)
    problems += checks.check_outcomes(indicators, [lens for _, lens in lenses])
    problems += checks.check_rules(parsed["rules"], {i.id for _, i in indicators}, denominators,
                                   {q.code for q in header.quality_flags} if header else None)
    for src, model in parsed["criteria"]:
        problems += checks.check_criteria(model, src, header.languages if header else (), translated)
    if header is not None:
        problems += checks.check_languages(header, source)
        problems += checks.check_texts(header, indicators, enablers, lenses, source, translated)
    if strict:
        problems += checks.completeness_problems(indicators, enablers)
    if not indicators and not enablers:
        problems.append(Problem(source, code="empty", message=N_("the catalogue has no indicators or enablers")))
    if problems or header is None:
        raise CatalogueError(problems)
    return Catalogue(header=header, lenses=tuple(x for _, x in lenses),
                     indicators=tuple(x for _, x in indicators),
                     enablers=tuple(x for _, x in enablers), criteria=tuple(x for _, x in parsed["criteria"]),
                     rules=tuple(x for _, x in parsed["rules"]),
                     source=source)


def read_catalogue(path: str | Path, *, strict: bool = False) -> Catalogue:
    """Read and validate a catalogue from files, uncached (see :func:`load_catalogue`)."""
    path = Path(path)
    problems: list[Problem] = []
    if path.is_dir():
        path = path / "catalogue.yaml"
    header, records, translated = _collect(path, problems)
    if header.get("extends") == "builtin":
        base_header, base_records, base_translated = _collect(indicators_dir() / "catalogue.yaml", problems)
        records = base_records + records
        translated |= base_translated
        merged = {**base_header, **{k: v for k, v in header.items() if k not in ("include", "extends")}}
        header = merged
    try:
        return build_catalogue(header, records, str(path), strict=strict, problems=problems, translated=translated)
    except CatalogueError as exc:  # place each problem on its line (only now: composing YAML is slow)
        raise CatalogueError(with_lines(exc.problems)) from None


@cache
def _builtin() -> Catalogue:
    return read_catalogue(indicators_dir() / "catalogue.yaml", strict=True)


def load_catalogue(path: str | Path | None = None, *, strict: bool = False) -> Catalogue:
    """Load and validate a catalogue.

    Parameters
    ----------
    path
        ``None`` for the built-in ASCF × OECD catalogue; otherwise a ``catalogue.yaml``, a
        folder holding one, or any single YAML file with ``id``, ``version``, ``title``,
        ``languages`` and ``lenses``/``indicators``/``enablers`` lists.
    strict
        Also require every field the built-in catalogue fills (definitions, computation,
        data source, tier, references, goalposts and thresholds for scored indicators).
        The built-in catalogue is always loaded strictly.

    Returns
    -------
    Catalogue
        An immutable, validated catalogue. The built-in one is cached.

    Raises
    ------
    CatalogueError
        Listing every problem found (file, id, field, what is allowed, what was found).
    """
    if path is None:
        return _builtin()
    return read_catalogue(path, strict=strict)
