"""The robustness grid: every headline finding recomputed with one analytic choice changed.

A finding states a **claim** (:class:`Claim`): a theme raised by more groups than any other,
a group raising a theme more often than the others, a source set or a side carrying a theme
more often than another, a theme leading within a source set, themes leading a count. A
claim is re-tested on a **view** (:class:`View`) of the data: which contributions are
counted, with what weights, from which codes. Each **check** (:data:`CHECKS`) builds one view
by changing one choice, as listed in ``data/robustness.yaml``:

a. every contribution weighs the same (the briefing's choice; the baseline);
b. every list or document section weighs the same (one author's 47 sentences weigh as one
   list, like a group's five-item list);
c. the derived groups (mixed groups, action planning groups, facilitators) are left out;
d. contributions coded only not_codable are left out of the denominators;
e. the contributions whose attribution is uncertain are left out;
f. only codes whose reliability (Krippendorff's alpha) reaches the threshold are counted;
g. a group counts as raising a theme only with at least two contributions carrying it.

**Verdict rule.** Each claim is measured by a margin that is positive when the claim holds
as stated: for a lead, the leader's value minus the best other value; for a difference, the
higher side's share minus the lower side's. With m0 the margin of the baseline and m the
margin under a check:

- *reverses* when m < 0: the opposite holds (another theme leads; the difference changes sign);
- *weakens* when 0 <= m < m0 / 2 (less than half as strong; a tie where there was a lead),
  or when the claim says "most" or "largest" and another pair overtakes it;
- *holds* otherwise;
- *does not apply* when the check removes everything the finding describes (a finding about
  the facilitators' themes, with the derived groups left out): it neither holds nor fails.

A finding is **robust** when it holds under every check that applies to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.coding.codebook import NOT_CODABLE
from analysis.compare.comparisons import groups_raising, presence_matrix
from analysis.compare.stats import adjusted_residuals
from analysis.evidence.readers import DataValidationError, Problem, read_yaml
from analysis.paths import display_path

ROBUSTNESS_YAML = "robustness.yaml"
HOLDS, WEAKENS, REVERSES, NOT_APPLICABLE = "holds", "weakens", "reverses", "does not apply"
BASELINE = "a"


# --- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The alternatives the grid tries, from ``data/robustness.yaml``."""

    list_columns: tuple[str, ...]
    derived_groups: tuple[str, ...]
    uncertain: tuple[str, ...]
    threshold: float
    raised_min_count: int
    min_clusters: int
    set_aside: Mapping[str, str] = field(default_factory=dict)
    reasons: Mapping[str, str] = field(default_factory=dict)


def load_settings(data_dir: Path) -> Settings:
    """``robustness.yaml`` of the data folder; a missing or wrong field raises
    DataValidationError naming the file and the field."""
    path = Path(data_dir) / ROBUSTNESS_YAML
    content, problems = read_yaml(path)
    shown = display_path(path)
    if content is None:
        raise DataValidationError(problems)
    try:
        uncertain = [entry for entry in content["uncertain_contributions"]]
        settings = Settings(
            list_columns=tuple(str(c) for c in content["list_columns"]),
            derived_groups=tuple(str(g) for g in content["derived_groups"]["groups"]),
            uncertain=tuple(str(cid) for entry in uncertain for cid in entry["ids"]),
            threshold=float(content["reliability"]["threshold"]),
            raised_min_count=int(content["raised_min_count"]),
            min_clusters=int(content["min_clusters"]),
            set_aside={str(k): str(v) for k, v in (content.get("set_aside_sections") or {}).items()},
            reasons={"derived_groups": str(content["derived_groups"]["reason"]).strip(),
                     "uncertain": " ".join(str(entry["reason"]).strip() for entry in uncertain)},
        )
    except (KeyError, TypeError, ValueError) as error:
        raise DataValidationError([Problem(shown, None, str(error).strip("'"), "missing or of the wrong type")]) from None
    return settings


