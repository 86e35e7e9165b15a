"""REFI-QDA export and import (analysis.exchange.qda), on the hand-made data in tests/fixtures/qda."""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from analysis.exchange import qda
from analysis.exchange.opendata import ZIP_DATE, read_data, read_table

FIXTURES = Path(__file__).parent / "fixtures" / "qda"
NS = {"q": qda.PROJECT_NS}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "data", tmp_path / "data"))


@pytest.fixture
def qdpx(data_dir: Path, tmp_path: Path) -> Path:
    return qda.write_qdpx(data_dir, tmp_path / "out" / "project.qdpx")


def qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def zip_folder(folder: Path, path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return path


def sorted_coding(coding: pd.DataFrame) -> pd.DataFrame:
    return coding.sort_values(["contribution_id", "code_id", "coder"]).reset_index(drop=True)


# ---------------------------------------------------------------- export


def test_project_validates_against_the_refi_qda_schema(qdpx: Path):
    with zipfile.ZipFile(qdpx) as archive:
        names = archive.namelist()
    assert names[0] == "project.qde" and all(n.startswith("sources/") and n.endswith(".txt") for n in names[1:])
    assert qda.schema_errors(qde(qdpx), "Project") == []


def test_codebook_validates_against_the_refi_qda_schema(data_dir: Path, tmp_path: Path):
    path = qda.write_qdc(data_dir, tmp_path / "codebook.qdc")
    assert qda.schema_errors(etree.parse(str(path)).getroot(), "Codebook") == []


def test_themes_are_non_codable_parents_of_codable_codes_with_definitions(qdpx: Path):
    themes = qde(qdpx).findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [(t.get("name"), t.get("isCodable")) for t in themes] == [("Relationships", "false"), ("Workforce", "false")]
    codes = {c.get("name"): c for c in themes[0].findall("q:Code", NS)}
    assert {c.get("isCodable") for c in codes.values()} == {"true"}
    description = codes["Listening and continuity"].findtext("q:Description", namespaces=NS)
    assert "Do not use when: Listening is mentioned only as a skill" in description
    assert description.endswith("Code id: listening")


def test_selections_cut_each_contribution_from_the_stored_source(qdpx: Path, data_dir: Path):
    data = read_data(data_dir)
    contributions = data.contributions.set_index("contribution_id")
    root = qde(qdpx)
    byte_offsets_differ = False
    with zipfile.ZipFile(qdpx) as archive:
        for source in root.iter(f"{{{qda.PROJECT_NS}}}TextSource"):
            stored = archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://")).decode("utf-8")
            for selection in source.findall("q:PlainTextSelection", NS):
                row = contributions.loc[selection.get("name")]
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                assert (source.get("name"), start, end) == (row.source_id, row.char_start, row.char_end)
                assert stored[start:end] == data.texts[row.source_id][row.char_start:row.char_end] == row.text
                byte_offsets_differ |= len(stored[:start].encode("utf-8")) != start
    assert byte_offsets_differ, "the fixture should put curly quotes or dashes before a selection"


def test_source_files_are_the_verbatim_texts(qdpx: Path, data_dir: Path):
    sources = read_table(data_dir / "sources" / "sources.csv")
    with zipfile.ZipFile(qdpx) as archive:
        stored = {hashlib.sha256(archive.read(n)).hexdigest() for n in archive.namelist() if n.startswith("sources/")}
    assert stored == set(sources["sha256"])


def test_export_is_reproducible_byte_for_byte(data_dir: Path, tmp_path: Path):
    first = qda.write_qdpx(data_dir, tmp_path / "a.qdpx").read_bytes()
    assert qda.write_qdpx(data_dir, tmp_path / "b.qdpx").read_bytes() == first
    with zipfile.ZipFile(tmp_path / "a.qdpx") as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_DATE}
    # A GUID must never change: students' copies refer to it.
    assert qda.guid("code", "listening") == "a06006b6-f3be-5724-94c2-0546a2b17045"


def test_every_coding_row_is_a_coding_by_its_coder_with_its_memo(qdpx: Path, data_dir: Path):
    coding = read_table(data_dir / "coding.csv")
    root = qde(qdpx)
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{{{qda.PROJECT_NS}}}User")}
    notes = {n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS) for n in root.iter(f"{{{qda.PROJECT_NS}}}Note")}
    found = []
    for selection in root.iter(f"{{{qda.PROJECT_NS}}}PlainTextSelection"):
        for coding_element in selection.findall("q:Coding", NS):
            memo = [notes[n.get("targetGUID")] for n in coding_element.findall("q:NoteRef", NS)]
            found.append((selection.get("name"), users[coding_element.get("creatingUser")], "".join(memo)))
    assert sorted(found) == sorted(zip(coding["contribution_id"], coding["coder"], coding["memo"]))
    assert sorted(users.values()) == ["coder_a", "coder_b", "consensus"]


