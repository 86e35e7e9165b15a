"""Agreement of two coders on present/absent decisions, and agreement with the facilitators' action themes.

The tables for every reliability test are assembled by :mod:`analysis.coding.reliability_tables`.

Reliability (two coders, one sample):

- Each code is a present/absent decision for each sampled contribution. Krippendorff's alpha
  (nominal) is computed per code over the sampled contributions, and pooled over every
  contribution x code decision (all codes of the codebook, ``not_codable`` included, each
  pair one unit). Point estimates come from the ``krippendorff`` package.
- 95% intervals are percentile bootstrap intervals over contributions: contributions are
  resampled with replacement (fixed seed, ``n_boot`` resamples) and alpha recomputed from
  the resampled rows. For speed the bootstrap uses the closed form of nominal alpha for two
  coders, binary values and no missing data, ``1 - (n - 1) d / (n_0 n_1)`` (``n`` = 2 x units,
  ``d`` = units the coders disagree on, ``n_0`` and ``n_1`` = how often each value was used),
  which the tests check against the package. A resample is drawn as how many contributions
  of each distinct pattern of codes (both coders) it holds, in chunks, so time and memory grow
  with the distinct patterns, whatever ``n_boot`` is. Resamples in which a code is never (or
  always) used by both coders leave alpha undefined; they are dropped and the number kept is
  reported.
- Beside every coefficient: percent agreement (share of decisions on which the coders agree),
  each coder's prevalence (share of sampled contributions carrying the code) and counts.
  Alpha is undefined (empty) when neither coder used a code in the sample.

Facilitator agreement (the visioning day): the facilitators' action themes are the
contributions the crosswalk names and every other contribution of their section; an example
action is a contribution whose ``parent_id`` is one of them, printed under that theme. A crosswalk
(``data/crosswalk_facilitator_themes.csv``: ``code_id``, ``facilitator_theme_id``, ``note``;
``facilitator_theme_id`` empty where a code maps to no theme) turns an example action's
consensus codes into a predicted theme:

- Each code of the example action that the crosswalk maps votes for its theme; the theme with
  most votes is predicted.
- Ties go to the theme of the tied code listed first in the crosswalk; the crosswalk lists
  codes in order of precedence (codes that name a facilitator theme's topic directly first,
  broader codes later).
- An example action none of whose codes maps to a theme is predicted ``none``.

Agreement is the share of example actions whose predicted theme is the theme they were
printed under; Cohen's kappa is computed over the categories that occur (the themes and
``none``), with the confusion table (rows: printed theme, columns: predicted). Beside it, a
looser figure: the share of example actions whose printed theme is among the themes any of
their codes maps to (``agreement_any``), which does not depend on the tie rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.coding.alpha import nominal_alpha
from analysis.coding.codes import CONSENSUS, CROSSWALK_COLUMNS, CROSSWALK_CSV
from analysis.paths import DATA_DIR

POOLED = "(pooled)"
NO_THEME = "none"
DEFAULT_SEED = 20060201  # any fixed number; Changing Lives was published in February 2006
DEFAULT_N_BOOT = 2000
THRESHOLD_TENTATIVE = 0.667
THRESHOLD_RELIABLE = 0.80
BOOTSTRAP_CHUNK = 2**22  # resample x pattern cells held in memory at once by the bootstrap



# --- alpha ------------------------------------------------------------------------------------


def binary_alpha(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    """Closed-form nominal alpha for two coders, 0/1 values, no missing data, along ``axis``:
    ``1 - (n - 1) d / (n_0 n_1)`` with ``n = 2 units``. NaN where only one value occurs."""
    a, b = np.asarray(a), np.asarray(b)
    d = np.not_equal(a, b).sum(axis=axis, dtype=np.int64)
    n1 = a.sum(axis=axis, dtype=np.int64) + b.sum(axis=axis, dtype=np.int64)
    return alpha_from_counts(2 * a.shape[axis], d, n1)


def alpha_from_counts(n: int, d: np.ndarray, n1: np.ndarray) -> np.ndarray:
    """Closed-form binary alpha from ``n`` values (2 x units), ``d`` units the coders
    disagree on and ``n1`` values that are 1; NaN where only one value occurs."""
    n0 = n - n1
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (n - 1) * d / (n0 * n1)
    return np.where((n0 == 0) | (n1 == 0), np.nan, alpha)


def bootstrap_counts(disagree: np.ndarray, used: np.ndarray, n_boot: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Per resample and code, the disagreements and the 1s of a bootstrap over units (rows).

    ``disagree`` and ``used`` are units x codes (0/1, and 0-2 for the two coders' 1s). Units
    with the same row in both are interchangeable, so a resample of ``n`` units with
    replacement is drawn as how many units of each distinct pattern it holds (one multinomial
    over the patterns' shares): the same distribution as drawing units, at a cost that grows
    with the distinct patterns, not the units. Resamples are drawn :data:`BOOTSTRAP_CHUNK`
    cells at a time. Returns two ``(n_boot, codes)`` int64 arrays."""
    n, codes = disagree.shape
    d = np.zeros((n_boot, codes), dtype=np.int64)
    n1 = np.zeros((n_boot, codes), dtype=np.int64)
    if n == 0:
        return d, n1
    patterns, counts = np.unique(np.hstack([disagree, used]).astype(np.int64), axis=0, return_counts=True)
    per_chunk = max(1, BOOTSTRAP_CHUNK // len(patterns))
    for start in range(0, n_boot, per_chunk):
        k = min(per_chunk, n_boot - start)
        sums = rng.multinomial(n, counts / n, size=k) @ patterns  # (k, 2 codes)
        d[start:start + k], n1[start:start + k] = sums[:, :codes], sums[:, codes:]
    return d, n1


def presence(coding: pd.DataFrame, coder: str, contribution_ids: Sequence[str], codes: Sequence[str]) -> pd.DataFrame:
    """0/1 table, contributions x codes, of one coder's coding (rows in ``contribution_ids`` order)."""
    index = pd.Index(list(contribution_ids), name="contribution_id")
    columns = pd.Index(list(codes), name="code_id")
    unique_ids, unique_codes = index.unique(), columns.unique()
    rows = coding[coding["coder"] == coder]
    i = unique_ids.get_indexer(rows["contribution_id"])
    j = unique_codes.get_indexer(rows["code_id"])
    found = (i >= 0) & (j >= 0)
    values = np.zeros((len(unique_ids), len(unique_codes)), dtype=np.int64)
    values[i[found], j[found]] = 1
    values = values[unique_ids.get_indexer(index)][:, unique_codes.get_indexer(columns)]
    return pd.DataFrame(values, index=index, columns=columns)


def _codes_for(coding: pd.DataFrame, codebook: dict, coders: Sequence[str], sample: Sequence[str]) -> list[str]:
    """The codebook's codes in order, then any code a coder used in the sample that the codebook lacks."""
    codes = [str(c["id"]) for c in codebook["codes"]]
    used = coding[coding["coder"].isin(coders) & coding["contribution_id"].isin(sample)]["code_id"]
    return codes + sorted(set(used) - set(codes))


def alpha_table(
    coding: pd.DataFrame,
    codebook: dict,
    sample: Sequence[str],
    coders: tuple[str, str] = ("coder_a", "coder_b"),
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Krippendorff's alpha per code and pooled, with bootstrap 95% intervals over contributions.

    One row per code (codebook order; a code a coder used that the codebook lacks is added,
    flagged ``in_codebook`` False) and a last row ``(pooled)``. Columns: ``code_id``, ``label``,
    ``alpha``, ``ci_low``, ``ci_high``, ``n_boot_valid`` (resamples where alpha was defined),
    ``percent_agreement``, ``prevalence_a``, ``prevalence_b`` (share of the sampled contributions
    carrying the code), ``n_a``, ``n_b``, ``n_both``, ``n_units`` (decisions), ``in_codebook``.
    The pooled row's prevalences are the mean number of codes per contribution divided by
    the number of codes (the share of decisions that are "present").
    """
    sample = list(dict.fromkeys(sample))
    codes = _codes_for(coding, codebook, coders, sample)
    a = presence(coding, coders[0], sample, codes).to_numpy(dtype=np.int8)
    b = presence(coding, coders[1], sample, codes).to_numpy(dtype=np.int8)
    labels = {str(c["id"]): c.get("label", "") for c in codebook["codes"]}
    n = len(sample)
    rng = np.random.default_rng(seed)
    n_resamples = n_boot if n_boot > 0 and n > 0 else 0
    d, n1 = bootstrap_counts(np.not_equal(a, b).astype(np.int8), a + b, n_resamples, rng)
    per_code_boot = alpha_from_counts(2 * n, d, n1)  # (n_resamples, codes)
    pooled_boot = alpha_from_counts(2 * n * len(codes), d.sum(axis=1), n1.sum(axis=1))

    def interval(values: np.ndarray) -> tuple[float, float, int]:
        valid = values[~np.isnan(values)]
        if len(valid) == 0:
            return float("nan"), float("nan"), 0
        low, high = np.percentile(valid, [2.5, 97.5])
        return float(low), float(high), int(len(valid))

    records = []
    for j, code in enumerate(codes):
        low, high, valid = interval(per_code_boot[:, j]) if n_resamples else (float("nan"), float("nan"), 0)
        records.append({
            "code_id": code, "label": labels.get(code, ""),
            "alpha": nominal_alpha(a[:, j], b[:, j]), "ci_low": low, "ci_high": high, "n_boot_valid": valid,
            "percent_agreement": float((a[:, j] == b[:, j]).mean()) if n else float("nan"),
            "prevalence_a": float(a[:, j].mean()) if n else float("nan"),
            "prevalence_b": float(b[:, j].mean()) if n else float("nan"),
            "n_a": int(a[:, j].sum()), "n_b": int(b[:, j].sum()), "n_both": int((a[:, j] & b[:, j]).sum()),
            "n_units": n, "in_codebook": code in labels,
        })
    low, high, valid = interval(pooled_boot) if n_resamples else (float("nan"), float("nan"), 0)
    records.append({
        "code_id": POOLED, "label": "All contribution x code decisions",
        "alpha": nominal_alpha(a.ravel(), b.ravel()), "ci_low": low, "ci_high": high, "n_boot_valid": valid,
        "percent_agreement": float((a == b).mean()) if a.size else float("nan"),
        "prevalence_a": float(a.mean()) if a.size else float("nan"),
        "prevalence_b": float(b.mean()) if b.size else float("nan"),
        "n_a": int(a.sum()), "n_b": int(b.sum()), "n_both": int((a & b).sum()), "n_units": int(a.size), "in_codebook": True,
    })
    return pd.DataFrame.from_records(records)


# --- Cohen's kappa and the facilitator themes ----------------------------------------------------


def cohen_kappa(first: Sequence, second: Sequence, categories: Sequence | None = None) -> float:
    """Cohen's kappa of two paired label sequences: ``(p_o - p_e) / (1 - p_e)``, ``p_e`` from
    the two marginal distributions. NaN when ``p_e`` is 1 (a single category throughout)."""
    first, second = list(first), list(second)
    if len(first) != len(second):
        raise ValueError("the two sequences differ in length")
    if not first:
        return float("nan")
    table = confusion(first, second, categories).to_numpy(dtype=float)
    total = table.sum()
    p_o = np.trace(table) / total
    p_e = float((table.sum(axis=1) * table.sum(axis=0)).sum() / total**2)
    return float("nan") if p_e == 1 else float((p_o - p_e) / (1 - p_e))


def confusion(first: Sequence, second: Sequence, categories: Sequence | None = None) -> pd.DataFrame:
    """Counts of (first, second) label pairs; rows ``first``, columns ``second``, both over
    ``categories`` (default: the sorted labels that occur)."""
    first, second = list(first), list(second)
    categories = list(categories) if categories is not None else sorted(set(first) | set(second))
    index = pd.Index(categories)
    rows, columns = index.get_indexer(first), index.get_indexer(second)
    unknown = [label for label, position in zip(first + second, np.concatenate([rows, columns])) if position < 0]
    if unknown:
        raise KeyError(unknown[0])
    k = len(categories)
    counts = np.bincount(rows * k + columns, minlength=k * k).reshape(k, k).astype(np.int64)
    return pd.DataFrame(counts, index=pd.Index(categories, name="printed"), columns=pd.Index(categories, name="predicted"))


def load_crosswalk(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The crosswalk from codes to facilitator themes (text columns, empty theme as '')."""
    frame = pd.read_csv(Path(data_dir) / CROSSWALK_CSV, dtype=str, keep_default_na=False)
    missing = {c.name for c in CROSSWALK_COLUMNS} - set(frame.columns)
    if missing:
        raise ValueError(f"{CROSSWALK_CSV}: missing column(s) {', '.join(sorted(missing))}")
    if frame["code_id"].duplicated().any():
        raise ValueError(f"{CROSSWALK_CSV}: duplicate code_id {sorted(frame.loc[frame['code_id'].duplicated(), 'code_id'])}")
    return frame




def predict_theme(codes: Sequence[str], crosswalk: pd.DataFrame) -> str:
    """The facilitator theme an example action's codes point to (the rule in the module
    docstring): most votes, ties to the code listed first in the crosswalk; ``none`` if no
    code maps to a theme."""
    rank = {code: i for i, code in enumerate(crosswalk["code_id"])}
    theme_of = dict(zip(crosswalk["code_id"], crosswalk["facilitator_theme_id"]))
    return _predicted_theme(codes, rank, theme_of)


def _predicted_theme(codes: Sequence[str], rank: dict[str, int], theme_of: dict[str, str]) -> str:
    """:func:`predict_theme` with the crosswalk's precedence and themes already looked up."""
    mapped = sorted((rank[c], theme_of[c]) for c in set(codes) if theme_of.get(c))
    if not mapped:
        return NO_THEME
    votes: dict[str, int] = {}
    for _, theme in mapped:
        votes[theme] = votes.get(theme, 0) + 1
    best = max(votes.values())
    return next(theme for _, theme in mapped if votes[theme] == best)


def _codes_by_contribution(rows: pd.DataFrame) -> dict[str, list[str]]:
    """Each contribution's codes in ``rows``, in row order."""
    codes: dict[str, list[str]] = {}
    for cid, code in zip(rows["contribution_id"].tolist(), rows["code_id"].tolist()):
        codes.setdefault(cid, []).append(code)
    return codes


@dataclass(frozen=True)
class FacilitatorAgreement:
    """Agreement between the facilitators' placing of example actions and the coding."""

    items: pd.DataFrame  # contribution_id, text, printed_theme, codes, mapped_themes, predicted_theme, agree, printed_among_mapped
    confusion: pd.DataFrame  # rows printed theme, columns predicted theme
    n: int
    agreement: float
    kappa: float
    kappa_statsmodels: float
    agreement_any: float

    def summary(self) -> str:
        return (f"{self.n} example actions under a facilitator theme: predicted theme agrees for "
                f"{int(self.items['agree'].sum())} ({self.agreement:.0%}); Cohen's kappa {self.kappa:.2f}; "
                f"printed theme among the mapped themes for {int(self.items['printed_among_mapped'].sum())} ({self.agreement_any:.0%})")


def facilitator_agreement(
    contributions: pd.DataFrame,
    coding: pd.DataFrame,
    crosswalk: pd.DataFrame,
    coder: str = CONSENSUS,
    contribution_ids: Sequence[str] | None = None,
) -> FacilitatorAgreement:
    """Compare the theme each example action was printed under (its ``parent_id``) with the
    theme its ``coder`` codes predict through ``crosswalk`` (see the module docstring).
    Example actions without a parent theme are left out; ``contribution_ids`` keeps only
    those listed (e.g. a test's sample). Raises ValueError when the crosswalk names a theme
    that is not a contribution, or themes from more than one section."""
    named = set(crosswalk["facilitator_theme_id"]) - {""}
    unknown = sorted(named - set(contributions["contribution_id"]))
    if unknown:
        raise ValueError(f"crosswalk names themes that are not contributions: {', '.join(unknown)}")
    theme_sections = set(contributions.loc[contributions["contribution_id"].isin(named), "section"])
    if len(theme_sections) > 1:
        raise ValueError(f"crosswalk names themes from several sections: {', '.join(sorted(theme_sections))}")
    themes = contributions[contributions["section"].isin(theme_sections)]["contribution_id"].tolist()
    examples = contributions[contributions["parent_id"].isin(themes)]
    if contribution_ids is not None:
        examples = examples[examples["contribution_id"].isin(list(contribution_ids))]
    codes_of = _codes_by_contribution(coding[(coding["coder"] == coder) & coding["contribution_id"].isin(examples["contribution_id"])])
    rank = {code: i for i, code in enumerate(crosswalk["code_id"])}
    theme_of = dict(zip(crosswalk["code_id"], crosswalk["facilitator_theme_id"]))
    records = []
    for example in examples.itertuples():
        codes = codes_of.get(example.contribution_id, [])
        predicted = _predicted_theme(codes, rank, theme_of)
        mapped = sorted({theme_of[c] for c in codes if theme_of.get(c)})
        records.append({
            "contribution_id": example.contribution_id, "text": example.text, "printed_theme": example.parent_id,
            "codes": "; ".join(codes), "mapped_themes": "; ".join(mapped),
            "predicted_theme": predicted, "agree": predicted == example.parent_id,
            "printed_among_mapped": example.parent_id in mapped,
        })
    items = pd.DataFrame.from_records(records)
    categories = sorted(set(themes) & (set(items["printed_theme"]) | set(items["predicted_theme"]))) + (
        [NO_THEME] if NO_THEME in set(items["predicted_theme"]) else [])
    table = confusion(items["printed_theme"], items["predicted_theme"], categories)
    kappa = cohen_kappa(items["printed_theme"], items["predicted_theme"], categories)
    return FacilitatorAgreement(items=items, confusion=table, n=len(items), agreement=float(items["agree"].mean()),
                                kappa=kappa, kappa_statsmodels=statsmodels_kappa(table),
                                agreement_any=float(items["printed_among_mapped"].mean()))


def statsmodels_kappa(table: pd.DataFrame) -> float:
    """Cohen's kappa of a square contingency table by ``statsmodels`` (a cross-check)."""
    from statsmodels.stats.inter_rater import cohens_kappa

    return float(cohens_kappa(table.to_numpy(dtype=float), return_results=False))
