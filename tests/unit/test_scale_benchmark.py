"""The scale benchmark's synthetic data is valid data in this project's format, of the promised shape."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.evidence.data import Data
import analysis.coding.checks  # noqa: F401  (registers the coding checks)
from analysis.evidence.validate import validate_all
from benchmarks import scale_benchmark as scale


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return scale.write_synthetic_data(tmp_path_factory.mktemp("scale") / "data", 2_000, seed=3)


def test_synthetic_data_passes_every_check(synthetic):
    assert validate_all(Data(synthetic)) == []


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


def test_the_build_benchmark_reads_every_step_the_build_reports():
    from analysis.report.build import StepLog
    from benchmarks.scale_build import STEP_LINE

    said = []
    log = StepLog(total_steps=2, echo=said.append)
    log.record("notebook 20_themes_by_group", 12.34)
    log.record("write REFI-QDA and open-data exports (beside the notebooks)", 5.0)
    matched = [STEP_LINE.match(line) for line in said]
    assert [(m["name"], float(m["seconds"])) for m in matched] == [
        ("notebook 20_themes_by_group", 12.3), ("write REFI-QDA and open-data exports (beside the notebooks)", 5.0)]


def test_every_row_made_bad_is_reported_by_validation(tmp_path):
    from benchmarks.scale_build import make_every_row_bad

    data = scale.write_synthetic_data(tmp_path / "data", 400, seed=5)
    rows = make_every_row_bad(data)
    problems = validate_all(Data(data))
    contribution_rows = {p.row for p in problems if p.file.endswith("contributions.csv")}
    assert rows == 400 and contribution_rows == set(range(1, rows + 1))


def test_the_build_summary_gives_each_step_its_exponent_and_the_targets():
    from benchmarks.scale_build import summary

    results = pd.DataFrame([{"contributions": n, "step": step, "wall_s": seconds, "cpu_s": seconds, "peak_gib": 0.5}
                            for n, scale_ in ((1_000, 1), (10_000, 10)) for step, seconds in
                            (("validate data", 0.1 * scale_), ("notebook 20", 2.0 * scale_ ** 1.2), ("whole build", 5.0 * scale_))])
    written = pd.DataFrame([{"contributions": n, "output": "briefing.html", "size": 2**20} for n in (1_000, 10_000)])
    text = summary(results, written, {"bad_rows": 10_000, "problems": 12_500, "wall_s": 3.0, "cpu_s": 2.5, "contributions": 10_000})
    lines = {line.split("  ")[0]: line for line in text.splitlines()}
    assert lines["validate data"].rstrip().endswith("1.00") and lines["notebook 20"].rstrip().endswith("1.20")
    assert "whole build 50 s wall (target 600)" in text and "largest step exponent 1.20" in text
    assert "12,500 problems, 3.0 s wall" in text and "1.00 MB" in lines["briefing.html"]


def test_a_build_that_fails_is_one_line_naming_its_exit(tmp_path):
    from benchmarks.scale_build import BuildBenchmarkFailed, run_build

    profile = tmp_path / "scale.yaml"
    profile.write_text("profile: scale\ndata_dir: /nonexistent/data\n", encoding="utf-8")
    with pytest.raises(BuildBenchmarkFailed, match=r"failed \(exit 2\): error: .*data_dir") as failed:
        run_build(profile, tmp_path / "outputs", report=lambda _: None)
    assert "\n" not in str(failed.value)


@pytest.mark.parametrize("argv, prog, repeat", [(["benchmark", "--scale", "--help"], "python -m analysis benchmark --scale", True),
                                                (["benchmark", "--scale", "--build", "--help"], "python -m analysis benchmark --scale --build", False)])
def test_each_scale_benchmark_has_its_own_command_with_the_shared_options(argv, prog, repeat, capsys):
    from analysis.cli import main

    with pytest.raises(SystemExit) as done:
        main(argv)
    said = capsys.readouterr().out
    assert done.value.code == 0 and said.startswith(f"usage: {prog} ")
    assert all(option in said for option in ("--sizes", "--params", "--seed")) and ("--repeat" in said) == repeat
