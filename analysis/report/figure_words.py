"""Every figure's caption and alt text: the words in one file, the numbers from the data.

The words are Jinja2 templates in ``templates/captions.yaml``, one entry per figure name; each
caption's first sentence is the figure's finding, filled in with what the functions here compute
from the figure's own table (who raised what most, the widest gap, the most alike pair), so a
caption changes with the data and never states a typed result. `words` fills a figure's entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd
import yaml

from analysis.coding.reliability import POOLED, THRESHOLD_RELIABLE, THRESHOLD_TENTATIVE
from analysis.compare.comparisons import CorrespondenceAnalysis
from analysis.paths import TEMPLATES_DIR
from analysis.report.findings import leaders, name, theme_name
from analysis.report.markup import plain_environment

CAPTIONS = TEMPLATES_DIR / "captions.yaml"


@lru_cache(maxsize=1)
def _captions() -> dict[str, dict[str, str]]:
    return yaml.safe_load(CAPTIONS.read_text(encoding="utf-8"))


def entry(name_of_figure: str) -> str:
    """The captions' entry of a figure: its name, or its family's ("source_difference_a_vs_b" -> "source_difference")."""
    captions = _captions()
    return name_of_figure if name_of_figure in captions else max(
        (key for key in captions if name_of_figure.startswith(key + "_")), key=len)


def words(name_of_figure: str, **values) -> dict[str, str]:
    """The figure's caption and alt text, filled in with ``values``, one space between words."""
    texts = _captions()[entry(name_of_figure)]
    return {key: _tidy(plain_environment().from_string(texts[key]).render(**values)) for key in ("caption", "alt")}


def _tidy(text: str) -> str:
    return re.sub(r"\s+([.;,)])", r"\1", " ".join(text.split()))


# --- what each figure shows, computed from its table -------------------------------------------


def prevalence_values(prevalence: pd.DataFrame, labels: Mapping[str, str]) -> dict:
    """Each item that some compared group raised most, with those groups (most groups first; a group
    tied between items counts for each, and ``tied`` says so), the darkest cell, and the table's size."""
    group_col, item_col = prevalence.columns[0], prevalence.columns[1]
    shown = prevalence[~prevalence["suppressed"].astype(bool)] if "suppressed" in prevalence else prevalence
    led: dict[str, list[str]] = {}
    tied = False
    for group, rows in shown.groupby(group_col, sort=False):
        tops = leaders(rows.set_index(item_col)["share"])
        tied = tied or len(tops) > 1
        for item in tops:
            led.setdefault(item, []).append(name(group, labels))
    leads = [{"item": theme_name(item, labels), "groups": groups}
             for item, groups in sorted(led.items(), key=lambda pair: -len(pair[1]))]
    top = shown.sort_values("share", ascending=False, kind="stable").iloc[0]
    hidden = int(prevalence.loc[prevalence["suppressed"].astype(bool), group_col].nunique()) if "suppressed" in prevalence else 0
    low, high = (round(100 * value) for value in (shown["share"].min(), shown["share"].max()))
    return {"leads": leads, "tied": tied, "shown": shown[group_col].nunique(), "groups": prevalence[group_col].nunique(),
            "items": prevalence[item_col].nunique(), "hidden": hidden, "low": low, "high": high,
            "top": {"group": name(top[group_col], labels), "item": theme_name(top[item_col], labels), "n": int(top["n"]),
                    "denominator": int(top["denominator"]), "share": float(top["share"])}}


def similarity_values(matrix: pd.DataFrame, labels: Mapping[str, str]) -> dict:
    """The most similar pair of groups and the group least like the others (lowest mean similarity)."""
    pairs = matrix.stack()
    pairs = pairs[[a < b for a, b in pairs.index]]
    (a, b), value = pairs.idxmax(), pairs.max()
    others = matrix.where(~np.eye(len(matrix), dtype=bool)).mean(axis=1)
    return {"groups": len(matrix), "closest": {"a": name(a, labels), "b": name(b, labels), "value": f"{value:.2f}"},
            "apart": {"group": name(others.idxmin(), labels), "value": f"{others.min():.2f}"}}


