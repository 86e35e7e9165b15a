"""The exports written as they are made: the same bytes as the whole documents written at once."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from analysis.evidence.data import Data
from analysis.exchange import qda
from analysis.paths import OUTPUTS_DIR, PROJECT_ROOT
from analysis.report.build import write_exports

FOLDERS = {"real": PROJECT_ROOT / "data", "smoke": PROJECT_ROOT / "tests" / "fixtures" / "data",
           "qda": PROJECT_ROOT / "tests" / "fixtures" / "qda" / "data"}

UNINDENTED = etree.XMLParser(remove_blank_text=True)  # the indentation of elements given as text is lxml's to write again


def whole_tree(node) -> list[etree._Element]:
    """A streamed node as the elements one tree holds: each slot replaced by its children
    (elements given as text parsed by lxml)."""
    if callable(node):
        return list(etree.fromstring(f'<Wrapper xmlns="{qda.PROJECT_NS}">{node("")}</Wrapper>', UNINDENTED))
    if not isinstance(node, qda.Streamed):
        return [node]
    shell = node.shell
    slot = shell.find(qda.SLOT)
    at = shell.index(slot)
    shell.remove(slot)
    for offset, child in enumerate(element for child in node.children for element in whole_tree(child)):
        shell.insert(at + offset, child)
    return [shell]


@pytest.mark.parametrize("batch", [qda.STREAM_BATCH, 3])
@pytest.mark.parametrize("name", FOLDERS)
def test_streamed_project_is_the_whole_tree_pretty_printed(name, batch, monkeypatch):
    monkeypatch.setattr(qda, "STREAM_BATCH", batch)
    data, created = qda.exchange_data(Data(FOLDERS[name])), qda.export_time(FOLDERS[name])
    streamed = io.BytesIO()
    qda.write_streamed(streamed, [qda.project_parts(data, created)])
    [root] = whole_tree(qda.project_parts(data, created))
    whole = qda.xml_bytes(root)
    assert whole.count(b"<PlainTextSelection ") >= len(data.coding) and b"StreamedChildren" not in whole
    assert streamed.getvalue() == whole
    assert qda.schema_errors(etree.fromstring(streamed.getvalue()), "Project") == []


def test_exports_of_the_real_data_are_the_committed_bytes(tmp_path: Path):
    """The committed exports were made before the exports were streamed (and are rebuilt with
    the briefing): streaming changed no byte."""
    write_exports(Data(FOLDERS["real"]), tmp_path)
    written = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file())
    assert Path("social_work_visioning.qdpx") in written and Path("opendata/coded_contributions.xlsx") in written
    for relative in written:
        assert (tmp_path / relative).read_bytes() == (OUTPUTS_DIR / relative).read_bytes(), relative
    with zipfile.ZipFile(tmp_path / "social_work_visioning.qdpx") as archive:
        assert qda.schema_errors(etree.fromstring(archive.read("project.qde")), "Project") == []


def test_a_refused_export_fails_the_exports_step_saying_why(tmp_path: Path):
    from analysis.report.build import BuildFailed

    data = tmp_path / "data"
    shutil.copytree(FOLDERS["qda"], data)
    coding = data / "coding.csv"
    header, first, *rest = coding.read_text(encoding="utf-8").splitlines(keepends=True)
    coding.write_text(header + first + first + "".join(rest), encoding="utf-8")  # one coding twice
    with pytest.raises(BuildFailed, match=r"(?s)REFI-QDA export failed \(exit 1\).*appears more than once"):
        write_exports(Data(data), tmp_path / "out")
