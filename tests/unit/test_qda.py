"""REFI-QDA export and import (analysis.exchange.qda), on the hand-made data in tests/fixtures/qda."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from analysis.evidence.data import Data
from analysis import cli
from analysis.exchange import qda, qda_command
from analysis.evidence.vocabulary import load_vocabulary
from analysis.coding.coding_table import check_coder_name
from analysis.paths import DATA_DIR, PROJECT_ROOT
from analysis.exchange.opendata import read_data
from tests.helpers import read_table

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "qda"
NS = {"q": qda.PROJECT_NS}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "data", tmp_path / "data"))


@pytest.fixture
def qdpx(data_dir: Path, tmp_path: Path) -> Path:
    return qda.write_qdpx(Data(data_dir), tmp_path / "out" / "project.qdpx")


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


@pytest.mark.parametrize("value", ['plain', 'a & b < c > d "e" \'f\'', "lines\nand\r\nreturns\tand tabs", "Zoë’s ]]> \u2028 \x85 😀"])
def test_text_is_escaped_as_lxml_writes_it(value: str):
    element = etree.Element("e", a=value)
    element.text = value
    assert etree.tostring(element, encoding="UTF-8").decode() == f'<e a="{qda.escaped(value, qda.IN_ATTRIBUTE)}">{qda.escaped(value, qda.IN_CONTENT)}</e>'


@pytest.mark.parametrize("value", ["a\x00b", "bell\x07", "\x0b", "\ufffe"])
def test_a_character_xml_cannot_hold_is_refused_as_lxml_refuses_it(value: str):
    with pytest.raises(ValueError):
        etree.Element("e").text = value
    with pytest.raises(ValueError, match="XML compatible"):
        qda.escaped(value, qda.IN_CONTENT)


@pytest.mark.parametrize("key", ["listening", "LW-q1-01|hope|consensus", "Zoë’s “note” 😀", ""])
def test_a_guid_is_the_uuid5_of_its_kind_and_key(key: str):
    assert qda.guid("selection", key) == str(uuid.uuid5(qda.GUID_NAMESPACE, f"selection:{key}"))


def test_project_validates_against_the_refi_qda_schema(qdpx: Path):
    with zipfile.ZipFile(qdpx) as archive:
        names = archive.namelist()
    assert names[0] == "project.qde" and all(n.startswith("sources/") and n.endswith(".txt") for n in names[1:])
    assert qda.schema_errors(qde(qdpx), "Project") == []


def test_codebook_validates_against_the_refi_qda_schema(data_dir: Path, tmp_path: Path):
    path = qda.write_qdc(Data(data_dir), tmp_path / "codebook.qdc")
    assert qda.schema_errors(etree.parse(str(path)).getroot(), "Codebook") == []


def test_themes_are_non_codable_parents_of_codable_codes_with_definitions(qdpx: Path):
    themes = qde(qdpx).findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [(t.get("name"), t.get("isCodable")) for t in themes] == [
        ("Relationships", "false"), ("Workforce", "false"), (qda.CASE_CODES_NAME, "false")]
    codes = {c.get("name"): c for c in themes[0].findall("q:Code", NS)}
    assert {c.get("isCodable") for c in codes.values()} == {"true"}
    description = codes["Listening and continuity"].findtext("q:Description", namespaces=NS)
    assert "Do not use when: Listening is mentioned only as a skill" in description
    assert description.endswith("Code id: listening")


def coder_selections(root: etree._Element) -> list[etree._Element]:
    return [s for s in root.iter(f"{{{qda.PROJECT_NS}}}PlainTextSelection") if s.get("creatingUser")]


def test_each_coding_is_its_own_selection_with_its_coder_and_memo(qdpx: Path, data_dir: Path):
    """QualCoder takes the coder from the selection's creatingUser and keeps one row per
    code, position and coder; it (and ATLAS.ti) read a coding's memo from the selection's
    Description. So each coding row is one selection, coder on both, memo in both places."""
    coding = read_table(data_dir / "coding.csv")
    root = qde(qdpx)
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{{{qda.PROJECT_NS}}}User")}
    notes = {n.get("guid"): n for n in root.iter(f"{{{qda.PROJECT_NS}}}Note")}
    code_ids = {qda.guid("code", c): c for c in set(coding["code_id"])}
    found = []
    for selection in coder_selections(root):
        (coding_element,) = selection.findall("q:Coding", NS)
        assert coding_element.get("creatingUser") == selection.get("creatingUser")
        memo = selection.findtext("q:Description", default="", namespaces=NS)
        refs = coding_element.findall("q:NoteRef", NS)
        assert [notes[r.get("targetGUID")].findtext("q:PlainTextContent", namespaces=NS) for r in refs] == (
            [memo] if memo else [])
        assert all(notes[r.get("targetGUID")].get("creatingUser") == selection.get("creatingUser") for r in refs)
        found.append((selection.get("name"), code_ids[coding_element.find("q:CodeRef", NS).get("targetGUID")],
                      users[selection.get("creatingUser")], memo))
    assert sorted(found) == sorted(coding.itertuples(index=False, name=None))
    assert sorted(users.values()) == ["coder_a", "coder_b", "consensus"]
    keys = [(s.get("startPosition"), s.get("endPosition"), s.get("creatingUser"),
             s.find("q:Coding/q:CodeRef", NS).get("targetGUID")) for s in coder_selections(root)]
    assert len(keys) == len(set(keys))


def test_everything_dated_from_the_data_commit_or_source_date_epoch(data_dir: Path, tmp_path: Path, monkeypatch):
    """QualCoder's import fails on a Note without a date; rebuilds must not change the bytes."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert qda.export_time(data_dir) == "1980-01-01T00:00:00Z"  # not in git: the zip entries' date
    git = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_COMMITTER_DATE": "2016-05-04T10:00:00+01:00"}
    for name, value in git.items():
        monkeypatch.setenv(name, value)
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "data"]):
        subprocess.run(["git", *command], cwd=data_dir, check=True)
    assert qda.export_time(data_dir) == "2016-05-04T09:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1462352400")
    assert qda.export_time(data_dir) == "2016-05-04T09:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = qde(qda.write_qdpx(Data(data_dir), tmp_path / "dated.qdpx"))
    for kind in ("Project", "TextSource", "PlainTextSelection", "Coding", "Note"):
        elements = [root] if kind == "Project" else list(root.iter(f"{{{qda.PROJECT_NS}}}{kind}"))
        assert elements and {e.get("creationDateTime") for e in elements} == {"2023-11-14T22:13:20Z"}, kind


