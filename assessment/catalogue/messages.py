"""Validation messages in our own words: pydantic's errors as translatable problem templates.

Catalogues, methods and robustness specs are validated by pydantic models; each error becomes a
:class:`~assessment.errors.Problem` whose message is a template (an English msgid, Vietnamese in
the .po), filled when the problem is written. The convention:

* pydantic's own errors of the kinds a YAML author meets (a missing or unknown key, a value of
  the wrong type, a value outside a fixed list or a range, a list too short) get our own words
  from :data:`PYDANTIC`, filled from the error's context; the problem code stays pydantic's
  error type (``literal_error``, ``missing`` …);
* the model validators raise :func:`invalid`: a ``PydanticCustomError`` whose code is ours and
  whose message is a msgid template filled from its values;
* any other pydantic error keeps pydantic's English text (``{detail}``): a message no test of
  ours has seen is reported as pydantic words it rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic_core import PydanticCustomError

from ..errors import Params, params
from ..i18n import N_

#: The key of a custom error's context holding its message template.
TEMPLATE = "msgid"

#: pydantic error type → message template (placeholders from the error's context, see :func:`message`).
PYDANTIC: dict[str, str] = {
    "missing": N_("required field is missing"),
    "extra_forbidden": N_("unknown key"),
    "literal_error": N_("must be one of: {expected}"),
    "enum": N_("must be one of: {expected}"),
    "union_tag_invalid": N_("unknown {discriminator} '{tag}'; choose one of: {expected_tags}"),
    "union_tag_not_found": N_("the key {discriminator} is needed here"),
    "string_type": N_("must be text"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_type": N_("must be a number"),
    "float_parsing": N_("must be a number"),
    "finite_number": N_("must be a finite number"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "list_type": N_("must be a list"),
    "tuple_type": N_("must be a list"),
    "set_type": N_("must be a list"),
    "dict_type": N_("must be a mapping (key: value)"),
    "model_type": N_("must be a mapping (key: value)"),
    "model_attributes_type": N_("must be a mapping (key: value)"),
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be at most {le}"),
    "too_short": N_("needs at least {min_length} item(s); found {actual_length}"),
    "too_long": N_("takes at most {max_length} item(s); found {actual_length}"),
    "string_too_short": N_("needs at least {min_length} character(s)"),
    "string_too_long": N_("takes at most {max_length} character(s)"),
    "string_pattern_mismatch": N_("must match the pattern {pattern}"),
    "frozen_instance": N_("cannot be changed"),
}


def invalid(code: str, template: str, **values: Any) -> PydanticCustomError:
    """A model validator's error: ``code`` is the problem code, ``template`` a msgid filled from ``values``.

    >>> invalid("weights-negative", "weights must be >= 0; found {bad}", bad="x").message()
    'weights must be >= 0; found x'
    """
    return PydanticCustomError(code, template, {**values, TEMPLATE: template})


def _listed(text: object) -> str:
    """``"'a', 'b' or 'c'"`` or ``"1, -1 or 0"`` (pydantic's English lists) as ``'a', 'b', 'c'``, ``1, -1, 0``.

    >>> _listed("'a', 'b' or 'c'"), _listed("1, -1 or 0")
    ("'a', 'b', 'c'", '1, -1, 0')
    """
    items = re.findall(r"'[^']*'", str(text)) or re.split(r",\s*|\s+or\s+", str(text))
    return ", ".join(items)


def message(err: Mapping[str, Any]) -> tuple[str, Params]:
    """The message template and its parameters for one pydantic error (``ValidationError.errors()`` item)."""
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    template = ctx.pop(TEMPLATE, None)
    if template is None:
        template = PYDANTIC.get(err["type"])
        for key in ("expected", "expected_tags"):
            if key in ctx:
                ctx[key] = _listed(ctx[key])
    if template is None:
        return "{detail}", params(detail=str(err["msg"]).removeprefix("Value error, "))
    try:
        template.format_map(ctx)
    except (KeyError, IndexError, ValueError):  # a context this pydantic version does not give
        return "{detail}", params(detail=str(err["msg"]).removeprefix("Value error, "))
    return template, params(**ctx)
