"""Prove the REFI-QDA export in QualCoder: import it with QualCoder's own code, check the
program's database, add a code and a coding there, export with QualCoder's own code, and
read that file back with ``python -m analysis qda import``.

QualCoder is not a dependency of this project. Run this with a Python that can import a
QualCoder source tree (public repository ccbogel/QualCoder; it needs PyQt6, PyMuPDF and
Pillow from PyPI, best in a throwaway virtual environment), headless:

    python3 -m venv /tmp/qcvenv && /tmp/qcvenv/bin/pip install PyQt6 pymupdf Pillow
    QT_QPA_PLATFORM=offscreen /tmp/qcvenv/bin/python scripts/qualcoder_roundtrip.py \
        --qualcoder /path/to/QualCoder --qdpx outputs/social_work_visioning.qdpx

It drives ``RefiImport`` and ``RefiExport`` from ``src/qualcoder/refi.py`` with the file
dialogs and message boxes answered, in a new QualCoder project whose tables are created by
the statements of QualCoder's own ``new_project``. QualCoder's settings go to a temporary
home folder. Prints what QualCoder holds against what the archive says, and exits 1 when
anything was lost.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import collections
import csv
import datetime
import os
import sqlite3
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree  # reads this project's own export; QualCoder's Python need not have defusedxml
from pathlib import Path

NS = "{urn:QDA-XML:project:1.0}"
CASE_CODES_NAME = "Contributions (cases)"
ADDED_CODE, ADDED_CODER = "Added in QualCoder", "qualcoder_student"


def expected(qdpx: Path) -> dict:
    """What the archive holds, read from its project.qde."""
    import zipfile

    with zipfile.ZipFile(qdpx) as archive:
        root = ElementTree.fromstring(archive.read("project.qde"))
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{NS}User")}
    cases = {c.get("guid"): c for c in root.iter(f"{NS}Case")}
    themes = {}
    for theme in root.find(f"{NS}CodeBook/{NS}Codes"):
        if theme.get("name") != CASE_CODES_NAME:
            themes.update({code.get("name"): theme.get("name") for code in theme.findall(f"{NS}Code")})
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{NS}Code")}
    codings, case_spans = [], {}
    for source in root.iter(f"{NS}TextSource"):
        for selection in source.findall(f"{NS}PlainTextSelection"):
            span = (source.get("name"), int(selection.get("startPosition")), int(selection.get("endPosition")))
            for coding in selection.findall(f"{NS}Coding"):
                code = coding.find(f"{NS}CodeRef").get("targetGUID")
                if code in cases:
                    case_spans[cases[code].get("name")] = span
                else:
                    codings.append((*span, codes[code], users[selection.get("creatingUser")],
                                    selection.findtext(f"{NS}Description") or ""))
    case_variables = {c.get("name"): len(c.findall(f"{NS}VariableValue")) for c in cases.values()}
    return {"sources": sum(1 for _ in root.iter(f"{NS}TextSource")), "themes": themes, "codings": codings,
            "cases": case_variables, "case_spans": case_spans}


def held(db: Path) -> dict:
    """What QualCoder's project database holds, in the same shape."""
    with sqlite3.connect(db) as conn:
        themes = dict(conn.execute("select code_name.name, code_cat.name from code_name "
                                   "left join code_cat on code_name.catid = code_cat.catid"))
        codings = conn.execute("select source.name, pos0, pos1, code_name.name, code_text.owner, ifnull(code_text.memo, '') "
                               "from code_text join source on source.id = code_text.fid "
                               "join code_name on code_name.cid = code_text.cid").fetchall()
        cases = dict(conn.execute("select cases.name, count(attribute.attrid) from cases left join attribute "
                                  "on attribute.id = cases.caseid and attribute.attr_type = 'case' group by cases.caseid"))
        case_spans = {name: (source, pos0, pos1) for name, source, pos0, pos1 in conn.execute(
            "select cases.name, source.name, pos0, pos1 from case_text join cases on cases.caseid = case_text.caseid "
            "join source on source.id = case_text.fid")}
        misplaced = conn.execute("select count(*) from code_text join source on source.id = code_text.fid "
                                 "where substr(source.fulltext, pos0 + 1, pos1 - pos0) != seltext").fetchone()[0]
        sources = conn.execute("select count(*) from source").fetchone()[0]
        file_variables = conn.execute("select count(*) from attribute_type where caseOrFile = 'file'").fetchone()[0]
    return {"sources": sources, "themes": themes, "codings": codings, "cases": cases, "case_spans": case_spans,
            "misplaced": misplaced, "file_variables": file_variables}


