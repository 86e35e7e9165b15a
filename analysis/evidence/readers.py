"""One way in for every data file: one reader per format (text, YAML, CSV), one decision each.

Every module reads the data through these functions, so a file is accepted or refused the
same way wherever it is read. The decisions:

- **Encoding**: UTF-8 only. The first byte that is not UTF-8 is reported with its line (in a
  CSV, its data row and column name).
- **Byte-order mark**: a UTF-8 BOM (as spreadsheet programs write) is dropped from YAML and
  CSV files; a source text must not start with one, since its offsets would count it.
- **Line endings**: CRLF is read as LF in YAML and CSV files; a source text is read exactly
  as stored (its offsets and its sha256 are of those characters).
- **NUL bytes**: refused in every file, with their line and column (in a CSV, its data row
  and column name).
- **Empty files**: a zero-byte file, or one holding only whitespace, is refused ("is
  empty"); a CSV with a header but no data rows is refused ("has no rows") unless the
  caller allows it.

Anything refused becomes one :class:`Problem`, printed as ``file:row:column: message``;
YAML errors give the line and column on that one line.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from analysis.paths import display_path

ROW_CONVENTION = "row n = data row n counted from 1, the header not counted (line n + 1 of the file)"


@dataclass(frozen=True)
class Problem:
    """One problem in one place: file, data row (1-based, or None), column (or None)."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        row = "" if self.row is None else str(self.row)
        return f"{self.file}:{row}:{self.column or ''}: {self.message}"


class DataValidationError(ValueError):
    """Raised by the loaders; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(str(problem) for problem in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the data ({ROW_CONVENTION}):\n{lines}")


def raise_if(problems: list[Problem]) -> None:
    """Raise :class:`DataValidationError` when there are problems."""
    if problems:
        raise DataValidationError(problems)


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _csv_place(prefix: str) -> tuple[int | None, str | None]:
    """The data row and column a CSV text ending at ``prefix`` has reached."""
    records = list(csv.reader(io.StringIO(prefix)))
    starts_record = not prefix or prefix.endswith("\n")
    record = len(records) if starts_record else len(records) - 1
    header = records[0] if records else []
    column = None
    if record and not starts_record and len(records[-1]) <= len(header):
        column = header[len(records[-1]) - 1]
    return record or None, column


def decode(path: Path, data: bytes, verbatim: bool = False, tabular: bool = False) -> tuple[str | None, list[Problem]]:
    """The text of a file's bytes under the decisions above, or the problem refusing it.

    ``verbatim`` (source texts): keep the line endings, refuse a byte-order mark.
    ``tabular`` (CSV): name the data row and column of a byte that is not UTF-8.
    """
    shown = display_path(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        prefix = data[: error.start].decode("utf-8", errors="replace")
        row, column = _csv_place(prefix) if tabular else (None, None)
        line = prefix.count("\n") + 1
        return None, [Problem(shown, row, column, f"not valid UTF-8 at byte offset {error.start} (line {line} of the file)")]
    if "\x00" in text:
        offset = text.index("\x00")
        line, column = _line_and_column(text, offset)
        if tabular:
            row, name = _csv_place(text[:offset])
            return None, [Problem(shown, row, name, f"holds a NUL byte (line {line} of the file)")]
        return None, [Problem(shown, None, None, f"holds a NUL byte at line {line}, column {column}")]
    if data.startswith(codecs.BOM_UTF8):
        if verbatim:
            return None, [Problem(shown, None, None, "starts with a byte-order mark; save it as UTF-8 without one (offsets would count it)")]
        text = text[1:]
    if not text or text.isspace():
        return None, [Problem(shown, None, None, "is empty")]
    return (text if verbatim or "\r" not in text else text.replace("\r\n", "\n")), []


def read_text(path: Path, verbatim: bool = False, tabular: bool = False) -> tuple[str | None, list[Problem]]:
    """A text file's content, or the problems that prevent reading it (see :func:`decode`)."""
    path = Path(path)
    if not path.is_file():
        return None, [Problem(display_path(path), None, None, "file not found")]
    return decode(path, path.read_bytes(), verbatim, tabular)


