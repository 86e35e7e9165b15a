"""The evidence explorer: every theme x group cell of the comparison, opening to all of its quotes.

A companion to the briefing (``evidence.html`` beside ``briefing.html``). It needs no
JavaScript (each cell is a ``<details>`` element), no network, and links back to the briefing.
Anchors: ``theme-<theme>``, ``cell-<theme>-<group>`` and ``c-<contribution_id>`` (at the
contribution's first cell), so the briefing can link each quote and finding to its evidence.

Up to :data:`ONE_PAGE_QUOTES` quotes (statements counted once per theme they carry) it is that
one page. Beyond, ``evidence.html`` is an index of themes and cells, each cell linking to its
own self-contained page, ``evidence/<theme>/<group>.html``, which holds the cell's quotes, so no
page grows with the whole corpus. :class:`ExplorerPages` says where each anchor is, and the
briefing links through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from markupsafe import Markup

from analysis.paths import TEMPLATES_DIR
from analysis.report.markup import render

EVIDENCE_PAGE = "evidence.html"
SPLIT_FOLDER = "evidence"
ONE_PAGE_QUOTES = 20_000
UNCOUNTED = "uncounted"  # the explorer's part for statements that carry no counted code  # beyond this many quotes, one page per theme x group cell


def cell_anchor(item: str, group: str | None = None) -> str:
    return f"cell-{item}-{group}" if group else f"theme-{item}"


class Quote(NamedTuple):
    """A statement as a cell of the explorer shows it (``anchor``: at the contribution's first
    cell): its speaker as the briefing names them, and as the document printed them."""

    id: str
    text: str
    anchor: bool
    speaker: str
    source: str
    printed: str = ""


def explorer_themes(presence: pd.DataFrame, contributions: pd.DataFrame, group_col: str,
                    labels: dict[str, str], definitions: dict[str, str], source_titles: dict[str, str]) -> list[dict]:
    """Themes in the presence table's order, each with its groups' cells (most statements first)
    and every carrying quote; a quote is ``anchor`` at the contribution's first cell."""
    rows = contributions.set_index("contribution_id").loc[presence.index]
    denominators = rows[group_col].value_counts()
    ids, groups = presence.index.tolist(), rows[group_col].to_numpy()
    texts = rows["text"].tolist()
    printed = rows["speaker_label"].fillna("").astype(str).tolist()
    speakers = [labels.get(group, label) for group, label in zip(rows["speaker_group"].tolist(), printed)]  # named as the briefing names them
    sources = [source_titles.get(source_id, source_id) for source_id in rows["source_id"].tolist()]
    anchored = np.zeros(len(ids), dtype=bool)
    themes = []
    for item in presence.columns:
        carrying = np.flatnonzero(presence[item].to_numpy() == 1)
        cells = []
        for group, positions in pd.Series(carrying).groupby(groups[carrying], sort=False):
            quotes = [Quote(ids[p], texts[p], not anchored[p], speakers[p], sources[p], printed[p]) for p in positions.tolist()]
            anchored[positions.to_numpy()] = True
            cells.append({"group": group, "label": labels.get(group, group), "anchor": cell_anchor(item, group),
                          "n": len(quotes), "denominator": int(denominators[group]), "quotes": quotes})
        cells.sort(key=lambda cell: (-cell["n"], cell["label"]))
        themes.append({"id": item, "anchor": cell_anchor(item), "label": labels.get(item, item),
                       "definition": definitions.get(item, ""), "n": len(carrying), "cells": cells})
    bare = np.flatnonzero(presence.to_numpy().sum(axis=1) == 0)
    if len(bare):  # every statement is in the explorer: those carrying no counted code under a heading of their own
        cells = [{"group": group, "label": labels.get(group, group), "anchor": cell_anchor(UNCOUNTED, group), "n": len(positions),
                  "denominator": int(denominators[group]),
                  "quotes": [Quote(ids[p], texts[p], True, speakers[p], sources[p], printed[p]) for p in positions.tolist()]}
                 for group, positions in pd.Series(bare).groupby(groups[bare], sort=False)]
        themes.append({"id": UNCOUNTED, "anchor": cell_anchor(UNCOUNTED), "label": "", "uncounted": True, "definition": "",
                       "n": len(bare), "cells": sorted(cells, key=lambda cell: (-cell["n"], cell["label"]))})
    return themes