def compare(want: dict, got: dict) -> list[str]:
    """Counts side by side; the list of what was lost or changed."""
    coders = collections.Counter(c[4] for c in want["codings"])
    got_coders = collections.Counter(c[4] for c in got["codings"])
    memos = sum(1 for c in want["codings"] if c[5])
    print(f"sources: {got['sources']} of {want['sources']}")
    print(f"codes under their theme: {sum(got['themes'].get(c) == t for c, t in want['themes'].items())} "
          f"of {len(want['themes'])}")
    print(f"codings: {len(got['codings'])} of {len(want['codings'])}; by coder "
          + ", ".join(f"{c} {got_coders[c]} of {n}" for c, n in sorted(coders.items())))
    print(f"memos: {sum(1 for c in got['codings'] if c[5])} of {memos}")
    with_variables = sum(got["cases"].get(name) == n for name, n in want["cases"].items())
    print(f"cases: {len(got['cases'])} of {len(want['cases'])}, {with_variables} with all their variables, "
          f"{sum(got['case_spans'].get(n) == s for n, s in want['case_spans'].items())} linked to their text")
    print(f"selected text differing from the source slice: {got['misplaced']}; file variables: {got['file_variables']}")
    lost = []
    if got["sources"] != want["sources"]:
        lost.append("sources")
    if any(got["themes"].get(c) != t for c, t in want["themes"].items()):
        lost.append("codes under their themes")
    if sorted(got["codings"]) != sorted(want["codings"]):
        lost.append("codings, coders or memos")
    if got["cases"] != want["cases"]:
        lost.append("cases or their variables")
    if got["case_spans"] != want["case_spans"]:
        lost.append("case links")
    if got["misplaced"]:
        lost.append("selected text")
    return lost


def table_statements(qualcoder: Path) -> list[str]:
    """The CREATE TABLE statements of QualCoder's ``new_project``, as written in its source."""
    tree = ast.parse((qualcoder / "src" / "qualcoder" / "__main__.py").read_text(encoding="utf-8"))
    (function,) = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "new_project"]
    return [call.args[0].value for call in ast.walk(function)
            if isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "execute" and call.args
            and isinstance(call.args[0], ast.Constant) and str(call.args[0].value).startswith("CREATE TABLE")]


class Log:
    """Stands in for QualCoder's log pane."""

    def __init__(self):
        self.lines = []

    def append(self, text: str) -> None:
        self.lines.append(text)


class QualCoderApp:
    """The part of QualCoder's ``App`` (src/qualcoder/app.py) that refi.py uses; the real one
    also loads QualCoder's AI modules, which the REFI-QDA exchange does not need."""

    version = "QualCoder (source tree)"
    ai_models: list = []
    project_events = None

    def __init__(self, project: Path, directory: Path):
        self.project_path, self.project_name = str(project), project.name
        self.settings = {"codername": "default", "directory": str(directory), "ai_enable": "False"}
        self.conn = sqlite3.connect(project / "data.qda")

    def write_config_ini(self, settings: dict, ai_models: list) -> None:
        """QualCoder saves the coder name here; nothing to save in a throwaway project."""

    def get_annotations(self) -> list[dict]:
        keys = "anid", "fid", "pos0", "pos1", "memo", "owner", "date"
        return [dict(zip(keys, row)) for row in self.conn.execute(f"select {', '.join(keys)} from annotation")]


class Answered:
    """A message box or dialog answered at once; as the export's line-endings dialog, it
    answers "MAXQDA line endings" (CRLF) when ``maxqda`` is set."""

    maxqda = False

    def __init__(self, *args, **kwargs):
        self.ui = self.radioButton_maxqda = self

    def exec(self):
        return 1

    def isChecked(self) -> bool:
        return self.maxqda


