"""The coding (``coding.csv`` in the data folder): long format, one row per contribution x
code x coder, columns :data:`CODING_COLUMNS`. The consensus coder's rows are the agreed coding
the analysis uses; the other coders are described in ``reliability/README.md`` and the tests in
``reliability/tests.yaml``."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.evidence.data import Data
from analysis.coding.codebook import CODE_ID_PATTERN
from analysis.evidence.readers import Problem
from analysis.evidence.schema import ID_PATTERN, Column
from analysis.evidence.validate import read_checked_csv, vocabulary_values
from analysis.evidence.vocabulary import CODER_PATTERN, CONSENSUS, FIRST_CODER, VOCABULARY_YAML


CODING_CSV = "coding.csv"

#: Columns of coding.csv, defined once (the pandera schema is generated from them).
CODING_COLUMNS: tuple[Column, ...] = (
    Column("contribution_id", "str", "The contribution coded (data/contributions.csv).", pattern=ID_PATTERN),
    Column("code_id", "str", "The code applied (data/codebook.yaml).", pattern=CODE_ID_PATTERN),
    Column("coder", "str", "Who coded: consensus for the agreed coding the analysis uses; any other name is one coder's or one recorded state's rows, declared in data/vocabulary.yaml (coders).", allowed="coders", pattern=CODER_PATTERN),
    Column("memo", "str", "The coder's note on a decision that needed thought; empty otherwise.", required=False),
)

def coding_schema_problems(data: Data) -> tuple[pd.DataFrame | None, list[Problem]]:
    """coding.csv and its schema problems, a coder not declared in vocabulary.yaml among them."""
    return read_checked_csv(data, CODING_CSV, CODING_COLUMNS, vocabulary_values(data))

def write_coding(frame: pd.DataFrame, path: Path) -> None:
    """Write coding rows in the fixed column order, sorted by coder, then contribution order is
    kept as given (stable), with LF line ends and minimal quoting."""
    columns = [c.name for c in CODING_COLUMNS]
    out = frame[columns].fillna("")
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def check_coder_name(coder: str, existing: set[str], declared: set[str] | None) -> None:
    """Raises ValueError for a coder name that is the consensus, already used, malformed, or
    not among the ``declared`` coders of vocabulary.yaml (None: the vocabulary cannot be read,
    which its own check reports)."""
    if coder == CONSENSUS:
        raise ValueError(f"{CONSENSUS!r} is the agreed coding the analysis uses; merge under a new name")
    if coder in existing:
        raise ValueError(f"coder {coder!r} already has rows in coding.csv; merge under a new name")
    if not re.match(CODER_PATTERN, coder):
        raise ValueError(f"coder name {coder!r}: use lower-case letters, digits, _ or -, starting with a letter")
    if declared is not None and coder not in declared:
        raise ValueError(f"coder {coder!r} is not declared in {VOCABULARY_YAML}: add it under coders (id and description) first")


def consensus_where_missing(rows: pd.DataFrame, coding: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """(``rows`` as the consensus, and as the first coding it is built from (:data:`FIRST_CODER`,
    where a contribution has none), of the contributions that have no consensus in ``coding``;
    the contributions left out because they have one, sorted)."""
    agreed = set(coding.loc[coding["coder"] == CONSENSUS, "contribution_id"])
    first = set(coding.loc[coding["coder"] == FIRST_CODER, "contribution_id"])
    fresh = rows[~rows["contribution_id"].isin(agreed)]
    written = pd.concat([fresh.assign(coder=FIRST_CODER)[~fresh["contribution_id"].isin(first)], fresh.assign(coder=CONSENSUS)],
                        ignore_index=True)
    return written, sorted(agreed & set(rows["contribution_id"]))
