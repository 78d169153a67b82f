"""Save a result so that it can be reported or re-run later, and load it back, exactly.

The files are written by :func:`assessment.scoring.export.write_saved` (``Assessment.to_csv`` writes them too).

:func:`load_result` re-runs the saved method on the saved inputs and refuses when the inputs no
longer hash to the recipe's input hash (edited or damaged files).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..catalogue import Catalogue
from ..errors import InputError, Problem, params
from ..i18n import N_
from .export import SAVED_TABLES, frame_from_json, write_saved
from .hashing import input_digest
from .inputs import Inputs
from .method import load_method
from .result import Assessment, run


def save_result(result: Assessment, directory: str | Path) -> Path:
    """Write the files of a saved result into ``directory`` (inputs, catalogue, method, recipe)."""
    return write_saved(result.inputs, result.recipe.as_dict(), result.method.to_yaml(), Path(directory))


def is_saved_result(path: Path) -> bool:
    """True for a folder written by :func:`save_result` (or ``Assessment.to_csv``)."""
    return path.is_dir() and (path / "inputs.json").is_file() and (path / "recipe.json").is_file()


def load_result(directory: str | Path) -> Assessment:
    """Re-run a saved result; the same inputs and method give the same tables.

    Raises
    ------
    InputError
        When a file is missing or unreadable, or when the inputs, the method or the catalogue no
        longer match the recipe (input hash, method fingerprint, catalogue hash): each drift named.
    """
    d = Path(directory)
    try:
        tables = json.loads((d / "inputs.json").read_text(encoding="utf-8"))
        recipe = json.loads((d / "recipe.json").read_text(encoding="utf-8"))
        if not isinstance(tables, dict) or not isinstance(recipe, dict):
            raise ValueError("inputs.json and recipe.json must each hold a JSON object")
        catalogue = Catalogue.model_validate(json.loads((d / "catalogue.json").read_text(encoding="utf-8")))
        frames = {name: frame_from_json(tables[name]) if name in tables else None for name in SAVED_TABLES}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError([Problem(str(d), code="bad-saved-result", message=N_("not a readable saved result: {detail}"),
                                  fix=N_("save it again with Assessment.to_csv() or 'smartcity score -o DIR'"),
                                  params=params(detail=exc))]) from None
    values, profiles, enablers = frames["values"], frames["profiles"], frames["enablers"]
    if values is None or profiles is None or enablers is None:
        raise InputError([Problem(str(d / "inputs.json"), code="bad-saved-result",
                                  message=N_("not a readable saved result: the values, profiles and enablers "
                                             "tables are required"),
                                  fix=N_("save it again with Assessment.to_csv() or 'smartcity score -o DIR'"))])
    inputs = Inputs(values=values, profiles=profiles, enablers=enablers, catalogue=catalogue,
                    digest=input_digest(values, profiles, enablers, frames["details"], frames["enabler_details"],
                                        frames["criteria"], frames["queried"]),
                    details=frames["details"], enabler_details=frames["enabler_details"],
                    criteria=frames["criteria"], queried=frames["queried"])
    method = load_method(d / "method.yaml")
    checks = (("inputs.json", "changed-inputs", N_("inputs"), "input_hash", N_("input hash"), inputs.digest),
              ("method.yaml", "changed-method", N_("method"), "method_fingerprint", N_("method fingerprint"),
               method.fingerprint),
              ("catalogue.json", "changed-catalogue", N_("catalogue"), "catalogue_hash", N_("catalogue hash"),
               catalogue.content_hash))
    drift = [Problem(str(d / name), code=code, message=N_("the recipe's {key} no longer matches the saved {what}"),
                     found=now[:16], fix=N_("re-create the saved result from the workbooks, or restore the file"),
                     params=params(what=what, key=label), labels=("what", "key"))
             for name, code, what, key, label, now in checks if now != recipe.get(key)]
    if drift:  # an edited file would re-run silently into a result the recipe does not describe
        raise InputError(drift)
    return run(inputs, method)
