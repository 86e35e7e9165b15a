"""Unit tests for analysis.compare.comparisons and analysis.compare.stats on small hand-checked inputs.

Every expected number is worked out by hand in the comment beside it.
"""

import math

import numpy as np
import pandas as pd
import pytest

from analysis.compare import comparisons as compare
from analysis.compare.stats import chi_square_k_by_2, correspondence_analysis, permutation_chi_square

CODEBOOK = {
    "themes": [
        {"id": "relationships", "label": "Relationships"},
        {"id": "politics", "label": "Politics"},
        {"id": "uncodable", "label": "Not codable"},
    ],
    "codes": [
        {"id": "trust", "theme": "relationships"},
        {"id": "time", "theme": "relationships"},
        {"id": "influence", "theme": "politics"},
        {"id": "unused", "theme": "politics"},
        {"id": "not_codable", "theme": "uncodable"},
    ],
}


def contributions_frame(rows):
    """rows: (contribution_id, speaker_group, text[, source_set[, subject_group]])."""
    columns = ["contribution_id", "speaker_group", "text", "source_set", "subject_group"]
    padded = [tuple(row) + (None,) * (len(columns) - len(row)) for row in rows]
    return pd.DataFrame(padded, columns=columns)


def presence_frame(rows, columns, name="theme_id"):
    """rows: {contribution_id: [0/1, ...]}."""
    return pd.DataFrame(
        list(rows.values()),
        index=pd.Index(list(rows), name="contribution_id"),
        columns=pd.Index(columns, name=name),
    )


@pytest.fixture
def contributions():
    return contributions_frame(
        [
            ("c1", "carers", "Trust us"),
            ("c2", "carers", "Time and a say"),
            ("c3", "carers", "Nothing to code here"),
            ("c4", "students", "Influence policy"),
            ("c5", "students", "Uncoded"),
        ]
    )


@pytest.fixture
def coding():
    return pd.DataFrame(
        [
            ("c1", "trust", "consensus"),
            ("c2", "time", "consensus"),
            ("c2", "trust", "consensus"),
            ("c2", "influence", "consensus"),
            ("c3", "not_codable", "consensus"),
            ("c4", "influence", "consensus"),
            ("c4", "influence", "coder_a"),
            ("c5", "trust", "coder_a"),  # another coder's view: not the analysis coding
            ("c9", "trust", "consensus"),  # a contribution outside this run
        ],
        columns=["contribution_id", "code_id", "coder"],
    )


# --- presence_matrix -------------------------------------------------------------------


def test_presence_matrix_codes_in_codebook_order_without_not_codable(contributions, coding):
    presence = compare.presence_matrix(contributions, coding, CODEBOOK)
    assert list(presence.columns) == ["trust", "time", "influence", "unused"]
    assert presence.columns.name == "code_id"
    assert list(presence.index) == ["c1", "c2", "c3", "c4", "c5"]
    assert presence.loc["c2"].tolist() == [1, 1, 1, 0]
    # c3 coded only not_codable, c5 only by another coder: both rows of 0s, still present
    assert presence.loc["c3"].sum() == 0 and presence.loc["c5"].sum() == 0
    assert presence["unused"].sum() == 0  # a code nobody used is a column of 0s


def test_presence_matrix_themes_combine_codes(contributions, coding):
    presence = compare.presence_matrix(contributions, coding, CODEBOOK, level="theme")
    # the theme reached only through not_codable is not a column
    assert list(presence.columns) == ["relationships", "politics"]
    # c2 has trust and time (both relationships): still 1, not 2
    assert presence.loc["c2"].tolist() == [1, 1]
    assert presence["relationships"].tolist() == [1, 1, 0, 0, 0]
    assert presence["politics"].tolist() == [0, 1, 0, 1, 0]


def test_presence_matrix_other_coder(contributions, coding):
    presence = compare.presence_matrix(contributions, coding, CODEBOOK, coder="coder_a")
    assert presence["trust"].tolist() == [0, 0, 0, 0, 1]


def test_presence_matrix_rejects_unknown_code_from_any_coder(contributions, coding):
    bad = pd.concat(
        [coding, pd.DataFrame([("c1", "made_up", "coder_b")], columns=coding.columns)]
    )
    with pytest.raises(ValueError, match="made_up"):
        compare.presence_matrix(contributions, bad, CODEBOOK)


