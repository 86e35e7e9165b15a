"""One call gives a notebook everything it analyses, for the parameters it was given.

``open_study(parameters)`` checks the parameters (the same rules as the build), loads and
validates the data, keeps the selected sources, and builds the presence table at the chosen
theme level and the grouping at the chosen group level.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.compare import presence_matrix
from analysis.params import PARAMETERS, check_parameters
from analysis.paths import PROJECT_ROOT

GROUP_COLUMNS = {"group": "speaker_group", "sector": "speaker_sector"}


@dataclass(frozen=True)
class Study:
    """The data of one run, filtered and shaped by its parameters."""

    parameters: dict[str, Any]
    data_dir: Path
    contributions: pd.DataFrame
    codebook: dict
    coding: pd.DataFrame
    presence: pd.DataFrame
    groups: pd.Series
    group_labels: dict[str, str]
    item_labels: dict[str, str]

    @property
    def group_column(self) -> str:
        return GROUP_COLUMNS[self.parameters["group_level"]]

    @property
    def is_fixture(self) -> bool:
        return "fixtures" in self.data_dir.parts


def counted_codes(codebook: dict) -> list[str]:
    """Codes that may be counted: not the not-codable code, nor codes marked count_in_briefing: false."""
    return [
        code["id"] for code in codebook["codes"]
        if code["id"] != "not_codable" and code.get("count_in_briefing", True)
    ]


def restrict_codebook(codebook: dict, codes: list[str]) -> dict:
    """The codebook with only the given codes, and only the themes that still hold a code."""
    kept = [code for code in codebook["codes"] if code["id"] in codes]
    themes = {code["theme"] for code in kept}
    return {**codebook, "codes": kept, "themes": [t for t in codebook["themes"] if t["id"] in themes]}


def group_labels(data_dir: Path, level: str) -> dict[str, str]:
    """Readable names for speaker groups (their first printed label) or sectors."""
    from analysis.schema import SECTORS
    from analysis.validate import load_groups

    if level == "sector":
        return {sector: sector.replace("_", " ").capitalize() for sector in SECTORS}
    groups = load_groups(data_dir)["speaker_groups"]
    return {group_id: fields["short_label"] for group_id, fields in groups.items()}


def open_study(parameters: dict[str, Any]) -> Study:
    """Check the parameters, load and validate the data, and shape it for analysis."""
    from analysis.coding import load_codebook, load_coding
    from analysis.validate import load_contributions

    checked = check_parameters({k: v for k, v in parameters.items() if k in PARAMETERS}, where="notebook parameters")
    data_dir = PROJECT_ROOT / checked["data_dir"]
    contributions = load_contributions(data_dir)
    contributions = contributions[contributions["source_id"].isin(checked["sources"])].reset_index(drop=True)
    codebook = load_codebook(data_dir)
    coding = load_coding(data_dir)
    coding = coding[coding["contribution_id"].isin(contributions["contribution_id"])].reset_index(drop=True)
    counted = restrict_codebook(codebook, counted_codes(codebook))
    consensus = coding[(coding["coder"] == "consensus") & coding["code_id"].isin(counted_codes(codebook))]
    presence = presence_matrix(contributions, consensus, counted, level=checked["theme_level"])
    column = GROUP_COLUMNS[checked["group_level"]]
    items = counted["themes"] if checked["theme_level"] == "theme" else counted["codes"]
    return Study(
        parameters=checked,
        data_dir=data_dir,
        contributions=contributions,
        codebook=codebook,
        coding=coding,
        presence=presence,
        groups=contributions.set_index("contribution_id")[column],
        group_labels=group_labels(data_dir, checked["group_level"]),
        item_labels={item["id"]: item["label"] for item in items},
    )

