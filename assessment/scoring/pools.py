"""Rows pooled by year (of a panel) and group: the pools that imputation statistics and ranks are taken within."""

from __future__ import annotations

import numpy as np
import pandas as pd


def pool_codes(frame: pd.DataFrame, group: pd.Series | None = None) -> np.ndarray:
    """Integer code of each row's pool (year of a panel × ``group``); -1 where the group is missing.

    Imputation statistics and ranks are computed within these pools.
    """
    codes = np.zeros(len(frame), dtype=np.int64)
    parts = []
    if "year" in frame.index.names:
        parts.append(np.asarray(frame.index.get_level_values("year")))
    if group is not None:
        parts.append(group.reindex(frame.index).to_numpy(dtype=object))
    for values in parts:
        part, uniques = pd.factorize(values)
        codes = np.where((codes < 0) | (part < 0), -1, codes * max(len(uniques), 1) + part)
    return codes