def test_presence_matrix_rejects_missing_coder_and_bad_level(contributions, coding):
    with pytest.raises(ValueError, match="nobody"):
        compare.presence_matrix(contributions, coding, CODEBOOK, coder="nobody")
    with pytest.raises(ValueError, match="level"):
        compare.presence_matrix(contributions, coding, CODEBOOK, level="sentence")


def test_presence_matrix_rejects_code_with_unknown_theme(contributions, coding):
    codebook = {"themes": CODEBOOK["themes"], "codes": [*CODEBOOK["codes"], {"id": "x", "theme": "nowhere"}]}
    with pytest.raises(ValueError, match="x"):
        compare.presence_matrix(contributions, coding, codebook)


# --- framework_matrix and quotes -------------------------------------------------------


def test_typical_quote_prefers_single_theme_then_median_length():
    candidates = pd.DataFrame(
        {
            "text": ["a" * 5, "b" * 20, "c" * 40, "d"],
            "n_coded": [1, 1, 1, 3],
        },
        index=["q1", "q2", "q3", "q4"],
    )
    # q4 carries three themes, so it is out despite being shortest; among q1-q3 the median
    # length is 20, so q2 (gap 0) wins
    assert compare.typical_quote(candidates) == "q2"
    # two candidates of 4 and 8 characters: median 6, both 2 away; the tie goes to the shorter
    tie = pd.DataFrame({"text": ["x" * 8, "y" * 4], "n_coded": [1, 1]}, index=["t1", "t2"])
    assert compare.typical_quote(tie) == "t2"


def test_framework_matrix_counts_quotes_and_empty_group():
    contributions = contributions_frame(
        [
            ("c1", "carers", "We need trust"),
            ("c2", "carers", "Trust and a say in politics"),
            ("c3", "carers", "Nothing"),
            ("c4", "students", "Politics"),
        ]
    )
    contributions["speaker_group"] = contributions["speaker_group"].astype(
        pd.CategoricalDtype(["carers", "students", "managers"])
    )
    presence = presence_frame(
        {"c1": [1, 0], "c2": [1, 1], "c3": [0, 0], "c4": [0, 1]}, ["relationships", "politics"]
    )
    table = compare.framework_matrix(contributions, presence, "speaker_group")
    assert list(table.columns[:2]) == ["speaker_group", "theme_id"]
    assert len(table) == 3 * 2
    cell = table.set_index(["speaker_group", "theme_id"])
    # carers: 3 contributions, 2 about relationships (c1, c2); c1 carries only that theme
    assert cell.loc[("carers", "relationships"), ["n", "denominator"]].tolist() == [2, 3]
    assert cell.loc[("carers", "relationships"), "share"] == pytest.approx(2 / 3)
    assert cell.loc[("carers", "relationships"), "contribution_ids"] == "c1; c2"
    assert cell.loc[("carers", "relationships"), "quote_id"] == "c1"
    assert cell.loc[("carers", "relationships"), "quote"] == "We need trust"
    # a group of one contribution: 1/1
    assert cell.loc[("students", "politics"), ["n", "denominator", "share"]].tolist() == [1, 1, 1.0]
    assert cell.loc[("students", "relationships"), "n"] == 0
    assert pd.isna(cell.loc[("students", "relationships"), "quote_id"])
    # the empty group: denominator 0, no share, no quote
    managers = cell.loc["managers"]
    assert managers["denominator"].tolist() == [0, 0]
    assert managers["share"].isna().all() and managers["quote"].isna().all()


def test_framework_matrix_uses_the_given_quote_picker():
    contributions = contributions_frame([("c1", "g", "short"), ("c2", "g", "a longer one")])
    presence = presence_frame({"c1": [1], "c2": [1]}, ["politics"])
    table = compare.framework_matrix(
        contributions, presence, "speaker_group", quote_picker=lambda c: max(c.index)
    )
    assert table.loc[0, "quote_id"] == "c2"


# --- prevalence, suppression -----------------------------------------------------------


