"""Names of a package that load on first use (PEP 562 module ``__getattr__`` and ``__dir__``).

``import assessment`` and the ``smartcity`` command start without pandas, scipy or jinja2, and
reading workbooks does not import pandas; ``from assessment import assess`` and
``assessment.assess`` work as with eager imports. Each package that does this keeps a table
``SOURCES`` (public name → the module that defines it) and asks :func:`lazy_names` for the two
module functions.

The public names are written once, in the package's ``if TYPE_CHECKING:`` imports (what type checkers and
readers see); :func:`typing_imports` reads that block back, so the table and ``__all__`` are derived from it
and cannot drift apart.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, sources: Mapping[str, str], namespace: dict[str, Any],
               subpackages: frozenset[str] = frozenset()) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: a name of ``sources`` is imported from its module
    the first time it is used, then kept in ``namespace`` (the package's globals); a name of
    ``subpackages`` is the subpackage itself."""

    def getattr_(name: str) -> object:
        if name in subpackages:
            return importlib.import_module(f".{name}", package)
        if name not in sources:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{sources[name]}", package), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted({*namespace, *sources, *subpackages})

    return getattr_, dir_


def typing_imports(path: str) -> dict[str, str]:
    """Public name → defining module (relative, as ``"scoring"`` or ``"accepted"``) of every relative import in the
    ``if TYPE_CHECKING:`` block of the module at ``path`` (its ``__file__``): the one place its names are written.

    Reading the source costs well under a millisecond; it keeps ``import assessment`` free of pandas.
    """
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for imp in node.body:
                if isinstance(imp, ast.ImportFrom) and imp.level == 1 and imp.module:
                    names.update({alias.asname or alias.name: imp.module for alias in imp.names})
    return names