def test_each_coded_contribution_is_a_case_linked_to_its_text(qdpx: Path, data_dir: Path):
    """QualCoder and NVivo link a case to text through a Code with the Case's GUID that codes
    the span; the Case's SelectionRef points at the same selection."""
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
    (case_codes,) = [c for c in root.findall("q:CodeBook/q:Codes/q:Code", NS) if c.get("name") == qda.CASE_CODES_NAME]
    assert {c.get("guid"): c.get("name") for c in case_codes.findall("q:Code", NS)} == {
        case.get("guid"): name for name, case in cases.items()}
    contributions = read_data(Data(data_dir)).contributions.set_index("contribution_id")
    selections = {s.get("guid"): s for s in root.iter(f"{{{qda.PROJECT_NS}}}PlainTextSelection")}
    for name, case in cases.items():
        linked = selections[case.find("q:SelectionRef", NS).get("targetGUID")]
        assert [c.find("q:CodeRef", NS).get("targetGUID") for c in linked.findall("q:Coding", NS)] == [case.get("guid")]
        row = contributions.loc[name]
        assert (linked.get("startPosition"), linked.get("endPosition")) == (str(row.char_start), str(row.char_end))


def test_statement_functions_travel_as_codes_of_their_own_theme(data_dir: Path, tmp_path: Path):
    with (data_dir / "codebook.yaml").open("a", encoding="utf-8") as book:
        book.write("statement_functions:\n  - id: hope\n    label: Hope\n    brief_definition: A desired future.\n")
    with (data_dir / "coding.csv").open("a", encoding="utf-8") as coding:
        coding.write("CL-002,hope,consensus,\n")
    path = qda.write_qdpx(Data(data_dir), tmp_path / "functions.qdpx")
    (functions,) = [t for t in qde(path).findall("q:CodeBook/q:Codes/q:Code", NS) if t.get("name") == "Statement functions"]
    assert [(c.get("name"), c.get("guid")) for c in functions.findall("q:Code", NS)] == [("Hope", qda.guid("code", "hope"))]
    _, coding, report = qda.read_qdpx(path, Data(data_dir))
    assert ("CL-002", "hope", "consensus", "") in set(coding.itertuples(index=False, name=None))
    assert report.new_codes == [] and len(coding) == len(read_table(data_dir / "coding.csv"))


