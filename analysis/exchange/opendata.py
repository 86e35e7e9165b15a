"""The project's tables as open data, and the reader both data exports share.

``read_data`` reads the data folder as it is (sources, contributions, codebook, coding,
groups and the source texts); ``analysis.exchange.qda`` uses it too. ``write_datapackage`` writes a
Frictionless data package: the tables as CSV beside a ``datapackage.json`` giving every
column's type, description and allowed values, the primary keys and the foreign keys.
``write_tidy_exports`` writes one row per consensus coding, with the contribution's
attributes and the code and theme labels, as CSV and XLSX.

Columns are defined once: those of sources and contributions in ``analysis.evidence.schema``, those
of the codebook, the coding and the groups here, in the same form. The same data give the
same bytes: CSVs with LF line endings, JSON in a fixed order, XLSX with fixed dates.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from analysis.evidence.data import Data
from analysis.coding.functions import read_section_functions, statement_function_ids, statement_functions
from analysis.evidence.readers import DataValidationError, Problem, raise_if
from analysis.evidence.schema import CONTRIBUTION_COLUMNS, DERIVED_CONTRIBUTION_COLUMNS, SOURCE_COLUMNS, Column
from analysis.evidence.vocabulary import CONSENSUS, VOCABULARY_YAML, load_vocabulary
from analysis.paths import DATA_DIR, display_path

ORIGINS = ("deductive", "inductive")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
XLSX_DATE = datetime.datetime(1980, 1, 1)
ZIP_PIECE = 2**20  # bytes read at a time from a file zipped
XLSX_MAX_ROWS = 1_048_576  # rows of one worksheet in Excel, the header's included

THEME_COLUMNS = (
    Column("theme_id", "str", "Stable identifier of the theme.", unique=True),
    Column("label", "str", "Name of the theme."),
    Column("description", "str", "What the theme gathers.", required=False),
)
CODE_COLUMNS = (
    Column("code_id", "str", "Stable identifier of the code.", unique=True),
    Column("label", "str", "Name of the code."),
    Column("theme_id", "str", "Theme the code belongs to.", allowed="theme_ids"),
    Column("brief_definition", "str", "One-line definition."),
    Column("full_definition", "str", "Full definition.", required=False),
    Column("use_when", "str", "When to apply the code.", required=False),
    Column("do_not_use_when", "str", "When not to apply it, and what to use instead.", required=False),
    Column("example", "str", "A contribution that exemplifies the code.", required=False),
    Column("origin", "str", "Deductive (from earlier work) or inductive (from these data).", allowed=ORIGINS),
)
CODING_COLUMNS = (
    Column("contribution_id", "str", "The contribution coded."),
    Column("code_id", "str", "The code applied.", allowed="code_ids"),
    Column("coder", "str", "Who coded: a coder, or 'consensus' for the agreed coding the analysis uses."),
    Column("memo", "str", "The coder's note on this coding.", required=False),
)
SPEAKER_GROUP_COLUMNS = (
    Column("group_id", "str", "Normalised speaker group, as in contributions.speaker_group.", unique=True),
    Column("labels", "str", "Headings or names under which the group is printed in the sources, separated by '; '.",
           required=False),
    Column("description", "str", "Who the group is."),
    Column("sector", "str", "Broader grouping for comparisons across sources.", allowed="sectors"),
    Column("id_code", "str", "Short code used inside contribution ids.", required=False),
)
SUBJECT_GROUP_COLUMNS = (
    Column("group_id", "str", "Group a statement is about, as in contributions.subject_group.", unique=True),
    Column("label", "str", "The group's name as printed."),
    Column("description", "str", "Who the group is."),
    Column("id_code", "str", "Short code used inside contribution ids.", required=False),
)
TIDY_EXTRA = (
    Column("source_title", "str", "Title of the source."),
    Column("source_date", "str", "Date of the source (ISO, possibly partial)."),
    Column("code_label", "str", "Name of the code."),
    Column("theme_label", "str", "Name of the code's theme."),
    Column("statement_function", "str", "What the contribution does (hope, problem, need, proposal, strength, "
           "observation): fixed by its section or coded (data/vocabulary.yaml, data/codebook.yaml); empty when the "
           "data define none."),
)


@dataclasses.dataclass(frozen=True)
class Table:
    """One table of the data package: its columns, keys and description."""

    columns: tuple[Column, ...]
    description: str
    primary_key: str | list[str]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, table, column)


TABLES = {
    "sources": Table(SOURCE_COLUMNS, "The source documents; the text of each is data/sources/<source_id>.txt in "
                     "the repository, checked by sha256.", "source_id"),
    "contributions": Table(CONTRIBUTION_COLUMNS, "One row per contribution, with its place in its source text.",
                           "contribution_id",
                           (("source_id", "sources", "source_id"), ("speaker_group", "speaker_groups", "group_id"),
                            ("subject_group", "subject_groups", "group_id"),
                            ("parent_id", "contributions", "contribution_id"))),
    "speaker_groups": Table(SPEAKER_GROUP_COLUMNS, "The groups who speak.", "group_id"),
    "subject_groups": Table(SUBJECT_GROUP_COLUMNS, "The groups some statements are about (in a section whose speaker_role is subject).", "group_id"),
    "themes": Table(THEME_COLUMNS, "Themes of the codebook.", "theme_id"),
    "codes": Table(CODE_COLUMNS, "Codes of the codebook, with their definitions.", "code_id",
                   (("theme_id", "themes", "theme_id"), ("example", "contributions", "contribution_id"))),
    "coding": Table(CODING_COLUMNS, "Which codes each coder applied to each contribution.",
                    ["contribution_id", "code_id", "coder"],
                    (("contribution_id", "contributions", "contribution_id"), ("code_id", "codes", "code_id"))),
}
FIELD_TYPES = {"str": "string", "Int64": "integer"}


@dataclasses.dataclass(frozen=True)
class ProjectData:
    """The data folder in memory: tables as text (offsets as integers) and source texts."""

    sources: pd.DataFrame
    contributions: pd.DataFrame
    coding: pd.DataFrame
    codebook: dict
    speaker_groups: pd.DataFrame
    subject_groups: pd.DataFrame
    texts: dict[str, str]
    statement_functions: pd.DataFrame  # contribution_id, statement_function (empty without a vocabulary)


def _text(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value).strip()


def yaml_table(entries: Iterable[tuple[object, Mapping]], columns: tuple[Column, ...],
               aliases: Mapping[str, str] | None = None) -> pd.DataFrame:
    """(id, fields) pairs from YAML as a table of text: the first column is the id, the
    others are read from the fields (under ``aliases`` where named); lists joined by '; '."""
    key, *names = [c.name for c in columns]
    aliases = aliases or {}
    return pd.DataFrame([{key: _text(k), **{n: _text(v.get(aliases.get(n, n))) for n in names}} for k, v in entries],
                        columns=[key, *names])


def codebook_tables(codebook: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The codebook's themes and codes as tables."""
    themes = yaml_table(((t.get("id"), t) for t in codebook.get("themes") or []), THEME_COLUMNS)
    codes = yaml_table(((c.get("id"), c) for c in codebook.get("codes") or []), CODE_COLUMNS, {"theme_id": "theme"})
    return themes, codes


