"""One way in for every data file: broken copies in a temporary folder give one line, never a traceback.

Each case breaks one file of a copy of the real data and runs the command a student would
(``validate``, ``extract --check``), in process, as ``python -m analysis`` does.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from analysis.evidence.data import Data
from analysis.cli import main
from analysis.evidence import readers
from analysis.evidence.extraction import load_rules
from analysis.evidence.loaders import load_contributions, load_sources
from analysis.paths import DATA_DIR

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def run(capsys, *argv: str) -> tuple[int, list[str]]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, [line for line in (captured.out + captured.err).splitlines() if line.strip()]


def header_only(path: Path) -> bytes:
    return path.read_bytes().split(b"\n", 1)[0] + b"\n"


@pytest.mark.parametrize("name, damage, message", [
    ("contributions.csv", lambda path: b"", "is empty"),
    ("contributions.csv", header_only, "has no rows (only a header)"),
    ("contributions.csv", lambda path: path.read_bytes().replace(b"Lancaster", b"Lanc\xe4ster", 1), "not valid UTF-8 at byte offset"),
    ("contributions.csv", lambda path: path.read_bytes().replace(b"\n", b"\n\x00", 3)[:4000], "holds a NUL byte (line 2 of the file)"),
    ("coding.csv", lambda path: b"", "is empty"),
    ("sources/sources.csv", header_only, "has no rows"),
    ("groups.yaml", lambda path: path.read_bytes().replace(b"speaker_groups:\n", b"speaker_groups:\n  - [unclosed\n", 1), "not valid YAML at line"),
    ("vocabulary.yaml", lambda path: b"source_sets: [\n", "not valid YAML at line 2, column 1"),
    ("codebook.yaml", lambda path: b"   \n", "is empty"),
    ("sources/changing_lives_2006.txt", lambda path: BOM + path.read_bytes(), "starts with a byte-order mark"),
])
def test_a_broken_file_gives_one_line_naming_it_and_a_non_zero_exit(data_copy, capsys, name, damage, message):
    path = data_copy / name
    path.write_bytes(damage(path))
    code, lines = run(capsys, "validate", "--data-dir", str(data_copy))
    assert code == 1
    named = [line for line in lines if line.startswith(f"{data_copy / name}:") and message in line]
    assert len(named) == 1, lines
    assert len(lines) <= 4, lines  # the line itself, and at most a consequence or two, not one per coding row


def test_a_nul_byte_in_a_csv_is_named_by_its_data_row_and_column(data_copy, capsys):
    path = data_copy / "contributions.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b",contribution,", b",contri\x00bution,", 1)  # data row 2, column section
    path.write_bytes(b"\n".join(lines))
    code, printed = run(capsys, "validate", "--data-dir", str(data_copy))
    assert code == 1
    assert printed[0] == f"{path}:2:section: holds a NUL byte (line 3 of the file)", printed


def test_a_header_only_contributions_file_is_one_line_not_a_problem_per_coding_row(data_copy, capsys):
    path = data_copy / "contributions.csv"
    path.write_bytes(header_only(path))
    code, lines = run(capsys, "validate", "--data-dir", str(data_copy))
    assert code == 1 and len(lines) == 2, lines  # the problem and the count
    assert lines[0] == f"{path}::: has no rows (only a header)"


@pytest.mark.parametrize("name", ["contributions.csv", "sources/sources.csv", "coding.csv", "groups.yaml"])
def test_a_byte_order_mark_and_windows_line_ends_are_accepted_by_every_reader(data_copy, capsys, name):
    path = data_copy / name
    path.write_bytes(BOM + path.read_bytes().replace(b"\n", b"\r\n"))
    code, lines = run(capsys, "validate", "--data-dir", str(data_copy))
    assert code == 0, lines
    assert len(load_contributions(Data(data_copy))) == len(load_contributions(Data(DATA_DIR)))
    assert list(load_sources(Data(data_copy))["source_id"]) == list(load_sources(Data(DATA_DIR))["source_id"])


def test_extract_reports_a_broken_input_in_lines(data_copy, capsys):
    (data_copy / "extraction_repairs.yaml").write_bytes(b"joined_lines: [\n")
    code, lines = run(capsys, "extract", "--check", "--data-dir", str(data_copy))
    assert code == 1 and len(lines) == 1 and "extraction_repairs.yaml:::" in lines[0] and "not valid YAML at line 2" in lines[0]


def test_extract_reports_a_text_that_no_longer_follows_its_rule(data_copy, capsys):
    catalogue = data_copy / "sources" / "sources.csv"
    rules = load_rules(Data(data_copy), list(load_sources(Data(data_copy))["source_id"]))
    source_id = next(source_id for source_id, rule in rules.items() if "layout" not in rule)  # a source with a rule of its own
    source = data_copy / "sources" / f"{source_id}.txt"
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    source.write_text(source.read_text(encoding="utf-8")[:200], encoding="utf-8")  # the text cut short
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace(before, hashlib.sha256(source.read_bytes()).hexdigest()), encoding="utf-8")
    code, lines = run(capsys, "extract", "--check", "--data-dir", str(data_copy))
    assert code == 1 and len(lines) == 1, lines
    assert lines[0].startswith(f"{source}: ")


def test_a_yaml_error_is_one_line_with_its_line_and_column(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb: [2\nc: 3\n", encoding="utf-8")
    content, problems = readers.read_yaml(path)
    assert content is None and len(problems) == 1
    assert "\n" not in str(problems[0]) and "line 3, column 2" in problems[0].message


@pytest.mark.parametrize("body, row", [("a,b\n1,2\n3,4,5\n", 2), ("a,b\n1,2,3\n4,5\n", 1), ("a,b\n1,2,3\n4,5,6\n", 1)])
def test_a_row_longer_than_the_header_is_named(tmp_path, body, row):
    path = tmp_path / "x.csv"
    path.write_text(body, encoding="utf-8")  # a long first row must not become an index
    frame, problems = readers.read_csv(path)
    assert frame is None and [(p.row, p.message) for p in problems] == [(row, "has 3 cells but the header names 2 columns")]


@pytest.mark.parametrize("command", [("validate",), ("extract", "--check")])
def test_a_missing_data_folder_is_one_line(tmp_path, capsys, command):
    code, lines = run(capsys, *command, "--data-dir", str(tmp_path / "nowhere"))
    assert code == 1 and lines == [f"{tmp_path / 'nowhere'}: no such data folder"]


def test_a_fault_in_a_rule_module_is_one_line_naming_the_source(data_copy, capsys, monkeypatch):
    from analysis.evidence import extraction

    def broken(ctx):
        return [][0]

    monkeypatch.setattr(extraction, "extractor", lambda ctx: broken)
    code, lines = run(capsys, "extract", "--check", "--data-dir", str(data_copy))
    assert code == 1 and len(lines) == 1
    assert "its rule failed with IndexError: list index out of range" in lines[0] and lines[0].startswith(str(data_copy / "sources"))


@pytest.mark.parametrize("name, old, new, message", [
    ("groups.yaml", "    sector: practice\n", "    sector: [practice]\n", "sector: must be text"),
    ("groups.yaml", "    short_label:", "    short_name:", "short_label: missing"),
    ("vocabulary.yaml", "    parent_section: need\n", "    parent_section: [need]\n", "parent_section"),
])
def test_a_wrong_type_in_yaml_gives_a_line_not_a_traceback(data_copy, capsys, name, old, new, message):
    path = data_copy / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, lines = run(capsys, "validate", "--data-dir", str(data_copy))
    assert code != 0 and any(message in line for line in lines), lines
    assert not any("Traceback" in line for line in lines)


@pytest.mark.parametrize("prefix, line_end", [(b"", b"\n"), (BOM, b"\n"), (b"", b"\r\n"), (BOM, b"\r\n")])
def test_a_csv_reads_the_same_whatever_its_byte_order_mark_and_line_ends(tmp_path, prefix, line_end):
    path = tmp_path / "table.csv"
    path.write_bytes(prefix + line_end.join([b"id,text", b'a,"two\nlines"', b"b,", b"c,caf\xc3\xa9"]) + line_end)
    frame, problems = readers.read_csv(path)
    assert problems == []
    assert frame["id"].tolist() == ["a", "b", "c"]
    assert frame["text"].fillna("").tolist() == ["two\nlines", "", "café"]


def test_changing_a_table_read_leaves_the_next_read_unchanged(tmp_path):
    (tmp_path / "table.csv").write_text("id,n\na,1\nb,\n", encoding="utf-8")
    data = Data(tmp_path)
    frame, _ = data.csv("table.csv")
    frame.loc[0, "n"] = "9"
    frame["added"] = 1
    table = data.table("table.csv")
    table.loc[1, "n"] = "8"
    assert data.csv("table.csv")[0]["n"].fillna("").tolist() == ["1", ""]
    assert data.table("table.csv").to_dict("list") == {"id": ["a", "b"], "n": ["1", ""]}


def test_a_data_folder_is_read_once_and_a_new_one_reads_it_afresh(tmp_path):
    (tmp_path / "table.csv").write_text("id\na\n", encoding="utf-8")
    data = Data(tmp_path)
    assert data.table("table.csv")["id"].tolist() == ["a"]
    (tmp_path / "table.csv").write_text("id\nb\n", encoding="utf-8")
    assert data.table("table.csv")["id"].tolist() == ["a"]  # what this opening read
    assert Data(tmp_path).table("table.csv")["id"].tolist() == ["b"]