def ten_and_one_and_empty():
    """Group 'ten': 10 contributions, 3 raise politics; 'one': 1 contribution raising it;
    'empty': no contributions; c12 has no group."""
    rows = {f"t{i}": [int(i < 3)] for i in range(10)}
    rows["o1"] = [1]
    rows["c12"] = [1]
    presence = presence_frame(rows, ["politics"])
    groups = pd.Series(
        ["ten"] * 10 + ["one", None], index=presence.index, name="speaker_group"
    ).astype(pd.CategoricalDtype(["ten", "one", "empty"]))
    return presence, groups


def test_prevalence_with_ci_wilson_by_hand():
    presence, groups = ten_and_one_and_empty()
    table = compare.prevalence_with_ci(presence, groups).set_index("speaker_group")
    # 3/10, z = 1.959964: centre (3 + z^2/2)/(10 + z^2) = 4.92073/13.84146 = 0.35551,
    # half-width z/(10 + z^2) * sqrt(3*7/10 + z^2/4) = 0.141601 * 1.749390 = 0.247715
    assert table.loc["ten", ["n", "denominator"]].tolist() == [3, 10]  # c12 (no group) left out
    assert table.loc["ten", "share"] == pytest.approx(0.3)
    assert table.loc["ten", "ci_low"] == pytest.approx(0.35551 - 0.247715, abs=1e-4)
    assert table.loc["ten", "ci_high"] == pytest.approx(0.35551 + 0.247715, abs=1e-4)
    # 1/1: centre 2.92073/4.84146 = 0.603273, half-width 0.404829 * 0.979982 = 0.396725
    assert table.loc["one", "ci_low"] == pytest.approx(0.206548, abs=1e-4)
    assert table.loc["one", "ci_high"] == pytest.approx(1.0)
    # the empty group: denominator 0 and nothing else
    assert table.loc["empty", ["n", "denominator"]].tolist() == [0, 0]
    assert table.loc["empty", ["share", "ci_low", "ci_high"]].isna().all()


def test_prevalence_with_ci_needs_a_group_for_every_contribution():
    presence, groups = ten_and_one_and_empty()
    with pytest.raises(ValueError, match="no entry"):
        compare.prevalence_with_ci(presence, groups.drop("o1"))


def test_share_profile_has_empty_row_for_empty_group():
    presence, groups = ten_and_one_and_empty()
    profile = compare.share_profile(presence, groups)
    assert profile.loc["ten", "politics"] == pytest.approx(0.3)
    assert profile.loc["one", "politics"] == 1.0
    assert np.isnan(profile.loc["empty", "politics"])


def test_suppress_small_on_denominator():
    presence, groups = ten_and_one_and_empty()
    table = compare.suppress_small(compare.prevalence_with_ci(presence, groups), min_n=5)
    table = table.set_index("speaker_group")
    assert table["suppressed"].tolist() == [False, True, True]  # 10 >= 5; 1 and 0 < 5
    assert table.loc["ten", "n"] == 3 and table.loc["ten", "share"] == pytest.approx(0.3)
    assert pd.isna(table.loc["one", "n"]) and np.isnan(table.loc["one", "share"])
    assert np.isnan(table.loc["one", "ci_low"])
    assert table.loc["one", "denominator"] == 1  # the reason stays visible


def test_suppress_small_on_count_and_bad_choice():
    presence, groups = ten_and_one_and_empty()
    table = compare.prevalence_with_ci(presence, groups)
    masked = compare.suppress_small(table, min_n=2, on="n")
    # counts 3, 1, 0: only 3 reaches 2
    assert masked["suppressed"].tolist() == [False, True, True]
    with pytest.raises(ValueError):
        compare.suppress_small(table, min_n=2, on="share")


# --- representation tests --------------------------------------------------------------


def two_groups_of_three():
    """Groups A (a1-a3) and B (b1-b3), plus an empty group; four codes."""
    presence = presence_frame(
        {
            #    strong, some, even, unused
            "a1": [1, 1, 1, 0],
            "a2": [1, 1, 0, 0],
            "a3": [1, 0, 0, 0],
            "b1": [0, 0, 1, 0],
            "b2": [0, 0, 0, 0],
            "b3": [0, 0, 0, 0],
        },
        ["strong", "some", "even", "unused"],
        name="code_id",
    )
    groups = pd.Series(list("AAABBB"), index=presence.index).astype(
        pd.CategoricalDtype(["A", "B", "empty"])
    )
    return presence, groups


