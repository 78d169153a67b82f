"""The package layout follows the data flow, and its import rules hold.

Rules (docs/layout.md): one subpackage per stage, in data-flow order; a stage imports only itself,
earlier stages and the shared base; the base imports only the base; the package root and the
command line may import anything. Imports inside functions count too, so none can hide a cycle.
No private name (``_x``) is imported from another module, and no module grows past 500 lines.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "assessment"
#: Stages in data-flow order (a stage may import the ones before it).
STAGES = ("catalogue", "intake", "review", "scoring", "robustness", "report")
#: The shared base every stage may use.
BASE = frozenset({"errors", "_missing", "i18n", "locales", "resources", "templating", "yamlfiles", "model_errors",
                  "_messages", "_version", "_lazy"})
#: May import anything: the public API and the command line.
TOP = frozenset({"__init__", "__main__", "cli"})
#: The service (``smartcity serve``): imports every stage and the base, never the command line; nothing but
#: the command line imports it.
SERVICE = "server"
#: Conventional gettext names, public despite the underscore.
GETTEXT = frozenset({"_", "N_"})
MAX_LINES = 500


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    names: tuple[str, ...]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level:
        base = base[: len(base) - (node.level - 1)]
        return ".".join([*base, *(node.module.split(".") if node.module else [])])
    return node.module or ""


def edges(module: str) -> list[Edge]:
    """Every import of a package module by ``module``, at any depth (functions included)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = _resolve(module, path.name == "__init__.py", node)
            if not target.startswith("assessment"):
                continue
            names = tuple(a.name for a in node.names)
            submodules = [n for n in names if f"{target}.{n}" in MODULES]  # `from . import levels`
            out += [Edge(module, f"{target}.{n}", node.lineno, ()) for n in submodules]
            if len(submodules) < len(names):
                out.append(Edge(module, target, node.lineno, tuple(n for n in names if n not in submodules)))
        elif isinstance(node, ast.Import):
            out += [Edge(module, a.name, node.lineno, ()) for a in node.names if a.name.startswith("assessment")]
    return out


def kind(module: str) -> tuple[str, int]:
    """('stage', order), ('base', -1), ('service', 98) or ('top', 99) for a package module."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in TOP:
        return "top", 99
    if parts[1] == SERVICE:
        return "service", 98
    if parts[1] in STAGES:
        return "stage", STAGES.index(parts[1])
    if parts[1] in BASE:
        return "base", -1
    raise AssertionError(f"{module}: neither a stage ({', '.join(STAGES)}), the base nor the top")


def test_every_module_has_a_place() -> None:
    for module in MODULES:
        kind(module)
    present = {m.split(".")[1] for m in MODULES if "." in m}
    assert {"catalogue", "intake", "scoring", "report"} <= present


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_toward_earlier_stages(module: str) -> None:
    source_kind, source_order = kind(module)
    for edge in edges(module):
        if edge.target not in MODULES:
            raise AssertionError(f"{module}:{edge.line} imports {edge.target}, which is not a module")
        target_kind, target_order = kind(edge.target)
        if source_kind == "top":
            continue
        assert target_kind != "top", f"{module}:{edge.line} imports {edge.target} (the public API or CLI)"
        if source_kind == "service":
            continue  # the service calls every stage and the base
        assert target_kind != "service", f"{module}:{edge.line} imports the service {edge.target}"
        if source_kind == "base":
            assert target_kind == "base", f"{module}:{edge.line}: the shared base imports the stage {edge.target}"
        else:
            assert target_order <= source_order, (
                f"{module}:{edge.line} imports {edge.target}, a later stage than its own")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_name_crosses_modules(module: str) -> None:
    for edge in edges(module):
        private = [n for n in edge.names if n.startswith("_") and n not in GETTEXT and not n.endswith("__")]
        assert not private, f"{module}:{edge.line} imports private {', '.join(private)} from {edge.target}"


def test_no_import_cycle() -> None:
    graph = {m: sorted({e.target for e in edges(m)} - {m}) for m in MODULES}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt] if nxt in path else [node, nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in graph:
        if module not in state:
            visit(module, [module])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by job (at most {MAX_LINES})"


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    """The rules are not vacuous: a stage importing a later one, and a cycle, are caught."""
    fake = ast.parse("from ..report import render_report\n")
    node = next(n for n in ast.walk(fake) if isinstance(n, ast.ImportFrom))
    target = _resolve("assessment.scoring.pipeline", False, node)
    assert target == "assessment.report"
    assert kind(target)[1] > kind("assessment.scoring.pipeline")[1]
    assert kind("assessment.server.views_city") == ("service", 98)
    assert kind("assessment.report.render")[1] < kind("assessment.server.tasks")[1]  # a stage importing it fails
    inside = ast.parse("def f():\n    from .pipeline import run\n")
    assert any(isinstance(n, ast.ImportFrom) for n in ast.walk(inside))  # ast.walk reaches function bodies


@pytest.mark.parametrize(("package", "least"), [("assessment", 36), ("assessment.catalogue", 14),
                                               ("assessment.intake", 10)])
def test_public_names_are_written_once_and_all_load(package: str, least: int) -> None:
    """A lazily loading package writes each public name once, in its ``if TYPE_CHECKING:`` imports: ``__all__``
    and the table of sources are read from there, and every name loads from the module named beside it, while
    importing the package loads no pandas."""
    import importlib
    import subprocess
    import sys

    module = importlib.import_module(package)
    assert len(module.SOURCES) >= least
    assert set(module.__all__) - {"__version__"} == set(module.SOURCES)
    for name, where in module.SOURCES.items():
        value = getattr(module, name)
        defined = getattr(value, "__module__", None)
        if defined is not None and defined.startswith("assessment."):  # classes and functions (not constants)
            assert defined.startswith(f"{package}.{where}"), name
    code = f"import sys, {package}; print('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


def test_the_layout_document_lists_every_module_and_no_other() -> None:
    """``docs/layout.md`` names each module of the package in its table, one row each, so it cannot drift."""
    doc = (PACKAGE.parent / "docs" / "layout.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([\w/]+\.py)` \|", doc, flags=re.M)
    modules = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                     if p.name != "__init__.py" and "migrations" not in p.parts)
    assert len(listed) == len(set(listed)), "a module is listed twice"
    assert sorted(set(modules) - set(listed)) == [], "modules missing from docs/layout.md"
    assert sorted(set(listed) - set(modules)) == [], "docs/layout.md lists modules that do not exist"
