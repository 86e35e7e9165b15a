"""Exchange the coding with QDA software as REFI-QDA 1.0 files (QualCoder, NVivo, ATLAS.ti, MAXQDA).

``write_qdpx`` writes a project shaped to what those programs read (see ``project_xml``):
the source texts, the codebook (themes as non-codable parent codes, codes as codable
children with their definitions), one text selection per coding row with its coder and
memo, and one case per coded contribution with its variables, linked to its text.
``write_qdc`` writes the codebook alone. ``read_qdpx`` reads a project back and maps each
coding to a contribution by its position; ``codebook_changes`` compares a codebook file
with ours. Bringing coding back into data/coding.csv is ``analysis.exchange.merge``.

Positions: REFI-QDA gives a text selection's start and end as positions in the plain-text
source stored in the archive, from 0, the end exclusive. We write Unicode characters
(Python ``str`` indices, as QualCoder counts) over the source files copied byte for byte
(UTF-8, no byte-order mark, LF line endings). Other programs may store CRLF line endings and
a byte-order mark and count UTF-16 code units (NVivo for Windows); on import, a source whose
text differs from ours only so has its positions mapped onto our text by the counting that
fits (``fit_counting``), and the report says which. A source whose text differs otherwise
has its codings reported, not mapped. ``write_qdpx`` warns when a source has characters
beyond U+FFFF, where the countings differ.

Archives are read defensively (``open_archive``, ``parse_xml``): no DTDs, entities or
network; member names that leave the archive and members over MAX_MEMBER_BYTES refused.

Reproducible: GUIDs are uuid5 of a fixed namespace and a stable key ("code:<code id>",
"selection:<contribution id>", "coding:<contribution id>|<code id>|<coder>"), elements are
dated by ``export_time`` and zip entries carry a fixed date.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import functools
import hashlib
import os
import re
import subprocess
import sys
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO, NamedTuple

import numpy as np
import pandas as pd
from lxml import etree
from lxml.builder import ElementMaker

from analysis.evidence.data import Data
from analysis.exchange.opendata import TIDY_EXTRA, ZIP_DATE, ProjectData, data_table, read_data, write_zip
from analysis.evidence.schema import CONTRIBUTION_COLUMNS, DERIVED_CONTRIBUTION_COLUMNS, SOURCE_COLUMNS

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_PROJECT, _NSMAP = f"{{{PROJECT_NS}}}", {None: PROJECT_NS}  # the project document's tag prefix and namespace map
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:social-work-visioning:refi-qda")
ORIGIN = "social-work-visioning analysis.exchange.qda"
PROJECT_NAME = "Social work visioning comparison"
QDPX_NAME = "social_work_visioning.qdpx"
QDC_NAME = "social_work_visioning.qdc"
CASE_CODES_NAME = "Contributions (cases)"
CASE_CODES_DESCRIPTION = ("One code per coded contribution, with the GUID of its case: it links the case to its "
                          "text, as NVivo does. These are not codes of the codebook.")
SCHEMA_ENV = "REFI_QDA_SCHEMAS"
MAX_MEMBER_BYTES = 64 * 2**20  # the most read from one file of an archive (documented in the README)
SCHEMA_DIR = Path(__file__).resolve().parent / "refi_qda"
CODE_ID_LINE = re.compile(r"^Code id: (\S+)\s*$", re.MULTILINE)
BEYOND_BMP = re.compile("[\U00010000-\U0010FFFF]")  # characters that UTF-16 counts as two units
CASE_VARIABLES = {c.name: c.description for c in (*CONTRIBUTION_COLUMNS, *DERIVED_CONTRIBUTION_COLUMNS)
                  if c.name in ("speaker_group", "speaker_sector", "speaker_label", "subject_group", "mixed_group",
                                "source_id", "section")}
CASE_VARIABLES["statement_function"] = next(c.description for c in TIDY_EXTRA if c.name == "statement_function")
FUNCTIONS_THEME = {"id": "statement_functions", "label": "Statement functions",
                   "description": "What a contribution does, beside what it is about: one per contribution, coded "
                                  "where its section does not fix it (data/vocabulary.yaml)."}
SOURCE_VARIABLES = {c.name: c.description for c in SOURCE_COLUMNS
                    if c.name in ("title", "author_or_organisation", "date", "kind", "source_set")}


class QdaImportError(Exception):
    """A REFI-QDA archive that cannot be read; the message names the file and the problem."""


def guid(kind: str, key: str) -> str:
    """The stable GUID of one thing in the export, e.g. ``guid("code", "listening")``: the
    text of ``uuid.uuid5(GUID_NAMESPACE, "<kind>:<key>")``, made from its SHA-1 digest directly
    (a million codings make a few million GUIDs)."""
    digest = bytearray(hashlib.sha1(GUID_NAMESPACE.bytes + f"{kind}:{key}".encode()).digest()[:16])
    digest[6] = digest[6] & 0x0F | 0x50  # version 5
    digest[8] = digest[8] & 0x3F | 0x80  # the RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@functools.cache
def shared_guid(kind: str, key: str) -> str:
    """:func:`guid` of a thing named many times in one export (a code, a coder, a variable), made once."""
    return guid(kind, key)


# ---------------------------------------------------------------- export


def exchange_data(folder: Data, suggestions: bool = False) -> ProjectData:
    """The opened data folder as exchanged: every row of coding.csv (statement functions included),
    with ``suggestions`` the proposed suggested codes as one more coder, and the codebook with
    its statement functions as codes of one more theme."""
    data = read_data(folder)
    codebook = dict(data.codebook)
    functions = [dict(f, theme=FUNCTIONS_THEME["id"]) for f in codebook.get("statement_functions") or []
                 if isinstance(f, dict)]
    if functions:
        codebook["themes"] = [*(codebook.get("themes") or []), FUNCTIONS_THEME]
        codebook["codes"] = [*(codebook.get("codes") or []), *functions]
    coding = data_table(folder, "coding.csv")
    if suggestions:
        from analysis.coding.suggest_command import suggested_coding

        coding = pd.concat([coding, suggested_coding(folder)], ignore_index=True)
    return dataclasses.replace(data, codebook=codebook, coding=coding)


def export_problems(data: ProjectData) -> list[str]:
    """What would make the export wrong: codings of unknown contributions or codes,
    duplicate codings, codes of unknown themes, and coded contributions whose offsets fall
    outside their source text. (Whether the span is the contribution's text is checked by
    analysis.evidence.validate; the export uses the offsets as they are.)"""
    codes = {str(c["id"]): c for c in data.codebook.get("codes") or []}
    themes = {str(t["id"]) for t in data.codebook.get("themes") or []}
    contributions = data.contributions.set_index("contribution_id", drop=False)
    problems = [f"code {c} has unknown theme {code['theme']}" for c, code in codes.items() if str(code["theme"]) not in themes]
    keys = ["contribution_id", "code_id", "coder"]
    problems += [f"coding {'/'.join(row)} appears more than once"
                 for row in data.coding.loc[data.coding.duplicated(keys), keys].drop_duplicates().itertuples(index=False)]
    problems += [f"coding names unknown code {c}" for c in sorted(set(data.coding["code_id"]) - codes.keys())]
    problems += [f"coding names unknown contribution {c}"
                 for c in sorted(set(data.coding["contribution_id"]) - set(contributions.index))]
    for row in contributions.loc[contributions.index.isin(data.coding["contribution_id"])].itertuples():
        text = data.texts.get(row.source_id)
        if text is None:
            problems.append(f"{row.contribution_id}: source {row.source_id} is not in sources.csv")
        elif not 0 <= row.char_start <= row.char_end <= len(text):
            problems.append(f"{row.contribution_id}: {row.source_id}[{row.char_start}:{row.char_end}] "
                            f"lies outside the text ({len(text)} characters)")
    return problems


def code_description(code: dict, example_text: str = "") -> str:
    """A code's definitions as one Description, ending with its stable id on its own line."""
    parts = [("Brief definition", code.get("brief_definition")), ("Full definition", code.get("full_definition")),
             ("Use when", code.get("use_when")), ("Do not use when", code.get("do_not_use_when")),
             (f"Example ({code.get('example')})", example_text or code.get("example")),
             ("Origin", code.get("origin"))]
    lines = [f"{label}: {str(value).strip()}" for label, value in parts if value]
    return "\n".join(lines + [f"Code id: {code['id']}"])


