"""The stratified random sample of contributions a reliability test codes twice."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.params import DEFAULT_SEED


def draw_reliability_sample(
    contributions: pd.DataFrame,
    fraction: float = 0.25,
    seed: int = DEFAULT_SEED,
    strata: Sequence[str] = ("source_id", "speaker_group"),
) -> list[str]:
    """Contribution ids of a stratified random sample for a reliability test.

    Rule: every stratum (by default source_id x speaker_group, the first test's; the blind test
    on codebook 2.0 used source_id x section) contributes ``ceil(fraction * n)`` of its
    ``n`` contributions, drawn without replacement. Rounding up means every stratum, even one
    of a single contribution, is represented, and the sample is at least ``fraction`` of the
    whole (it is slightly more, as each stratum rounds up). Strata are visited in sorted order
    and ids are drawn from each stratum's ids in file order with one
    ``numpy.random.default_rng(seed)``, so the same data and seed give the same sample. The
    ids are returned in the order of ``contributions``.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], not {fraction}")
    if contributions["contribution_id"].duplicated().any():
        raise ValueError("contribution_id is not unique")
    rng = np.random.default_rng(seed)
    chosen: set[str] = set()
    for _, stratum in contributions.groupby(list(strata), sort=True, dropna=False):
        ids = list(stratum["contribution_id"])
        k = math.ceil(fraction * len(ids))
        picked = rng.choice(len(ids), size=k, replace=False)
        chosen.update(ids[i] for i in picked)
    return [cid for cid in contributions["contribution_id"] if cid in chosen]
