"""Coding rows as integers: a column as codes into its distinct values, and (contribution,
code) pairs as integer keys, so that sets of rows are compared with numpy rather than row by row."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class FactorColumn:
    """A column as integer codes into its distinct values (an empty cell is the value ""), so
    rows are compared, grouped and looked up as integers."""

    codes: np.ndarray
    values: pd.Index
    empty: np.ndarray  # over values: which one stands for empty cells

    @classmethod
    def of(cls, series: pd.Series) -> FactorColumn:
        """The column ``series`` factorised."""
        codes, values = pd.factorize(series, use_na_sentinel=False)
        values = pd.Index(values)
        return cls(codes, values.fillna(""), np.asarray(values.isna()))

    def missing(self) -> np.ndarray:
        """Rows whose cell is empty."""
        return self.empty[self.codes]

    def isin(self, allowed) -> np.ndarray:
        """Rows whose value is among ``allowed``."""
        return np.asarray(self.values.isin(allowed))[self.codes]

    def equals(self, value: str) -> np.ndarray:
        """Rows whose value is ``value``."""
        return self.codes == self.values.get_indexer([value])[0]

    def at(self, rows: np.ndarray) -> list[str]:
        """The values of the given rows."""
        return self.values[self.codes[rows]].tolist()


def factorised(frame: pd.DataFrame) -> dict[str, FactorColumn]:
    """The id columns of coding rows that are present, as :class:`FactorColumn`."""
    return {name: FactorColumn.of(frame[name]) for name in ("contribution_id", "code_id", "coder") if name in frame.columns}


def marked(size: int, positions: np.ndarray) -> np.ndarray:
    """``size`` booleans, true at ``positions`` (those that are not -1)."""
    marked = np.zeros(size, dtype=bool)
    marked[positions[positions >= 0]] = True
    return marked

def row_keys(columns: list[FactorColumn], rows: np.ndarray) -> np.ndarray:
    """One integer per row (of ``rows``) that is equal for rows equal in every column."""
    key = np.zeros(len(rows), dtype=np.int64)
    for column in columns:
        if (int(key.max(initial=0)) + 1) * len(column.values) >= 2**63:
            key = pd.factorize(key)[0]  # renumbered from 0, so that the product fits
        key = key * len(column.values) + column.codes[rows]
    return key

@dataclass(frozen=True)
class PairSpace:
    """(contribution_id, code_id) pairs as integer keys, contribution index * number of codes +
    code index, over the ids of the coding and of its logs: sets of pairs become integer arrays."""

    contributions: pd.Index
    codes: pd.Index

    @classmethod
    def of(cls, cid: FactorColumn, code: FactorColumn, logs: list[pd.DataFrame]) -> PairSpace:
        def extended(values: pd.Index, more: pd.Series) -> pd.Index:
            more = pd.Index(more.unique())
            return values.append(more[values.get_indexer(more) < 0])
        return cls(extended(cid.values, pd.concat([log["contribution_id"] for log in logs])),
                   extended(code.values, pd.concat([log["code_id"] for log in logs])))

    def keys(self, cid: FactorColumn, code: FactorColumn) -> np.ndarray:
        """The key of each coding row."""
        return cid.codes.astype(np.int64) * len(self.codes) + code.codes

    def log_keys(self, log: pd.DataFrame) -> np.ndarray:
        """The key of each row of a reconciliation log."""
        return self.contributions.get_indexer(log["contribution_id"]).astype(np.int64) * len(self.codes) + self.codes.get_indexer(log["code_id"])

    def contribution(self, keys: np.ndarray) -> np.ndarray:
        """The contribution index of each key."""
        return keys // len(self.codes)

    def code(self, keys: np.ndarray) -> np.ndarray:
        """The code index of each key."""
        return keys % len(self.codes)

    def pairs(self, keys: np.ndarray) -> list[tuple[str, str]]:
        """The (contribution_id, code_id) pairs of ``keys``, sorted."""
        return sorted(zip(self.contributions[self.contribution(keys)].tolist(), self.codes[self.code(keys)].tolist()))


def member(keys: np.ndarray, of: np.ndarray) -> np.ndarray:
    """Whether each key is one of ``of`` (hashing the fewer: a few keys are looked up among many
    by first keeping those of the many that are keys)."""
    if len(of) > len(keys):
        of = of[pd.Series(of, copy=False).isin(keys).to_numpy()]
    return pd.Series(keys, copy=False).isin(of).to_numpy()


def minus(keys: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The distinct keys that are not in ``other``."""
    keys = pd.unique(keys)
    return keys[~member(keys, other)]


def union(distinct: np.ndarray, more: np.ndarray) -> np.ndarray:
    """The distinct keys of both (``distinct`` has no key twice; ``more`` are few)."""
    return np.concatenate([distinct, minus(more, distinct)])


def differences(keys: np.ndarray, distinct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys only in ``keys`` and those only in ``distinct`` (which has no key twice;
    the second is looked for only when fewer of its keys are in ``keys`` than it has)."""
    keys = pd.unique(keys)
    found = member(keys, distinct)
    return keys[~found], (minus(distinct, keys) if found.sum() < len(distinct) else distinct[:0])
