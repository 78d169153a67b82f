"""The ``smartcity`` command line: thin commands over the public library functions.

Exit codes: 0 success, 1 the input has errors (problems are listed), 2 usage error; every
command's help ends with its own.

Every line a command prints is a UI msgid translated into ``--lang``. Start-up: the command
modules import only typer, rich and the light shared base at module level; each command imports
the stage it runs inside its body (always towards an earlier stage, never to dodge a cycle), so
``smartcity --version`` and ``--help`` load neither pandas nor pydantic.

Typer's own texts (help, usage errors) are written in the run's language by :mod:`.language`
(``--lang``, else ``SMARTCITY_LANG``, else English, read before typer parses the arguments).

Modules: :mod:`.common` (apps, consoles, helpers), :mod:`.language`, :mod:`.catalogue`, :mod:`.workbooks`
(``template``, ``validate``), :mod:`.review` (``review``), :mod:`.scores` (``report``, ``score``,
``robustness``) and :mod:`.serve` (``serve``, the optional service).
"""

from __future__ import annotations

# Commands are listed in --help in the order they are registered: the data flow's.
from . import workbooks  # template, validate

# isort: split
from . import review  # review

# isort: split
from . import scores  # report, score, robustness

# isort: split
from . import catalogue

# isort: split
from . import serve  # serve (the optional service)
from .common import app

__all__ = ["app", "catalogue", "main", "review", "scores", "serve", "workbooks"]


def main() -> None:
    """Entry point of the ``smartcity`` console script."""
    app()

