"""Every column of the evidence tables, defined once, and the pandera schemas made from them.

A :class:`Column` holds a column's name, type, description and checks. The pandera schemas
used by :mod:`analysis.evidence.validate` are generated from these definitions by
:func:`dataframe_schema`, so a column's rules live in one place only. Checks whose allowed
values come from the data (sections, sectors, source sets and kinds from vocabulary.yaml;
source ids; speaker and subject groups) name a *vocabulary*; the caller supplies it, so no
such name is written here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

VOCABULARY_FILES: dict[str, str] = {
    "sections": "vocabulary.yaml",
    "sectors": "vocabulary.yaml",
    "source_sets": "vocabulary.yaml",
    "source_kinds": "vocabulary.yaml",
    "coders": "vocabulary.yaml",
    "source_ids": "sources/sources.csv",
    "speaker_groups": "groups.yaml",
    "subject_groups": "groups.yaml",
}

ID_PATTERN = r"^[A-Z]{2}-[A-Za-z0-9-]+$"


@dataclass(frozen=True)
class Column:
    """One column: name, pandas dtype, description and checks.

    ``allowed`` is either a tuple of fixed values or the name of a vocabulary supplied
    when the schema is made (a key of :data:`VOCABULARY_FILES`). ``required`` columns may not be empty.
    """

    name: str
    dtype: str
    description: str
    required: bool = True
    unique: bool = False
    allowed: tuple[str, ...] | str | None = None
    pattern: str | None = None
    minimum: int | None = None


CONTRIBUTION_COLUMNS: tuple[Column, ...] = (
    Column("contribution_id", "str", "Stable, unique, human-readable key; the scheme is in data/NOTES.md.", unique=True, pattern=ID_PATTERN),
    Column("source_id", "str", "The source text, data/sources/<source_id>.txt.", allowed="source_ids"),
    Column("section", "str", "Which prompt or list the contribution answers.", allowed="sections"),
    Column("speaker_group", "str", "Who speaks, normalised (data/groups.yaml).", allowed="speaker_groups"),
    Column("speaker_label", "str", "Who speaks, as printed in the source."),
    Column("subject_group", "str", "The group the contribution is about (data/groups.yaml), in a section whose speaker_role is subject (data/vocabulary.yaml); empty otherwise.", required=False, allowed="subject_groups"),
    Column("mixed_group", "str", "Which of the six mixed groups of the visioning day (mixed_1 to mixed_6); empty otherwise.", required=False, pattern=r"^mixed_[1-9][0-9]*$"),
    Column("list_position", "Int64", "Number as printed, or order in the list; empty for prose.", required=False, minimum=1),
    Column("parent_id", "str", "The row this one answers or belongs to (a need, an action theme); empty otherwise.", required=False, pattern=ID_PATTERN),
    Column("text", "str", "The contribution, verbatim (list markers and <p> markup left out; parts joined by one space where data/extraction_repairs.yaml joins them)."),
    Column("char_start", "Int64", "Start of the span in the decoded source text (Python str index).", minimum=0),
    Column("char_end", "Int64", "End of the span (exclusive), so source[char_start:char_end] is the span.", minimum=1),
)

DERIVED_CONTRIBUTION_COLUMNS: tuple[Column, ...] = (
    Column("speaker_sector", "str", "The speaker group's sector (derived from data/groups.yaml when loading).", allowed="sectors"),
    Column("source_set", "str", "The source's set (derived from data/sources/sources.csv when loading).", allowed="source_sets"),
)

SOURCE_COLUMNS: tuple[Column, ...] = (
    Column("source_id", "str", "Identifier; the text is data/sources/<source_id>.txt.", unique=True, pattern=r"^[a-z][a-z0-9_]*$"),
    Column("seed_file", "str", "Name of the file the text was copied from."),
    Column("title", "str", "Title as published."),
    Column("author_or_organisation", "str", "Who wrote it."),
    Column("publisher", "str", "Who published it."),
    Column("date", "str", "ISO date, or a partial ISO date (year, or year-month) explained in date_note.", pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"),
    Column("date_note", "str", "How the date is known, when it is partial or not a publication date.", required=False),
    Column("kind", "str", "Kind of document.", allowed="source_kinds"),
    Column("place", "str", "Where the event took place or the document was published."),
    Column("source_set", "str", "Which set of sources it belongs to.", allowed="source_sets"),
    Column("citation", "str", "Reference for citing the source."),
    Column("licence_note", "str", "What is known of its copyright and licence (see data/sources/LICENCE_NOTE.md)."),
    Column("sha256", "str", "SHA-256 of the text file's bytes.", pattern=r"^[0-9a-f]{64}$"),
)


def _checks(column: Column, vocabularies: Mapping[str, Collection[str]]) -> list[pa.Check]:
    """The pandera checks for one column; messages name the rule broken."""
    checks = []
    if isinstance(column.allowed, tuple):
        checks.append(pa.Check.isin(column.allowed, error=f"unknown {column.name} (allowed: {', '.join(column.allowed)})"))
    elif column.allowed is not None and column.allowed in vocabularies:
        allowed = sorted(vocabularies[column.allowed])
        checks.append(pa.Check.isin(allowed, error=f"unknown {column.name} (not defined in {VOCABULARY_FILES[column.allowed]})"))
    distinct = _Distinct()
    if column.pattern is not None:
        checks.append(pa.Check(_passing(re.compile(column.pattern).match, distinct), ignore_na=False, error=f"{column.name} does not match the pattern {column.pattern}"))
    if column.minimum is not None:
        checks.append(pa.Check.ge(column.minimum, error=f"{column.name} is less than {column.minimum}"))
    if column.required and column.dtype == "str":
        tested = distinct if column.pattern is not None or column.allowed is not None else _present  # free text rarely repeats
        checks.append(pa.Check(_passing(re.compile(r"\S").search, tested), ignore_na=False, error=f"{column.name} is blank"))
    return checks


class _Distinct:
    """The distinct values (missing left out) of the column a schema's checks are given, found
    once for all of them: pandera gives each check of a column the same array, and a schema is
    made for one validation."""

    def __init__(self) -> None:
        self._array: object = None
        self._values: list = []

    def __call__(self, values: pd.Series) -> list:
        if values.array is not self._array:
            self._array, self._values = values.array, values.dropna().unique().tolist()
        return self._values


def _present(values: pd.Series) -> list:
    """Every value that is not missing."""
    return values.dropna().tolist()


def _passing(test: Callable[[str], object], tested: Callable[[pd.Series], list]) -> Callable[[pd.Series], pd.Series]:
    """A vectorised check that runs ``test`` (a regex match or search) on the values ``tested``
    picks (each distinct value once, as ids and codes repeat across rows, or every value);
    missing values pass (pandera reports them)."""
    def check(values: pd.Series) -> pd.Series:
        failing = [value for value in tested(values) if not test(value)]
        return ~values.isin(failing) if failing else pd.Series(True, index=values.index)
    return check


def dataframe_schema(
    columns: tuple[Column, ...],
    vocabularies: Mapping[str, Collection[str]] | None = None,
    name: str | None = None,
    checked: Collection[str] = (),
) -> pa.DataFrameSchema:
    """A strict, ordered pandera schema for ``columns``.

    Vocabulary checks are included for the vocabularies given; values are coerced to
    each column's dtype. The columns named in ``checked`` have passed this schema's checks
    already (the same file, validated earlier): they are only coerced, not checked again.
    """
    vocabularies = vocabularies or {}
    return pa.DataFrameSchema(
        {
            column.name: pa.Column(
                column.dtype,
                checks=[] if column.name in checked else _checks(column, vocabularies),
                nullable=column.name in checked or not column.required,
                unique=column.unique and column.name not in checked,
                coerce=True,
                description=column.description,
            )
            for column in columns
        },
        strict=True,
        ordered=True,
        name=name,
    )


def column_names(columns: tuple[Column, ...]) -> list[str]:
    """The names of ``columns``, in order."""
    return [column.name for column in columns]