def _yaml(folder: Data, name: str) -> dict:
    """A YAML data file (one-line problems raise DataValidationError)."""
    content, problems = folder.yaml(name)
    raise_if(problems)
    return content


def data_table(folder: Data, name: str) -> pd.DataFrame:
    """A CSV data file as text columns, empty cells as "" (one-line problems raise DataValidationError)."""
    frame, problems = folder.csv(name)
    raise_if(problems)
    return frame.fillna("")


def _source_text(folder: Data, source_id: str) -> str:
    """A source's text exactly as stored (one-line problems raise DataValidationError)."""
    text, problems = folder.text(f"sources/{source_id}.txt", verbatim=True)
    raise_if(problems)
    return text


def read_data(folder: Data) -> ProjectData:
    """The opened data folder as it is, without validating it. Source texts are decoded from
    their bytes, so offsets are Python ``str`` indices and line endings are untouched."""
    sources = data_table(folder, "sources/sources.csv")
    contributions = data_table(folder, "contributions.csv")
    missing = {"contribution_id", "section", "char_start", "char_end"} - set(contributions.columns)
    if missing:
        raise DataValidationError([Problem(display_path(folder.file("contributions.csv")), None, ", ".join(sorted(missing)), "missing column")])
    contributions[["char_start", "char_end"]] = contributions[["char_start", "char_end"]].astype(int)
    groups, codebook = (_yaml(folder, name) for name in ("groups.yaml", "codebook.yaml"))
    coding = data_table(folder, "coding.csv")
    functions, sections = statement_function_ids(codebook), read_section_functions(folder)
    consensus = coding[coding["coder"] == CONSENSUS]
    agreed = contributions[contributions["contribution_id"].isin(consensus["contribution_id"])]  # a statement not yet coded has no function yet
    function_of = (statement_functions(agreed, consensus, sections, functions)[["contribution_id", "statement_function"]]
                   if sections else contributions[["contribution_id"]].assign(statement_function=""))
    return ProjectData(
        sources=sources,
        contributions=contributions,
        coding=coding[~coding["code_id"].isin(functions)],  # statement functions travel as statement_functions
        codebook=codebook,
        speaker_groups=yaml_table((groups.get("speaker_groups") or {}).items(), SPEAKER_GROUP_COLUMNS),
        subject_groups=yaml_table((groups.get("subject_groups") or {}).items(), SUBJECT_GROUP_COLUMNS),
        texts={sid: _source_text(folder, sid) for sid in sources["source_id"]},
        statement_functions=function_of,
    )