def test_representation_two_groups_fisher_and_bh_by_hand():
    presence, groups = two_groups_of_three()
    table = compare.representation_tests(presence, groups, n_permutations=10, seed=1)
    per_code = table.drop_duplicates("code_id").set_index("code_id")
    assert (per_code.loc[["strong", "some", "even"], "test"] == "Fisher exact").all()
    # Fisher, margins 3 and 3. strong 3/3 vs 0/3: P(table) = 1/C(6,3) = 0.05, and the mirror
    # table is as extreme: p = 0.1. some 2/3 vs 0/3: P(a=2) = C(3,2)/C(6,2) = 0.2, P(a=0) = 0.2,
    # P(a=1) = 0.6: p = 0.4. even 1/3 vs 1/3: p = 1.
    p = per_code["p_descriptive"]
    assert p[["strong", "some", "even"]].tolist() == pytest.approx([0.1, 0.4, 1.0])
    # BH over three (unused is not tested): sorted 0.1, 0.4, 1.0 -> 1.0; min(0.4*3/2, 1) = 0.6;
    # min(0.1*3, 0.6) = 0.3
    adjusted = per_code["p_bh_descriptive"]
    assert adjusted[["strong", "some", "even"]].tolist() == pytest.approx([0.3, 0.6, 1.0])
    assert np.isnan(p["unused"]) and np.isnan(adjusted["unused"])
    # chi-square for strong: each group (a - n p)^2 / (n p (1-p)) = 1.5^2 / 0.75 = 3; total 6
    assert per_code.loc["strong", "chi_square"] == pytest.approx(6.0)
    assert table.attrs["note"].startswith("Descriptive")


def test_representation_adjusted_residuals_by_hand():
    presence, groups = two_groups_of_three()
    table = compare.representation_tests(presence, groups, n_permutations=10, seed=1)
    strong = table[table["code_id"] == "strong"].set_index("group")
    # N = 6, p = 1/2, n_A = 3: E = 1.5, residual 1.5 / sqrt(1.5 * (1 - 3/6) * (1 - 1/2)) = sqrt(6)
    assert strong.loc["A", "adjusted_residual"] == pytest.approx(math.sqrt(6))
    assert strong.loc["B", "adjusted_residual"] == pytest.approx(-math.sqrt(6))
    assert np.isnan(strong.loc["empty", "adjusted_residual"])
    assert strong.loc["A", ["n", "n_absent", "denominator"]].tolist() == [3, 0, 3]


def test_representation_three_groups_permutation_near_exact_p():
    # three groups of two; the code is carried by both contributions of A. Of the C(6,2) = 15
    # equally likely placements of the two carriers, the 3 with both in one group are as
    # extreme as observed (chi-square 6, see test below): exact p = 3/15 = 0.2
    presence = presence_frame(
        {"a1": [1], "a2": [1], "b1": [0], "b2": [0], "c1": [0], "c2": [0]}, ["voice"]
    )
    groups = pd.Series(list("AABBCC"), index=presence.index)
    table = compare.representation_tests(presence, groups, n_permutations=4000, seed=7)
    assert (table["test"] == "permutation chi-square").all()
    assert table["p_descriptive"].iloc[0] == pytest.approx(0.2, abs=0.03)
    # p = 1/3, e = 2/3 per group: ((4/3)^2 + (2/3)^2 + (2/3)^2) / (2 * 1/3 * 2/3) = 6
    assert table["chi_square"].iloc[0] == pytest.approx(6.0)
    again = compare.representation_tests(presence, groups, n_permutations=4000, seed=7)
    assert again["p_descriptive"].iloc[0] == table["p_descriptive"].iloc[0]


def test_permutation_p_from_counts_is_one_without_variation_and_never_zero():
    # three groups of four; 4 carriers all in one group: 3 of the C(12,4) = 495 placements are
    # as extreme, so p is about 0.006
    p = permutation_chi_square(np.array([[0, 0, 0], [2, 2, 2], [4, 0, 0]]), np.array([4, 4, 4]), 500, seed=1)
    assert p[0] == p[1] == 1.0
    assert 0 < p[2] < 0.03


def test_chi_square_is_zero_without_variation():
    assert chi_square_k_by_2(np.array([0, 0, 0]), np.array([2, 3, 4])) == 0.0


# --- similarity ------------------------------------------------------------------------


