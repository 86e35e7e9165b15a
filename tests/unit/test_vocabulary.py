"""The data's vocabulary (data/vocabulary.yaml): read, validated, and the only source of its names."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from analysis.evidence.data import Data
from analysis.evidence import loaders, validate
from analysis.evidence.readers import DataValidationError
from analysis.evidence.vocabulary import PARTS, check_vocabulary, load_vocabulary, parent_sections, section_functions, source_set_order
from analysis.paths import DATA_DIR, PROJECT_ROOT

FIXTURE_DIR = PROJECT_ROOT / "tests" / "fixtures" / "data"


@pytest.fixture
def vocabulary_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DIR, target)
    return target


def rewrite(data_dir: Path, change) -> None:
    path = data_dir / "vocabulary.yaml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize("data_dir", [DATA_DIR, FIXTURE_DIR], ids=["data", "fixture"])
def test_the_vocabularies_are_valid_and_cover_the_data(data_dir):
    assert check_vocabulary(Data(data_dir)) == []
    vocabulary = load_vocabulary(Data(data_dir))
    contributions = loaders.load_contributions(Data(data_dir))
    assert set(contributions["section"]) <= set(vocabulary.sections)
    assert set(contributions["source_set"]) <= set(vocabulary.source_sets)
    assert set(contributions["speaker_sector"]) <= set(vocabulary.sectors)


def test_source_sets_come_in_their_stated_order(vocabulary_copy):
    rewrite(vocabulary_copy, lambda content: content["source_sets"].reverse())
    orders = {entry["id"]: entry["order"] for entry in yaml.safe_load((vocabulary_copy / "vocabulary.yaml").read_text(encoding="utf-8"))["source_sets"]}
    assert source_set_order(Data(vocabulary_copy)) == sorted(orders, key=orders.get)


def test_section_functions_give_a_function_or_none_for_every_section():
    functions = section_functions(Data(DATA_DIR))
    codebook = yaml.safe_load((DATA_DIR / "codebook.yaml").read_text(encoding="utf-8"))
    known = {entry["id"] for entry in codebook["statement_functions"]}
    assert set(functions) == set(load_vocabulary(Data(DATA_DIR)).sections)
    assert {value for value in functions.values() if value is not None} <= known
    assert None in functions.values()


@pytest.mark.parametrize("change, column, message", [
    (lambda c: c["sections"][0].pop("speaker_role"), r"sections\.\w+\.speaker_role", "missing"),
    (lambda c: c["sections"][0].update(speaker_role="listener"), r"sections\.\w+\.speaker_role", "allowed: voice, subject"),
    (lambda c: c["source_sets"][1].update(order=c["source_sets"][0]["order"]), r"source_sets\.\w+\.order", "is also the order of"),
    (lambda c: c["sectors"].append(dict(c["sectors"][0])), r"sectors\.\w+\.id", "defined twice"),
    (lambda c: c["sectors"][0].update(id="Not An Id"), r"sectors\.Not An Id\.id", "lower case"),
    (lambda c: c["source_sets"][0].update(colour="red"), r"source_sets\.\w+\.colour", "unknown field"),
    (lambda c: c.pop("source_kinds"), r"source_kinds", "missing"),
    (lambda c: c.update(extra=[]), r"extra", "unknown part"),
])
def test_a_broken_vocabulary_gives_one_line_naming_the_entry(vocabulary_copy, change, column, message):
    rewrite(vocabulary_copy, change)
    problems = check_vocabulary(Data(vocabulary_copy))
    assert [p for p in problems if re.fullmatch(column, p.column or "") and message in p.message], [str(p) for p in problems]
    assert all(str(p).startswith(str(vocabulary_copy / "vocabulary.yaml")) for p in problems)
    with pytest.raises(DataValidationError):
        load_vocabulary(Data(vocabulary_copy))


def test_a_section_missing_from_the_vocabulary_is_an_unknown_section_in_the_contributions(vocabulary_copy):
    used = loaders.load_contributions(Data(vocabulary_copy))["section"].iloc[0]
    rewrite(vocabulary_copy, lambda c: c.update(sections=[s for s in c["sections"] if s["id"] != used]))
    problems = validate.check_contributions(Data(vocabulary_copy))
    assert problems and all(p.column == "section" and "not defined in vocabulary.yaml" in p.message for p in problems)


def test_a_sector_missing_from_the_vocabulary_is_reported_in_the_groups(vocabulary_copy):
    used = yaml.safe_load((vocabulary_copy / "groups.yaml").read_text(encoding="utf-8"))["speaker_groups"]
    sector = next(iter(used.values()))["sector"]
    rewrite(vocabulary_copy, lambda c: c.update(sectors=[s for s in c["sectors"] if s["id"] != sector]))
    assert any(p.column.endswith(".sector") and f"unknown sector {sector!r}" in p.message for p in validate.check_groups(Data(vocabulary_copy)))


def test_every_part_is_described_in_the_file():
    header = (DATA_DIR / "vocabulary.yaml").read_text(encoding="utf-8").split("\n\n")[0]
    assert all(part in header for part in PARTS)


def test_a_parent_in_another_section_than_the_vocabulary_says_is_named(tmp_path):
    data = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    contributions = loaders.load_contributions(Data(data))
    parents = parent_sections(Data(data))
    child = contributions[contributions["section"].isin(parents) & contributions["parent_id"].notna()].iloc[0]
    stranger = contributions[(contributions["source_id"] == child["source_id"]) & (contributions["section"] != parents[child["section"]])
                             & (contributions["contribution_id"] != child["contribution_id"])].iloc[0]
    path = data / "contributions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(f",{child['parent_id']},", f",{stranger['contribution_id']},", 1), encoding="utf-8")
    problems = validate.check_contributions(Data(data))
    assert [p.column for p in problems] == ["parent_id"]
    assert f"is a {stranger['section']}, not a {parents[child['section']]}" in problems[0].message


def test_a_parent_section_must_be_a_section(vocabulary_copy):
    rewrite(vocabulary_copy, lambda c: c["sections"][0].update(parent_section="nowhere"))
    assert any(p.column.endswith(".parent_section") and "'nowhere' is not a section" in p.message for p in check_vocabulary(Data(vocabulary_copy)))


def test_example_sections_come_from_the_vocabulary():
    from analysis.evidence.vocabulary import load_vocabulary
    from analysis.paths import DATA_DIR

    themes, examples = load_vocabulary(Data(DATA_DIR)).example_sections()
    assert load_vocabulary(Data(DATA_DIR)).sections[examples]["parent_section"] == themes


def test_a_sections_printed_words_are_verbatim_in_a_source_and_must_be_text(vocabulary_copy):
    printed = [entry["as_printed"] for entry in load_vocabulary(Data(DATA_DIR)).sections.values() if "as_printed" in entry]
    texts = [path.read_text(encoding="utf-8") for path in (DATA_DIR / "sources").glob("*.txt")]
    assert printed and all(any(words in text for text in texts) for words in printed)
    rewrite(vocabulary_copy, lambda content: content["sections"][0].update(as_printed=3))
    assert any("as_printed" in problem.column and "not text" in problem.message for problem in check_vocabulary(Data(vocabulary_copy)))
