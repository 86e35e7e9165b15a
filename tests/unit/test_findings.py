"""Findings are written from tables: small hand-made tables with answers worked out by hand."""

import pandas as pd
import pytest

from analysis.report import findings as fx

SECTIONS = ("action_theme", "example_action")  # the themes' and the examples' sections, as the vocabulary marks them

CONTRIBUTIONS = pd.DataFrame({
    "contribution_id": ["a1", "a2", "a3", "b1", "b2", "t1", "t2", "e1", "e2", "e3"],
    "speaker_group": ["users", "users", "users", "workers", "workers", "facilitators", "facilitators", "planners", "planners", "planners"],
    "source_set": ["lancaster_2012"] * 3 + ["changing_lives_2006"] * 2 + ["lancaster_2012"] * 5,
    "subject_group": [None, None, None, "people_who_use_services", "people_who_use_services", None, None, None, None, None],
    "section": ["vision"] * 3 + ["aspiration"] * 2 + ["action_theme"] * 2 + ["example_action"] * 3,
    "parent_id": [None] * 7 + ["t2", "t2", None],
    "list_position": [1, 2, 3, 1, 2, 1, 2, 1, 2, 3],
    "text": ["Listen to us", "Stay long enough to know us", "Less paperwork", "have a consistent worker",
             "influence services", "Improve the image", "Train the workforce", "More CPD", "Joint posts", "Fragment"],
})
PRESENCE = pd.DataFrame(
    {"relationships": [1, 1, 0, 1, 0, 0, 0, 0, 0, 0], "workload": [0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
     "voice": [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]},
    index=pd.Index(CONTRIBUTIONS["contribution_id"], name="contribution_id"),
).rename_axis(columns="theme_id")
LABELS = {"relationships": "Relationships", "workload": "Workload", "voice": "Voice", "users": "Users", "workers": "Workers"}


def prevalence(rows):
    return pd.DataFrame(rows, columns=["speaker_group", "theme_id", "n", "denominator", "share", "suppressed"])


def test_widest_agreement_counts_groups_raising_the_theme_and_sums_its_contributions():
    table = prevalence([
        ("users", "relationships", 2, 3, 2 / 3, False), ("users", "workload", 1, 3, 1 / 3, False),
        ("workers", "relationships", 1, 2, 0.5, False), ("workers", "workload", 0, 2, 0.0, False),
        ("tiny", "relationships", 0, 1, 0.0, True),
    ])
    finding = fx.widest_agreement(table, "speaker_group", PRESENCE, CONTRIBUTIONS, LABELS)
    # relationships: raised by users and workers (2 of 2 groups shown), 2 + 1 = 3 of 3 + 2 = 5 contributions.
    assert finding.headline.startswith("Most widely raised: Relationships was raised by 2 of the 2 groups shown, in 3 of their 5")
    assert finding.claim.kind == "most_groups" and finding.claim.items == ("relationships",)
    assert (finding.n, finding.denominator) == (3, 5)
    assert finding.quote_id in {"a1", "a2"}  # the quote comes from users, whose share is highest
    assert finding.quote == CONTRIBUTIONS.set_index("contribution_id").loc[finding.quote_id, "text"]


def test_widest_agreement_is_none_when_every_group_is_suppressed():
    table = prevalence([("users", "relationships", 2, 3, 2 / 3, True)])
    assert fx.widest_agreement(table, "speaker_group", PRESENCE, CONTRIBUTIONS, LABELS) is None


def test_sharpest_difference_compares_with_the_other_groups_pooled():
    representation = pd.DataFrame({
        "speaker_group": ["users", "workers", "users", "workers"],
        "theme_id": ["relationships", "relationships", "workload", "workload"],
        "n": [2, 1, 1, 0], "denominator": [3, 2, 3, 2], "share": [2 / 3, 0.5, 1 / 3, 0.0],
        "adjusted_residual": [0.4, -0.4, 0.9, -0.9],
    })
    finding = fx.sharpest_difference(representation, "speaker_group", PRESENCE, CONTRIBUTIONS, LABELS)
    # workload has the largest residual but n = 1 < 2, so relationships for users (0.4) is reported.
    assert "Users raised Relationships in 2 of 3 statements (67%), against 1 of 2 (50%) among the other groups" in finding.headline
    assert (finding.n, finding.denominator) == (2, 3)


def test_source_contrast_reports_the_largest_difference_with_its_interval_and_quotes_the_higher_side():
    differences = pd.DataFrame({
        "source_a": ["lancaster_2012"] * 2, "source_b": ["changing_lives_2006"] * 2, "theme_id": ["relationships", "voice"],
        "n_a": [2, 0], "denominator_a": [8, 8], "share_a": [0.25, 0.0], "n_b": [1, 1], "denominator_b": [2, 2],
        "share_b": [0.5, 0.5], "difference": [-0.25, -0.5], "ci_low": [-0.8, -1.0], "ci_high": [0.3, 0.0],
    })
    finding = fx.source_contrast(differences, "lancaster_2012", "changing_lives_2006", PRESENCE, CONTRIBUTIONS, LABELS)
    assert "Voice appears in 0 of 8 statements (0%) against 1 of 2 (50%), a difference of -50 percentage points" in finding.headline
    assert "(likely range -100 to +0)" in finding.headline
    assert (finding.n, finding.denominator, finding.quote_id) == (1, 2, "b2")
    assert fx.source_contrast(differences, "voices_2016", "lancaster_2012", PRESENCE, CONTRIBUTIONS, LABELS) is None


def test_prioritised_actions_counts_example_actions_under_each_theme_and_says_votes_are_missing():
    printed = {"action_theme": "themed the actions", "example_action": "examples of some of the actions"}
    finding = fx.prioritised_actions(CONTRIBUTIONS, SECTIONS, {"facilitators": "Facilitators"}, printed)
    # t2 has two example actions (e1, e2); e3 has no theme: 2 of 2 attributed, 1 not attributable.
    assert finding.headline.startswith("Actions: Facilitators “themed the actions” into 2 themes. The document gives “examples of some of the actions”")
    assert "of the 2 it places under a theme, most are listed under “Train the workforce” (2)" in finding.headline
    assert "Actions: facilitators grouped the actions into 2 themes. The document lists examples" in fx.prioritised_actions(CONTRIBUTIONS, SECTIONS).headline
    assert "1 cannot be placed" in finding.headline and "votes" in finding.headline
    assert (finding.quote_id, finding.quote) == ("t2", "Train the workforce")
    table = fx.action_themes_table(CONTRIBUTIONS, SECTIONS)
    assert table["example_actions"].tolist() == [0, 2]


def test_leading_theme_in_a_source_set_and_none_when_the_set_is_absent():
    finding = fx.leading_theme(PRESENCE, CONTRIBUTIONS, "changing_lives_2006", "The review", LABELS)
    # b1 carries relationships and b2 voice: a tie of 1 each, stated as a tie.
    assert finding.headline == "The review: 2 themes tie as the most frequent, Relationships and Voice, each in 1 of 2 statements (50%)."
    assert finding.claim.items == ("relationships", "voice")
    assert fx.leading_theme(PRESENCE, CONTRIBUTIONS, "voices_2016", "2016", LABELS) is None


def test_widest_agreement_states_a_tie_as_a_tie():
    table = prevalence([
        ("users", "relationships", 2, 3, 2 / 3, False), ("users", "workload", 1, 3, 1 / 3, False),
        ("workers", "relationships", 1, 2, 0.5, False), ("workers", "workload", 1, 2, 0.5, False),
    ])
    finding = fx.widest_agreement(table, "speaker_group", PRESENCE, CONTRIBUTIONS, LABELS)
    assert finding.headline.startswith("Most widely raised: 2 themes tie, each raised by 2 of the 2 groups shown: Relationships and Workload")
    assert set(finding.claim.items) == {"relationships", "workload"}


def test_prioritised_actions_states_a_tie_as_a_tie():
    tied = pd.concat([CONTRIBUTIONS, pd.DataFrame({"contribution_id": ["e4", "e5"], "speaker_group": ["planners"] * 2,
                                                   "section": ["example_action"] * 2, "parent_id": ["t1", "t1"],
                                                   "list_position": [4, 5], "text": ["x", "y"]})], ignore_index=True)
    finding = fx.prioritised_actions(tied, SECTIONS)
    assert "2 themes tie with 2 each: “Improve the image” and “Train the workforce”" in finding.headline


def test_voice_and_subject_says_how_many_statements_answer_another_question():
    voice = pd.DataFrame({
        "side": ["voice", "voice", "subject", "subject"], "theme_id": ["relationships", "workload"] * 2,
        "n": [2, 1, 1, 0], "denominator": [3, 3, 2, 2], "share": [2 / 3, 1 / 3, 0.5, 0.0],
        "groups": ["users"] * 2 + ["people_who_use_services"] * 2, "comparison": ["Users: said and about"] * 4,
    })
    contributions = CONTRIBUTIONS.assign(section=["vision", "vision", "support"] + list(CONTRIBUTIONS["section"][3:]))
    finding = fx.voice_and_subject(voice, "Users: said and about", PRESENCE, contributions, LABELS, {"support": "how to support them"})
    # workload: 1 of 3 against 0 of 2 (gap 1/3); relationships 2/3 against 1/2 (gap 1/6). a3 (workload) answers another question.
    assert "Workload is in 1 of 3 of their own statements (33%) and in 0 of 2 statements about people who use services in changing lives 2006 (0%)." in finding.headline
    assert finding.caveat == "1 of the statements by Users answers how to support them; without those, 0 of 2 (0%)."
    assert (finding.n, finding.denominator, finding.compared) == (1, 3, (0, 2))
    assert finding.claim.higher == "voice" and finding.claim.voices == ("users",)


def test_quote_for_refuses_when_nothing_carries_the_theme():
    with pytest.raises(ValueError, match="no contribution carries 'voice'"):
        fx.quote_for(PRESENCE, CONTRIBUTIONS, "voice", fx.by_column(CONTRIBUTIONS, "speaker_group", "users"))




def test_without_sections_marked_as_examples_there_is_no_actions_finding():
    assert fx.prioritised_actions(CONTRIBUTIONS, None) is None
    assert fx.action_themes_table(CONTRIBUTIONS, None).empty


def test_names_in_prose():
    assert fx.names(["A"]) == "A" and fx.names(["A", "B", "C"]) == "A, B and C"
    assert fx.name("people_who_use_services", {}) == "people who use services" and fx.name("users", LABELS) == "Users"
    assert fx.theme_name("relationships", LABELS) == "relationships" and fx.theme_name("cpd", {"cpd": "CPD and learning"}) == "CPD and learning"
    assert fx.count(1, 3, "statements") == "1 of 3 statements (33%)" and fx.count(0, 0) == "0 of 0 (none)"


def test_the_robustness_note_calls_robust_what_the_grid_calls_robust():
    from analysis.compare.robustness import robust_findings

    finding = fx.Finding("Lead: text.", 1, 2, "a1", "q", "t", "lead")
    grid = pd.DataFrame({"finding": ["lead"] * 2, "check": ["b", "c"], "label": ["lists weigh the same", "x"],
                         "verdict": ["holds", "does not apply"]})
    assert fx.robustness_note(finding, grid).startswith("Robust") and robust_findings(grid) == ["lead"]
    nothing_applies = grid.assign(verdict="does not apply")
    assert fx.robustness_note(finding, nothing_applies) == "Not robust: no robustness check applies to it."
    assert robust_findings(nothing_applies) == []
    weakened = grid.assign(verdict=["weakens", "holds"])
    assert fx.robustness_note(finding, weakened) == "Not robust: it weakens when lists weigh the same (b)."
    assert fx.robustness_note(fx.Finding("L: t.", 1, 2, "a1", "q", "t", "other"), grid) == "Not re-tested in the robustness grid."