def test_cosine_by_hand_and_empty_profile():
    profile = pd.DataFrame(
        [[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]], index=["A", "B", "C"], columns=["t1", "t2"]
    )
    similarity = compare.group_similarity_cosine(profile)
    # (1,0).(1,1) / (1 * sqrt(2)) = 0.7071
    assert similarity.loc["A", "B"] == pytest.approx(1 / math.sqrt(2))
    assert similarity.loc["A", "A"] == pytest.approx(1.0)
    assert similarity.loc["C"].isna().all()


def test_jaccard_equal_groups_is_exact():
    # A raises {t1, t2}, B raises {t2, t3}: |A and B| / |A or B| = 1/3
    presence = presence_frame(
        {"a1": [1, 0, 0], "a2": [0, 1, 0], "b1": [0, 1, 0], "b2": [0, 0, 1]}, ["t1", "t2", "t3"]
    )
    groups = pd.Series(list("AABB"), index=presence.index)
    similarity = compare.group_similarity_jaccard(presence, groups, n_per_group=2, n_draws=5, seed=3)
    assert similarity.loc["A", "B"] == pytest.approx(1 / 3)
    assert similarity.loc["A", "A"] == pytest.approx(1.0)


def test_jaccard_subsamples_larger_group_and_leaves_out_small_ones():
    # A: a1 {t1}, a2 {t1}, a3 {t2}; B: b1 {t1}, b2 {t1}; C has one contribution.
    # Drawing 2 of A: {a1,a2} -> {t1} (Jaccard with B's {t1} = 1), {a1,a3} or {a2,a3} ->
    # {t1,t2} (Jaccard 1/2). Expected mean 1/3 * 1 + 2/3 * 1/2 = 2/3.
    presence = presence_frame(
        {"a1": [1, 0], "a2": [1, 0], "a3": [0, 1], "b1": [1, 0], "b2": [1, 0], "c1": [1, 0]},
        ["t1", "t2"],
    )
    groups = pd.Series(list("AAABBC"), index=presence.index)
    similarity = compare.group_similarity_jaccard(presence, groups, n_per_group=2, n_draws=3000, seed=11)
    assert list(similarity.index) == ["A", "B"]
    assert similarity.attrs["left_out"] == ["C"]
    assert similarity.loc["A", "B"] == pytest.approx(2 / 3, abs=0.03)


def test_linkage_average_by_hand():
    similarity = pd.DataFrame(
        [[1.0, 0.9, 0.2], [0.9, 1.0, 0.4], [0.2, 0.4, 1.0]], index=list("abc"), columns=list("abc")
    )
    linkage = compare.linkage_for_dendrogram(similarity)
    # a and b join at distance 0.1; c joins them at the mean of 0.8 and 0.6 = 0.7
    assert linkage[0, :2].tolist() == [0, 1] and linkage[0, 2] == pytest.approx(0.1)
    assert linkage[1, 2] == pytest.approx(0.7) and linkage[1, 3] == 3
    similarity.loc["c", "a"] = np.nan
    with pytest.raises(ValueError, match="c"):
        compare.linkage_for_dendrogram(similarity)


# --- correspondence analysis -----------------------------------------------------------


def test_ca_two_by_two_by_hand():
    ca = correspondence_analysis(pd.DataFrame([[8, 2], [2, 8]], index=["r1", "r2"], columns=["k1", "k2"]))
    # chi2 = n (ad - bc)^2 / (row and column totals) = 20 * 60^2 / 10^4 = 7.2; 7.2 / 20 = 0.36
    assert ca.total_inertia == pytest.approx(0.36)
    assert ca.inertia["share"].tolist() == pytest.approx([1.0])
    # row profile (0.8, 0.2) against centroid (0.5, 0.5): chi-distance sqrt(2 * 0.09 / 0.5) = 0.6
    assert np.abs(ca.rows["dim_1"]).tolist() == pytest.approx([0.6, 0.6])
    assert ca.rows["dim_1"].iloc[0] == pytest.approx(-ca.rows["dim_1"].iloc[1])
    assert "dim_2" not in ca.rows


