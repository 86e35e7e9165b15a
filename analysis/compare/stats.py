"""Generic statistics on counts: intervals, tests, residuals and correspondence analysis.

Nothing here knows about contributions or codebooks; `analysis.compare.comparisons` supplies the counts.
Every result is description of the coded material, not inference to a population: the
contributions are not a random sample, so p-values and intervals show how clear a pattern is
in these counts, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint


def wilson_interval(
    count: np.ndarray, total: np.ndarray, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for count/total, element-wise; empty where total is 0."""
    count = np.asarray(count, dtype=float)
    total = np.asarray(total, dtype=float)
    low = np.full(np.broadcast(count, total).shape, np.nan)
    high = low.copy()
    has_total = np.broadcast_to(total > 0, low.shape)
    if has_total.any():
        c = np.broadcast_to(count, low.shape)[has_total]
        t = np.broadcast_to(total, low.shape)[has_total]
        low[has_total], high[has_total] = proportion_confint(c, t, alpha=alpha, method="wilson")
    return low, high


def chi_square_k_by_2(present: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Pearson chi-square of k groups x (present, absent), vectorised over leading axes.

    ``present`` has the groups on its last axis; ``sizes`` gives each group's total. With
    p the overall share present, chi-square = sum_i (a_i - n_i p)^2 / (n_i p (1 - p)).
    It is 0 when p is 0 or 1 (no variation to compare); empty groups add nothing.
    """
    present = np.asarray(present, dtype=float)
    sizes = np.asarray(sizes, dtype=float)
    share = present.sum(axis=-1, keepdims=True) / sizes.sum()
    spread = sizes * share * (1 - share)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(spread > 0, (present - sizes * share) ** 2 / spread, 0.0)
    return terms.sum(axis=-1)


def adjusted_residuals(present: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Haberman's adjusted standardised residual of the 'present' cell of each group.

    r_i = (a_i - E_i) / sqrt(E_i (1 - n_i/N) (1 - p)), with E_i = n_i p. The 'absent' cell's
    residual is exactly -r_i. Empty where a group is empty or holds every contribution, or
    where p is 0 or 1.
    """
    present = np.asarray(present, dtype=float)
    sizes = np.asarray(sizes, dtype=float)
    total = sizes.sum()
    share = present.sum() / total if total else np.nan
    expected = sizes * share
    variance = expected * (1 - sizes / total) * (1 - share) if total else np.full_like(sizes, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(variance > 0, (present - expected) / np.sqrt(variance), np.nan)


def fisher_two_by_two(present: np.ndarray, sizes: np.ndarray) -> float:
    """Two-sided Fisher exact p for two groups x (present, absent)."""
    table = [[present[0], sizes[0] - present[0]], [present[1], sizes[1] - present[1]]]
    return float(fisher_exact(table, alternative="two-sided").pvalue)


def require_binary(values: np.ndarray) -> None:
    """Raise ValueError unless every value of a presence matrix is 0 or 1."""
    if not ((values == 0) | (values == 1)).all():
        raise ValueError("presence must hold only 0 and 1")


def permutation_chi_square(present: np.ndarray, sizes: np.ndarray, n_permutations: int, seed: int) -> np.ndarray:
    """Permutation p of each row's k groups x (present, absent) chi-square, from counts.

    ``present`` holds, per code (row) and group (column), how many of the group's ``sizes``
    contributions carry the code. The test shuffles group labels over the contributions
    ``n_permutations`` times with a generator seeded by ``seed``; a code's chi-square depends
    on a shuffle only through how many of its ``m`` carriers land in each group, which for a
    uniform shuffle is multivariate hypergeometric (group sizes, ``m`` draws), so those counts
    are drawn directly, code by code, and time and memory do not grow with the number of
    contributions. p = (1 + number of shuffles with chi-square >= observed) / (1 +
    n_permutations), so it is never 0.
    """
    present = np.asarray(present, dtype=np.int64)
    sizes = np.asarray(sizes, dtype=np.int64)
    observed = chi_square_k_by_2(present, sizes)
    rng = np.random.default_rng(seed)
    tolerance = 1e-9 * np.maximum(observed, 1.0)
    at_least = np.zeros(len(observed))
    for code, carriers in enumerate(present.sum(axis=1)):
        statistics = chi_square_k_by_2(rng.multivariate_hypergeometric(sizes, carriers, size=n_permutations), sizes)
        at_least[code] = (statistics >= observed[code] - tolerance[code]).sum()
    return (1 + at_least) / (1 + n_permutations)


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p; empty p-values stay empty and are not in the family."""
    p_values = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p_values, np.nan)
    tested = ~np.isnan(p_values)
    if tested.any():
        adjusted[tested] = multipletests(p_values[tested], method="fdr_bh")[1]
    return adjusted


@dataclass(frozen=True)
class CorrespondenceAnalysis:
    """Classical correspondence analysis of a two-way table of counts.

    ``rows`` and ``columns`` hold principal coordinates on the first two dimensions
    (``dim_1``, ``dim_2``; only ``dim_1`` when the table allows one dimension), and each
    point's ``mass``. ``inertia`` has one row per dimension: principal inertia and its share
    of the total. ``total_inertia`` is chi-square / n. ``left_out`` names rows and columns
    dropped because their total was 0.
    """

    rows: pd.DataFrame
    columns: pd.DataFrame
    inertia: pd.DataFrame
    total_inertia: float
    left_out: list[str] = field(default_factory=list)


def correspondence_analysis(table: pd.DataFrame) -> CorrespondenceAnalysis:
    """Correspondence analysis (Greenacre) by SVD of the standardised residuals.

    With P = table / n, row masses r and column masses c, S = D_r^-1/2 (P - r c') D_c^-1/2.
    S = U diag(s) V'; principal inertias are s^2 (they sum to chi-square / n); row principal
    coordinates are D_r^-1/2 U diag(s), column ones D_c^-1/2 V diag(s). Each dimension's
    sign is fixed so that the column point furthest from the origin is positive. Rows and
    columns with a total of 0 carry no information and are left out.
    """
    counts = table.astype(float)
    empty_rows = counts.index[counts.sum(axis=1) == 0]
    empty_columns = counts.columns[counts.sum(axis=0) == 0]
    counts = counts.drop(index=empty_rows, columns=empty_columns)
    n_dimensions = min(counts.shape) - 1
    if n_dimensions < 1:
        raise ValueError("correspondence analysis needs at least two non-empty rows and columns")
    proportions = counts.to_numpy() / counts.to_numpy().sum()
    row_mass = proportions.sum(axis=1)
    column_mass = proportions.sum(axis=0)
    expected = np.outer(row_mass, column_mass)
    residuals = (proportions - expected) / np.sqrt(expected)
    u, singular, vt = np.linalg.svd(residuals, full_matrices=False)
    u, singular, v = u[:, :n_dimensions], singular[:n_dimensions], vt.T[:, :n_dimensions]
    furthest = np.abs(v).argmax(axis=0)
    signs = np.where(v[furthest, np.arange(n_dimensions)] < 0, -1.0, 1.0)
    u, v = u * signs, v * signs
    row_coordinates = u * singular / np.sqrt(row_mass)[:, None]
    column_coordinates = v * singular / np.sqrt(column_mass)[:, None]
    principal_inertia = singular**2
    total = float(principal_inertia.sum())
    names = [f"dim_{d + 1}" for d in range(min(2, n_dimensions))]
    kept = len(names)

    def coordinates(values: np.ndarray, masses: np.ndarray, index: pd.Index) -> pd.DataFrame:
        frame = pd.DataFrame(values[:, :kept], index=index, columns=names)
        frame["mass"] = masses
        return frame

    inertia = pd.DataFrame(
        {
            "dimension": np.arange(1, n_dimensions + 1),
            "principal_inertia": principal_inertia,
            "share": principal_inertia / total if total > 0 else np.nan,
        }
    )
    return CorrespondenceAnalysis(
        rows=coordinates(row_coordinates, row_mass, counts.index),
        columns=coordinates(column_coordinates, column_mass, counts.columns),
        inertia=inertia,
        total_inertia=total,
        left_out=[str(name) for name in [*empty_rows, *empty_columns]],
    )


def cluster_bootstrap_shares(cluster_present: np.ndarray, cluster_sizes: np.ndarray, n_boot: int,
                             rng: np.random.Generator) -> np.ndarray:
    """Shares from resampling whole clusters: ``n_boot`` x items.

    ``cluster_present`` (clusters x items) counts each cluster's contributions carrying each
    item and ``cluster_sizes`` its contributions. Each resample draws as many clusters as
    there are, with replacement; its share is the drawn clusters' count over their size
    (the statements of a list stay together)."""
    n_clusters = len(cluster_sizes)
    draws = rng.multinomial(n_clusters, np.full(n_clusters, 1 / n_clusters), size=n_boot).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (draws @ np.asarray(cluster_present, dtype=float)) / (draws @ np.asarray(cluster_sizes, dtype=float))[:, None]


def cluster_permutation_chi_square(cluster_present: np.ndarray, cluster_sizes: np.ndarray, cluster_groups: np.ndarray,
                                   n_groups: int, n_permutations: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Observed chi-square and permutation p per item, shuffling whole clusters between groups.

    Each cluster (a list) belongs to one group; the groups' labels are shuffled over the
    clusters ``n_permutations`` times (each group keeps its number of lists, its size may
    change), so statements of one list always move together. p = (1 + shuffles with
    chi-square >= observed) / (1 + n_permutations)."""
    present = np.asarray(cluster_present, dtype=float)
    sizes = np.asarray(cluster_sizes, dtype=float)
    labels = np.asarray(cluster_groups)
    one_hot = np.eye(n_groups)[labels]
    observed = chi_square_k_by_2(present.T @ one_hot, sizes @ one_hot)
    rng = np.random.default_rng(seed)
    shuffled = rng.permuted(np.tile(labels, (n_permutations, 1)), axis=1)
    at_least = np.zeros(present.shape[1])
    tolerance = 1e-9 * np.maximum(observed, 1.0)
    for row in shuffled:
        hot = np.eye(n_groups)[row]
        at_least += chi_square_k_by_2(present.T @ hot, sizes @ hot) >= observed - tolerance
    return observed, (1 + at_least) / (1 + n_permutations)
