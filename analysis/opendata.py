"""The project's tables as open data, and the reader both exports share.

``read_data`` reads the data folder (sources, contributions, codebook, coding, groups and
the source texts) without validating it; ``analysis.qda`` uses it too.
``write_datapackage`` writes a Frictionless data package: the tables as CSV beside a
``datapackage.json`` that gives every column's type, description and allowed values, the
primary keys and the foreign keys. ``write_tidy_exports`` writes one row per consensus
coding, with the contribution's attributes and the code and theme labels, as CSV and XLSX.

Every column is defined once, in ``FIELDS``. The same data give the same bytes: CSVs with
LF line endings, JSON in a fixed order, XLSX with fixed dates.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import yaml

CONSENSUS = "consensus"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
XLSX_DATE = datetime.datetime(1980, 1, 1)
ORIGINS = ["deductive", "inductive"]

_ID = {"type": "string", "constraints": {"required": True}}
FIELDS: dict[str, list[dict]] = {
    "sources": [
        {"name": "source_id", **_ID, "description": "Stable identifier of the source; its text is data/sources/<source_id>.txt."},
        {"name": "seed_file", "type": "string", "description": "File the verbatim text was taken from."},
        {"name": "title", "type": "string", "constraints": {"required": True}, "description": "Title of the source document."},
        {"name": "author_or_organisation", "type": "string", "description": "Author or issuing organisation."},
        {"name": "publisher", "type": "string", "description": "Publisher."},
        {"name": "date", "type": "string", "description": "Date of publication (ISO 8601, as precise as known)."},
        {"name": "kind", "type": "string", "description": "Kind of document."},
        {"name": "place", "type": "string", "description": "Place the document concerns or was produced in."},
        {"name": "source_set", "type": "string", "description": "Group of sources compared together."},
        {"name": "citation", "type": "string", "description": "Full reference for citing the source."},
        {"name": "licence_note", "type": "string", "description": "What the licence or copyright allows."},
        {"name": "sha256", "type": "string", "constraints": {"required": True, "pattern": "[0-9a-f]{64}"},
         "description": "SHA-256 of the source text file's bytes, to check it is unchanged."},
    ],
    "contributions": [
        {"name": "contribution_id", **_ID, "description": "Stable identifier of the contribution."},
        {"name": "source_id", **_ID, "description": "Source the contribution comes from."},
        {"name": "section", "type": "string", "description": "Prompt, question or list the contribution answers."},
        {"name": "speaker_group", **_ID, "description": "Stakeholder group that spoke (normalised)."},
        {"name": "speaker_label", "type": "string", "description": "Speaker as printed in the source."},
        {"name": "subject_group", "type": "string",
         "description": "Group the statement is about, when it is about a group rather than by it."},
        {"name": "mixed_group", "type": "string", "description": "Mixed-group or table identifier, where groups sat together."},
        {"name": "list_position", "type": "integer", "constraints": {"minimum": 1},
         "description": "Position in its list, from 1."},
        {"name": "parent_id", "type": "string",
         "description": "Contribution this one belongs to (a suggestion to its need, an action to its theme)."},
        {"name": "text", "type": "string", "constraints": {"required": True}, "description": "The contribution, verbatim."},
        {"name": "char_start", "type": "integer", "constraints": {"required": True, "minimum": 0},
         "description": "Start in the source text, in characters (Unicode code points) from 0."},
        {"name": "char_end", "type": "integer", "constraints": {"required": True, "minimum": 0},
         "description": "End in the source text, in characters, exclusive."},
    ],
    "themes": [
        {"name": "theme_id", **_ID, "description": "Stable identifier of the theme."},
        {"name": "label", "type": "string", "constraints": {"required": True}, "description": "Name of the theme."},
        {"name": "description", "type": "string", "description": "What the theme gathers."},
    ],
    "codes": [
        {"name": "code_id", **_ID, "description": "Stable identifier of the code."},
        {"name": "label", "type": "string", "constraints": {"required": True}, "description": "Name of the code."},
        {"name": "theme_id", **_ID, "description": "Theme the code belongs to."},
        {"name": "brief_definition", "type": "string", "description": "One-line definition."},
        {"name": "full_definition", "type": "string", "description": "Full definition."},
        {"name": "use_when", "type": "string", "description": "When to apply the code."},
        {"name": "do_not_use_when", "type": "string", "description": "When not to apply it, and what to use instead."},
        {"name": "example", "type": "string", "description": "A contribution that exemplifies the code."},
        {"name": "origin", "type": "string", "constraints": {"required": True, "enum": ORIGINS},
         "description": "Deductive (from the literature) or inductive (from the data)."},
    ],
    "groups": [
        {"name": "group_id", **_ID, "description": "Stable identifier of the stakeholder group."},
        {"name": "label", "type": "string", "constraints": {"required": True}, "description": "Name of the group."},
        {"name": "description", "type": "string", "description": "Who is in the group."},
        {"name": "sector", "type": "string", "description": "Sector the group works or lives in."},
    ],
    "coding": [
        {"name": "contribution_id", **_ID, "description": "Contribution coded."},
        {"name": "code_id", **_ID, "description": "Code applied."},
        {"name": "coder", **_ID,
         "description": "Who coded: a coder, or 'consensus' for the agreed coding the analysis uses."},
        {"name": "memo", "type": "string", "description": "Coder's note on this coding."},
    ],
}
TABLE_DESCRIPTIONS = {
    "sources": "The source documents, one row each.",
    "contributions": "One row per contribution, with its place in its source text.",
    "themes": "Themes of the codebook.",
    "codes": "Codes of the codebook, with their definitions (MacQueen fields).",
    "groups": "Stakeholder groups.",
    "coding": "Which codes each coder applied to each contribution (long format).",
}
PRIMARY_KEYS = {"sources": "source_id", "contributions": "contribution_id", "themes": "theme_id",
                "codes": "code_id", "groups": "group_id", "coding": ["contribution_id", "code_id", "coder"]}
FOREIGN_KEYS = {  # table: [(column, referenced table, referenced column)]
    "contributions": [("source_id", "sources", "source_id"), ("speaker_group", "groups", "group_id"),
                      ("subject_group", "groups", "group_id"), ("parent_id", "contributions", "contribution_id")],
    "codes": [("theme_id", "themes", "theme_id"), ("example", "contributions", "contribution_id")],
    "coding": [("contribution_id", "contributions", "contribution_id"), ("code_id", "codes", "code_id")],
}
TIDY_EXTRA = {
    "source_title": "Title of the source document.",
    "source_date": "Date of the source document.",
    "speaker_group_label": "Name of the stakeholder group that spoke.",
    "sector": "Sector of the stakeholder group that spoke.",
    "code_label": "Name of the code.",
    "theme_label": "Name of the code's theme.",
    "memo": "Note on the consensus coding.",
}


@dataclasses.dataclass(frozen=True)
class ProjectData:
    """The data folder in memory: tables as text columns (offsets as integers) and texts."""

    sources: pd.DataFrame
    contributions: pd.DataFrame
    coding: pd.DataFrame
    codebook: dict
    groups: pd.DataFrame
    texts: dict[str, str]


def read_table(path: Path) -> pd.DataFrame:
    """A CSV as text columns, empty cells as empty strings."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def groups_table(raw: object) -> pd.DataFrame:
    """Speaker groups from groups.yaml (a list of mappings with ``id``, or a mapping by id,
    optionally under a ``groups`` key) as a table group_id, label, description, sector."""
    if isinstance(raw, dict) and isinstance(raw.get("groups"), (list, dict)):
        raw = raw["groups"]
    items = [{"id": key, **value} for key, value in raw.items()] if isinstance(raw, dict) else raw
    return pd.DataFrame(
        [{"group_id": _text(item.get("id")), "label": _text(item.get("label")),
          "description": _text(item.get("description")), "sector": _text(item.get("sector"))} for item in items],
        columns=["group_id", "label", "description", "sector"])


