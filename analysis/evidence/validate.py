"""Validating the evidence in a data folder (normally data/).

``check_*`` functions collect :class:`Problem` records (the ``load_*`` functions of
:mod:`analysis.evidence.loaders` raise them as :class:`DataValidationError` instead). Every checker
takes the opened data folder (:class:`~analysis.evidence.data.Data`, which reads each file once)
and returns a list of problems; :data:`CHECKS` lists them, and :func:`validate_all` runs them all, so a
module with its own data file adds its checker with :func:`register_check`.

Row numbers in problems count data rows from 1: the header line is not counted, so data
row n is line n + 1 of the file (as a spreadsheet shows it, the header being line 1).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.evidence import schema
from analysis.evidence.data import Data, once
from analysis.evidence.readers import ROW_CONVENTION, Problem
from analysis.evidence.vocabulary import VOCABULARY_YAML, check_vocabulary, load_vocabulary
from analysis.paths import DATA_DIR, display_path

SOURCES_DIR = "sources"
SOURCES_CSV = "sources/sources.csv"
GROUPS_YAML = "groups.yaml"
CONTRIBUTIONS_CSV = "contributions.csv"
#: What a speaker group is (groups.yaml ``kind``): the briefing says "one person" where it is one.
ONE_PERSON = "one person"
SPEAKER_KINDS = (ONE_PERSON, "group", "several groups", "organisation", "review body")
_MARKUP = re.compile(r"</?p>")
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-•*][ \t]+)?(?:(?:[0-9]+[.)]|[a-z]\))[ \t]+)?", re.MULTILINE)
_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text reduced for comparing a contribution with its span in the source.

    Removes ``<p>`` and ``</p>`` markup, removes list markers at line starts (a bullet
    ``-``, ``•`` or ``*``, a number ``1.`` or ``1)``, a letter ``a)``, or a bullet followed
    by a number or letter), collapses every run of whitespace to one space, and strips.
    Nothing else changes: case, punctuation and quotation marks are kept.
    """
    text = _MARKUP.sub(" ", text)
    text = _LIST_MARKER.sub("", text)
    return _WHITESPACE.sub(" ", text).strip()


def _message(check: str, column: str | None, value: object, index: object, dtypes: Mapping[str, str]) -> str | None:
    """A reader's message for one pandera failure case (None: a consequence of another)."""
    if check == "column_in_dataframe":
        return "missing column"
    if check == "column_in_schema":
        return "unexpected column (not defined in analysis/evidence/schema.py)"
    if check == "column_ordered":
        return "column out of order (the order is defined in analysis/evidence/schema.py)"
    if check.startswith(("coerce_dtype", "dtype(")):
        return f"not a whole number: {value!r}" if dtypes.get(column) == "Int64" else f"wrong type: {value!r}"
    if index is None and str(value).startswith(("TypeError(", "ValueError(")):
        return None
    if check == "not_nullable":
        return f"empty {column}"
    if check == "field_uniqueness":
        return f"duplicate {column} {value!r}"
    return f"{check}: {value!r}"


