"""The data's vocabulary (``vocabulary.yaml`` in the data folder): every name the analysis uses
for source sets, kinds of source, sectors, sections and coders, with what each means.

No source set, sector, section or coder name is written in the code (:data:`CONSENSUS` and :data:`FIRST_CODER` aside): the schema's checks, the
labels of tables and figures and the order of source sets all come from here.
:func:`check_vocabulary` reports problems as lines like every other check;
:func:`load_vocabulary` returns the parsed, validated vocabulary or raises
:class:`~analysis.evidence.readers.DataValidationError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from analysis.evidence.data import Data, once
from analysis.evidence.readers import Problem, raise_if
from analysis.paths import display_path

VOCABULARY_YAML = "vocabulary.yaml"
SPEAKER_ROLES = ("voice", "subject")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_KIND = re.compile(r"^[a-z][a-z ]*[a-z]$")
CODER_PATTERN = r"^[a-z][a-z0-9_-]*$"
CONSENSUS = "consensus"  # the coder whose rows are the agreed coding the analysis uses
FIRST_CODER = "coder_a"  # the coder whose coding, with every logged decision, is the consensus
_ID_PATTERNS = {"source_kinds": (_KIND, "lower-case words"), "coders": (re.compile(CODER_PATTERN), "lower case letters, digits, _ or -")}


@dataclass(frozen=True)
class Field:
    """A field of an entry in one part of the vocabulary."""

    name: str
    kind: type | tuple[type, ...]
    required: bool = True


#: The parts of vocabulary.yaml, each a list of entries with these fields (``id`` first).
PARTS: dict[str, tuple[Field, ...]] = {
    "source_sets": (Field("id", str), Field("label", str), Field("order", int), Field("description", str)),
    "source_kinds": (Field("id", str), Field("description", str)),
    "sectors": (Field("id", str), Field("label", str), Field("description", str)),
    "sections": (Field("id", str), Field("meaning", str), Field("statement_function", (str, type(None))), Field("speaker_role", str),
                 Field("parent_section", str, required=False), Field("examples_of_parent", bool, required=False),
                 Field("as_printed", str, required=False), Field("cued_codes", list, required=False)),
    "coders": (Field("id", str), Field("description", str)),
    "questions": (Field("id", str), Field("label", str), Field("asks", str), Field("statement_function", str)),
}


@dataclass(frozen=True)
class Vocabulary:
    """The parsed vocabulary: for each part, entry id -> its fields (source sets in their order)."""

    source_sets: MappingProxyType
    source_kinds: MappingProxyType
    sectors: MappingProxyType
    sections: MappingProxyType
    coders: MappingProxyType
    questions: MappingProxyType

    def allowed(self) -> dict[str, list[str]]:
        """Allowed values by vocabulary name, as the schema's checks name them."""
        return {part: list(getattr(self, part)) for part in PARTS}

    def sections_under(self, parent: str) -> list[str]:
        """The sections whose rows point to a parent row in section ``parent``."""
        return [section for section, entry in self.sections.items() if entry.get("parent_section") == parent]

    def example_sections(self) -> tuple[str, str] | None:
        """(themes' section, examples' section) for the section marked ``examples_of_parent``, or None."""
        return next(((entry["parent_section"], section) for section, entry in self.sections.items()
                     if entry.get("examples_of_parent") and entry.get("parent_section")), None)

    def labels(self) -> dict[str, str]:
        """Display labels of source sets and sectors, by id."""
        return {key: entry["label"] for part in ("source_sets", "sectors") for key, entry in getattr(self, part).items()}


def _entry_problems(part: str, n: int, entry: Any, shown: str) -> list[Problem]:
    """Problems of one entry: a mapping with exactly the part's fields, of the right types."""
    where = f"{part}[{n}]"
    if not isinstance(entry, dict):
        return [Problem(shown, None, where, "not a mapping")]
    problems = []
    fields = {field.name: field for field in PARTS[part]}
    if isinstance(entry.get("id"), str):
        where = f"{part}.{entry['id']}"
    for name in sorted(set(entry) - set(fields)):
        problems.append(Problem(shown, None, f"{where}.{name}", f"unknown field (allowed: {', '.join(fields)})"))
    for field in fields.values():
        if field.name not in entry:
            if field.required:
                problems.append(Problem(shown, None, f"{where}.{field.name}", "missing"))
            continue
        value = entry[field.name]
        if field.kind is bool:
            if not isinstance(value, bool):
                problems.append(Problem(shown, None, f"{where}.{field.name}", f"{value!r} is not true or false"))
        elif not isinstance(value, field.kind) or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
            problems.append(Problem(shown, None, f"{where}.{field.name}", f"{value!r} is not {'a whole number' if field.kind is int else 'text'}"))
    return problems


