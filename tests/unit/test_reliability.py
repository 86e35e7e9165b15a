"""Tests for analysis.coding.reliability against hand-worked answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.evidence.data import Data
from analysis.coding import alpha as al
from analysis.coding import reliability as rel
from analysis.coding.crosswalk import CROSSWALK_CSV, check_crosswalk, load_crosswalk
from analysis.paths import DATA_DIR

# --- Krippendorff's alpha by hand -----------------------------------------------------------
#
# Two coders, five units, A = 1 1 0 0 0, B = 1 0 0 0 0. Pairable values n = 10; value 1 used
# n_1 = 3 times, value 0 n_0 = 7 times; one unit disagrees, which puts 1 in o_01 and 1 in o_10.
# D_o = (o_01 + o_10) / n = 2/10; D_e = 2 n_0 n_1 / (n (n - 1)) = 42/90.
# alpha = 1 - D_o / D_e = 1 - 0.2 / 0.46667 = 1 - 9/21 = 4/7.


def binary_alpha(a, b):
    """The alpha table's closed form for one code (two coders' 0/1 values over the same units)."""
    table = rel.presence_alpha_table(np.array(a, dtype=bool)[:, None], np.array(b, dtype=bool)[:, None], ["x"], {}, 0, 0)
    return float(table.loc[0, "alpha"])


def test_alpha_of_a_tiny_table_by_hand():
    a, b = [1, 1, 0, 0, 0], [1, 0, 0, 0, 0]
    assert al.nominal_alpha(a, b) == pytest.approx(4 / 7)
    assert binary_alpha(a, b) == pytest.approx(4 / 7)


def test_alpha_perfect_systematic_and_undefined():
    assert al.nominal_alpha([1, 0, 1, 0], [1, 0, 1, 0]) == pytest.approx(1.0)
    # always opposite: d = 4, n = 8, n_0 = n_1 = 4: 1 - 7 * 4 / 16 = -0.75
    assert al.nominal_alpha([1, 0, 1, 0], [0, 1, 0, 1]) == pytest.approx(-0.75)
    assert binary_alpha([1, 0, 1, 0], [0, 1, 0, 1]) == pytest.approx(-0.75)
    assert math.isnan(al.nominal_alpha([0, 0, 0], [0, 0, 0]))
    assert math.isnan(binary_alpha([1, 1], [1, 1]))


def test_closed_form_equals_the_package_on_random_tables():
    import krippendorff

    rng = np.random.default_rng(1)
    for _ in range(50):
        n = int(rng.integers(3, 40))
        a = (rng.random(n) < rng.random()).astype(int)
        b = np.where(rng.random(n) < 0.8, a, 1 - a)
        got = binary_alpha(a, b)
        if len(set(a) | set(b)) < 2:
            assert math.isnan(got) and math.isnan(al.nominal_alpha(a, b))
            continue
        assert got == al.nominal_alpha(a, b)  # the same number, to the last bit
        assert got == pytest.approx(krippendorff.alpha(reliability_data=np.vstack([a, b]).astype(float), level_of_measurement="nominal"))


# --- the alpha table -----------------------------------------------------------------------------

CODEBOOK = {"codes": [{"id": "x", "label": "X"}, {"id": "y", "label": "Y"}, {"id": "not_codable", "label": "NC"}]}


def coding_frame(rows):
    return pd.DataFrame(rows, columns=["contribution_id", "code_id", "coder", "memo"]).fillna("")


# Five contributions. Code x: A = 1 1 0 0 0, B = 1 0 0 0 0 (alpha 4/7, agreement 4/5).
# Code y: A = 0 0 1 1 0, B = 0 0 1 1 0 (alpha 1). not_codable: A = B = 0 0 0 0 1 (alpha 1).
ROWS = [
    ("C1", "x", "coder_a", ""), ("C1", "x", "coder_b", ""),
    ("C2", "x", "coder_a", ""), ("C2", "y", "coder_b", ""),  # C2: B has y instead of x
    ("C3", "y", "coder_a", ""), ("C3", "y", "coder_b", ""),
    ("C4", "y", "coder_a", ""), ("C4", "y", "coder_b", ""),
    ("C5", "not_codable", "coder_a", ""), ("C5", "not_codable", "coder_b", ""),
    ("C9", "x", "coder_a", ""),  # outside the sample: ignored
]
SAMPLE = ["C1", "C2", "C3", "C4", "C5"]


def test_alpha_table_per_code_and_pooled_by_hand():
    table = rel.alpha_table(coding_frame(ROWS), CODEBOOK, SAMPLE, n_boot=200, seed=3).set_index("code_id")
    assert list(table.index) == ["x", "y", "not_codable", rel.POOLED]
    x = table.loc["x"]
    assert x["alpha"] == pytest.approx(4 / 7)
    assert x["percent_agreement"] == pytest.approx(0.8)
    assert (x["prevalence_a"], x["prevalence_b"], x["n_a"], x["n_b"], x["n_both"]) == (0.4, 0.2, 2, 1, 1)
    # y: A = 0 0 1 1 0, B = 0 1 1 1 0: d = 1, n = 10, n_1 = 5, n_0 = 5: 1 - 9/25 = 0.64
    assert table.loc["y", "alpha"] == pytest.approx(0.64)
    assert table.loc["not_codable", "alpha"] == pytest.approx(1.0)
    # pooled: 15 decisions, n = 30; disagreements 2 (C2 x, C2 y); value 1 used 5 + 5 = 10 times
    # alpha = 1 - (30 - 1) * 2 / (20 * 10) = 1 - 58/200 = 0.71
    pooled = table.loc[rel.POOLED]
    assert pooled["alpha"] == pytest.approx(0.71)
    assert pooled["n_units"] == 15
    assert pooled["percent_agreement"] == pytest.approx(13 / 15)


def test_bootstrap_is_reproducible_and_brackets_the_estimate():
    rng = np.random.default_rng(0)
    rows, sample = [], [f"U{i:03d}" for i in range(120)]
    for cid in sample:
        for code in ("x", "y"):
            a = rng.random() < 0.3
            b = a if rng.random() < 0.9 else not a
            rows += [(cid, code, "coder_a", "")] * a + [(cid, code, "coder_b", "")] * b
    frame = coding_frame(rows)
    first = rel.alpha_table(frame, CODEBOOK, sample, n_boot=500, seed=11)
    second = rel.alpha_table(frame, CODEBOOK, sample, n_boot=500, seed=11)
    pd.testing.assert_frame_equal(first, second)
    other = rel.alpha_table(frame, CODEBOOK, sample, n_boot=500, seed=12)
    assert not np.allclose(first["ci_low"].fillna(0), other["ci_low"].fillna(0))
    for row in first.itertuples():
        if not math.isnan(row.alpha):
            assert row.ci_low <= row.alpha <= row.ci_high
            assert row.n_boot_valid == 500
    # not_codable is never used: alpha undefined, no interval
    nc = first.set_index("code_id").loc["not_codable"]
    assert math.isnan(nc["alpha"]) and nc["n_boot_valid"] == 0


def test_unknown_code_of_a_coder_is_kept_and_flagged():
    rows = ROWS + [("C3", "invented", "coder_b", "")]
    table = rel.alpha_table(coding_frame(rows), CODEBOOK, SAMPLE, n_boot=0).set_index("code_id")
    assert not table.loc["invented", "in_codebook"]
    assert table.loc["invented", "n_b"] == 1 and table.loc["invented", "n_a"] == 0


# --- Cohen's kappa -----------------------------------------------------------------------------
#
# 2 x 2 table [[20, 5], [10, 15]], n = 50: p_o = 35/50 = 0.7; rows 25, 25; columns 30, 20;
# p_e = (25 * 30 + 25 * 20) / 50^2 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.


def test_cohen_kappa_of_a_two_by_two_by_hand():
    first = ["a"] * 25 + ["b"] * 25
    second = ["a"] * 20 + ["b"] * 5 + ["a"] * 10 + ["b"] * 15
    assert rel.cohen_kappa(first, second) == pytest.approx(0.4)
    table = rel.confusion(first, second)
    assert table.to_numpy().tolist() == [[20, 5], [10, 15]]


def test_cohen_kappa_edge_cases():
    assert rel.cohen_kappa(["a", "b"], ["a", "b"]) == pytest.approx(1.0)
    assert math.isnan(rel.cohen_kappa(["a", "a"], ["a", "a"]))
    with pytest.raises(ValueError):
        rel.cohen_kappa(["a"], ["a", "b"])


# --- facilitator themes --------------------------------------------------------------------------

CROSSWALK = pd.DataFrame({
    "code_id": ["image", "training", "voice", "purpose"],
    "facilitator_theme_id": ["VD-theme-01", "VD-theme-09", "VD-theme-01", ""],
    "note": ["", "", "", ""],
})


def test_predict_theme_majority_ties_and_none():
    assert rel.predict_theme(["image"], CROSSWALK) == "VD-theme-01"
    assert rel.predict_theme(["training", "image"], CROSSWALK) == "VD-theme-01"  # tie: image listed first
    assert rel.predict_theme(["training", "voice", "image"], CROSSWALK) == "VD-theme-01"  # 2 votes to 1
    assert rel.predict_theme(["purpose"], CROSSWALK) == rel.NO_THEME
    assert rel.predict_theme([], CROSSWALK) == rel.NO_THEME


def test_facilitator_agreement_on_a_small_case():
    contributions = pd.DataFrame({
        "contribution_id": ["VD-theme-01", "VD-theme-09", "VD-ex-t1-a", "VD-ex-t1-b", "VD-ex-t9-a", "VD-ex-t9-b", "VD-ex-na-01"],
        "section": ["action_theme", "action_theme"] + ["example_action"] * 5,
        "parent_id": ["", "", "VD-theme-01", "VD-theme-01", "VD-theme-09", "VD-theme-09", ""],
        "text": ["t1", "t9", "a", "b", "c", "d", "e"],
    })
    coding = pd.DataFrame({
        "contribution_id": ["VD-ex-t1-a", "VD-ex-t1-b", "VD-ex-t9-a", "VD-ex-t9-b", "VD-ex-t9-b", "VD-ex-na-01"],
        "code_id": ["image", "purpose", "training", "image", "voice", "image"],
        "coder": ["consensus"] * 6,
    })
    result = rel.facilitator_agreement(contributions, coding, CROSSWALK)
    assert result.n == 4  # the unattributed example is left out
    assert list(result.items["predicted_theme"]) == ["VD-theme-01", "none", "VD-theme-09", "VD-theme-01"]
    assert result.agreement == pytest.approx(0.5)
    assert result.confusion.loc["VD-theme-09", "VD-theme-01"] == 1
    # printed 01 01 09 09; predicted 01 none 09 01. Categories 01, 09, none.
    # p_o = 2/4; row margins 01: 2, 09: 2, none: 0; column margins 01: 2, 09: 1, none: 1.
    # p_e = (2*2 + 2*1 + 0*1) / 16 = 6/16; kappa = (0.5 - 0.375) / 0.625 = 0.2
    assert result.kappa == pytest.approx(0.2)
    # t9-b maps to 01 only (image, voice): its printed 09 is not among the mapped themes
    assert list(result.items["printed_among_mapped"]) == [True, False, True, False]
    assert result.agreement_any == pytest.approx(0.5)
    only = rel.facilitator_agreement(contributions, coding, CROSSWALK, contribution_ids=["VD-ex-t1-a", "VD-ex-t9-a"])
    assert only.n == 2 and only.agreement == 1.0


def test_crosswalk_theme_must_be_a_contribution_and_themes_one_section():
    contributions = pd.DataFrame({"contribution_id": ["VD-theme-01"], "section": ["action_theme"], "parent_id": [""], "text": ["t"]})
    with pytest.raises(ValueError, match="VD-theme-09"):
        rel.facilitator_agreement(contributions, pd.DataFrame(columns=["contribution_id", "code_id", "coder"]), CROSSWALK)
    themes = sorted(set(CROSSWALK["facilitator_theme_id"]) - {""})
    mixed = pd.DataFrame({"contribution_id": themes, "section": ["a"] + ["b"] * (len(themes) - 1), "parent_id": [""] * len(themes), "text": ["t"] * len(themes)})
    with pytest.raises(ValueError, match="several sections"):
        rel.facilitator_agreement(mixed, pd.DataFrame(columns=["contribution_id", "code_id", "coder"]), CROSSWALK)


def test_real_crosswalk_covers_every_code_once():
    from analysis.coding.codebook import load_codebook

    crosswalk = load_crosswalk(Data(DATA_DIR))
    codes = [c["id"] for c in load_codebook(Data(DATA_DIR))["codes"]]
    assert sorted(crosswalk["code_id"]) == sorted(codes)
    assert check_crosswalk(Data(DATA_DIR)) == []


def test_crosswalk_problems(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    assert check_crosswalk(Data(data)) == []  # no crosswalk: nothing to check
    (data / "codebook.yaml").write_text("codes:\n  - id: image\n  - id: other\n", encoding="utf-8")
    pd.DataFrame({"contribution_id": ["VD-theme-01"], "section": ["action_theme"]}).to_csv(data / "contributions.csv", index=False)
    (data / CROSSWALK_CSV).write_text("code_id,facilitator_theme_id,note\nimage,VD-theme-01,\ninvented,VD-theme-07,\n", encoding="utf-8")
    messages = [p.message for p in check_crosswalk(Data(data))]
    assert "unknown code 'invented' (not in codebook.yaml)" in messages
    assert "'VD-theme-07' is not a contribution in contributions.csv" in messages
    assert any(m.startswith("code 'other' of the codebook is not in the crosswalk") for m in messages)


def test_one_bootstrap_serves_codes_and_labels():
    # one code's row is the label bootstrap of the same present/absent values, draw for draw
    rng = np.random.default_rng(8)
    a = rng.random(60) < 0.3
    b = np.where(rng.random(60) < 0.85, a, ~a)
    row = rel.presence_alpha_table(a[:, None], b[:, None], ["x"], {}, 300, 5).iloc[0]
    alpha, boot = al.label_alpha(a.astype(int), b.astype(int), n_boot=300, seed=5)
    assert row["alpha"] == alpha
    assert (row["ci_low"], row["ci_high"], row["n_boot_valid"]) == al.percentile_interval(boot)


def test_binary_bootstrap_holds_the_expected_disagreement_fixed():
    # Code x of ROWS: n = 10 values, n1 = 3, so every resample's alpha is 1 - 9 d / 21 with d its
    # disagreements (0 to 5 units); the pooled row likewise with n = 30, n1 = 10: 1 - 29 D / 200.
    # With 401 resamples the 2.5th and 97.5th percentiles are resamples' own values.
    table = rel.alpha_table(coding_frame(ROWS), CODEBOOK, SAMPLE, n_boot=401, seed=2).set_index("code_id")
    d_low, d_high = [(1 - table.loc["x", bound]) * 21 / 9 for bound in ("ci_high", "ci_low")]
    assert d_low == pytest.approx(round(d_low)) and d_high == pytest.approx(round(d_high)) and 0 <= round(d_low) <= round(d_high) <= 5
    assert table.loc["x", "n_boot_valid"] == 401
    pooled_high = (1 - table.loc[rel.POOLED, "ci_low"]) * 200 / 29
    assert pooled_high == pytest.approx(round(pooled_high))