def code_reliability(data_dir: Path, codebook: Mapping) -> tuple[pd.Series, str]:
    """Krippendorff's alpha per code (index code_id; NaN where none can be had) and where it
    came from: the current reliability test (``reliability/tests.yaml``), a code's own alpha or
    its theme's where the code is too rare to test on its own (the briefing counts themes).
    Raises FileNotFoundError when the data record no test (:func:`inputs_for` then leaves
    check f out)."""
    data_dir = Path(data_dir)
    if not (data_dir / "reliability" / "tests.yaml").exists():
        raise FileNotFoundError(f"no reliability test in {display_path(data_dir)} (reliability/tests.yaml)")
    codes = [str(code["id"]) for code in codebook["codes"]]
    theme_of = {str(code["id"]): code["theme"] for code in codebook["codes"]}
    code_alpha, theme_alpha, test = _current_test_alpha(data_dir)
    alpha = code_alpha.reindex(codes)
    alpha = alpha.fillna(pd.Series({c: theme_alpha.get(theme_of[c], np.nan) for c in codes}))
    return alpha.astype(float), f"{test} (a code's own alpha; its theme's where the code is too rare to test alone)"


def _current_test_alpha(data_dir: Path) -> tuple[pd.Series, pd.Series, str]:
    """Per-code and per-theme alpha of the current reliability test (no bootstrap needed)."""
    from analysis.coding.reliability_tables import current_test, load_tests, reliability_tables
    from analysis.coding.functions import read_section_functions
    from analysis.evidence.loaders import load_contributions

    contributions = load_contributions(data_dir)
    coding = pd.read_csv(data_dir / "coding.csv", dtype=str, keep_default_na=False)
    tables = reliability_tables(data_dir, contributions, coding, read_section_functions(data_dir), n_boot=0, seed=0)
    test = current_test(load_tests(data_dir))["id"]
    by_code = tables["code_alpha"][tables["code_alpha"]["test"] == test].set_index("code_id")["alpha"]
    by_theme = tables["theme_alpha"][tables["theme_alpha"]["test"] == test].set_index("code_id")["alpha"]
    return by_code, by_theme, test


# --- views ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """The data a finding is computed from: which contributions (rows of ``presence`` and
    ``contributions``, both indexed by contribution_id), with what weights, and how many
    contributions make a group "raise" a theme."""

    presence: pd.DataFrame
    contributions: pd.DataFrame
    weights: pd.Series
    group_col: str
    min_cell_n: int
    min_count: int = 1

    def shown(self) -> View:
        """Only the groups with at least ``min_cell_n`` contributions (those the briefing shows)."""
        sizes = self.contributions[self.group_col].value_counts()
        keep = self.contributions[self.group_col].map(sizes).to_numpy() >= self.min_cell_n
        return self.subset(keep)

    def subset(self, keep) -> View:
        keep = np.asarray(keep, dtype=bool)
        return replace(self, presence=self.presence[keep], contributions=self.contributions[keep], weights=self.weights[keep])


@dataclass(frozen=True)
class Inputs:
    """What every view is built from: the run's contributions (with source_set), the consensus
    coding, the codebook of counted codes, the theme level, the group column and settings."""

    contributions: pd.DataFrame
    consensus: pd.DataFrame
    codebook: Mapping
    level: str
    group_col: str
    min_cell_n: int
    settings: Settings
    alpha: pd.Series | None  # None: no reliability table, so check f cannot be made
    alpha_table: str = ""


def build_view(inputs: Inputs, keep: pd.Series | None = None, codes: Sequence[str] | None = None,
               weights: Callable[[pd.DataFrame], pd.Series] | None = None, min_count: int = 1) -> View:
    """A view: the contributions where ``keep`` is true, coded with ``codes`` only (default all
    counted codes), weighted by ``weights`` (default 1 each)."""
    contributions = inputs.contributions if keep is None else inputs.contributions[keep.to_numpy()]
    codebook = inputs.codebook
    if codes is not None:
        kept = [code for code in codebook["codes"] if code["id"] in set(codes)]
        themes = {code["theme"] for code in kept}
        codebook = {**codebook, "codes": kept, "themes": [t for t in codebook["themes"] if t["id"] in themes]}
    known = {code["id"] for code in codebook["codes"]}
    coding = inputs.consensus[inputs.consensus["code_id"].isin(known)]
    presence = presence_matrix(contributions, coding, codebook, level=inputs.level)
    frame = contributions.set_index("contribution_id")
    w = pd.Series(1.0, index=frame.index) if weights is None else weights(frame)
    return View(presence, frame, w, inputs.group_col, inputs.min_cell_n, min_count)


def list_weights(columns: Sequence[str]) -> Callable[[pd.DataFrame], pd.Series]:
    """Weights that make every list (contributions sharing ``columns``) weigh 1 in all."""
    def weigh(frame: pd.DataFrame) -> pd.Series:
        keys = frame[list(columns)].fillna("").astype(str).agg("|".join, axis=1)
        return 1.0 / keys.map(keys.value_counts()).astype(float)
    return weigh


def only_not_codable(consensus: pd.DataFrame, codes: Sequence[str]) -> set[str]:
    """Contributions whose consensus topic codes are only not_codable (``codes``: the topic codes)."""
    topic = consensus[consensus["code_id"].isin(codes)]
    by_contribution = topic.groupby("contribution_id")["code_id"].apply(set)
    return {cid for cid, found in by_contribution.items() if found == {NOT_CODABLE}}


def reliable_codes(codebook: Mapping, alpha: pd.Series, threshold: float) -> list[str]:
    """The codebook's codes (not_codable kept) whose alpha is at least ``threshold``; an untested code is left out."""
    return [code["id"] for code in codebook["codes"] if code["id"] == NOT_CODABLE or alpha.get(code["id"], np.nan) >= threshold]


