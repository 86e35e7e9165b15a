"""Agreement of two coders on present/absent decisions, and agreement with the facilitators' action themes.

The tables for every reliability test are assembled by :mod:`analysis.coding.reliability_tables`.

Reliability (two coders, one sample):

- Each code is a present/absent decision for each sampled contribution. Krippendorff's alpha
  (nominal) is computed per code over the sampled contributions, and pooled over every
  contribution x code decision (all codes of the codebook, ``not_codable`` included, each
  pair one unit), from the closed form for two coders, binary values and no missing data,
  ``1 - (n - 1) d / (n_0 n_1)`` (``n`` = 2 x units, ``d`` = units the coders disagree on,
  ``n_0`` and ``n_1`` = how often each value was used), which the tests check against the
  ``krippendorff`` package.
- 95% intervals are percentile bootstrap intervals over contributions, as at every level (see
  :mod:`analysis.coding.alpha`): contributions are resampled with replacement (fixed seed,
  ``n_boot`` resamples), each with all its decisions, and the disagreements ``d`` recomputed,
  ``n_0 n_1`` held at the sample's values (Hayes and Krippendorff 2007). Alpha and its
  interval are undefined (empty) when only one value occurs in the sample.
- Beside every coefficient: percent agreement (share of decisions on which the coders agree),
  each coder's prevalence (share of sampled contributions carrying the code) and counts.

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

import numpy as np
import pandas as pd

from analysis.coding import alpha as al
from analysis.evidence.vocabulary import CONSENSUS
from analysis.params import DEFAULT_SEED

POOLED = "(pooled)"
NO_THEME = "none"
DEFAULT_N_BOOT = 2000
THRESHOLD_TENTATIVE = 0.667
#: The alpha from which a theme counts as reliable (Krippendorff's customary 0.800).
THRESHOLD_RELIABLE = 0.80


# --- alpha ------------------------------------------------------------------------------------


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


def sample_presence(coding: pd.DataFrame, codes: Sequence[str], sample: Sequence[str], coders: tuple[str, str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Both coders' coding of the sample (distinct ids) as 0/1 matrices, sample x codes (bool):
    ``codes``, then any other code either coder used in the sample, sorted."""
    rows = coding[coding["coder"].isin(coders)]
    unit = pd.Index(sample).get_indexer(rows["contribution_id"])
    rows, unit = rows[unit >= 0], unit[unit >= 0]
    codes = list(codes) + sorted(set(rows["code_id"].unique()) - set(codes))
    column = pd.Index(codes).get_indexer(rows["code_id"])
    coder = rows["coder"].to_numpy()
    matrices = []
    for name in coders:
        matrix = np.zeros((len(sample), len(codes)), dtype=bool)
        matrix[unit[coder == name], column[coder == name]] = True
        matrices.append(matrix)
    return codes, matrices[0], matrices[1]


def _share(count: np.ndarray | int, total: int) -> np.ndarray | float:
    """``count / total``; NaN when ``total`` is 0."""
    return np.asarray(count) / total if total else np.full(np.shape(count), np.nan)