def package_tables(data: ProjectData) -> dict[str, pd.DataFrame]:
    """The data package's tables, columns in their defined order. Raises ValueError for a
    column that is missing or not defined (define it in analysis.evidence.schema first)."""
    themes, codes = codebook_tables(data.codebook)
    tables = {"sources": data.sources, "contributions": data.contributions, "speaker_groups": data.speaker_groups,
              "subject_groups": data.subject_groups, "themes": themes, "codes": codes, "coding": data.coding}
    for name, table in tables.items():
        defined = [c.name for c in TABLES[name].columns]
        if set(table.columns) != set(defined):
            raise ValueError(f"{name}: columns missing {sorted(set(defined) - set(table.columns))}, "
                             f"not defined {sorted(set(table.columns) - set(defined))}")
        tables[name] = table[defined]
    return tables


def field(column: Column, vocabularies: Mapping[str, list[str]]) -> dict:
    """A Table Schema field for a column; a named vocabulary becomes an enumeration."""
    constraints = {"required": column.required, "unique": column.unique, "pattern": column.pattern,
                   "minimum": column.minimum,
                   "enum": list(column.allowed) if isinstance(column.allowed, tuple) else vocabularies.get(column.allowed)}
    constraints = {k: v for k, v in constraints.items() if v is not None and v is not False}
    described = {"name": column.name, "type": FIELD_TYPES[column.dtype], "description": column.description}
    return described | ({"constraints": constraints} if constraints else {})


