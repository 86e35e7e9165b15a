"""Comparisons of coded contributions across groups and sources.

Counting in qualitative work is description, not inference: every share here comes with its
count and denominator, tiny cells can be suppressed, and p-values and intervals describe how
clear a pattern is in these contributions, not how it would generalise.

Conventions shared by every function:

- ``presence`` is a 0/1 DataFrame from `presence_matrix`: index ``contribution_id``, one
  column per code or per theme (``columns.name`` is ``code_id`` or ``theme_id``). Its rows
  are the contributions analysed; a contribution coded only ``not_codable`` is a row of 0s,
  so it counts in its group's denominator but never as carrying a code or theme.
- ``groups`` is a Series indexed by ``contribution_id`` naming each contribution's group.
  Contributions with a missing group are left out. A categorical Series keeps its unused
  categories, which appear as empty groups (denominator 0, share empty); otherwise the groups
  are the sorted distinct values.
- Long tables put the group column first and the code or theme column second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from analysis.coding.codebook import NOT_CODABLE
from analysis.compare.stats import (
    CorrespondenceAnalysis,
    adjusted_residuals,
    benjamini_hochberg,
    chi_square_k_by_2,
    cluster_bootstrap_shares,
    cluster_permutation_chi_square,
    correspondence_analysis,
    fisher_two_by_two,
    permutation_chi_square,
    require_binary,
    wilson_interval,
)
from analysis.evidence.vocabulary import CONSENSUS

DESCRIPTIVE_NOTE = (
    "Descriptive only: the contributions are not a random sample, so p-values show how "
    "clear a difference is in these counts, not that it holds beyond them."
)

__all__ = [
    "CorrespondenceAnalysis",
    "correspondence_analysis",
    "presence_matrix",
    "typical_quote",
    "framework_matrix",
    "share_profile",
    "prevalence_with_ci",
    "suppress_small",
    "representation_tests",
    "group_similarity_cosine",
    "group_similarity_jaccard",
    "linkage_for_dendrogram",
    "themes_by_source_set",
    "groups_raising",
    "prevalence_difference_bootstrap",
    "voice_vs_subject",
    "cooccurrence",
    "prevalence_difference_by_list",
    "representation_tests_by_list",
]


# --- building blocks -------------------------------------------------------------------


def _item_column(presence: pd.DataFrame) -> str:
    """Name of the code or theme column in long tables."""
    return presence.columns.name or "code_id"


def groups_raising(counts: pd.DataFrame, min_count: int = 1) -> pd.Series:
    """Per theme (a column of ``counts``: one row per group or source set, each cell the
    contributions carrying the theme), how many rows raise it: at least ``min_count`` of
    their contributions carry it. Raising a theme is not agreeing about it."""
    return (counts >= min_count).sum(axis=0).astype(int)


def _by_contribution(presence: pd.DataFrame, contributions: pd.DataFrame, column: str) -> pd.Series:
    """``contributions[column]`` aligned to the rows of ``presence``."""
    values = contributions.set_index("contribution_id")[column]
    if values.index.has_duplicates:
        raise ValueError("contribution_id is not unique in contributions")
    missing = presence.index.difference(values.index)
    if len(missing):
        raise ValueError(
            f"{len(missing)} contribution(s) in presence are not in contributions, "
            f"e.g. {missing[0]!r}"
        )
    return values.reindex(presence.index)


def _aligned_groups(presence: pd.DataFrame, groups: pd.Series) -> pd.Series:
    """Categorical group per presence row (missing where the contribution has no group)."""
    if groups.index.has_duplicates:
        raise ValueError("groups has more than one entry for a contribution")
    missing = presence.index.difference(groups.index)
    if len(missing):
        raise ValueError(
            f"groups has no entry for {len(missing)} contribution(s), e.g. {missing[0]!r}"
        )
    aligned = groups.reindex(presence.index)
    if not isinstance(aligned.dtype, pd.CategoricalDtype):
        aligned = aligned.astype(pd.CategoricalDtype(sorted(aligned.dropna().unique())))
    return aligned.rename(groups.name or "group")


def _counts_by_group(presence: pd.DataFrame, groups: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """Per group: contributions carrying each code or theme, and the group's denominator."""
    aligned = _aligned_groups(presence, groups)
    counts = presence.groupby(aligned, observed=False).sum()
    denominators = aligned.value_counts(sort=False).reindex(counts.index)
    return counts, denominators