def code_elements(E: ElementMaker, codebook: dict, examples: dict[str, str]) -> list:
    """Themes as non-codable Codes holding their codes, which are codable."""
    codes = codebook.get("codes") or []
    return [E.Code(E.Description(str(theme.get("description") or "").strip()),
                   *[E.Code(E.Description(code_description(code, examples.get(str(code.get("example")), ""))),
                            guid=guid("code", code["id"]), name=str(code["label"]), isCodable="true")
                     for code in codes if str(code["theme"]) == str(theme["id"])],
                   guid=guid("theme", theme["id"]), name=str(theme["label"]), isCodable="false")
            for theme in codebook.get("themes") or []]


def codebook_xml(codebook: dict, examples: dict[str, str]) -> etree._Element:
    """The REFI-QDA codebook (.qdc) document. ``examples`` maps contribution ids to texts."""
    E = ElementMaker(namespace=CODEBOOK_NS, nsmap={None: CODEBOOK_NS})
    return E.CodeBook(E.Codes(*code_elements(E, codebook, examples)), origin=ORIGIN)


IN_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
IN_CONTENT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # characters an XML document cannot hold


def escaped(value: str, where: dict[int, str]) -> str:
    """``value`` as lxml serialises it (UTF-8) in an attribute (``where`` = IN_ATTRIBUTE) or
    in an element's content (IN_CONTENT). Raises ValueError for a character XML cannot hold,
    as lxml does."""
    if NOT_XML.search(value):
        raise ValueError(f"All strings must be XML compatible: {value!r} holds a control character or a lone surrogate")
    return value.translate(where)


def _add_value(parent: etree._Element, name: str, value: str) -> None:
    """A VariableValue of the variable ``name`` appended to ``parent``."""
    element = etree.SubElement(parent, _PROJECT + "VariableValue")
    etree.SubElement(element, _PROJECT + "VariableRef", {"targetGUID": shared_guid("variable", name)})
    etree.SubElement(element, _PROJECT + "TextValue").text = value


def _coding_key(row) -> str:
    return f"{row.contribution_id}|{row.code_id}|{row.coder}"


