"""How well suggested codes match the consensus, measured the way they are used: leave one
source out.

For each source, a model is trained on the consensus coding of every other source and
suggests codes for the source left out (:func:`leave_one_source_out`); a source is never
scored by a model that saw it. Against the consensus, per source and pooled over every
statement:

- precision and recall of the top code and of the top three: the share of suggested codes the
  consensus carries, and the share of consensus codes suggested (each statement's codes, the
  statement functions apart);
- the share of consensus codes outside the top three, and of statements with one or more;
- Krippendorff's alpha (nominal, :func:`analysis.coding.reliability.presence_alpha_table`) of
  the proposed coding (:func:`analysis.coding.suggest.proposed`) against the consensus, theme
  by theme (a theme present when any of its codes is) and pooled over every statement x theme
  decision;
- for statements whose section does not fix a function, the share whose top function is the
  consensus one, and alpha (nominal) of the two.

A source of more than :data:`EVALUATED_PER_SOURCE` statements is evaluated on a sample of that
many, drawn by the seed (:func:`evaluation_sample`), and only the samples train: fitting the
model costs more than linearly in its training statements (about 50 CPU-s for 10,000), and a
thousand statements a source already give its shares to within about three points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from analysis.coding.alpha import nominal_alpha
from analysis.coding.reliability import POOLED, presence_alpha_table
from analysis.coding.suggest import CODE, FUNCTION, TOP, Suggester, fit, suggest

EVALUATED_PER_SOURCE = 1_000
SUMMARY_COLUMNS = {
    "statements": "statements", "codes": "consensus codes", "precision_top1": "precision, top 1",
    "recall_top1": "recall, top 1", "precision_top3": "precision, top 3", "recall_top3": "recall, top 3",
    "outside_top3": "consensus codes outside the top 3", "statements_outside_top3": "statements with a consensus code outside the top 3",
    "theme_alpha": "alpha, themes pooled", "functions": "functions suggested", "function_agreement": "top function is the consensus one",
    "function_alpha": "alpha, functions",
}


def evaluation_sample(table: pd.DataFrame, seed: int, per_source: int = EVALUATED_PER_SOURCE) -> pd.DataFrame:
    """``table``'s rows, at most ``per_source`` of each source (drawn by ``seed`` where a
    source has more), in ``table``'s order; ``table`` itself when no source has more."""
    rng = np.random.default_rng(seed)
    groups = table.groupby("source_id", sort=False).indices.values()
    if all(len(rows) <= per_source for rows in groups):
        return table
    kept = np.concatenate([rows if len(rows) <= per_source else rng.choice(rows, per_source, replace=False) for rows in groups])
    return table.iloc[np.sort(kept)]


def leave_one_source_out(table: pd.DataFrame, codes: Sequence[str], functions: Sequence[str],
                         section_function: dict, seed: int,
                         fitted: Callable[..., Suggester] = fit) -> pd.DataFrame:
    """Suggestions for every statement of ``table`` (:func:`analysis.coding.suggest.consensus_table`)
    from a model ``fitted`` to the other sources only; columns of
    :func:`analysis.coding.suggest.suggest` and source_id."""
    parts = []
    for source in table["source_id"].unique():
        left_out = table["source_id"] == source
        model = fitted(table[~left_out], codes, functions, seed)
        parts.append(suggest(model, table[left_out], section_function).assign(source_id=source))
    return pd.concat(parts, ignore_index=True)


def _sets(rows: pd.DataFrame) -> pd.Series:
    return rows.groupby("contribution_id", sort=False)["code_id"].agg(frozenset)


def top_scores(suggestions: pd.DataFrame, table: pd.DataFrame) -> dict[str, float]:
    """Precision and recall of the top code and top three codes, and what falls outside the
    top three, for the statements of ``table`` (consensus codes in its ``codes``)."""
    truth = dict(zip(table["contribution_id"], map(frozenset, table["codes"])))
    codes = suggestions[suggestions["kind"] == CODE]
    result: dict[str, float] = {"statements": len(truth), "codes": sum(map(len, truth.values()))}
    for k in (1, TOP):
        chosen = _sets(codes[codes["rank"] <= k])
        hits = sum(len(chosen.get(cid, frozenset()) & carried) for cid, carried in truth.items())
        suggested = sum(len(chosen.get(cid, frozenset())) for cid in truth)
        result[f"precision_top{k}"] = hits / suggested if suggested else np.nan
        result[f"recall_top{k}"] = hits / result["codes"] if result["codes"] else np.nan
    top3 = _sets(codes[codes["rank"] <= TOP])
    result["outside_top3"] = 1 - result[f"recall_top{TOP}"]
    result["statements_outside_top3"] = (np.mean([bool(carried - top3.get(cid, frozenset())) for cid, carried in truth.items()])
                                         if truth else np.nan)
    return result


