"""The base of every stage's method classes, and what is derived from them.

A stage method is **one class**: a frozen pydantic model whose fields are its parameters and
whose ``method`` field is a ``Literal`` of its name (the tag of the stage's discriminated union),
with its computation, its documentation (the class docstring; the first paragraph is the summary
the reference table shows) and its declared needs as class variables, decorated with
:func:`stage_method`. A stage's base class keeps a registry of its methods in definition order
(:class:`Registry`); from it the stage derives
its method names, the model of each name, the pydantic union a method file is read through, and
the docs table. Adding a method to a stage is therefore adding one class; nothing else lists it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, TypeVar, Union, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter


class StageMethod(BaseModel):
    """A method of one stage: its parameters are the fields, ``method`` (a ``Literal``) its name(s)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    if TYPE_CHECKING:  # each method's field: a ``Literal`` of its name (none on a base, so a base is no method)
        method: str = ""

    #: The method on a page, a msgid; each stage's base says what sentence it completes ("": its name).
    words: ClassVar[str] = ""
    #: The COINr function (and arguments, as written in R) this method reproduces ("" when none).
    coinr: ClassVar[str] = ""
    #: The stage's registry, set by the stage's base class (:func:`stage_method` adds to it).
    REGISTRY: ClassVar[Registry[Any]]

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The method names this class answers to (its ``method`` ``Literal``)."""
        field = cls.model_fields.get("method")
        return tuple(get_args(field.annotation)) if field is not None else ()

    @classmethod
    def parameters(cls) -> dict[str, Any]:
        """Parameter name → default (``...`` when required), ``method`` left out."""
        return {k: (... if f.is_required() else f.default) for k, f in cls.model_fields.items() if k != "method"}

    @classmethod
    def summary(cls) -> str:
        """The first paragraph of the class docstring, on one line (the reference table's text)."""
        doc = inspect.getdoc(cls) or ""
        return " ".join(doc.split("\n\n")[0].split())


M = TypeVar("M", bound=StageMethod)


class Registry(Generic[M]):
    """The method classes of one stage, in the order they are defined (imported).

    A stage's base class holds one as ``REGISTRY``; each method class is added to it by the
    :func:`stage_method` decorator on its definition.
    """

    def __init__(self, stage: str) -> None:
        self.stage = stage
        self.classes: list[type[M]] = []

    def add(self, cls: type[M]) -> None:
        """Register ``cls`` (a name already taken is a programming error, caught on import)."""
        names = cls.names()
        if not names:
            raise TypeError(f"{cls.__qualname__} has no method name (a 'method' field typed as a Literal)")
        taken = set(names) & set(self.by_name())
        if taken:
            raise TypeError(f"{self.stage} method {sorted(taken)} is defined twice ({cls.__qualname__})")
        self.classes.append(cls)

    def names(self) -> tuple[str, ...]:
        """Every method name, in registry order."""
        return tuple(n for c in self.classes for n in c.names())

    def by_name(self) -> dict[str, type[M]]:
        """The class of each method name."""
        return {n: c for c in self.classes for n in c.names()}

    def __iter__(self) -> Iterator[type[M]]:
        return iter(self.classes)

    def union(self, default: str) -> Any:
        """The discriminated union of every class (chosen by ``method``, a missing ``method`` read as
        ``default``): the type a method file's recipe is validated as."""
        members = tuple(self.classes)
        return Annotated[Union[members], Field(discriminator="method"), default_method(default)]  # noqa: UP007

    def adapter(self, default: str) -> TypeAdapter[Any]:
        """A pydantic adapter of :meth:`union`."""
        return TypeAdapter(self.union(default))


def cell(value: Any) -> str:
    """A parameter's default as a method file writes it (``required`` when it has none)."""
    if value is ...:
        return "required"
    if isinstance(value, tuple):
        return "[" + ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value) + "]"
    return "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def parameters_cell(cls: type[StageMethod]) -> str:
    """A class's parameters with their defaults, for a reference table (``–`` for none)."""
    return ", ".join(f"`{k}` ({cell(v)})" for k, v in cls.parameters().items()) or "–"


def markdown_table(registry: Registry[Any], columns: dict[str, Callable[[Any], str]]) -> str:
    """One row per method name of ``registry`` (name first, then ``columns``: header → the cell of a class)."""
    rows = ["| method | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, cls in registry.by_name().items():
        rows.append(f"| `{name}` | " + " | ".join(make(cls) for make in columns.values()) + " |")
    return "\n".join(rows) + "\n"


def stage_method(cls: type[M]) -> type[M]:
    """Class decorator: ``cls`` is a method of its stage, added to its base's ``REGISTRY`` (in the order
    of definition, which is the order messages and tables list the names in)."""
    cls.REGISTRY.add(cls)
    return cls


def default_method(default: str) -> BeforeValidator:
    """A validator that fills a missing ``method`` key with ``default`` (the union needs its tag)."""

    def fill(value: Any) -> Any:
        if isinstance(value, dict) and "method" not in value:
            return {"method": default, **value}
        return value

    return BeforeValidator(fill)