def export_time(data_dir: Path) -> str:
    """The export's creationDateTime (UTC, xsd:dateTime): $SOURCE_DATE_EPOCH when set, else the
    date of the last commit that touched the data folder, else 1980-01-01 (the zip entries'
    date), so that the same data always give the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}")
        moment = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    else:
        try:
            committed = subprocess.run(["git", "log", "-1", "--format=%cI", "--", "."], cwd=data_dir,
                                       capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            committed = ""
        moment = (datetime.datetime.fromisoformat(committed) if committed
                  else datetime.datetime(*ZIP_DATE, tzinfo=datetime.timezone.utc))
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def selection_note(text: str, stored: str) -> str:
    """What a selection's Description says when the contribution's stored text is not the
    exact slice of its source (whitespace cleaned at extraction); empty when it is."""
    if text == stored:
        return ""
    return ("This selection covers the source text exactly (characters char_start to char_end); the contribution's "
            f"text as stored in contributions.csv has its whitespace cleaned: {stored}")


@dataclasses.dataclass(frozen=True)
class Streamed:
    """An element whose children are written as they come: ``shell`` holds the element's own
    attributes and fixed children, with a :data:`SLOT` child where ``children`` go: elements,
    Streamed ones, or functions giving elements' text from the indentation of their depth (each
    line of markup begins with it), as lxml would pretty-print them there."""

    shell: etree._Element
    children: Iterable


SLOT_NAME = "StreamedChildren"
SLOT = _PROJECT + SLOT_NAME
STREAM_BATCH = 1000  # elements serialised together


def _pretty(elements: list[etree._Element], depth: int) -> bytes:
    """``elements`` exactly as lxml pretty-prints them at ``depth`` of a whole project document
    (the root, with the XML declaration, at depth 0): serialised inside ``depth`` wrapper
    elements, whose own lines are then cut off."""
    if depth == 0:
        return b"".join(etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True) for element in elements)
    outer = inner = etree.Element(_PROJECT + "Wrapper", nsmap=_NSMAP)
    for _ in range(depth - 1):
        inner = etree.SubElement(inner, _PROJECT + "Wrapper")
    inner.extend(elements)
    text = etree.tostring(outer, encoding="UTF-8", pretty_print=True)
    return text.split(b"\n", depth)[depth].rsplit(b"\n", depth + 1)[0] + b"\n"


def _around_slot(shell: etree._Element, depth: int) -> tuple[bytes, bytes]:
    """What the document holds before and after the streamed children of ``shell`` at ``depth``."""
    before, after = _pretty([shell], depth).split(f"<{SLOT_NAME}/>\n".encode())
    return before.rstrip(b" "), after


def write_streamed(out: BinaryIO, children: Iterable, depth: int = 0) -> None:
    """Write elements and :class:`Streamed` elements at ``depth`` to ``out``, pretty-printed as
    one tree would be, holding at most :data:`STREAM_BATCH` elements at a time."""
    batch: list[etree._Element] = []
    for child in children:
        if callable(child):
            out.write(_pretty(batch, depth) if batch else b"")
            batch = []
            out.write(child("  " * depth).encode("utf-8"))
            continue
        if isinstance(child, Streamed):
            out.write(_pretty(batch, depth) if batch else b"")
            batch = []
            before, after = _around_slot(child.shell, depth)
            out.write(before)
            write_streamed(out, child.children, depth + 1)
            out.write(after)
            continue
        batch.append(child)
        if len(batch) == STREAM_BATCH:
            out.write(_pretty(batch, depth))
            batch = []
    if batch:
        out.write(_pretty(batch, depth))


class _Coding(NamedTuple):
    contribution_id: str
    code_id: str
    coder: str
    memo: str


def _codings_by_contribution(coding: pd.DataFrame) -> Callable[[str], list[_Coding]]:
    """A contribution's codings in (code, coder) order, from columns held once (no table per
    contribution)."""
    coding = coding.sort_values(["contribution_id", "code_id", "coder"])
    columns = [coding[name].tolist() for name in _Coding._fields]
    ids = coding["contribution_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], dtype=int)
    ends = np.r_[starts[1:], len(ids)]
    span = dict(zip(ids[starts].tolist(), zip(starts.tolist(), ends.tolist())))

    def codings(contribution_id: str) -> list[_Coding]:
        start, end = span[contribution_id]
        return [_Coding(*values) for values in zip(*(column[start:end] for column in columns))]
    return codings


def example_texts(data: ProjectData) -> dict[str, str]:
    """The text of each contribution the codebook names as an example."""
    named = {str(code.get("example")) for code in data.codebook.get("codes") or []}
    examples = data.contributions[data.contributions["contribution_id"].isin(named)]
    return dict(zip(examples["contribution_id"], examples["text"]))


def project_parts(data: ProjectData, created: str) -> Streamed:
    """The REFI-QDA project (project.qde) document, its long lists streamed; source files are
    ``sources/<guid>.txt``.

    Shaped to what QDA programs read (QualCoder, NVivo, ATLAS.ti and MAXQDA), not only to the
    schema: one PlainTextSelection per contribution, code and coder, with ``creatingUser`` on
    the selection and its Coding (programs take the coder from the selection) and the memo as
    the selection's Description as well as a dated Note. Each coded contribution is a Case
    with its variables and is linked to its text as NVivo does: a codable Code with the
    Case's GUID (under the non-codable "Contributions (cases)") coding a selection of the
    contribution, named by its id. Everything carries ``creationDateTime`` = ``created``."""
    E = ElementMaker(namespace=PROJECT_NS, nsmap=_NSMAP)
    coding = data.coding
    codings_of = _codings_by_contribution(coding)
    coded = data.contributions[data.contributions["contribution_id"].isin(coding["contribution_id"])]
    coded = coded.sort_values(["source_id", "char_start", "char_end", "contribution_id"])
    sectors = dict(zip(data.speaker_groups["group_id"], data.speaker_groups["sector"]))
    functions = dict(zip(data.statement_functions["contribution_id"], data.statement_functions["statement_function"]))
    dated = {"creationDateTime": created}
    dated_attribute = f'creationDateTime="{escaped(created, IN_ATTRIBUTE)}"'

    # The four below run once per coding or case: written as text (see ``escaped``), which costs half what lxml does.
    def coder_selection(pad: str, name: str, start: str, end: str, row: _Coding) -> str:
        key, user = _coding_key(row), shared_guid("user", row.coder)
        memo = escaped(row.memo, IN_CONTENT)
        return (f'{pad}<PlainTextSelection guid="{guid("selection", key)}" name="{name}" startPosition="{start}" '
                f'endPosition="{end}" creatingUser="{user}" {dated_attribute}>\n'
                + (f"{pad}  <Description>{memo}</Description>\n" if memo else "")
                + f'{pad}  <Coding guid="{guid("coding", key)}" creatingUser="{user}" {dated_attribute}>\n'
                + f'{pad}    <CodeRef targetGUID="{shared_guid("code", row.code_id)}"/>\n'
                + (f'{pad}    <NoteRef targetGUID="{guid("note", key)}"/>\n' if memo else "")
                + f"{pad}  </Coding>\n{pad}</PlainTextSelection>\n")

    def selections(row, text: str) -> Callable[[str], str]:
        cid, start, end = row.contribution_id, str(row.char_start), str(row.char_end)
        name, note = escaped(cid, IN_ATTRIBUTE), escaped(selection_note(text[row.char_start:row.char_end], row.text), IN_CONTENT)

        def serialised(pad: str) -> str:
            case_link = (f'{pad}<PlainTextSelection guid="{guid("selection", cid)}" name="{name}" startPosition="{start}" '
                         f'endPosition="{end}" {dated_attribute}>\n'
                         + (f"{pad}  <Description>{note}</Description>\n" if note else "")
                         + f'{pad}  <Coding guid="{guid("coding", f"case|{cid}")}" {dated_attribute}>\n'
                         + f'{pad}    <CodeRef targetGUID="{guid("case", cid)}"/>\n{pad}  </Coding>\n{pad}</PlainTextSelection>\n')
            return case_link + "".join(coder_selection(pad, name, start, end, c) for c in codings_of(cid))
        return serialised

    def case(row) -> Callable[[str], str]:
        cid = row.contribution_id
        values = {name: str(getattr(row, name, "")) for name in CASE_VARIABLES} | {
            "speaker_sector": sectors.get(row.speaker_group, ""), "statement_function": functions.get(cid, "")}

        def serialised(pad: str) -> str:
            given = "".join(f'{pad}  <VariableValue>\n{pad}    <VariableRef targetGUID="{shared_guid("variable", name)}"/>\n'
                            f"{pad}    <TextValue>{escaped(values[name], IN_CONTENT)}</TextValue>\n{pad}  </VariableValue>\n"
                            for name in CASE_VARIABLES if values[name])
            return (f'{pad}<Case guid="{guid("case", cid)}" name="{escaped(cid, IN_ATTRIBUTE)}">\n{given}'
                    f'{pad}  <SelectionRef targetGUID="{guid("selection", cid)}"/>\n{pad}</Case>\n')
        return serialised

    def case_code(cid: str) -> Callable[[str], str]:
        return lambda pad: f'{pad}<Code guid="{guid("case", cid)}" name="{escaped(cid, IN_ATTRIBUTE)}" isCodable="true"/>\n'

    def source(row) -> Streamed:
        source_guid = guid("source", row.source_id)
        text = data.texts[row.source_id]
        shell = E.TextSource(E.Description(row.citation or row.title), etree.Element(SLOT),
                             guid=source_guid, name=row.source_id, plainTextPath=f"internal://{source_guid}.txt",
                             **dated)
        for name in SOURCE_VARIABLES:
            if getattr(row, name):
                _add_value(shell, name, getattr(row, name))
        return Streamed(shell, (selections(c, text) for c in coded[coded["source_id"] == row.source_id].itertuples()))

    users = [E.User(guid=guid("user", c), name=c) for c in sorted(coding["coder"].unique())]
    variables = [E.Variable(E.Description(text), guid=guid("variable", name), name=name, typeOfVariable="Text")
                 for name, text in {**CASE_VARIABLES, **SOURCE_VARIABLES}.items()]
    memos = coding[coding["memo"] != ""].sort_values(["contribution_id", "code_id", "coder"])
    notes = (E.Note(E.PlainTextContent(row.memo), guid=guid("note", _coding_key(row)),
                    name=f"Memo on {row.contribution_id} ({row.code_id}, {row.coder})",
                    creatingUser=shared_guid("user", row.coder), **dated)
             for row in memos.itertuples())
    case_codes = Streamed(E.Code(E.Description(CASE_CODES_DESCRIPTION), etree.Element(SLOT),
                                 guid=guid("theme", "contribution cases"), name=CASE_CODES_NAME, isCodable="false"),
                          (case_code(cid) for cid in coded["contribution_id"]))
    codes = Streamed(E.Codes(etree.Element(SLOT)), [*code_elements(E, data.codebook, example_texts(data)), *([case_codes] if len(coded) else [])])
    parts = [E.Users(*users) if users else None,
             Streamed(E.CodeBook(etree.Element(SLOT)), [codes]),
             E.Variables(*variables),
             Streamed(E.Cases(etree.Element(SLOT)), (case(row) for row in coded.itertuples())) if len(coded) else None,
             Streamed(E.Sources(etree.Element(SLOT)), (source(row) for row in data.sources.itertuples())),
             Streamed(E.Notes(etree.Element(SLOT)), notes) if len(memos) else None,
             E.Description("Coded contributions on the future of social work. Each coded contribution is a case "
                           "(named by its id) with its attributes, linked to its text; each coding is a selection of "
                           "the contribution by one coder with one code, its memo as the selection's description.")]
    return Streamed(E.Project(etree.Element(SLOT), name=PROJECT_NAME, origin=ORIGIN, **dated), [p for p in parts if p is not None])


def xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_qdpx(folder: Data, out_path: Path | str, suggestions: bool = False) -> Path:
    """Write the REFI-QDA project of the opened data folder to ``out_path`` (.qdpx), with
    ``suggestions`` the suggested codes too (``exchange_data``). Raises ValueError listing
    ``export_problems``; warns about characters beyond U+FFFF. The project document is written
    as it is made, into a file beside ``out_path`` that is then zipped, so memory does not grow
    with the coding."""
    data = exchange_data(folder, suggestions)
    problems = export_problems(data)
    if problems:
        raise ValueError("cannot export the project:\n  " + "\n  ".join(problems))
    for source_id, text in data.texts.items():
        if BEYOND_BMP.search(text):
            warnings.warn(f"{source_id} has characters beyond U+FFFF; tools counting UTF-16 units "
                          "(NVivo, MAXQDA, ATLAS.ti) will place later selections one place on per character",
                          stacklevel=2)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    document = out_path.with_name(f".{out_path.name}.project.qde")
    try:
        with document.open("wb") as out:
            write_streamed(out, [project_parts(data, export_time(folder.path))])
        members = [("project.qde", document)]
        members += [(f"sources/{guid('source', sid)}.txt", data.texts[sid].encode("utf-8")) for sid in data.sources["source_id"]]
        write_zip(out_path, members)
    finally:
        document.unlink(missing_ok=True)
    return out_path


def write_qdc(folder: Data, out_path: Path | str) -> Path:
    """Write the opened data folder's codebook as a REFI-QDA codebook file (.qdc) to ``out_path``."""
    data = exchange_data(folder)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(xml_bytes(codebook_xml(data.codebook, example_texts(data))))
    return out_path


