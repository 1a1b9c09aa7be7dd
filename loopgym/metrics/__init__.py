"""Summary statistics shared by the CLI, the runners and the result tables."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

# two-sided 95% quantiles of Student's t for 1..30 degrees of freedom
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)


def t_quantile_975(df: int) -> float:
    """The 97.5% quantile of Student's t with ``df`` degrees of freedom (exact table to 30, then the
    first Cornish-Fisher correction to the normal quantile, good to 3 decimals)."""
    if df < 1:
        return math.inf
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959964
    return z + (z**3 + z) / (4 * df)


def mean_ci(values: Sequence[float]) -> tuple[float, float]:
    """Mean and the half-width of its 95% Student-t confidence interval (``nan`` for one value)."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n == 0:
        return math.nan, math.nan
    mean = float(x.mean())
    if n == 1:
        return mean, math.nan
    return mean, float(t_quantile_975(n - 1) * x.std(ddof=1) / math.sqrt(n))


def format_mean_ci(values: Sequence[float], digits: int = 3) -> str:
    """``"mean ± half-width"`` for a table cell."""
    mean, half = mean_ci(values)
    if math.isnan(mean):
        return "—"
    if math.isnan(half):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {half:.{digits}f}"
