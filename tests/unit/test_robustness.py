"""The robustness grid on hand-made tables: each sensitivity view, the verdict rule, and
findings built to hold, weaken or reverse under one check."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.compare import robustness as rb
from analysis.evidence.readers import DataValidationError
from analysis.paths import DATA_DIR, PROJECT_ROOT

CODEBOOK = {
    "themes": [{"id": "alpha"}, {"id": "beta"}, {"id": "none"}],
    "codes": [{"id": "a1", "theme": "alpha"}, {"id": "a2", "theme": "alpha"}, {"id": "b1", "theme": "beta"},
              {"id": "not_codable", "theme": "none"}],
}
SETTINGS = rb.Settings(list_columns=("source_id", "section", "speaker_group"), derived_groups=("mixed",),
                       uncertain=("U-1", "U-2"), threshold=0.8, raised_min_count=2, min_clusters=5)
ALPHA = pd.Series({"a1": 0.95, "a2": 0.5, "b1": 0.9, "not_codable": 1.0})

# Two source sets. "one" has a long list (L: 4 rows, all alpha) and three one-row lists (S1-S3, beta);
# "two" has two lists of two (alpha in one row each). Group "mixed" is derived; N-1 is not codable;
# U-1 and U-2 are the uncertain attributions (beta, in group g2).
ROWS = [
    # id, source_id, source_set, section, group, codes
    ("L-1", "doc", "one", "prose", "g1", ["a1"]), ("L-2", "doc", "one", "prose", "g1", ["a1"]),
    ("L-3", "doc", "one", "prose", "g1", ["a1"]), ("L-4", "doc", "one", "prose", "g1", ["a2"]),
    ("S-1", "lists", "one", "s1", "g2", ["b1"]), ("S-2", "lists", "one", "s2", "g2", ["b1"]),
    ("S-3", "lists", "one", "s3", "g2", ["b1"]),
    ("T-1", "other", "two", "t1", "mixed", ["a1"]), ("T-2", "other", "two", "t1", "mixed", ["b1"]),
    ("T-3", "other", "two", "t2", "g3", ["a1"]), ("T-4", "other", "two", "t2", "g3", ["b1"]),
    ("N-1", "other", "two", "t2", "g3", ["not_codable"]),
    ("U-1", "lists", "one", "s4", "g2", ["b1"]), ("U-2", "lists", "one", "s4", "g2", ["b1"]),
]


def inputs(rows=ROWS, min_cell_n: int = 1) -> rb.Inputs:
    contributions = pd.DataFrame({
        "contribution_id": [r[0] for r in rows], "source_id": [r[1] for r in rows], "source_set": [r[2] for r in rows],
        "section": [r[3] for r in rows], "speaker_group": [r[4] for r in rows], "text": [r[0] for r in rows],
        "subject_group": None, "parent_id": None,
    })
    consensus = pd.DataFrame([(r[0], code, "consensus") for r in rows for code in r[5]], columns=["contribution_id", "code_id", "coder"])
    return rb.Inputs(contributions, consensus, CODEBOOK, "theme", "speaker_group", min_cell_n, SETTINGS, ALPHA)


def view(key: str, given=None) -> rb.View:
    return next(check for check in rb.CHECKS if check.key == key).build(given or inputs())


def test_equal_list_weights_make_each_list_weigh_one():
    weights = view("b").weights
    assert weights[["L-1", "L-2", "L-3", "L-4"]].tolist() == [0.25] * 4
    assert weights[["S-1", "U-1", "U-2"]].tolist() == [1.0, 0.5, 0.5]
    assert view("a").weights.eq(1).all()


@pytest.mark.parametrize("key, left_out", [("c", {"T-1", "T-2"}), ("d", {"N-1"}), ("e", {"U-1", "U-2"})])
def test_checks_that_leave_contributions_out(key, left_out):
    assert set(view("a").presence.index) - set(view(key).presence.index) == left_out


def test_only_reliable_codes_are_counted():
    presence = view("f").presence
    # a2 (alpha 0.5) is not counted, so L-4 carries no theme; a1 and b1 still count.
    assert presence.loc["L-4"].sum() == 0 and presence.loc["L-1", "alpha"] == 1 and presence.loc["S-1", "beta"] == 1
    assert view("a").presence.loc["L-4", "alpha"] == 1


def test_an_untested_code_is_not_counted():
    assert rb.reliable_codes(CODEBOOK, pd.Series({"a1": 0.9, "b1": float("nan")}), 0.8) == ["a1", "not_codable"]


def test_raised_needs_the_minimum_count_under_check_g():
    # alpha: g1 (four times), mixed and g3 (once each): three groups under a, only g1 under g (two needed).
    assert rb.reach(view("a"))["alpha"] == 3 and rb.reach(view("g"))["alpha"] == 1


def test_verdict_rule():
    base = rb.Evaluation(0.4, True, "")
    assert rb.verdict(base, rb.Evaluation(0.3, True, ""), True) == rb.HOLDS
    assert rb.verdict(base, rb.Evaluation(0.1, True, ""), True) == rb.WEAKENS  # less than half as strong
    assert rb.verdict(base, rb.Evaluation(0.3, False, ""), True) == rb.WEAKENS  # no longer the largest
    assert rb.verdict(base, rb.Evaluation(0.3, False, ""), False) == rb.HOLDS  # ... which this claim does not say
    assert rb.verdict(base, rb.Evaluation(-0.01, True, ""), True) == rb.REVERSES
    assert rb.verdict(base, None, True) == rb.NOT_APPLICABLE
    assert rb.verdict(rb.Evaluation(2, True, ""), rb.Evaluation(0, True, ""), False) == rb.WEAKENS  # a lead becomes a tie


def test_a_difference_built_to_reverse_under_equal_list_weights_is_reported_reversing():
    # alpha: set "one" 4 of 9 contributions (44%) against "two" 2 of 5 (40%); per list, "one" is
    # (1 + 0 + 0 + 0 + 0) / 5 lists = 20% against (1/2 + 1/3) / 2 = 42%.
    claim = rb.Claim("source_difference", ("alpha",), higher="one", lower="two")
    grid = rb.robustness_grid({"contrast": claim}, inputs())
    verdicts = dict(zip(grid["check"], grid["verdict"]))
    assert verdicts["b"] == rb.REVERSES
    assert verdicts["a"] == rb.HOLDS
    assert "contrast" not in rb.robust_findings(grid)
    assert ("b", "each list or document section weighs the same", rb.REVERSES) in rb.what_changes(grid)["contrast"]


def test_the_grid_refuses_a_claim_that_is_false_as_briefed():
    # set "one": alpha in L-1..L-4 (4 of 9), beta in S-1..S-3, U-1, U-2 (5 of 9): beta leads, so "alpha leads" is false.
    with pytest.raises(ValueError, match="not true"):
        rb.robustness_grid({"lead": rb.Claim("leading_item", ("alpha",), higher="one")}, inputs())


def test_a_lead_that_rests_on_uncertain_rows_reverses_only_under_check_e():
    rows = [r for r in ROWS if not r[0].startswith("L-")]
    # set "one" now: beta in S-1..S-3 and U-1, U-2 (5 of 5); add one alpha row so beta leads 5 to 4 with U, 3 to 4 without.
    extra = [(f"X-{i}", "lists", "one", "x", "g2", ["a1"]) for i in range(1, 5)]
    claim = rb.Claim("leading_item", ("beta",), higher="one")
    grid = rb.robustness_grid({"lead": claim}, inputs(rows + extra))
    verdicts = dict(zip(grid["check"], grid["verdict"]))
    assert verdicts == {**{k: rb.HOLDS for k in "abcdfg"}, "e": rb.REVERSES}
    assert rb.robust_findings(grid) == []


def test_a_finding_about_a_derived_group_does_not_apply_when_it_is_left_out():
    claim = rb.Claim("group_difference", ("alpha",), higher="mixed")
    grid = rb.robustness_grid({"mixed": claim}, inputs())
    assert dict(zip(grid["check"], grid["verdict"]))["c"] == rb.NOT_APPLICABLE
    table = rb.verdict_table(grid)
    assert table.loc[0, "c"] == rb.NOT_APPLICABLE


def test_most_groups_reverses_when_raising_needs_two_contributions():
    # alpha raised by g1, mixed, g3: 3 groups; beta by g2, mixed, g3: 3 groups -> a tie, under every check.
    claim = rb.Claim("most_groups", ("alpha", "beta"), largest=True)
    grid = rb.robustness_grid({"tie": claim}, inputs())
    assert set(grid["verdict"]) == {rb.HOLDS}
    rows = ROWS + [("S-5", "lists", "one", "s5", "g2", ["a1"])]
    claim = rb.Claim("most_groups", ("alpha",))  # alpha now raised by all four groups, beta by three
    verdicts = dict(zip(*rb.robustness_grid({"alpha": claim}, inputs(rows))[["check", "verdict"]].T.to_numpy()))
    # with two needed, alpha keeps g1 only and beta g2 only: the lead becomes a tie
    assert verdicts["a"] == verdicts["c"] == rb.HOLDS and verdicts["g"] == rb.WEAKENS
    rows = ROWS + [("S-5", "lists", "one", "s5", "g2", ["a1"]), ("T-5", "other", "two", "t2", "g3", ["b1"])]
    verdicts = dict(zip(*rb.robustness_grid({"alpha": claim}, inputs(rows))[["check", "verdict"]].T.to_numpy()))
    assert verdicts["a"] == rb.HOLDS and verdicts["g"] == rb.REVERSES  # g3 now says beta twice: beta 2 groups, alpha 1


def test_reliability_comes_from_the_current_test_with_themes_for_rare_codes(tmp_path):
    from analysis.coding.codebook import load_codebook
    from analysis.coding.reliability_tables import reliability_tables, load_tests, current_test
    from analysis.coding.functions import read_section_functions
    from analysis.evidence.loaders import load_contributions

    fixture = PROJECT_ROOT / "tests" / "fixtures" / "data"
    codebook = load_codebook(fixture)
    alpha, used = rb.code_reliability(fixture, codebook)
    coding = pd.read_csv(fixture / "coding.csv", dtype=str, keep_default_na=False)
    tables = reliability_tables(fixture, load_contributions(fixture), coding, read_section_functions(fixture), 0, 0)
    test = current_test(load_tests(fixture))["id"]
    assert used.startswith(test)
    own = tables["code_alpha"].set_index("code_id")["alpha"]
    theme = tables["theme_alpha"].set_index("code_id")["alpha"]
    for code in codebook["codes"]:
        expected = own.get(code["id"]) if pd.notna(own.get(code["id"])) else theme.get(code["theme"])
        assert (pd.isna(alpha[code["id"]]) and pd.isna(expected)) or alpha[code["id"]] == pytest.approx(expected)
    assert (own.reindex(alpha.index).isna() & alpha.notna()).any()  # some code too rare alone takes its theme's alpha
    with pytest.raises(FileNotFoundError):
        rb.code_reliability(tmp_path, codebook)


def test_settings_come_from_the_data(tmp_path):
    settings = rb.load_settings(DATA_DIR)
    assert settings.uncertain == ("VD-oc-lsl-04", "VD-oc-lsl-05", "VD-oc-lsl-06", "VD-oc-lsl-07")
    assert set(settings.derived_groups) == {"mixed", "action_planning_groups", "facilitators"}
    (tmp_path / "robustness.yaml").write_text("list_columns: [source_id]\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="robustness.yaml"):
        rb.load_settings(tmp_path)


def test_most_examples_counts_the_rows_under_each_theme_whatever_their_section():
    from analysis.report.findings import Claim

    frame = pd.DataFrame({
        "contribution_id": ["T-1", "T-2", "E-1", "E-2", "E-3", "N-1"],
        "section": ["themes", "themes", "examples", "examples", "examples", "other"],
        "parent_id": [None, None, "T-1", "T-1", "T-2", None],
        "group": ["g"] * 6,
    }).set_index("contribution_id")
    view = rb.View(presence=pd.DataFrame(index=frame.index), contributions=frame, weights=pd.Series(1.0, index=frame.index),
                   group_col="group", min_cell_n=1)
    evaluation = rb.evaluate_most_examples(Claim("most_examples", ("T-1",)), view)
    assert evaluation.margin == pytest.approx(2 / 3 - 1 / 3)
    reversed_claim = rb.evaluate_most_examples(Claim("most_examples", ("T-2",)), view)
    assert reversed_claim.margin < 0
