"""Statistical audit of a nominal result (OECD/JRC Handbook step 4; the JRC audits of published indices).

Conventions
-----------
* Data: the normalised indicators and every aggregate node of each lens, nominal method.
* **Missing values are handled pairwise**: a correlation or covariance uses the units with
  both values present (at least 3; else missing). Cronbach's alpha and PCA are computed from
  the pairwise covariance/correlation matrix, so a unit missing one item still counts for
  the others (such a matrix need not be positive semi-definite; a negative eigenvalue is
  reported as it is).
* Correlations: Pearson and Spearman (Pearson on average ranks of the pairwise-complete
  values). *Within*: every pair of children of one parent, flagged ``redundant`` above
  ``high`` (default 0.9) and ``negative`` below ``low`` (default 0). *Across*: every item
  against its parent and each further ancestor.
* Cronbach's alpha per parent: ``k / (k − 1) · (1 − Σ var_i / Σ_ij cov_ij)`` with sample
  (n − 1) covariances; a bootstrap over units (``bootstrap`` resamples, seeded) gives the
  5–95 % interval; ``alpha_if_deleted`` drops one child at a time (needs k ≥ 3).
* PCA per parent on the pairwise correlation matrix: eigenvalues in decreasing order,
  explained share = eigenvalue / k; first-component loadings ``v √λ`` with the sign fixed so
  that they sum to a positive number.
* Importance: an indicator's nominal weight in the index (its weight share within its
  parent times its parent's share, up to the root) against its effective importance, the
  squared Pearson correlation with the index (and ``importance_share``: r² over the sum of r²
  of all indicators of the lens).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..catalogue import Lens
from ..scoring import Assessment
from ..scoring.aggregate import lens_children

MIN_PAIRS = 3


@dataclass
class AuditResult:
    """Audit tables: correlations, Cronbach's alpha, PCA and importance."""

    correlations: pd.DataFrame
    cronbach: pd.DataFrame
    alpha_if_deleted: pd.DataFrame
    pca: pd.DataFrame
    loadings: pd.DataFrame
    importance: pd.DataFrame
    matrices: dict[str, pd.DataFrame]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (for CSV/XLSX export)."""
        return {"audit-correlations": self.correlations, "audit-cronbach": self.cronbach,
                "audit-alpha-if-deleted": self.alpha_if_deleted, "audit-pca": self.pca,
                "audit-loadings": self.loadings, "audit-importance": self.importance}


def pairwise_cov(x: np.ndarray) -> np.ndarray:
    """Sample covariance matrix over pairwise-complete rows (NaN below 3 pairs).

    Each entry uses the rows where both columns are present, centred on those rows' means.
    """
    m = np.isfinite(x).astype("float64")
    z = np.where(m > 0, x, 0.0)
    n = m.T @ m
    sums = z.T @ m  # sums[i, j]: sum of column i over the rows where column j is present
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (z.T @ z - sums * sums.T / n) / (n - 1.0)
    cov[n < MIN_PAIRS] = np.nan
    return cov


def cronbach_alpha(x: np.ndarray) -> float:
    """Cronbach's alpha of the columns of ``x`` (units × items) from the pairwise covariance matrix."""
    k = x.shape[1]
    if k < 2:
        return float("nan")
    c = pairwise_cov(x)
    total = np.nansum(c) if np.isfinite(c).all() else np.nan
    if not np.isfinite(total) or total == 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - np.trace(c) / total))


def alpha_interval(x: np.ndarray, resamples: int, interval: tuple[float, float],
                   rng: np.random.Generator) -> tuple[float, float]:
    """Percentile bootstrap interval of Cronbach's alpha over resampled units."""
    if resamples == 0 or x.shape[1] < 2:
        return float("nan"), float("nan")
    vals = np.array([cronbach_alpha(x[rng.integers(0, x.shape[0], x.shape[0])]) for _ in range(resamples)])
    vals = vals[np.isfinite(vals)]
    if not vals.size:
        return float("nan"), float("nan")
    lo, hi = np.quantile(vals, interval)
    return float(lo), float(hi)


