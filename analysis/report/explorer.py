"""The evidence explorer: every theme x group cell of the comparison, opening to all of its quotes.

A companion page to the briefing (``evidence.html`` beside ``briefing.html``). It needs no
JavaScript (each cell is a ``<details>`` element), no network, and links back to the briefing.
Anchors: ``theme-<theme>``, ``cell-<theme>-<group>`` and ``c-<contribution_id>`` (at the
contribution's first cell), so the briefing can link each quote and finding to its evidence.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from markupsafe import Markup

from analysis.paths import TEMPLATES_DIR
from analysis.report.markup import render

EVIDENCE_PAGE = "evidence.html"


def cell_anchor(item: str, group: str | None = None) -> str:
    return f"cell-{item}-{group}" if group else f"theme-{item}"


def statement_link(contribution_id: str, page: str = EVIDENCE_PAGE) -> str:
    """The address of a statement in the evidence explorer."""
    return f"{page}#c-{contribution_id}"


def finding_anchor(finding) -> str:
    """Where the explorer holds the statements behind a finding: the group's cell for a group
    difference, the theme across groups for other claims about themes, else the finding's quote."""
    claim = finding.claim
    if claim is None or claim.kind == "most_examples" or not claim.items:
        return f"c-{finding.quote_id}"
    return cell_anchor(claim.items[0], claim.higher if claim.kind == "group_difference" else None)


def explorer_themes(presence: pd.DataFrame, contributions: pd.DataFrame, group_col: str,
                    labels: dict[str, str], definitions: dict[str, str], source_titles: dict[str, str]) -> list[dict]:
    """Themes in the presence table's order, each with its groups' cells and every carrying quote."""
    rows = contributions.set_index("contribution_id").loc[presence.index]
    denominators = rows[group_col].value_counts()
    anchored: set[str] = set()
    themes = []
    for item in presence.columns:
        carrying = rows[presence[item] == 1]
        cells = []
        for group, members in carrying.groupby(group_col, sort=False):
            quotes = []
            for contribution_id, row in members.iterrows():
                quotes.append({
                    "id": contribution_id, "text": row["text"], "anchor": contribution_id not in anchored,
                    "speaker": row["speaker_label"], "source": source_titles.get(row["source_id"], row["source_id"]),
                })
                anchored.add(contribution_id)
            cells.append({"group": group, "label": labels.get(group, group), "anchor": cell_anchor(item, group),
                          "n": len(members), "denominator": int(denominators[group]), "quotes": quotes})
        cells.sort(key=lambda cell: (-cell["n"], cell["label"]))
        themes.append({"id": item, "anchor": cell_anchor(item), "label": labels.get(item, item),
                       "definition": definitions.get(item, ""), "n": len(carrying), "cells": cells})
    return themes


def explorer_page(themes: list[dict], title: str, briefing_page: str, intro: str) -> str:
    """The whole companion page as self-contained HTML (inline CSS, no script)."""
    css = Markup((TEMPLATES_DIR / "briefing.css").read_text(encoding="utf-8"))  # the project's own stylesheet
    return render("evidence.html.j2", themes=themes, title=title, briefing_page=briefing_page, intro=intro, css=css)


def write_explorer(path: Path, themes: list[dict], title: str, intro: str, briefing_page: str = "briefing.html") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(explorer_page(themes, title, briefing_page, intro), encoding="utf-8")
    return path
