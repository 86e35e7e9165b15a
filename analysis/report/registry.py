"""The comparisons the notebooks run from the registry: one entry each.

A comparison is a function of the opened study (:class:`analysis.study.Study`) returning its
table, or its tables by name (:mod:`analysis.compare.study_tables`; none when the run holds
nothing to compare). Its entry names it (its table, when it makes one), the function, the
notebook and the notebook's section that run it, and optionally: the tables it makes when more
than one, which of them its section shows, its figures, the phrase shown when it makes no table
(``templates/phrases.txt.j2``), and whether the technical appendix shows its table, captioned by
the macro of the same name in ``analysis/report/templates/sections/table_captions.html.j2``.

A figure is its name (or its family's, as in ``templates/captions.yaml``), the function of
:mod:`analysis.report.figures` that draws it, and the function of
:mod:`analysis.report.figure_data` that gives, from the study and the comparison's tables, the
data of each figure to draw (none when there is nothing to draw).

Adding a comparison is its function, one entry below, its test and, if the briefing shows it,
its caption.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML, Markdown

from analysis.compare import comparisons as compare
from analysis.compare import study_tables as made
from analysis.report import figure_data as drawn
from analysis.report import figures, reliability_sections
from analysis.report.figure_data import FigureData
from analysis.report.figure_words import words
from analysis.report.markup import phrase
from analysis.report.output import figure_html, save_figure, save_table
from analysis.paths import NOTEBOOKS_DIR, display_path

HEAD_ROWS = 12  # a section shows this many rows of each table it shows, unless its entry says; every row is saved


@dataclass(frozen=True)
class Figure:
    """A figure a comparison draws: its name (or its family's), the function of
    :mod:`analysis.report.figures` drawing it, and the function giving each drawing's data."""

    name: str
    draw: Callable
    data: Callable[[Any, Mapping[str, pd.DataFrame]], Iterable[FigureData]]


@dataclass(frozen=True)
class Comparison:
    """One registered comparison: its name, the function that makes its tables from a study, the
    notebook (by name, without its folder or suffix) and section that run it, and what else it has."""

    name: str
    compute: Callable[[Any], pd.DataFrame | Mapping[str, pd.DataFrame]]
    notebook: str
    section: str
    in_briefing: bool = False
    tables: tuple[str, ...] = ()  # the tables it makes when more than one; else its name is its table's
    shown: tuple[str, ...] = ()  # the tables whose first rows its section shows
    figures: tuple[Figure, ...] = ()
    nothing: str = ""  # the phrase its section shows when it makes no table
    rows: int | None = HEAD_ROWS  # how many first rows of each shown table its section shows (None: all)

    @property
    def table_names(self) -> tuple[str, ...]:
        """Every table it may save: its ``tables``, or its own name."""
        return self.tables or (self.name,)


AUDIT, THEMES, SOURCES = "10_data_audit", "20_themes_by_group", "30_sources_compared"

COMPARISONS: tuple[Comparison, ...] = (
    Comparison("contributions_by_source_section", made.contributions_by_source_section, AUDIT, "by_source_section",
               shown=("contributions_by_source_section",), rows=None),
    Comparison("contributions_by_group", made.contributions_by_group, AUDIT, "by_group", shown=("contributions_by_group",), rows=None),
    Comparison("framework_matrix", made.framework_matrix, THEMES, "framework", shown=("framework_matrix",)),
    Comparison("prevalence_by_group", made.prevalence_by_group, THEMES, "prevalence",
               figures=(Figure("prevalence_heatmap", figures.prevalence_heatmap, drawn.prevalence_heatmap),)),
    Comparison("representation_tests", made.representation_tests, THEMES, "representation", shown=("representation_tests",)),
    Comparison("group_similarity", made.group_similarity, THEMES, "similarity",
               tables=("group_similarity_cosine", "group_similarity_jaccard"),
               figures=(Figure("similarity_cosine", figures.similarity_heatmap, drawn.cosine),
                        Figure("similarity_dendrogram", figures.dendrogram_figure, drawn.cosine),
                        Figure("similarity_jaccard", figures.similarity_heatmap, drawn.jaccard))),
    Comparison("positions", made.positions_tables, THEMES, "positions", shown=("positions_summary",),
               tables=("statement_function_status", "statement_functions_by_group", "positions_by_group", "positions_summary")),
    Comparison("oppositions", made.oppositions, THEMES, "oppositions", shown=("opposing_statements",),
               tables=("contrasting_judgements", "opposing_statements", "deviant_cases")),
    Comparison("correspondence_inertia", made.correspondence_inertia, THEMES, "correspondence",
               figures=(Figure("ca_map", figures.ca_map, drawn.ca_map),)),
    Comparison("themes_by_source_set", lambda study: compare.themes_by_source_set(study.presence, study.contributions),
               SOURCES, "shared_and_unique", shown=("themes_by_source_set",)),
    Comparison("source_differences", made.source_differences, SOURCES, "differences", nothing="too_few_source_sets",
               figures=(Figure("source_difference", figures.source_comparison_figure, drawn.source_differences),)),
    Comparison("voice_vs_subject", made.voice_vs_subject, SOURCES, "voice_and_subject", nothing="no_voice_and_subject",
               figures=(Figure("voice_vs_subject", figures.voice_subject_figure, drawn.voice_vs_subject),)),
    Comparison("code_cooccurrence", made.code_cooccurrence, SOURCES, "cooccurrence",
               figures=(Figure("cooccurrence_network", figures.cooccurrence_network, drawn.cooccurrence_network),)),
)


def registered(notebook: str = "", comparisons: tuple[Comparison, ...] = COMPARISONS) -> list[Comparison]:
    """The comparisons a notebook runs (every one when ``notebook`` is empty), in registry order."""
    return [c for c in comparisons if not notebook or c.notebook == notebook]


def writing(name: str, comparisons: tuple[Comparison, ...] = COMPARISONS) -> Comparison | None:
    """The comparison that saves the table or figure ``name`` (a figure of a family by its family's name)."""
    return next((c for c in comparisons if name in c.table_names
                 or any(name == f.name or name.startswith(f.name + "_") for f in c.figures)), None)


def computed(comparison: Comparison, study) -> dict[str, pd.DataFrame]:
    """The tables a comparison makes of ``study``, by name; one it does not declare is refused."""
    result = comparison.compute(study)
    tables = {comparison.name: result} if isinstance(result, pd.DataFrame) else dict(result)
    undeclared = sorted(set(tables) - set(comparison.table_names))
    if undeclared:
        raise ValueError(f"comparison {comparison.name!r} made tables it does not declare: {', '.join(undeclared)}")
    return tables


def drawings(comparison: Comparison, study, tables: Mapping[str, pd.DataFrame]) -> Iterable[tuple[Figure, str, FigureData]]:
    """Each figure the comparison draws from its ``tables``: its entry, its full name and its data."""
    for figure in comparison.figures:
        for data in figure.data(study, tables):
            yield figure, "_".join(filter(None, (figure.name, data.suffix))), data


def section(notebook: str, name: str, study, tables_dir: Path, figures_dir: Path,
            comparisons: tuple[Comparison, ...] = COMPARISONS) -> list:
    """Run the comparisons of one section of a notebook on ``study``: save each table and figure
    with the run's parameters, and return what the section shows (the first rows of its shown
    tables, its figures, or the phrase saying there is nothing to compare)."""
    entries = [c for c in registered(notebook, comparisons) if c.section == name]
    if not entries:
        raise ValueError(f"no registered comparison runs in section {name!r} of {notebook}")
    shown: list = []
    for comparison in entries:
        tables = computed(comparison, study)
        for table_name, table in tables.items():
            save_table(table, tables_dir, table_name, study.parameters)
        if not tables and comparison.nothing:
            shown.append(Markdown(phrase(comparison.nothing, parameters=study.parameters)))
        shown += [tables[t].head(comparison.rows) if comparison.rows else tables[t] for t in comparison.shown if t in tables]
        for figure, figure_name, data in (drawings(comparison, study, tables) if tables else ()):
            save_figure(figures.drawn_twice(figure.draw, *data.args, **data.options), figures_dir, figure_name,
                        **words(figure_name, **data.values), data=data.data, evidence=data.evidence, parameters=study.parameters)
            shown.append(HTML(figure_html(figures_dir, figure_name)))
    return shown


def run_first(name: str, otherwise: str) -> str:
    """What to run before a table or figure ``name`` can be read: the notebook writing it, or ``otherwise``."""
    return f"run {notebook_writing(name) or otherwise} with these parameters first"


def notebook_writing(name: str, notebooks_dir: Path = NOTEBOOKS_DIR) -> str | None:
    """The notebook that saves the table or figure ``name``: its registry entry's, or the reliability
    notebook's (:data:`analysis.report.reliability_sections.WRITES`); None for any other."""
    comparison = writing(name)
    notebook = comparison.notebook if comparison else reliability_sections.NOTEBOOK if name.startswith(reliability_sections.WRITES) else ""
    path = Path(notebooks_dir) / f"{notebook}.ipynb"
    return display_path(path) if notebook and path.exists() else None
