"""One call gives a notebook everything it analyses, for the parameters it was given.

``open_study(globals())`` takes every parameter of ``PARAMETERS`` from a notebook's namespace
(a missing one takes its default), checks them (the same rules as the build), opens the data
folder once (:class:`~analysis.evidence.data.Data`: each file read and validated once, whatever
asks for it), keeps the selected sources, and builds the presence table at the chosen
theme level and the grouping at the chosen group level. What the study holds adapts to the
data: source sets come in the vocabulary's order with its labels, a source set smaller than
``min_source_n`` is reported but not compared, and voice-and-subject comparisons are those
data/groups.yaml defines whose groups are present.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from analysis.coding.codebook import code_ids, load_codebook, restrict_codebook
from analysis.coding.coding_checks import load_coding
from analysis.coding.reliability_tables import apply_reliability_statuses, reliability_statuses
from analysis.evidence.data import Data, once
from analysis.evidence.vocabulary import CONSENSUS, Vocabulary, load_vocabulary
from analysis.compare.comparisons import presence_matrix
from analysis.params import GROUP_COLUMNS, PARAMETERS, check_parameters
from analysis.paths import PROJECT_ROOT

INVENTED_NOTE = "INVENTED.md"  # a data folder holding this file is made up for tests, not the study's evidence


@dataclass(frozen=True)
class Study:
    """The data of one run, filtered and shaped by its parameters."""

    parameters: dict[str, Any]
    data: Data  # the data folder, opened once: every loader and check reads through it
    contributions: pd.DataFrame
    codebook: dict
    coding: pd.DataFrame
    presence: pd.DataFrame
    groups: pd.Series
    group_labels: dict[str, str]
    vocabulary: Vocabulary
    reliability: Mapping[str, Mapping[str, str]]  # each theme's and code's status under the current test

    @property
    def group_column(self) -> str:
        return GROUP_COLUMNS[self.parameters["group_level"]]

    @property
    def is_fixture(self) -> bool:
        """Whether the data folder declares itself invented test data (it holds :data:`INVENTED_NOTE`)."""
        return self.data.exists(INVENTED_NOTE)

    def presence_at(self, level: str) -> pd.DataFrame:
        """The consensus presence table at another level ("code" or "theme") than the run's."""
        counted = restrict_codebook(self.codebook, code_ids(self.codebook, counted_only=True))
        consensus = self.coding[(self.coding["coder"] == CONSENSUS) & self.coding["code_id"].isin(code_ids(self.codebook, counted_only=True))]
        return presence_matrix(self.contributions, consensus, counted, level=level)

    @property
    def labels(self) -> dict[str, str]:
        """Readable names for groups, themes and codes, for tables and figures."""
        items = [*self.codebook["themes"], *self.codebook["codes"]]
        return {**{item["id"]: item["label"] for item in items}, **self.group_labels, **self.vocabulary.labels()}

    @property
    def source_sets(self) -> list[str]:
        """The source sets present in this run, in the vocabulary's order."""
        present = set(self.contributions["source_set"])
        return [name for name in self.vocabulary.source_sets if name in present]

    @property
    def source_set_sizes(self) -> dict[str, int]:
        """Contributions per source set present, in the vocabulary's order."""
        counts = self.contributions["source_set"].value_counts()
        return {name: int(counts[name]) for name in self.source_sets}

    @property
    def compared_source_sets(self) -> list[str]:
        """The source sets given comparison figures: those with at least ``min_source_n`` contributions."""
        return [name for name, n in self.source_set_sizes.items() if n >= self.parameters["min_source_n"]]

    @property
    def small_source_sets(self) -> list[str]:
        """The source sets reported but not compared, being smaller than ``min_source_n``."""
        return [name for name in self.source_sets if name not in self.compared_source_sets]

    @property
    def voice_subject_comparisons(self) -> dict[str, tuple[list[str], list[str]]]:
        """The voice-and-subject comparisons of data/groups.yaml possible in this run."""
        from analysis.evidence.loaders import load_groups

        return available_comparisons(self.contributions, load_groups(self.data).get("voice_subject_comparisons", {}))


