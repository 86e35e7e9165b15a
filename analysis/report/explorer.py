"""The evidence explorer: every theme x group cell of the comparison, opening to all of its quotes.

A companion to the briefing (``evidence.html`` beside ``briefing.html``). It needs no
JavaScript (each cell is a ``<details>`` element), no network, and links back to the briefing.
Anchors: ``theme-<theme>``, ``cell-<theme>-<group>`` and ``c-<contribution_id>`` (at the
contribution's first cell), so the briefing can link each quote and finding to its evidence;
``behind-<figure>`` for the statements behind each figure (saved with the figure as rows of
links, :func:`cell_rows` and :func:`statement_rows`); ``group-<group>`` in the index of groups
and ``words-<letter>`` in the A-Z index of the words in themes' and groups' names, so a reader
can find a word without JavaScript.

Up to :data:`ONE_PAGE_QUOTES` quotes (statements counted once per theme they carry) it is that
one page. Beyond, ``evidence.html`` is an index of themes and cells, each cell linking to its
own self-contained page, ``evidence/<theme>/<group>.html``, which holds the cell's quotes, so no
page grows with the whole corpus. :class:`ExplorerPages` says where each anchor is, and the
briefing links through it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from markupsafe import Markup

from analysis.paths import TEMPLATES_DIR
from analysis.report.markup import phrase, render

EVIDENCE_PAGE = "evidence.html"
SPLIT_FOLDER = "evidence"
ONE_PAGE_QUOTES = 20_000
UNCOUNTED = "uncounted"  # the explorer's part for statements that carry no counted code
SHORTEST_INDEXED_WORD = 4  # the A-Z index leaves out shorter words ("and", "of")


def cell_anchor(item: str, group: str | None = None) -> str:
    return f"cell-{item}-{group}" if group else f"theme-{item}"


def behind_anchor(figure_name: str) -> str:
    """Where the explorer lists the statements behind a figure."""
    return f"behind-{figure_name}"


def cell_rows(counts: pd.DataFrame, labels: Mapping[str, str], side: str = "") -> list[dict]:
    """Rows of explorer links for a figure drawn from theme x group cells: one row per group (the
    first column of ``counts``), linking to each of its cells (item column second, ``n`` its
    statements) that holds a statement; each row's heading led by ``side`` where given."""
    group_col, item_col = counts.columns[0], counts.columns[1]
    held = counts[counts["n"].fillna(0) > 0]
    return [{"heading": phrase("group_behind", side=side, group=labels.get(group, group)),
             "links": [{"anchor": cell_anchor(item, group), "text": phrase("counted", label=labels.get(item, item), n=int(n))}
                       for item, n in zip(rows[item_col], rows["n"])]}
            for group, rows in held.groupby(group_col, sort=False)]


#: A figure's row of statements in the explorer lists at most this many, the first in order, and
#: says how many more there are (each is on its theme's page): the index page stays a size a
#: browser opens however large the corpus (the study's rows are all shorter).
MOST_STATEMENTS_LISTED = 500


def statement_rows(statements: Mapping[str, list[str]]) -> list[dict]:
    """Rows of explorer links for a figure drawn from particular statements: heading -> their ids
    (at most :data:`MOST_STATEMENTS_LISTED`, with how many more)."""
    return [{"heading": heading, "links": [{"anchor": f"c-{cid}", "text": cid} for cid in ids[:MOST_STATEMENTS_LISTED]],
             "more": max(0, len(ids) - MOST_STATEMENTS_LISTED)}
            for heading, ids in statements.items() if ids]


def pair_rows(pairs: pd.DataFrame, presence: pd.DataFrame, labels: Mapping[str, str]) -> list[dict]:
    """Rows of explorer links for a co-occurrence figure: per pair drawn (``code_a``, ``code_b``),
    the statements carrying both (``presence``: statements x codes, 1 where carried)."""
    return statement_rows({phrase("carried_together", code_a=labels.get(a, a), code_b=labels.get(b, b)):
                           presence.index[(presence[a] == 1) & (presence[b] == 1)].tolist()
                           for a, b in zip(pairs["code_a"], pairs["code_b"])})


def side_rows(voice: pd.DataFrame, contributions: pd.DataFrame, labels: Mapping[str, str]) -> list[dict]:
    """Rows of explorer links for a voice-and-subject figure (``voice`` from `voice_vs_subject`):
    per comparison, the statements its groups said and those written about them."""
    rows = {}
    for comparison, table in voice.groupby("comparison", sort=False):
        for side, column in (("voice", "speaker_group"), ("subject", "subject_group")):
            groups = str(table.loc[table["side"] == side, "groups"].dropna().iloc[0]).split("; ")
            named = [labels.get(group, group.replace("_", " ")) for group in groups]
            rows[phrase("side_statements", comparison=comparison.split(":")[0], side=side, groups=named)] = (
                contributions.loc[contributions[column].isin(groups), "contribution_id"].tolist())
    return statement_rows(rows)