@dataclass(frozen=True)
class Check:
    """One alternative analytic choice: a key (a to g), a short label (a clause that reads after
    "when"; ``{name}`` takes a setting's value) and how to build its view."""

    key: str
    label: str
    build: Callable[[Inputs], View | None]


def _all_codes(inputs: Inputs) -> list[str]:
    return [code["id"] for code in inputs.codebook["codes"]]


CHECKS: tuple[Check, ...] = (
    Check("a", "each contribution weighs the same (as briefed)", lambda i: build_view(i)),
    Check("b", "each list or document section weighs the same",
          lambda i: build_view(i, weights=list_weights([c for c in i.settings.list_columns if c in i.contributions.columns]))),
    Check("c", "the groups made up of other groups' members (mixed groups, action planning groups, facilitators) are left out", lambda i: build_view(i, keep=~i.contributions["speaker_group"].isin(i.settings.derived_groups))),
    Check("d", "not-codable units are left out of the denominators",
          lambda i: build_view(i, keep=~i.contributions["contribution_id"].isin(only_not_codable(i.consensus, _all_codes(i))))),
    Check("e", "the uncertain attributions are left out", lambda i: build_view(i, keep=~i.contributions["contribution_id"].isin(i.settings.uncertain))),
    Check("f", "only codes with alpha of at least {threshold:.2f} are counted",
          lambda i: None if i.alpha is None else build_view(i, codes=reliable_codes(i.codebook, i.alpha, i.settings.threshold))),
    Check("g", "a group counts as raising a theme only with at least {raised_min_count} contributions carrying it",
          lambda i: build_view(i, min_count=i.settings.raised_min_count)),
)


