"""Notebook 40's sections: the reliability of the coding, computed once and shown section by section.

:class:`Reliability` computes every reliability table of the study's data once (every test,
and the facilitator check) and saves each as ``reliability_<name>``; each section is one
function of it (:data:`SECTIONS`) that saves what it draws and returns what the notebook shows.
:data:`WRITES` names what this notebook saves, for :func:`analysis.report.registry.notebook_writing`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML, Markdown

from analysis.coding.reliability_tables import current_test, load_tests, reliability_report, sample_ids
from analysis.report import figures
from analysis.report.explorer import reliability_rows
from analysis.report.figure_words import reliability_values, words
from analysis.report.markup import phrase
from analysis.report.output import figure_html, save_figure, save_table
from analysis.report.reliability_text import RELIABLE, TENTATIVE

NOTEBOOK = "40_reliability"
#: The tables and figures this notebook saves: every name starting with one of these.
WRITES = ("reliability_", "suggested_codes_")


@dataclass
class Reliability:
    """The reliability of one study's coding, saved into ``tables_dir`` and ``figures_dir``."""

    study: Any
    tables_dir: Path
    figures_dir: Path

    def save(self, table: pd.DataFrame, name: str) -> None:
        save_table(table, self.tables_dir, name, self.study.parameters)

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every reliability table (every test, stacked; the facilitator check), each saved once."""
        parameters = self.study.parameters
        tables = reliability_report(self.study.data, n_boot=parameters["n_bootstrap"], seed=parameters["seed"])
        for name, table in tables.items():
            self.save(table, f"reliability_{name}")
        return tables

    @cached_property
    def current(self) -> dict:
        """The current test (tests.yaml)."""
        return current_test(load_tests(self.study.data))

    @cached_property
    def of_current(self) -> dict[str, pd.DataFrame]:
        """The current test's rows of every table that has a row per test."""
        return {name: table[table["test"] == self.current["id"]].drop(columns=["test"])
                for name, table in self.tables.items() if "test" in table}


def themes(run: Reliability) -> list:
    """Alpha per theme with its interval: the figure (with the statements behind it) and the table."""
    study, current, alpha = run.study, run.current, run.of_current["theme_alpha"]
    sample_size = int(run.tables["tests"].set_index("id").loc[current["id"], "n_units"])
    in_explorer = study.presence.index  # the explorer holds this run's statements
    save_figure(
        figures.drawn_twice(figures.alpha_forest, alpha, colours=figures.codebook_colours(study.codebook),
                            labels=dict(zip(alpha["code_id"], alpha["label"]))),
        run.figures_dir, "reliability_alpha",
        **words("reliability_alpha", **reliability_values(alpha), test=current["id"], sample_size=sample_size,
                n_bootstrap=study.parameters["n_bootstrap"], tentative=TENTATIVE, reliable_at=RELIABLE),
        data=alpha[["label", "alpha", "ci_low", "ci_high"]].dropna(subset=["alpha"]).round(2)
        .rename(columns={"label": "theme", "ci_low": "interval from", "ci_high": "to"}),
        evidence=reliability_rows([cid for cid in sample_ids(study.data, current) if cid in in_explorer],
                                  run.of_current["disagreements"]["contribution_id"].tolist()),
        parameters=study.parameters,
    )
    return [HTML(figure_html(run.figures_dir, "reliability_alpha")),
            alpha[["label", "alpha", "ci_low", "ci_high", "n_a", "n_b", "n_both", "positives", "status"]]]


def codes(run: Reliability) -> list:
    """The statement function and whole code sets (the summary), and alpha per code."""
    return [run.of_current["summary"],
            run.of_current["code_alpha"][["code_id", "label", "alpha", "ci_low", "ci_high", "positives", "status"]]]


def disagreements(run: Reliability) -> list:
    """Every sampled contribution on which the current test's coders differ."""
    return [run.of_current["disagreements"]]


def every_test(run: Reliability) -> list:
    """The registry of tests, oldest first."""
    return [run.tables["tests"]]


def facilitators(run: Reliability) -> list:
    """The consistency check against the facilitators' action themes, where the data have one."""
    if "facilitator_summary" not in run.tables:
        return [Markdown(phrase("no_facilitator_check"))]
    return [run.tables["facilitator_summary"], run.tables["facilitator_confusion"]]


def suggested_codes(run: Reliability) -> list:
    """The suggested codes' leave-one-source-out accuracy and theme alphas (never counted)."""
    from analysis.coding.suggest_command import evaluation_tables

    accuracy, theme_alpha = evaluation_tables(run.study.data, run.study.parameters["seed"])
    run.save(accuracy, "suggested_codes_accuracy")
    run.save(theme_alpha, "suggested_codes_theme_alpha")
    return [accuracy]


SECTIONS: dict[str, Callable[[Reliability], list]] = {
    "themes": themes, "codes": codes, "disagreements": disagreements, "tests": every_test,
    "facilitators": facilitators, "suggested_codes": suggested_codes,
}