def read_data(data_dir: Path | str) -> ProjectData:
    """Read the data folder as it is (no validation). Source texts are decoded from their
    bytes, so offsets are Python ``str`` indices and line endings are untouched."""
    data_dir = Path(data_dir)
    sources = read_table(data_dir / "sources" / "sources.csv")
    contributions = read_table(data_dir / "contributions.csv")
    contributions[["char_start", "char_end"]] = contributions[["char_start", "char_end"]].astype(int)
    return ProjectData(
        sources=sources,
        contributions=contributions,
        coding=read_table(data_dir / "coding.csv"),
        codebook=yaml.safe_load((data_dir / "codebook.yaml").read_text(encoding="utf-8")),
        groups=groups_table(yaml.safe_load((data_dir / "groups.yaml").read_text(encoding="utf-8"))),
        texts={sid: (data_dir / "sources" / f"{sid}.txt").read_bytes().decode("utf-8") for sid in sources["source_id"]},
    )


def _text(value: object) -> str:
    return "" if value is None else str(value)


def codebook_tables(codebook: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The codebook's themes and codes flattened to tables (every value as text)."""
    themes = pd.DataFrame([{"theme_id": _text(t.get("id")), "label": _text(t.get("label")),
                            "description": _text(t.get("description"))} for t in codebook.get("themes") or []],
                          columns=["theme_id", "label", "description"])
    names = [f["name"] for f in FIELDS["codes"]]
    keys = {"code_id": "id", "theme_id": "theme"}
    codes = pd.DataFrame([{name: _text(c.get(keys.get(name, name))) for name in names}
                          for c in codebook.get("codes") or []], columns=names)
    return themes, codes


def package_tables(data: ProjectData) -> dict[str, pd.DataFrame]:
    """The tables of the data package, columns in their defined order then any others."""
    themes, codes = codebook_tables(data.codebook)
    tables = {"sources": data.sources, "contributions": data.contributions, "themes": themes,
              "codes": codes, "groups": data.groups, "coding": data.coding}
    return {name: _ordered(table, name) for name, table in tables.items()}


def _ordered(table: pd.DataFrame, name: str) -> pd.DataFrame:
    defined = [f["name"] for f in FIELDS[name] if f["name"] in table.columns]
    return table[defined + [c for c in table.columns if c not in defined]]


def table_schema(name: str, table: pd.DataFrame, enums: dict[str, list[str]]) -> dict:
    """Table Schema for one table: its columns (undefined ones as text, said so), primary
    key, foreign keys and the enumerations given for its columns."""
    defined = {f["name"]: f for f in FIELDS[name]}
    fields = []
    for column in table.columns:
        field = json.loads(json.dumps(defined.get(column) or {
            "name": column, "type": "string", "description": "Not in the data contract; carried through as text."}))
        if column in enums:
            field.setdefault("constraints", {})["enum"] = enums[column]
        fields.append(field)
    schema = {"fields": fields, "primaryKey": PRIMARY_KEYS[name]}
    foreign = [{"fields": column, "reference": {"resource": "" if target == name else target, "fields": key}}
               for column, target, key in FOREIGN_KEYS.get(name, []) if column in table.columns]
    if foreign:
        schema["foreignKeys"] = foreign
    return schema


def package_descriptor(tables: dict[str, pd.DataFrame], version: str = "") -> dict:
    """The ``datapackage.json`` for these tables. Closed vocabularies become enumerations:
    groups, themes and codes from the codebook and groups.yaml; source kinds, source sets
    and coders as found in this release."""
    group_ids = sorted(tables["groups"]["group_id"])
    enums = {
        "sources": {"kind": _found(tables["sources"], "kind"), "source_set": _found(tables["sources"], "source_set")},
        "contributions": {"speaker_group": group_ids, "subject_group": group_ids},
        "codes": {"theme_id": sorted(tables["themes"]["theme_id"])},
        "coding": {"code_id": sorted(tables["codes"]["code_id"]), "coder": _found(tables["coding"], "coder")},
    }
    resources = [{
        "name": name, "type": "table", "path": f"{name}.csv", "scheme": "file", "format": "csv",
        "mediatype": "text/csv", "encoding": "utf-8", "description": TABLE_DESCRIPTIONS[name],
        "schema": table_schema(name, table, enums.get(name, {})),
    } for name, table in tables.items()]
    descriptor = {
        "name": "social-work-visioning",
        "title": "What stakeholders said about the future of social work: coded contributions",
        "description": ("Contributions from five source texts on the future of social work, with the stakeholder "
                        "group that made each, its place in its source text (data/sources/<source_id>.txt in the "
                        "repository; check with sources.sha256), the codebook and the coding by each coder."),
        "resources": resources,
    }
    if version:
        descriptor["version"] = version
    return descriptor


def _found(table: pd.DataFrame, column: str) -> list[str]:
    return sorted(v for v in table[column].unique() if v) if column in table.columns else []


def write_datapackage(data_dir: Path | str, out_dir: Path | str) -> Path:
    """Write the tables as CSV and their ``datapackage.json`` into ``out_dir``; return the
    descriptor's path. The package is self-contained: the CSVs sit beside the descriptor."""
    data = read_data(data_dir)
    tables = package_tables(data)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.to_csv(out_dir / f"{name}.csv", index=False, lineterminator="\n", encoding="utf-8")
    descriptor = package_descriptor(tables, _text(data.codebook.get("version")))
    path = out_dir / "datapackage.json"
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def tidy_coded_contributions(data: ProjectData, coder: str = CONSENSUS) -> pd.DataFrame:
    """One row per coding by ``coder`` (a contribution with two codes has two rows), with
    the contribution's attributes, its source, its group and the code and theme labels, in
    reading order. Raises ValueError for codings of unknown contributions or codes."""
    themes, codes = codebook_tables(data.codebook)
    coding = data.coding.loc[data.coding["coder"] == coder, ["contribution_id", "code_id", "memo"]]
    contributions = data.contributions
    sources = data.sources[["source_id", "title", "date"]].rename(columns={"title": "source_title", "date": "source_date"})
    groups = data.groups[["group_id", "label", "sector"]].rename(
        columns={"group_id": "speaker_group", "label": "speaker_group_label"})
    code_labels = codes[["code_id", "label", "theme_id"]].rename(columns={"label": "code_label"})
    theme_labels = themes[["theme_id", "label"]].rename(columns={"label": "theme_label"})
    tidy = (coding.merge(contributions, on="contribution_id", how="left", validate="many_to_one", indicator="_c")
            .merge(code_labels, on="code_id", how="left", validate="many_to_one", indicator="_k"))
    unknown = tidy[(tidy["_c"] == "left_only") | (tidy["_k"] == "left_only")]
    if not unknown.empty:
        rows = ", ".join(f"{r.contribution_id}/{r.code_id}" for r in unknown.itertuples())
        raise ValueError(f"{coder} coding names unknown contributions or codes: {rows}")
    tidy = (tidy.drop(columns=["_c", "_k"])
            .merge(theme_labels, on="theme_id", how="left", validate="many_to_one")
            .merge(sources, on="source_id", how="left", validate="many_to_one")
            .merge(groups, on="speaker_group", how="left", validate="many_to_one")
            .fillna(""))
    order = {sid: i for i, sid in enumerate(data.sources["source_id"])}
    tidy = tidy.assign(_order=tidy["source_id"].map(order)).sort_values(
        ["_order", "char_start", "contribution_id", "code_id"], kind="stable")
    first = ["contribution_id", "source_id", "source_title", "source_date", "section", "speaker_group",
             "speaker_group_label", "sector", "speaker_label"]
    last = ["code_id", "code_label", "theme_id", "theme_label", "memo", "text", "char_start", "char_end"]
    middle = [c for c in contributions.columns if c not in first + last]
    return tidy[[c for c in first if c in tidy.columns] + middle + last].reset_index(drop=True)


def column_descriptions(columns: list[str]) -> pd.DataFrame:
    """Each column's description, from ``FIELDS`` or the joined columns' own."""
    defined = {f["name"]: f["description"] for fields in FIELDS.values() for f in fields}
    defined |= TIDY_EXTRA
    return pd.DataFrame({"column": columns, "description": [defined.get(c, "") for c in columns]})


def write_zip(path: Path, members: list[tuple[str, bytes]]) -> None:
    """Write a zip whose bytes depend only on the members: fixed date, mode and system."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> list[tuple[str, bytes]]:
    """An XLSX workbook as zip members, one sheet per table, text kept as text (a cell
    beginning with '=' is not turned into a formula) and fixed document dates."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.remove(book.active)
    for title, table in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(list(table.columns))
        for row in table.itertuples(index=False):
            sheet.append(list(row))
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    book.properties.created = book.properties.modified = XLSX_DATE
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    with zipfile.ZipFile(buffer) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_tidy_exports(data_dir: Path | str, out_dir: Path | str) -> list[Path]:
    """Write the consensus coding, one row per coded contribution and code, as
    ``coded_contributions.csv`` and ``coded_contributions.xlsx`` (with a sheet describing
    the columns) into ``out_dir``; return both paths."""
    tidy = tidy_coded_contributions(read_data(data_dir))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = out_dir / "coded_contributions.csv", out_dir / "coded_contributions.xlsx"
    tidy.to_csv(csv_path, index=False, lineterminator="\n", encoding="utf-8")
    write_zip(xlsx_path, xlsx_bytes({"coded_contributions": tidy, "columns": column_descriptions(list(tidy.columns))}))
    return [csv_path, xlsx_path]
