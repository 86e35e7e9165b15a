"""Krippendorff's alpha for two coders at the levels the analysis uses.

- **Binary presence** (a code or a theme present or absent for a contribution): nominal alpha
  of 0/1 values, from counts (:func:`analysis.coding.reliability.presence_alpha_table`).
- **One label per unit** (the statement function): nominal alpha.
- **A set of codes per unit**: alpha with the MASI distance (Passonneau 2006), which scores
  two sets by their overlap: ``1 - J * M`` with ``J`` the Jaccard index and ``M`` 1 for equal
  sets, 2/3 when one contains the other, 1/3 when they only overlap and 0 when disjoint.

For two coders and no missing values, alpha with any distance ``delta`` has the closed form
``1 - (n - 1) * 2 * sum_u delta(a_u, b_u) / sum_ck n_c n_k delta(c, k)``, with ``n`` = 2 x units
and ``n_c`` how often value ``c`` was used. The tests check it against the ``krippendorff``
package. For sets only pairs of distinct sets that share a label are less than 1 apart, so the
expected term is summed over those, found a block of sets at a time. When alpha is undefined in the whole sample (one value throughout), there is no
interval.

Bootstrap intervals, at every level, follow Hayes and Krippendorff (2007): the units are
resampled with replacement and only the observed disagreement ``sum_u delta(a_u, b_u)`` is
recomputed, the expected one held at its value in the whole sample (:func:`resampled_sums`,
:func:`alpha_given_expected`). Units whose distances are the same are interchangeable, so a
resample is drawn as how many units of each distinct row of distances it holds (one multinomial
over their shares, the same distribution as drawing units), in chunks: time and memory grow
with the distinct rows, not the units, whatever the number of resamples.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from scipy import sparse

BOOTSTRAP_CHUNK_CELLS = 2**22  # resample x distinct-row cells held at once
SIMILARITY_BLOCK_CELLS = 2**22  # value x value cells of the MASI overlap held at once


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


def encode_sets(a: np.ndarray, b: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """The distinct sets of two coders' 0/1 matrices (units x labels: the set of labels of each
    unit), as the membership of :func:`_membership`, in order of first appearance (``a`` then
    ``b``), and each coder's sets as indices into them."""
    both = np.ascontiguousarray(np.vstack([a, b]), dtype=bool)
    keys = both.view(np.dtype((np.void, both.shape[1]))).ravel() if both.shape[1] else np.zeros(len(both), dtype=np.int8)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    inverse = rank[inverse.ravel()]
    return _membership(both[first[order]]), inverse[: len(a)], inverse[len(a) :]


def _membership(sets: np.ndarray) -> sparse.csr_matrix:
    """Sparse 0/1 values x labels, with one more label held by the empty set alone, so that two
    empty sets are the same set and an empty set shares nothing with any other."""
    sets = np.asarray(sets, dtype=bool)
    return sparse.csr_matrix(np.hstack([sets, ~sets.any(axis=1, keepdims=True)]).astype(float))