def pca(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (decreasing) of the pairwise correlation matrix and first-component loadings (sign fixed)."""
    r = pd.DataFrame(x).corr(min_periods=MIN_PAIRS).to_numpy()
    if not np.isfinite(r).all():
        return np.full(x.shape[1], np.nan), np.full(x.shape[1], np.nan)
    vals, vecs = np.linalg.eigh(r)
    order = np.argsort(vals)[::-1]
    vals, first = vals[order], vecs[:, order[0]]
    load = first * np.sqrt(max(vals[0], 0.0))
    return vals, (-load if load.sum() < 0 else load)


def _pairs_table(frame: pd.DataFrame, parent: str, lens: str, high: float, low: float) -> pd.DataFrame:
    pear = frame.corr(method="pearson", min_periods=MIN_PAIRS)
    spear = frame.corr(method="spearman", min_periods=MIN_PAIRS)
    ok = frame.notna().to_numpy(dtype="float64")
    counts = ok.T @ ok
    rows = []
    cols = list(frame.columns)
    for i in range(len(cols)):
        for j in range(i + 1, len(cols)):
            p = float(pear.iat[i, j])
            flag = "redundant" if p > high else "negative" if p < low else ""
            rows.append({"lens": lens, "kind": "within", "parent": parent, "a": cols[i], "b": cols[j],
                         "pearson": p, "spearman": float(spear.iat[i, j]), "n": int(counts[i, j]), "flag": flag})
    return pd.DataFrame(rows)


def _ancestors(lens: Lens, node: str) -> list[str]:
    out, cur = [], lens.node(node)
    while cur.parent is not None:
        out.append(cur.parent)
        cur = lens.node(cur.parent)
    return out


def _corr_pair(a: pd.Series, b: pd.Series) -> tuple[float, float, int]:
    both = a.notna() & b.notna()
    if both.sum() < MIN_PAIRS:
        return float("nan"), float("nan"), int(both.sum())
    x, y = a[both], b[both]
    return float(x.corr(y)), float(x.rank().corr(y.rank())), int(both.sum())


def _effective_weights(result: Assessment, lens: Lens, kids: dict[str, list[str]]) -> dict[str, float]:
    cat, spec = result.catalogue, result.method.aggregate
    weight_of = {i.id: i.weight for i in cat.indicators} | {n.id: n.weight for n in lens.nodes} | spec.weights
    share: dict[str, float] = {lens.root.id: 1.0}
    for node in sorted(kids, key=lens.depth):
        total = sum(weight_of.get(c, 1.0) for c in kids[node])
        for c in kids[node]:
            share[c] = share.get(node, 0.0) * (weight_of.get(c, 1.0) / total if total > 0 else 0.0)
    return share


def audit(result: Assessment, *, high: float = 0.9, low: float = 0.0, bootstrap: int = 200, seed: int = 0,
          interval: tuple[float, float] = (0.05, 0.95)) -> AuditResult:
    """Correlations, Cronbach's alpha, PCA and weight-versus-importance for every lens of ``result``.

    See the module docstring for every convention (pairwise missing values, flags, signs).
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    corr, alpha, deleted, pcs, loads, imp, mats = [], [], [], [], [], [], {}
    for lens_id, agg in result.aggregated.items():
        lens = result.catalogue.lens(lens_id)
        kids = lens_children(result.catalogue, lens, list(result.normalised.columns))
        data = pd.concat([result.normalised, agg], axis=1)
        parent_of = {c: p for p, cs in kids.items() for c in cs}
        for parent, children in kids.items():
            if len(children) < 2:
                continue
            frame = data[children]
            x = frame.to_numpy(dtype="float64")
            corr.append(_pairs_table(frame, parent, lens_id, high, low))
            a = cronbach_alpha(x)
            lo, hi = alpha_interval(x, bootstrap, interval, rng)
            alpha.append({"lens": lens_id, "parent": parent, "items": len(children), "alpha": a, "alpha_lo": lo,
                          "alpha_hi": hi})
            if len(children) >= 3:
                deleted += [{"lens": lens_id, "parent": parent, "deleted": c,
                             "alpha_if_deleted": cronbach_alpha(np.delete(x, j, axis=1))}
                            for j, c in enumerate(children)]
            vals, load = pca(x)
            pcs += [{"lens": lens_id, "parent": parent, "component": k + 1, "eigenvalue": float(v),
                     "explained": float(v / len(children))} for k, v in enumerate(vals)]
            loads += [{"lens": lens_id, "parent": parent, "item": c, "loading": float(v)}
                      for c, v in zip(children, load, strict=True)]
        for item, parent in parent_of.items():
            for anc in [parent, *_ancestors(lens, parent)]:
                p, s, m = _corr_pair(data[item], data[anc])
                corr.append(pd.DataFrame([{"lens": lens_id, "kind": "across", "parent": parent, "a": item, "b": anc,
                                           "pearson": p, "spearman": s, "n": m, "flag": ""}]))
        share = _effective_weights(result, lens, kids)
        index = agg.iloc[:, -1]
        inds = [c for c in result.normalised.columns if c in parent_of]
        r2 = {c: _corr_pair(data[c], index)[0] ** 2 for c in inds}
        total = np.nansum(list(r2.values()))
        imp += [{"lens": lens_id, "indicator": c, "parent": parent_of[c], "nominal_weight": share.get(c, np.nan),
                 "r2_index": r2[c], "importance_share": r2[c] / total if total > 0 else np.nan} for c in inds]
        mats[lens_id] = data[inds + list(agg.columns)].corr(min_periods=MIN_PAIRS)
    return AuditResult(correlations=pd.concat(corr, ignore_index=True) if corr else pd.DataFrame(),
                       cronbach=pd.DataFrame(alpha), alpha_if_deleted=pd.DataFrame(deleted), pca=pd.DataFrame(pcs),
                       loadings=pd.DataFrame(loads), importance=pd.DataFrame(imp), matrices=mats)
