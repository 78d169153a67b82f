"""Validation messages in our own words: pydantic's errors as translatable problem templates, and as problems.

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

:func:`pydantic_problems` turns a ``ValidationError`` into problems, with the nearest allowed key or value as
the fix of an unknown one (:data:`DID_YOU_MEAN`). Shared by every stage that validates typed data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from .errors import Params, Problem, params, short_repr, suggest
from .i18n import N_

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
    the message a template in our words (:func:`message`).

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
