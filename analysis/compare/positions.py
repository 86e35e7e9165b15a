"""Positions: what groups said about a theme, not only that they raised it.

Every contribution has one statement function (hope, problem, need, proposal, strength or
observation; :mod:`analysis.coding.functions`). Crossing the functions that take a position
(``position: true`` in the codebook) with the themes says, for each theme, which groups raised
it as a hope, as a problem, as a need, as a proposal or as a strength, with counts and a quote
each. Two kinds of opposition are then shown:

- by rule (:func:`contrasting_judgements`): within one code, one group describes the thing
  as working and another as going wrong (the functions the codebook marks ``judges: well``
  and ``judges: badly``, strength and problem). This finds statements that
  judge the same topic in opposite directions; it does not prove they contradict each other
  (both may be true in different places), so the briefing calls them contrasting judgements;
- by judgement (:func:`opposing_statements`): pairs of statements that take opposite
  positions, listed with a reason in ``data/opposing_statements.csv``, because no rule
  over functions and codes can see that "two voices" and "one voice" disagree.

Deviant cases (:func:`deviant_cases`) are the statements that go against the way a theme is
mostly judged: strengths in a theme mostly described as a problem, and the reverse.

The functions' roles (which take a position, which judge a theme well or badly) come from the
codebook: :func:`analysis.coding.functions.function_roles`, passed as ``roles``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.evidence.data import Data
from analysis.coding.functions import FunctionRoles, read_section_functions, statement_function_ids, statement_functions
from analysis.coding.opposing import OPPOSING_CSV, check_opposing
from analysis.coding.reliability import THRESHOLD_TENTATIVE
from analysis.coding.reliability_tables import STATUS_NOT_COUNTED, coded_function_alpha, coded_function_status
from analysis.compare.comparisons import typical_quote
from analysis.evidence.readers import DataValidationError
from analysis.evidence.vocabulary import CONSENSUS

#: How many times the other side a theme's judgements must lean one way before a statement against them is a deviant case.
DEVIANT_MAJORITY = 1.5


def function_status(data: Data, contributions: pd.DataFrame, coding: pd.DataFrame, codebook: Mapping) -> pd.DataFrame:
    """One row saying whether the coded statement functions are counted: ``n_from_section``,
    ``n_coded``, ``test`` and ``alpha`` (the latest blind test of the functions where they are
    coded, and its alpha; empty when none has covered them), ``threshold`` (THRESHOLD_TENTATIVE)
    and ``coded_counted``. Functions fixed by a section's heading are always counted."""
    consensus = coding[coding["coder"] == CONSENSUS]
    table = statement_functions(contributions, consensus, read_section_functions(data), statement_function_ids(codebook))
    test, alpha, _ = coded_function_alpha(data, coding, contributions, codebook)
    return pd.DataFrame([{"n_from_section": int((table["function_from"] == "section").sum()),
                          "n_coded": int((table["function_from"] == "coding").sum()), "test": test or "", "alpha": alpha,
                          "threshold": THRESHOLD_TENTATIVE,
                          "coded_counted": coded_function_status(data, coding, contributions, codebook) != STATUS_NOT_COUNTED}])


def counted_functions(contributions: pd.DataFrame, coding: pd.DataFrame, codebook: Mapping, data: Data,
                      coded_counted: bool) -> pd.Series:
    """Each contribution's statement function, with the coded ones left out (missing) unless
    ``coded_counted``: a function that failed or has not had its reliability test is not counted."""
    consensus = coding[coding["coder"] == CONSENSUS]
    table = statement_functions(contributions, consensus, read_section_functions(data), statement_function_ids(codebook))
    keep = table["function_from"].eq("section") | coded_counted
    return table.set_index("contribution_id")["statement_function"].where(keep.to_numpy())


def _quote(ids: Sequence[str], presence: pd.DataFrame, texts: pd.Series) -> str:
    """A typical quote among ``ids`` (the rule of :func:`typical_quote`)."""
    candidates = pd.DataFrame({"text": texts.loc[list(ids)], "n_coded": presence.loc[list(ids)].sum(axis=1)})
    return typical_quote(candidates)


