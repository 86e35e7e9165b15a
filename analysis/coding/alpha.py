"""Krippendorff's alpha for two coders at the levels the analysis uses.

- **Binary presence** (a code or a theme present or absent for a contribution): see
  :func:`analysis.coding.reliability.alpha_table`, which bootstraps the closed form.
- **One label per unit** (the statement function): nominal alpha.
- **A set of codes per unit**: alpha with the MASI distance (Passonneau 2006), which scores
  two sets by their overlap: ``1 - J * M`` with ``J`` the Jaccard index and ``M`` 1 for equal
  sets, 2/3 when one contains the other, 1/3 when they only overlap and 0 when disjoint.

For two coders and no missing values, alpha with any distance ``delta`` has the closed form
``1 - (n - 1) * 2 * sum_u delta(a_u, b_u) / sum_ck n_c n_k delta(c, k)``, with ``n`` = 2 x units
and ``n_c`` how often value ``c`` was used. It depends only on how many units have each
distinct pair of values, so a bootstrap resample is a multinomial draw of those counts, and
resamples are drawn in chunks: time and memory grow with the distinct pairs, not the units. The tests check the closed form against
the ``krippendorff`` package. A resample where alpha is undefined (one value throughout) is
dropped and the number kept is reported.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from scipy import sparse

BOOTSTRAP_CHUNK_CELLS = 2**22  # resample x pair (or value) cells held at once


def masi_distance(first: frozenset, second: frozenset) -> float:
    """MASI distance between two sets of labels (0 when equal, 1 when disjoint)."""
    if not first and not second:
        return 0.0
    jaccard = len(first & second) / len(first | second)
    if first == second:
        monotonicity = 1.0
    elif first <= second or second <= first:
        monotonicity = 2 / 3
    elif first & second:
        monotonicity = 1 / 3
    else:
        monotonicity = 0.0
    return 1 - jaccard * monotonicity


def encode(a: Sequence[Hashable], b: Sequence[Hashable]) -> tuple[list, np.ndarray, np.ndarray]:
    """The distinct values of both coders and each coder's values as indices into them."""
    if isinstance(a, np.ndarray) and a.dtype.kind in "biuf":
        values, inverse = np.unique(np.concatenate([a.ravel(), np.asarray(b).ravel()]), return_inverse=True)
        return list(values), inverse[: a.size].astype(np.int64), inverse[a.size :].astype(np.int64)
    index: dict = {}
    ia = np.fromiter((index.setdefault(x, len(index)) for x in a), dtype=np.int64, count=len(a))
    ib = np.fromiter((index.setdefault(y, len(index)) for y in b), dtype=np.int64, count=len(b))
    return list(index), ia, ib


def _alpha_from_weights(weights: np.ndarray, per_pair: np.ndarray, used: sparse.csr_matrix, similarity: sparse.csr_matrix) -> np.ndarray:
    """Closed-form alpha for each row of ``weights`` (how many units of each kind of pair count).
    The expected disagreement ``sum_ck n_c n_k delta_ck`` is ``n^2 - sum_ck n_c n_k (1 - delta_ck)``;
    ``similarity`` (``1 - delta``) is sparse, since most pairs of code sets share nothing."""
    n = 2 * weights.sum(axis=1)
    observed = 2 * weights @ per_pair
    counts = np.asarray((used.T @ weights.T).T)  # (rows, values)
    expected = n**2 - (np.asarray((similarity @ counts.T).T) * counts).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (n - 1) * observed / expected
    return np.where(expected > 0, alpha, np.nan)


def _pairs(ia: np.ndarray, ib: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray, sparse.csr_matrix]:
    """The distinct (a, b) pairs of values: how many units have each, each pair's distance, and
    how often each value is used by a unit of each pair (pairs x values). Units with the same
    pair are interchangeable for alpha, so resampling units is resampling pairs by their counts."""
    values = len(delta)
    pair_ids, pair_of, pair_counts = np.unique(ia * values + ib, return_index=True, return_counts=True)
    pa, pb = ia[pair_of], ib[pair_of]
    rows = np.concatenate([np.arange(len(pair_ids))] * 2)
    used = sparse.csr_matrix((np.ones(2 * len(pair_ids)), (rows, np.concatenate([pa, pb]))), shape=(len(pair_ids), values))
    return pair_counts.astype(float), delta[pa, pb], used


