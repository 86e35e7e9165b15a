"""The analytic choices behind the claims, read from ``data/robustness.yaml``: which columns make
a list, which groups are made of people who speak elsewhere, which contributions' attribution is
uncertain, and the fewest lists a cluster interval needs. The checks
that use them are :data:`analysis.compare.claims.CHECKS`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from analysis.evidence.data import Data
from analysis.evidence.readers import DataValidationError, Problem
from analysis.paths import display_path

ROBUSTNESS_YAML = "robustness.yaml"


# --- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The analytic choices the claims' checks and the intervals read, from ``data/robustness.yaml``."""

    list_columns: tuple[str, ...]
    derived_groups: tuple[str, ...]
    uncertain: tuple[str, ...]
    min_clusters: int
    reasons: Mapping[str, str] = field(default_factory=dict)


def load_settings(data: Data) -> Settings:
    """``robustness.yaml`` of the data folder; a missing or wrong field raises
    DataValidationError naming the file and the field."""
    content, problems = data.yaml(ROBUSTNESS_YAML)
    shown = display_path(data.file(ROBUSTNESS_YAML))
    if content is None:
        raise DataValidationError(problems)
    try:
        uncertain = [entry for entry in content["uncertain_contributions"]]
        settings = Settings(
            list_columns=tuple(str(c) for c in content["list_columns"]),
            derived_groups=tuple(str(g) for g in content["derived_groups"]["groups"]),
            uncertain=tuple(str(cid) for entry in uncertain for cid in entry["ids"]),
            min_clusters=int(content["min_clusters"]),
            reasons={"derived_groups": str(content["derived_groups"]["reason"]).strip(),
                     "uncertain": " ".join(str(entry["reason"]).strip() for entry in uncertain)},
        )
    except (KeyError, TypeError, ValueError) as error:
        raise DataValidationError([Problem(shown, None, str(error).strip("'"), "missing or of the wrong type")]) from None
    return settings