def alpha_table(
    coding: pd.DataFrame,
    codebook: dict,
    sample: Sequence[str],
    coders: tuple[str, str] = ("coder_a", "coder_b"),
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Krippendorff's alpha per code and pooled, with bootstrap 95% intervals over contributions
    (:func:`presence_alpha_table` of the coders' coding of the sample).

    One row per code (codebook order; a code a coder used that the codebook lacks is added,
    flagged ``in_codebook`` False) and a last row ``(pooled)``."""
    sample = list(dict.fromkeys(sample))
    codes, a, b = sample_presence(coding, [str(c["id"]) for c in codebook["codes"]], sample, coders)
    return presence_alpha_table(a, b, codes, {str(c["id"]): c.get("label", "") for c in codebook["codes"]}, n_boot, seed)


def presence_alpha_table(a: np.ndarray, b: np.ndarray, codes: Sequence[str], labels: dict[str, str], n_boot: int, seed: int,
                         clusters: Sequence[str] | None = None) -> pd.DataFrame:
    """Alpha per column of two coders' 0/1 matrices (units x codes) and pooled over every cell,
    from the closed form, with bootstrap intervals (:func:`analysis.coding.alpha.resampled_sums`
    of the disagreements, the expected disagreement held fixed).

    Columns: ``code_id``, ``label``, ``alpha``, ``ci_low``, ``ci_high``, ``n_boot_valid``
    (resamples where alpha was defined), ``percent_agreement``, ``prevalence_a``,
    ``prevalence_b`` (share of units carrying the code), ``n_a``, ``n_b``, ``n_both``,
    ``n_units`` (decisions), ``in_codebook``. The pooled row's prevalences are the mean number of
    codes per unit divided by the number of codes (the share of decisions that are "present").
    With ``clusters`` (each unit's list), also ``cluster_ci_low`` and ``cluster_ci_high``: the
    interval from resampling whole lists (:func:`analysis.coding.alpha.cluster_presence_bootstrap`)."""
    n, cells = len(a), a.size
    n_a, n_b, n_both = a.sum(axis=0), b.sum(axis=0), (a & b).sum(axis=0)
    used, disagree = n_a + n_b, n_a + n_b - 2 * n_both
    expected = 2.0 * (2 * n - used) * used  # sum_ck n_c n_k delta_ck for values 0 and 1
    pooled_expected = 2.0 * (2 * cells - used.sum()) * used.sum()
    resampled = al.resampled_sums(a != b, n_boot, seed)
    boot = al.alpha_given_expected(2 * n, resampled, expected)
    pooled_boot = al.alpha_given_expected(2 * cells, resampled.sum(axis=1), pooled_expected)
    alpha = al.alpha_given_expected(2 * n, disagree, expected)
    agreement, prevalence_a, prevalence_b = _share(n - disagree, n), _share(n_a, n), _share(n_b, n)
    records = [{
        "code_id": code, "label": labels.get(code, ""), "alpha": float(alpha[j]),
        **dict(zip(("ci_low", "ci_high", "n_boot_valid"), al.percentile_interval(boot[:, j]))),
        "percent_agreement": float(agreement[j]), "prevalence_a": float(prevalence_a[j]), "prevalence_b": float(prevalence_b[j]),
        "n_a": int(n_a[j]), "n_b": int(n_b[j]), "n_both": int(n_both[j]), "n_units": n, "in_codebook": code in labels,
    } for j, code in enumerate(codes)]
    records.append({
        "code_id": POOLED, "label": "All contribution x code decisions",
        "alpha": float(al.alpha_given_expected(2 * cells, disagree.sum(), pooled_expected)),
        **dict(zip(("ci_low", "ci_high", "n_boot_valid"), al.percentile_interval(pooled_boot))),
        "percent_agreement": float(_share(cells - disagree.sum(), cells)),
        "prevalence_a": float(_share(n_a.sum(), cells)), "prevalence_b": float(_share(n_b.sum(), cells)),
        "n_a": int(n_a.sum()), "n_b": int(n_b.sum()), "n_both": int(n_both.sum()), "n_units": int(cells), "in_codebook": True,
    })
    table = pd.DataFrame.from_records(records)
    if clusters is None:
        return table
    per_column, pooled = al.cluster_presence_bootstrap(a, b, clusters, n_boot, seed)
    bounds = [al.percentile_interval(per_column[:, j])[:2] for j in range(len(codes))] + [al.percentile_interval(pooled)[:2]]
    return table.assign(cluster_ci_low=[low for low, _ in bounds], cluster_ci_high=[high for _, high in bounds])


# --- Cohen's kappa and the facilitator themes ----------------------------------------------------


def cohen_kappa(first: Sequence, second: Sequence, categories: Sequence | None = None) -> float:
    """Cohen's kappa of two paired label sequences (statsmodels, over their :func:`confusion`
    table). NaN when there are none, or when chance agreement is certain (a single category throughout)."""
    from statsmodels.stats.inter_rater import cohens_kappa

    first, second = list(first), list(second)
    if len(first) != len(second):
        raise ValueError("the two sequences differ in length")
    if not first:
        return float("nan")
    table = confusion(first, second, categories).to_numpy(dtype=float)
    chance = float((table.sum(axis=1) * table.sum(axis=0)).sum() / table.sum() ** 2)
    return float("nan") if chance == 1 else float(cohens_kappa(table, return_results=False))


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
    theme_rows = contributions[contributions["contribution_id"].isin(named)]
    unknown = sorted(named - set(theme_rows["contribution_id"].tolist()))
    if unknown:
        raise ValueError(f"crosswalk names themes that are not contributions: {', '.join(unknown)}")
    theme_sections = set(theme_rows["section"].tolist())
    if len(theme_sections) > 1:
        raise ValueError(f"crosswalk names themes from several sections: {', '.join(sorted(theme_sections))}")
    themes = contributions[contributions["section"].isin(theme_sections)]["contribution_id"].tolist()
    examples = contributions[contributions["parent_id"].isin(themes)]
    if contribution_ids is not None:
        examples = examples[examples["contribution_id"].isin(list(contribution_ids))]
    ids, printed = examples["contribution_id"].tolist(), examples["parent_id"].tolist()
    rows = coding[coding["coder"] == coder]
    codes_of = _codes_by_contribution(rows[rows["contribution_id"].isin(ids)])
    rank = {code: i for i, code in enumerate(crosswalk["code_id"])}
    theme_of = dict(zip(crosswalk["code_id"], crosswalk["facilitator_theme_id"]))
    codes = [tuple(codes_of.get(cid, ())) for cid in ids]
    outcome = {listed: (_predicted_theme(listed, rank, theme_of), sorted({theme_of[c] for c in listed if theme_of.get(c)})) for listed in set(codes)}
    predicted, mapped = [outcome[listed][0] for listed in codes], [outcome[listed][1] for listed in codes]
    items = pd.DataFrame({
        "contribution_id": ids, "text": examples["text"].tolist(), "printed_theme": printed,
        "codes": ["; ".join(listed) for listed in codes], "mapped_themes": ["; ".join(listed) for listed in mapped],
        "predicted_theme": predicted, "agree": [p == t for p, t in zip(predicted, printed)],
        "printed_among_mapped": [t in listed for t, listed in zip(printed, mapped)],
    })
    categories = sorted(set(themes) & (set(printed) | set(predicted))) + ([NO_THEME] if NO_THEME in set(predicted) else [])
    table = confusion(printed, predicted, categories)
    kappa = cohen_kappa(printed, predicted, categories)
    return FacilitatorAgreement(items=items, confusion=table, n=len(items), agreement=float(items["agree"].mean()),
                                kappa=kappa,
                                agreement_any=float(items["printed_among_mapped"].mean()))
