"""Tests of the codebook and the coding: their checks, the consensus, the sample and the blind packet."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.evidence.data import Data
import analysis.coding.checks  # noqa: F401  (adds the coding checks to validate_all)
from analysis.coding.codebook import NOT_CODABLE, NOT_CODABLE_THEME, check_codebook, code_ids, load_codebook
from analysis.coding.coding_checks import check_coding, load_coding
from analysis.coding.consensus import RECONCILIATION_CSV, build_consensus
from analysis.coding.recorded_tests import later_reconciliations
from analysis.coding.row_keys import row_keys
from analysis.coding.sample import draw_reliability_sample
from analysis.params import DEFAULT_SEED
from analysis.evidence import loaders, validate
from analysis.evidence.readers import DataValidationError
from analysis.paths import DATA_DIR

CODEBOOK = {
    "version": "1.0",
    "date": "2026-01-01",
    "changelog": [{"version": "1.0", "date": "2026-01-01", "changes": "First.", "reason": "Tests."}],
    "themes": [
        {"id": "alpha", "label": "Alpha", "description": "First theme."},
        {"id": "beta", "label": "Beta", "description": "Second theme."},
        {"id": "none", "label": "Not codable", "description": "Only not_codable."},
    ],
    "codes": [
        {"id": "one", "label": "One", "theme": "alpha", "brief_definition": "b", "full_definition": "f",
         "use_when": "u", "do_not_use_when": "d (two)", "example": "XX-01", "origin": "deductive"},
        {"id": "two", "label": "Two", "theme": "alpha", "brief_definition": "b", "full_definition": "f",
         "use_when": "u", "do_not_use_when": "d (one)", "example": "XX-02", "origin": "inductive"},
        {"id": "three", "label": "Three", "theme": "beta", "brief_definition": "b", "full_definition": "f",
         "use_when": "u", "do_not_use_when": "d", "example": "XX-03", "origin": "inductive", "count_in_briefing": False},
        {"id": "not_codable", "label": "Not codable", "theme": "none", "brief_definition": "b", "full_definition": "f",
         "use_when": "u", "do_not_use_when": "d", "example": "XX-04", "origin": "deductive"},
    ],
}

CONTRIBUTIONS = pd.DataFrame({
    "contribution_id": ["XX-01", "XX-02", "XX-03", "XX-04"],
    "source_id": ["s1", "s1", "s2", "s2"],
    "speaker_group": ["g1", "g1", "g2", "g2"],
    "text": ["first, with a comma", "second", "third", "fourth"],
})

CODING_ROWS = [
    ("XX-01", "one", "coder_a", ""),
    ("XX-02", "two", "coder_a", "a memo"),
    ("XX-03", "three", "coder_a", ""),
    ("XX-04", "not_codable", "coder_a", ""),
    ("XX-01", "one", "consensus", ""),
    ("XX-01", "two", "consensus", ""),
    ("XX-02", "two", "consensus", ""),
    ("XX-03", "three", "consensus", ""),
    ("XX-04", "not_codable", "consensus", ""),
]


def make_data(tmp_path: Path, codebook: dict | None = None, rows: list[tuple] | None = None, header=None) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    CONTRIBUTIONS.to_csv(data / "contributions.csv", index=False)
    (data / "codebook.yaml").write_text(yaml.safe_dump(codebook or CODEBOOK, sort_keys=False), encoding="utf-8")
    with open(data / "coding.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header or ["contribution_id", "code_id", "coder", "memo"])
        writer.writerows(CODING_ROWS if rows is None else rows)
    return data


def messages(problems) -> list[str]:
    return [f"{p.column}: {p.message}" for p in problems]


# --- the real data ---------------------------------------------------------------------------


def test_real_codebook_and_coding_are_valid():
    assert check_coding(Data(DATA_DIR)) == []


def test_real_codebook_shape():
    book = load_codebook(Data(DATA_DIR))
    substantive = [t for t in book["themes"] if t["id"] != NOT_CODABLE_THEME]
    assert 6 <= len(substantive) and len(book["themes"]) <= 9  # the palette holds 9 theme colours
    codes = [c for c in book["codes"] if c["id"] != NOT_CODABLE]
    assert 25 <= len(codes) <= 45
    assert [c["theme"] for c in book["codes"] if c["id"] == NOT_CODABLE] == [NOT_CODABLE_THEME]
    assert {c["origin"] for c in codes} == {"deductive", "inductive"}
    for code in codes:  # the neighbouring code is named in do_not_use_when
        named = [other["id"] for other in book["codes"] if other["id"] != code["id"] and other["id"] in code["do_not_use_when"]]
        assert named, code["id"]


def test_real_coding_every_contribution_has_a_consensus_code():
    contributions = loaders.load_contributions(Data(DATA_DIR))
    consensus = load_coding(Data(DATA_DIR), coder="consensus")
    assert set(consensus["contribution_id"]) == set(contributions["contribution_id"])
    assert set(consensus["coder"]) == {"consensus"}


def test_check_is_registered():
    assert check_coding in validate.CHECKS


# --- checks ----------------------------------------------------------------------------------


def test_fixture_is_valid(tmp_path):
    data = make_data(tmp_path)
    assert check_coding(Data(data)) == []
    frame = load_coding(Data(data))
    assert list(frame.columns) == ["contribution_id", "code_id", "coder", "memo"]
    assert frame.loc[0, "memo"] == ""
    assert len(load_coding(Data(data), coder="coder_a")) == 4
    with pytest.raises(ValueError):
        load_coding(Data(data), coder="coder_z")


@pytest.mark.parametrize(
    "row, expected",
    [
        (("XX-01", "four", "coder_a", ""), "unknown code 'four'"),
        (("XX-99", "one", "coder_a", ""), "unknown contribution_id 'XX-99'"),
        (("XX-01", "one", "Coder C", ""), "coder does not match the pattern"),
        (("XX-01", "one", "  ", ""), "coder is blank"),
        (("XX-01", "one", "consensus", ""), "duplicate row: XX-01 / one / consensus"),
        (("XX-04", "one", "consensus", ""), "not_codable combined with other consensus codes (one)"),
    ],
)
def test_check_coding_rejects_bad_rows(tmp_path, row, expected):
    data = make_data(tmp_path, rows=CODING_ROWS + [row])
    problems = check_coding(Data(data))
    assert any(expected in p.message for p in problems), messages(problems)
    with pytest.raises(DataValidationError):
        load_coding(Data(data))


def test_contribution_without_consensus_code(tmp_path):
    rows = [r for r in CODING_ROWS if not (r[0] == "XX-03" and r[2] == "consensus")]
    problems = check_coding(Data(make_data(tmp_path, rows=rows)))
    assert "contribution_id: contribution XX-03 has no consensus code" in messages(problems)
    # and the example of code three no longer carries it
    assert "codes.three.example: XX-03 does not carry three in the consensus coding" in messages(problems)


def test_missing_column(tmp_path):
    rows = [r[:3] for r in CODING_ROWS]
    problems = check_coding(Data(make_data(tmp_path, rows=rows, header=["contribution_id", "code_id", "coder"])))
    assert "memo: missing column" in messages(problems)


def test_row_numbers_count_data_rows_from_one(tmp_path):
    problems = check_coding(Data(make_data(tmp_path, rows=[("XX-01", "nine", "coder_a", "")] + CODING_ROWS)))
    assert [p.row for p in problems if "unknown code" in p.message] == [1]


def _book(**changes) -> dict:
    book = yaml.safe_load(yaml.safe_dump(CODEBOOK))
    for key, value in changes.items():
        index, field = key.split("__")
        if value is None:
            del book["codes"][int(index)][field]
        else:
            book["codes"][int(index)][field] = value
    return book


@pytest.mark.parametrize(
    "book, expected",
    [
        (_book(**{"1__id": "one"}), "codes.one.id: duplicate code id 'one'"),
        (_book(**{"0__theme": "gamma"}), "codes.one.theme: unknown theme 'gamma' (not among the codebook's themes)"),
        (_book(**{"0__use_when": None}), "codes.one.use_when: missing"),
        (_book(**{"0__full_definition": "  "}), "codes.one.full_definition: missing"),
        (_book(**{"0__origin": "abductive"}), "codes.one.origin: unknown origin 'abductive' (allowed: deductive, inductive)"),
        (_book(**{"0__example": "XX-77"}), "codes.one.example: unknown contribution id 'XX-77'"),
        (_book(**{"0__example": "XX-03"}), "codes.one.example: XX-03 does not carry one in the consensus coding"),
        (_book(**{"2__count_in_briefing": "no"}), "codes.three.count_in_briefing: must be true or false"),
        (_book(**{"2__theme": "none"}), "codes.three.theme: the theme 'none' is only for not_codable"),
        (_book(**{"0__id": "One Code"}), "codes.One Code.id: code id 'One Code' must be short snake_case"),
    ],
)
def test_check_coding_rejects_bad_codebooks(tmp_path, book, expected):
    problems = check_coding(Data(make_data(tmp_path, codebook=book)))
    assert expected in messages(problems), messages(problems)
    with pytest.raises(DataValidationError):
        load_codebook(Data(tmp_path / "data")) if "example" not in expected else load_coding(Data(tmp_path / "data"))


def test_codebook_without_not_codable_and_stale_version(tmp_path):
    book = yaml.safe_load(yaml.safe_dump(CODEBOOK))
    book["codes"] = [c for c in book["codes"] if c["id"] != "not_codable"]
    book["version"] = "1.1"
    problems = messages(check_codebook(Data(make_data(tmp_path, codebook=book, rows=CODING_ROWS[:3]))))
    assert "codes: no 'not_codable' code" in problems
    assert "version: '1.1' is not the last changelog version '1.0'" in problems


def test_validate_all_includes_coding(tmp_path):
    data = make_data(tmp_path, rows=CODING_ROWS + [("XX-01", "four", "coder_a", "")])
    assert any("unknown code 'four'" in p.message for p in validate.validate_all(Data(data)))


def test_code_ids_counted_only():
    assert code_ids(CODEBOOK) == ["one", "two", "three", "not_codable"]
    assert code_ids(CODEBOOK, counted_only=True) == ["one", "two"]


# --- sample and blind packet -------------------------------------------------------------------


def strata_frame() -> pd.DataFrame:
    sizes = {("a", "x"): 10, ("a", "y"): 1, ("b", "x"): 2, ("b", "z"): 7}
    rows = []
    for (source, group), n in sizes.items():
        rows += [{"contribution_id": f"{source.upper()}{group.upper()}-{i:02d}", "source_id": source, "speaker_group": group,
                  "text": f"text {source} {group} {i}"} for i in range(n)]
    return pd.DataFrame(rows)


def test_sample_is_stratified_rounded_up_and_reproducible():
    frame = strata_frame()
    sample = draw_reliability_sample(frame, fraction=0.25, seed=7)
    assert sample == draw_reliability_sample(frame, fraction=0.25, seed=7)
    chosen = frame[frame["contribution_id"].isin(sample)]
    counts = chosen.groupby(["source_id", "speaker_group"]).size().to_dict()
    assert counts == {("a", "x"): 3, ("a", "y"): 1, ("b", "x"): 1, ("b", "z"): 2}  # ceil(0.25 n)
    assert len(sample) >= 0.25 * len(frame)
    assert sample == [cid for cid in frame["contribution_id"] if cid in set(sample)]  # file order
    others = {tuple(draw_reliability_sample(frame, 0.25, seed)) for seed in range(20)}
    assert len(others) > 1


def test_sample_rejects_bad_fraction_and_duplicate_ids():
    frame = strata_frame()
    with pytest.raises(ValueError):
        draw_reliability_sample(frame, fraction=0)
    with pytest.raises(ValueError):
        draw_reliability_sample(pd.concat([frame, frame.head(1)]))


def test_real_sample_file_matches_the_rule():
    contributions = pd.read_csv(DATA_DIR / "contributions.csv", dtype=str, keep_default_na=False)
    sample = pd.read_csv(DATA_DIR / "reliability" / "sample.csv", dtype=str)["contribution_id"].tolist()
    drawn_from = contributions.loc[contributions["contribution_id"].isin(sample), "source_id"]  # every source then had a stratum
    contributions = contributions[contributions["source_id"].isin(drawn_from)]  # a source added later was not there to draw
    expected = draw_reliability_sample(contributions, 0.25, DEFAULT_SEED)
    assert sample == expected
    strata = contributions.groupby(["source_id", "speaker_group"]).size()
    assert len(expected) == sum(math.ceil(0.25 * n) for n in strata)


# --- consensus and reconciliation ---------------------------------------------------------------

RECONCILED_ROWS = [
    ("XX-01", "one", "coder_a", "a's memo"),
    ("XX-02", "two", "coder_a", ""),
    ("XX-03", "three", "coder_a", ""),
    ("XX-04", "not_codable", "coder_a", ""),
    ("XX-01", "one", "coder_b", ""),
    ("XX-01", "two", "coder_b", ""),
    ("XX-02", "one", "coder_b", ""),
]
LOG_HEADER = "contribution_id,code_id,coder_a,coder_b,decision,reason\n"
LOG = LOG_HEADER + (
    "XX-01,two,absent,present,present,B right.\n"
    "XX-02,one,absent,present,absent,A right.\n"
    "XX-02,two,present,absent,present,A right.\n"
    "XX-03,three,present,not coded,absent,Revision.\n"
    "XX-03,one,absent,not coded,present,Revision.\n"
)


def test_build_consensus_applies_the_log():
    frame = pd.DataFrame(RECONCILED_ROWS, columns=["contribution_id", "code_id", "coder", "memo"])
    log = pd.read_csv(__import__("io").StringIO(LOG), dtype=str, keep_default_na=False)
    consensus = build_consensus(frame, log)
    assert list(map(tuple, consensus[["contribution_id", "code_id"]].values)) == [
        ("XX-01", "one"), ("XX-01", "two"), ("XX-02", "two"), ("XX-03", "one"), ("XX-04", "not_codable")]
    assert set(consensus["coder"]) == {"consensus"}
    memos = dict(zip(consensus["contribution_id"] + "/" + consensus["code_id"], consensus["memo"]))
    assert memos["XX-01/one"] == "a's memo" and memos["XX-01/two"] == "Reconciliation: B right."


def reconciled_data(tmp_path, log=LOG, consensus_edit=None):
    frame = pd.DataFrame(RECONCILED_ROWS, columns=["contribution_id", "code_id", "coder", "memo"])
    consensus = build_consensus(frame, pd.read_csv(__import__("io").StringIO(LOG), dtype=str, keep_default_na=False))
    if consensus_edit:
        consensus = consensus_edit(consensus)
    rows = list(map(tuple, pd.concat([frame, consensus]).values))
    book = _book(**{"0__example": "XX-03"})  # XX-03 carries one in this consensus; nothing carries three
    data = make_data(tmp_path, codebook=book, rows=rows)
    (data / "reliability").mkdir()
    (data / "reliability" / "reconciliation.csv").write_text(log, encoding="utf-8")
    return data


def test_reconciled_fixture_is_valid(tmp_path):
    problems = [str(p) for p in check_coding(Data(reconciled_data(tmp_path)))]
    assert len(problems) == 1 and problems[0].endswith("codes.three.example: XX-03 does not carry three in the consensus coding")


def test_unlogged_consensus_change_is_a_problem(tmp_path):
    data = reconciled_data(tmp_path, consensus_edit=lambda c: c[c["code_id"] != "not_codable"])
    assert any("consensus lacks XX-04 / not_codable" in p.message for p in check_coding(Data(data)))


def test_undecided_disagreement_and_wrong_log_values_are_problems(tmp_path):
    log = LOG.replace("XX-02,one,absent,present,absent,A right.\n", "").replace("XX-02,two,present,absent", "XX-02,two,absent,absent")
    problems = [p.message for p in check_coding(Data(reconciled_data(tmp_path, log=log)))]
    assert "the disagreement on XX-02 / one between coder_a and coder_b has no decision" in problems
    assert "says absent but coder_a's coding has it present" in problems


def test_real_consensus_is_coder_a_with_the_logged_decisions():
    frame = pd.read_csv(DATA_DIR / "coding.csv", dtype=str, keep_default_na=False)
    log = pd.read_csv(DATA_DIR / RECONCILIATION_CSV, dtype=str, keep_default_na=False)
    expected = build_consensus(frame, log)
    pairs = set(zip(expected["contribution_id"], expected["code_id"]))
    for _, path in later_reconciliations(Data(DATA_DIR)):
        later = pd.read_csv(DATA_DIR / path, dtype=str, keep_default_na=False)
        decided = {decision: set(zip(rows["contribution_id"], rows["code_id"])) for decision, rows in later.groupby("decision")}
        pairs = (pairs - decided.get("absent", set())) | decided.get("present", set())
    actual = frame[frame["coder"] == "consensus"]
    assert sorted(zip(actual["contribution_id"], actual["code_id"])) == sorted(pairs)


LATER_LOG_HEADER = "contribution_id,code_id,before,second_coder,decision,reason\n"


def later_test_data(tmp_path, later_log: str) -> Path:
    """XX-01 in a section that fixes its function (need), the others in a section whose function
    is coded; a later test whose second coder coded XX-01 and XX-02, with ``later_log`` as its log
    (the first log holds one row only because it may not be empty)."""
    tmp_path.mkdir()
    book = dict(CODEBOOK, statement_functions=[{"id": "need"}, {"id": "hope"}])
    rows = [("XX-01", "one", "coder_a", ""), ("XX-02", "two", "coder_a", ""), ("XX-02", "hope", "coder_a", ""),
            ("XX-03", "three", "coder_a", ""), ("XX-04", "not_codable", "coder_a", "")]
    rows += [(cid, code, "reference", "") for cid, code, _, _ in rows if cid in ("XX-01", "XX-02")]
    rows += [("XX-01", "one", "second", ""), ("XX-01", "hope", "second", ""), ("XX-02", "two", "second", ""),
             ("XX-02", "need", "second", "")]
    consensus = [(cid, code, "consensus", "") for cid, code, coder, _ in rows if coder == "coder_a" and (cid, code) != ("XX-02", "hope")]
    data = make_data(tmp_path, codebook=book, rows=rows + consensus + [("XX-02", "need", "consensus", "")])
    contributions = CONTRIBUTIONS.assign(section=["fixed", "coded", "coded", "coded"])
    contributions.to_csv(data / "contributions.csv", index=False)
    vocabulary = yaml.safe_load((DATA_DIR / "vocabulary.yaml").read_text(encoding="utf-8"))
    vocabulary["sections"] = [{"id": "fixed", "meaning": "m", "statement_function": "need", "speaker_role": "voice"},
                              {"id": "coded", "meaning": "m", "statement_function": None, "speaker_role": "voice"}]
    vocabulary["coders"] = [{"id": name, "description": "d"} for name in ("consensus", "coder_a", "reference", "second")]
    (data / "vocabulary.yaml").write_text(yaml.safe_dump(vocabulary), encoding="utf-8")
    (data / "reliability").mkdir()
    (data / "reliability" / "reconciliation.csv").write_text(LOG_HEADER + "XX-03,one,absent,not coded,absent,Not carried.\n", encoding="utf-8")
    (data / "reliability" / "tests.yaml").write_text(yaml.safe_dump({"tests": [
        {"id": "t", "reference": "reference", "second_coder": "second", "reconciliation": "reliability/later.csv"}]}), encoding="utf-8")
    (data / "reliability" / "later.csv").write_text(later_log, encoding="utf-8")
    return data


def test_a_function_the_section_fixes_needs_no_decision_but_a_coded_one_does(tmp_path):
    decided = LATER_LOG_HEADER + "XX-02,hope,present,absent,absent,Second coder right.\nXX-02,need,absent,present,present,Second coder right.\n"
    assert check_coding(Data(later_test_data(tmp_path / "a", decided))) == []
    undecided = LATER_LOG_HEADER + "XX-02,hope,present,absent,absent,Second coder right.\n"
    found = messages(check_coding(Data(later_test_data(tmp_path / "b", undecided))))
    assert "code_id: the disagreement on XX-02 / need between reference and second has no decision" in found
    assert not [m for m in found if "XX-01 / hope" in m]


def placed(problems) -> list[str]:
    return [f"{Path(p.file).name}:{p.row or ''}:{p.column or ''}: {p.message}" for p in problems]


def test_every_reconciliation_problem_is_reported_in_order(tmp_path):
    log = (LOG.replace("XX-02,two,present,absent", "XX-02,two,present,present").replace("XX-02,one,absent,present,absent,A right.\n", "")
           .replace("XX-03,three,present,not coded", "XX-03,three,absent,not coded").replace("XX-03,one,absent,not coded", "XX-03,one,absent,absent")
           + "XX-01,two,absent,present,present,Again.\n")
    extra = pd.DataFrame([("XX-04", "three", "consensus", "")], columns=["contribution_id", "code_id", "coder", "memo"])
    data = reconciled_data(tmp_path, log=log, consensus_edit=lambda c: pd.concat([c[c["code_id"] != "not_codable"], extra]))
    assert placed(check_coding(Data(data))) == [
        "codebook.yaml::codes.three.example: XX-03 does not carry three in the consensus coding",
        "codebook.yaml::codes.not_codable.example: XX-04 does not carry not_codable in the consensus coding",
        "reconciliation.csv:5:: second decision on XX-01 / two",
        "coding.csv::code_id: consensus XX-04 / three is neither coder_a's nor a logged decision in reliability/reconciliation.csv or a later test's log",
        "coding.csv::code_id: consensus lacks XX-04 / not_codable (coder_a's code or a logged decision in reliability/reconciliation.csv or a later test's log)",
        "reconciliation.csv:2:coder_b: says present but coder_b's coding has it absent",
        "reconciliation.csv:3:coder_a: says absent but coder_a's coding has it present",
        "reconciliation.csv:4:coder_b: says absent but coder_b's coding has it not coded",
        "reconciliation.csv::code_id: the disagreement on XX-02 / one between coder_a and coder_b has no decision",
    ]


def test_a_later_log_is_checked_against_the_consensus_before_it_and_the_second_coder(tmp_path):
    later = LATER_LOG_HEADER + ("XX-02,hope,absent,present,absent,Second coder right.\nXX-02,need,absent,absent,present,Second coder right.\n"
                                "XX-03,one,present,not coded,present,Revision.\n")
    assert placed(check_coding(Data(later_test_data(tmp_path / "data", later)))) == [
        "later.csv:1:before: says absent but the consensus before this log has XX-02 / hope present",
        "later.csv:1:second_coder: says present but second has it absent",
        "later.csv:2:second_coder: says absent but second has it present",
        "later.csv:3:before: says present but the consensus before this log has XX-03 / one absent",
        "coding.csv::code_id: consensus lacks XX-03 / one (coder_a's code or a logged decision in reliability/reconciliation.csv or a later test's log)",
    ]


def test_an_empty_code_beside_not_codable_is_reported_not_a_crash(tmp_path):
    data = make_data(tmp_path, rows=CODING_ROWS + [("XX-04", "", "consensus", "")])
    assert placed(check_coding(Data(data))) == [f"coding.csv:{len(CODING_ROWS) + 1}:code_id: empty code_id"]


def test_row_keys_stay_exact_when_the_columns_have_very_many_values():
    from types import SimpleNamespace
    def column(*codes):
        return SimpleNamespace(codes=np.array(codes), values=range(2**40))  # len() without the values

    keys = row_keys([column(1, 2, 1), column(0, 0, 0), column(0, 0, 0)], np.arange(3))
    assert keys[0] == keys[2] != keys[1]  # 2**80 apart: equal if the products wrapped round


def test_an_undeclared_coder_is_named_with_its_row(tmp_path):
    data = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    lines = (data / "coding.csv").read_text(encoding="utf-8").split("\n")
    assert lines[1].startswith("LW-q1-01,outcomes_wellbeing,coder_a,")
    lines[1] = lines[1].replace(",coder_a,", ",coder_aa,")  # a typo on data row 1
    (data / "coding.csv").write_text("\n".join(lines), encoding="utf-8")
    problems = validate.validate_all(Data(data))
    assert str(problems[0]) == f"{data / 'coding.csv'}:1:coder: unknown coder (not defined in vocabulary.yaml): 'coder_aa'"


def test_every_coder_of_the_real_coding_is_declared_in_the_vocabulary():
    declared = set(validate.load_vocabulary(Data(DATA_DIR)).coders)
    assert set(pd.read_csv(DATA_DIR / "coding.csv", dtype=str)["coder"]) == declared


ROLES_BOOK = [{"id": "wish", "position": True}, {"id": "worry", "position": True, "judges": "badly"},
              {"id": "asset", "position": True, "judges": "well"}, {"id": "remark"}]


@pytest.mark.parametrize("functions, expected", [
    ([{**ROLES_BOOK[0], "position": "yes"}, *ROLES_BOOK[1:]], "statement_functions.wish.position: must be true or false"),
    ([*ROLES_BOOK[:2], {**ROLES_BOOK[2], "judges": "good"}], "statement_functions.asset.judges: 'good' is not a judgement (allowed: well, badly)"),
    ([*ROLES_BOOK[:2], {**ROLES_BOOK[2], "judges": "badly"}], "statement_functions.asset.judges: 'badly' is already what 'worry' judges"),
    ({"wish": {}}, "statement_functions: must be a list"),
])
def test_a_bad_statement_function_role_is_refused_in_one_line(tmp_path, functions, expected):
    data = make_data(tmp_path, codebook={**CODEBOOK, "statement_functions": functions})
    assert messages(check_codebook(Data(data))) == [expected]
    with pytest.raises(DataValidationError) as error:
        load_codebook(Data(data))
    assert str(error.value).splitlines()[1].endswith(expected)


def test_a_codebook_without_a_judging_pair_is_valid(tmp_path):
    from analysis.coding.functions import function_roles

    book = {**CODEBOOK, "statement_functions": [{"id": "wish", "position": True}, {"id": "remark", "position": False}]}
    assert check_codebook(Data(make_data(tmp_path, codebook=book))) == []
    roles = function_roles(book)
    assert (roles.positions, roles.well, roles.badly) == (("wish",), None, None)