def _id_problems(part: str, entries: list, shown: str) -> list[Problem]:
    """Duplicate or malformed ids, wrong speaker roles and clashing source-set orders."""
    problems, seen, orders = [], set(), {}
    pattern, rule = _ID_PATTERNS.get(part, (_IDENTIFIER, "lower case letters, digits and underscores"))
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        key, where = entry["id"], f"{part}.{entry['id']}"
        if key in seen:
            problems.append(Problem(shown, None, f"{where}.id", "defined twice"))
        seen.add(key)
        if not pattern.match(key):
            problems.append(Problem(shown, None, f"{where}.id", f"must be {rule}"))
        if part == "sections" and isinstance(entry.get("parent_section"), str) and entry["parent_section"] not in {e.get("id") for e in entries if isinstance(e, dict)}:
            problems.append(Problem(shown, None, f"{where}.parent_section", f"{entry['parent_section']!r} is not a section here"))
        if part == "sections" and entry.get("speaker_role") not in SPEAKER_ROLES:
            problems.append(Problem(shown, None, f"{where}.speaker_role", f"{entry.get('speaker_role')!r}; allowed: {', '.join(SPEAKER_ROLES)}"))
        if part == "source_sets" and isinstance(entry.get("order"), int):
            if entry["order"] in orders:
                problems.append(Problem(shown, None, f"{where}.order", f"{entry['order']} is also the order of {orders[entry['order']]}"))
            orders[entry["order"]] = key
    return problems


def check_vocabulary(data: Data) -> list[Problem]:
    """Problems in vocabulary.yaml: each part a non-empty list of entries with exactly its fields."""
    content, problems = data.yaml(VOCABULARY_YAML)
    if content is None:
        return problems
    shown = display_path(data.file(VOCABULARY_YAML))
    for name in sorted(set(content) - set(PARTS)):
        problems.append(Problem(shown, None, name, f"unknown part (allowed: {', '.join(PARTS)})"))
    for part in PARTS:
        entries = content.get(part)
        if not isinstance(entries, list) or not entries:
            problems.append(Problem(shown, None, part, "missing or not a non-empty list"))
            continue
        for n, entry in enumerate(entries, start=1):
            problems += _entry_problems(part, n, entry, shown)
        problems += _id_problems(part, entries, shown)
    return problems


@once
def load_vocabulary(data: Data) -> Vocabulary:
    """The validated vocabulary of a data folder (raises DataValidationError)."""
    raise_if(check_vocabulary(data))
    content, _ = data.yaml(VOCABULARY_YAML)
    parts = {}
    for part in PARTS:
        entries = content[part]
        if part == "source_sets":
            entries = sorted(entries, key=lambda entry: entry["order"])
        parts[part] = MappingProxyType({entry["id"]: MappingProxyType({k: v for k, v in entry.items() if k != "id"}) for entry in entries})
    return Vocabulary(**parts)


def section_functions(data: Data) -> dict[str, str | None]:
    """Each section's statement function (None when each item's function is coded)."""
    return {section: entry["statement_function"] for section, entry in load_vocabulary(data).sections.items()}


def section_roles(data: Data) -> dict[str, str]:
    """Each section's speaker role: ``voice`` or ``subject``."""
    return {section: entry["speaker_role"] for section, entry in load_vocabulary(data).sections.items()}


def parent_sections(data: Data) -> dict[str, str]:
    """Sections whose rows may point to a parent row (``parent_id``), and the parent's section:
    for example a suggestion to the need it answers, an example action to its theme."""
    return {section: entry["parent_section"] for section, entry in load_vocabulary(data).sections.items() if "parent_section" in entry}


def source_set_order(data: Data) -> list[str]:
    """The source sets in their display order."""
    return list(load_vocabulary(data).source_sets)