# --- claims ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """What a finding asserts, in a form every view can re-test. ``kind`` is one of the keys of
    :data:`EVALUATORS`; ``items`` are the theme(s) it names (several for a tie); ``higher`` and
    ``lower`` the group, source set or side said to carry it more and less (``lower`` empty:
    all the others); ``voices`` and ``subjects`` the groups pooled on each side of a
    voice-and-subject comparison; ``largest``: the finding says it is the largest of its kind
    (for a difference) or that its items tie (for a lead of several items)."""

    kind: str
    items: tuple[str, ...]
    higher: str = ""
    lower: str = ""
    voices: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    largest: bool = False


@dataclass(frozen=True)
class Evaluation:
    """A claim's margin in one view (positive: it holds as stated), whether it is still the
    largest of its kind (a difference) or its items still tie (a lead), and the numbers in words."""

    margin: float
    largest: bool
    detail: str


def _weighted_share(view: View, rows: np.ndarray) -> pd.Series:
    """Weighted share of the selected rows carrying each item (NaN when no weight)."""
    w = view.weights.to_numpy()[rows]
    total = w.sum()
    values = view.presence.to_numpy(dtype=float)[rows]
    return pd.Series(w @ values / total if total > 0 else np.nan, index=view.presence.columns)


def _lead(values: pd.Series, items: Sequence[str]) -> tuple[float, str, bool]:
    """The lowest value among ``items`` minus the highest among the others (0 when there is
    no other), the best other, and whether the items are still level with each other."""
    mine = values[list(items)]
    others = values.drop(list(items))
    level = bool(mine.max() == mine.min())
    if others.empty:
        return 0.0, "", level
    return float(mine.min() - others.max()), str(others.idxmax()), level


def reach(view: View) -> pd.Series:
    """Per item: how many of the groups shown have at least ``min_count`` contributions carrying it."""
    shown = view.shown()
    return groups_raising(shown.presence.groupby(shown.contributions[shown.group_col].to_numpy()).sum(), shown.min_count)


def evaluate_most_groups(claim: Claim, view: View) -> Evaluation | None:
    values = reach(view)
    if not set(claim.items) <= set(values.index) or values.empty:
        return None
    margin, other, level = _lead(values, claim.items)
    groups = view.shown().contributions[view.group_col].nunique()
    return Evaluation(margin, level, f"{'/'.join(claim.items)} raised by {int(values[list(claim.items)].min())} of {groups} groups; "
                                           f"next {other} by {int(values.get(other, 0))}")


def _residual_leader(view: View) -> tuple[str, str]:
    """The (group, item) with the largest adjusted residual on weighted counts, among cells
    with at least two contributions."""
    groups = view.contributions[view.group_col].to_numpy()
    w = view.weights.to_numpy()
    weighted = view.presence.mul(w, axis=0).groupby(groups).sum()
    counts = view.presence.groupby(groups).sum()
    sizes = pd.Series(w, index=view.presence.index).groupby(groups).sum().reindex(weighted.index).to_numpy()
    residuals = pd.DataFrame({item: adjusted_residuals(weighted[item].to_numpy(), sizes) for item in weighted.columns},
                             index=weighted.index)
    residuals = residuals.where(counts >= 2)
    stacked = residuals.stack()
    return stacked.idxmax() if len(stacked) else ("", "")


def evaluate_group_difference(claim: Claim, view: View) -> Evaluation | None:
    shown = view.shown()
    groups = shown.contributions[shown.group_col].to_numpy()
    mine = groups == claim.higher
    if not mine.any() or mine.all():
        return None
    item = claim.items[0]
    share_mine, share_others = _weighted_share(shown, mine)[item], _weighted_share(shown, ~mine)[item]
    leader = _residual_leader(shown)
    return Evaluation(share_mine - share_others, tuple(leader) == (claim.higher, item),
                      f"{share_mine:.0%} against {share_others:.0%} among the other groups; largest residual: {leader[0]} / {leader[1]}")


def _two_sides(claim: Claim, view: View) -> tuple[np.ndarray, np.ndarray] | None:
    frame = view.contributions
    if claim.kind == "voice_subject":
        voice = frame["speaker_group"].isin(claim.voices).to_numpy()
        subject = frame["subject_group"].isin(claim.subjects).to_numpy()
        sides = {"voice": voice, "subject": subject}
    else:
        sides = {claim.higher: (frame["source_set"] == claim.higher).to_numpy(), claim.lower: (frame["source_set"] == claim.lower).to_numpy()}
    high, low = sides[claim.higher], sides[claim.lower]
    return (high, low) if high.any() and low.any() else None


def evaluate_side_difference(claim: Claim, view: View) -> Evaluation | None:
    sides = _two_sides(claim, view)
    if sides is None:
        return None
    high, low = (_weighted_share(view, rows) for rows in sides)
    gaps = (high - low).abs()
    item = claim.items[0]
    return Evaluation(high[item] - low[item], gaps.idxmax() == item,
                      f"{high[item]:.0%} ({claim.higher}) against {low[item]:.0%} ({claim.lower}); largest gap: {gaps.idxmax()}")


def evaluate_leading_item(claim: Claim, view: View) -> Evaluation | None:
    rows = (view.contributions["source_set"] == claim.higher).to_numpy()
    if not rows.any():
        return None
    shares = _weighted_share(view, rows)
    margin, other, level = _lead(shares, claim.items)
    return Evaluation(margin, level, f"{'/'.join(claim.items)} in {shares[list(claim.items)].min():.0%}; next {other} in {shares.get(other, np.nan):.0%}")


def evaluate_most_examples(claim: Claim, view: View) -> Evaluation | None:
    frame = view.contributions
    theme_sections = set(frame.loc[frame.index.isin(claim.items), "section"])
    themes = frame.index[frame["section"].isin(theme_sections)]
    examples = frame[frame["parent_id"].isin(themes)]
    if examples.empty:
        return None
    weights = view.weights.loc[examples.index]
    shares = weights.groupby(examples["parent_id"]).sum() / weights.sum()
    shares = shares.reindex(sorted(set(shares.index) | set(claim.items)), fill_value=0.0)
    margin, other, level = _lead(shares, claim.items)
    return Evaluation(margin, level, f"{'/'.join(claim.items)}: at least {shares[list(claim.items)].min():.0%} of attributed example actions each; "
                                           f"next {other}: {shares.get(other, 0):.0%}")


EVALUATORS: dict[str, Callable[[Claim, View], Evaluation | None]] = {
    "most_groups": evaluate_most_groups,
    "group_difference": evaluate_group_difference,
    "source_difference": evaluate_side_difference,
    "voice_subject": evaluate_side_difference,
    "leading_item": evaluate_leading_item,
    "most_examples": evaluate_most_examples,
}


def evaluate(claim: Claim, view: View) -> Evaluation | None:
    """The claim's evaluation in ``view``; None when the view holds nothing it describes."""
    return EVALUATORS[claim.kind](claim, view)


