"""Krippendorff's alpha for two coders at the levels the analysis uses.

- **Binary presence** (a code or a theme present or absent for a contribution): see
  :func:`analysis.coding.reliability.alpha_table`, which bootstraps the closed form.
- **One label per unit** (the statement function): nominal alpha from the package.
- **A set of codes per unit**: alpha with the MASI distance (Passonneau 2006), which scores
  two sets by their overlap: ``1 - J * M`` with ``J`` the Jaccard index and ``M`` 1 for equal
  sets, 2/3 when one contains the other, 1/3 when they only overlap and 0 when disjoint.

Bootstrap intervals resample units (contributions) with replacement; a resample where alpha
is undefined (a single value throughout) is dropped and the number kept is reported.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import krippendorff
import numpy as np

def nominal_alpha(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Nominal alpha of two coders' labels over the same units (package ``krippendorff``); NaN
    when fewer than two labels occur (alpha undefined)."""
    both = np.concatenate([np.asarray(a), np.asarray(b)])
    labels, codes = np.unique(both, return_inverse=True)
    if len(labels) < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=codes.reshape(2, -1).astype(float), level_of_measurement="nominal"))


def masi_distance(first: frozenset, second: frozenset) -> float:
    """MASI distance between two sets of labels (0 when equal, 1 when disjoint)."""
    if not first and not second:
        return 0.0
    union = len(first | second)
    jaccard = len(first & second) / union
    if first == second:
        monotonicity = 1.0
    elif first <= second or second <= first:
        monotonicity = 2 / 3
    elif first & second:
        monotonicity = 1 / 3
    else:
        monotonicity = 0.0
    return 1 - jaccard * monotonicity


def masi_alpha(a: Sequence[frozenset], b: Sequence[frozenset]) -> float:
    """Alpha of two coders' label sets over the same units, with the MASI distance (package
    ``krippendorff`` with a distance callable); NaN when every unit has the same set."""
    domain = sorted({*a, *b}, key=lambda s: sorted(map(str, s)))
    if len(domain) < 2:
        return float("nan")
    index = {value: i for i, value in enumerate(domain)}
    distances = np.array([[masi_distance(x, y) for y in domain] for x in domain])
    data = np.array([[index[x] for x in a], [index[y] for y in b]], dtype=float)

    def metric(v1, v2, i1, i2, n_v, dtype=np.float64):
        return distances[i1, i2].astype(dtype)

    return float(krippendorff.alpha(reliability_data=data, value_domain=np.arange(len(domain)), level_of_measurement=metric))


def percentile_interval(values: np.ndarray) -> tuple[float, float, int]:
    """2.5th and 97.5th percentiles of the defined values, and how many were defined."""
    valid = values[~np.isnan(values)]
    if len(valid) == 0:
        return float("nan"), float("nan"), 0
    low, high = np.percentile(valid, [2.5, 97.5])
    return float(low), float(high), int(len(valid))


def bootstrap_alpha(statistic, a: Sequence, b: Sequence, n_boot: int, seed: int) -> np.ndarray:
    """``statistic(a', b')`` on ``n_boot`` resamples of the units (pairs) with replacement."""
    a, b = list(a), list(b)
    rng = np.random.default_rng(seed)
    values = np.empty(n_boot)
    for k in range(n_boot):
        draw = rng.integers(0, len(a), len(a))
        values[k] = statistic([a[i] for i in draw], [b[i] for i in draw])
    return values
