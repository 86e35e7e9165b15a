"""The pooled tables as the briefing's appendix shows them, and the words it names things with.

Each function turns a table an earlier notebook saved (``outputs/tables/``) into the table the
reader sees, with readable names and, where it quotes, links to the statements in the evidence
explorer. These describe the documents; the findings are the claims of
`analysis.compare.claims`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from analysis.coding.functions import FunctionRoles
from analysis.compare.comparisons import groups_raising
from analysis.compare.positions import positions_summary
from analysis.report.explorer import ONE_PAGE
from analysis.report.markup import names, phrase


def name(key: str, labels: Mapping[str, str]) -> str:
    """A readable name, as the data's vocabulary spells it (the key, spaced, where it has none)."""
    return labels.get(key, key.replace("_", " "))


def theme_name(key: str, labels: Mapping[str, str]) -> str:
    """A theme's name in mid-sentence: its first letter lower-cased unless it starts an acronym."""
    label = name(key, labels)
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def leaders(values: pd.Series) -> list:
    """Every index whose value equals the maximum (a tie is a tie), in the series' order."""
    return list(values.index[values == values.max()])


def item_column(table: pd.DataFrame) -> str:
    return "theme_id" if "theme_id" in table.columns else "code_id"


def writers_about(contributions: pd.DataFrame, subjects: Sequence[str], labels: Mapping[str, str]) -> str:
    """The source sets, named, whose contributions are about one of ``subjects`` (their subject_group)."""
    about = contributions[contributions["subject_group"].isin(list(subjects))]
    return names([name(s, labels) for s in dict.fromkeys(about["source_set"])])


def action_themes_table(contributions: pd.DataFrame, sections: tuple[str, str] | None) -> pd.DataFrame:
    """The action themes, verbatim, with the number of example actions listed under each
    (``sections``: the themes' and the examples' sections; an empty table without them)."""
    themes_section, examples_section = sections or ("", "")
    themes = contributions[contributions["section"] == themes_section]
    under = contributions.loc[contributions["section"] == examples_section, "parent_id"].value_counts()
    return pd.DataFrame({
        "contribution_id": themes["contribution_id"],
        "action_theme": themes["text"],
        "example_actions": themes["contribution_id"].map(under).fillna(0).astype(int),
    }).reset_index(drop=True)


def reach_in(prevalence: pd.DataFrame, group_col: str) -> pd.Series:
    """Per theme of a prevalence table: how many of its groups raise it (`groups_raising`)."""
    return groups_raising(prevalence.pivot(index=group_col, columns=item_column(prevalence), values="n").fillna(0))


def themes_raised_table(prevalence: pd.DataFrame, group_col: str, items: Sequence[str], labels: Mapping[str, str],
                        level_word: str) -> pd.DataFrame:
    """How many of the groups shown raised each theme, with the contributions carrying it,
    most groups first (ties by contributions, then codebook order). Raised
    is not agreed: whether the groups say the same about the theme is in the positions table."""
    shown = prevalence[~prevalence["suppressed"].astype(bool)]
    item = item_column(prevalence)
    n_shown = shown[group_col].nunique()
    reach = reach_in(shown, group_col).reindex(list(items), fill_value=0)
    carrying = shown.groupby(item)["n"].sum().reindex(list(items), fill_value=0).astype(int)
    order = pd.DataFrame({"reach": reach, "n": carrying, "position": range(len(items))}).sort_values(
        ["reach", "n", "position"], ascending=[False, False, True]).index
    table = pd.DataFrame({level_word: [name(i, labels) for i in order], "groups raising it": reach[order].to_numpy(),
                          "of groups shown": n_shown, "contributions carrying it": carrying[order].to_numpy(),
                          "of contributions": int(shown.groupby(group_col)["denominator"].first().sum())})
    return table


#: The adjusted residual from which a group's count for a theme is called unusually high.
MIN_RESIDUAL = 2.0
#: The fewest contributions carrying a theme for a group's count to be called unusually high.
MIN_DIFFERENCE_N = 2


def differences_table(representation: pd.DataFrame, group_col: str, labels: Mapping[str, str], level_word: str,
                      min_residual: float = MIN_RESIDUAL, min_n: int = MIN_DIFFERENCE_N) -> pd.DataFrame:
    """Every group x theme the group raised much more often than the other groups (adjusted
    residual at least ``min_residual``, at least ``min_n`` contributions), with the group's
    figures and the other groups' pooled figures on each row. Whole-theme
    p-values are not shown here (they belong to a theme, not a group: see the appendix)."""
    item = item_column(representation)
    totals = representation.groupby(item)[["n", "denominator"]].sum()
    rows = representation.dropna(subset=["adjusted_residual"])
    rows = rows[(rows["adjusted_residual"] >= min_residual) & (rows["n"] >= min_n)].sort_values("adjusted_residual", ascending=False)
    others_n = rows[item].map(totals["n"]).to_numpy() - rows["n"].to_numpy()
    others_d = rows[item].map(totals["denominator"]).to_numpy() - rows["denominator"].to_numpy()
    table = pd.DataFrame({
        "group": [name(g, labels) for g in rows[group_col]], level_word: [name(i, labels) for i in rows[item]],
        "n": rows["n"].astype(int).to_numpy(), "group's contributions": rows["denominator"].astype(int).to_numpy(),
        "share": rows["share"].round(2).to_numpy(), "other groups: n": others_n.astype(int),
        "other groups: contributions": others_d.astype(int),
        "other groups: share": pd.Series(others_n / others_d).round(2).to_numpy(),
        "adjusted residual": rows["adjusted_residual"].round(1).to_numpy(),
    })
    return table


