"""The impute stage: missing values filled by the method's class (:mod:`assessment.scoring.imputers`),
every imputed cell flagged."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .specs import Impute


def impute(values: pd.DataFrame, profiles: pd.DataFrame, spec: Impute) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the chosen imputer.

    Returns
    -------
    (imputed, flags)
        The new table, and a boolean table of the same shape: True where a value was imputed.
    """
    filled = spec.fill(values, profiles)
    flags = np.isnan(values.to_numpy(dtype="float64")) & ~np.isnan(filled.to_numpy(dtype="float64"))
    return filled, pd.DataFrame(flags, index=values.index, columns=values.columns)
