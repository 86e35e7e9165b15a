"""Loading validates: the real data pass; broken copies fail with file, row and column."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.evidence.data import Data
from analysis.evidence import schema
from analysis.evidence import loaders, validate
from analysis.evidence.readers import DataValidationError, Problem
from analysis.evidence.validate import normalise
from analysis.evidence.vocabulary import section_roles
from analysis.paths import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"
OWN_CHECKS = [validate.check_sources, validate.check_groups, validate.check_contributions]




@pytest.fixture
def own_checks(monkeypatch):
    """Run only this module's checkers (others may register theirs in CHECKS)."""
    monkeypatch.setattr(validate, "CHECKS", list(OWN_CHECKS))


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def edit_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` counts data rows from 1, as the problems do."""
    rows = read_rows(path)
    rows[row][rows[0].index(column)] = value
    write_rows(path, rows)


def cell(path: Path, row: int, column: str) -> str:
    rows = read_rows(path)
    return rows[row][rows[0].index(column)]


def find(problems: list[Problem], file_name: str, row: int | None, column: str | None, text: str) -> Problem:
    """The one problem at that place whose message contains ``text``."""
    matches = [
        problem
        for problem in problems
        if problem.file.endswith(file_name) and problem.row == row and problem.column == column and text in problem.message
    ]
    assert len(matches) == 1, f"no single problem {file_name}:{row}:{column} ~ {text!r} in {[str(p) for p in problems]}"
    return matches[0]


# --- the real data -----------------------------------------------------------------------


@pytest.mark.parametrize("check", OWN_CHECKS, ids=lambda check: check.__name__)
def test_real_data_have_no_problems(check):
    assert check(Data(DATA)) == []


def test_loaded_contributions_are_typed_and_carry_derived_columns():
    frame = loaders.load_contributions(Data(DATA))
    assert list(frame.columns) == schema.column_names(schema.CONTRIBUTION_COLUMNS + schema.DERIVED_CONTRIBUTION_COLUMNS)
    assert str(frame["char_start"].dtype) == "Int64" and str(frame["list_position"].dtype) == "Int64"
    assert frame["speaker_sector"].notna().all() and frame["source_set"].notna().all()
    groups = yaml.safe_load((DATA / "groups.yaml").read_text(encoding="utf-8"))["speaker_groups"]
    sets = {row["source_id"]: row["source_set"] for row in csv.DictReader(io.StringIO((DATA / "sources" / "sources.csv").read_text(encoding="utf-8")))}
    assert list(frame["speaker_sector"]) == [groups[group]["sector"] for group in frame["speaker_group"]]
    assert list(frame["source_set"]) == [sets[source_id] for source_id in frame["source_id"]]


def test_loaders_return_sources_and_groups():
    sources = loaders.load_sources(Data(DATA))
    listed = [row["source_id"] for row in csv.DictReader(io.StringIO((DATA / "sources" / "sources.csv").read_text(encoding="utf-8")))]
    assert list(sources["source_id"]) == listed and len(listed) >= 5
    groups = loaders.load_groups(Data(DATA))
    assert groups == yaml.safe_load((DATA / "groups.yaml").read_text(encoding="utf-8"))
    assert groups["speaker_groups"] and groups["subject_groups"]


def test_source_texts_are_the_seeds_byte_for_byte():
    seeds = Path("/work/shared/seeds")
    if not seeds.exists():
        pytest.skip("the seed folder is not on this machine")
    for record in loaders.load_sources(Data(DATA)).to_dict("records"):
        if record["seed_file"].startswith("("):  # "(invented for tests)": a source with no seed
            continue
        assert (seeds / record["seed_file"]).read_bytes() == (DATA / "sources" / f"{record['source_id']}.txt").read_bytes()


def test_main_prints_one_summary_line_and_returns_zero(own_checks, capsys):
    assert validate.main(["--data-dir", str(DATA)]) == 0
    output = capsys.readouterr().out.strip().splitlines()
    assert len(output) == 1 and "valid" in output[0]


# --- broken copies -----------------------------------------------------------------------


def test_duplicate_id(data_copy):
    contributions = data_copy / "contributions.csv"
    edit_cell(contributions, 3, "contribution_id", cell(contributions, 2, "contribution_id"))
    problems = validate.check_contributions(Data(data_copy))
    find(problems, "contributions.csv", 2, "contribution_id", "duplicate contribution_id")
    find(problems, "contributions.csv", 3, "contribution_id", "duplicate contribution_id")


def test_unknown_group(data_copy):
    edit_cell(data_copy / "contributions.csv", 5, "speaker_group", "nobody")
    find(validate.check_contributions(Data(data_copy)), "contributions.csv", 5, "speaker_group", "unknown speaker_group (not defined in groups.yaml)")


def test_offsets_that_do_not_match_the_text(data_copy):
    contributions = data_copy / "contributions.csv"
    edit_cell(contributions, 12, "char_start", str(int(cell(contributions, 12, "char_start")) + 3))
    find(validate.check_contributions(Data(data_copy)), "contributions.csv", 12, "text", "does not match lancaster_workshop_2012.txt")


def test_offsets_outside_the_source(data_copy):
    edit_cell(data_copy / "contributions.csv", 4, "char_end", "999999")
    find(validate.check_contributions(Data(data_copy)), "contributions.csv", 4, "char_end", "at most")


def test_offset_that_is_not_a_number(data_copy):
    edit_cell(data_copy / "contributions.csv", 4, "char_start", "twelve")
    find(validate.check_contributions(Data(data_copy)), "contributions.csv", 4, "char_start", "not a whole number")


def test_empty_text(data_copy):
    edit_cell(data_copy / "contributions.csv", 12, "text", "")
    problem = find(validate.check_contributions(Data(data_copy)), "contributions.csv", 12, "text", "empty text")
    assert str(problem).endswith("contributions.csv:12:text: empty text")


def test_blank_text_and_blank_group(data_copy):
    edit_cell(data_copy / "contributions.csv", 12, "text", "  \t ")
    edit_cell(data_copy / "contributions.csv", 13, "speaker_label", " ")
    found = [str(p).split("contributions.csv:")[1] for p in validate.check_contributions(Data(data_copy)) if "blank" in p.message]
    assert found == ["12:text: text is blank: '  \\t '", "13:speaker_label: speaker_label is blank: ' '"]


def test_missing_column(data_copy):
    contributions = data_copy / "contributions.csv"
    rows = read_rows(contributions)
    index = rows[0].index("speaker_label")
    write_rows(contributions, [row[:index] + row[index + 1 :] for row in rows])
    find(validate.check_contributions(Data(data_copy)), "contributions.csv", None, "speaker_label", "missing column")


def test_non_utf8_bytes_give_file_and_byte_offset(data_copy):
    contributions = data_copy / "contributions.csv"
    data = contributions.read_bytes()
    offset = data.index("Move people's mind-sets".encode())
    contributions.write_bytes(data[:offset] + b"\xff" + data[offset:])
    row = next(index for index, row in enumerate(read_rows(DATA / "contributions.csv")) if row[0] == "LW-q1-12")
    find(validate.check_contributions(Data(data_copy)), "contributions.csv", row, "text", f"not valid UTF-8 at byte offset {offset}")


def test_non_utf8_source_text(data_copy):
    source = data_copy / "sources" / "cswp_rationale_2016.txt"
    source.write_bytes(b"\x80" + source.read_bytes())
    problems = validate.check_sources(Data(data_copy))
    find(problems, "cswp_rationale_2016.txt", None, None, "not valid UTF-8 at byte offset 0")
    find(problems, "sources.csv", 4, "sha256", "does not match")


def test_unknown_source(data_copy):
    edit_cell(data_copy / "contributions.csv", 5, "source_id", "nowhere")
    find(validate.check_contributions(Data(data_copy)), "contributions.csv", 5, "source_id", "unknown source_id")


def test_wrong_sha256(data_copy):
    edit_cell(data_copy / "sources" / "sources.csv", 2, "sha256", "0" * 64)
    find(validate.check_sources(Data(data_copy)), "sources.csv", 2, "sha256", "does not match")


def test_edited_source_text_fails_its_sha256(data_copy):
    source = data_copy / "sources" / "changing_lives_2006.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("Strengths", "Strenghts"), encoding="utf-8")
    find(validate.check_sources(Data(data_copy)), "sources.csv", 3, "sha256", "does not match")


def test_unlisted_source_text(data_copy):
    (data_copy / "sources" / "stray.txt").write_text("stray\n", encoding="utf-8")
    find(validate.check_sources(Data(data_copy)), "stray.txt", None, None, "not listed")


def test_unknown_parent(data_copy):
    contributions = data_copy / "contributions.csv"
    header, *rows = read_rows(contributions)
    row = next(index for index, row in enumerate(rows, start=1) if row[header.index("parent_id")])
    edit_cell(contributions, row, "parent_id", "ZZ-none-99")
    find(validate.check_contributions(Data(data_copy)), "contributions.csv", row, "parent_id", "unknown parent_id")


def test_parent_in_another_source(data_copy):
    contributions = data_copy / "contributions.csv"
    header, *rows = read_rows(contributions)
    row = next(index for index, row in enumerate(rows, start=1) if row[header.index("parent_id")])
    source = rows[row - 1][header.index("source_id")]
    stranger = next(r[header.index("contribution_id")] for r in rows if r[header.index("source_id")] != source)
    edit_cell(contributions, row, "parent_id", stranger)
    found = [p for p in validate.check_contributions(Data(data_copy)) if p.column == "parent_id"]
    assert [(p.row, p.message) for p in found] == [(row, f"parent {stranger!r} is in another source")]


def test_statement_about_a_group_without_subject_group(data_copy):
    contributions = data_copy / "contributions.csv"
    about = {section for section, role in section_roles(Data(data_copy)).items() if role == "subject"}
    header, *rows = read_rows(contributions)
    row = next(index for index, row in enumerate(rows, start=1) if row[header.index("section")] in about)
    edit_cell(contributions, row, "subject_group", "")
    find(validate.check_contributions(Data(data_copy)), "contributions.csv", row, "subject_group", "speaker_role subject")


def test_statement_by_its_speakers_with_a_subject_group(data_copy):
    contributions = data_copy / "contributions.csv"
    spoken = {section for section, role in section_roles(Data(data_copy)).items() if role == "voice"}
    header, *rows = read_rows(contributions)
    row = next(index for index, row in enumerate(rows, start=1) if row[header.index("section")] in spoken)
    subject = next(r[header.index("subject_group")] for r in rows if r[header.index("subject_group")])
    edit_cell(contributions, row, "subject_group", subject)
    find(validate.check_contributions(Data(data_copy)), "contributions.csv", row, "subject_group", "speaker_role voice")


def test_unknown_sector_in_groups(data_copy):
    path = data_copy / "groups.yaml"
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))
    group = next(iter(groups["speaker_groups"]))
    groups["speaker_groups"][group]["sector"] = "academia"
    path.write_text(yaml.safe_dump(groups, allow_unicode=True), encoding="utf-8")
    find(validate.check_groups(Data(data_copy)), "groups.yaml", None, f"speaker_groups.{group}.sector", "unknown sector 'academia'")


def test_loader_raises_listing_every_problem(data_copy):
    edit_cell(data_copy / "contributions.csv", 7, "text", "")
    edit_cell(data_copy / "contributions.csv", 8, "speaker_group", "nobody")
    with pytest.raises(DataValidationError) as raised:
        loaders.load_contributions(Data(data_copy))
    assert {(problem.row, problem.column) for problem in raised.value.problems} == {(7, "text"), (8, "speaker_group")}
    assert "contributions.csv:7:text: empty text" in str(raised.value)


def test_main_prints_problems_and_fails(data_copy, own_checks, capsys):
    edit_cell(data_copy / "contributions.csv", 7, "text", "")
    assert validate.main(["--data-dir", str(data_copy)]) == 1
    captured = capsys.readouterr()
    assert captured.out.strip().endswith("contributions.csv:7:text: empty text")
    assert "data row" in captured.err


def test_registered_check_runs_in_validate_all(data_copy, own_checks):
    def check_extra(data_dir: Path) -> list[Problem]:
        return [Problem("extra.csv", 1, "x", "added by another module")]

    validate.register_check(check_extra)
    validate.register_check(check_extra)
    assert [str(problem) for problem in validate.validate_all(Data(data_copy))] == ["extra.csv:1:x: added by another module"]


# --- normalisation and schema ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<p>Open access.</p> <p>One login.</p>", "Open access. One login."),
        ("- 1. To empower", "To empower"),
        ("  • many examples;\n", "many examples;"),
        (" - d) Service users\n\n  feel   heard", "Service users feel heard"),
        ("The opportunity provided by The\n- College of Social Work", "The opportunity provided by The College of Social Work"),
        ("1) Social work does", "Social work does"),
        ("see a) and 2. in the middle", "see a) and 2. in the middle"),
        ("2.6 MB", "2.6 MB"),
        ("Case load\t\n\nmanagement", "Case load management"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_every_column_is_defined_once_and_generates_the_schema():
    for columns in (schema.CONTRIBUTION_COLUMNS + schema.DERIVED_CONTRIBUTION_COLUMNS, schema.SOURCE_COLUMNS):
        names = schema.column_names(columns)
        assert len(names) == len(set(names))
        assert all(column.description for column in columns)
        generated = schema.dataframe_schema(columns)
        assert list(generated.columns) == names
        assert all(generated.columns[column.name].description == column.description for column in columns)


def test_schema_rejects_a_bad_row():
    frame = pd.DataFrame(
        [["LW-q1-01", "x", "vision", "g", "G", None, "mixed_one", "0", None, "t", "0", "1"]],
        columns=schema.column_names(schema.CONTRIBUTION_COLUMNS),
    )
    problems = validate._schema_problems(frame, schema.dataframe_schema(schema.CONTRIBUTION_COLUMNS), schema.CONTRIBUTION_COLUMNS, "t.csv")
    assert {(problem.row, problem.column) for problem in problems} == {(1, "mixed_group"), (1, "list_position")}


def test_a_schema_coerces_but_does_not_check_again_the_columns_already_checked():
    import pandera.pandas as pa

    columns = (schema.Column("id", "str", "An id.", pattern=r"^[a-z]+$", unique=True), schema.Column("n", "Int64", "A count.", minimum=0))
    frame = pd.DataFrame({"id": ["a", "a", "B"], "n": ["1", "2", "-3"]})
    coerced = schema.dataframe_schema(columns, checked=["id"]).validate(frame.assign(n=["1", "2", "3"]))
    assert str(coerced["n"].dtype) == "Int64" and coerced["id"].tolist() == ["a", "a", "B"]
    with pytest.raises(pa.errors.SchemaError, match="n is less than 0"):
        schema.dataframe_schema(columns, checked=["id"]).validate(frame)
    with pytest.raises(pa.errors.SchemaError):
        schema.dataframe_schema(columns).validate(frame.assign(n=["1", "2", "3"]))


# --- validation at scale -----------------------------------------------------------------------


def test_validation_parses_each_csv_once(tmp_path, monkeypatch):
    import analysis.coding.checks  # noqa: F401  (registers the coding checks, which read coding.csv and contributions.csv again)
    from analysis.evidence import readers

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    parsed = []
    parse = readers._parse_csv
    monkeypatch.setattr(readers, "_parse_csv", lambda path, *args: parsed.append(Path(path).relative_to(data)) or parse(path, *args))
    assert validate.validate_all(Data(data)) == []
    assert {Path("contributions.csv"), Path("coding.csv"), Path("crosswalk_facilitator_themes.csv")} <= set(parsed)
    assert sorted(parsed) == sorted(set(parsed)), "a CSV was parsed more than once in one validation"


def test_thousands_of_bad_rows_are_each_reported_once(tmp_path):
    import analysis.coding.checks  # noqa: F401
    from analysis.report.build import BuildFailed, _validate_data
    from benchmarks.scale_benchmark import write_synthetic_data

    data = write_synthetic_data(tmp_path / "data", 5_000, seed=1)
    path = data / "contributions.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["speaker_group"] = "nobody"
    frame.to_csv(path, index=False, lineterminator="\n")
    problems = validate.validate_all(Data(data))
    assert [(p.row, p.column) for p in problems] == [(row, "speaker_group") for row in range(1, len(frame) + 1)]
    with pytest.raises(BuildFailed) as failed:
        _validate_data(Data(data))
    shown = str(failed.value).splitlines()
    assert shown[0].endswith(f"has {len(frame)} problem(s):")
    assert shown[1:21] == [f"  {problem}" for problem in problems[:20]]
    assert shown[21:] == [f"  ... and {len(frame) - 20} more"]
