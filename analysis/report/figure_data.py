"""What each registered figure draws, from the opened study and the tables its comparison made.

Each function here yields one :class:`FigureData` per figure it makes (none when there is
nothing to draw): the drawing function's data and options, the values its caption and alt text
are filled with (:func:`analysis.report.figure_words.words`), the numbers it draws as the table
under it, and the statements behind it as rows of explorer links. The registry
(:mod:`analysis.report.registry`) names the drawing function and saves the figure.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.compare import comparisons as compare
from analysis.compare import study_tables
from analysis.report import figures
from analysis.report.explorer import cell_rows, pair_rows, side_rows
from analysis.report.figure_words import ca_values, difference_values, network_values, prevalence_values, similarity_values, voice_values


@dataclass(frozen=True)
class FigureData:
    """One figure's data: ``args`` and ``options`` for its drawing function, ``values`` for its
    words, ``data`` (the table under it), ``evidence`` (explorer rows) and, for one of a family of
    figures, ``suffix``, its own part of the name ("source_difference" + "_a_vs_b")."""

    args: tuple
    options: Mapping[str, Any]
    values: Mapping[str, Any]
    data: pd.DataFrame
    evidence: list[dict]
    suffix: str = ""


Tables = Mapping[str, pd.DataFrame]


def level_word(study) -> str:
    """What the run counts, in words: "theme" or "code"."""
    return "theme" if study.parameters["theme_level"] == "theme" else "code"


def group_cells(study) -> list[dict]:
    """The statements behind the group x item figures: each shown group's cells."""
    shown = study_tables.shown_prevalence(study)
    return cell_rows(shown[[study.group_column, shown.columns[1], "n"]], study.labels)


def prevalence_heatmap(study, tables: Tables) -> Iterator[FigureData]:
    """Every group's share carrying each item, small groups hatched."""
    prevalence, labels, word, min_n = tables["prevalence_by_group"], study.labels, level_word(study), study.parameters["min_cell_n"]
    yield FigureData(
        args=(prevalence,), options={"colours": figures.codebook_colours(study.codebook), "min_n": min_n, "labels": labels},
        values={**prevalence_values(prevalence, labels), "word": word, "min_n": min_n},
        data=pd.DataFrame({"group": prevalence.iloc[:, 0].map(lambda g: labels.get(g, g)),
                           word: prevalence.iloc[:, 1].map(lambda i: labels.get(i, i)),
                           "contributions carrying it": prevalence["n"], "of the group's": prevalence["denominator"],
                           "share": prevalence["share"].map(lambda s: f"{s:.0%}"),
                           "left out (too few)": prevalence["suppressed"].map({True: "yes", False: ""})}),
        evidence=group_cells(study))


def _similarity(study, table: pd.DataFrame) -> Iterator[FigureData]:
    """A similarity matrix (saved with its groups as the first column), its table with readable names, rounded."""
    matrix, labels = table.set_index(table.columns[0]), study.labels
    readable = matrix.rename(index=lambda g: labels.get(g, g), columns=lambda g: labels.get(g, g)).round(2)
    yield FigureData(args=(matrix,), options={"labels": labels},
                     values={**similarity_values(matrix, labels), "word": level_word(study), "min_n": study.parameters["min_cell_n"]},
                     data=readable.rename_axis("group").reset_index(), evidence=group_cells(study))


def cosine(study, tables: Tables) -> Iterator[FigureData]:
    """The groups' cosine similarity (a heatmap or a dendrogram)."""
    return _similarity(study, tables["group_similarity_cosine"])


def jaccard(study, tables: Tables) -> Iterator[FigureData]:
    """The groups' Jaccard similarity."""
    return _similarity(study, tables["group_similarity_jaccard"])