def verdict(baseline: Evaluation, checked: Evaluation | None, claims_largest: bool) -> str:
    """holds, weakens, reverses or does not apply, by the rule in the module docstring."""
    if checked is None:
        return NOT_APPLICABLE
    if checked.margin < 0:
        return REVERSES
    if checked.margin < baseline.margin / 2 or (baseline.margin > 0 and checked.margin == 0):
        return WEAKENS
    if claims_largest and baseline.largest and not checked.largest:
        return WEAKENS
    return HOLDS


def robustness_grid(claims: Mapping[str, Claim], inputs: Inputs, checks: Sequence[Check] = CHECKS) -> pd.DataFrame:
    """One row per finding x check: ``finding`` (its key), ``check``, ``label``, ``verdict``,
    ``margin``, ``baseline_margin`` and ``detail``. The baseline is check a."""
    views = {check.key: check.build(inputs) for check in checks}
    baseline_view = views[BASELINE] if BASELINE in views else build_view(inputs)
    records = []
    for key, claim in claims.items():
        base = evaluate(claim, baseline_view)
        if base is None or base.margin < 0:
            raise ValueError(f"finding {key!r} is not true of the baseline data (as briefed), so it cannot be re-tested")
        for check in checks:
            result = None if views[check.key] is None else evaluate(claim, views[check.key])
            records.append({"finding": key, "check": check.key, "label": check.label.format(**vars(inputs.settings)),
                            "verdict": verdict(base, result, claim.largest),
                            "margin": np.nan if result is None else result.margin, "baseline_margin": base.margin,
                            "detail": ("no reliability table in the data" if views[check.key] is None else "")
                            if result is None else result.detail})
    return pd.DataFrame.from_records(records, columns=["finding", "check", "label", "verdict", "margin", "baseline_margin", "detail"])


def verdict_table(grid: pd.DataFrame) -> pd.DataFrame:
    """Findings x checks, each cell a verdict (the grid as the briefing shows it), with a
    ``robust`` column: yes when every applicable check holds."""
    wide = grid.pivot(index="finding", columns="check", values="verdict").reindex(list(dict.fromkeys(grid["finding"])))
    wide["robust"] = ["yes" if is_robust(row) else "no" for row in wide.itertuples(index=False)]
    return wide.reset_index().rename_axis(columns=None)


def is_robust(verdicts: Sequence[str]) -> bool:
    """Robust: every applicable check holds (and at least one applies)."""
    applied = [v for v in verdicts if v != NOT_APPLICABLE]
    return bool(applied) and all(v == HOLDS for v in applied)


def robust_findings(grid: pd.DataFrame) -> list[str]:
    """The keys of the findings that hold under every applicable check, in grid order."""
    return [key for key, rows in grid.groupby("finding", sort=False) if is_robust(list(rows["verdict"]))]


def what_changes(grid: pd.DataFrame) -> dict[str, list[tuple[str, str, str]]]:
    """For each finding that is not robust: (check, label, verdict) of every check that changes it."""
    changed = grid[~grid["verdict"].isin([HOLDS, NOT_APPLICABLE])]
    return {key: list(zip(rows["check"], rows["label"], rows["verdict"])) for key, rows in changed.groupby("finding", sort=False)}


def inputs_for(study, settings: Settings | None = None) -> Inputs:
    """The grid's inputs for an opened study (analysis.compare.study.Study)."""
    from analysis.coding.codebook import code_ids
    from analysis.coding.codebook import restrict_codebook

    settings = settings or load_settings(study.data_dir)
    counted = restrict_codebook(study.codebook, code_ids(study.codebook, counted_only=True) + ["not_codable"])
    consensus = study.coding[study.coding["coder"] == "consensus"]
    try:
        alpha, table = code_reliability(study.data_dir, study.codebook)
    except FileNotFoundError:
        alpha, table = None, ""
    return Inputs(study.contributions, consensus, counted, study.parameters["theme_level"], study.group_column,
                  study.parameters["min_cell_n"], settings, alpha, table)
