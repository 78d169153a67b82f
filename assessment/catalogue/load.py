"""Read catalogues from YAML, collecting every problem before failing.

A catalogue is a ``catalogue.yaml`` header that may ``include`` further files (globs relative
to it) and may ``extends: builtin`` to add lenses or items to the built-in catalogue. Every
file may hold ``lenses``, ``indicators``, ``enablers`` and ``criteria`` (maturity models) lists.
A single self-contained file works too.
"""

from __future__ import annotations

import dataclasses
import re
import stat
import time
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_args, get_origin

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from ..errors import CatalogueError, Problem, params, short_repr, suggest
from ..i18n import N_
from ..resources import indicators_dir
from . import checks
from .criteria import CriteriaModel
from .messages import message
from .models import Catalogue, CatalogueHeader, Enabler, Indicator, Lens
from .rules import Rule

_RULE = TypeAdapter(Rule)

M = TypeVar("M", bound=BaseModel)

try:  # libyaml is ~8x faster; the pure loader is the same grammar
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

_SECTIONS = ("lenses", "indicators", "enablers", "criteria", "rules")

#: Bounds on every YAML file read (catalogue, rules, criteria, method, robustness spec), checked
#: before anything is built from it. The built-in catalogue's largest file is ~40 KB with ~5,000
#: values, nested 8 deep, without aliases; the bounds leave a wide margin above that.
MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_YAML_VALUES = 200_000  # scalars and collections, counting every alias as the values it stands for
MAX_YAML_ALIASES = 1_000
MAX_YAML_DEPTH = 50
MAX_YAML_SECONDS = 10.0


class YamlRefused(Exception):
    """A YAML file over one of the bounds: ``message`` is a msgid, ``values`` fill it."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.message, self.values = message, values


def check_yaml(text: str) -> None:
    """Refuse YAML text over the bounds (:data:`MAX_YAML_BYTES` … :data:`MAX_YAML_SECONDS`).

    Why: a YAML alias names a value defined earlier, so nine lines of nested aliases (an "alias
    bomb" of a few hundred bytes) stand for billions of values. The loader shares them, but
    everything that walks the result (validation, messages, line numbers) expands them. So the
    parser's event stream is read first, without building anything and without recursion:
    each collection and scalar counts one value, each alias the values its anchor stood for, the
    nesting depth is tracked, and the clock is checked as it goes. The cost is linear in the text.

    Raises
    ------
    YamlRefused
        Naming the bound that was passed.
    """
    if len(text) > MAX_YAML_BYTES:
        raise YamlRefused(N_("the file is larger than {limit} MB"), limit=MAX_YAML_BYTES // (1024 * 1024))
    sizes: dict[str, int] = {}  # anchor -> values it stands for
    stack: list[list[Any]] = [[0, None]]  # per open collection: [values so far, its anchor]
    total = aliases = 0
    start = time.monotonic()
    for n, event in enumerate(yaml.parse(text, Loader=_Loader)):
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([1, event.anchor])
            total += 1
            if len(stack) - 1 > MAX_YAML_DEPTH:
                raise YamlRefused(N_("lists and mappings are nested more than {limit} deep"), limit=MAX_YAML_DEPTH)
        elif isinstance(event, yaml.CollectionEndEvent):
            size, anchor = stack.pop()
            if anchor is not None:
                sizes[anchor] = size
            stack[-1][0] += size
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor is not None:
                sizes[event.anchor] = 1
            stack[-1][0] += 1
            total += 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_YAML_ALIASES:
                raise YamlRefused(N_("the file uses more than {limit} aliases (*name)"), limit=MAX_YAML_ALIASES)
            size = sizes.get(event.anchor or "", 1)  # an unknown anchor: the loader reports it
            stack[-1][0] += size
            total += size
        if total > MAX_YAML_VALUES:
            raise YamlRefused(N_("the file stands for more than {limit} values once its aliases (*name) are "
                                 "expanded"), limit=MAX_YAML_VALUES)
        if n % 4096 == 0 and time.monotonic() - start > MAX_YAML_SECONDS:
            raise YamlRefused(N_("reading it took more than {limit} seconds"), limit=int(MAX_YAML_SECONDS))


def _yaml_text(path: Path) -> str:
    """The text of a YAML file, refused (:class:`YamlRefused`) when over the bounds (size first,
    before reading it)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):  # a pipe or a device would block the reader or never end
        kinds = ((stat.S_ISDIR, N_("a folder")), (stat.S_ISFIFO, N_("a pipe (FIFO)")),
                 (stat.S_ISCHR, N_("a device")), (stat.S_ISBLK, N_("a device")), (stat.S_ISSOCK, N_("a socket")))
        raise YamlRefused(N_("'{name}' is not a file but {kind}, so it was not read."), name=path.name,
                          kind=next((k for test, k in kinds if test(info.st_mode)), N_("not a regular file")))
    if info.st_size > MAX_YAML_BYTES:
        raise YamlRefused(N_("the file is larger than {limit} MB"), limit=MAX_YAML_BYTES // (1024 * 1024))
    text = path.read_text(encoding="utf-8")
    check_yaml(text)
    return text


def read_yaml(path: Path, problems: list[Problem]) -> dict[str, Any]:
    """Read one YAML mapping; a missing file, bad YAML, YAML over the bounds (:func:`check_yaml`) or
    another shape becomes a problem and ``{}``."""
    try:
        raw = yaml.load(_yaml_text(path), Loader=_Loader)
    except FileNotFoundError:
        problems.append(Problem(str(path), code="missing-file", message=N_("file not found"),
                                fix=N_("check the path, or the 'include' list of catalogue.yaml")))
        return {}
    except YamlRefused as exc:
        if "kind" in exc.values:  # not a regular file
            problems.append(Problem(str(path), code="not-a-file", message=exc.message,
                                    fix=N_("name the YAML file itself"), params=params(**exc.values),
                                    labels=("kind",)))
        else:
            problems.append(Problem(str(path), code="yaml-too-large", message=exc.message,
                                    fix=N_("write the values out without aliases, in a smaller file"),
                                    params=params(**exc.values)))
        return {}
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, OSError) as exc:  # ValueError: a date such as
        # 2025-13-45 or an integer of thousands of digits, which the loader raises as it builds the value
        detail = str(exc).replace("\n", " ")
        problems.append(Problem(str(path), code="yaml-syntax",
                                message=N_("not valid UTF-8 YAML: {detail}"),
                                params=params(detail=detail if len(detail) <= 300 else detail[:297] + "...")))
        return {}
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(Problem(str(path), code="yaml-shape",
                                message=N_("the file must be a YAML mapping with keys such as "
                                           "'indicators', 'enablers', 'lenses'"), found=type(raw).__name__))
        return {}
    return raw