def theme_tests_table(representation: pd.DataFrame, labels: Mapping[str, str], level_word: str) -> pd.DataFrame:
    """One row per theme: the test of whether it is spread evenly across the groups shown, its
    p-value and its Benjamini–Hochberg adjusted p-value (descriptive), and, where the table has
    it, the p-value when whole lists rather than single statements are shuffled."""
    item = item_column(representation)
    per_theme = representation.drop_duplicates(item).set_index(item)
    table = pd.DataFrame({level_word: [name(i, labels) for i in per_theme.index], "test": per_theme["test"].to_numpy(),
                          "p (statements shuffled)": per_theme["p_descriptive"].to_numpy(),
                          "p, Benjamini–Hochberg adjusted": per_theme["p_bh_descriptive"].to_numpy()})
    if "p_lists_descriptive" in per_theme.columns:
        table["p (whole lists shuffled)"] = per_theme["p_lists_descriptive"].to_numpy()
        table["p (whole lists shuffled), Benjamini–Hochberg adjusted"] = per_theme["p_lists_bh_descriptive"].to_numpy()
    return table


# --- positions, as the briefing shows them ------------------------------------


def quoted(text: str, contribution_id: str, who: Callable[[str], str] | None = None) -> str:
    """A quote as a table cell: the words, then who said it and when (``who`` of its id, where
    given) and its id."""
    return phrase("quoted", text=text, who=who(contribution_id) if who else "", contribution_id=contribution_id)


def _group_names(groups: str, labels: Mapping[str, str]) -> str:
    return "; ".join(name(g, labels) for g in groups.split("; ")) if isinstance(groups, str) and groups else ""


def positions_table(by_group: pd.DataFrame, roles: FunctionRoles, labels: Mapping[str, str], level_word: str,
                    link: Callable[[str], str] = ONE_PAGE.statement, who: Callable[[str], str] | None = None) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """`positions_summary` as the briefing shows it: per theme and statement function that takes
    a position (``roles``), the groups that raised it so, with their counts, and one quote; and
    each quote's link to its statement in the evidence explorer (``link``)."""
    summary = positions_summary(by_group, roles, labels=labels)
    table = pd.DataFrame({level_word: [name(t, labels) for t in summary.iloc[:, 0]], "raised as": summary["statement_function"],
                          "groups (contributions)": summary["by_group"],
                          "a quote": [quoted(q, i, who) for q, i in zip(summary["quote"], summary["quote_id"])]})
    return table, {"a quote": [link(i) for i in summary["quote_id"]]}


def opposing_table(opposing: pd.DataFrame, labels: Mapping[str, str],
                   link: Callable[[str], str] = ONE_PAGE.statement, who: Callable[[str], str] | None = None) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The curated opposite statements, both quoted, with their groups and the reason; and
    each quote's link to its statement in the evidence explorer (``link``)."""
    table = pd.DataFrame({
        "one says": [quoted(q, i, who or (lambda _, g=g: name(g, labels))) for q, g, i in zip(opposing["quote_a"], opposing["group_a"], opposing["statement_a"])],
        "another says": [quoted(q, i, who or (lambda _, g=g: name(g, labels))) for q, g, i in zip(opposing["quote_b"], opposing["group_b"], opposing["statement_b"])],
        "why they are opposite": opposing["reason"],
    })
    return table, {"one says": [link(i) for i in opposing["statement_a"]],
                   "another says": [link(i) for i in opposing["statement_b"]]}


def contrasts_table(contrasts: pd.DataFrame, labels: Mapping[str, str],
                    link: Callable[[str], str] = ONE_PAGE.statement, who: Callable[[str], str] | None = None) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Codes described as working by some groups and as going wrong by others, one quote each;
    and each quote's link to its statement in the evidence explorer (``link``)."""
    item = contrasts.columns[0]
    table = pd.DataFrame({
        "code": [name(c, labels) for c in contrasts[item]],
        "as a strength": [phrase("judged_by", groups=_group_names(g, labels), n=n, quote=quoted(q, i, who)) for g, n, q, i in
                          zip(contrasts["groups_strength"], contrasts["n_strength"], contrasts["quote_strength"], contrasts["quote_strength_id"])],
        "as a problem": [phrase("judged_by", groups=_group_names(g, labels), n=n, quote=quoted(q, i, who)) for g, n, q, i in
                         zip(contrasts["groups_problem"], contrasts["n_problem"], contrasts["quote_problem"], contrasts["quote_problem_id"])],
    })
    return table, {"as a strength": [link(i) for i in contrasts["quote_strength_id"]],
                   "as a problem": [link(i) for i in contrasts["quote_problem_id"]]}


def deviant_table(deviant: pd.DataFrame, labels: Mapping[str, str], level_word: str,
                  link: Callable[[str], str] = ONE_PAGE.statement, who: Callable[[str], str] | None = None) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Themes mostly judged one way, with the statements that judge them the other way; and
    each quote's link to its statement in the evidence explorer (``link``)."""
    item = deviant.columns[0]
    table = pd.DataFrame({
        level_word: [name(t, labels) for t in deviant[item]],
        "mostly": [phrase("counted", label=m, n=n) for m, n in zip(deviant["majority"], deviant["n_majority"])],
        "against the grain": [phrase("judged_from", function=d, n=n, groups=_group_names(g, labels)) for d, n, g in
                              zip(deviant["deviant"], deviant["n_deviant"], deviant["deviant_groups"])],
        "a quote": [quoted(q, i, who) for q, i in zip(deviant["quote"], deviant["quote_id"])],
    })
    return table, {"a quote": [link(i) for i in deviant["quote_id"]]}