@dataclass(frozen=True)
class ExplorerPages:
    """Where the explorer's anchors are: all on :data:`EVIDENCE_PAGE`, or, when ``split``, themes
    on that index page and each cell and its statements on the cell's own page."""

    split: bool
    cell_pages: Mapping[str, str]  # cell anchor -> its page (split only)
    statement_cells: Mapping[str, str]  # contribution id -> the anchor of its first cell (split only)

    @classmethod
    def of(cls, themes: list[dict]) -> ExplorerPages:
        """The pages of ``themes`` (from :func:`explorer_themes`)."""
        if sum(cell["n"] for theme in themes for cell in theme["cells"]) <= ONE_PAGE_QUOTES:
            return cls(False, {}, {})
        cells = [(theme, cell) for theme in themes for cell in theme["cells"]]
        return cls(True, {cell["anchor"]: f"{SPLIT_FOLDER}/{theme['id']}/{cell['group']}.html" for theme, cell in cells},
                   {quote.id: cell["anchor"] for _, cell in cells for quote in cell["quotes"] if quote.anchor})

    def href(self, anchor: str) -> str:
        """The address, from the briefing's folder, of an anchor of the explorer."""
        if not self.split:
            return f"{EVIDENCE_PAGE}#{anchor}"
        cell = self.statement_cells.get(anchor[2:], "") if anchor.startswith("c-") else anchor
        return f"{self.cell_pages[cell]}#{anchor}" if cell in self.cell_pages else f"{EVIDENCE_PAGE}#{anchor}"

    def statement(self, contribution_id: str) -> str:
        """The address of a statement in the explorer."""
        return self.href(f"c-{contribution_id}")


ONE_PAGE = ExplorerPages(split=False, cell_pages={}, statement_cells={})


def _stylesheet() -> Markup:
    return Markup((TEMPLATES_DIR / "briefing.css").read_text(encoding="utf-8"))  # the project's own stylesheet


def explorer_page(themes: list[dict], title: str, briefing_page: str, intro: str, pages: ExplorerPages | None = None) -> str:
    """The explorer's page as self-contained HTML (inline CSS, no script): every quote, or when
    ``pages`` are split, the index of themes and cells linking to the cells' pages."""
    return render("evidence.html.j2", themes=themes, title=title, briefing_page=briefing_page, intro=intro, css=_stylesheet(),
                  cell_pages=pages.cell_pages if pages is not None and pages.split else None)


def cell_page(theme: dict, cell: dict, title: str, depth: int, briefing_page: str) -> str:
    """One cell's own self-contained page (split explorer), ``depth`` folders below the briefing."""
    up = "../" * depth
    return render("evidence_cell.html.j2", theme=theme, cell=cell, title=title, briefing_page=up + briefing_page,
                  index_page=up + EVIDENCE_PAGE, css=_stylesheet())


def write_explorer(path: Path, themes: list[dict], title: str, intro: str, briefing_page: str = "briefing.html",
                   pages: ExplorerPages | None = None) -> list[Path]:
    """Write the explorer at ``path`` (beside the briefing) and, when ``pages`` are split, each
    cell's page in the folder beside it; return every page written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(explorer_page(themes, title, briefing_page, intro, pages), encoding="utf-8")
    written = [path]
    for theme in themes if pages is not None and pages.split else []:
        for cell in theme["cells"]:
            relative = Path(pages.cell_pages[cell["anchor"]])
            target = path.parent / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(cell_page(theme, cell, title, len(relative.parts) - 1, briefing_page), encoding="utf-8")
            written.append(target)
    return written
