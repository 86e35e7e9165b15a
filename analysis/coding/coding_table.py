"""The coding (``coding.csv`` in the data folder): long format, one row per contribution x
code x coder, columns :data:`CODING_COLUMNS`. The consensus coder's rows are the agreed coding
the analysis uses; the other coders are described in ``reliability/README.md`` and the tests in
``reliability/tests.yaml``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.evidence.data import Data
from analysis.coding.codebook import CODE_ID_PATTERN
from analysis.evidence.readers import Problem
from analysis.evidence.schema import ID_PATTERN, Column
from analysis.evidence.validate import read_checked_csv, vocabulary_values
from analysis.evidence.vocabulary import CODER_PATTERN


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