def _masi_similarity(both: np.ndarray, mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """``1 -`` the MASI distance of two sets from their sizes and the size of their intersection."""
    monotonicity = np.select([(both == mine) & (both == theirs), (both == mine) | (both == theirs)], [1.0, 2 / 3], 1 / 3)
    return both / (mine + theirs - both) * monotonicity


def _pair_similarity(pa: np.ndarray, pb: np.ndarray, member: sparse.csr_matrix | None) -> np.ndarray:
    """How alike the values of each pair are: 1 or 0 for nominal values (``member`` None), else
    ``1 -`` the MASI distance of the sets (rows of ``member``)."""
    if member is None:
        return (pa == pb).astype(float)
    size = np.asarray(member.sum(axis=1)).ravel()
    both = np.asarray(member[pa].multiply(member[pb]).sum(axis=1)).ravel()
    return _masi_similarity(both, size[pa], size[pb])


def _similarity_sums(counts: np.ndarray, member: sparse.csr_matrix | None) -> np.ndarray:
    """For each value ``c``, ``sum_k similarity(c, k) counts_k``. For label sets only the pairs
    that share a label add anything; they are found by a sparse product, a block of values at a
    time, so memory stays bounded however many sets share labels."""
    if member is None:
        return counts
    size = np.asarray(member.sum(axis=1)).ravel()
    sums = np.empty(member.shape[0])
    step = max(1, SIMILARITY_BLOCK_CELLS // member.shape[0])
    for start in range(0, member.shape[0], step):
        overlap = (member[start : start + step] @ member.T).tocsr()
        rows = np.repeat(np.arange(start, start + overlap.shape[0]), np.diff(overlap.indptr))
        overlap.data = _masi_similarity(overlap.data, size[rows], size[overlap.indices])
        sums[start : start + step] = overlap @ counts
    return sums


def resampled_sums(distances: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Each column's sum over ``n_boot`` resamples of the rows (units) with replacement:
    ``(n_boot, columns)``. Units with the same row are interchangeable, so a resample is drawn
    as how many units of each distinct row it holds (a multinomial over their shares);
    :data:`BOOTSTRAP_CHUNK_CELLS` resample x row cells at a time."""
    units, columns = distances.shape
    sums = np.zeros((n_boot, columns))
    if units == 0 or n_boot == 0 or columns == 0:
        return sums
    rows = np.ascontiguousarray(distances)
    nonzero = rows.any(axis=1)
    keys = rows[nonzero].view(np.dtype((np.void, rows.itemsize * columns))).ravel()
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    patterns = np.vstack([np.zeros((1, columns)), rows[nonzero][first]]).astype(float)  # units with nothing to sum are one row
    shares = np.concatenate([[units - nonzero.sum()], counts]) / units
    rng = np.random.default_rng(seed)
    step = max(1, BOOTSTRAP_CHUNK_CELLS // len(patterns))
    for start in range(0, n_boot, step):
        size = min(step, n_boot - start)
        sums[start : start + size] = rng.multinomial(units, shares, size=size) @ patterns
    return sums


def alpha_given_expected(n: float, observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """``1 - (n - 1) * 2 * observed / expected`` (``n`` values, ``observed`` the summed distance
    over units, ``expected`` ``sum_ck n_c n_k delta(c, k)``); NaN where ``expected`` is 0."""
    expected = np.asarray(expected, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (n - 1) * 2 * np.asarray(observed) / expected
    return np.where(expected > 0, alpha, np.nan)


def alpha_and_bootstrap(ia: np.ndarray, ib: np.ndarray, n_values: int, n_boot: int, seed: int,
                        member: sparse.csr_matrix | None = None) -> tuple[float, np.ndarray]:
    """Alpha of two coders' encoded values (indices into ``n_values`` distinct values) and its
    bootstrap distribution over ``n_boot`` resamples of the units, the expected disagreement held
    at its value in the whole sample. Nominal values, or with ``member`` (values x labels, see
    :func:`_membership`) sets of labels under the MASI distance. NaN where alpha is undefined."""
    units = len(ia)
    if units == 0:
        return float("nan"), np.full(n_boot, np.nan)
    pairs, first, inverse, pair_counts = np.unique(ia * n_values + ib, return_index=True, return_inverse=True, return_counts=True)
    per_pair = 1 - _pair_similarity(ia[first], ib[first], member)
    counts = np.bincount(np.concatenate([ia, ib]), minlength=n_values).astype(float)
    n = 2.0 * units
    expected = n**2 - float((_similarity_sums(counts, member) * counts).sum())
    observed = float((pair_counts[None, :].astype(float) @ per_pair)[0])
    alpha = float(alpha_given_expected(n, observed, expected))
    boot = alpha_given_expected(n, resampled_sums(per_pair[inverse.ravel()][:, None], n_boot, seed)[:, 0], expected)
    return alpha, boot


def label_alpha(a: Sequence[Hashable], b: Sequence[Hashable], n_boot: int = 0, seed: int = 0) -> tuple[float, np.ndarray]:
    """Nominal alpha of two coders' labels over the same units (NaN when fewer than two labels
    occur) and its bootstrap distribution (:func:`alpha_and_bootstrap`)."""
    values, ia, ib = encode(a, b)
    return alpha_and_bootstrap(ia, ib, len(values), n_boot, seed)


def nominal_alpha(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Nominal alpha of two coders' labels over the same units; NaN when fewer than two labels occur."""
    return label_alpha(a, b)[0]


def set_alpha(a: np.ndarray, b: np.ndarray, n_boot: int = 0, seed: int = 0) -> tuple[float, np.ndarray]:
    """Alpha of two coders' sets of labels (0/1 matrices, units x labels) with the MASI distance
    (NaN when every unit has the same set) and its bootstrap distribution (:func:`alpha_and_bootstrap`)."""
    member, ia, ib = encode_sets(a, b)
    return alpha_and_bootstrap(ia, ib, member.shape[0], n_boot, seed, member)


def percentile_interval(values: np.ndarray) -> tuple[float, float, int]:
    """2.5th and 97.5th percentiles of the defined values, and how many were defined."""
    valid = values[~np.isnan(values)]
    if len(valid) == 0:
        return float("nan"), float("nan"), 0
    low, high = np.percentile(valid, [2.5, 97.5])
    return float(low), float(high), int(len(valid))


# --- cluster bootstrap: whole lists resampled ---------------------------------------------------


def cluster_draws(clusters: Sequence[Hashable], n_boot: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """How often each cluster is drawn in each of ``n_boot`` resamples of the clusters with
    replacement (``n_boot`` x clusters), and each unit's cluster as an index."""
    names, inverse = np.unique(np.asarray(clusters, dtype=object).astype(str), return_inverse=True)
    if len(names) == 0 or n_boot == 0:
        return np.zeros((n_boot, len(names))), inverse
    draws = np.random.default_rng(seed).multinomial(len(names), np.full(len(names), 1 / len(names)), size=n_boot)
    return draws.astype(float), inverse


def _per_cluster(values: np.ndarray, inverse: np.ndarray, n_clusters: int) -> np.ndarray:
    """Column sums of ``values`` (units x columns) within each cluster."""
    sums = np.zeros((n_clusters, values.shape[1]))
    np.add.at(sums, inverse, values)
    return sums


def cluster_presence_bootstrap(a: np.ndarray, b: np.ndarray, clusters: Sequence[Hashable], n_boot: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Alpha per column of two coders' 0/1 matrices (units x columns), and pooled over every
    cell, in ``n_boot`` resamples of whole clusters (lists): observed and expected disagreement
    both recomputed from each resample (``n_boot`` x columns, and ``n_boot``)."""
    draws, inverse = cluster_draws(clusters, n_boot, seed)
    n_clusters = draws.shape[1]
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    units = draws @ np.bincount(inverse, minlength=n_clusters).astype(float)
    used = draws @ _per_cluster(a + b, inverse, n_clusters)
    disagree = draws @ _per_cluster(np.abs(a - b), inverse, n_clusters)
    n = 2 * units[:, None]
    per_column = alpha_given_expected(n, disagree, 2.0 * (n - used) * used)
    cells = 2 * units * a.shape[1]
    pooled_used = used.sum(axis=1)
    pooled = alpha_given_expected(cells, disagree.sum(axis=1), 2.0 * (cells - pooled_used) * pooled_used)
    return per_column, pooled


def cluster_label_bootstrap(a: Sequence[Hashable], b: Sequence[Hashable], clusters: Sequence[Hashable], n_boot: int, seed: int) -> np.ndarray:
    """Nominal alpha of two coders' labels in ``n_boot`` resamples of whole clusters (lists),
    observed and expected disagreement both recomputed from each resample."""
    values, ia, ib = encode(a, b)
    draws, inverse = cluster_draws(clusters, n_boot, seed)
    n_clusters = draws.shape[1]
    counts = np.zeros((len(ia), len(values)))
    np.add.at(counts, (np.arange(len(ia)), ia), 1)
    np.add.at(counts, (np.arange(len(ib)), ib), 1)
    units = draws @ np.bincount(inverse, minlength=n_clusters).astype(float)
    used = draws @ _per_cluster(counts, inverse, n_clusters)
    disagree = draws @ _per_cluster((ia != ib).astype(float)[:, None], inverse, n_clusters)[:, 0]
    n = 2 * units
    return alpha_given_expected(n, disagree, n**2 - (used**2).sum(axis=1))


MAX_DISTINCT_SETS_CLUSTERED = 2000  # a dense set x set similarity matrix is held for the cluster bootstrap of MASI alpha


def cluster_set_bootstrap(a: np.ndarray, b: np.ndarray, clusters: Sequence[Hashable], n_boot: int, seed: int) -> np.ndarray:
    """MASI alpha of two coders' sets of labels in ``n_boot`` resamples of whole clusters,
    observed and expected disagreement recomputed from each resample; all NaN when the coders
    use more than :data:`MAX_DISTINCT_SETS_CLUSTERED` distinct sets (the similarity of every pair
    of sets is held in memory)."""
    member, ia, ib = encode_sets(a, b)
    n_values = member.shape[0]
    if n_values > MAX_DISTINCT_SETS_CLUSTERED:
        return np.full(n_boot, np.nan)
    draws, inverse = cluster_draws(clusters, n_boot, seed)
    n_clusters = draws.shape[1]
    similarity = np.column_stack([_similarity_sums(np.eye(n_values)[k], member) for k in range(n_values)])
    counts = np.zeros((len(ia), n_values))
    np.add.at(counts, (np.arange(len(ia)), ia), 1)
    np.add.at(counts, (np.arange(len(ib)), ib), 1)
    distance = 1 - _pair_similarity(ia, ib, member)
    units = draws @ np.bincount(inverse, minlength=n_clusters).astype(float)
    used = draws @ _per_cluster(counts, inverse, n_clusters)
    observed = draws @ _per_cluster(distance[:, None], inverse, n_clusters)[:, 0]
    n = 2 * units
    expected = n**2 - np.einsum("bi,ij,bj->b", used, similarity, used)
    return alpha_given_expected(n, observed, expected)
