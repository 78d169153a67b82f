"""The catalogue's closed vocabularies as typed Literals, the one source of truth for their choices.

Nothing heavy is imported here: the command line builds its option choices from these without
loading pydantic or pandas (``smartcity --help`` starts fast).
"""

from __future__ import annotations

from typing import Literal, get_args

#: As in the U4SSC KPIs: core indicators every city should report, advanced ones for depth.
Tier = Literal["core", "advanced"]
TIERS: tuple[str, ...] = get_args(Tier)

#: Formats of an indicator listing (``table`` is for the terminal only).
CatalogueFormat = Literal["table", "csv", "xlsx", "markdown"]
FORMATS: tuple[str, ...] = get_args(CatalogueFormat)