def qualcoder_roundtrip(qualcoder: Path, qdpx: Path, work: Path, maxqda: bool) -> tuple[dict, dict, Path]:
    """Import ``qdpx`` into a new QualCoder project, add a code and a coding, export (with
    CRLF line endings when ``maxqda``); return (expected, held, exported archive)."""
    os.environ["HOME"] = str(work / "home")
    (work / "home" / ".qualcoder").mkdir(parents=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(qualcoder / "src"))
    builtins._ = lambda text: text  # QualCoder installs gettext's _ at start-up
    from PyQt6 import QtWidgets
    from qualcoder import refi

    qt = QtWidgets.QApplication([])  # noqa: F841  (kept alive while QualCoder runs)
    refi.Message = refi.RefiLineEndings = Answered
    Answered.maxqda = maxqda
    QtWidgets.QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: (str(qdpx), "(*.qdpx)"))
    QtWidgets.QFileDialog.getExistingDirectory = staticmethod(lambda *a, **k: str(work / "exported"))
    (work / "exported").mkdir()

    project = work / "roundtrip.qda"
    for folder in ("", "images", "audio", "video", "documents"):
        (project / folder).mkdir()
    app = QualCoderApp(project, work)
    for statement in table_statements(qualcoder):
        app.conn.execute(statement)
    app.conn.execute("insert into project (databaseversion, date, memo, about, codername) values (?,?,?,?,?)",
                     ("v17", datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S"), "", app.version, "default"))
    app.conn.commit()

    log = Log()
    refi.RefiImport(app, log, "qdpx")
    db = project / "data.qda"
    want, got = expected(qdpx), held(db)

    # Work as a student would: a new code in a theme, and a coding of the first contribution.
    cur = app.conn.cursor()
    catid = cur.execute("select catid from code_cat order by catid limit 1").fetchone()[0]
    cur.execute("insert into code_name (name, memo, owner, date, catid, color) values (?,?,?,?,?,?)",
                (ADDED_CODE, "A code added in QualCoder.", ADDED_CODER, "2026-01-01 00:00:00", catid, "#F4FA58"))
    fid, pos0, pos1, seltext = cur.execute("select fid, pos0, pos1, seltext from code_text order by ctid limit 1").fetchone()
    cur.execute("insert into code_text (cid, fid, seltext, pos0, pos1, owner, memo, date) values "
                "((select cid from code_name where name = ?),?,?,?,?,?,?,?)",
                (ADDED_CODE, fid, seltext, pos0, pos1, ADDED_CODER, "Added in QualCoder.", "2026-01-01 00:00:00"))
    app.conn.commit()
    refi.RefiExport(app, log, "project")
    (exported,) = (work / "exported").glob("*.qdpx")
    return want, got, exported


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--qualcoder", type=Path, required=True, help="a QualCoder source tree (holds src/qualcoder)")
    parser.add_argument("--qdpx", type=Path, default=Path("outputs/social_work_visioning.qdpx"))
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--project-python", default=".venv/bin/python",
                        help="the Python of this project, to run `python -m analysis qda import`")
    parser.add_argument("--keep", type=Path, help="copy QualCoder's exported archive here")
    parser.add_argument("--maxqda-line-endings", action="store_true",
                        help="answer QualCoder's export dialog with its MAXQDA option (texts saved with CRLF)")
    args = parser.parse_args(argv)
    if not (args.qualcoder / "src" / "qualcoder" / "refi.py").is_file():
        print(f"{args.qualcoder}: not a QualCoder source tree (no src/qualcoder/refi.py)", file=sys.stderr)
        return 2
    if not args.qdpx.is_file():
        print(f"{args.qdpx}: no such archive (build the project first, or name one with --qdpx)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as work:
        want, got, exported = qualcoder_roundtrip(args.qualcoder.resolve(), args.qdpx.resolve(), Path(work),
                                                   args.maxqda_line_endings)
        print(f"QualCoder ({args.qualcoder}) imported {args.qdpx}:")
        archive_coders = collections.Counter(coding[4] for coding in want["codings"])
        lost = compare(want, got)
        if args.keep:
            args.keep.write_bytes(exported.read_bytes())
        print(f"\nQualCoder exported the project with the code {ADDED_CODE!r} and a coding by {ADDED_CODER}; "
              "python -m analysis qda import reads it:")
        coding_out = Path(work) / "back.csv"
        result = subprocess.run([args.project_python, "-m", "analysis", "qda", "import", str(exported),
                                 "--data-dir", str(args.data_dir), "--coding-out", str(coding_out)],
                                capture_output=True, text=True)
        print(result.stdout + result.stderr)
        back = list(csv.DictReader(coding_out.open(encoding="utf-8"))) if coding_out.exists() else []
        coders = collections.Counter(row["coder"] for row in back)
        added = [row for row in back if row["coder"] == ADDED_CODER and row["code_id"] == ADDED_CODE]
        print(f"rows read back: {len(back)} (" + ", ".join(f"{c} {n}" for c, n in sorted(coders.items()))
              + f"); the added coding {'is' if added else 'is NOT'} among them")
        ours = {tuple(row.values()) for row in csv.DictReader((args.data_dir / "coding.csv").open(encoding="utf-8"))}
        known = {row[2] for row in ours}
        returned = {tuple(row.values()) for row in back if row["coder"] in known}
        print(f"rows of {args.data_dir / 'coding.csv'} read back unchanged (code, coder and memo): "
              f"{len(ours & returned)} of {len(ours)}")
        others = collections.Counter(row["coder"] for row in back if row["coder"] not in known | {ADDED_CODER})
        if others:  # coders of the archive that coding.csv lacks: suggested codes (qda export --suggestions)
            print("rows of coders not in coding.csv read back: " + ", ".join(f"{c} {n}" for c, n in sorted(others.items()))
                  + f" (in the archive: {', '.join(f'{c} {n}' for c, n in sorted(archive_coders.items()) if c in others)})")
        if returned != ours or len(added) != 1 or any(others[c] != archive_coders.get(c) for c in others):
            lost.append("codings on the way back")
    if lost:
        print("lost or changed: " + ", ".join(lost), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
