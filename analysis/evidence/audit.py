"""The data audit: how many contributions each source, section and group gave, each
contribution's list, and the data notes."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd


def contribution_counts(contributions: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Contributions per combination of the ``by`` columns, with each row's share of the whole."""
    counts = contributions.groupby(by, dropna=False, sort=True).size().rename("n").reset_index()
    counts["share"] = counts["n"] / len(contributions) if len(contributions) else float("nan")
    return counts


def list_ids(contributions: pd.DataFrame, columns: Iterable[str]) -> pd.Series:
    """Each contribution's list (index contribution_id): the values of ``columns`` joined, so
    contributions of one group's list, one author's article or one reader's replies share it."""
    parts = contributions.set_index("contribution_id")[list(columns)].fillna("").astype(str)
    return parts.iloc[:, 0].str.cat(parts.iloc[:, 1:], sep="|").rename("list_id")


def markdown_sections(markdown: str, headings: list[str]) -> str:
    """The named '## ' sections of a Markdown document (each up to the next '## '), in the order asked."""
    sections = re.split(r"(?m)^(?=## )", markdown)
    chosen = []
    for heading in headings:
        match = [s for s in sections if s.startswith(f"## {heading}\n")]
        if not match:
            raise KeyError(f"no section '## {heading}' in the notes")
        chosen.append(match[0].strip())
    return "\n\n".join(chosen)


def demote_headings(markdown: str, levels: int = 1) -> str:
    """Push every Markdown heading down ``levels`` levels, to nest a document inside another."""
    return re.sub(r"(?m)^(#{1,5}) ", lambda m: "#" * (len(m.group(1)) + levels) + " ", markdown)
