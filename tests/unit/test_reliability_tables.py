"""The reliability tables on hand-made codings with known answers."""

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.evidence.data import Data
from analysis.coding import reliability_tables as rt
from analysis.paths import PROJECT_ROOT

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "data"

CODEBOOK = {
    "themes": [{"id": "t1", "label": "Theme one"}, {"id": "t2", "label": "Theme two"}, {"id": "none", "label": "None"}],
    "codes": [{"id": "a", "label": "A", "theme": "t1"}, {"id": "b", "label": "B", "theme": "t1"},
              {"id": "c", "label": "C", "theme": "t2"}, {"id": "not_codable", "label": "NC", "theme": "none"}],
    "statement_functions": [{"id": "hope"}, {"id": "problem"}],
}
IDS = [f"X-{i}" for i in range(1, 7)]
TEST = {"id": "t", "codebook_version": "1", "reference": "ref", "second_coder": "sec"}


def rows(coder, pairs):
    return [(cid, code, coder, "") for cid, code in pairs]


def coding_frame(records):
    return pd.DataFrame(records, columns=["contribution_id", "code_id", "coder", "memo"])


# Theme t1 is present for X-1..X-3 for both coders, although they chose different codes within it
# (a vs b on X-2): the theme does not count that as a disagreement. Theme t2: ref has;
# sec has X-4 only (its X-5 is in t1). The six units are repeated three times (R-1..R-18) so that
# both themes reach the five positives a test needs.
REF = rows("ref", [("X-1", "a"), ("X-2", "a"), ("X-3", "b"), ("X-4", "c"), ("X-5", "c"), ("X-6", "not_codable")])
SEC = rows("sec", [("X-1", "a"), ("X-2", "b"), ("X-3", "b"), ("X-4", "c"), ("X-5", "a"), ("X-6", "not_codable")])
CONTRIBUTIONS = pd.DataFrame({"contribution_id": IDS, "text": list("uvwxyz"), "section": ["fixed"] * 3 + ["coded"] * 3})


def repeated(records, times=3):
    return [(f"R-{(int(cid[2:]) - 1) * times + k + 1}", code, coder, memo) for cid, code, coder, memo in records for k in range(times)]


REPEATED = pd.DataFrame({"contribution_id": [f"R-{i}" for i in range(1, 19)], "text": ["t"] * 18, "section": ["fixed"] * 18})


def test_theme_alpha_counts_a_theme_once_whatever_code_carries_it():
    tables = rt.test_tables(TEST, REPEATED, coding_frame(repeated(REF + SEC)), CODEBOOK, {"fixed": "hope", "coded": None}, list(REPEATED["contribution_id"]), 50, 1)
    themes = tables["theme_alpha"].set_index("code_id")
    assert "none" not in themes.index
    # t2: n = 36 values, d = 3, n1 = 9, n0 = 27: 1 - 35 * 3 / 243
    assert themes.loc["t2", "alpha"] == pytest.approx(1 - 35 * 3 / 243)
    # t1: ..3, sec X-1..3 and X-5: n = 36, d = 3, n1 = 21, n0 = 15: 1 - 35 * 3 / 315
    assert themes.loc["t1", "alpha"] == pytest.approx(1 - 35 * 3 / 315)
    assert themes.loc["t1", "positives"] == 12 and themes.loc["t2", "positives"] == 6


@pytest.mark.parametrize("alpha, positives, expected", [
    (0.9, 10, rt.STATUS_COUNTED), (0.8, 10, rt.STATUS_COUNTED), (0.75, 10, rt.STATUS_TENTATIVE),
    (0.667, 10, rt.STATUS_TENTATIVE), (0.6, 10, rt.STATUS_NOT_COUNTED), (float("nan"), 10, rt.STATUS_NOT_COUNTED),
    (1.0, 4, rt.STATUS_TOO_RARE),
])
def test_status_rule(alpha, positives, expected):
    assert rt.status(alpha, positives) == expected


def test_rare_codes_show_no_alpha():
    tables = rt.test_tables(TEST, CONTRIBUTIONS, coding_frame(REF + SEC), CODEBOOK, {"fixed": "hope", "coded": None}, IDS, 50, 1)
    codes = tables["code_alpha"].set_index("code_id")
    assert codes.loc["a", "status"] == rt.STATUS_TOO_RARE and math.isnan(codes.loc["a", "alpha"])


