"""Resampling whole lists, on hand-made tables: a list's statements always move together."""

import numpy as np
import pandas as pd
import pytest

from analysis.compare import comparisons as compare
from analysis.evidence.audit import list_ids
from analysis.compare.stats import cluster_bootstrap_shares, cluster_permutation_chi_square

IDS = [f"c{i}" for i in range(12)]
CONTRIBUTIONS = pd.DataFrame({
    "contribution_id": IDS,
    "source_set": ["one"] * 6 + ["two"] * 6,
    "speaker_group": ["g1"] * 3 + ["g2"] * 3 + ["g3"] * 3 + ["g4"] * 3,
    "section": ["s1", "s1", "s2", "s3", "s3", "s4", "s5", "s5", "s6", "s7", "s7", "s8"],
})
PRESENCE = pd.DataFrame({"alpha": [1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1]}, index=pd.Index(IDS, name="contribution_id")).rename_axis(columns="theme_id")
LISTS = list_ids(CONTRIBUTIONS, ["section"])


def test_list_ids_join_the_list_columns():
    ids = list_ids(CONTRIBUTIONS, ["speaker_group", "section"])
    assert ids["c0"] == "g1|s1" and ids["c0"] == ids["c1"] and ids["c2"] != ids["c0"]


def test_resampling_identical_lists_gives_no_spread():
    present = np.array([[1.0], [1.0], [1.0]])
    sizes = np.array([2.0, 2.0, 2.0])
    shares = cluster_bootstrap_shares(present, sizes, 50, np.random.default_rng(1))
    assert shares.shape == (50, 1) and np.allclose(shares, 0.5)


def test_too_few_lists_give_a_reason_not_an_interval():
    table = compare.prevalence_difference_by_list(PRESENCE, CONTRIBUTIONS, LISTS, "one", "two", n_boot=100, seed=1,
                                                  min_clusters=5, labels={"one": "Set one"})
    assert table["cluster_ci_low"].isna().all()
    assert table.loc[0, "cluster_note"] == "Set one has only 4 lists or document sections, too few to resample whole lists (at least 5 are needed)"
    assert (table.loc[0, "n_lists_a"], table.loc[0, "n_lists_b"]) == (4, 4)


def test_an_interval_from_whole_lists_contains_the_difference():
    table = compare.prevalence_difference_by_list(PRESENCE, CONTRIBUTIONS, LISTS, "one", "two", n_boot=500, seed=1, min_clusters=2)
    difference = PRESENCE.loc[IDS[:6], "alpha"].mean() - PRESENCE.loc[IDS[6:], "alpha"].mean()
    assert table.loc[0, "cluster_ci_low"] <= difference <= table.loc[0, "cluster_ci_high"]
    assert table.loc[0, "cluster_note"] == ""


def test_shuffling_lists_keeps_each_list_together():
    # Two groups of two one-statement lists each and a perfect split: with lists shuffled there are
    # only 6 ways to place them, 2 as extreme as observed, so p stays near 1/3, never tiny.
    present = np.array([[1.0], [1.0], [0.0], [0.0]])
    sizes = np.ones(4)
    observed, p = cluster_permutation_chi_square(present, sizes, np.array([0, 0, 1, 1]), 2, 2000, seed=3)
    assert observed[0] == 4.0 and 0.25 < p[0] < 0.42


def test_representation_by_list_refuses_a_list_spanning_two_groups():
    groups = CONTRIBUTIONS.set_index("contribution_id")["speaker_group"]
    lists = pd.Series(["x"] * 12, index=IDS)
    with pytest.raises(ValueError, match="spans more than one group"):
        compare.representation_tests_by_list(PRESENCE, groups, lists, n_permutations=10, seed=1)
    table = compare.representation_tests_by_list(PRESENCE, groups, LISTS, n_permutations=200, seed=1)
    assert table.loc[0, "n_lists"] == 8 and 0 < table.loc[0, "p_lists_descriptive"] <= 1