def ca_map(study, tables: Tables) -> Iterator[FigureData]:
    """The correspondence analysis map of groups and items."""
    ca, labels, word = study_tables.correspondence(study), study.labels, level_word(study)
    yield FigureData(
        args=(ca,), options={"column_colours": figures.codebook_colours(study.codebook), "labels": labels, "column_kind": word},
        values={**ca_values(ca, labels), "word": word},
        data=pd.concat([
            pd.DataFrame({"name": [labels.get(i, i) for i in points.index], "kind": kind,
                          "dimension 1": points["dim_1"].round(2).to_numpy(), "dimension 2": points["dim_2"].round(2).to_numpy()})
            for points, kind in ((ca.rows, "group"), (ca.columns, word))], ignore_index=True),
        evidence=group_cells(study))


def _shares(table: pd.DataFrame, side: str) -> list[str]:
    return [f"{n} of {d} ({s:.0%})" for n, d, s in zip(table[f"n_{side}"], table[f"denominator_{side}"], table[f"share_{side}"])]


def source_differences(study, tables: Tables) -> Iterator[FigureData]:
    """One figure per pair of compared source sets: each item's difference in share, with its interval."""
    labels, word, n_bootstrap = study.labels, level_word(study), study.parameters["n_bootstrap"]
    in_set = study.contributions.set_index("contribution_id").loc[study.presence.index, "source_set"]
    for table in study_tables.pair_differences(study):
        a, b = table["source_a"].iloc[0], table["source_b"].iloc[0]
        yield FigureData(
            args=(table,), options={"colours": figures.codebook_colours(study.codebook), "labels": labels},
            values={**difference_values(table, labels), "word": word, "n_bootstrap": n_bootstrap},
            data=pd.DataFrame({word: table.iloc[:, 2].map(lambda i: labels.get(i, i)), labels[a]: _shares(table, "a"), labels[b]: _shares(table, "b"),
                               "difference (points)": (100 * table["difference"]).round(0).astype(int),
                               "interval from": (100 * table["ci_low"]).round(0).astype(int),
                               "to": (100 * table["ci_high"]).round(0).astype(int)}),
            evidence=[row for side in (a, b) for row in cell_rows(
                compare.prevalence_with_ci(study.presence[in_set == side], study.groups[in_set == side]), labels, labels[side])],
            suffix=f"{a}_vs_{b}")


def voice_vs_subject(study, tables: Tables) -> Iterator[FigureData]:
    """What groups said themselves against what was written about them."""
    voice, labels, word = tables["voice_vs_subject"], study.labels, level_word(study)
    yield FigureData(
        args=(voice,), options={"colours": figures.codebook_colours(study.codebook), "labels": labels},
        values={**voice_values(voice, labels), "word": word},
        data=pd.DataFrame({"comparison": voice["comparison"].str.split(":").str[0], "side": voice["side"],
                           word: voice.iloc[:, 1].map(lambda i: labels.get(i, i)),
                           "statements": voice["n"], "of": voice["denominator"], "share": voice["share"].map(lambda s: f"{s:.0%}")}),
        evidence=side_rows(voice, study.contributions, labels))


def cooccurrence_network(study, tables: Tables) -> Iterator[FigureData]:
    """The strongest links between codes (every link is in the saved table); none without a link."""
    edges, labels = tables["code_cooccurrence"], study.labels
    if not len(edges):
        return
    drawn = edges.head(figures.MOST_LINKS_DRAWN)
    yield FigureData(
        args=(drawn,), options={"node_themes": {code["id"]: code["theme"] for code in study.codebook["codes"]},
                                "colours": figures.codebook_colours(study.codebook), "labels": labels},
        values={**network_values(edges, drawn, labels), "min_count": study_tables.MIN_SHARED},
        data=pd.DataFrame({"code": drawn["code_a"].map(lambda c: labels.get(c, c)), "with code": drawn["code_b"].map(lambda c: labels.get(c, c)),
                           "contributions carrying both": drawn["count"]}),
        evidence=pair_rows(drawn, study.presence_at("code"), labels))
