"""Names of a package that load on first use (PEP 562 module ``__getattr__`` and ``__dir__``).

``import assessment`` and the ``smartcity`` command start without pandas, scipy or jinja2, and
reading workbooks does not import pandas; ``from assessment import assess`` and
``assessment.assess`` work as with eager imports. Each package that does this keeps a table
``SOURCES`` (public name → the module that defines it) and asks :func:`lazy_names` for the two
module functions.
"""

from __future__ import annotations

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
