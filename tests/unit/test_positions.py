"""Positions on hand-made tables: themes by statement function and group, contrasting
judgements by rule, curated opposite statements and deviant cases."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.evidence.data import Data
from analysis.coding.functions import function_roles
from analysis.compare import positions as pos
from analysis.evidence.readers import DataValidationError

CONTRIBUTIONS = pd.DataFrame({
    "contribution_id": ["u1", "u2", "u3", "w1", "w2", "r1", "r2"],
    "speaker_group": ["users", "users", "users", "workers", "workers", "review", "review"],
    "text": ["We want a voice", "Nobody listens", "Give us a say now", "Our voice is strong", "Caseloads too high",
             "Voice is weak", "Voice is weak again"],
})
PRESENCE = pd.DataFrame({"voice": [1, 1, 1, 1, 0, 1, 1], "workload": [0, 0, 0, 0, 1, 0, 0]},
                        index=pd.Index(CONTRIBUTIONS["contribution_id"], name="contribution_id")).rename_axis(columns="theme_id")
FUNCTIONS = pd.Series(["hope", "problem", "proposal", "strength", "problem", "problem", "problem"],
                      index=CONTRIBUTIONS["contribution_id"])
CODEBOOK = {"statement_functions": [
    {"id": "hope", "position": True}, {"id": "problem", "position": True, "judges": "badly"}, {"id": "need", "position": True},
    {"id": "proposal", "position": True}, {"id": "strength", "position": True, "judges": "well"}, {"id": "observation", "position": False}]}
ROLES = function_roles(CODEBOOK)
CODING = pd.DataFrame({"contribution_id": ["u2", "w1", "r1"], "code_id": ["voice", "voice", "voice"], "coder": ["consensus"] * 3})


def test_positions_count_each_group_by_function_with_a_quote():
    table = pos.positions_by_group(PRESENCE, CONTRIBUTIONS, FUNCTIONS, "speaker_group")
    voice_problem = table[(table["theme_id"] == "voice") & (table["statement_function"] == "problem")]
    assert dict(zip(voice_problem["speaker_group"], voice_problem["n"])) == {"users": 1, "review": 2}
    assert voice_problem.set_index("speaker_group").loc["review", "denominator"] == 2
    assert voice_problem.set_index("speaker_group").loc["users", "quote_id"] == "u2"
    summary = pos.positions_summary(table, ROLES)
    row = summary[(summary["theme_id"] == "voice") & (summary["statement_function"] == "problem")].iloc[0]
    assert (row["groups"], row["n"], row["by_group"]) == (2, 3, "review (2); users (1)")
    assert summary[summary["theme_id"] == "voice"]["statement_function"].tolist() == ["hope", "problem", "proposal", "strength"]
    named = pos.positions_summary(table, ROLES, labels={"review": "The review"})
    assert named.loc[row.name, "by_group"] == "The review (2); users (1)"


def test_the_briefings_positions_table_is_the_summary_named():
    from analysis.report.findings import positions_table

    table = pos.positions_by_group(PRESENCE, CONTRIBUTIONS, FUNCTIONS, "speaker_group")
    shown, links = positions_table(table, ROLES, {"voice": "Voice", "review": "The review"}, "theme")
    summary = pos.positions_summary(table, ROLES)
    assert len(shown) == len(summary) and shown["raised as"].tolist() == summary["statement_function"].tolist()
    assert shown.iloc[1].tolist() == ["Voice", "problem", "The review (2); users (1)", "“Voice is weak” (r1)"]
    assert links["a quote"][1] == "evidence.html#c-r1" and len(links["a quote"]) == len(shown)


def test_contrasting_judgements_need_two_different_groups():
    table = pos.contrasting_judgements(PRESENCE, CONTRIBUTIONS, FUNCTIONS, "speaker_group", ROLES)
    # voice: workers call it a strength, users and the review a problem; workload: only a problem.
    assert table["theme_id"].tolist() == ["voice"]
    row = table.iloc[0]
    assert (row["groups_strength"], row["n_strength"], row["groups_problem"], row["n_problem"]) == ("workers", 1, "review; users", 3)
    assert row["quote_strength_id"] == "w1"
    one_group = FUNCTIONS.copy()
    one_group[["u1", "u2", "u3", "r1", "r2"]] = ["strength", "problem", "hope", "hope", "hope"]
    only_users = pos.contrasting_judgements(PRESENCE.drop(index="w1"), CONTRIBUTIONS[CONTRIBUTIONS["contribution_id"] != "w1"],
                                            one_group, "speaker_group", ROLES)
    assert only_users.empty  # users judge voice both ways: not a contrast between groups


def test_deviant_cases_are_the_minority_against_a_clear_majority():
    table = pos.deviant_cases(PRESENCE, CONTRIBUTIONS, FUNCTIONS, "speaker_group", roles=ROLES)
    # voice: 3 problems against 1 strength (3 >= 1.5 x 1): the strength is the deviant case.
    assert table[["theme_id", "majority", "n_majority", "deviant", "n_deviant", "quote_id"]].values.tolist() == [
        ["voice", "problem", 3, "strength", 1, "w1"]]
    assert pos.deviant_cases(PRESENCE, CONTRIBUTIONS, FUNCTIONS, "speaker_group", min_ratio=4, roles=ROLES).empty


RENAMED = {"hope": "wish", "problem": "worry", "need": "want", "proposal": "plan", "strength": "asset", "observation": "remark"}


def test_a_codebook_that_renames_and_reorders_the_functions_gives_the_same_positions():
    book = {"statement_functions": [{**entry, "id": RENAMED[entry["id"]]} for entry in reversed(CODEBOOK["statement_functions"])]}
    roles, functions, back = function_roles(book), FUNCTIONS.map(RENAMED), {new: old for old, new in RENAMED.items()}
    by_group = pos.positions_by_group(PRESENCE, CONTRIBUTIONS, functions, "speaker_group")
    summary = pos.positions_summary(by_group, roles)
    assert summary["statement_function"].tolist() == ["asset", "plan", "worry", "wish", "worry"]  # the new codebook's order
    expected = pos.positions_summary(pos.positions_by_group(PRESENCE, CONTRIBUTIONS, FUNCTIONS, "speaker_group"), ROLES)
    renamed_back = summary.assign(statement_function=summary["statement_function"].map(back))
    key = ["theme_id", "statement_function"]
    pd.testing.assert_frame_equal(renamed_back.sort_values(key, ignore_index=True), expected.sort_values(key, ignore_index=True))
    pd.testing.assert_frame_equal(pos.contrasting_judgements(PRESENCE, CONTRIBUTIONS, functions, "speaker_group", roles),
                                  pos.contrasting_judgements(PRESENCE, CONTRIBUTIONS, FUNCTIONS, "speaker_group", ROLES))
    deviant = pos.deviant_cases(PRESENCE, CONTRIBUTIONS, functions, "speaker_group", roles=roles)
    pd.testing.assert_frame_equal(deviant.assign(majority=deviant["majority"].map(back), deviant=deviant["deviant"].map(back)),
                                  pos.deviant_cases(PRESENCE, CONTRIBUTIONS, FUNCTIONS, "speaker_group", roles=ROLES))


def test_without_a_judging_pair_there_are_positions_but_no_contrasts():
    roles = function_roles({"statement_functions": [{**entry, "judges": None} if entry["id"] == "strength" else entry
                                                    for entry in CODEBOOK["statement_functions"]]})
    assert roles.well is None and roles.badly == "problem"
    assert len(pos.positions_summary(pos.positions_by_group(PRESENCE, CONTRIBUTIONS, FUNCTIONS, "speaker_group"), roles)) == 5
    assert pos.contrasting_judgements(PRESENCE, CONTRIBUTIONS, FUNCTIONS, "speaker_group", roles).empty
    assert pos.deviant_cases(PRESENCE, CONTRIBUTIONS, FUNCTIONS, "speaker_group", roles=roles).empty


def test_the_fixture_codebook_says_which_functions_take_positions_and_which_judge():
    from analysis.coding.functions import statement_function_ids
    from analysis.study import open_study

    study = open_study({"data_dir": "tests/fixtures/data"})
    roles = function_roles(study.codebook)
    assert roles.positions == tuple(statement_function_ids(study.codebook)[:5])
    assert (roles.well, roles.badly) == ("strength", "problem")


def write_data(folder):
    CONTRIBUTIONS.to_csv(folder / "contributions.csv", index=False)
    CODING.to_csv(folder / "coding.csv", index=False)


def test_opposing_statements_quote_both_and_check_the_file(tmp_path):
    write_data(tmp_path)
    (tmp_path / "opposing_statements.csv").write_text(
        "statement_a,statement_b,code_id,reason\nw1,r1,voice,Strong against weak.\n", encoding="utf-8")
    table = pos.opposing_statements(Data(tmp_path), CONTRIBUTIONS, "speaker_group")
    assert table[["statement_a", "group_a", "quote_a", "statement_b", "group_b"]].values.tolist() == [
        ["w1", "workers", "Our voice is strong", "r1", "review"]]
    (tmp_path / "opposing_statements.csv").write_text(
        "statement_a,statement_b,code_id,reason\nw1,zz,voice,x\nu1,w1,voice,y\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as error:
        pos.opposing_statements(Data(tmp_path), CONTRIBUTIONS, "speaker_group")
    lines = [str(p) for p in error.value.problems]
    assert any(":1:statement_b: unknown contribution 'zz'" in line for line in lines)
    assert any(":2:statement_a: u1 does not carry voice" in line for line in lines)


def test_a_run_without_one_side_of_a_pair_leaves_the_pair_out(tmp_path):
    write_data(tmp_path)
    (tmp_path / "opposing_statements.csv").write_text(
        "statement_a,statement_b,code_id,reason\nw1,r1,voice,Strong against weak.\n", encoding="utf-8")
    run = CONTRIBUTIONS[CONTRIBUTIONS["speaker_group"] != "review"]
    assert pos.opposing_statements(Data(tmp_path), run, "speaker_group").empty


def test_no_file_no_opposing_statements(tmp_path):
    assert pos.opposing_statements(Data(tmp_path), CONTRIBUTIONS, "speaker_group").empty


def test_function_counts_per_group():
    table = pos.function_counts(FUNCTIONS, CONTRIBUTIONS, "speaker_group", ["hope", "problem", "strength"])
    assert table.set_index("speaker_group").loc["users", ["hope", "problem", "strength", "all"]].tolist() == [1, 1, 0, 3]


def test_the_briefings_opposing_contrast_and_deviant_tables_link_each_quote_to_its_statement():
    from analysis.report.findings import contrasts_table, deviant_table, opposing_table

    labels = {"users": "Users", "voice": "Voice"}
    opposing = pd.DataFrame({"code_id": ["voice"], "statement_a": ["u1"], "group_a": ["users"], "quote_a": ["Yes"],
                             "statement_b": ["r1"], "group_b": ["review"], "quote_b": ["No"], "reason": ["opposite"]})
    shown, links = opposing_table(opposing, labels)
    assert shown.iloc[0].tolist() == ["“Yes” (Users, u1)", "“No” (review, r1)", "opposite"]
    assert links == {"one says": ["evidence.html#c-u1"], "another says": ["evidence.html#c-r1"]}
    contrasts = pos.contrasting_judgements(PRESENCE, CONTRIBUTIONS, FUNCTIONS, "speaker_group", ROLES)
    shown, links = contrasts_table(contrasts, labels)
    assert links == {"as a strength": ["evidence.html#c-w1"], "as a problem": [f"evidence.html#c-{contrasts['quote_problem_id'].iloc[0]}"]}
    assert shown["as a strength"].iloc[0].endswith("(w1)")
    deviant = pd.DataFrame({"theme_id": ["voice"], "majority": ["problem"], "n_majority": [3], "deviant": ["strength"],
                            "n_deviant": [1], "deviant_groups": ["workers"], "contribution_ids": ["w1"], "quote_id": ["w1"], "quote": ["Works"]})
    shown, links = deviant_table(deviant, labels, "theme")
    assert shown.iloc[0].tolist() == ["Voice", "problem (3)", "strength (1), from workers", "“Works” (w1)"]
    assert links == {"a quote": ["evidence.html#c-w1"]}
    who = {"w1": "Workers, 2012", "u1": "Service user (one person), 2016", "r1": "Review, 2006"}.get
    assert deviant_table(deviant, labels, "theme", who=who)[0].iloc[0]["a quote"] == "“Works” (Workers, 2012, w1)"
    assert opposing_table(opposing, labels, who=who)[0].iloc[0].tolist()[:2] == [
        "“Yes” (Service user (one person), 2016, u1)", "“No” (Review, 2006, r1)"]


@pytest.mark.parametrize("content, message", [
    (b"statement_a,statement_b,code_id,reason\n\xff,r1,voice,x\n", "not valid UTF-8"),
    (b"statement_a,statement_b,code_id,reason\nw1,r1,voice,x,extra\n", "has 5 cells but the header names 4 columns"),
    (b"statement_a,code_id,reason\nw1,voice,x\n", "missing column"),
])
def test_a_broken_opposing_file_is_one_line_in_validation_not_a_traceback(tmp_path, content, message):
    import analysis.coding.checks  # noqa: F401  (adds the coding checks to validation)
    from analysis.coding.opposing import check_opposing
    from analysis.evidence.validate import CHECKS

    write_data(tmp_path)
    (tmp_path / "opposing_statements.csv").write_bytes(content)
    problems = [str(p) for p in check_opposing(Data(tmp_path))]
    assert len(problems) == 1 and "opposing_statements.csv" in problems[0] and message in problems[0]
    assert check_opposing in CHECKS
