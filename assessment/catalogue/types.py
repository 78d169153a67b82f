"""Field types every catalogue record shares: ids, text in several languages, the record base.

Kept apart from :mod:`assessment.catalogue.models` so that the record kinds the catalogue holds
(indicators and lenses there, criteria models in :mod:`assessment.catalogue.criteria`) import
them without importing each other.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

#: Text in several languages: language code → text.
LangText = dict[str, Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]]

#: Item, lens and node ids: a letter, then letters, digits, ``_``, ``.`` or ``-``.
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$")]


class Record(BaseModel):
    """An immutable catalogue record that refuses unknown keys (a typo is an error, not ignored)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


#: A key of a text in several languages (a language code, as the locale registry's folders are named).
_LANG_KEY = re.compile(r"[a-z]{2,3}")


def english_only(node: Any) -> Any:
    """``node`` (a JSON dump) with each text in several languages reduced to its English, the source."""
    if isinstance(node, dict):
        if "en" in node and all(isinstance(k, str) and _LANG_KEY.fullmatch(k) and isinstance(v, str)
                                for k, v in node.items()):
            return {"en": node["en"]}
        return {k: english_only(v) for k, v in node.items()}
    if isinstance(node, list):
        return [english_only(v) for v in node]
    return node
