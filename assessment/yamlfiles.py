"""The YAML files the package reads (catalogues, rules, criteria, methods, robustness specs, saved results).

Each is parsed with bounds on size, values after alias expansion, aliases, depth and time before anything is
built from it (:func:`check_yaml`), so a crafted file is one problem, never a hang or gigabytes; a problem is
placed on its file's line (:func:`yaml_lines`, :func:`with_lines`). Shared by every stage that reads YAML.
"""

from __future__ import annotations

import dataclasses
import stat
import time
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Problem, params
from .i18n import N_

if TYPE_CHECKING:
    import yaml


@cache
def _loader() -> type[yaml.SafeLoader]:
    """libyaml's safe loader (~8x faster), else the pure one: the same grammar.

    PyYAML is imported here, on the first file read, not with the package: a script that scores a
    table it passes in (``assess(from_coinr(...))``) reads no YAML and pays none of its ~10 ms.
    """
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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
    import yaml

    for n, event in enumerate(yaml.parse(text, Loader=_loader())):
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
    import yaml

    try:
        raw = yaml.load(_yaml_text(path), Loader=_loader())
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
    import yaml

    try:
        root = yaml.compose(_yaml_text(path), Loader=_loader())
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