def _long_shares(
    counts: pd.DataFrame, denominators: pd.Series, item: str, alpha: float
) -> pd.DataFrame:
    """Group x item long table: n, denominator, share and Wilson interval."""
    group = counts.index.name
    n = counts.to_numpy()
    totals = np.broadcast_to(denominators.to_numpy()[:, None], n.shape)
    low, high = wilson_interval(n, totals, alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(totals > 0, n / totals, np.nan)
    return pd.DataFrame(
        {
            group: np.repeat(counts.index.astype(object), n.shape[1]),
            item: np.tile(counts.columns.astype(object), n.shape[0]),
            "n": n.ravel(),
            "denominator": totals.ravel(),
            "share": share.ravel(),
            "ci_low": low.ravel(),
            "ci_high": high.ravel(),
        }
    )


# --- 1. presence -----------------------------------------------------------------------


def presence_matrix(
    contributions: pd.DataFrame,
    coding: pd.DataFrame,
    codebook: dict[str, Any],
    level: str = "code",
    coder: str = CONSENSUS,
) -> pd.DataFrame:
    """0/1 matrix of contributions x codes (or themes) from one coder's coding.

    Every contribution is a row, including those nobody coded (all 0s); every code (or theme)
    in the codebook is a column in codebook order, including codes nobody used. The
    ``not_codable`` code is not a column: a contribution coded only ``not_codable`` is a row
    of 0s, so it stays in its group's denominator without carrying a theme. At
    ``level="theme"`` a contribution carries a theme when any of its codes belongs to it; a
    theme whose only code is ``not_codable`` is not a column. Coding rows for contributions
    outside ``contributions`` are ignored (a run may analyse a subset of sources). Raises
    ValueError for codes not in the codebook (any coder), codes whose theme is not in the
    codebook, or a coder with no rows.
    """
    if level not in ("code", "theme"):
        raise ValueError(f"level must be 'code' or 'theme', not {level!r}")
    theme_of = {code["id"]: code["theme"] for code in codebook["codes"]}
    theme_ids = [theme["id"] for theme in codebook["themes"]]
    orphans = sorted(
        code for code, theme in theme_of.items() if code != NOT_CODABLE and theme not in theme_ids
    )
    if orphans:
        raise ValueError(f"codes whose theme is not in the codebook: {', '.join(orphans)}")
    unknown = sorted(set(pd.unique(coding["code_id"])) - set(theme_of))
    if unknown:
        raise ValueError(f"coding uses codes not in the codebook: {', '.join(map(str, unknown))}")
    rows = coding[coding["coder"] == coder]
    if rows.empty and not coding.empty:
        raise ValueError(f"coding has no rows for coder {coder!r}")

    index = pd.Index(contributions["contribution_id"], name="contribution_id")
    if index.has_duplicates:
        raise ValueError("contribution_id is not unique in contributions")
    rows = rows[rows["code_id"] != NOT_CODABLE]
    positions = index.get_indexer(rows["contribution_id"])  # -1: a contribution outside this run
    rows, positions = rows[positions >= 0], positions[positions >= 0]
    codable = [code for code in theme_of if code != NOT_CODABLE]
    if level == "code":
        columns = pd.Index(codable, name="code_id")
        items = rows["code_id"]
    else:
        codable_themes = {theme_of[code] for code in codable}
        only_not_codable = set(theme_of.values()) - codable_themes
        columns = pd.Index([t for t in theme_ids if t not in only_not_codable], name="theme_id")
        items = rows["code_id"].map(theme_of)
    values = np.zeros((len(columns), len(index)), dtype=int)  # in the frame's own layout, so it is not copied
    values[columns.get_indexer(items), positions] = 1
    return pd.DataFrame(values.T, index=index, columns=columns, copy=False)


# --- 2. framework matrix ---------------------------------------------------------------


def typical_quote(candidates: pd.DataFrame) -> str:
    """Pick a representative quote: the rule `framework_matrix` uses by default.

    ``candidates`` (index contribution_id; columns ``text`` and ``n_coded``, the number of
    codes or themes the contribution carries) are the cell's contributions. Keep those
    carrying the fewest codes or themes (the statement is most nearly about this one); among
    them take the text whose length is closest to their median length (neither a fragment
    nor a paragraph); ties go to the shorter text, then the smaller contribution_id.
    """
    purest = candidates[candidates["n_coded"] == candidates["n_coded"].min()]
    lengths = purest["text"].str.len()
    ranking = pd.DataFrame(
        {"gap": (lengths - lengths.median()).abs(), "length": lengths, "id": purest.index}
    ).sort_values(["gap", "length", "id"])
    return ranking["id"].iloc[0]


def framework_matrix(
    contributions: pd.DataFrame,
    presence: pd.DataFrame,
    group_col: str,
    quote_picker: Callable[[pd.DataFrame], str] = typical_quote,
) -> pd.DataFrame:
    """Framework table: for each group x code (or theme), who said it and one quote.

    Columns: the group column, the code or theme column, ``n`` (contributions of the group
    carrying it), ``denominator`` (all contributions of the group, including uncodable ones),
    ``share``, ``contribution_ids`` (sorted, "; "-joined), ``quote_id`` and ``quote``
    (chosen by ``quote_picker``, see `typical_quote`). Empty cells have n 0 and no quote;
    empty groups (unused categories of a categorical ``group_col``) also have share empty.
    """
    groups = _aligned_groups(presence, _by_contribution(presence, contributions, group_col))
    texts = _by_contribution(presence, contributions, "text")
    item = _item_column(presence)
    values = presence.to_numpy()
    n_coded = values.sum(axis=1)
    records = []
    for group in groups.cat.categories:
        members = np.flatnonzero((groups == group).to_numpy())
        for column, item_id in enumerate(presence.columns):
            carrying = members[values[members, column] == 1]
            ids = presence.index[carrying]
            quote_id = None
            if len(carrying):
                candidates = pd.DataFrame(
                    {"text": texts.iloc[carrying].to_numpy(), "n_coded": n_coded[carrying]},
                    index=ids,
                )
                quote_id = quote_picker(candidates)
            records.append(
                {
                    group_col: group,
                    item: item_id,
                    "n": len(carrying),
                    "denominator": len(members),
                    "share": len(carrying) / len(members) if len(members) else np.nan,
                    "contribution_ids": "; ".join(sorted(ids)),
                    "quote_id": quote_id,
                    "quote": texts.loc[quote_id] if quote_id is not None else None,
                }
            )
    return pd.DataFrame.from_records(
        records,
        columns=[group_col, item, "n", "denominator", "share", "contribution_ids", "quote_id", "quote"],
    )


# --- 3-5. prevalence, suppression, representation --------------------------------------


def share_profile(presence: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Groups x codes (or themes): share of each group's contributions carrying each.

    An empty group's row is empty (NaN).
    """
    counts, denominators = _counts_by_group(presence, groups)
    return counts.div(denominators.where(denominators > 0), axis=0)


def prevalence_with_ci(presence: pd.DataFrame, groups: pd.Series, alpha: float = 0.05) -> pd.DataFrame:
    """Per group x code (or theme): n, denominator, share and Wilson interval.

    ``n`` counts the group's contributions carrying the code; ``denominator`` is all the
    group's contributions (uncodable ones included). ``ci_low``/``ci_high`` are the Wilson
    (1 - alpha) interval, a descriptive band; empty for an empty group.
    """
    counts, denominators = _counts_by_group(presence, groups)
    return _long_shares(counts, denominators, _item_column(presence), alpha)


MASKED_COLUMNS = ("n", "share", "ci_low", "ci_high", "contribution_ids", "quote_id", "quote")


def suppress_small(table: pd.DataFrame, min_n: int, on: str = "denominator") -> pd.DataFrame:
    """Mask cells resting on fewer than ``min_n`` contributions; flag them in ``suppressed``.

    By default a cell is suppressed when its ``denominator`` (the group's contributions) is
    below ``min_n``: a share of a handful says little. ``on="n"`` suppresses small counts
    instead. The masked columns are those of `MASKED_COLUMNS` present in the table; the
    denominator and the key columns stay visible so readers see why a cell is empty.
    """
    if on not in ("denominator", "n"):
        raise ValueError(f"on must be 'denominator' or 'n', not {on!r}")
    suppressed = (table[on] < min_n).to_numpy()
    masked = table.copy()
    if "n" in masked:
        masked["n"] = masked["n"].astype("Int64")
    for column in MASKED_COLUMNS:
        if column in masked:
            masked[column] = masked[column].mask(suppressed)
    masked["suppressed"] = suppressed
    return masked


def representation_tests(
    presence: pd.DataFrame, groups: pd.Series, *, n_permutations: int, seed: int
) -> pd.DataFrame:
    """Descriptive tests of whether codes (or themes) are spread unevenly across groups.

    For each code, the group x (present, absent) table is tested over the non-empty groups:
    two groups by two-sided Fisher exact test; more by a permutation test of Pearson's
    chi-square (group labels shuffled ``n_permutations`` times with ``seed``). Codes nobody
    used (or everybody used) are not tested: their p is empty and they are not in the
    Benjamini-Hochberg family across codes. One row per group x code: ``n`` present,
    ``n_absent``, ``denominator``, ``share``, Haberman's ``adjusted_residual`` (beyond about
    +/-2 the group says it noticeably more/less than the others), and per code ``test``,
    ``chi_square``, ``p_descriptive`` and ``p_bh_descriptive``. These describe these
    contributions only (see ``attrs["note"]``).
    """
    require_binary(presence.to_numpy())
    counts, denominators = _counts_by_group(presence, groups)
    item = _item_column(presence)
    sizes = denominators.to_numpy()
    present = counts.to_numpy().T  # codes x groups
    nonempty = sizes > 0
    k = int(nonempty.sum())
    varies = (present.sum(axis=1) > 0) & (present.sum(axis=1) < sizes.sum())
    p_values = np.full(len(presence.columns), np.nan)
    test = "none (fewer than two groups)" if k < 2 else (
        "Fisher exact" if k == 2 else "permutation chi-square"
    )
    if k == 2:
        for code in np.flatnonzero(varies):
            p_values[code] = fisher_two_by_two(present[code, nonempty], sizes[nonempty])
    elif k > 2:
        permuted = permutation_chi_square(present[:, nonempty], sizes[nonempty], n_permutations, seed)
        p_values[varies] = permuted[varies]
    per_code = pd.DataFrame(
        {
            item: presence.columns.astype(object),
            "test": np.where(varies, test, "none (no variation)"),
            "chi_square": chi_square_k_by_2(present[:, nonempty], sizes[nonempty]),
            "p_descriptive": p_values,
            "p_bh_descriptive": benjamini_hochberg(p_values),
        }
    )
    residuals = np.vstack([adjusted_residuals(row, sizes) for row in present])
    table = _long_shares(counts, denominators, item, alpha=0.05).drop(columns=["ci_low", "ci_high"])
    table.insert(3, "n_absent", table["denominator"] - table["n"])
    table["adjusted_residual"] = residuals.T.ravel()
    table = table.merge(per_code, on=item, how="left")
    table.attrs["note"] = DESCRIPTIVE_NOTE
    return table


# --- 6. similarity ---------------------------------------------------------------------


def group_similarity_cosine(profile: pd.DataFrame) -> pd.DataFrame:
    """Cosine similarity between groups' share profiles (rows of ``profile``).

    1 means the same mix of themes, 0 no theme in common. A group whose profile is empty or
    all 0 has no similarity (NaN).
    """
    values = profile.to_numpy(dtype=float)
    norms = np.linalg.norm(values, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        similarity = (values @ values.T) / np.outer(norms, norms)
    similarity[~(norms > 0), :] = np.nan
    similarity[:, ~(norms > 0)] = np.nan
    return pd.DataFrame(np.clip(similarity, 0, 1), index=profile.index, columns=profile.index)


def group_similarity_jaccard(
    presence: pd.DataFrame, groups: pd.Series, n_per_group: int, n_draws: int, seed: int
) -> pd.DataFrame:
    """Jaccard similarity of the sets of codes (or themes) groups raised, at equal size.

    Larger groups raise more themes simply by saying more, so in each of ``n_draws`` draws
    (generator seeded by ``seed``) every group is cut to ``n_per_group`` contributions drawn
    without replacement; a theme is raised when at least one drawn contribution carries it.
    Jaccard = |A and B| / |A or B|, averaged over draws (draws where neither group raised
    anything are skipped). Groups with fewer than ``n_per_group`` contributions are left out
    and listed in ``attrs["left_out"]``.
    """
    if n_per_group < 1:
        raise ValueError("n_per_group must be at least 1")
    aligned = _aligned_groups(presence, groups)
    sizes = aligned.value_counts(sort=False)
    eligible = [group for group in aligned.cat.categories if sizes[group] >= n_per_group]
    if not eligible:
        raise ValueError(f"no group has {n_per_group} contributions to draw")
    members = [np.flatnonzero((aligned == group).to_numpy()) for group in eligible]
    values = presence.to_numpy().astype(bool)
    rng = np.random.default_rng(seed)
    total = np.zeros((len(eligible), len(eligible)))
    draws_counted = np.zeros_like(total)
    for _ in range(n_draws):
        raised = np.array(
            [values[rng.choice(rows, n_per_group, replace=False)].any(axis=0) for rows in members]
        ).reshape(len(eligible), -1).astype(float)
        both = raised @ raised.T
        either = raised.sum(axis=1)[:, None] + raised.sum(axis=1)[None, :] - both
        counted = either > 0
        total[counted] += both[counted] / either[counted]
        draws_counted += counted
    with np.errstate(divide="ignore", invalid="ignore"):
        similarity = pd.DataFrame(total / draws_counted, index=eligible, columns=eligible)
    similarity.index.name = similarity.columns.name = aligned.name
    similarity.attrs["left_out"] = [g for g in aligned.cat.categories if g not in eligible]
    return similarity


def linkage_for_dendrogram(similarity: pd.DataFrame) -> np.ndarray:
    """Average-linkage (UPGMA) clustering on distance = 1 - similarity.

    Returns the scipy linkage matrix; leaves are in the order of ``similarity.index``. Raises
    ValueError when a similarity is missing (e.g. an empty group) or fewer than two groups.
    """
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    if len(similarity) < 2:
        raise ValueError("a dendrogram needs at least two groups")
    missing = similarity.index[similarity.isna().any(axis=1)]
    if len(missing):
        raise ValueError(f"similarity missing for: {', '.join(map(str, missing))}")
    distance = 1 - similarity.to_numpy(dtype=float)
    distance = np.clip((distance + distance.T) / 2, 0, None)
    np.fill_diagonal(distance, 0)
    return linkage(squareform(distance, checks=False), method="average")


# --- 8. sources compared ---------------------------------------------------------------


def themes_by_source_set(
    presence: pd.DataFrame, contributions: pd.DataFrame, min_count: int = 1
) -> pd.DataFrame:
    """Which codes (or themes) each source set raised: shared by all, unique to one, ...

    A source set raises a theme when at least ``min_count`` of its contributions carry it.
    One row per theme: ``n_<set>`` and ``denominator_<set>`` for every source set (sorted),
    ``n_source_sets`` raising it, ``found_in`` ("; "-joined) and ``status``: "shared by all",
    "unique to <set>", "in some" or "in none".
    """
    source_sets = _by_contribution(presence, contributions, "source_set")
    counts, denominators = _counts_by_group(presence, source_sets)
    names = list(counts.index)
    raised = counts >= min_count
    table = pd.DataFrame({_item_column(presence): presence.columns.astype(object)})
    for name in names:
        table[f"n_{name}"] = counts.loc[name].to_numpy()
        table[f"denominator_{name}"] = denominators[name]
    table["n_source_sets"] = groups_raising(counts, min_count).to_numpy()
    table["found_in"] = ["; ".join(raised.index[raised[c]]) for c in presence.columns]

    def status(n_sets: int, found_in: str) -> str:
        if n_sets == len(names):
            return "shared by all"
        if n_sets == 0:
            return "in none"
        return f"unique to {found_in}" if n_sets == 1 else "in some"

    table["status"] = [status(n, f) for n, f in zip(table["n_source_sets"], table["found_in"])]
    return table


def prevalence_difference_bootstrap(
    presence: pd.DataFrame,
    contributions: pd.DataFrame,
    a: str,
    b: str,
    *,
    n_boot: int,
    seed: int,
    column: str = "source_set",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Share of a minus share of b, per code (or theme), with a percentile bootstrap interval.

    ``a`` and ``b`` are values of ``column`` (source sets by default). Each of ``n_boot``
    resamples draws contributions with replacement within a and within b separately (their
    sizes fixed), with a generator seeded by ``seed``; the interval is the alpha/2 and
    1 - alpha/2 percentiles of the resampled differences. A code's resampled share depends
    only on how many drawn contributions carry it, which is binomial (the side's size, its
    share), so those counts are drawn directly: time and memory do not grow with the number
    of contributions. Columns: source_a, source_b, the code or theme, n_a, denominator_a,
    share_a, n_b, denominator_b, share_b, difference, ci_low, ci_high.
    """
    labels = _by_contribution(presence, contributions, column)
    values = presence.to_numpy()
    require_binary(values)
    carrying, sizes = {}, {}
    for name in (a, b):
        rows = (labels == name).to_numpy()
        if not rows.any():
            raise ValueError(f"no contributions with {column} = {name!r}")
        carrying[name], sizes[name] = rows.astype(np.int64) @ values, int(rows.sum())
    rng = np.random.default_rng(seed)

    def resampled_shares(name: str) -> np.ndarray:
        return rng.binomial(sizes[name], carrying[name] / sizes[name], size=(n_boot, len(carrying[name]))) / sizes[name]

    differences = resampled_shares(a) - resampled_shares(b)
    low, high = np.percentile(differences, [100 * alpha / 2, 100 * (1 - alpha / 2)], axis=0)
    table = pd.DataFrame({"source_a": a, "source_b": b, _item_column(presence): presence.columns.astype(object)})
    for suffix, name in (("a", a), ("b", b)):
        table[f"n_{suffix}"] = carrying[name].astype(int)
        table[f"denominator_{suffix}"] = sizes[name]
        table[f"share_{suffix}"] = carrying[name] / sizes[name]
    table["difference"] = table["share_a"] - table["share_b"]
    table["ci_low"], table["ci_high"] = low, high
    return table


# --- 9. voice and subject --------------------------------------------------------------


def voice_vs_subject(
    presence: pd.DataFrame,
    contributions: pd.DataFrame,
    voice_groups: Iterable[str],
    subject_groups: Iterable[str],
    *,
    comparison: str = "",
    voice_col: str = "speaker_group",
    subject_col: str = "subject_group",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """What groups said themselves against what was said about them, per code (or theme).

    The "voice" side pools contributions whose ``voice_col`` is one of ``voice_groups`` (e.g.
    Lancaster service users and carers); the "subject" side pools those whose
    ``subject_col`` is one of ``subject_groups`` (e.g. Changing Lives aspirations for
    people_who_use_services and carers). Long table: ``side``, the code or theme, n,
    denominator, share, Wilson interval, ``groups`` (the pooled groups, "; "-joined) and
    ``comparison`` (a label, so several comparisons can be stacked). Raises ValueError when
    a named group has no contributions (usually a misspelt name).
    """
    item = _item_column(presence)
    parts = []
    for side, column, names in (
        ("voice", voice_col, list(voice_groups)),
        ("subject", subject_col, list(subject_groups)),
    ):
        labels = _by_contribution(presence, contributions, column)
        absent = [name for name in names if not (labels == name).any()]
        if absent:
            raise ValueError(f"no contributions with {column} = {', '.join(map(repr, absent))}")
        on_side = labels.isin(names).to_numpy()
        counts = presence[on_side].sum(axis=0).to_frame(side).T.rename_axis("side")
        part = _long_shares(counts, pd.Series([int(on_side.sum())]), item, alpha)
        part["groups"] = "; ".join(names)
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    table["comparison"] = comparison
    return table


# --- 10. co-occurrence -----------------------------------------------------------------


def cooccurrence(presence: pd.DataFrame, min_count: int = 1) -> pd.DataFrame:
    """Pairs of codes (or themes) carried by the same contributions, as an edge list.

    ``count`` is the number of contributions carrying both, ``n_either`` the number carrying
    at least one, ``jaccard`` = count / n_either. Only pairs with count >= ``min_count`` are
    kept (at least 1); sorted by count, then jaccard (both descending), then name.
    """
    if min_count < 1:
        raise ValueError("min_count must be at least 1")
    values = presence.to_numpy(dtype=int)
    together = values.T @ values
    carried = np.diag(together)
    first, second = np.triu_indices(len(presence.columns), k=1)
    count = together[first, second]
    either = carried[first] + carried[second] - count
    keep = count >= min_count
    edges = pd.DataFrame(
        {
            "code_a": presence.columns[first[keep]].astype(object),
            "code_b": presence.columns[second[keep]].astype(object),
            "count": count[keep],
            "n_either": either[keep],
            "jaccard": count[keep] / either[keep],
        }
    )
    return edges.sort_values(
        ["count", "jaccard", "code_a", "code_b"], ascending=[False, False, True, True],
        ignore_index=True,
    )


# --- 11. resampling whole lists ---------------------------------------------------------


def _cluster_counts(rows: np.ndarray, clusters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per cluster: contributions carrying each item, and contributions."""
    codes, inverse = np.unique(clusters, return_inverse=True)
    present = np.zeros((len(codes), rows.shape[1]))
    np.add.at(present, inverse, rows)
    return present, np.bincount(inverse, minlength=len(codes)).astype(float)


def prevalence_difference_by_list(
    presence: pd.DataFrame,
    contributions: pd.DataFrame,
    lists: pd.Series,
    a: str,
    b: str,
    *,
    n_boot: int,
    seed: int,
    min_clusters: int,
    column: str = "source_set",
    alpha: float = 0.05,
    labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The interval of (share of a - share of b) when whole lists are resampled within each
    side, per code (or theme): ``n_lists_a``, ``n_lists_b``, ``cluster_ci_low``,
    ``cluster_ci_high`` and ``cluster_note``. With fewer than ``min_clusters`` lists on a side
    no interval is given and the note says why (a percentile interval from a handful of
    lists would mostly show which lists happened to be drawn)."""
    side_of = _by_contribution(presence, contributions, column)
    list_of = lists.reindex(presence.index).to_numpy()
    item = _item_column(presence)
    values = presence.to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    sides, counts = [], []
    for name in (a, b):
        rows = (side_of == name).to_numpy()
        if not rows.any():
            raise ValueError(f"no contributions with {column} = {name!r}")
        present, sizes = _cluster_counts(values[rows], list_of[rows])
        sides.append((present, sizes))
        counts.append(len(sizes))
    table = pd.DataFrame({item: presence.columns.astype(object), "n_lists_a": counts[0], "n_lists_b": counts[1]})
    if min(counts) < min_clusters:
        fewest = a if counts[0] <= counts[1] else b
        table["cluster_ci_low"] = table["cluster_ci_high"] = np.nan
        table["cluster_note"] = (f"{(labels or {}).get(fewest, fewest)} has only {min(counts)} lists or document sections, too few to resample "
                                 f"whole lists (at least {min_clusters} are needed)")
        return table
    differences = (cluster_bootstrap_shares(*sides[0], n_boot, rng) - cluster_bootstrap_shares(*sides[1], n_boot, rng))
    low, high = np.nanpercentile(differences, [100 * alpha / 2, 100 * (1 - alpha / 2)], axis=0)
    table["cluster_ci_low"], table["cluster_ci_high"], table["cluster_note"] = low, high, ""
    return table


def representation_tests_by_list(presence: pd.DataFrame, groups: pd.Series, lists: pd.Series, *,
                                 n_permutations: int, seed: int) -> pd.DataFrame:
    """Per code (or theme): the permutation p of the group x (present, absent) chi-square when
    whole lists, not single statements, are shuffled between groups (``p_lists_descriptive``),
    its Benjamini–Hochberg adjustment across codes (``p_lists_bh_descriptive``) and how many
    lists there are (``n_lists``). Lists must lie within one group; a code nobody or everybody
    used is not tested."""
    aligned = _aligned_groups(presence, groups)
    rows = aligned.notna().to_numpy()
    list_of = lists.reindex(presence.index).to_numpy()[rows]
    group_codes = aligned[rows].cat.remove_unused_categories().cat.codes.to_numpy()
    codes, inverse = np.unique(list_of, return_inverse=True)
    list_group = np.full(len(codes), -1)
    for index, group in zip(inverse, group_codes):
        if list_group[index] not in (-1, group):
            raise ValueError(f"list {codes[index]!r} spans more than one group")
        list_group[index] = group
    present, sizes = _cluster_counts(presence.to_numpy(dtype=float)[rows], list_of)
    totals = present.sum(axis=0)
    varies = (totals > 0) & (totals < sizes.sum())
    p = np.full(presence.shape[1], np.nan)
    if varies.any() and len(set(group_codes)) > 1:
        _, permuted = cluster_permutation_chi_square(present[:, varies], sizes, list_group, int(group_codes.max()) + 1,
                                                     n_permutations, seed)
        p[varies] = permuted
    return pd.DataFrame({_item_column(presence): presence.columns.astype(object), "n_lists": len(codes),
                         "p_lists_descriptive": p, "p_lists_bh_descriptive": benjamini_hochberg(p)})