def test_each_coded_contribution_is_a_case_with_group_source_and_section(qdpx: Path):
    root = qde(qdpx)
    variables = {v.get("guid"): v.get("name") for v in root.iter(f"{{{qda.PROJECT_NS}}}Variable")}
    cases = {c.get("name"): c for c in root.iter(f"{{{qda.PROJECT_NS}}}Case")}
    assert sorted(cases) == ["CL-001", "CL-002", "LW-001", "LW-002", "LW-003"]  # CL-000 is not coded
    values = {variables[v.find("q:VariableRef", NS).get("targetGUID")]: v.findtext("q:TextValue", namespaces=NS)
              for v in cases["CL-001"].findall("q:VariableValue", NS)}
    assert values == {"speaker_group": "review_group_2006", "speaker_sector": "government_review",
                      "speaker_label": "21st Century Social Work Review Group",
                      "subject_group": "people_who_use_services", "source_id": "changing_lives_2006",
                      "section": "aspiration"}
    assert cases["CL-001"].find("q:SelectionRef", NS).get("targetGUID") == qda.guid("selection", "CL-001")


@pytest.mark.parametrize("file, old, new, message", [
    ("contributions.csv", ",128,194", ",128,1940", "LW-001: lancaster_2012[128:1940] lies outside the text"),
    ("coding.csv", "LW-002,relationship_time,", "LW-002,no_such_code,", "coding names unknown code no_such_code"),
    ("coding.csv", "LW-003,workforce_skills,coder_a", "LW-003,workforce_skills,consensus",
     "coding LW-003/workforce_skills/consensus appears more than once"),
])
def test_export_refuses_data_it_would_get_wrong(data_dir: Path, tmp_path: Path, file, old, new, message):
    path = data_dir / file
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        qda.write_qdpx(data_dir, tmp_path / "x.qdpx")


def test_export_warns_about_characters_beyond_the_basic_plane(data_dir: Path, tmp_path: Path):
    with data_dir.joinpath("sources", "changing_lives_2006.txt").open("a", encoding="utf-8") as f:
        f.write("A closing emoji \N{SMILING FACE WITH SMILING EYES}\n")
    with pytest.warns(UserWarning, match="changing_lives_2006 has characters beyond U\\+FFFF"):
        qda.write_qdpx(data_dir, tmp_path / "x.qdpx")


# ---------------------------------------------------------------- import


@pytest.mark.parametrize("with_data", [True, False], ids=["against data folder", "archive alone"])
def test_round_trip_gives_back_the_coding_and_the_contributions(qdpx: Path, data_dir: Path, with_data: bool, capsys):
    selections, coding, report = qda.read_qdpx(qdpx, data_dir if with_data else None)
    original = read_table(data_dir / "coding.csv")
    pd.testing.assert_frame_equal(sorted_coding(coding), sorted_coding(original))
    contributions = read_data(data_dir).contributions.set_index("contribution_id")
    assert set(selections["match"]) == {"exact"}
    for row in selections.itertuples():
        expected = contributions.loc[row.contribution_id]
        assert (row.source_id, row.char_start, row.char_end) == (expected.source_id, expected.char_start, expected.char_end)
        assert row.text == expected.text
    assert report.unmatched.empty and report.new_codes == [] and report.matched == {"exact": len(original)}
    assert capsys.readouterr().err == ""


def test_codings_from_another_tool_map_by_position_and_the_rest_are_reported(data_dir: Path, tmp_path: Path, capsys):
    path = zip_folder(FIXTURES / "from_tool", tmp_path / "student.qdpx")
    selections, coding, report = qda.read_qdpx(path, data_dir)
    assert coding.to_dict("records") == [
        {"contribution_id": "CL-002", "code_id": "relationship_time", "coder": "student", "memo": "Only the part about time."},
        {"contribution_id": "LW-001", "code_id": "listening", "coder": "consensus", "memo": ""},
        {"contribution_id": "LW-002", "code_id": "listening", "coder": "student", "memo": ""},
        {"contribution_id": "LW-002", "code_id": "relationship_time", "coder": "student", "memo": ""},
        {"contribution_id": "LW-003", "code_id": "Digital capability", "coder": "student", "memo": ""},
    ]
    assert report.new_codes == ["Digital capability"]
    assert report.matched == {"exact": 2, "inside": 2, "overlap": 1}
    assert report.unmatched[["source_id", "char_start", "char_end", "code", "coder", "reason"]].to_dict("records") == [
        {"source_id": "lancaster_2012", "char_start": 206, "char_end": 328, "code": "Workforce skills",
         "coder": "student", "reason": "spans LW-002, LW-003"}]
    assert "student.qdpx: codings that match no contribution:\n  lancaster_2012 206-328" in capsys.readouterr().err
    assert selections.loc[selections["match"] == "none", "contribution_id"].tolist() == [""]
    assert selections.loc[selections["char_start"] == 234, "text"].item() == "time to build relationships"


