"""The scale benchmark's synthetic data is valid data in this project's format, of the promised shape."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import analysis.coding.codes  # noqa: F401  (registers the coding checks)
from analysis.evidence.validate import validate_all
from analysis.report import scale_benchmark as scale


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return scale.write_synthetic_data(tmp_path_factory.mktemp("scale") / "data", 2_000, seed=3)


def test_synthetic_data_passes_every_check(synthetic):
    assert validate_all(synthetic) == []


def test_synthetic_data_has_the_promised_shape(synthetic):
    contributions = pd.read_csv(synthetic / "contributions.csv", dtype=str, keep_default_na=False)
    coding = pd.read_csv(synthetic / "coding.csv", dtype=str, keep_default_na=False)
    assert len(contributions) == 2_000
    assert contributions["source_id"].nunique() == 4
    assert contributions["speaker_group"].nunique() == scale.N_GROUPS
    consensus = coding[(coding["coder"] == "consensus") & coding["code_id"].str.startswith("code_")]
    assert consensus["code_id"].nunique() == scale.N_CODES
    assert 1.35 < len(consensus) / len(contributions) < 1.55
    sample = pd.read_csv(synthetic / "reliability" / "sample.csv")
    assert set(coding.loc[coding["coder"] == "coder_b", "contribution_id"]) == set(sample["contribution_id"])


def test_growth_exponent():
    assert scale.growth_exponent([1_000, 10_000], [0.5, 5.0]) == pytest.approx(1.0)
    assert scale.growth_exponent([1_000, 10_000], [0.5, 50.0]) == pytest.approx(2.0)
    assert math.isnan(scale.growth_exponent([1_000], [0.5]))
