"""Open-data exports (analysis.exchange.opendata), on the hand-made data in tests/fixtures/qda."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import frictionless
import openpyxl
import pandas as pd
import pytest

from analysis.evidence.data import Data
from analysis.exchange import opendata
from analysis.exchange.opendata import read_data
from tests.helpers import read_table
from analysis.paths import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "qda"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "data", tmp_path / "data"))


@pytest.fixture
def package(data_dir: Path, tmp_path: Path) -> Path:
    return opendata.write_datapackage(Data(data_dir), tmp_path / "package")


def errors(report: frictionless.Report) -> list[tuple[str, str, str]]:
    return [(task.name, error.type, error.note) for task in report.tasks for error in task.errors]


def test_data_package_validates(package: Path):
    report = frictionless.validate(package)
    assert report.valid, errors(report)
    assert sorted(p.name for p in package.parent.iterdir()) == [
        "codes.csv", "coding.csv", "contributions.csv", "datapackage.json", "sources.csv", "speaker_groups.csv",
        "subject_groups.csv", "themes.csv"]


def test_descriptor_has_keys_and_enumerations(package: Path):
    resources = {r["name"]: r["schema"] for r in json.loads(package.read_text(encoding="utf-8"))["resources"]}
    assert resources["coding"]["primaryKey"] == ["contribution_id", "code_id", "coder"]
    links = {(name, k["fields"], k["reference"]["resource"]) for name, schema in resources.items()
             for k in schema.get("foreignKeys", [])}
    assert {("coding", "contribution_id", "contributions"), ("coding", "code_id", "codes"),
            ("contributions", "source_id", "sources"), ("contributions", "parent_id", "")} <= links
    fields = {f["name"]: f for f in resources["contributions"]["fields"]}
    assert fields["speaker_group"]["constraints"]["enum"] == [
        "lu_staff", "review_group_2006", "service_users_carers", "unheard", "workforce_leads"]
    assert fields["subject_group"]["constraints"]["enum"] == ["people_who_use_services", "social_service_workers"]
    assert fields["section"]["constraints"]["enum"][:2] == ["contribution", "need"]  # from analysis.evidence.schema
    assert fields["char_start"]["type"] == "integer"
    assert {f["name"]: f for f in resources["codes"]["fields"]}["origin"]["constraints"]["enum"] == ["deductive", "inductive"]


@pytest.mark.parametrize("table, line, expected", [
    ("coding.csv", "LW-002,no_such_code,consensus,\n", ("coding", "foreign-key")),
    ("coding.csv", "LW-999,listening,consensus,\n", ("coding", "foreign-key")),
    ("coding.csv", "LW-002,relationship_time,consensus,\n", ("coding", "primary-key")),
    ("contributions.csv", "LW-901,lancaster_2012,vision,nobody,x,,,,,text,1,2\n", ("contributions", "foreign-key")),
    ("contributions.csv", "LW-902,lancaster_2012,vision,lu_staff,x,,,,LW-999,text,1,2\n",
     ("contributions", "foreign-key")),
    ("contributions.csv", "LW-903,lancaster_2012,vision,lu_staff,x,,,,,text,-1,2\n", ("contributions", "constraint-error")),
    ("contributions.csv", "lw_904,lancaster_2012,vision,lu_staff,x,,,,,text,1,2\n", ("contributions", "constraint-error")),
])
def test_a_broken_copy_fails_validation(package: Path, table: str, line: str, expected: tuple[str, str]):
    with package.with_name(table).open("a", encoding="utf-8") as f:
        f.write(line)
    report = frictionless.validate(package)
    assert not report.valid
    assert expected in {(name, kind) for name, kind, _ in errors(report)}


def test_a_valid_copy_of_the_broken_lines_passes(package: Path):
    with package.with_name("contributions.csv").open("a", encoding="utf-8") as f:
        f.write("LW-905,lancaster_2012,vision,lu_staff,x,,mixed_2,4,LW-001,text,1,2\n")
    assert frictionless.validate(package).valid  # so each broken line above fails for its own fault


def test_speaker_groups_keep_their_printed_labels(data_dir: Path):
    groups = read_data(Data(data_dir)).speaker_groups.set_index("group_id")
    assert groups.loc["service_users_carers", "labels"] == "Service users; Service users and carers"
    assert groups.loc["unheard", "labels"] == ""


def test_tidy_export_has_one_row_per_consensus_coding_with_labels(data_dir: Path, tmp_path: Path):
    csv_path, xlsx_path = opendata.write_tidy_exports(Data(data_dir), tmp_path / "tidy")
    tidy = read_table(csv_path)
    coding = read_table(data_dir / "coding.csv")
    consensus = coding[coding["coder"] == "consensus"]
    assert sorted(zip(tidy["contribution_id"], tidy["code_id"])) == sorted(zip(consensus["contribution_id"],
                                                                              consensus["code_id"]))
    row = tidy.set_index(["contribution_id", "code_id"]).loc[("CL-001", "listening")]
    assert (row.code_label, row.theme_label, row.speaker_sector, row.subject_group, row.source_title) == (
        "Listening and continuity", "Relationships", "government_review", "people_who_use_services",
        "Changing Lives: Report of the 21st Century Social Work Review")
    assert tidy["contribution_id"].tolist() == ["LW-001", "LW-002", "LW-003", "CL-001", "CL-002"]  # reading order
    book = openpyxl.load_workbook(xlsx_path)
    sheet = pd.DataFrame(list(book["coded_contributions"].values))
    assert sheet.iloc[0].tolist() == list(tidy.columns) and len(sheet) == len(tidy) + 1
    assert dict(book["columns"].values)["code_label"] == "Name of the code."


def test_tidy_exports_are_reproducible_and_keep_text_as_text(data_dir: Path, tmp_path: Path):
    contributions = data_dir / "contributions.csv"
    contributions.write_text(contributions.read_text(encoding="utf-8").replace(
        "A workforce that is confident with technology.", "=A workforce that is confident with technology."),
        encoding="utf-8")
    data = read_data(Data(data_dir))
    opendata.write_xlsx(tmp_path / "first.xlsx", {"t": opendata.tidy_coded_contributions(data)})
    opendata.write_xlsx(tmp_path / "second.xlsx", {"t": opendata.tidy_coded_contributions(data)})
    assert (tmp_path / "first.xlsx").read_bytes() == (tmp_path / "second.xlsx").read_bytes()
    path = opendata.write_tidy_exports(Data(data_dir), tmp_path / "tidy")[1]
    assert opendata.write_tidy_exports(Data(data_dir), tmp_path / "again")[1].read_bytes() == path.read_bytes()
    with zipfile.ZipFile(path) as archive:  # the same second would hide a clock in the bytes
        dates = {info.date_time for info in archive.infolist()}
        assert len(dates) == 1 and dates.pop()[:2] == (1980, 1)  # one fixed date, not the clock's
        assert b"1980-01-01T00:00:00Z</dcterms:modified>" in archive.read("docProps/core.xml")
    cell = [c for c in openpyxl.load_workbook(path)["coded_contributions"]["A"] if c.value == "LW-003"][0]
    text = cell.parent.cell(row=cell.row, column=list(read_table(tmp_path / "tidy" / "coded_contributions.csv").columns)
                            .index("text") + 1)
    assert (text.value, text.data_type) == ("=A workforce that is confident with technology.", "s")


def test_tidy_export_refuses_codings_of_unknown_codes(data_dir: Path):
    coding = data_dir / "coding.csv"
    coding.write_text(coding.read_text(encoding="utf-8") + "LW-002,no_such_code,consensus,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="LW-002/no_such_code"):
        opendata.tidy_coded_contributions(read_data(Data(data_dir)))


def test_a_table_longer_than_a_worksheet_continues_on_more_sheets(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(opendata, "XLSX_MAX_ROWS", 4)  # a header and three rows a sheet
    table = pd.DataFrame({"id": [f"row {n}" for n in range(1, 8)], "text": ["=not a formula"] * 7})
    opendata.write_xlsx(tmp_path / "long.xlsx", {"t": table})
    book = openpyxl.load_workbook(tmp_path / "long.xlsx")
    assert book.sheetnames == ["t", "t (2)", "t (3)"]
    rows = [row for sheet in book for row in list(sheet.values)[1:]]
    assert rows == list(table.itertuples(index=False, name=None))
    assert all(list(sheet.values)[0] == ("id", "text") and sheet.dimensions == sheet.auto_filter.ref for sheet in book)