def group_labels(data: Data, level: str) -> dict[str, str]:
    """Readable names for speaker groups (their short label, with "(one person)" where the group
    is one person, so no table calls a person a group) or sectors (their label)."""
    from analysis.evidence.validate import ONE_PERSON
    from analysis.evidence.loaders import load_groups

    if level == "sector":
        return {sector: entry["label"] for sector, entry in load_vocabulary(data).sectors.items()}
    groups = load_groups(data)["speaker_groups"]
    return {group_id: fields["short_label"] + (f" ({ONE_PERSON})" if fields.get("kind") == ONE_PERSON else "")
            for group_id, fields in groups.items()}


@once
def counted_codebook(data: Data) -> tuple[dict, dict[str, dict[str, str]]]:
    """The codebook as the briefing counts it (the current reliability test's statuses applied),
    and those statuses (:func:`analysis.coding.reliability_tables.reliability_statuses`)."""
    codebook = load_codebook(data)
    statuses = reliability_statuses(data, load_coding(data), codebook)
    return apply_reliability_statuses(codebook, statuses), statuses


def open_study(namespace: Mapping[str, Any]) -> Study:
    """Check the parameters found in ``namespace`` (a notebook's ``globals()``: every name of
    ``PARAMETERS`` it holds), open the data folder, and shape the data for analysis."""
    checked = check_parameters({k: v for k, v in namespace.items() if k in PARAMETERS}, where="notebook parameters")
    return _shaped_study(checked, Data(PROJECT_ROOT / checked["data_dir"]))


def _shaped_study(checked: dict[str, Any], data: Data) -> Study:
    """The study of checked parameters: the data loaded, the sources selected, presence built."""
    from analysis.evidence.loaders import load_contributions

    contributions = load_contributions(data)
    coding = load_coding(data)  # every row names a contribution (checked on loading)
    codebook, statuses = counted_codebook(data)
    selected = contributions["source_id"].isin(checked["sources"])
    if not selected.all():
        contributions = contributions[selected].reset_index(drop=True)
        coding = coding[coding["contribution_id"].isin(contributions["contribution_id"])].reset_index(drop=True)
    column = GROUP_COLUMNS[checked["group_level"]]
    study = Study(
        parameters=checked,
        data=data,
        contributions=contributions,
        codebook=codebook,
        coding=coding,
        presence=pd.DataFrame(),
        groups=contributions.set_index("contribution_id")[column],
        group_labels=group_labels(data, checked["group_level"]),
        vocabulary=load_vocabulary(data),
        reliability=statuses,
    )
    return replace(study, presence=study.presence_at(checked["theme_level"]))


def available_comparisons(contributions: pd.DataFrame, comparisons: Mapping[str, Mapping[str, list[str]]]) -> dict[str, tuple[list[str], list[str]]]:
    """The voice-and-subject ``comparisons`` (name -> voices and subjects, as in
    data/groups.yaml) possible in these contributions: both sides present."""
    speakers = set(contributions["speaker_group"])
    subjects = set(contributions["subject_group"].dropna())
    available = {}
    for name, comparison in comparisons.items():
        present_voices = [g for g in comparison["voices"] if g in speakers]
        present_subjects = [g for g in comparison["subjects"] if g in subjects]
        if present_voices and present_subjects:
            available[name] = (present_voices, present_subjects)
    return available


def selected_source_sets(parameters: Mapping[str, Any], data: Data) -> list[str]:
    """The source sets a run's checked parameters select in its data, in the vocabulary's order."""
    from analysis.evidence.loaders import load_sources

    sources = load_sources(data)
    chosen = set(sources.loc[sources["source_id"].isin(parameters["sources"]), "source_set"])
    return [name for name in load_vocabulary(data).source_sets if name in chosen]


def scope_phrase(parameters: Mapping[str, Any], data: Data) -> str:
    """What a run covers, in words from the vocabulary's labels: "A, B and C compared" or "A only"."""
    labels = load_vocabulary(data).labels()
    names = [labels[name] for name in selected_source_sets(parameters, data)]
    if len(names) == 1:
        return f"{names[0]} only"
    return f"{', '.join(names[:-1])} and {names[-1]} compared"