def _schema_problems(frame: pd.DataFrame, frame_schema: pa.DataFrameSchema, columns: tuple[schema.Column, ...], shown: str) -> list[Problem]:
    """Every failure of ``frame_schema`` on ``frame`` as problems (row = index + 1); ``frame``'s
    columns are coerced in place where they can be (whole numbers to Int64)."""
    try:
        frame_schema.validate(frame, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return []
    dtypes = {column.name: column.dtype for column in columns}
    problems: dict[Problem, None] = {}  # repeats removed, first seen kept (a set that keeps order)
    for check, name, value, index in zip(*(cases[part].tolist() for part in ("check", "column", "failure_case", "index"))):
        message = _message(str(check), name, value, index, dtypes)
        if message is None:
            continue
        whole_column = check in ("column_in_dataframe", "column_in_schema", "column_ordered")
        column = str(value) if whole_column else name
        row = None if index is None or whole_column else int(index) + 1
        problems[Problem(shown, row, column, message)] = None
    return sorted(problems, key=lambda problem: (problem.row or 0, problem.column or "", problem.message))


def read_checked_csv(data: Data, name: str, columns: tuple[schema.Column, ...], vocabularies: Mapping[str, set[str]]) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The data's table ``name`` as strings (empty cells as missing; a column of whole numbers as
    Int64), and its schema problems."""
    frame, problems = data.csv(name)
    if frame is None:
        return None, problems
    frame_schema = schema.dataframe_schema(columns, vocabularies)
    return frame, _schema_problems(frame, frame_schema, columns, display_path(data.file(name)))


def vocabulary_values(data: Data) -> dict[str, set[str]]:
    """Allowed sections, sectors, source sets and kinds (none when vocabulary.yaml has problems,
    which its own check reports)."""
    if check_vocabulary(data):
        return {}
    return {name: set(values) for name, values in load_vocabulary(data).allowed().items()}


@once
def check_sources(data: Data) -> list[Problem]:
    """Problems in sources/sources.csv and the source texts: schema, UTF-8, SHA-256, unlisted texts."""
    frame, problems = read_checked_csv(data, SOURCES_CSV, schema.SOURCE_COLUMNS, vocabulary_values(data))
    if frame is None:
        return problems
    shown = display_path(data.file(SOURCES_CSV))
    listed = set()
    for row, record in enumerate(frame.to_dict("records"), start=1):
        source_id = record.get("source_id")
        if not isinstance(source_id, str):
            continue
        listed.add(source_id)
        path = data.path / SOURCES_DIR / f"{source_id}.txt"
        if not path.exists():
            problems.append(Problem(shown, row, "source_id", f"no source text {display_path(path)}"))
            continue
        _, unreadable = data.text(f"{SOURCES_DIR}/{source_id}.txt", verbatim=True)
        problems += unreadable
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if "sha256" in record and record["sha256"] != digest:
            problems.append(Problem(shown, row, "sha256", f"does not match {display_path(path)}, whose sha256 is {digest}"))
    for path in sorted((data.path / SOURCES_DIR).glob("*.txt")):
        if path.stem not in listed:
            problems.append(Problem(display_path(path), None, None, f"source text not listed in {shown}"))
    return problems


@once
def check_groups(data: Data) -> list[Problem]:
    """Problems in groups.yaml: fields of each speaker and subject group, sectors, label clashes."""
    content, problems = data.yaml(GROUPS_YAML)
    if content is None:
        return problems
    shown = display_path(data.file(GROUPS_YAML))
    sectors = vocabulary_values(data).get("sectors")
    identifier = re.compile(r"^[a-z][a-z0-9_]*$")
    owner_of_label: dict[str, str] = {}
    for part, fields in (("speaker_groups", ("labels", "short_label", "description", "sector")), ("subject_groups", ("label", "description"))):
        entries = content.get(part)
        if not isinstance(entries, dict) or not entries:
            problems.append(Problem(shown, None, part, "missing or empty mapping"))
            continue
        for group_id, group in entries.items():
            where = f"{part}.{group_id}"
            if not identifier.match(str(group_id)):
                problems.append(Problem(shown, None, where, "id must be lower case letters, digits and underscores"))
            if not isinstance(group, dict):
                problems.append(Problem(shown, None, where, "not a mapping"))
                continue
            for field in fields:
                if field not in group:
                    problems.append(Problem(shown, None, f"{where}.{field}", "missing"))
            if part == "speaker_groups":
                if "sector" in group and not isinstance(group["sector"], str):
                    problems.append(Problem(shown, None, f"{where}.sector", "must be text"))
                elif "sector" in group and sectors is not None and group["sector"] not in sectors:
                    problems.append(Problem(shown, None, f"{where}.sector", f"unknown sector {group['sector']!r} (not defined in {VOCABULARY_YAML})"))
                labels = group.get("labels", [])
                if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
                    problems.append(Problem(shown, None, f"{where}.labels", "must be a list of strings"))
                    continue
                for label in labels:
                    if label in owner_of_label:
                        problems.append(Problem(shown, None, f"{where}.labels", f"label {label!r} also belongs to {owner_of_label[label]}"))
                    owner_of_label[label] = str(group_id)
                if "mixed_groups" in group and not isinstance(group["mixed_groups"], bool):
                    problems.append(Problem(shown, None, f"{where}.mixed_groups", "must be true or false"))
                if group.get("kind") not in SPEAKER_KINDS:
                    problems.append(Problem(shown, None, f"{where}.kind", f"{group.get('kind')!r} is not a kind of speaker (allowed: {', '.join(SPEAKER_KINDS)})"))
                size = group.get("size")
                if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 1 or (group.get("kind") == ONE_PERSON and size != 1)):
                    problems.append(Problem(shown, None, f"{where}.size", f"{size!r} is not a number of people (one person is 1)"))
    return problems + _comparison_problems(content, shown)


def _comparison_problems(content: dict, shown: str) -> list[Problem]:
    """Problems in groups.yaml's voice_subject_comparisons: name -> voices and subjects, each a
    non-empty list of defined groups (the part is optional)."""
    comparisons = content.get("voice_subject_comparisons", {})
    if not isinstance(comparisons, dict):
        return [Problem(shown, None, "voice_subject_comparisons", "must be a mapping of names to voices and subjects")]
    problems = []
    for name, comparison in comparisons.items():
        where = f"voice_subject_comparisons.{name}"
        if not isinstance(comparison, dict):
            problems.append(Problem(shown, None, where, "needs voices and subjects"))
            continue
        for side, part in (("voices", "speaker_groups"), ("subjects", "subject_groups")):
            groups = comparison.get(side)
            defined = content.get(part) if isinstance(content.get(part), dict) else {}
            if not isinstance(groups, list) or not groups:
                problems.append(Problem(shown, None, f"{where}.{side}", f"must be a non-empty list of {part}"))
                continue
            problems += [Problem(shown, None, f"{where}.{side}", f"{group!r} is not one of the {part}")
                         for group in groups if not isinstance(group, str) or group not in defined]
    return problems


@once
def known_values(data: Data) -> dict[str, set[str]]:
    """Allowed source ids, speaker groups and subject groups, from whatever files can be read."""
    vocabularies = vocabulary_values(data)
    sources, _ = read_checked_csv(data, SOURCES_CSV, schema.SOURCE_COLUMNS, {})
    if sources is not None and "source_id" in sources:
        vocabularies["source_ids"] = set(sources["source_id"].dropna())
    groups, _ = data.yaml(GROUPS_YAML)
    for part in ("speaker_groups", "subject_groups"):
        if groups is not None and isinstance(groups.get(part), dict):
            vocabularies[part] = set(groups[part])
    return vocabularies


def source_texts(data: Data, source_ids: set[str]) -> dict[str, str]:
    """The decoded texts of the given sources that exist and are UTF-8."""
    texts = {}
    for source_id in sorted(source_ids):
        text, _ = data.text(f"{SOURCES_DIR}/{source_id}.txt", verbatim=True)
        if text is not None:
            texts[source_id] = text
    return texts


def _as_int(value) -> int | None:
    """An integer from a CSV cell, or None when it is not one."""
    try:
        return int(str(value))
    except ValueError:
        return None


def _preview(text: str, limit: int = 60) -> str:
    """A short, one-line quotation of ``text`` for messages."""
    flat = _WHITESPACE.sub(" ", text).strip()
    return repr(flat if len(flat) <= limit else flat[: limit - 3] + "...")


def _span_problems(column: Callable[[str], pd.Series], texts: Mapping[str, str], shown: str) -> list[tuple[int, int, Problem]]:
    """(row, 0, problem) for each span outside its source text or not matching the contribution's
    text; rows whose source is unknown or whose offsets are not integers are left to other checks."""
    sources = column("source_id").map(texts).tolist()
    starts, ends = ([_as_int(value) for value in column(name).tolist()] for name in ("char_start", "char_end"))
    said = column("text").tolist()
    suspect = [i for i, (source, start, end, text) in enumerate(zip(sources, starts, ends, said))
               if isinstance(source, str) and start is not None and end is not None
               and not (0 <= start < end <= len(source) and (not isinstance(text, str) or source[start:end] == text))]
    source_ids = column("source_id").tolist()
    found = []
    for i in suspect:
        row, source, source_id, start, end, text = i + 1, sources[i], source_ids[i], starts[i], ends[i], said[i]
        if not 0 <= start < len(source):
            found.append((row, 0, Problem(shown, row, "char_start", f"offset {start} outside {source_id}.txt (length {len(source)})")))
        elif not start < end <= len(source):
            found.append((row, 0, Problem(shown, row, "char_end", f"offset {end} must be after char_start {start} and at most {len(source)}, the length of {source_id}.txt")))
        elif normalise(source[start:end]) != normalise(text):
            found.append((row, 0, Problem(shown, row, "text", f"does not match {source_id}.txt[{start}:{end}] after normalisation; the span reads {_preview(source[start:end])}")))
    return found


def _parent_problems(column: Callable[[str], pd.Series], sections: Mapping[str, Mapping], shown: str) -> list[tuple[int, int, Problem]]:
    """(row, 1, problem) for each parent_id that is no contribution, is in another source, or is
    not of the section the vocabulary names as the row's parent_section."""
    has_parent = column("parent_id").notna().to_numpy()
    rows = np.flatnonzero(has_parent) + 1
    parents, source_ids, row_sections = (column(name)[has_parent] for name in ("parent_id", "source_id", "section"))
    ids = column("contribution_id")
    targets = ~ids.duplicated(keep="last") & ids.isin(parents)  # a repeated id: its last row
    source_of = pd.Series(column("source_id")[targets].to_numpy(), index=ids[targets].to_numpy())
    section_of = pd.Series(column("section")[targets].to_numpy(), index=ids[targets].to_numpy())
    known = parents.isin(source_of.index)
    other_source = known & (parents.map(source_of) != source_ids)
    found = [(row, 1, Problem(shown, row, "parent_id", f"unknown parent_id {parent!r} (no such contribution_id)"))
             for row, parent in zip(rows[~known.to_numpy()].tolist(), parents[~known].tolist())]
    found += [(row, 1, Problem(shown, row, "parent_id", f"parent {parent!r} is in another source"))
              for row, parent in zip(rows[other_source.to_numpy()].tolist(), parents[other_source].tolist())]
    if not sections:
        return found
    expected = row_sections.map({name: entry.get("parent_section") for name, entry in sections.items()})
    wrong = (known & ~other_source & (parents.map(section_of) != expected)).to_numpy()
    return found + [(row, 1, Problem(shown, row, "parent_id", f"a {section} has no parent ({VOCABULARY_YAML}: no parent_section)" if not isinstance(want, str)
                                     else f"parent {parent!r} is a {section_of[parent]}, not a {want} ({VOCABULARY_YAML}: parent_section)"))
                    for row, section, parent, want in zip(rows[wrong].tolist(), row_sections[wrong].tolist(), parents[wrong].tolist(), expected[wrong].tolist())]