def test_a_selection_whose_stored_text_was_whitespace_cleaned_says_so(data_dir: Path, tmp_path: Path):
    source = data_dir / "sources" / "changing_lives_2006.txt"
    text = source.read_text(encoding="utf-8")
    assert text[201:293].startswith("Front-line staff should")
    source.write_text(text[:217] + "\n" + text[218:], encoding="utf-8")  # "should\nhave": a line break in the source
    root = qde(qda.write_qdpx(Data(data_dir), tmp_path / "x.qdpx"))
    described = {s.get("name"): s.findtext("q:Description", namespaces=NS)
                 for s in root.iter(f"{{{qda.PROJECT_NS}}}PlainTextSelection") if not s.get("creatingUser")}
    assert described["CL-002"].startswith("This selection covers the source text exactly")
    assert described["CL-002"].endswith("Front-line staff should have the time to build relationships with the people "
                                        "they work with.")
    assert described["CL-001"] is None


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
        qda.write_qdpx(Data(data_dir), tmp_path / "x.qdpx")


def test_export_warns_about_characters_beyond_the_basic_plane(data_dir: Path, tmp_path: Path):
    with data_dir.joinpath("sources", "changing_lives_2006.txt").open("a", encoding="utf-8") as f:
        f.write("A closing emoji \N{SMILING FACE WITH SMILING EYES}\n")
    with pytest.warns(UserWarning, match="changing_lives_2006 has characters beyond U\\+FFFF"):
        qda.write_qdpx(Data(data_dir), tmp_path / "x.qdpx")


# ---------------------------------------------------------------- import


@pytest.mark.parametrize("with_data", [True, False], ids=["against data folder", "archive alone"])
def test_round_trip_gives_back_the_coding_and_the_contributions(qdpx: Path, data_dir: Path, with_data: bool, capsys):
    selections, coding, report = qda.read_qdpx(qdpx, Data(data_dir) if with_data else None)
    original = read_table(data_dir / "coding.csv")
    pd.testing.assert_frame_equal(sorted_coding(coding), sorted_coding(original))
    contributions = read_data(Data(data_dir)).contributions.set_index("contribution_id")
    assert set(selections["match"]) == {"exact"}
    for row in selections.itertuples():
        expected = contributions.loc[row.contribution_id]
        assert (row.source_id, row.char_start, row.char_end) == (expected.source_id, expected.char_start, expected.char_end)
        assert row.text == expected.text
    assert report.unmatched.empty and report.new_codes == [] and report.matched == {"exact": len(original)}
    assert capsys.readouterr().err == ""


def test_codings_from_another_tool_map_by_position_and_the_rest_are_reported(data_dir: Path, tmp_path: Path, capsys):
    path = zip_folder(FIXTURES / "from_tool", tmp_path / "student.qdpx")
    selections, coding, report = qda.read_qdpx(path, Data(data_dir))
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


CL_SOURCE = "sources/8F14E45F-CEEA-467A-9575-6A1C2B3D4E02.txt"


def from_tool_members(qde_name: str = "project.qde") -> dict[str, bytes]:
    folder = FIXTURES / "from_tool"
    members = {f.relative_to(folder).as_posix(): f.read_bytes() for f in sorted(folder.rglob("*")) if f.is_file()}
    members[qde_name] = members.pop("project.qde")
    return members


