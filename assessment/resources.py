"""Locate the packaged ``indicators/`` and ``templates/`` folders.

In a wheel they live in ``assessment/_data/`` (hatchling force-include); in a source
checkout or an editable install they are the top-level folders of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """Return the folder that holds ``indicators/`` and ``templates/``.

    Raises
    ------
    FileNotFoundError
        If neither the installed nor the source-tree location exists (a broken install).
    """
    for candidate in (_PACKAGE_DIR / "_data", _PACKAGE_DIR.parent):
        if (candidate / "indicators" / "catalogue.yaml").is_file():
            return candidate
    raise FileNotFoundError(
        "The built-in indicator catalogue was not found in "
        f"{_PACKAGE_DIR / '_data'} nor in {_PACKAGE_DIR.parent}. Reinstall smartcity-assessment."
    )


def indicators_dir() -> Path:
    """Folder of the built-in catalogue (``catalogue.yaml`` and the files it includes)."""
    return data_root() / "indicators"


def templates_dir() -> Path:
    """Folder of the jinja2 templates and translation catalogues."""
    return data_root() / "templates"
