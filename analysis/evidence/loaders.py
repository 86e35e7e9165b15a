"""The evidence of a data folder, loaded once validated: each ``load_*`` raises
:class:`~analysis.evidence.readers.DataValidationError` when its file's checks
(:mod:`analysis.evidence.validate`) find a problem."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.evidence import schema
from analysis.evidence.cache import cached
from analysis.evidence.readers import raise_if, read_csv, read_table, read_yaml
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


def read_contribution_ids(data_dir: Path) -> pd.Index | None:
    """The contribution ids of contributions.csv in file order, read without validating it (None if unreadable)."""
    frame = read_table(Path(data_dir) / CONTRIBUTIONS_CSV, ["contribution_id"])
    if frame is None or "contribution_id" not in frame:
        return None
    return pd.Index(frame["contribution_id"])


@cached
def load_sources(data_dir: Path) -> pd.DataFrame:
    """sources/sources.csv, validated (texts present, UTF-8, matching SHA-256)."""
    data_dir = Path(data_dir)
    raise_if(check_sources(data_dir))
    frame, _ = read_csv(data_dir / SOURCES_CSV)
    already = schema.column_names(schema.SOURCE_COLUMNS)  # every column passed check_sources above
    return schema.dataframe_schema(schema.SOURCE_COLUMNS, checked=already).validate(frame)


def load_source_texts(data_dir: Path) -> dict[str, str]:
    """Each source's decoded text by source_id, after validating the sources."""
    sources = load_sources(data_dir)
    return source_texts(Path(data_dir), set(sources["source_id"]))


@cached
def load_groups(data_dir: Path) -> dict:
    """groups.yaml, validated: keys ``speaker_groups`` and ``subject_groups``, each id -> fields."""
    path = Path(data_dir) / GROUPS_YAML
    raise_if(check_groups(Path(data_dir)))
    content, _ = read_yaml(path)
    return content


@cached
def load_contributions(data_dir: Path) -> pd.DataFrame:
    """contributions.csv, validated, typed, with derived ``speaker_sector`` and ``source_set``."""
    data_dir = Path(data_dir)
    raise_if(check_vocabulary(data_dir) + check_sources(data_dir) + check_groups(data_dir) + check_contributions(data_dir))
    sources, groups = load_sources(data_dir), load_groups(data_dir)
    vocabularies = known_values(data_dir)
    frame, _ = read_csv(data_dir / CONTRIBUTIONS_CSV)
    frame["speaker_sector"] = frame["speaker_group"].map({group_id: group["sector"] for group_id, group in groups["speaker_groups"].items()})
    frame["source_set"] = frame["source_id"].map(dict(zip(sources["source_id"], sources["source_set"])))
    columns = schema.CONTRIBUTION_COLUMNS + schema.DERIVED_CONTRIBUTION_COLUMNS
    already = schema.column_names(schema.CONTRIBUTION_COLUMNS)  # the file's own columns passed check_contributions above
    return schema.dataframe_schema(columns, vocabularies, name="contributions", checked=already).validate(frame, inplace=True)