def _row_problems(frame: pd.DataFrame, texts: Mapping[str, str], sections: Mapping[str, Mapping], mixed: set[str] | None, shown: str) -> list[Problem]:
    """Checks across columns and files: spans against the sources, parents, subject and mixed groups.

    ``sections`` are the vocabulary's (speaker role, parent section): a section whose role is subject needs a
    subject_group, one whose role is voice has none; ``mixed`` the speaker groups made of mixed
    groups (None when groups.yaml cannot be read: its own check says why). Problems come in row order, and within a row: span, parent, subject group, mixed group."""
    def column(name: str) -> pd.Series:
        return frame[name] if name in frame.columns else pd.Series(None, index=frame.index, dtype=object)

    found = _span_problems(column, texts, shown) + _parent_problems(column, sections, shown)  # (row, check, problem), sorted at the end
    rows = pd.Series(range(1, len(frame) + 1), index=frame.index)
    role = column("section").map({name: entry["speaker_role"] for name, entry in sections.items()})
    needs_subject = (role == "subject") & column("subject_group").isna()
    found += [(row, 2, Problem(shown, row, "subject_group", f"a {section} is about a group ({VOCABULARY_YAML}: speaker_role subject), so it needs subject_group"))
              for row, section in zip(rows[needs_subject], column("section")[needs_subject])]
    spoken = (role == "voice") & column("subject_group").notna()
    found += [(row, 2, Problem(shown, row, "subject_group", f"a {section} is said by its speakers ({VOCABULARY_YAML}: speaker_role voice), so subject_group must be empty"))
              for row, section in zip(rows[spoken], column("section")[spoken])]
    is_mixed = column("speaker_group").isin(mixed or ())
    has_mixed = column("mixed_group").notna() if mixed is not None else is_mixed
    found += [(row, 3, Problem(shown, row, "mixed_group", f"a row of {group} needs mixed_group (groups.yaml: mixed_groups)" if needs else f"mixed_group is only for a group with mixed_groups: true in {GROUPS_YAML}"))
              for row, needs, group in zip(rows[is_mixed != has_mixed], is_mixed[is_mixed != has_mixed], column("speaker_group")[is_mixed != has_mixed])]
    return [problem for _, _, problem in sorted(found, key=lambda item: item[:2])]


