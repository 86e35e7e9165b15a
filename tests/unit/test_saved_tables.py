"""Saved tables record the run parameters that made them; the briefing refuses another run's tables."""

import json

import pandas as pd
import pytest

from analysis.report.output import TableFromAnotherRun, read_table, save_table
from analysis.report.registry import notebook_writing, run_first

RUN = {"profile": "default", "description": "", "data_dir": "data", "sources": ["a", "b"], "group_level": "group",
       "theme_level": "theme", "min_cell_n": 5, "seed": 1, "n_bootstrap": 100}
TABLE = pd.DataFrame({"speaker_group": ["carers", "students"], "n": [3, 4]})


def test_a_table_is_read_back_when_made_with_the_same_parameters(tmp_path):
    save_table(TABLE, tmp_path, "prevalence_by_group", RUN)
    stamp = json.loads((tmp_path / "prevalence_by_group.json").read_text(encoding="utf-8"))
    assert stamp["parameters"]["group_level"] == "group" and "profile" not in stamp["parameters"]
    renamed = {**RUN, "profile": "renamed", "description": "the same run under another name"}
    pd.testing.assert_frame_equal(read_table(tmp_path, "prevalence_by_group", renamed), TABLE)


def test_a_table_made_with_other_parameters_is_refused_naming_the_difference_and_the_notebook(tmp_path):
    save_table(TABLE, tmp_path, "prevalence_by_group", {**RUN, "group_level": "sector"})
    with pytest.raises(TableFromAnotherRun) as refused:
        read_table(tmp_path, "prevalence_by_group", RUN, run_first("prevalence_by_group", "the notebook"))
    message = str(refused.value)
    assert "prevalence_by_group.csv was made with other parameters (group_level 'sector', not 'group')" in message
    assert message.endswith("run notebooks/20_themes_by_group.ipynb with these parameters first")


def test_a_missing_or_unstamped_table_is_refused(tmp_path):
    with pytest.raises(TableFromAnotherRun, match="reliability_alpha.csv is missing; run notebooks/40_reliability.ipynb"):
        read_table(tmp_path, "reliability_alpha", RUN, run_first("reliability_alpha", "the notebook"))
    TABLE.to_csv(tmp_path / "positions_by_group.csv", index=False)
    with pytest.raises(TableFromAnotherRun, match="positions_by_group.csv records no run parameters; run notebooks/20_themes_by_group.ipynb"):
        read_table(tmp_path, "positions_by_group", RUN, run_first("positions_by_group", "the notebook"))


def test_the_notebook_writing_a_table_is_named_by_the_registry_or_the_reliability_sections():
    assert notebook_writing("contributions_by_group") == "notebooks/10_data_audit.ipynb"
    assert notebook_writing("reliability_disagreements") == "notebooks/40_reliability.ipynb"
    assert notebook_writing("no_such_table") is None
