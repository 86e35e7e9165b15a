"""The analytic choices the claims' checks read come from data/robustness.yaml, and a bad file is refused."""

from __future__ import annotations

import pytest

from analysis.evidence.data import Data
from analysis.evidence import robustness as rb
from analysis.evidence.readers import DataValidationError
from analysis.paths import DATA_DIR


def test_settings_come_from_the_data(tmp_path):
    settings = rb.load_settings(Data(DATA_DIR))
    assert settings.uncertain == ("VD-oc-lsl-04", "VD-oc-lsl-05", "VD-oc-lsl-06", "VD-oc-lsl-07")
    assert set(settings.derived_groups) == {"mixed", "action_planning_groups", "facilitators"}
    assert settings.min_clusters == 5
    (tmp_path / "robustness.yaml").write_text("list_columns: [source_id]\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="robustness.yaml"):
        rb.load_settings(Data(tmp_path))
