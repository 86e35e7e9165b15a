"""Tests for analysis.coding.functions (the statement-function rule) and its coding check."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

from analysis.evidence.data import Data
from analysis.coding.codebook import NOT_CODABLE, load_codebook
from analysis.coding.coding_checks import check_statement_functions, load_coding
from analysis.coding.functions import (
    function_problems,
    statement_function_ids,
    statement_functions,
    without_untested_functions,
)
from analysis.paths import DATA_DIR

FUNCTIONS = ["hope", "problem", "need", "proposal", "strength", "observation"]
SECTIONS = {"vision": "hope", "challenge": "problem", "prose": None}
CONTRIBUTIONS = pd.DataFrame({
    "contribution_id": ["A-1", "A-2", "B-1", "B-2"],
    "section": ["vision", "challenge", "prose", "prose"],
})


def coding(rows):
    return pd.DataFrame(rows, columns=["contribution_id", "code_id"])


def test_function_comes_from_the_section_or_the_coding():
    table = statement_functions(CONTRIBUTIONS, coding([("A-1", "topic"), ("B-1", "strength"), ("B-2", "problem"), ("B-2", "topic")]),
                                SECTIONS, FUNCTIONS)
    assert table["statement_function"].tolist() == ["hope", "problem", "strength", "problem"]
    assert table["function_from"].tolist() == ["section", "section", "coding", "coding"]


@pytest.mark.parametrize("rows, culprit, words", [
    ([("B-2", "problem")], "B-1", "found none"),
    ([("B-1", "hope"), ("B-1", "need"), ("B-2", "problem")], "B-1", "found hope, need"),
    ([("A-1", "strength"), ("B-1", "hope"), ("B-2", "problem")], "A-1", "fixes the function 'hope'"),
])
def test_a_breach_of_the_rule_is_named(rows, culprit, words):
    problems = function_problems(CONTRIBUTIONS, coding(rows), SECTIONS, FUNCTIONS)
    assert [cid for cid, _ in problems] == [culprit]
    assert words in problems[0][1]
    with pytest.raises(ValueError, match=culprit):
        statement_functions(CONTRIBUTIONS, coding(rows), SECTIONS, FUNCTIONS)


def test_unknown_section_is_a_problem():
    contributions = pd.DataFrame({"contribution_id": ["C-1"], "section": ["unheard_of"]})
    assert "no statement_function" in function_problems(contributions, coding([]), SECTIONS, FUNCTIONS)[0][1]


def test_functions_compared_only_when_both_coders_coded_them():
    rows = pd.DataFrame({"contribution_id": ["B-1", "B-1", "B-1"], "code_id": ["topic", "hope", "topic"],
                         "coder": ["coder_a", "coder_a", "coder_b"]})
    assert without_untested_functions(rows, ("coder_a", "coder_b"), FUNCTIONS)["code_id"].tolist() == ["topic", "topic"]
    both = pd.concat([rows, pd.DataFrame({"contribution_id": ["B-1"], "code_id": ["need"], "coder": ["coder_b"]})])
    assert len(without_untested_functions(both, ("coder_a", "coder_b"), FUNCTIONS)) == 4


def test_real_data_give_every_contribution_one_function():
    book = load_codebook(Data(DATA_DIR))
    assert statement_function_ids(book) == FUNCTIONS
    contributions = pd.read_csv(DATA_DIR / "contributions.csv", dtype=str, keep_default_na=False)
    consensus = load_coding(Data(DATA_DIR), coder="consensus")
    sections = yaml.safe_load((DATA_DIR / "vocabulary.yaml").read_text(encoding="utf-8"))["sections"]
    table = statement_functions(contributions, consensus, {s["id"]: s["statement_function"] for s in sections}, FUNCTIONS)
    assert len(table) == len(contributions) and set(table["statement_function"]) <= set(FUNCTIONS)
    not_codable = set(consensus.loc[consensus["code_id"] == NOT_CODABLE, "contribution_id"])
    coded = table[table["function_from"] == "coding"]
    assert set(coded.loc[coded["contribution_id"].isin(not_codable), "statement_function"]) == {"observation"}


def test_check_reports_a_function_coded_where_the_section_fixes_it(tmp_path):
    for name in ("contributions.csv", "coding.csv", "codebook.yaml", "vocabulary.yaml"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    path = tmp_path / "coding.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    extra = pd.DataFrame([{"contribution_id": "LW-q1-01", "code_id": "problem", "coder": "consensus", "memo": ""}])
    pd.concat([frame, extra]).to_csv(path, index=False, lineterminator="\n")
    messages = [p.message for p in check_statement_functions(Data(tmp_path))]
    assert messages == ["consensus LW-q1-01: section 'contribution' fixes the function 'hope'; coded problem as well"]