def test_ca_unbalanced_two_by_two_by_hand():
    ca = correspondence_analysis(pd.DataFrame([[30, 10], [10, 10]]))
    # phi^2 = (300 - 100)^2 / (40 * 20 * 40 * 20) = 0.0625
    assert ca.total_inertia == pytest.approx(0.0625)
    # row profiles (0.75, 0.25) and (0.5, 0.5) against centroid (2/3, 1/3):
    # squared chi-distances 1/144 * 4.5 = 0.03125 and 1/36 * 4.5 = 0.125
    assert np.abs(ca.rows["dim_1"]).tolist() == pytest.approx([math.sqrt(0.03125), math.sqrt(0.125)])
    assert np.sign(ca.rows["dim_1"]).prod() == -1


def test_ca_three_by_three_diagonal_and_empty_row():
    table = pd.DataFrame(
        [[5, 0, 0], [0, 5, 0], [0, 0, 5], [0, 0, 0]],
        index=["a", "b", "c", "empty"], columns=["x", "y", "z"],
    )
    ca = correspondence_analysis(table)
    # chi2 of a k x k diagonal table is n (k - 1): inertia 2, split 1 and 1
    assert ca.total_inertia == pytest.approx(2.0)
    assert ca.inertia["principal_inertia"].tolist() == pytest.approx([1.0, 1.0])
    assert ca.inertia["share"].tolist() == pytest.approx([0.5, 0.5])
    assert list(ca.rows.index) == ["a", "b", "c"] and ca.left_out == ["empty"]
    assert {"dim_1", "dim_2", "mass"} <= set(ca.rows.columns)


def test_ca_needs_two_rows():
    with pytest.raises(ValueError):
        correspondence_analysis(pd.DataFrame([[1, 2]]))


# --- sources compared ------------------------------------------------------------------


def test_themes_by_source_set_statuses():
    contributions = contributions_frame(
        [
            ("l1", "g", "", "lancaster_2012"),
            ("l2", "g", "", "lancaster_2012"),
            ("s1", "g", "", "changing_lives_2006"),
            ("v1", "g", "", "voices_2016"),
        ]
    )
    presence = presence_frame(
        {
            #     all, lanc, two, none
            "l1": [1, 1, 1, 0],
            "l2": [1, 1, 0, 0],
            "s1": [1, 0, 1, 0],
            "v1": [1, 0, 0, 0],
        },
        ["everywhere", "lancaster_only", "two_sets", "nowhere"],
    )
    table = compare.themes_by_source_set(presence, contributions).set_index("theme_id")
    assert table["status"].tolist() == ["shared by all", "unique to lancaster_2012", "in some", "in none"]
    assert table.loc["two_sets", "found_in"] == "changing_lives_2006; lancaster_2012"
    assert table.loc["lancaster_only", ["n_lancaster_2012", "denominator_lancaster_2012"]].tolist() == [2, 2]
    # with a minimum of 2, only Lancaster (2 contributions) raises "everywhere"
    strict = compare.themes_by_source_set(presence, contributions, min_count=2).set_index("theme_id")
    assert strict.loc["everywhere", "status"] == "unique to lancaster_2012"


def test_bootstrap_difference_by_hand():
    # a: 100 contributions, all carry t1, half carry t2; b: 100, none carry t1, half carry t2.
    rows = [(f"a{i}", "g", "", "a") for i in range(100)] + [(f"b{i}", "g", "", "b") for i in range(100)]
    contributions = contributions_frame(rows)
    presence = presence_frame(
        {cid: [int(cid[0] == "a"), int(int(cid[1:]) % 2 == 0)] for cid, *_ in rows}, ["t1", "t2"]
    )
    table = compare.prevalence_difference_bootstrap(presence, contributions, "a", "b", n_boot=4000, seed=5)
    t1, t2 = table.set_index("theme_id").loc["t1"], table.set_index("theme_id").loc["t2"]
    # t1: 100/100 - 0/100 = 1 in every resample
    assert [t1["difference"], t1["ci_low"], t1["ci_high"]] == pytest.approx([1.0, 1.0, 1.0])
    assert [t1["n_a"], t1["denominator_a"], t1["n_b"]] == [100, 100, 0]
    # t2: 0.5 - 0.5 = 0; SE sqrt(2 * 0.25 / 100) = 0.0707, so about +/- 1.96 * 0.0707 = 0.139
    assert t2["difference"] == pytest.approx(0.0)
    assert t2["ci_low"] == pytest.approx(-0.139, abs=0.02)
    assert t2["ci_high"] == pytest.approx(0.139, abs=0.02)
    with pytest.raises(ValueError, match="c"):
        compare.prevalence_difference_bootstrap(presence, contributions, "a", "c", n_boot=10, seed=5)


