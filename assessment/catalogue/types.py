"""Field types every catalogue record shares: ids, text in several languages, the record base.

Kept apart from :mod:`assessment.catalogue.models` so that the record kinds the catalogue holds
(indicators and lenses there, criteria models in :mod:`assessment.catalogue.criteria`) import
them without importing each other.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

#: Text in several languages: language code → text.
LangText = dict[str, Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]]

#: Item, lens and node ids: a letter, then letters, digits, ``_``, ``.`` or ``-``.
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$")]


class Record(BaseModel):
    """An immutable catalogue record that refuses unknown keys (a typo is an error, not ignored)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