#: A place in a YAML document: mapping keys and list positions from the root.
YamlPath = tuple[str | int, ...]


def yaml_lines(path: Path) -> dict[YamlPath, int]:
    """The 1-based line of every mapping key and list item of a YAML file, by its path from the root.

    ``{}`` when the file cannot be read or parsed (that problem is reported elsewhere). Composing
    the node tree keeps PyYAML's marks; it is done only when there is a problem to place.
    """
    try:
        root = yaml.compose(_yaml_text(path), Loader=_Loader)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError, YamlRefused):
        return {}
    out: dict[YamlPath, int] = {}
    stack: list[tuple[yaml.Node, YamlPath]] = [(root, ())] if root is not None else []
    while stack:
        node, here = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    out[(*here, key.value)] = key.start_mark.line + 1
                    stack.append((value, (*here, key.value)))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                out[(*here, i)] = value.start_mark.line + 1
                stack.append((value, (*here, i)))
        elif isinstance(node, yaml.ScalarNode) and here and here[-1] == "id":
            out[("#id", node.value, *here[:-1])] = node.start_mark.line + 1  # where each record's id sits
    return out


def line_of(lines: Mapping[YamlPath, int], path: Sequence[str | int]) -> int | None:
    """The line of the deepest prefix of ``path`` found in ``lines`` (``None``: not even the first key)."""
    segs: list[str | int] = [int(s) if isinstance(s, str) and s.isdigit() else s for s in path]
    for n in range(len(segs), 0, -1):
        for candidate in ((*segs[:n],), tuple(str(s) for s in segs[:n])):
            if candidate in lines:
                return lines[candidate]
    return None


def _record_path(lines: Mapping[YamlPath, int], item: str) -> YamlPath:
    for key in lines:
        if len(key) >= 3 and key[0] == "#id" and key[1] == item:
            return key[2:]
    return ()


