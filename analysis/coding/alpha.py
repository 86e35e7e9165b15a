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
distinct pair of values. Bootstrap intervals follow Hayes and Krippendorff (2007): a resample
is a multinomial draw of those counts and only the observed disagreement is recomputed, the
expected one held at its value in the whole sample, so time and memory grow with the distinct
pairs, not the units or the square of the distinct code sets. The tests check the closed form
against the ``krippendorff`` package. When alpha is undefined in the whole sample (one value
throughout), there is no interval.
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


def _pairs(ia: np.ndarray, ib: np.ndarray, similarity: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray, sparse.csr_matrix]:
    """The distinct (a, b) pairs of values: how many units have each, each pair's distance, and
    how often each value is used by a unit of each pair (pairs x values). Units with the same
    pair are interchangeable for alpha, so resampling units is resampling pairs by their counts."""
    values = similarity.shape[0]
    pair_ids, pair_of, pair_counts = np.unique(ia * values + ib, return_index=True, return_counts=True)
    pa, pb = ia[pair_of], ib[pair_of]
    rows = np.concatenate([np.arange(len(pair_ids))] * 2)
    used = sparse.csr_matrix((np.ones(2 * len(pair_ids)), (rows, np.concatenate([pa, pb]))), shape=(len(pair_ids), values))
    return pair_counts.astype(float), 1 - np.asarray(similarity[pa, pb]).ravel(), used


def similarity_alpha(ia: np.ndarray, ib: np.ndarray, similarity: sparse.csr_matrix) -> float:
    """Alpha of two coders' encoded values, with distance ``1 - similarity``; NaN when undefined."""
    if len(ia) == 0:
        return float("nan")
    counts, per_pair, used = _pairs(ia, ib, similarity)
    return float(_alpha_from_weights(counts[None, :], per_pair, used, similarity)[0])


def bootstrap_similarity_alpha(ia: np.ndarray, ib: np.ndarray, similarity: sparse.csr_matrix, n_boot: int, seed: int) -> np.ndarray:
    """:func:`similarity_alpha` on ``n_boot`` resamples of the units, with the expected
    disagreement held at its value in the whole sample, as Hayes and Krippendorff (2007) do:
    each resample draws how many units of each kind of pair it holds (multinomial over the
    pairs' shares), in chunks, and only the observed disagreement is recomputed."""
    units = len(ia)
    out = np.full(n_boot, np.nan)
    if units == 0:
        return out
    counts, per_pair, used = _pairs(ia, ib, similarity)
    n = 2 * units
    values = np.asarray(used.T @ counts).ravel()
    expected = n**2 - float(values @ (similarity @ values))
    if expected <= 0:
        return out
    rng = np.random.default_rng(seed)
    chunk = max(1, BOOTSTRAP_CHUNK_CELLS // len(counts))
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        weights = rng.multinomial(units, counts / units, size=size).astype(float)
        out[start : start + size] = 1 - (n - 1) * 2 * (weights @ per_pair) / expected
    return out


def nominal_similarity(values: Sequence) -> sparse.csr_matrix:
    """The nominal similarity: 1 for the same value, 0 otherwise."""
    return sparse.identity(len(values), format="csr")


def masi_similarity(values: Sequence[frozenset]) -> sparse.csr_matrix:
    """``1 -`` the MASI distance between every two of ``values``, kept only where it is not 0 (sets
    that share a label, or two empty sets): found from a sparse membership matrix, so its size
    grows with the overlapping pairs, not with the square of the distinct sets."""
    labels = {label: i for i, label in enumerate(sorted({label for value in values for label in value}, key=repr))}
    rows = np.repeat(np.arange(len(values)), [len(value) for value in values])
    columns = np.fromiter((labels[label] for value in values for label in value), dtype=np.int64, count=len(rows))
    member = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(values), len(labels)))
    size = np.asarray(member.sum(axis=1)).ravel()
    overlap = (member @ member.T).tocoo()
    i, j, both = overlap.row, overlap.col, overlap.data
    mine, theirs = size[i], size[j]
    monotonicity = np.select([(both == mine) & (both == theirs), (both == mine) | (both == theirs)], [1.0, 2 / 3], 1 / 3)
    similar = both / (mine + theirs - both) * monotonicity
    empty = np.flatnonzero(size == 0)
    return sparse.csr_matrix((np.concatenate([similar, np.ones(len(empty))]), (np.concatenate([i, empty]), np.concatenate([j, empty]))),
                             shape=(len(values), len(values)))


def nominal_alpha(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Nominal alpha of two coders' labels over the same units; NaN when fewer than two labels occur."""
    values, ia, ib = encode(a, b)
    return similarity_alpha(ia, ib, nominal_similarity(values))


def masi_alpha(a: Sequence[frozenset], b: Sequence[frozenset]) -> float:
    """Alpha of two coders' label sets over the same units, with the MASI distance; NaN when
    every unit has the same set."""
    values, ia, ib = encode(a, b)
    return similarity_alpha(ia, ib, masi_similarity(values))


def bootstrap_alpha(a: Sequence[Hashable], b: Sequence[Hashable], n_boot: int, seed: int, masi: bool = False) -> np.ndarray:
    """Bootstrap distribution of nominal (or, with ``masi``, MASI) alpha over the units."""
    values, ia, ib = encode(a, b)
    return bootstrap_similarity_alpha(ia, ib, masi_similarity(values) if masi else nominal_similarity(values), n_boot, seed)


def percentile_interval(values: np.ndarray) -> tuple[float, float, int]:
    """2.5th and 97.5th percentiles of the defined values, and how many were defined."""
    valid = values[~np.isnan(values)]
    if len(valid) == 0:
        return float("nan"), float("nan"), 0
    low, high = np.percentile(valid, [2.5, 97.5])
    return float(low), float(high), int(len(valid))
