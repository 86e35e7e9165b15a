"""The evidence of a data folder, loaded once validated: each ``load_*`` raises
:class:`~analysis.evidence.readers.DataValidationError` when its file's checks
(:mod:`analysis.evidence.validate`) find a problem."""

from __future__ import annotations


import pandas as pd

from analysis.evidence import schema
from analysis.evidence.data import Data, once
from analysis.evidence.readers import raise_if
from analysis.evidence.validate import (
    CONTRIBUTIONS_CSV,
    GROUPS_YAML,
    SOURCES_CSV,
    check_contributions,
    check_groups,
    check_sources,
    known_values,
    source_texts,
)
from analysis.evidence.vocabulary import check_vocabulary


def read_contribution_ids(data: Data) -> pd.Index | None:
    """The contribution ids of contributions.csv in file order, read without validating it (None if unreadable)."""
    frame = data.table(CONTRIBUTIONS_CSV, ["contribution_id"])
    if frame is None or "contribution_id" not in frame:
        return None
    return pd.Index(frame["contribution_id"])


@once
def load_sources(data: Data) -> pd.DataFrame:
    """sources/sources.csv, validated (texts present, UTF-8, matching SHA-256)."""
    raise_if(check_sources(data))
    frame, _ = data.csv(SOURCES_CSV)
    already = schema.column_names(schema.SOURCE_COLUMNS)  # every column passed check_sources above
    return schema.dataframe_schema(schema.SOURCE_COLUMNS, checked=already).validate(frame)


def load_source_texts(data: Data) -> dict[str, str]:
    """Each source's decoded text by source_id, after validating the sources."""
    sources = load_sources(data)
    return source_texts(data, set(sources["source_id"]))


@once
def load_groups(data: Data) -> dict:
    """groups.yaml, validated: keys ``speaker_groups`` and ``subject_groups``, each id -> fields."""
    raise_if(check_groups(data))
    content, _ = data.yaml(GROUPS_YAML)
    return content


@once
def load_contributions(data: Data) -> pd.DataFrame:
    """contributions.csv, validated, typed, with derived ``speaker_sector`` and ``source_set``."""
    raise_if(check_vocabulary(data) + check_sources(data) + check_groups(data) + check_contributions(data))
    sources, groups = load_sources(data), load_groups(data)
    vocabularies = known_values(data)
    frame, _ = data.csv(CONTRIBUTIONS_CSV)
    frame["speaker_sector"] = frame["speaker_group"].map({group_id: group["sector"] for group_id, group in groups["speaker_groups"].items()})
    frame["source_set"] = frame["source_id"].map(dict(zip(sources["source_id"], sources["source_set"])))
    columns = schema.CONTRIBUTION_COLUMNS + schema.DERIVED_CONTRIBUTION_COLUMNS
    already = schema.column_names(schema.CONTRIBUTION_COLUMNS)  # the file's own columns passed check_contributions above
    return schema.dataframe_schema(columns, vocabularies, name="contributions", checked=already).validate(frame, inplace=True)
