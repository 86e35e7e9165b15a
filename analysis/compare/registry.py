"""The comparisons the build runs from the registry: one entry each.

A comparison is a function of the opened study (:class:`analysis.study.Study`) returning one
table. Its entry names the table (``outputs/tables/<name>.csv``), the notebook that runs it, and
whether the technical appendix shows it, captioned by the macro of the same name in
``analysis/report/templates/sections/table_captions.html.j2``. Adding a comparison is its
function (in :mod:`analysis.compare.comparisons`), one entry below, its test and, if the briefing
shows it, its caption.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.compare import comparisons as compare


@dataclass(frozen=True)
class Comparison:
    """One registered comparison: its table's name, the function that makes it from a study, the
    notebook that runs it (by name, without its folder or suffix) and whether the briefing shows it."""

    name: str
    compute: Callable[[Any], pd.DataFrame]
    notebook: str
    in_briefing: bool = False


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("themes_by_source_set", lambda study: compare.themes_by_source_set(study.presence, study.contributions),
               "30_sources_compared"),
)


def registered(notebook: str = "", comparisons: tuple[Comparison, ...] = COMPARISONS) -> list[Comparison]:
    """The comparisons a notebook runs (every one when ``notebook`` is empty), in registry order."""
    return [c for c in comparisons if not notebook or c.notebook == notebook]


def run(notebook: str, study, save: Callable[[pd.DataFrame, str], object]) -> dict[str, pd.DataFrame]:
    """Compute every comparison ``notebook`` runs on ``study`` and ``save`` each table under its name."""
    tables = {c.name: c.compute(study) for c in registered(notebook)}
    for name, table in tables.items():
        save(table, name)
    return tables
