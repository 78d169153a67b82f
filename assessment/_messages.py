"""Extract the UI msgids from the templates and the package (used by tests and ``make messages``)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from .resources import templates_dir

_METHODS = [("**.j2", "jinja2.ext:babel_extract"), ("**.html", "jinja2.ext:babel_extract")]
_PY = [("**.py", "python")]
_OPTIONS = {"**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"},
            "**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}


def ui_msgids() -> set[str]:
    """Every msgid used by a template (``_()``, ``{% trans %}``) or by Python code (``_(…)``)."""
    ids: set[str] = set()
    for _fn, _line, msg, _comments, _ctx in extract_from_dir(str(templates_dir()), _METHODS, _OPTIONS):
        ids.add(msg if isinstance(msg, str) else msg[0])
    for _fn, _line, msg, _comments, _ctx in extract_from_dir(str(Path(__file__).parent), _PY):
        ids.add(msg if isinstance(msg, str) else msg[0])
    return {m for m in ids if m}