def yaml_error_line(error: yaml.YAMLError) -> str:
    """A YAML error on one line: line and column first, then what is wrong."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    said = " ".join(f"{problem} ({context})".split()) if context else " ".join(str(problem).split())
    return f"not valid YAML at {where}{said}" if where else f"not valid YAML: {said}"


def _parse_yaml(text: str) -> object:
    """YAML text parsed by libyaml's safe loader where PyYAML has it (the same results, several
    times faster), else PyYAML's own."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def read_yaml(path: Path, mapping: bool = True) -> tuple[object | None, list[Problem]]:
    """The content of a YAML file (a mapping unless ``mapping`` is false), or its problems."""
    text, problems = read_text(path)
    if text is None:
        return None, problems
    shown = display_path(path)
    try:
        content = _parse_yaml(text)
    except yaml.YAMLError as error:
        return None, [Problem(shown, None, None, yaml_error_line(error))]
    if mapping and not isinstance(content, dict):
        return None, [Problem(shown, None, None, "not a YAML mapping of names to values")]
    return content, []


def read_yaml_list(path: Path, key: str) -> tuple[list, list[Problem]]:
    """The list under ``key`` in an optional YAML file (empty when the file does not exist), or its problems."""
    path = Path(path)
    if not path.exists():
        return [], []
    content, problems = read_yaml(path)
    if content is None:
        return [], problems
    entries = content.get(key)
    if not isinstance(entries, list):
        return [], [Problem(display_path(path), None, key, "missing or not a list")]
    return entries, []


def read_csv(path: Path, allow_no_rows: bool = False) -> tuple[pd.DataFrame | None, list[Problem]]:
    """A CSV file as a table of strings (empty cells missing), or the problems refusing it.

    Rows with more cells than the header are refused, naming the row.
    """
    path = Path(path)
    if not path.is_file():
        return None, [Problem(display_path(path), None, None, "file not found")]
    return _parse_csv(path, path.read_bytes(), allow_no_rows)


def _parse_csv(path: Path, data: bytes, allow_no_rows: bool) -> tuple[pd.DataFrame | None, list[Problem]]:
    """:func:`read_csv` on the file's bytes."""
    text, problems = decode(path, data, tabular=True)
    if text is None:
        return None, problems
    shown = display_path(path)
    header = next(csv.reader(_lines(text)), [])
    if len(set(header)) != len(header):
        duplicate = next(name for name in header if header.count(name) > 1)
        return None, [Problem(shown, None, duplicate, "column named twice in the header")]
    try:
        frame = pd.read_csv(io.BytesIO(_as_utf8(data, text)), dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.ParserError as error:
        return None, [_long_row(shown, text, header) or Problem(shown, None, None, f"cannot be read as CSV: {' '.join(str(error).split())}")]
    if not isinstance(frame.index, pd.RangeIndex):  # pandas took a first row longer than the header as an index
        return None, [_long_row(shown, text, header)]
    if frame.empty and not allow_no_rows:
        return None, [Problem(shown, None, None, "has no rows (only a header)")]
    return frame, []


def _as_utf8(data: bytes, text: str) -> bytes:
    """``text``, decoded from ``data``, as UTF-8: ``data`` itself when decoding changed nothing
    (no byte-order mark, no carriage return), so a large file is not encoded again."""
    return data if not data.startswith(codecs.BOM_UTF8) and b"\r" not in data else text.encode("utf-8")


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one at a time, each with its line end (as a file yields them)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start) + 1 or len(text)
        yield text[start:end]
        start = end


def _long_row(shown: str, text: str, header: list[str]) -> Problem | None:
    """The first row with more cells than the header names, as a problem (None if there is none)."""
    records = csv.reader(io.StringIO(text))
    next(records, None)
    for row, record in enumerate(records, start=1):
        if len(record) > len(header):
            return Problem(shown, row, None, f"has {len(record)} cells but the header names {len(header)} columns")
    return None


def read_csv_records(path: Path, allow_no_rows: bool = False) -> tuple[list[dict[str, str]] | None, list[Problem]]:
    """The rows of a CSV file as dictionaries of text (empty cells as ""), through :func:`read_csv`."""
    frame, problems = read_csv(path, allow_no_rows)
    if frame is None:
        return None, problems
    return frame.fillna("").to_dict("records"), []
