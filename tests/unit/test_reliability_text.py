"""The reliability paragraphs say what tests.yaml records about each test, not what the latest one was."""

import pandas as pd
import pytest

from analysis.report.reliability_text import FUNCTION_MEASURE, HEADING_MEASURE, function_paragraph


def tables(blind: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    tests = pd.DataFrame([{"id": "t1", "codebook_version": "1.0", "second_coder": "coder_b", "blind": blind}])
    measured = {"test": "t1", "n_units": 40, "alpha": 0.9, "ci_low": 0.8, "ci_high": 0.95}
    summary = pd.DataFrame([{**measured, "measure": FUNCTION_MEASURE}, {**measured, "measure": HEADING_MEASURE}])
    return tests, summary


@pytest.mark.parametrize("blind, named", [(True, "the blind coder, who saw no heading,"), (False, "the second coder agreed")])
def test_the_heading_rule_names_the_coder_blind_only_when_the_test_was(blind, named):
    text = function_paragraph(*tables(blind))
    assert named in text
    assert ("blind" in text) == blind


def test_a_code_tested_below_the_floor_is_named_with_its_alpha_and_positives():
    from analysis.report.markup import phrase

    assert phrase("code_alpha", label="Voice & image", alpha=0.5549, n=7) == "Voice & image (0.55, 7 contributions)"
