"""The methods text and the SRQR table: every number filled from the data, none typed in."""

import re

import pandas as pd
import pytest
from jinja2 import UndefinedError

from analysis.evidence.data import Data
from analysis.paths import DATA_DIR, PROJECT_ROOT
from analysis.report import methods
from analysis.report.markup import markdown_html

FIXTURE_DATA = PROJECT_ROOT / "tests" / "fixtures" / "data"

STATUS = {"alpha": 0.61, "threshold": 0.667, "coded_counted": False}
TESTS = [{"id": "t1", "codebook_version": "1.0", "n_units": 12, "blind": False, "current": False, "note": "Ids named the source."},
         {"id": "t2", "codebook_version": "2.0", "n_units": 20, "blind": True, "current": True, "note": "Opaque ids."}]


def values(**changes):
    log = pd.DataFrame({"reason": ["Audit of the consensus (rules): x", "Coder A error", "Audit of the consensus: y"]})
    base = methods.methods_values(pd.DataFrame(index=range(30)), pd.Series(["section"] * 18 + ["coding"] * 12), 7, TESTS, log, "2.1", STATUS)
    return {**base, **changes}


def test_methods_numbers_come_from_the_data():
    v = values()
    assert (v["n_contributions"], v["n_lists"], v["n_decisions"], v["n_audit"], v["n_fixed_function"], v["n_coded_function"]) == (30, 7, 3, 2, 18, 12)
    assert v["reliability_tests"][1] == {"n_units": 20, "codebook_version": "2.0", "blind": True, "current": True, "note": "Opaque ids."}
    assert (v["function_alpha"], v["function_threshold"], v["functions_counted"]) == (0.61, 0.667, False)
    untested = methods.methods_values(pd.DataFrame(index=range(3)), pd.Series(["coding"] * 3), 1, [], pd.DataFrame({"reason": []}),
                                      "2.1", {"alpha": float("nan"), "threshold": 0.667, "coded_counted": False})
    assert untested["function_alpha"] is None and untested["reliability_tests"] == []


@pytest.mark.parametrize("data_dir", [DATA_DIR, FIXTURE_DATA], ids=["study", "fixture"])
def test_the_methods_text_has_no_number_typed_in(data_dir):
    text = (data_dir / methods.METHODS_TEMPLATE).read_text(encoding="utf-8")
    prose = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", "", text, flags=re.DOTALL)
    assert not re.search(r"(?<![\w.])\d+(?![\w.])", prose.replace("2006", "").replace("2012", "").replace("2016", ""))
    filled = methods.methods_markdown(Data(data_dir), values())
    assert "{" not in filled and "30 in all" in filled and "Research question" in filled
    assert "   - 20 contributions on codebook 2.0 (blind; its results decide what the briefing counts). Opaque ids.\n" in filled
    assert "   - 12 contributions on codebook 1.0 (not blind). Ids named the source.\n" in filled
    assert "the second coder reached Krippendorff's alpha 0.61 (the study's threshold is 0.667), so they are not counted.\n" in filled


def test_the_methods_text_says_when_nothing_was_tested():
    filled = methods.methods_markdown(Data(DATA_DIR), values(reliability_tests=[], function_alpha=None))
    assert "   - (no test recorded in the data)\n3. **Disagreements**" in filled
    assert "were coded. No second coder has coded them yet, so they are not counted.\n5." in filled
    assert "so they are counted." in methods.methods_markdown(Data(DATA_DIR), values(functions_counted=True))


def test_a_value_from_the_data_is_shown_as_text():
    tests = [{**methods.reliability_test_values(TESTS[0]), "note": "<script>x</script>"}]
    html = markdown_html(methods.methods_markdown(Data(DATA_DIR), values(reliability_tests=tests)))
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_a_missing_value_is_named():
    with pytest.raises(UndefinedError, match="n_lists"):
        methods.methods_markdown(Data(DATA_DIR), {k: v for k, v in values().items() if k != "n_lists"})


def test_srqr_table_lists_the_21_items_each_answered_or_explained():
    table = methods.srqr_table(Data(DATA_DIR))
    assert table["SRQR item"].tolist() == [str(i) for i in range(1, 22)]
    assert table["where the briefing answers it"].str.strip().ne("").all()