def test_function_alpha_only_where_the_second_coder_coded_functions():
    functions = rows("ref", [("X-4", "hope"), ("X-5", "problem"), ("X-6", "problem")]) + rows("sec", [
        ("X-1", "hope"), ("X-2", "hope"), ("X-3", "problem"), ("X-4", "hope"), ("X-5", "problem"), ("X-6", "hope")])
    tables = rt.test_tables(TEST, CONTRIBUTIONS, coding_frame(REF + SEC + functions), CODEBOOK, {"fixed": "hope", "coded": None}, IDS, 50, 1)
    summary = tables["summary"].set_index("measure")
    where_coded = summary.loc["statement function (where coded)"]
    assert where_coded["n_units"] == 3 and where_coded["agreement"] == pytest.approx(2 / 3)
    against_rule = summary.loc["statement function (all, against the section rule)"]
    assert against_rule["n_units"] == 6 and against_rule["agreement"] == pytest.approx(4 / 6)
    without = rt.test_tables(TEST, CONTRIBUTIONS, coding_frame(REF + SEC), CODEBOOK, {"fixed": "hope", "coded": None}, IDS, 50, 1)
    assert not without["summary"]["measure"].str.startswith("statement function").any()


def test_weakest_theme_is_the_headline():
    tables = rt.test_tables(TEST, REPEATED, coding_frame(repeated(REF + SEC)), CODEBOOK, {"fixed": "hope", "coded": None}, list(REPEATED["contribution_id"]), 50, 1)
    summary = tables["summary"].set_index("measure")
    assert summary.loc["weakest theme", "label"] == "Theme two"
    assert summary.loc["weakest theme", "alpha"] == pytest.approx(1 - 35 * 3 / 243)


def test_disagreements_list_codes_and_functions():
    tables = rt.test_tables(TEST, CONTRIBUTIONS, coding_frame(REF + SEC), CODEBOOK, {"fixed": "hope", "coded": None}, IDS, 0, 1)
    disagreeing = tables["disagreements"].set_index("contribution_id")
    assert list(disagreeing.index) == ["X-2", "X-5"]
    assert disagreeing.loc["X-2", "codes_only_reference"] == "a" and disagreeing.loc["X-2", "codes_only_second"] == "b"


def test_untested_codes_are_new_or_redefined_since_the_codebook_given():
    given = {"codes": [{"id": "a", "theme": "t1", "use_when": "when  a"}, {"id": "b", "theme": "t1", "use_when": "when b"}]}
    now = {"codes": [{"id": "a", "theme": "t1", "use_when": "when a"}, {"id": "b", "theme": "t1", "use_when": "when b, or c"}, {"id": "new", "theme": "t2"}]}
    assert rt.untested_codes(now, given) == ["b", "new"]


def test_functions_only_test_reports_function_alpha_and_disagreements():
    test = {**TEST, "scope": "functions"}
    functions = rows("ref", [("X-4", "hope"), ("X-5", "problem"), ("X-6", "problem")]) + rows("sec", [("X-4", "hope"), ("X-5", "problem"), ("X-6", "hope")])
    tables = rt.test_tables(test, CONTRIBUTIONS, coding_frame(functions), CODEBOOK, {"fixed": "hope", "coded": None}, ["X-4", "X-5", "X-6"], 20, 1)
    assert set(tables) == {"summary", "disagreements"}
    assert list(tables["disagreements"]["contribution_id"]) == ["X-6"]


def function_data(tmp_path, second_functions):
    (tmp_path / "reliability").mkdir(parents=True)
    shutil.copy(FIXTURE / "vocabulary.yaml", tmp_path / "vocabulary.yaml")  # its section "prose" has its function coded
    ids = [f"F-{i}" for i in range(1, 9)]
    pd.DataFrame({"contribution_id": ids}).to_csv(tmp_path / "reliability" / "sample.csv", index=False)
    (tmp_path / "reliability" / "tests.yaml").write_text(
        "tests:\n  - {id: t, codebook_version: '1', sample: reliability/sample.csv, reference: ref, second_coder: sec, current: true}\n", encoding="utf-8")
    contributions = pd.DataFrame({"contribution_id": ids, "section": ["prose"] * 8})
    reference = ["hope", "problem"] * 4
    coding = coding_frame(rows("ref", zip(ids, reference)) + rows("sec", zip(ids, second_functions)))
    return contributions, coding


def test_coded_functions_are_counted_only_when_their_latest_test_reaches_the_threshold(tmp_path):
    contributions, coding = function_data(tmp_path, ["hope", "problem"] * 4)
    assert rt.coded_function_status(Data(tmp_path), coding, contributions, CODEBOOK) == rt.STATUS_COUNTED
    contributions, coding = function_data(tmp_path / "weak", ["hope", "hope", "problem", "problem"] * 2)
    assert rt.coded_function_status(Data(tmp_path / "weak"), coding, contributions, CODEBOOK) == rt.STATUS_NOT_COUNTED