def positions_by_group(presence: pd.DataFrame, contributions: pd.DataFrame, functions: pd.Series, group_col: str) -> pd.DataFrame:
    """One row per theme (or code) x statement function x group that raised it so: ``n``
    (the group's contributions carrying the theme with that function), ``denominator`` (all
    the group's contributions), ``contribution_ids`` and one typical quote. Cells with n 0
    are left out; observation is kept (it is a function like the others)."""
    item = presence.columns.name or "code_id"
    frame = contributions.set_index("contribution_id").loc[presence.index]
    texts, groups = frame["text"], frame[group_col]
    function = functions.reindex(presence.index)
    denominators = groups.value_counts()
    records = []
    for theme in presence.columns:
        carrying = presence.index[presence[theme].to_numpy() == 1]
        for (fn, group), ids in pd.Series(carrying, index=carrying).groupby([function.loc[carrying], groups.loc[carrying]]):
            ids = sorted(ids)
            quote_id = _quote(ids, presence, texts)
            records.append({item: theme, "statement_function": fn, group_col: group, "n": len(ids),
                            "denominator": int(denominators[group]), "contribution_ids": "; ".join(ids),
                            "quote_id": quote_id, "quote": texts.loc[quote_id]})
    columns = [item, "statement_function", group_col, "n", "denominator", "contribution_ids", "quote_id", "quote"]
    return pd.DataFrame.from_records(records, columns=columns)