def theme_presence(sets: Sequence[frozenset], theme_of: dict[str, str], themes: Sequence[str]) -> np.ndarray:
    """0/1 statements x themes: a theme present when any of the statement's codes is in it."""
    return np.array([[any(theme_of.get(code) == theme for code in codes) for theme in themes] for codes in sets],
                    dtype=bool).reshape(len(sets), len(themes))


def theme_alphas(suggestions: pd.DataFrame, table: pd.DataFrame, codebook: dict) -> pd.DataFrame:
    """Alpha of the proposed coding against the consensus per theme and pooled
    (:func:`presence_alpha_table`, no bootstrap): columns code_id (the theme), label, alpha, n_a, n_b."""
    themes = [str(t["id"]) for t in codebook["themes"]]
    theme_of = {str(c["id"]): str(c["theme"]) for c in codebook["codes"]}
    proposed = _sets(suggestions[(suggestions["kind"] == CODE) & suggestions["proposed"]])
    consensus = theme_presence([frozenset(c) for c in table["codes"]], theme_of, themes)
    suggested = theme_presence([proposed.get(cid, frozenset()) for cid in table["contribution_id"]], theme_of, themes)
    labels = {str(t["id"]): str(t["label"]) for t in codebook["themes"]}
    return presence_alpha_table(consensus, suggested, themes, labels, n_boot=0, seed=0)[["code_id", "label", "alpha", "n_a", "n_b"]]


def function_scores(suggestions: pd.DataFrame, table: pd.DataFrame) -> dict[str, float]:
    """For statements with a coded function: how many had one suggested, the share whose top
    suggestion is the consensus function, and alpha of the two."""
    top = suggestions[(suggestions["kind"] == FUNCTION) & (suggestions["rank"] == 1)].set_index("contribution_id")["code_id"]
    coded = table[(table["function"] != "") & table["contribution_id"].isin(top.index)]
    if coded.empty:
        return {"functions": 0, "function_agreement": np.nan, "function_alpha": np.nan}
    given = coded["contribution_id"].map(top)
    return {"functions": len(coded), "function_agreement": float((given == coded["function"]).mean()),
            "function_alpha": nominal_alpha(coded["function"].to_list(), given.to_list())}


def evaluation(suggestions: pd.DataFrame, table: pd.DataFrame, codebook: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary: one row per source and a pooled row, columns :data:`SUMMARY_COLUMNS`;
    alpha per theme: one row per theme and one pooled, one column per source and pooled)."""
    summary, alphas = [], {}
    for source in [*table["source_id"].unique(), POOLED]:
        rows = table if source == POOLED else table[table["source_id"] == source]
        scored = suggestions[suggestions["contribution_id"].isin(rows["contribution_id"])]
        per_theme = theme_alphas(scored, rows, codebook)
        alphas[source] = per_theme.set_index(per_theme["label"].where(per_theme["code_id"] != POOLED, "all themes, pooled"))["alpha"]
        summary.append({"source": source, **top_scores(scored, rows),
                        "theme_alpha": float(per_theme.loc[per_theme["code_id"] == POOLED, "alpha"].iloc[0]),
                        **function_scores(scored, rows)})
    return pd.DataFrame(summary)[["source", *SUMMARY_COLUMNS]], pd.DataFrame(alphas).rename_axis("theme").reset_index()


def markdown_table(frame: pd.DataFrame, headers: Sequence[str]) -> str:
    """A Markdown table of ``frame`` with ``headers``; numbers below 1 to two places, NaN as '–'."""
    def cell(value) -> str:
        if isinstance(value, (float, np.floating)):
            if np.isnan(value):
                return "–"
            return f"{round(value, 2) + 0.0:.2f}" if abs(value) < 1 or value != int(value) else str(int(value))
        return str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def evaluation_markdown(summary: pd.DataFrame, alphas: pd.DataFrame) -> str:
    """The two tables of :func:`evaluation` in Markdown, as the README shows them."""
    return (markdown_table(summary, ["source", *SUMMARY_COLUMNS.values()]) + "\n\nAlpha per theme (proposed coding against the consensus):\n\n"
            + markdown_table(alphas, ["theme", *alphas.columns[1:]]))