def test_coded_functions_never_tested_are_not_counted(tmp_path):
    contributions, coding = function_data(tmp_path, ["hope"] * 8)
    untested = coding[coding["coder"] != "sec"]
    assert rt.coded_function_status(Data(tmp_path), untested, contributions, CODEBOOK) == rt.STATUS_NOT_COUNTED


def test_a_theme_below_the_threshold_is_not_counted_and_a_tentative_one_is_marked():
    codebook = {**CODEBOOK, "themes": CODEBOOK["themes"] + [{"id": "t3", "label": "Theme three"}],
                "codes": CODEBOOK["codes"] + [{"id": "d", "label": "D", "theme": "t3"}]}
    shaped = rt.apply_reliability_statuses(codebook, {"themes": {"t1": rt.STATUS_COUNTED, "t2": rt.STATUS_TENTATIVE, "t3": rt.STATUS_NOT_COUNTED},
                                                      "codes": {"a": rt.STATUS_TOO_RARE, "b": rt.STATUS_NOT_COUNTED}})
    labels = {t["id"]: t["label"] for t in shaped["themes"]}
    assert labels["t1"] == "Theme one" and labels["t2"] == "Theme two (tentative)"
    counted = {c["id"]: c.get("count_in_briefing", True) for c in shaped["codes"]}
    assert counted == {"a": True, "b": False, "c": True, "not_codable": True, "d": False}
    assert codebook["themes"][1]["label"] == "Theme two"  # the codebook given is not changed


def test_statuses_come_from_the_current_test(tmp_path):
    (tmp_path / "reliability").mkdir()
    pd.DataFrame({"contribution_id": [f"R-{i}" for i in range(1, 19)]}).to_csv(tmp_path / "reliability" / "sample.csv", index=False)
    (tmp_path / "reliability" / "tests.yaml").write_text(
        "tests:\n  - {id: t, codebook_version: '1', sample: reliability/sample.csv, reference: ref, second_coder: sec, current: true}\n", encoding="utf-8")
    statuses = rt.reliability_statuses(Data(tmp_path), coding_frame(repeated(REF + SEC)), CODEBOOK)
    # t1: 1 - 35 * 3 / 315 = 0.6667, just below 0.667; t2: 1 - 35 * 3 / 243 = 0.568: neither is counted
    assert statuses["themes"] == {"t1": rt.STATUS_NOT_COUNTED, "t2": rt.STATUS_NOT_COUNTED}
    # code a: ..R-6, sec ..R-6, R-13..R-15 (6 and 7 positives); b and c likewise tested
    assert set(statuses["codes"]) == {"a", "b", "c", "not_codable"}
    assert rt.reliability_statuses(Data(tmp_path / "none"), coding_frame(REF), CODEBOOK) == {}


def full_copy(tmp_path):
    from analysis.paths import DATA_DIR

    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


@pytest.mark.parametrize("damage, message", [
    (lambda t: t["tests"][0].pop("reference"), "tests[0].reference: missing or not text"),
    (lambda t: t["tests"][0].update(current=True), "exactly one test must be marked current"),
    (lambda t: t["tests"][0].update(scope="everything"), "unknown scope 'everything'"),
    (lambda t: t["tests"][0].update(sample="reliability/none.csv"), "file not found"),
    (lambda t: t["tests"][0].update(reconciliation="reliability/none.csv"), "no file reliability/none.csv"),
    (lambda t: t.update(tests=[]), "tests: missing or not a non-empty list"),
])
def test_a_broken_tests_register_gives_one_line_per_problem(tmp_path, damage, message):
    import yaml

    from analysis.coding.recorded_tests import check_reliability_tests
    from analysis.evidence.readers import DataValidationError

    data_copy = full_copy(tmp_path)
    path = data_copy / "reliability" / "tests.yaml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    damage(content)
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    problems = check_reliability_tests(Data(data_copy))
    assert any(message in str(problem) for problem in problems), problems
    assert all("\n" not in str(problem) for problem in problems)
    with pytest.raises(DataValidationError):
        rt.load_tests(Data(data_copy))


def test_a_sample_naming_an_unknown_contribution_is_named_by_row(tmp_path):
    from analysis.coding.recorded_tests import check_reliability_tests

    data_copy = full_copy(tmp_path)
    path = data_copy / "reliability" / "sample.csv"
    path.write_text(path.read_text(encoding="utf-8") + "XX-nowhere\n", encoding="utf-8")
    problems = [str(p) for p in check_reliability_tests(Data(data_copy))]
    assert len(problems) == 1 and "sample.csv:120:contribution_id: unknown contribution_id 'XX-nowhere'" in problems[0]