def reliability_rows(sampled: list[str], disagreed: list[str]) -> list[dict]:
    """Rows of explorer links for a reliability figure: the double-coded statements on which the
    coders differed, then those on which they agreed."""
    differed = set(disagreed)
    return statement_rows({phrase("coders", agreed=False): [cid for cid in sampled if cid in differed],
                           phrase("coders", agreed=True): [cid for cid in sampled if cid not in differed]})


def group_index(themes: list[dict]) -> list[dict]:
    """Every group in alphabetical order of its name, with its cells (theme and number of statements)."""
    groups: dict[str, dict] = {}
    for theme in themes:
        for cell in theme["cells"]:
            entry = groups.setdefault(cell["group"], {"anchor": f"group-{cell['group']}", "label": cell["label"], "cells": []})
            entry["cells"].append({"anchor": cell["anchor"], "n": cell["n"], "theme": theme["label"],
                                   "uncounted": theme.get("uncounted", False)})
    return sorted(groups.values(), key=lambda group: group["label"].casefold())


def word_index(themes: list[dict]) -> list[dict]:
    """A-Z: each letter, its words (of :data:`SHORTEST_INDEXED_WORD` letters or more, from themes'
    and groups' names), each word with the themes and groups whose names hold it."""
    places: dict[str, dict[str, str]] = {}
    named = [(theme["label"], theme["anchor"]) for theme in themes if not theme.get("uncounted")]
    named += [(group["label"], group["anchor"]) for group in group_index(themes)]
    for label, anchor in named:
        for word in re.findall(r"[^\W\d_]+", label):
            if len(word) >= SHORTEST_INDEXED_WORD:
                places.setdefault(word.casefold(), {})[anchor] = label
    letters: dict[str, list[dict]] = {}
    for word in sorted(places):
        letters.setdefault(word[0].upper(), []).append(
            {"word": word, "places": [{"anchor": anchor, "label": label} for anchor, label in places[word].items()]})
    return [{"letter": letter, "anchor": f"words-{letter.lower()}", "words": words} for letter, words in letters.items()]


def finding_anchor(finding) -> str:
    """Where the explorer holds the statements behind a finding: the group's cell for a group
    difference, the theme across groups for other claims about themes, else the finding's quote."""
    claim = finding.claim
    if claim is None or claim.kind == "most_examples" or not claim.items:
        return f"c-{finding.quote_id}"
    return cell_anchor(claim.items[0], claim.higher if claim.kind == "group_difference" else None)


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
        themes.append({"id": UNCOUNTED, "anchor": cell_anchor(UNCOUNTED), "label": phrase("uncounted_theme"), "uncounted": True, "definition": "",
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


def explorer_page(themes: list[dict], title: str, briefing_page: str, intro: str, pages: ExplorerPages | None = None,
                  figures: Sequence[Mapping] = ()) -> str:
    """The explorer's page as self-contained HTML (inline CSS, no script): every quote, or when
    ``pages`` are split, the index of themes and cells linking to the cells' pages; then the index
    of groups, the A-Z index of words, and the statements behind each figure (``figures``, from
    `analysis.report.output.figure_evidence`)."""
    pages = pages or ONE_PAGE
    return render("evidence.html.j2", themes=themes, title=title, briefing_page=briefing_page, intro=intro, css=_stylesheet(),
                  cell_pages=pages.cell_pages if pages.split else None, href=pages.href, groups=group_index(themes),
                  letters=word_index(themes), figures=figures, behind=behind_anchor)


def cell_page(theme: dict, cell: dict, title: str, depth: int, briefing_page: str) -> str:
    """One cell's own self-contained page (split explorer), ``depth`` folders below the briefing."""
    up = "../" * depth
    return render("evidence_cell.html.j2", theme=theme, cell=cell, title=title, briefing_page=up + briefing_page,
                  index_page=up + EVIDENCE_PAGE, css=_stylesheet())


def write_explorer(path: Path, themes: list[dict], title: str, intro: str, briefing_page: str = "briefing.html",
                   pages: ExplorerPages | None = None, figures: Sequence[Mapping] = ()) -> list[Path]:
    """Write the explorer at ``path`` (beside the briefing) and, when ``pages`` are split, each
    cell's page in the folder beside it; return every page written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(explorer_page(themes, title, briefing_page, intro, pages, figures), encoding="utf-8")
    written = [path]
    for theme in themes if pages is not None and pages.split else []:
        for cell in theme["cells"]:
            relative = Path(pages.cell_pages[cell["anchor"]])
            target = path.parent / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(cell_page(theme, cell, title, len(relative.parts) - 1, briefing_page), encoding="utf-8")
            written.append(target)
    return written