def positions_summary(positions: pd.DataFrame, roles: FunctionRoles,
                      labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per theme x function that takes a position (by ``roles``, in codebook order; others left out): how many groups raised
    the theme so (``groups``), in how many contributions (``n``), the groups with their
    counts (``by_group``: "group (n)", largest first, ties by id; groups named by ``labels``
    where given) and the quote of the group with most."""
    item, group_col = positions.columns[0], positions.columns[2]
    function_order = roles.positions
    kept = positions[positions["statement_function"].isin(function_order)]
    records = []
    for (theme, fn), cell in kept.groupby([item, "statement_function"], sort=False):
        cell = cell.sort_values(["n", group_col], ascending=[False, True])
        biggest = cell.iloc[0]
        records.append({item: theme, "statement_function": fn, "groups": len(cell), "n": int(cell["n"].sum()),
                        "by_group": "; ".join(f"{(labels or {}).get(g, g)} ({n})" for g, n in zip(cell[group_col], cell["n"])),
                        "quote_id": biggest["quote_id"], "quote": biggest["quote"]})
    table = pd.DataFrame.from_records(records, columns=[item, "statement_function", "groups", "n", "by_group", "quote_id", "quote"])
    order = {fn: i for i, fn in enumerate(function_order)}
    themes = {theme: i for i, theme in enumerate(dict.fromkeys(positions[item]))}
    return table.sort_values([item, "statement_function"], key=lambda s: s.map(themes if s.name == item else order),
                             ignore_index=True)


def _judged(presence: pd.DataFrame, contributions: pd.DataFrame, functions: pd.Series, group_col: str, roles: FunctionRoles
            ) -> tuple[dict[str, dict[str, list[str]]], pd.Series, pd.Series]:
    """For each column of ``presence``: the contributions carrying it that judge it ``well`` and
    that judge it ``badly`` (ids sorted; none where no function judges so); and each
    contribution's text and group."""
    frame = contributions.set_index("contribution_id").loc[presence.index]
    function = functions.reindex(presence.index).to_numpy()
    sides = {column: {side: sorted(presence.index[(presence[column].to_numpy() == 1) & (function == fn)]) if fn else []
                      for side, fn in roles.judging.items()} for column in presence.columns}
    return sides, frame["text"], frame[group_col]


def contrasting_judgements(presence: pd.DataFrame, contributions: pd.DataFrame, functions: pd.Series, group_col: str,
                           roles: FunctionRoles) -> pd.DataFrame:
    """By rule: every code (or theme) that some group describes as working (a strength: the
    function of ``roles`` that judges well) while another group
    describes it as going wrong (a problem: the function that judges badly). One row per code:
    the groups on each side ("; "-joined), the statements on each side and a typical quote of
    each. A code judged both ways by one group only is not a contrast between groups and has
    no row; without both judging functions there is no row."""
    item = presence.columns.name or "code_id"
    sides, texts, groups = _judged(presence, contributions, functions, group_col, roles)
    records = []
    for code, judged in sides.items():
        well, badly = judged["well"], judged["badly"]
        groups_well, groups_badly = set(groups.loc[well]), set(groups.loc[badly])
        if not well or not badly or (groups_well == groups_badly and len(groups_well) == 1):
            continue
        quote_well, quote_badly = _quote(well, presence, texts), _quote(badly, presence, texts)
        records.append({item: code, "groups_strength": "; ".join(sorted(groups_well)), "n_strength": len(well),
                        "quote_strength_id": quote_well, "quote_strength": texts.loc[quote_well],
                        "groups_problem": "; ".join(sorted(groups_badly)), "n_problem": len(badly),
                        "quote_problem_id": quote_badly, "quote_problem": texts.loc[quote_badly]})
    columns = [item, "groups_strength", "n_strength", "quote_strength_id", "quote_strength",
               "groups_problem", "n_problem", "quote_problem_id", "quote_problem"]
    return pd.DataFrame.from_records(records, columns=columns)


def opposing_statements(data: Data, contributions: pd.DataFrame, group_col: str) -> pd.DataFrame:
    """The curated pairs of opposite statements among ``contributions`` (the run's), with both
    quotes, their groups and the reason; empty when the data folder lists none. Raises
    DataValidationError for a bad row (file, row and column named)."""
    ids = contributions["contribution_id"]
    problems = check_opposing(data)
    if problems:
        raise DataValidationError(problems)
    columns = ["code_id", "statement_a", "group_a", "quote_a", "statement_b", "group_b", "quote_b", "reason"]
    if not data.exists(OPPOSING_CSV):
        return pd.DataFrame(columns=columns)
    table = data.table(OPPOSING_CSV)
    table = table[table["statement_a"].isin(ids) & table["statement_b"].isin(ids)]  # a run may leave a source out
    frame = contributions.set_index("contribution_id")
    return pd.DataFrame({
        "code_id": table["code_id"], "statement_a": table["statement_a"],
        "group_a": table["statement_a"].map(frame[group_col]), "quote_a": table["statement_a"].map(frame["text"]),
        "statement_b": table["statement_b"], "group_b": table["statement_b"].map(frame[group_col]),
        "quote_b": table["statement_b"].map(frame["text"]), "reason": table["reason"],
    }, columns=columns).reset_index(drop=True)


def deviant_cases(presence: pd.DataFrame, contributions: pd.DataFrame, functions: pd.Series, group_col: str,
                  roles: FunctionRoles, min_judged: int = 3, min_ratio: float = DEVIANT_MAJORITY) -> pd.DataFrame:
    """Statements against the way a theme is mostly judged. For each theme with at least
    ``min_judged`` contributions judging its present state (well or badly, by the functions of
    ``roles``) and a clear majority (at least ``min_ratio`` times
    the other side), the majority judgement, its count, and the statements on the minority
    side: how many, which groups, and one quote. Themes without a clear majority have no row."""
    item = presence.columns.name or "code_id"
    judged_sides, texts, groups = _judged(presence, contributions, functions, group_col, roles)
    records = []
    for theme, sides in judged_sides.items():
        n_well, n_badly = len(sides["well"]), len(sides["badly"])
        if n_well + n_badly < min_judged or min(n_well, n_badly) == 0 or max(n_well, n_badly) < min_ratio * min(n_well, n_badly):
            continue
        majority, minority = ("well", "badly") if n_well > n_badly else ("badly", "well")
        ids = sides[minority]
        quote_id = _quote(ids, presence, texts)
        records.append({item: theme, "majority": roles.judging[majority], "n_majority": len(sides[majority]), "deviant": roles.judging[minority],
                        "n_deviant": len(ids), "deviant_groups": "; ".join(sorted(set(groups.loc[ids]))),
                        "contribution_ids": "; ".join(ids), "quote_id": quote_id, "quote": texts.loc[quote_id]})
    columns = [item, "majority", "n_majority", "deviant", "n_deviant", "deviant_groups", "contribution_ids", "quote_id", "quote"]
    return pd.DataFrame.from_records(records, columns=columns)


def function_counts(functions: pd.Series, contributions: pd.DataFrame, group_col: str, order: Sequence[str]) -> pd.DataFrame:
    """Contributions per group and statement function (a wide table of counts, functions
    in ``order``), with each group's total."""
    frame = contributions.set_index("contribution_id")
    counts = pd.crosstab(frame[group_col], functions.reindex(frame.index))
    table = counts.reindex(columns=list(order), fill_value=0)
    table["all"] = counts.sum(axis=1)
    return table.reset_index().rename_axis(columns=None).astype({c: np.int64 for c in [*order, "all"]})