def distance_alpha(ia: np.ndarray, ib: np.ndarray, delta: np.ndarray) -> float:
    """Alpha of two coders' encoded values with distance matrix ``delta``; NaN when undefined."""
    if len(ia) == 0:
        return float("nan")
    counts, per_pair, used = _pairs(ia, ib, delta)
    return float(_alpha_from_weights(counts[None, :], per_pair, used, sparse.csr_matrix(1 - delta))[0])


def bootstrap_distance_alpha(ia: np.ndarray, ib: np.ndarray, delta: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """:func:`distance_alpha` on ``n_boot`` resamples of the units: each resample draws how many
    units of each kind of pair it holds (multinomial over the pairs' shares), in chunks."""
    units = len(ia)
    out = np.full(n_boot, np.nan)
    if units == 0:
        return out
    counts, per_pair, used = _pairs(ia, ib, delta)
    similarity = sparse.csr_matrix(1 - delta)
    rng = np.random.default_rng(seed)
    chunk = max(1, BOOTSTRAP_CHUNK_CELLS // max(len(counts), len(delta)))
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        weights = rng.multinomial(units, counts / units, size=size).astype(float)
        out[start : start + size] = _alpha_from_weights(weights, per_pair, used, similarity)
    return out


def nominal_delta(values: Sequence) -> np.ndarray:
    """The nominal distance: 0 for the same value, 1 otherwise."""
    return 1 - np.eye(len(values))


MASI_BLOCK_ROWS = 1024  # rows of the distance matrix computed at once


def masi_delta(values: Sequence[frozenset]) -> np.ndarray:
    """The MASI distance between every two of ``values`` (:func:`masi_distance`, computed on
    arrays: intersection sizes from a 0/1 membership matrix, a block of rows at a time)."""
    labels = {label: i for i, label in enumerate(sorted({label for value in values for label in value}, key=repr))}
    member = np.zeros((len(values), len(labels)))
    for row, value in enumerate(values):
        member[row, [labels[label] for label in value]] = 1
    size = member.sum(axis=1)
    delta = np.empty((len(values), len(values)))
    for start in range(0, len(values), MASI_BLOCK_ROWS):
        rows = slice(start, start + MASI_BLOCK_ROWS)
        both = member[rows] @ member.T
        mine, theirs = size[rows, None], size[None, :]
        either = mine + theirs - both
        with np.errstate(divide="ignore", invalid="ignore"):
            jaccard = np.where(either > 0, both / either, 0.0)
        monotonicity = np.select([(both == mine) & (both == theirs), (both == mine) | (both == theirs), both > 0], [1.0, 2 / 3, 1 / 3], 0.0)
        delta[rows] = np.where(either > 0, 1 - jaccard * monotonicity, 0.0)
    return delta


def nominal_alpha(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Nominal alpha of two coders' labels over the same units; NaN when fewer than two labels occur."""
    values, ia, ib = encode(a, b)
    return distance_alpha(ia, ib, nominal_delta(values))


def masi_alpha(a: Sequence[frozenset], b: Sequence[frozenset]) -> float:
    """Alpha of two coders' label sets over the same units, with the MASI distance; NaN when
    every unit has the same set."""
    values, ia, ib = encode(a, b)
    return distance_alpha(ia, ib, masi_delta(values))


def bootstrap_alpha(a: Sequence[Hashable], b: Sequence[Hashable], n_boot: int, seed: int, masi: bool = False) -> np.ndarray:
    """Bootstrap distribution of nominal (or, with ``masi``, MASI) alpha over the units."""
    values, ia, ib = encode(a, b)
    return bootstrap_distance_alpha(ia, ib, masi_delta(values) if masi else nominal_delta(values), n_boot, seed)


def percentile_interval(values: np.ndarray) -> tuple[float, float, int]:
    """2.5th and 97.5th percentiles of the defined values, and how many were defined."""
    valid = values[~np.isnan(values)]
    if len(valid) == 0:
        return float("nan"), float("nan"), 0
    low, high = np.percentile(valid, [2.5, 97.5])
    return float(low), float(high), int(len(valid))