# ---------------------------------------------------------------- schemas


@functools.cache
def schema(kind: str) -> etree.XMLSchema:
    """The REFI-QDA schema ``kind`` ("Project" or "Codebook"), from the folder named by
    $REFI_QDA_SCHEMAS or else the copies in analysis/exchange/refi_qda/."""
    path = Path(os.environ.get(SCHEMA_ENV) or SCHEMA_DIR) / f"{kind}.xsd"
    if not path.is_file():
        raise QdaImportError(f"{path} not found; set {SCHEMA_ENV} to the folder holding the REFI-QDA schemas")
    return etree.XMLSchema(etree.parse(str(path)))


def schema_errors(root: etree._Element, kind: str) -> list[str]:
    """The schema's complaints about a document, as 'line N: message' (empty when valid)."""
    xsd = schema(kind)
    return [] if xsd.validate(root) else [f"line {e.line}: {e.message}" for e in xsd.error_log]


# ---------------------------------------------------------------- import


@dataclasses.dataclass
class ImportReport:
    """What ``read_qdpx`` found: counts, how codings were mapped, what was not."""

    archive: str
    origin: str
    reference: str
    selections: int
    codings: int
    matched: dict[str, int]
    unmatched: pd.DataFrame
    new_codes: list[str]
    countings: dict[str, str] = dataclasses.field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"{self.archive} (made by {self.origin or 'unknown software'}): "
                 f"{self.selections} text selections, {self.codings} codings, matched against {self.reference}.",
                 f"Codings mapped to contributions: {self.matched.get('exact', 0)} exactly by position, "
                 f"{self.matched.get('inside', 0)} inside one, {self.matched.get('overlap', 0)} overlapping one "
                 "only (check these).",
                 f"New codes: {', '.join(self.new_codes) if self.new_codes else 'none'}."]
        lines += [f"Positions in {sid} fit {how}; mapped onto our text." for sid, how in sorted(self.countings.items())]
        if len(self.unmatched):
            lines.append(f"Codings that match no contribution (left out of the coding table): {len(self.unmatched)}.")
        return "\n".join(lines)

    def unmatched_lines(self) -> str:
        return "\n".join(f"  {r.source_id} {r.char_start}-{r.char_end} “{r.excerpt}” coded {r.code} by {r.coder}: "
                         f"{r.reason}" for r in self.unmatched.itertuples())

    def __str__(self) -> str:
        return "\n".join(filter(None, [self.summary(), self.unmatched_lines()]))