def package_descriptor(tables: Mapping[str, pd.DataFrame], allowed: Mapping[str, list[str]], version: str = "") -> dict:
    """The ``datapackage.json`` for the tables of ``package_tables``; ``allowed``: the
    vocabulary's sections, sectors, source sets and kinds."""
    vocabularies = {**allowed,
                    "source_ids": sorted(tables["sources"]["source_id"]),
                    "speaker_groups": sorted(tables["speaker_groups"]["group_id"]),
                    "subject_groups": sorted(tables["subject_groups"]["group_id"]),
                    "theme_ids": sorted(tables["themes"]["theme_id"]),
                    "code_ids": sorted(tables["codes"]["code_id"])}
    resources = []
    for name, table in TABLES.items():
        schema = {"fields": [field(c, vocabularies) for c in table.columns], "primaryKey": table.primary_key}
        if table.foreign_keys:
            schema["foreignKeys"] = [{"fields": column, "reference": {"resource": "" if target == name else target,
                                                                      "fields": key}}
                                     for column, target, key in table.foreign_keys]
        resources.append({"name": name, "type": "table", "path": f"{name}.csv", "scheme": "file", "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8", "description": table.description,
                          "schema": schema})
    descriptor = {"name": "social-work-visioning",
                  "title": "What stakeholders said about the future of social work: coded contributions",
                  "description": "Contributions from five source texts on the future of social work, the stakeholder "
                                 "group that made each and its place in its source text, the codebook, and the "
                                 "coding by each coder ('consensus' is the coding the analysis uses).",
                  "resources": resources}
    return descriptor | ({"version": version} if version else {})


def _allowed_values(folder: Data) -> dict[str, list[str]]:
    """The vocabulary's sections, sectors, source sets and kinds: the folder's, or the project's
    data folder's when it has no vocabulary of its own."""
    return load_vocabulary(folder if folder.exists(VOCABULARY_YAML) else Data(DATA_DIR)).allowed()


def write_datapackage(folder: Data, out_dir: Path | str) -> Path:
    """Write the tables of the data folder as CSV and their ``datapackage.json`` into ``out_dir``
    (a self-contained package: the CSVs sit beside the descriptor); return its path."""
    data = read_data(folder)
    tables = package_tables(data)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.to_csv(out_dir / f"{name}.csv", index=False, lineterminator="\n", encoding="utf-8")
    path = out_dir / "datapackage.json"
    descriptor = package_descriptor(tables, _allowed_values(folder), _text(data.codebook.get("version")))
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def tidy_coded_contributions(data: ProjectData, coder: str = CONSENSUS) -> pd.DataFrame:
    """One row per coding by ``coder`` (a contribution with two codes has two rows) with
    the contribution's attributes, its source and sector, and the code and theme labels,
    in reading order. Raises ValueError for codings of unknown contributions or codes."""
    themes, codes = codebook_tables(data.codebook)
    coding = data.coding.loc[data.coding["coder"] == coder, ["contribution_id", "code_id", "memo"]]
    tidy = (coding.merge(data.contributions, on="contribution_id", how="left", validate="many_to_one", indicator="_c")
            .merge(codes[["code_id", "label", "theme_id"]].rename(columns={"label": "code_label"}),
                   on="code_id", how="left", validate="many_to_one", indicator="_k"))
    unknown = tidy[(tidy["_c"] == "left_only") | (tidy["_k"] == "left_only")]
    if not unknown.empty:
        rows = ", ".join(f"{r.contribution_id}/{r.code_id}" for r in unknown.itertuples())
        raise ValueError(f"the {coder} coding names unknown contributions or codes: {rows}")
    sources = data.sources[["source_id", "title", "date", "source_set"]].rename(
        columns={"title": "source_title", "date": "source_date"})
    tidy = (tidy.merge(themes[["theme_id", "label"]].rename(columns={"label": "theme_label"}), on="theme_id",
                       how="left", validate="many_to_one")
            .merge(sources, on="source_id", how="left", validate="many_to_one")
            .merge(data.speaker_groups[["group_id", "sector"]].rename(
                columns={"group_id": "speaker_group", "sector": "speaker_sector"}),
                on="speaker_group", how="left", validate="many_to_one")
            .merge(data.statement_functions, on="contribution_id", how="left", validate="many_to_one")
            .fillna(""))
    order = {sid: i for i, sid in enumerate(data.sources["source_id"])}
    tidy = tidy.assign(_order=tidy["source_id"].map(order)).sort_values(
        ["_order", "char_start", "contribution_id", "code_id"], kind="stable")
    columns = ["contribution_id", "source_id", "source_title", "source_date", "source_set", "section", "speaker_group",
               "speaker_sector", "speaker_label", "subject_group", "mixed_group", "list_position", "parent_id",
               "code_id", "code_label", "theme_id", "theme_label", "statement_function", "memo", "text", "char_start",
               "char_end"]
    return tidy[columns].reset_index(drop=True)