def with_lines(problems: Iterable[Problem]) -> list[Problem]:
    """Problems with the line of their record and field filled in, where the source is a YAML file."""
    cache: dict[str, dict[YamlPath, int]] = {}
    out = []
    for p in problems:
        src = Path(p.source)
        if p.row is None and src.suffix in (".yaml", ".yml") and src.is_file():
            lines = cache.setdefault(p.source, yaml_lines(src))
            base = _record_path(lines, p.item) if p.item else ()
            field = [s for s in p.field.split(".") if s] if p.field else []
            line = line_of(lines, (*base, *field)) if (base or field) else None
            if line is not None:
                p = dataclasses.replace(p, row=line)
        out.append(p)
    return out


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if get_origin(annotation) is Annotated:
        return _models_in(get_args(annotation)[0])
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def _tags(model: type[BaseModel]) -> tuple[Any, ...]:
    field = model.model_fields.get("method")
    return get_args(field.annotation) if field is not None else ()


def allowed_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys allowed beside the last segment of ``loc`` (a pydantic error location) in ``model``.

    Walks fields, list positions, mapping keys and discriminated unions (a segment naming a
    ``method`` picks that member).
    """
    models = [model]
    for seg in loc[:-1]:
        inner = [m for cur in models if isinstance(seg, str) and seg in cur.model_fields
                 for m in _models_in(cur.model_fields[seg].annotation)]
        if not inner:
            tagged = [m for m in models if seg in _tags(m)]
            inner = tagged or models
        models = inner
    return sorted({k for m in models for k in m.model_fields})


def pydantic_problems(exc: ValidationError, source: str, item: str,
                      model: type[BaseModel] | None = None) -> Iterable[Problem]:
    """One problem per pydantic error; the code is pydantic's error type (or a validator's own code),
    the message a template in our words (:func:`assessment.catalogue.messages.message`).

    With ``model``, an unknown key gets the nearest allowed one as its fix; an unknown value of a
    fixed list (a ``Literal``) gets the nearest allowed value.
    """
    for err in exc.errors(include_url=False):
        loc = ".".join(str(x) for x in err["loc"])
        found = "" if err["type"] == "missing" else short_repr(err.get("input"))
        template, values = message(err)
        near = nearest(err, model)
        yield Problem(source, item=item, field=loc, code=err["type"], message=template, found=found,
                      fix=DID_YOU_MEAN if near else "",
                      params=params(**dict(values), suggestion=repr(near)) if near else values)


#: The fix of an unknown key or value with a near allowed one.
DID_YOU_MEAN = N_("did you mean {suggestion}?")


def nearest(err: Any, model: type[BaseModel] | None) -> str:
    """The allowed key or value nearest to what a pydantic error found (``""`` when none is close)."""
    ctx = err.get("ctx") or {}
    if err["type"] == "extra_forbidden" and model is not None and err["loc"]:
        return suggest(err["loc"][-1], allowed_keys(model, err["loc"]))
    expected = str(ctx.get("expected", ctx.get("expected_tags", "")))
    if expected:
        given = ctx.get("tag", err.get("input"))
        return suggest(given, re.findall(r"'([^']*)'", expected))
    return ""


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


def _collect(header_path: Path, problems: list[Problem]) -> tuple[dict[str, Any], list[tuple[str, str, Any]]]:
    """Read the header and every included file; return (header, [(section, source, raw)])."""
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
    for path in files:
        data = header if path == header_path else read_yaml(path, problems)
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
    return header, records


def build_catalogue(header_raw: Mapping[str, Any], records: Sequence[tuple[str, str, Any]],
                    source: str, *, strict: bool = False,
                    problems: list[Problem] | None = None) -> Catalogue:
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
        problems += checks.check_criteria(model, src, header.languages if header else ())
    if header is not None:
        problems += checks.check_languages(header, source)
        problems += checks.check_texts(header, indicators, enablers, lenses, source)
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
    header, records = _collect(path, problems)
    if header.get("extends") == "builtin":
        base_header, base_records = _collect(indicators_dir() / "catalogue.yaml", problems)
        records = base_records + records
        merged = {**base_header, **{k: v for k, v in header.items() if k not in ("include", "extends")}}
        header = merged
    try:
        return build_catalogue(header, records, str(path), strict=strict, problems=problems)
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