def _guid(value: str | None) -> str:
    return (value or "").strip("{}").lower()


def _tag(element: etree._Element) -> str:
    return etree.QName(element).localname


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str) and _tag(child) == name]


def _text(element: etree._Element, name: str) -> str:
    found = _children(element, name)
    return (found[0].text or "") if found else ""


def _unsafe_name(name: str) -> bool:
    """Whether a zip member's name would leave the folder it is unpacked in."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) is not None or ".." in parts


def _read_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, read in pieces and refused as soon as they pass MAX_MEMBER_BYTES
    (the size a zip declares may be false)."""
    limit = MAX_MEMBER_BYTES
    too_big = f"{path}: {info.filename} is larger than the {limit // 2**20} MiB allowed for one file of an archive"
    if info.file_size > limit:
        raise QdaImportError(too_big)
    pieces, size = [], 0
    try:
        with archive.open(info) as member:
            while piece := member.read(2**20):
                size += len(piece)
                if size > limit:
                    raise QdaImportError(too_big)
                pieces.append(piece)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as error:
        raise QdaImportError(f"{path}: {info.filename} cannot be read from the archive: {error}") from None
    return b"".join(pieces)


def parse_xml(path: Path, name: str, xml: bytes, kind: str) -> etree._Element:
    """A REFI-QDA document parsed without loading DTDs, resolving entities or touching the
    network, refused if its DOCTYPE declares entities, with an empty ``<Sets/>`` (Taguette
    writes one; the schema wants a Set in it) removed with a warning, and validated
    against the schema ``kind`` ("Project" or "Codebook")."""
    doctype = xml.find(b"<!DOCTYPE")
    if doctype >= 0 and b"<!ENTITY" in xml[doctype:xml.find(b"]", doctype) % (len(xml) + 1)]:
        raise QdaImportError(f"{path}: {name} declares entities in a DOCTYPE; REFI-QDA files have none, so it is refused")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        raise QdaImportError(f"{path}: {name} is not well-formed XML: {error}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and list(dtd.iterentities()):
        raise QdaImportError(f"{path}: {name} declares entities in a DOCTYPE; REFI-QDA files have none, so it is refused")
    for sets in [e for e in root if isinstance(e.tag, str) and _tag(e) == "Sets" and len(e) == 0]:
        warnings.warn(f"{path}: {name} has an empty <Sets/>, which REFI-QDA does not allow; ignored", stacklevel=2)
        root.remove(sets)
    try:
        errors = schema_errors(root, kind)
    except etree.XMLSchemaError as error:
        raise QdaImportError(f"{path}: {name} cannot be checked against REFI-QDA {kind}.xsd: {error}") from None
    if errors:
        raise QdaImportError(f"{path}: {name} does not validate against REFI-QDA {kind}.xsd: " + "; ".join(errors[:5]))
    return root


def open_archive(path: Path) -> tuple[etree._Element, dict[str, bytes]]:
    """The validated project document and the archive's text files (``sources/…txt``, by
    lower-case name). The project document is project.qde, or else the one .qde at the
    archive's top level (ATLAS.ti names it after the project). Raises QdaImportError for a
    path that is not a readable zip, a member name that leaves the archive, a member larger
    than MAX_MEMBER_BYTES, no or several .qde files, or XML that is unsafe or invalid."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            unsafe = [i.filename for i in infos if _unsafe_name(i.filename)]
            if unsafe:
                raise QdaImportError(f"{path}: refused: member names leave the archive: {', '.join(unsafe[:5])}")
            qde = [i for i in infos if "/" not in i.filename and i.filename.lower().endswith(".qde")]
            chosen = [i for i in qde if i.filename == "project.qde"] or qde
            if len(chosen) != 1:
                found = f"several ({', '.join(i.filename for i in qde)})" if qde else "none"
                raise QdaImportError(f"{path}: needs one project document (.qde) at the top of the archive; found {found}")
            xml = _read_member(path, archive, chosen[0])
            texts = [i for i in infos if i.filename.lower().startswith("sources/") and i.filename.lower().endswith(".txt")]
            files = {i.filename.lower(): _read_member(path, archive, i) for i in texts}
    except FileNotFoundError:
        raise QdaImportError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise QdaImportError(f"{path}: is a folder, not a .qdpx file") from None
    except PermissionError:
        raise QdaImportError(f"{path}: cannot be read (permission denied)") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as error:
        raise QdaImportError(f"{path}: not a REFI-QDA archive (a .qdpx is a zip file): {error}") from None
    return parse_xml(path, chosen[0].filename, xml, "Project"), files


def _internal(path: Path, files: dict[str, bytes], reference: str) -> str:
    """The text of an internal file, its byte-order mark dropped (line endings as stored)."""
    if not reference.startswith("internal://"):
        raise QdaImportError(f"{path}: {reference} lies outside the archive; only internal sources can be read")
    key = "sources/" + reference.removeprefix("internal://").lower()
    if key not in files:
        raise QdaImportError(f"{path}: {reference} is not a text file in the archive's sources folder")
    try:
        return files[key].decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise QdaImportError(f"{path}: {reference} is not UTF-8 text: {error}") from None


def _note_text(path: Path, files: dict[str, bytes], note: etree._Element) -> str:
    return _internal(path, files, note.get("plainTextPath")) if note.get("plainTextPath") else _text(note, "PlainTextContent")


def _length_in_any_counting(text: str) -> int:
    """The end of ``text`` as the program may count it: UTF-16 code units are at least as many
    as characters (a stored CRLF is two characters either way)."""
    return len(text.encode("utf-16-le")) // 2


def parse_project(root: etree._Element, files: dict[str, bytes], path: Path) -> dict:
    """The parts of a validated project that carry coding, as plain tables: ``codes``
    (guid, name, codable, description), ``sources`` (source_guid, source_name, text),
    ``selections`` (selection_guid, name, source_guid, source_name, char_start, char_end,
    text) and ``codings`` (selection_guid, code_guid, coder, memo). Coders are user names; a
    memo is the coding's note, else the selection's description. A Code with a Case's GUID
    links that case to its text (as NVivo and our export write it): neither it nor its
    codings are taken as coding."""
    users = {_guid(u.get("guid")): u.get("name") or "" for u in root.iter(f"{{{PROJECT_NS}}}User")}
    notes = {_guid(n.get("guid")): _note_text(path, files, n) for n in root.iter(f"{{{PROJECT_NS}}}Note")}
    cases = {_guid(c.get("guid")) for c in root.iter(f"{{{PROJECT_NS}}}Case")}
    codes = [{"guid": _guid(c.get("guid")), "name": c.get("name"), "codable": c.get("isCodable") in ("true", "1"),
              "description": _text(c, "Description")} for c in root.iter(f"{{{PROJECT_NS}}}Code")
             if _guid(c.get("guid")) not in cases and c.get("name") != CASE_CODES_NAME]
    sources, selections, codings = [], [], []
    for source in root.iter(f"{{{PROJECT_NS}}}TextSource"):
        text = (_internal(path, files, source.get("plainTextPath")) if source.get("plainTextPath")
                else _text(source, "PlainTextContent"))
        sources.append({"source_guid": _guid(source.get("guid")), "source_name": source.get("name") or "", "text": text})
        for selection in _children(source, "PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            if not 0 <= start <= end <= _length_in_any_counting(text):
                raise QdaImportError(f"{path}: selection {selection.get('name') or _guid(selection.get('guid'))} at "
                                     f"{start}-{end} lies outside the text of source {source.get('name') or ''} "
                                     f"({len(text)} characters)")
            selections.append({"selection_guid": _guid(selection.get("guid")), "name": selection.get("name") or "",
                               "source_guid": _guid(source.get("guid")),
                               "source_name": source.get("name") or "", "char_start": start, "char_end": end,
                               "text": text[start:end]})
            for coding in _children(selection, "Coding"):
                code_guid = _guid(_children(coding, "CodeRef")[0].get("targetGUID"))
                if code_guid in cases:  # a case's link to its text (NVivo's habit), not a coding
                    continue
                note = [notes.get(_guid(n.get("targetGUID")), "") for n in _children(coding, "NoteRef")]
                user = _guid(coding.get("creatingUser") or selection.get("creatingUser"))
                codings.append({"selection_guid": _guid(selection.get("guid")),
                                "code_guid": code_guid,
                                "coder": users.get(user) or "unknown",
                                "memo": "\n\n".join(filter(None, note)) or _text(selection, "Description")})
    repeated = sorted(g for g, n in collections.Counter(s["selection_guid"] for s in selections).items() if n > 1)
    if repeated:
        raise QdaImportError(f"{path}: selection GUIDs appear more than once: {', '.join(repeated[:5])}")
    return {"origin": root.get("origin") or "",
            "codes": pd.DataFrame(codes, columns=["guid", "name", "codable", "description"]),
            "sources": pd.DataFrame(sources, columns=["source_guid", "source_name", "text"]),
            "selections": pd.DataFrame(selections, columns=["selection_guid", "name", "source_guid", "source_name",
                                                            "char_start", "char_end", "text"]),
            "codings": pd.DataFrame(codings, columns=["selection_guid", "code_guid", "coder", "memo"])}


def code_ids(codes: pd.DataFrame, codebook: dict | None) -> tuple[dict[str, str], list[str]]:
    """(Code GUID -> code id, names of new codable codes). A Code is ours when its
    description has the line 'Code id: X' with X in the codebook, or its GUID, name or id is
    one of ours; any other Code keeps its name as its id (a code added in the other tool).
    With no codebook, the ids on 'Code id' lines are ours."""
    found = {g: m.group(1) for g, d in zip(codes["guid"], codes["description"]) if (m := CODE_ID_LINE.search(d))}
    labels = ({str(c["id"]): str(c.get("label", "")) for c in codebook.get("codes") or []} if codebook is not None
              else {cid: name for g, cid in found.items() for name in codes.loc[codes["guid"] == g, "name"]})
    lookup = {**{guid("code", cid): cid for cid in labels}, **{label: cid for cid, label in labels.items()},
              **{cid: cid for cid in labels}}
    ids = {row.guid: found[row.guid] if found.get(row.guid) in labels
           else lookup.get(row.guid) or lookup.get(row.name) or row.name for row in codes.itertuples()}
    new = sorted({row.name for row in codes.itertuples() if row.codable and ids[row.guid] not in labels})
    return ids, new


def match_selection(selection, contributions: pd.DataFrame) -> tuple[str, str, str]:
    """(contribution_id, match, reason) for one selection, trimmed of surrounding
    whitespace unless its span is exact:

    - 'exact': a contribution has exactly this start and end;
    - 'inside': the selection lies within a contribution (the smallest, if they nest);
    - 'overlap': it overlaps one contribution only, the rest being text that belongs to no
      contribution (a list marker, markup, a heading): mapped, but worth a look;
    - 'none': it overlaps no contribution, or several, or nests ambiguously (the reason says).
    """
    candidates = contributions[contributions["source_id"] == selection.source_id]
    exact = candidates[(candidates["char_start"] == selection.char_start) & (candidates["char_end"] == selection.char_end)]
    if len(exact) == 1:
        return exact["contribution_id"].iat[0], "exact", ""
    text = selection.text
    start = selection.char_start + len(text) - len(text.lstrip())
    end = selection.char_end - (len(text) - len(text.rstrip()))
    overlapping = candidates[(candidates["char_start"] < end) & (candidates["char_end"] > start)]
    containing = overlapping[(overlapping["char_start"] <= start) & (overlapping["char_end"] >= end)]
    if not containing.empty:
        length = containing["char_end"] - containing["char_start"]
        smallest = containing[length == length.min()]
        if len(smallest) == 1:
            return smallest["contribution_id"].iat[0], "inside", ""
        return "", "none", f"ambiguous between {', '.join(smallest['contribution_id'])}"
    if len(overlapping) == 1:
        return overlapping["contribution_id"].iat[0], "overlap", ""
    if overlapping.empty:
        return "", "none", f"no contribution of {selection.source_id} overlaps it"
    return "", "none", f"spans {', '.join(overlapping['contribution_id'])}"


@dataclasses.dataclass(frozen=True)
class Counting:
    """How a program counted positions in a source: in Unicode characters or in UTF-16 code
    units (NVivo, MAXQDA, ATLAS.ti: a character beyond U+FFFF is two), a stored CRLF as two
    places or one."""

    utf16: bool = False
    crlf_as_two: bool = True

    def describe(self, crlf: bool) -> str:
        units = "UTF-16 code units" if self.utf16 else "Unicode characters"
        return units + (f", CRLF line endings as {'two' if self.crlf_as_two else 'one'}" if crlf else "")


def crlf_flags(archive_text: str, ours: str) -> list[bool] | None:
    """For each character of our text, whether the archive stores it as CRLF (our text has
    LF there); None when the texts differ otherwise."""
    if archive_text.replace("\r\n", "\n") != ours:
        return None
    flags, i = [], 0
    while i < len(archive_text):
        crlf = archive_text.startswith("\r\n", i)
        flags.append(crlf)
        i += 2 if crlf else 1
    return flags


def position_table(ours: str, flags: list[bool], counting: Counting) -> np.ndarray:
    """Where each character of our text starts in the counting (and, last, where the text ends)."""
    widths = np.ones(len(ours), dtype=np.int64)
    if counting.utf16:
        widths += np.fromiter((ord(c) > 0xFFFF for c in ours), dtype=bool, count=len(ours))
    if counting.crlf_as_two:
        widths += np.asarray(flags, dtype=bool)
    return np.concatenate([[0], np.cumsum(widths)])


def to_our_positions(table: np.ndarray, start: int, end: int) -> tuple[int, int] | None:
    """A selection's start and end in our characters (a position inside a two-unit character
    widens the span to the whole character); None when it lies beyond the text."""
    if not 0 <= start <= end <= table[-1]:
        return None
    return int(np.searchsorted(table, start, side="right") - 1), int(np.searchsorted(table, end, side="left"))


def fit_counting(archive_text: str, ours: str, spans: list[tuple[int, int]], boundaries: set[int]
                 ) -> tuple[Counting, np.ndarray] | None:
    """The counting under which selection ends fall best on contribution boundaries (two
    points each) and word edges (one point each), with its position table (ties: Unicode
    characters before UTF-16, CRLF as stored before CRLF as one); None when the archive's
    text differs from ours beyond line endings."""
    flags = crlf_flags(archive_text, ours)
    if flags is None:
        return None
    candidates = [Counting(utf16, two) for utf16 in (False, True) for two in (True, False)
                  if (not utf16 or BEYOND_BMP.search(ours)) and (two or any(flags))]

    def word_edge(position: int) -> bool:
        return position in (0, len(ours)) or ours[position - 1].isalnum() != ours[position].isalnum()

    def score(table: np.ndarray) -> int:
        mapped = [m for start, end in spans if (m := to_our_positions(table, start, end)) is not None]
        return sum(2 * (p in boundaries) + word_edge(p) for m in mapped for p in m)

    tables = [(counting, position_table(ours, flags, counting)) for counting in candidates]
    return max(tables, key=lambda pair: score(pair[1]))


def _source_id(source_guid: str, name: str, known: dict[str, str]) -> str:
    stem = name[:-4] if name.lower().endswith(".txt") else name
    return known.get(source_guid) or known.get(name) or known.get(stem) or stem


def map_positions(selections: pd.DataFrame, source_id: str, archive_text: str, ours: str,
                  contributions: pd.DataFrame) -> tuple[str, str | None]:
    """Put the selections of one source (in place) on our text: positions mapped from the
    counting that fits (see ``fit_counting``), text cut from our text. Returns (how positions
    were counted, or '' when the texts are identical; why selections could not be placed,
    or None). Selections that cannot be placed get char_start -1."""
    rows = selections.index[selections["source_id"] == source_id]
    if archive_text == ours and not BEYOND_BMP.search(ours):
        return "", None
    boundaries = set(contributions.loc[contributions["source_id"] == source_id, ["char_start", "char_end"]]
                     .to_numpy().ravel().tolist())
    spans = list(zip(selections.loc[rows, "char_start"], selections.loc[rows, "char_end"]))
    fitted = fit_counting(archive_text, ours, spans, boundaries)
    if fitted is None:
        selections.loc[rows, "char_start"] = -1
        return "", f"the archive's text of {source_id} differs from ours"
    counting, table = fitted
    for row, (start, end) in zip(rows, spans):
        mapped = to_our_positions(table, start, end)
        selections.loc[row, ["char_start", "char_end", "text"]] = (
            (*mapped, ours[mapped[0]:mapped[1]]) if mapped else (-1, -1, ""))
    return counting.describe("\r\n" in archive_text), f"it lies beyond the end of {source_id}"


def read_qdpx(path: Path | str, folder: Data | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame, ImportReport]:
    """Read a REFI-QDA project and map its codings to contributions.

    Returns (selections, coding, report). ``selections`` has one row per text selection:
    contribution_id ('' when unmapped), source_id, char_start, char_end, text (cut from the
    archive's source), match ('exact', 'inside' or 'none'), reason, selection_guid.
    ``coding`` has the columns of data/coding.csv, one row per mapped coding, sorted (two
    selections in one contribution with the same code and coder give one row, memos
    joined). Codings that map to no contribution are listed in ``report.unmatched`` and
    printed to standard error. Codes added in the other tool keep their names as code_id.

    Positions are matched against the opened data ``folder`` (contributions.csv; sources known by name or
    GUID; codes from codebook.yaml). Without it the archive is taken to be our own export:
    the contributions are its selections whose GUID is ours for their name, and codes are
    recognised by their 'Code id' line.
    """
    path = Path(path)
    root, files = open_archive(path)
    project = parse_project(root, files, path)
    data = exchange_data(folder) if folder is not None else None
    known_sources = {} if data is None else {
        **{guid("source", s): s for s in data.sources["source_id"]}, **{s: s for s in data.sources["source_id"]}}
    selections, sources = project["selections"], project["sources"]
    for table in (selections, sources):
        table["source_id"] = [_source_id(g, n, known_sources) for g, n in zip(table["source_guid"], table["source_name"])]
    countings, unplaced = {}, {}
    if data is not None:
        contributions = data.contributions
        for sid, text in zip(sources["source_id"], sources["text"]):
            if sid in data.texts:
                countings[sid], unplaced[sid] = map_positions(selections, sid, text, data.texts[sid], contributions)
    else:
        ours = selections["selection_guid"] == selections["name"].map(lambda n: guid("selection", n))
        contributions = selections[ours].rename(columns={"name": "contribution_id"})
    selections[["contribution_id", "match", "reason"]] = pd.DataFrame(
        [("", "none", unplaced[s.source_id]) if unplaced.get(s.source_id) is not None and s.char_start < 0
         else match_selection(s, contributions) for s in selections.itertuples()],
        columns=["contribution_id", "match", "reason"], index=selections.index)
    ids, new_codes = code_ids(project["codes"], data.codebook if data is not None else None)
    names = dict(zip(project["codes"]["guid"], project["codes"]["name"]))
    codings = project["codings"].merge(selections, on="selection_guid", how="left", validate="many_to_one")
    codings["code_id"] = codings["code_guid"].map(ids).fillna("")
    codings.loc[codings["code_id"] == "", "reason"] = "its code is not in the archive's codebook"
    mapped = (codings["contribution_id"] != "") & (codings["code_id"] != "")
    coding = (codings[mapped].groupby(["contribution_id", "code_id", "coder"], as_index=False, sort=True)["memo"]
              .agg(lambda memos: "\n\n".join(dict.fromkeys(m for m in memos if m))))
    unmatched = codings.loc[~mapped, ["source_id", "char_start", "char_end", "coder", "reason"]].assign(
        excerpt=codings.loc[~mapped, "text"].map(lambda t: " ".join(t.split())[:60]),
        code=codings.loc[~mapped, "code_guid"].map(lambda g: names.get(g, g)))
    reference = (f"{folder.file('contributions.csv')}" if data is not None
                 else f"the archive's own contribution selections ({len(contributions)})")
    report = ImportReport(archive=str(path), origin=project["origin"], reference=reference, selections=len(selections),
                          codings=len(codings), matched=codings.loc[mapped, "match"].value_counts().to_dict(),
                          unmatched=unmatched.reset_index(drop=True), new_codes=new_codes,
                          countings={sid: how for sid, how in countings.items() if how})
    if len(unmatched):
        print(f"{path}: codings that match no contribution:\n{report.unmatched_lines()}", file=sys.stderr)
    columns = ["contribution_id", "source_id", "char_start", "char_end", "text", "match", "reason", "selection_guid"]
    return selections[columns], coding, report


# ---------------------------------------------------------------- codebook import


def read_qdc(path: Path | str) -> etree._Element:
    """A REFI-QDA codebook file (.qdc), read at most MAX_MEMBER_BYTES and parsed and
    validated as archives are. Raises QdaImportError."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            xml = file.read(MAX_MEMBER_BYTES + 1)
    except FileNotFoundError:
        raise QdaImportError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise QdaImportError(f"{path}: is a folder, not a .qdc file") from None
    except OSError as error:
        raise QdaImportError(f"{path}: cannot be read: {error.strerror}") from None
    if len(xml) > MAX_MEMBER_BYTES:
        raise QdaImportError(f"{path}: larger than the {MAX_MEMBER_BYTES // 2**20} MiB allowed")
    return parse_xml(path, path.name, xml, "Codebook")


def codebook_changes(root: etree._Element, codebook: dict, examples: dict[str, str]) -> pd.DataFrame:
    """The codebook file's codes against ``codebook``: one row per code that is ``new`` (not
    ours), ``changed`` (label, theme or definitions differ from what we export) or
    ``missing`` (ours, absent from the file), with columns status, code_id, name, detail.
    Codes are recognised as in ``code_ids``; non-codable codes are themes."""
    parents = {child: parent for parent in root.iter() for child in parent if _tag(child) == "Code"}
    elements = [c for c in root.iter() if isinstance(c.tag, str) and _tag(c) == "Code"
                and c.get("isCodable") in ("true", "1") and c.get("name") != CASE_CODES_NAME]
    table = pd.DataFrame([{"guid": _guid(c.get("guid")), "name": c.get("name") or "", "codable": True,
                           "description": _text(c, "Description")} for c in elements],
                         columns=["guid", "name", "codable", "description"])
    ids, _ = code_ids(table, codebook)
    ours = {str(c["id"]): c for c in codebook.get("codes") or []}
    themes = {str(t["id"]): str(t["label"]) for t in codebook.get("themes") or []}
    rows = []
    for element, row in zip(elements, table.itertuples()):
        code_id, parent = ids[row.guid], parents.get(element)
        theme = parent.get("name") if parent is not None and _tag(parent) == "Code" else ""
        if code_id not in ours:
            rows.append(("new", "", row.name, f"under {theme}" if theme else "at the top level"))
            continue
        code = ours[code_id]
        differences = [f"label {code['label']!r} is {row.name!r}" if row.name != str(code["label"]) else "",
                       f"theme {themes.get(str(code['theme']), code['theme'])!r} is {theme!r}"
                       if theme != themes.get(str(code["theme"])) else "",
                       "definitions differ" if row.description.strip() != code_description(
                           code, examples.get(str(code.get("example")), "")).strip() else ""]
        if any(differences):
            rows.append(("changed", code_id, row.name, "; ".join(filter(None, differences))))
    found = set(ids.values())
    rows += [("missing", cid, str(code["label"]), "") for cid, code in ours.items() if cid not in found]
    return pd.DataFrame(rows, columns=["status", "code_id", "name", "detail"])


def codebook_report(path: Path, changes: pd.DataFrame, reference: Path) -> str:
    counts = changes["status"].value_counts()
    lines = [f"{path} against {reference}: {counts.get('new', 0)} new, {counts.get('changed', 0)} changed, "
             f"{counts.get('missing', 0)} missing codes."]
    lines += [f"  {r.status}: {r.code_id or r.name}" + (f" ({r.name})" if r.code_id and r.name else "")
              + (f": {r.detail}" if r.detail else "") for r in changes.itertuples()]
    return "\n".join(lines)