def column_descriptions(columns: list[str]) -> pd.DataFrame:
    """Each column's description, from its one definition."""
    defined = {}
    for column in (*CONTRIBUTION_COLUMNS, *DERIVED_CONTRIBUTION_COLUMNS, *CODING_COLUMNS, *CODE_COLUMNS, *TIDY_EXTRA):
        defined.setdefault(column.name, column.description)
    return pd.DataFrame({"column": columns, "description": [defined[c] for c in columns]})


def write_zip(path: Path, members: list[tuple[str, bytes | Path]]) -> None:
    """Write a zip whose bytes depend only on the members: fixed date, mode and system. A
    member given as a file's path is copied from the file in pieces, with the same bytes as
    its content given whole."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            if isinstance(data, bytes):
                archive.writestr(info, data, compresslevel=9)
                continue
            info.file_size = data.stat().st_size  # as writestr sets it: it decides whether the member needs zip64
            info._compresslevel = 9  # as writestr(compresslevel=9) sets it; ZipFile.open takes the level from here only
            with data.open("rb") as source, archive.open(info, "w") as target:
                shutil.copyfileobj(source, target, ZIP_PIECE)


def _sheet_parts(title: str, table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """``table`` in worksheets of at most Excel's rows: ``title``, then ``title (2)``, ..."""
    size = XLSX_MAX_ROWS - 1  # the header takes a row
    parts = [table.iloc[start:start + size] for start in range(0, max(len(table), 1), size)]
    return [(title if n == 1 else f"{title} ({n})", part) for n, part in enumerate(parts, start=1)]


def _write_sheet(book, title: str, table: pd.DataFrame) -> None:
    """One table as a worksheet written row by row: header frozen and filtered, text kept as
    text (a cell beginning with '=' is not turned into a formula), numbers as numbers, an empty
    text an empty cell."""
    sheet = book.add_worksheet(title)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(table), len(table.columns) - 1)
    sheet.write_row(0, 0, list(table.columns))
    writers = [sheet.write_number if pd.api.types.is_numeric_dtype(dtype) else sheet.write_string for dtype in table.dtypes]
    for number, row in enumerate(table.itertuples(index=False, name=None), start=1):
        for column, (write, value) in enumerate(zip(writers, row)):
            if value != "":
                write(number, column, value)


def write_xlsx(path: Path, sheets: Mapping[str, pd.DataFrame]) -> None:
    """An XLSX workbook, one table per sheet (split over sheets beyond Excel's rows), with fixed
    document and zip dates. Rows are written as they come to files that are then zipped, so
    memory does not grow with the table."""
    import xlsxwriter

    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": scratch})
        book.set_properties({"created": XLSX_DATE})
        for title, table in sheets.items():
            for part_title, part in _sheet_parts(title, table):
                _write_sheet(book, part_title, part)
        book.close()


def write_tidy_exports(folder: Data, out_dir: Path | str) -> list[Path]:
    """Write the consensus coding, one row per coded contribution and code, as
    ``coded_contributions.csv`` and ``coded_contributions.xlsx`` (with a sheet describing
    the columns) into ``out_dir``; return both paths."""
    tidy = tidy_coded_contributions(read_data(folder))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = out_dir / "coded_contributions.csv", out_dir / "coded_contributions.xlsx"
    tidy.to_csv(csv_path, index=False, lineterminator="\n", encoding="utf-8")
    write_xlsx(xlsx_path, {"coded_contributions": tidy, "columns": column_descriptions(list(tidy.columns))})
    return [csv_path, xlsx_path]