def ca_values(ca: CorrespondenceAnalysis, labels: Mapping[str, str]) -> dict:
    """The ends of the first axis (a group and an item at each) and the share of inertia the map holds."""
    def end(pick: str) -> dict:
        return {"group": name(getattr(ca.rows["dim_1"], pick)(), labels),
                "item": theme_name(getattr(ca.columns["dim_1"], pick)(), labels)}
    return {"groups": len(ca.rows), "items": len(ca.columns), "share": float(ca.inertia["share"].iloc[:2].sum()),
            "low": end("idxmin"), "high": end("idxmax")}


def difference_values(table: pd.DataFrame, labels: Mapping[str, str]) -> dict:
    """The two sources, the item most more often in each (none where no item leans that way), and the widest gap."""
    item_col = table.columns[2]

    def row(index) -> dict:
        picked = table.loc[index]
        return {"item": theme_name(picked[item_col], labels),
                **{key: float(picked[key]) for key in ("share_a", "share_b", "difference", "ci_low", "ci_high")}}

    most, least = table["difference"].idxmax(), table["difference"].idxmin()
    return {"a": name(table["source_a"].iloc[0], labels), "b": name(table["source_b"].iloc[0], labels),
            "more_a": row(most) if table.loc[most, "difference"] > 0 else None,
            "more_b": row(least) if table.loc[least, "difference"] < 0 else None,
            "widest": row(table["difference"].abs().idxmax())}


def voice_values(voice: pd.DataFrame, labels: Mapping[str, str]) -> dict:
    """Per comparison, the item with the widest gap between what groups said and what was written about them."""
    item_col = voice.columns[1]
    gaps = []
    for comparison, table in voice.groupby("comparison", sort=False):
        wide = table.pivot(index=item_col, columns="side", values="share")
        item = (wide["voice"] - wide["subject"]).abs().idxmax()
        voices = table.loc[table["side"] == "voice", "groups"].dropna().iloc[0].split("; ")
        gaps.append({"comparison": comparison.split(":")[0], "item": theme_name(item, labels),
                     "voices": [name(group, labels) for group in voices],
                     "voice": float(wide.loc[item, "voice"]), "subject": float(wide.loc[item, "subject"])})
    return {"gaps": gaps}


def network_values(edges: pd.DataFrame, drawn: pd.DataFrame, labels: Mapping[str, str]) -> dict:
    """The strongest link, how many links and codes are drawn, of how many."""
    strongest = edges.loc[edges["count"].idxmax()]
    return {"strongest": {"a": name(strongest["code_a"], labels), "b": name(strongest["code_b"], labels),
                          "count": int(strongest["count"])},
            "nodes": len(set(drawn["code_a"]) | set(drawn["code_b"])), "drawn": len(drawn), "links": len(edges)}


def reliability_values(themes: pd.DataFrame) -> dict:
    """How many tested themes reach each threshold, the weakest (None when no theme has an alpha), and pooled alpha."""
    tested = themes[(themes["code_id"] != POOLED) & themes["alpha"].notna()]
    weakest = tested.sort_values("alpha", kind="stable").head(1)
    return {"tested": len(tested), "reliable": int((tested["alpha"] >= THRESHOLD_RELIABLE).sum()),
            "below": int((tested["alpha"] < THRESHOLD_TENTATIVE).sum()),
            "pooled": f"{themes.loc[themes['code_id'] == POOLED, 'alpha'].iloc[0]:.2f}",
            "weakest": next(({"label": row["label"], **{key: f"{row[key]:.2f}" for key in ("alpha", "ci_low", "ci_high")}}
                             for _, row in weakest.iterrows()), None)}