# --- voice and subject -----------------------------------------------------------------


def test_voice_vs_subject_counts_each_side():
    contributions = contributions_frame(
        [
            ("u1", "service_users_carers", "", "lancaster_2012"),
            ("u2", "service_users_carers", "", "lancaster_2012"),
            ("u3", "practitioners_vd_1", "", "lancaster_2012"),
            ("r1", "government_review", "", "changing_lives_2006", "people_who_use_services"),
            ("r2", "government_review", "", "changing_lives_2006", "carers"),
            ("r3", "government_review", "", "changing_lives_2006", "carers"),
            ("r4", "government_review", "", "changing_lives_2006", "social_service_workers"),
        ]
    )
    presence = presence_frame(
        {"u1": [1], "u2": [0], "u3": [1], "r1": [1], "r2": [0], "r3": [0], "r4": [1]}, ["voice"]
    )
    table = compare.voice_vs_subject(
        presence, contributions, ["service_users_carers"], ["people_who_use_services", "carers"],
        comparison="users",
    ).set_index("side")
    # said by users: u1 of u1-u2 = 1/2; about users and carers: r1 of r1-r3 = 1/3
    assert table.loc["voice", ["n", "denominator"]].tolist() == [1, 2]
    assert table.loc["subject", ["n", "denominator"]].tolist() == [1, 3]
    assert table.loc["subject", "groups"] == "people_who_use_services; carers"
    assert (table["comparison"] == "users").all()
    with pytest.raises(ValueError, match="carer"):
        compare.voice_vs_subject(presence, contributions, ["service_users_carers"], ["carer"])


# --- co-occurrence ---------------------------------------------------------------------


def test_cooccurrence_by_hand():
    presence = presence_frame(
        {"c1": [1, 1, 0, 0], "c2": [1, 1, 1, 0], "c3": [1, 0, 0, 0], "c4": [0, 0, 0, 0]},
        ["a", "b", "c", "d"], name="code_id",
    )
    edges = compare.cooccurrence(presence)
    # a-b: c1, c2 together; a or b in c1-c3: 2/3. b-c: c2; b or c in c1, c2: 1/2.
    # a-c: c2; a or c in c1-c3: 1/3. d is never used, so it has no edge.
    assert edges[["code_a", "code_b"]].values.tolist() == [["a", "b"], ["b", "c"], ["a", "c"]]
    assert edges["count"].tolist() == [2, 1, 1]
    assert edges["n_either"].tolist() == [3, 2, 3]
    assert edges["jaccard"].tolist() == pytest.approx([2 / 3, 1 / 2, 1 / 3])
    assert compare.cooccurrence(presence, min_count=2)[["code_a", "code_b"]].values.tolist() == [["a", "b"]]
    with pytest.raises(ValueError):
        compare.cooccurrence(presence, min_count=0)


@pytest.mark.parametrize("bad", [2, 0.5, np.nan])
def test_presence_that_is_not_zero_or_one_is_refused(bad):
    presence = pd.DataFrame({"x": [1, 0, bad, 1]}, index=["a1", "a2", "b1", "b2"])
    contributions = pd.DataFrame({"contribution_id": ["a1", "a2", "b1", "b2"], "source_set": ["a", "a", "b", "b"]})
    with pytest.raises(ValueError, match="only 0 and 1"):
        compare.prevalence_difference_bootstrap(presence, contributions, "a", "b", n_boot=10, seed=1)
    with pytest.raises(ValueError, match="only 0 and 1"):
        compare.representation_tests(presence, pd.Series(["g1", "g1", "g2", "g2"], index=presence.index), n_permutations=10, seed=1)


def test_groups_raising_counts_rows_with_enough_contributions_carrying_a_theme():
    from analysis.compare.comparisons import groups_raising

    counts = pd.DataFrame({"voice": [2, 1, 0], "workload": [0, 0, 3]}, index=["users", "workers", "review"])
    assert groups_raising(counts).to_dict() == {"voice": 2, "workload": 1}
    assert groups_raising(counts, min_count=2).to_dict() == {"voice": 1, "workload": 1}