def write_archive(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_codings_in_a_source_whose_text_changed_are_reported_not_mapped(data_dir: Path, tmp_path: Path):
    members = from_tool_members()
    members[CL_SOURCE] = members[CL_SOURCE].replace(b"reliable", b"dependable")
    _, coding, report = qda.read_qdpx(write_archive(tmp_path / "edited.qdpx", members), Data(data_dir))
    assert "CL-002" not in set(coding["contribution_id"])
    assert report.unmatched.loc[report.unmatched["source_id"] == "changing_lives_2006", "reason"].tolist() == [
        "the archive's text of changing_lives_2006 differs from ours"]


def test_nvivo_windows_text_with_crlf_bom_and_utf16_positions_is_mapped(data_dir: Path, tmp_path: Path):
    """NVivo for Windows stores texts with CRLF and a byte-order mark in a folder "Sources" and
    counts positions in UTF-16 code units: a character beyond U+FFFF before a selection counts two."""
    source = data_dir / "sources" / "changing_lives_2006.txt"
    ours = source.read_text(encoding="utf-8")
    assert ours.index("—") < 201  # in CL-001, before CL-002
    ours = ours.replace("—", "\N{SMILING FACE WITH SMILING EYES}", 1)  # one character for one: offsets hold
    source.write_text(ours, encoding="utf-8")
    windows = ours.replace("\n", "\r\n")
    start, end = (len(windows[:ours_position + ours[:ours_position].count("\n")].encode("utf-16-le")) // 2
                  for ours_position in (234, 261))
    assert (start, end) == (234 + 4, 261 + 4)  # three CRs and one surrogate before the selection
    members = {name.replace("sources/", "Sources/"): data for name, data in from_tool_members().items()}
    members["Sources/" + CL_SOURCE.removeprefix("sources/")] = "\ufeff".encode() + windows.encode("utf-8")
    members["project.qde"] = members["project.qde"].replace(b'startPosition="234" endPosition="261"',
                                                            f'startPosition="{start}" endPosition="{end}"'.encode())
    selections, coding, report = qda.read_qdpx(write_archive(tmp_path / "nvivo.qdpx", members), Data(data_dir))
    assert ("CL-002", "relationship_time", "student", "Only the part about time.") in set(coding.itertuples(index=False, name=None))
    assert selections.loc[selections["source_id"] == "changing_lives_2006", "text"].tolist() == ["time to build relationships"]
    assert report.countings == {"changing_lives_2006": "UTF-16 code units, CRLF line endings as two"}
    assert "Positions in changing_lives_2006 fit UTF-16 code units, CRLF line endings as two" in report.summary()


def test_crlf_counted_as_one_place_is_detected(data_dir: Path, tmp_path: Path):
    """ATLAS.ti (and QualCoder's "MAXQDA line endings" export) store CRLF but count a line break
    as one place."""
    members = from_tool_members()
    members[CL_SOURCE] = members[CL_SOURCE].replace(b"\n", b"\r\n")
    _, coding, report = qda.read_qdpx(write_archive(tmp_path / "atlas.qdpx", members), Data(data_dir))
    assert "CL-002" in set(coding["contribution_id"])
    assert report.countings == {"changing_lives_2006": "Unicode characters, CRLF line endings as one"}


def test_atlas_ti_project_document_named_after_the_project_is_read(data_dir: Path, tmp_path: Path):
    path = write_archive(tmp_path / "atlas.qdpx", from_tool_members("Student copy.qde"))
    _, coding, _ = qda.read_qdpx(path, Data(data_dir))
    assert len(coding) == 5


def test_several_project_documents_are_refused(tmp_path: Path):
    members = from_tool_members()
    members["other.qde"] = members["project.qde"]
    members["Student copy.qde"] = members.pop("project.qde")
    with pytest.raises(qda.QdaImportError, match=r"several \(other\.qde, Student copy\.qde\)|several \(Student copy\.qde, other\.qde\)"):
        qda.read_qdpx(write_archive(tmp_path / "two.qdpx", members))


def test_taguette_empty_sets_are_ignored_with_a_warning(data_dir: Path, tmp_path: Path):
    members = from_tool_members()
    members["project.qde"] = members["project.qde"].replace(b"</Sources>", b"</Sources>\n  <Sets/>")
    with pytest.warns(UserWarning, match=r"project\.qde has an empty <Sets/>, which REFI-QDA does not allow; ignored"):
        _, coding, _ = qda.read_qdpx(write_archive(tmp_path / "taguette.qdpx", members), Data(data_dir))
    assert len(coding) == 5


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
    with pytest.raises(qda.QdaImportError, match=r"empty\.qdpx: needs one project document \(\.qde\) at the top of "
                                                  r"the archive; found none"):
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


def test_a_selection_guid_used_twice_is_refused(tmp_path: Path):
    members = from_tool_members()
    members["project.qde"] = members["project.qde"].replace(b"0b7a1c2d-0000-4000-8000-000000000102",
                                                            b"0b7a1c2d-0000-4000-8000-000000000101")
    with pytest.raises(qda.QdaImportError, match=r"twice\.qdpx: selection GUIDs appear more than once: "
                                                  r"0b7a1c2d-0000-4000-8000-000000000101$"):
        qda.read_qdpx(write_archive(tmp_path / "twice.qdpx", members))


@pytest.mark.parametrize("old, new, status", [
    (b'startPosition="282"', b'startPosition="-5"', 2),
    (b'startPosition="282" endPosition="328"', b'startPosition="328" endPosition="282"', 2),
    (b'endPosition="328"', b'endPosition="99999"', 2),
    (b'<CodeRef targetGUID="0b7a1c2d-0000-4000-8000-000000000022"/>', b'<CodeRef targetGUID="{0B7A1C2D-0000-4000-8000-0000000009FF}"/>', 1),
    (b"6A1C2B3D4E02.txt", b"6A1C2B3D4EFF.txt", 2),
    (b"internal://8F14E45F-CEEA-467A-9575-6A1C2B3D4E02.txt", b"absolute:///etc/passwd", 2),
    (b'encoding="utf-8"', b'encoding="no-such-encoding"', 2),
], ids=["negative start", "start after end", "beyond the text", "unknown code", "missing source file",
        "source outside the archive", "unknown encoding"])
def test_a_bad_archive_is_reported_never_a_traceback(data_dir: Path, tmp_path: Path, capsys, old, new, status):
    members = from_tool_members()
    assert old in members["project.qde"]
    members["project.qde"] = members["project.qde"].replace(old, new, 1)
    path = write_archive(tmp_path / "bad.qdpx", members)
    assert qda_command.main(["import", str(path), "--data-dir", str(data_dir)]) == status
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: ") and err.count("\n") == 1 if status == 2 else "match no contribution" in err


def test_a_selection_outside_its_source_is_refused_naming_both_even_without_codings(qdpx: Path, data_dir: Path, tmp_path: Path, capsys):
    with zipfile.ZipFile(qdpx) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    document = members["project.qde"].decode("utf-8")
    case_link = next(s for s in re.findall(r"<PlainTextSelection [^>]*>", document) if "creatingUser" not in s)
    name = re.search(r'name="([^"]+)"', case_link).group(1)
    moved = re.sub(r'startPosition="\d+" endPosition="\d+"', 'startPosition="999990" endPosition="999999"', case_link)
    members["project.qde"] = document.replace(case_link, moved, 1).encode("utf-8")
    path = write_archive(tmp_path / "moved.qdpx", members)
    assert qda_command.main(["import", str(path), "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert re.fullmatch(rf"error: {re.escape(str(path))}: selection {name} at 999990-999999 lies outside the text of "
                        r"source \w+ \(\d+ characters\)\n", err), err


# ---------------------------------------------------------------- unsafe archives


@pytest.mark.parametrize("name", ["../../evil.txt", "/etc/evil.txt", "sources/../../evil.txt", "C:/evil.txt",
                                  "..\\evil.txt"])
def test_member_names_that_leave_the_archive_are_refused(tmp_path: Path, name: str):
    members = from_tool_members() | {name: b"x"}
    with pytest.raises(qda.QdaImportError, match=r"refused: member names leave the archive: " + re.escape(name)):
        qda.read_qdpx(write_archive(tmp_path / "evil.qdpx", members))


def test_a_member_larger_than_the_limit_is_refused_and_members_are_read_in_pieces(tmp_path: Path, monkeypatch):
    members = from_tool_members()
    monkeypatch.setattr(qda, "MAX_MEMBER_BYTES", len(members["project.qde"]) - 1)
    with pytest.raises(qda.QdaImportError, match=r"project\.qde is larger than the 0 MiB allowed"):
        qda.read_qdpx(write_archive(tmp_path / "big.qdpx", members))
    opened = []
    real_open = zipfile.ZipFile.open

    def recording_open(self, name, *args, **kwargs):
        member = real_open(self, name, *args, **kwargs)
        real_read = member.read
        member.read = lambda n=-1: opened.append(n) or real_read(n)
        return member

    monkeypatch.setattr(qda, "MAX_MEMBER_BYTES", 2**20)
    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    qda.read_qdpx(write_archive(tmp_path / "small.qdpx", members))
    assert opened and set(opened) == {2**20}  # read in bounded pieces, never whole


ENTITIES = """<?xml version="1.0" encoding="{encoding}"?>
<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY lol "lol">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Description>&xxe;&lol;</Description></Project>"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])  # UTF-16 passes the byte check; lxml's DTD check catches it
def test_xml_declaring_entities_is_refused_without_resolving_them(tmp_path: Path, encoding: str):
    xml = ENTITIES.format(encoding=encoding).encode(encoding)
    with pytest.raises(qda.QdaImportError, match=r"xxe\.qdpx: project\.qde declares entities in a DOCTYPE; REFI-QDA "
                                                r"files have none, so it is refused"):
        qda.read_qdpx(write_archive(tmp_path / "xxe.qdpx", {"project.qde": xml}))


# ---------------------------------------------------------------- codebook import


def test_codebook_import_lists_new_changed_and_missing_codes(data_dir: Path, tmp_path: Path, capsys):
    path = qda.write_qdc(Data(data_dir), tmp_path / "ours.qdc")
    assert qda_command.main(["import-codebook", str(path), "--data-dir", str(data_dir)]) == 0
    assert ": 0 new, 0 changed, 0 missing codes." in capsys.readouterr().out
    xml = path.read_text(encoding="utf-8")
    xml = xml.replace('name="Listening and continuity"', 'name="Listening"')  # renamed in the program
    xml = re.sub(r'<Code guid="[^"]+" name="Workforce skills" isCodable="true">.*?</Code>',
                 f'<Code guid="{qda.guid("x", "new")}" name="Digital capability" isCodable="true"/>', xml, flags=re.S)
    xml = xml.replace("</Codes>", "</Codes><Sets/>")  # as Taguette 1.5 writes it
    path.write_text(xml, encoding="utf-8")
    assert qda_command.main(["import-codebook", str(path), "--data-dir", str(data_dir)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[1:] == [
        "  changed: listening (Listening): label 'Listening and continuity' is 'Listening'",
        "  new: Digital capability: under Workforce",
        "  missing: workforce_skills (Workforce skills)"]
    assert ": 1 new, 1 changed, 1 missing codes." in captured.out
    assert captured.err == f"warning: {path}: ours.qdc has an empty <Sets/>, which REFI-QDA does not allow; ignored\n"


def test_codebook_import_refuses_a_file_that_is_not_a_codebook(tmp_path: Path, capsys):
    (tmp_path / "x.qdc").write_text("<CodeBook/>", encoding="utf-8")
    assert qda_command.main(["import-codebook", str(tmp_path / "x.qdc")]) == 2
    assert capsys.readouterr().err.startswith(f"error: {tmp_path / 'x.qdc'}: x.qdc does not validate against REFI-QDA "
                                              "Codebook.xsd")


# ---------------------------------------------------------------- bringing work back


def test_merge_appends_the_students_codings_as_a_new_coder_and_reports_alpha(data_dir: Path, tmp_path: Path, capsys):
    before = read_table(data_dir / "coding.csv")
    student = zip_folder(FIXTURES / "from_tool", tmp_path / "student.qdpx")
    assert qda_command.main(["merge", str(student), "--coder", "student_2026", "--data-dir", str(data_dir)]) == 0
    after = read_table(data_dir / "coding.csv")
    pd.testing.assert_frame_equal(after.iloc[:len(before)], before)
    assert after.iloc[len(before):].to_dict("records") == [
        {"contribution_id": "CL-002", "code_id": "relationship_time", "coder": "student_2026",
         "memo": "Only the part about time."},
        {"contribution_id": "LW-002", "code_id": "listening", "coder": "student_2026", "memo": ""},
        {"contribution_id": "LW-002", "code_id": "relationship_time", "coder": "student_2026", "memo": ""}]
    out = capsys.readouterr().out
    assert "  left out: LW-003 coded 'Digital capability', a code data/codebook.yaml does not have" in out
    # CL-002 and LW-002 x 3 codes; consensus 010 010, student 010 110: one disagreement among 12 values,
    # 5 "present": alpha = 1 - 11 * 1 / (7 * 5)
    assert f"against the consensus: {1 - 11 / 35:.3f} over 2 contributions x 3 codes" in out
    assert qda_command.main(["merge", str(student), "--coder", "student_2026", "--data-dir", str(data_dir)]) == 1


@pytest.mark.parametrize("arguments, message", [
    (["--coder", "consensus"], "'consensus' is the agreed coding the analysis uses; merge under a new name"),
    (["--coder", "coder_a"], "coder 'coder_a' already has rows in coding.csv; merge under a new name"),
    (["--coder", "Student"], "coder name 'Student': use lower-case letters, digits, _ or -, starting with a letter"),
    (["--coder", "x", "--user", "nobody"], "no codings by user 'nobody' in the archive (users: consensus, student)"),
])
def test_merge_refuses_to_write_over_a_coder_or_guess(data_dir: Path, tmp_path: Path, capsys, arguments, message):
    before = (data_dir / "coding.csv").read_bytes()
    student = zip_folder(FIXTURES / "from_tool", tmp_path / "student.qdpx")
    assert qda_command.main(["merge", str(student), *arguments, "--data-dir", str(data_dir)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == f"error: {message}"
    assert (data_dir / "coding.csv").read_bytes() == before


def test_merge_refuses_a_coder_the_vocabulary_does_not_declare():
    declared = set(load_vocabulary(Data(DATA_DIR)).coders)
    with pytest.raises(ValueError, match=r"^coder 'student_2026' is not declared in vocabulary.yaml: add it under coders "
                                         r"\(id and description\) first$"):
        check_coder_name("student_2026", {"coder_a", "consensus"}, declared)
    check_coder_name("student_2026", {"coder_a", "consensus"}, declared | {"student_2026"})
    check_coder_name("student_2026", {"coder_a", "consensus"}, None)  # no vocabulary: its own check says so


def test_merge_dry_run_writes_nothing(data_dir: Path, tmp_path: Path, capsys):
    before = (data_dir / "coding.csv").read_bytes()
    student = zip_folder(FIXTURES / "from_tool", tmp_path / "student.qdpx")
    assert qda_command.main(["merge", str(student), "--coder", "s", "--user", "student", "--dry-run",
                     "--data-dir", str(data_dir)]) == 0
    assert "3 codings by student to merge" in capsys.readouterr().out
    assert (data_dir / "coding.csv").read_bytes() == before


# ---------------------------------------------------------------- command line


def test_command_line_exports_and_imports(data_dir: Path, tmp_path: Path, capsys):
    assert qda_command.main(["export", str(tmp_path / "qda"), "--data-dir", str(data_dir)]) == 0
    assert sorted(p.name for p in (tmp_path / "qda").iterdir()) == sorted([qda.QDPX_NAME, qda.QDC_NAME])
    assert qda_command.main(["import", str(tmp_path / "qda" / qda.QDPX_NAME), "--data-dir", str(data_dir)]) == 0
    student = zip_folder(FIXTURES / "from_tool", tmp_path / "student.qdpx")
    out = tmp_path / "student_coding.csv"
    assert qda_command.main(["import", str(student), "--data-dir", str(data_dir), "--coding-out", str(out)]) == 1
    assert "New codes: Digital capability." in capsys.readouterr().out
    assert len(read_table(out)) == 5
    (tmp_path / "bad.qdpx").write_text("x", encoding="utf-8")
    assert qda_command.main(["import", str(tmp_path / "bad.qdpx"), "--data-dir", str(data_dir)]) == 2


@pytest.mark.parametrize("command, options", [
    ([], ["export", "import", "import-codebook", "merge"]),
    (["export"], ["FOLDER", "--data-dir"]),
    (["import"], ["FILE.qdpx", "--data-dir", "--coding-out"]),
    (["import-codebook"], ["FILE.qdc", "--data-dir"]),
    (["merge"], ["FILE.qdpx", "--coder", "--user", "--data-dir", "--dry-run"]),
])
def test_every_qda_command_lists_its_options(command, options, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["qda", *command, "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0 and out.startswith(f"usage: python -m analysis qda {' '.join(command)}".rstrip())
    assert all(option in out for option in options)


@pytest.mark.parametrize("name", ["missing.qdpx", "."])
def test_import_of_a_path_that_is_not_a_file_is_one_line(tmp_path: Path, capsys, name):
    assert qda_command.main(["import", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {tmp_path / name}: ")
