"""Suggested codes: deterministic, never counted, evaluated without training on the source
scored, recorded with their provenance, and accepted only as a reviewer decides."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

from tests.helpers import declare_coder
import pytest

from analysis.evidence.data import Data
from analysis.coding import suggest as sg
from analysis.coding.codebook import code_ids, load_codebook
from analysis.coding.functions import read_section_functions, statement_function_ids
from analysis.coding.suggest_command import main, suggested_coding
from analysis.coding.suggest_eval import evaluation, evaluation_sample, leave_one_source_out, top_scores
from analysis.study import open_study
from analysis.evidence.loaders import load_contributions
from analysis.exchange.qda import exchange_data
from analysis.paths import PROJECT_ROOT
from analysis.report.build import input_files

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "data"
SMOKE = {"data_dir": "tests/fixtures/data", "seed": 1, "n_bootstrap": 10, "min_cell_n": 2, "min_source_n": 6}
SOURCE = "fixture_voices"  # a source of prose, whose statement functions are coded


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURE, target)
    return target


def consensus(data_dir: Path) -> pd.DataFrame:
    coding = pd.read_csv(data_dir / "coding.csv", dtype=str, keep_default_na=False)
    codebook = load_codebook(Data(data_dir))
    return sg.consensus_table(load_contributions(Data(data_dir)), coding[coding["coder"] == "consensus"], code_ids(codebook),
                              statement_function_ids(codebook), read_section_functions(Data(data_dir)))


def suggestions_for(data_dir: Path, source: str, seed: int) -> pd.DataFrame:
    table = consensus(data_dir)
    codebook = load_codebook(Data(data_dir))
    model = sg.fit(table[table["source_id"] != source], code_ids(codebook), statement_function_ids(codebook), seed)
    targets = load_contributions(Data(data_dir)).query("source_id == @source")
    return sg.suggest(model, targets, read_section_functions(Data(data_dir)))


def test_suggestions_are_the_same_for_one_seed_and_ranked_by_score():
    first, second = suggestions_for(FIXTURE, SOURCE, 7), suggestions_for(FIXTURE, SOURCE, 7)
    pd.testing.assert_frame_equal(first, second)
    for _, rows in first.groupby(["contribution_id", "kind"]):
        assert rows["rank"].tolist() == list(range(1, len(rows) + 1))
        assert rows["score"].is_monotonic_decreasing
    codes = first[first["kind"] == sg.CODE]
    assert codes.groupby("contribution_id").size().eq(sg.TOP).all()
    assert set(codes["code_id"]) <= set(code_ids(load_codebook(Data(FIXTURE))))
    assert set(first["coder"]) == {sg.SUGGESTED}


def test_a_function_is_suggested_only_where_the_section_does_not_fix_it():
    suggestions = suggestions_for(FIXTURE, "fixture_workshop", 1)
    contributions = load_contributions(Data(FIXTURE)).set_index("contribution_id")
    fixed = read_section_functions(Data(FIXTURE))
    with_function = set(suggestions.loc[suggestions["kind"] == sg.FUNCTION, "contribution_id"])
    assert with_function == {cid for cid in suggestions["contribution_id"] if fixed[contributions.loc[cid, "section"]] is None}
    assert with_function  # the fixture's opportunity_challenge items


def test_the_command_writes_the_same_bytes_twice_and_records_its_provenance(data, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert main(["--data-dir", str(data), "--source", SOURCE]) == 0
    written = data / "suggestions" / f"{SOURCE}.csv"
    first = written.read_bytes()
    assert main(["--data-dir", str(data), "--source", SOURCE]) == 0
    assert written.read_bytes() == first
    record = json.loads(written.with_suffix(".json").read_text(encoding="utf-8"))
    table = consensus(data)
    assert record["coder"] == sg.SUGGESTED
    assert record["model"]["name"] == sg.MODEL_NAME and record["model"]["version"] == sg.MODEL_VERSION
    assert record["model"]["library"].startswith("scikit-learn ")
    assert record["training"]["sha256"] == sg.training_sha256(table[table["source_id"] != SOURCE])
    assert SOURCE not in record["training"]["sources"]
    assert record["created"] == "2023-11-14T22:13:20Z"
    assert record["suggestions"]["sha256"] == __import__("hashlib").sha256(first).hexdigest()
    assert 0 <= record["accuracy"]["precision_top1"] <= 1
    assert "measured leaving one source out" in capsys.readouterr().out


def test_the_training_hash_changes_with_the_consensus():
    table = consensus(FIXTURE)
    changed = table.copy()
    changed.loc[0, "codes"] = ("not_codable",)
    assert sg.training_sha256(table) != sg.training_sha256(changed)


def test_leaving_one_source_out_never_trains_on_the_source_it_scores():
    table = consensus(FIXTURE)
    codebook = load_codebook(Data(FIXTURE))
    trained_on: list[set[str]] = []

    def spy(training, *args):
        trained_on.append(set(training["source_id"]))
        return sg.fit(training, *args)

    scored = leave_one_source_out(table, code_ids(codebook), statement_function_ids(codebook), read_section_functions(Data(FIXTURE)), 1, spy)
    sources = list(table["source_id"].unique())
    assert trained_on == [set(sources) - {source} for source in sources]
    assert set(scored["contribution_id"]) == set(table["contribution_id"])
    for source, rows in scored.groupby("source_id"):
        assert set(rows["contribution_id"]) == set(table.loc[table["source_id"] == source, "contribution_id"])


def test_a_large_source_is_evaluated_on_a_seeded_sample_and_a_small_one_whole():
    table = pd.DataFrame({"source_id": list("aaaaabbccccccc"), "contribution_id": [f"s{n:02d}" for n in range(14)]})
    sample = evaluation_sample(table, seed=7, per_source=3)
    assert sample["source_id"].value_counts().to_dict() == {"a": 3, "b": 2, "c": 3}
    assert sample["contribution_id"].is_monotonic_increasing  # the table's order
    assert sample.equals(evaluation_sample(table, seed=7, per_source=3))
    assert not sample.equals(evaluation_sample(table, seed=8, per_source=3))
    assert evaluation_sample(table, seed=7, per_source=7) is table


def test_top_scores_are_counted_against_the_consensus_by_hand():
    table = pd.DataFrame({"contribution_id": ["a", "b"], "codes": [("x", "y"), ("z",)]})
    suggestions = pd.DataFrame({"contribution_id": ["a"] * 3 + ["b"] * 3, "kind": sg.CODE, "rank": [1, 2, 3] * 2,
                                "code_id": ["x", "q", "r", "q", "r", "s"]})
    scores = top_scores(suggestions, table)
    assert scores["precision_top1"] == 1 / 2 and scores["recall_top1"] == 1 / 3
    assert scores["precision_top3"] == 1 / 6 and scores["recall_top3"] == 1 / 3
    assert scores["outside_top3"] == pytest.approx(2 / 3) and scores["statements_outside_top3"] == 1.0


def test_the_evaluation_has_a_row_per_source_and_a_pooled_one():
    table = consensus(FIXTURE)
    codebook = load_codebook(Data(FIXTURE))
    scored = leave_one_source_out(table, code_ids(codebook), statement_function_ids(codebook), read_section_functions(Data(FIXTURE)), 1)
    summary, alphas = evaluation(scored, table, codebook)
    assert summary["source"].tolist() == [*table["source_id"].unique(), "(pooled)"]
    assert summary["statements"].iloc[-1] == len(table) == summary["statements"].iloc[:-1].sum()
    assert len(alphas) == len(codebook["themes"]) + 1
    assert summary[["precision_top1", "recall_top3"]].iloc[-1].between(0, 1).all()


def test_a_suggestion_never_enters_the_counts(data):
    parameters = {**SMOKE, "data_dir": str(data)}
    before = open_study(parameters)
    assert main(["--data-dir", str(data), "--source", SOURCE]) == 0
    proposed = pd.read_csv(data / "suggestions" / f"{SOURCE}.csv", dtype=str)
    assert len(proposed)
    after = open_study(parameters)
    pd.testing.assert_frame_equal(before.presence, after.presence)
    pd.testing.assert_frame_equal(before.coding, after.coding)
    assert sg.SUGGESTED not in set(after.coding["coder"])
    assert not any("suggestions" in path.parts for path in input_files(PROJECT_ROOT / "params" / "smoke.yaml", data, PROJECT_ROOT / "notebooks"))
    assert sg.SUGGESTED not in set(exchange_data(Data(data)).coding["coder"])  # the exports carry them only when asked


def test_the_qda_export_carries_proposed_suggestions_as_their_own_coder(data):
    assert main(["--data-dir", str(data), "--source", SOURCE]) == 0
    carried = exchange_data(Data(data), suggestions=True).coding
    suggested = carried[carried["coder"] == sg.SUGGESTED]
    file = pd.read_csv(data / "suggestions" / f"{SOURCE}.csv", dtype=str)
    assert sorted(zip(suggested["contribution_id"], suggested["code_id"])) == sorted(
        zip(file.loc[file["proposed"] == "True", "contribution_id"], file.loc[file["proposed"] == "True", "code_id"]))
    assert suggested["memo"].str.contains("rank 1, score").any()
    assert len(suggested_coding(Data(data))) == len(suggested)


def without_consensus_of(data: Path, source: str) -> None:
    contributions = load_contributions(Data(data))
    ids = set(contributions.loc[contributions["source_id"] == source, "contribution_id"])
    coding = pd.read_csv(data / "coding.csv", dtype=str, keep_default_na=False)
    coding[~coding["contribution_id"].isin(ids)].to_csv(data / "coding.csv", index=False, lineterminator="\n")


def test_accepting_a_review_writes_only_what_was_accepted(data, capsys):
    without_consensus_of(data, SOURCE)
    assert main(["--data-dir", str(data)]) == 0  # the statements without consensus coding
    path = data / "suggestions" / f"{SOURCE}.csv"
    review = pd.read_csv(path, dtype=str, keep_default_na=False)
    accept = (review["proposed"] == "True") & (review["contribution_id"] != review["contribution_id"].iloc[0])
    review["decision"] = accept.map({True: "accept", False: "reject"})
    first = review["contribution_id"].iloc[0]
    added = pd.DataFrame([{"contribution_id": first, "code_id": "not_codable", "decision": "accept", "memo": "Only a heading."},
                          {"contribution_id": first, "code_id": review.loc[review["kind"] == sg.FUNCTION, "code_id"].iloc[0],
                           "decision": "ACCEPT"}])
    pd.concat([review, added]).to_csv(path, index=False, lineterminator="\n")
    declare_coder(data, "reviewer", "The reviewer of the suggested codes.")
    assert main(["accept", str(path), "--data-dir", str(data), "--coder", "reviewer", "--consensus"]) == 0
    coding = pd.read_csv(data / "coding.csv", dtype=str, keep_default_na=False)
    wanted = sorted(map(tuple, pd.concat([review[accept], added])[["contribution_id", "code_id"]].to_numpy().tolist()))
    for coder in ("reviewer", "coder_a", "consensus"):
        rows = coding[coding["coder"] == coder]
        rows = rows[rows["contribution_id"].isin(review["contribution_id"])]
        assert sorted(map(tuple, rows[["contribution_id", "code_id"]].to_numpy().tolist())) == wanted, coder
    assert coding.loc[(coding["coder"] == "reviewer") & (coding["code_id"] == "not_codable"), "memo"].tolist() == ["Only a heading."]
    assert open_study({**SMOKE, "data_dir": str(data)}).contributions["contribution_id"].isin(review["contribution_id"]).any()
    assert main(["--data-dir", str(data)]) == 0
    assert "nothing to suggest" in capsys.readouterr().out


def test_a_review_breaking_the_rules_writes_nothing_and_says_why(data, capsys):
    without_consensus_of(data, SOURCE)
    assert main(["--data-dir", str(data)]) == 0
    path = data / "suggestions" / f"{SOURCE}.csv"
    review = pd.read_csv(path, dtype=str, keep_default_na=False)
    review["decision"] = (review["kind"] == sg.CODE).map({True: "accept", False: ""})  # codes but no function
    review.to_csv(path, index=False, lineterminator="\n")
    before = (data / "coding.csv").read_bytes()
    declare_coder(data, "reviewer", "The reviewer of the suggested codes.")
    assert main(["accept", str(path), "--data-dir", str(data), "--coder", "reviewer"]) == 1
    output = capsys.readouterr().err
    assert "statement function coded: exactly one expected, found none" in output and "Traceback" not in output
    review.loc[0, "decision"] = "maybe"
    review.to_csv(path, index=False, lineterminator="\n")
    assert main(["accept", str(path), "--data-dir", str(data), "--coder", "reviewer"]) == 1
    assert "row 1: decision 'maybe'" in capsys.readouterr().err
    assert main(["accept", str(path), "--data-dir", str(data), "--coder", "consensus"]) == 1
    assert (data / "coding.csv").read_bytes() == before


def test_suggesting_again_never_overwrites_a_review(data, capsys):
    assert main(["--data-dir", str(data), "--source", SOURCE]) == 0
    path = data / "suggestions" / f"{SOURCE}.csv"
    review = pd.read_csv(path, dtype=str, keep_default_na=False)
    review.loc[0, "decision"] = "accept"
    review.to_csv(path, index=False, lineterminator="\n")
    kept = path.read_bytes()
    assert main(["--data-dir", str(data), "--source", SOURCE]) == 1
    assert "holds review decisions" in capsys.readouterr().err
    assert path.read_bytes() == kept


def test_an_unknown_source_is_one_line(data, capsys):
    assert main(["--data-dir", str(data), "--source", "no_such_source"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "unknown source 'no_such_source'" in error


def test_a_review_in_a_qda_program_comes_back_under_the_reviewers_name(data, tmp_path, capsys):
    import zipfile

    from lxml import etree

    from analysis.exchange import qda, qda_command

    without_consensus_of(data, SOURCE)
    assert main(["--data-dir", str(data)]) == 0
    exported = tmp_path / "export"
    assert qda_command.main(["export", str(exported), "--data-dir", str(data), "--suggestions"]) == 0
    with zipfile.ZipFile(exported / qda.QDPX_NAME) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    root = etree.fromstring(members["project.qde"])
    suggested = [s for s in root.iter(f"{{{qda.PROJECT_NS}}}PlainTextSelection") if s.get("creatingUser") == qda.guid("user", sg.SUGGESTED)]
    rejected = suggested[0]  # the reviewer deletes one suggested coding
    rejected.getparent().remove(rejected)
    members["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    reviewed = tmp_path / "reviewed.qdpx"
    with zipfile.ZipFile(reviewed, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    declare_coder(data, "reviewer", "The reviewer of the suggested codes.")
    assert qda_command.main(["merge", str(reviewed), "--coder", "reviewer", "--consensus", "--data-dir", str(data)]) == 0
    coding = pd.read_csv(data / "coding.csv", dtype=str, keep_default_na=False)
    kept = suggested_coding(Data(data))
    gone = kept["contribution_id"].eq(rejected.get("name")) & kept["code_id"].eq(
        {qda.guid("code", c): c for c in kept["code_id"]}[rejected[-1][0].get("targetGUID")])
    wanted = sorted(zip(kept.loc[~gone, "contribution_id"], kept.loc[~gone, "code_id"]))
    for coder in ("reviewer", "coder_a", "consensus"):
        rows = coding[(coding["coder"] == coder) & coding["contribution_id"].isin(kept["contribution_id"])]
        assert sorted(zip(rows["contribution_id"], rows["code_id"])) == wanted, coder
    assert coding.loc[coding["coder"] == "reviewer", "memo"].str.startswith("Suggested by").all()


def test_the_benchmark_times_training_and_suggesting_on_statements_drawn_from_the_consensus():
    from benchmarks.suggest_benchmark import drawn, run

    training, targets = drawn(consensus(FIXTURE), 40, 3)
    assert len(training) == len(targets) == 40
    assert set(training["contribution_id"]) <= set(consensus(FIXTURE)["contribution_id"])
    timings = run(Data(FIXTURE), 40, 1, 3)
    assert list(timings) == ["train", "suggest"]
    assert all(cpu > 0 and wall > 0 for cpu, wall in timings.values())


@pytest.mark.parametrize("argv, options", [
    (["--help"], ["--source", "--data-dir", "--seed", "evaluate", "accept"]),
    (["accept", "--help"], ["FILE.csv", "--coder", "--consensus", "--dry-run", "--data-dir"]),
    (["evaluate", "--help"], ["--data-dir", "--seed"]),
])
def test_every_suggest_command_lists_its_options(argv, options, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    output = capsys.readouterr().out
    assert stopped.value.code == 0 and all(option in output for option in options), output


@pytest.mark.parametrize("carried, ranked_codes", [
    ([("t",), (), ("t",)], ["t"]),  # one code learned; codes never carried are not suggested
    ([("t",), ("t", "u"), ("t",)], ["t", "u"]),  # a code every statement carries
])
def test_a_small_training_set_still_gives_ranked_codes(carried, ranked_codes):
    training = pd.DataFrame({"contribution_id": ["a", "b", "c"], "source_id": "s", "section": "x",
                             "text": ["more time for families", "less paperwork please", "time with people"],
                             "codes": carried, "function": ""})
    model = sg.fit(training, ["t", "u", "v"], ["hope", "need"], 1)
    rows = sg.suggest(model, pd.DataFrame({"contribution_id": ["z"], "section": ["x"], "text": ["time"]}), {"x": "hope"})
    assert rows["code_id"].tolist() == ranked_codes
    assert rows["score"].between(0, 1).all() and rows["proposed"].iloc[0]