def test_codings_in_a_source_whose_text_changed_are_reported_not_mapped(data_dir: Path, tmp_path: Path):
    folder = Path(shutil.copytree(FIXTURES / "from_tool", tmp_path / "crlf"))
    source = folder / "sources" / "8F14E45F-CEEA-467A-9575-6A1C2B3D4E02.txt"
    source.write_bytes(source.read_bytes().replace(b"\n", b"\r\n"))  # as a Windows tool might save it
    _, coding, report = qda.read_qdpx(zip_folder(folder, tmp_path / "crlf.qdpx"), data_dir)
    assert "CL-002" not in set(coding["contribution_id"])
    assert report.unmatched.loc[report.unmatched["source_id"] == "changing_lives_2006", "reason"].tolist() == [
        "the archive's text of changing_lives_2006 differs from ours"]


def test_a_selection_maps_to_the_one_contribution_it_lies_in_or_overlaps():
    contributions = pd.DataFrame({"contribution_id": ["P", "C", "D1", "D2", "E"], "source_id": "s",
                                  "char_start": [0, 10, 40, 40, 200], "char_end": [100, 20, 50, 50, 210]})

    def match(start, end, text="x"):
        return qda.match_selection(pd.Series({"source_id": "s", "char_start": start, "char_end": end, "text": text}),
                                   contributions)

    assert match(0, 100) == ("P", "exact", "")
    assert match(12, 14) == ("C", "inside", "")  # inside P and C: the smaller wins
    assert match(9, 21, " " + "x" * 10 + " ") == ("C", "inside", "")  # surrounding whitespace is trimmed
    assert match(195, 205) == ("E", "overlap", "")  # the rest is text of no contribution
    assert match(42, 44) == ("", "none", "ambiguous between D1, D2")
    assert match(95, 205) == ("", "none", "spans P, E")
    assert match(300, 310) == ("", "none", "no contribution of s overlaps it")


def test_not_a_zip_archive_is_refused(tmp_path: Path):
    path = tmp_path / "notes.qdpx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(qda.QdaImportError, match=r"notes\.qdpx: not a REFI-QDA archive"):
        qda.read_qdpx(path)


def test_an_archive_without_project_qde_is_refused(tmp_path: Path):
    path = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sources/a.txt", "text")
    with pytest.raises(qda.QdaImportError, match=r"empty\.qdpx: no project\.qde"):
        qda.read_qdpx(path)


@pytest.mark.parametrize("edit, message", [
    (lambda xml: xml.replace(b"</Project>", b""), r"project\.qde is not well-formed XML"),
    (lambda xml: xml.replace(b' startPosition="128"', b""),
     r"project\.qde does not validate against REFI-QDA Project\.xsd: line \d+: .*startPosition"),
])
def test_xml_that_is_broken_or_does_not_validate_is_refused(qdpx: Path, tmp_path: Path, edit, message):
    path = tmp_path / "broken.qdpx"
    with zipfile.ZipFile(qdpx) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, edit(data) if name == "project.qde" else data)
    with pytest.raises(qda.QdaImportError, match=r"broken\.qdpx: " + message):
        qda.read_qdpx(path)


# ---------------------------------------------------------------- command line


def test_command_line_exports_and_imports(data_dir: Path, tmp_path: Path, capsys):
    assert qda.main(["export", str(tmp_path / "qda"), "--data-dir", str(data_dir)]) == 0
    assert sorted(p.name for p in (tmp_path / "qda").iterdir()) == sorted([qda.QDPX_NAME, qda.QDC_NAME])
    assert qda.main(["import", str(tmp_path / "qda" / qda.QDPX_NAME), "--data-dir", str(data_dir)]) == 0
    student = zip_folder(FIXTURES / "from_tool", tmp_path / "student.qdpx")
    out = tmp_path / "student_coding.csv"
    assert qda.main(["import", str(student), "--data-dir", str(data_dir), "--coding-out", str(out)]) == 1
    assert "New codes: Digital capability." in capsys.readouterr().out
    assert len(read_table(out)) == 5
    (tmp_path / "bad.qdpx").write_text("x", encoding="utf-8")
    assert qda.main(["import", str(tmp_path / "bad.qdpx"), "--data-dir", str(data_dir)]) == 2
