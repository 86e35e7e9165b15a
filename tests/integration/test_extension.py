"""The extension paths of the README's "Extending it", tried in a temporary copy of the project.

A source, a parameter and a code are each added the way a student would, touching only the
files the README names, then the briefing is built. Slow (each builds a briefing): integration.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from tests.helpers import declare_coder
import pytest
import yaml

from analysis.paths import PROJECT_ROOT

pytestmark = pytest.mark.integration

LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "outputs", "figures", "*.egg-info", "__pycache__", ".pytest_cache", ".cache")
NEW_SOURCE = "extension_forum_2016"
NEW_TEXT = """Invented extension source: a forum of social workers, written for the project's tests.

What should social work be like in ten years?

{first}
- Workers who have time to listen
- Help that arrives before a crisis

{second}
- Caseloads that allow relationships
- Supervision that is about practice
"""


def copy_project(target: Path) -> Path:
    shutil.copytree(PROJECT_ROOT, target, ignore=LEFT_OUT)
    return target


def run(project: Path, *argv: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(project)}
    result = subprocess.run([sys.executable, *argv], cwd=project, env=environment, capture_output=True, text=True)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def fingerprints(project: Path) -> dict[str, str]:
    return {str(p.relative_to(project)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(project.rglob("*")) if p.is_file() and "__pycache__" not in p.parts and "outputs" not in p.parts}


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def append_csv_row(path: Path, row: dict[str, str]) -> None:
    header = next(csv.reader(path.open(encoding="utf-8")))
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=header, lineterminator="\n").writerow(row)


def profile(project: Path, name: str, **values) -> Path:
    smoke = yaml.safe_load((project / "params" / "smoke.yaml").read_text(encoding="utf-8"))
    path = project / "params" / f"{name}.yaml"
    path.write_text(yaml.safe_dump({**smoke, "profile": name, **values}, sort_keys=False), encoding="utf-8")
    return path


def build(project: Path, params: Path) -> Path:
    result = run(project, "-m", "analysis", "build", "--params", str(params.relative_to(project)))
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "outputs" / "profiles" / params.stem


@pytest.fixture(scope="module")
def with_a_source(tmp_path_factory) -> tuple[Path, set[str]]:
    """A copy of the project with a new list-shaped source, extracted, given suggested codes, reviewed
    and coded, and the files it touched."""
    project = copy_project(tmp_path_factory.mktemp("source") / "project")
    data = project / "data"
    before = fingerprints(project)
    groups = yaml.safe_load((data / "groups.yaml").read_text(encoding="utf-8"))["speaker_groups"]
    first, second = (group["labels"][0] for group in list(groups.values())[:2])
    sets = yaml.safe_load((data / "vocabulary.yaml").read_text(encoding="utf-8"))["source_sets"]
    old_contributions = (data / "contributions.csv").read_bytes()

    # 1. the text, 2. its metadata row, 3. its declaration
    text = data / "sources" / f"{NEW_SOURCE}.txt"
    text.write_text(NEW_TEXT.format(first=first, second=second), encoding="utf-8")
    append_csv_row(data / "sources" / "sources.csv", {
        "source_id": NEW_SOURCE, "seed_file": "(invented for tests)", "title": "An invented forum", "author_or_organisation": "Test",
        "publisher": "Test", "date": "2016", "date_note": "Invented.", "kind": "workshop report", "place": "Nowhere",
        "source_set": sets[-1]["id"], "citation": "Invented for the tests.", "licence_note": "Invented; MIT like the code.",
        "sha256": hashlib.sha256(text.read_bytes()).hexdigest()})
    vocabulary = yaml.safe_load((data / "vocabulary.yaml").read_text(encoding="utf-8"))
    section = next(s["id"] for s in vocabulary["sections"] if s["statement_function"] and s["speaker_role"] == "voice")
    with (data / "extraction_rules.yaml").open("a", encoding="utf-8") as rules:
        rules.write(f"\n{NEW_SOURCE}:\n  id_prefix: ZZ\n  layout: lists_under_headings\n  sections:\n    items: {section}\n")

    result = run(project, "-m", "analysis", "extract")
    assert result.returncode == 0, result.stderr
    rebuilt = (data / "contributions.csv").read_bytes()
    assert rebuilt.startswith(old_contributions)  # every existing row as it was
    new_rows = pd.read_csv(data / "contributions.csv", dtype=str).query("source_id == @NEW_SOURCE")
    assert list(new_rows["contribution_id"]) == ["ZZ-01-01", "ZZ-01-02", "ZZ-02-01", "ZZ-02-02"]

    # 4. suggested codes, 5. a review (accepting every proposed suggestion stands in for it), then the coding
    result = run(project, "-m", "analysis", "suggest")
    assert result.returncode == 0, result.stderr
    suggestions = data / "suggestions" / f"{NEW_SOURCE}.csv"
    review = pd.read_csv(suggestions, dtype=str, keep_default_na=False)
    assert set(review["contribution_id"]) == set(new_rows["contribution_id"])
    review["decision"] = review["proposed"].map({"True": "accept", "False": "reject"})
    review.to_csv(suggestions, index=False, lineterminator="\n")
    declare_coder(data, "student_2026", "The student who reviewed the suggested codes of the new source.")
    result = run(project, "-m", "analysis", "suggest", "accept", str(suggestions.relative_to(project)), "--coder", "student_2026", "--consensus")
    assert result.returncode == 0, result.stdout + result.stderr
    result = run(project, "-m", "analysis", "validate")
    assert result.returncode == 0, result.stdout
    return project, changed(before, fingerprints(project))


def test_a_new_source_touches_its_text_metadata_row_declaration_and_reviewer_plus_its_suggestions_and_coding(with_a_source):
    _, touched = with_a_source
    assert touched == {f"data/sources/{NEW_SOURCE}.txt", "data/sources/sources.csv", "data/extraction_rules.yaml",
                       "data/contributions.csv", "data/coding.csv", "data/vocabulary.yaml",
                       f"data/suggestions/{NEW_SOURCE}.csv", f"data/suggestions/{NEW_SOURCE}.json"}


def test_a_new_source_is_counted_only_as_its_reviewer_accepted(with_a_source):
    project, _ = with_a_source
    coding = pd.read_csv(project / "data" / "coding.csv", dtype=str, keep_default_na=False)
    review = pd.read_csv(project / "data" / "suggestions" / f"{NEW_SOURCE}.csv", dtype=str, keep_default_na=False)
    accepted = review.loc[review["decision"] == "accept", ["contribution_id", "code_id"]].sort_values(["contribution_id", "code_id"])
    for coder in ("student_2026", "coder_a", "consensus"):
        rows = coding.loc[(coding["coder"] == coder) & coding["contribution_id"].str.startswith("ZZ-"), ["contribution_id", "code_id"]]
        assert rows.sort_values(["contribution_id", "code_id"]).to_numpy().tolist() == accepted.to_numpy().tolist(), coder
    assert "suggested" not in set(coding["coder"])


def test_a_new_source_reaches_the_briefing(with_a_source):
    project, _ = with_a_source
    sets = {row["source_id"]: row["source_set"] for row in csv.DictReader((project / "data" / "sources" / "sources.csv").open(encoding="utf-8"))}
    params = profile(project, "extension_source", data_dir="data", sources=[sets[NEW_SOURCE]], n_bootstrap=20, min_cell_n=1, min_source_n=1)
    outputs = build(project, params)
    counts = pd.read_csv(outputs / "tables" / "contributions_by_source_section.csv")
    assert counts.loc[counts["source_id"] == NEW_SOURCE, "n"].sum() == 4
    assert (outputs / "briefing.html").stat().st_size > 0


def test_a_new_source_breaks_no_existing_test_of_the_data(with_a_source):
    project, _ = with_a_source
    files = [f"tests/unit/test_{name}.py" for name in ("corpus", "validate", "vocabulary", "readers", "coding")]
    result = run(project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not integration and not browser", *files)
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_parameter_added_in_one_place_reaches_the_briefing(tmp_path):
    project = copy_project(tmp_path / "project")
    before = fingerprints(project)
    params_py = project / "analysis" / "params.py"
    anchor = '    "n_bootstrap": Parameter('
    source = params_py.read_text(encoding="utf-8")
    params_py.write_text(source.replace(anchor, '    "quote_words": Parameter(int, 12, "longest quote shown, in words", minimum=1),\n' + anchor, 1), encoding="utf-8")
    params = profile(project, "extension_parameter", quote_words=7)
    assert changed(before, fingerprints(project)) == {"analysis/params.py", "params/extension_parameter.yaml"}
    page = (build(project, params) / "briefing.html").read_text(encoding="utf-8")
    from lxml import html as lxml_html

    rows = {row.xpath("string(th)"): row.xpath("string(td)") for row in lxml_html.fromstring(page).xpath("//tr[th[@scope='row']]")}
    assert rows.get("quote_words") == "7"  # the run parameters table


def test_a_code_added_after_the_reliability_test_is_counted_and_marked_not_yet_tested(tmp_path):
    project = copy_project(tmp_path / "project")
    data = project / "tests" / "fixtures" / "data"
    before = fingerprints(project)
    codebook = yaml.safe_load((data / "codebook.yaml").read_text(encoding="utf-8"))
    coding = pd.read_csv(data / "coding.csv", dtype=str, keep_default_na=False)
    carriers = list(coding.loc[coding["coder"] == "consensus", "contribution_id"].unique()[:3])
    theme = next(code["theme"] for code in codebook["codes"] if code["id"] != "not_codable")
    codebook["codes"].insert(0, {
        "id": "technology", "label": "Technology and computers", "theme": theme, "brief_definition": "Technology at work.",
        "full_definition": "Computers, systems and devices in social work.", "use_when": "Technology is named.",
        "do_not_use_when": "Only paperwork is meant.", "example": carriers[0], "origin": "inductive"})
    codebook["version"] = "1.1.0"
    codebook["changelog"].append({"version": "1.1.0", "date": "2026-11-30", "changes": "Code technology added.", "reason": "Extension test."})
    (data / "codebook.yaml").write_text(yaml.safe_dump(codebook, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for contribution_id in carriers:
        for coder in ("coder_a", "consensus"):
            append_csv_row(data / "coding.csv", {"contribution_id": contribution_id, "code_id": "technology", "coder": coder, "memo": ""})
    assert changed(before, fingerprints(project)) == {"tests/fixtures/data/codebook.yaml", "tests/fixtures/data/coding.csv"}
    result = run(project, "-m", "analysis", "validate", "--data-dir", str(data))
    assert result.returncode == 0, result.stdout

    outputs = build(project, profile(project, "extension_code", theme_level="code"))
    prevalence = pd.read_csv(outputs / "tables" / "prevalence_by_group.csv")
    assert prevalence.loc[prevalence.iloc[:, 1] == "technology", "n"].sum() == len(carriers)
    page = (outputs / "briefing.html").read_text(encoding="utf-8")
    assert "Not yet tested (added or redefined after the test): Technology and computers" in page
    assert "0.00, for Technology and computers" not in page



NEW_COMPARISON = '''

def statements_per_source(contributions: pd.DataFrame) -> pd.DataFrame:
    """How many statements each source gave, most first (ties by source id)."""
    counts = contributions["source_id"].value_counts()
    return counts.rename_axis("source_id").reset_index(name="statements").sort_values(
        ["statements", "source_id"], ascending=[False, True], ignore_index=True)
'''
NEW_COMPARISON_TEST = '''"""statements_per_source on a hand-made table."""

import pandas as pd

from analysis.compare.comparisons import statements_per_source


def test_statements_per_source_counts_each_source():
    table = statements_per_source(pd.DataFrame({"source_id": ["b", "a", "b"]}))
    assert table.to_dict("list") == {"source_id": ["b", "a"], "statements": [2, 1]}
'''


def test_a_comparison_is_its_function_one_registry_entry_a_test_and_a_caption(tmp_path):
    project = copy_project(tmp_path / "project")
    before = fingerprints(project)
    with (project / "analysis" / "compare" / "comparisons.py").open("a", encoding="utf-8") as module:
        module.write(NEW_COMPARISON)
    registry = project / "analysis" / "report" / "registry.py"
    entries_end = "\n)\n\n\ndef registered("
    registry.write_text(registry.read_text(encoding="utf-8").replace(entries_end, (
        '\n    Comparison("statements_per_source", lambda study: compare.statements_per_source(study.contributions),'
        '\n               "30_sources_compared", "shared_and_unique", in_briefing=True),' + entries_end), 1), encoding="utf-8")
    captions = project / "analysis" / "report" / "templates" / "sections" / "table_captions.html.j2"
    with captions.open("a", encoding="utf-8") as template:
        template.write("{% macro statements_per_source() %}Statements per source, most first.{% endmacro %}\n")
    (project / "tests" / "unit" / "test_statements_per_source.py").write_text(NEW_COMPARISON_TEST, encoding="utf-8")
    assert changed(before, fingerprints(project)) == {
        "analysis/compare/comparisons.py", "analysis/report/registry.py",
        "analysis/report/templates/sections/table_captions.html.j2", "tests/unit/test_statements_per_source.py"}
    tested = run(project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit/test_statements_per_source.py")
    assert tested.returncode == 0, tested.stdout

    outputs = build(project, profile(project, "extension_comparison"))
    table = pd.read_csv(outputs / "tables" / "statements_per_source.csv")
    contributions = pd.read_csv(project / "tests" / "fixtures" / "data" / "contributions.csv")
    assert table["statements"].sum() == len(contributions) and list(table["statements"]) == sorted(table["statements"], reverse=True)
    page = (outputs / "briefing.html").read_text(encoding="utf-8")
    assert "Statements per source, most first." in page