@once
def check_contributions(data: Data) -> list[Problem]:
    """Problems in contributions.csv: schema, known sources and groups, spans, links."""
    vocabularies = known_values(data)
    frame, problems = read_checked_csv(data, CONTRIBUTIONS_CSV, schema.CONTRIBUTION_COLUMNS, vocabularies)
    if frame is None:
        return problems
    texts = source_texts(data, vocabularies.get("source_ids", set()))
    sections = {} if check_vocabulary(data) else load_vocabulary(data).sections
    groups, _ = data.yaml(GROUPS_YAML)
    speakers = groups.get("speaker_groups") if groups is not None else None
    mixed = {key for key, group in speakers.items() if isinstance(group, dict) and group.get("mixed_groups") is True} if isinstance(speakers, dict) else None
    return problems + _row_problems(frame, texts, sections, mixed, display_path(data.file(CONTRIBUTIONS_CSV)))


Check = Callable[[Data], list[Problem]]
CHECKS: list[Check] = [check_vocabulary, check_sources, check_groups, check_contributions]


def register_check(check: Check) -> Check:
    """Add a checker to :data:`CHECKS` (once); usable as a decorator."""
    if check not in CHECKS:
        CHECKS.append(check)
    return check


def validate_all(data: Data) -> list[Problem]:
    """The problems found by every checker in :data:`CHECKS`, in order (each file read once for all)."""
    return [problem for check in CHECKS for problem in check(data)]


def main(argv: list[str] | None = None) -> int:
    """Command line: print one line per problem (``file:row:column: message``); 1 if any."""
    parser = argparse.ArgumentParser(prog="python -m analysis validate", description="Check every data file; print one line per problem.")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="data folder (default: the project's data/)")
    args = parser.parse_args(argv)
    if not args.data_dir.is_dir():
        print(f"{display_path(args.data_dir)}: no such data folder", file=sys.stderr)
        return 1
    data = Data(args.data_dir)
    problems = validate_all(data)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s); {ROW_CONVENTION}", file=sys.stderr)
        return 1
    contributions, _ = data.csv(CONTRIBUTIONS_CSV)
    print(f"{display_path(args.data_dir)}: valid ({len(contributions)} contributions from {contributions['source_id'].nunique()} sources; {len(CHECKS)} checks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
