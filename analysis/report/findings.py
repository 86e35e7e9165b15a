"""The briefing's findings, written from the tables the notebooks saved.

Each finding is one sentence whose numbers come from a table in ``outputs/tables/``, with its
count, its denominator and a quote (chosen by `analysis.compare.comparisons.typical_quote` among the
contributions the sentence is about). A function returns ``None`` when the data cannot
support its finding (for example when a profile leaves out a source), and the briefing
says nothing rather than something empty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.compare.comparisons import groups_raising, typical_quote
from analysis.compare.positions import positions_summary
from analysis.compare.robustness import Claim, is_robust, verdict_table, what_changes
from analysis.report.explorer import ONE_PAGE


@dataclass(frozen=True)
class Finding:
    """One finding: a sentence, its n and denominator, a quote with its id, its table, a
    short ``key`` naming it in the robustness grid, and the ``claim`` the grid re-tests.
    ``compared`` is the count it is set against (n and denominator of the other groups, the
    other source set or the other side), ``reach`` the groups raising its theme of the groups
    shown, and ``caveat`` a sentence that goes wherever its numbers go."""

    headline: str
    n: int
    denominator: int
    quote_id: str
    quote: str
    table: str
    key: str = ""
    claim: Claim | None = field(default=None, compare=False)
    compared: tuple[int, int] | None = None
    reach: tuple[int, int] | None = None
    caveat: str = ""


def name(key: str, labels: Mapping[str, str]) -> str:
    """A readable name, as the data's vocabulary spells it (the key, spaced, where it has none)."""
    return labels.get(key, key.replace("_", " "))


def theme_name(key: str, labels: Mapping[str, str]) -> str:
    """A theme's name in mid-sentence: its first letter lower-cased unless it starts an acronym."""
    label = name(key, labels)
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def names(words: Sequence[str]) -> str:
    """Words joined as English prose: "A", "A and B", "A, B and C"."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def leaders(values: pd.Series) -> list:
    """Every index whose value equals the maximum (a tie is a tie), in the series' order."""
    return list(values.index[values == values.max()])


def percent(share: float) -> str:
    return f"{share:.0%}"


def count(n: int, denominator: int, noun: str = "") -> str:
    """"n of d (s)", with ``noun`` after d; the share is "none" when d is 0."""
    return f"{n} of {denominator}{' ' + noun if noun else ''} ({percent(n / denominator) if denominator else 'none'})"


def item_column(table: pd.DataFrame) -> str:
    return "theme_id" if "theme_id" in table.columns else "code_id"


def quote_for(presence: pd.DataFrame, contributions: pd.DataFrame, item: str, where: pd.Series) -> tuple[str, str]:
    """A typical quote carrying ``item`` among the contributions selected by ``where`` (by id)."""
    texts = contributions.set_index("contribution_id")["text"]
    carrying = presence.index[(presence[item] == 1) & where.reindex(presence.index, fill_value=False).to_numpy()]
    if not len(carrying):
        raise ValueError(f"no contribution carries {item!r} where asked")
    candidates = pd.DataFrame({"text": texts.loc[carrying], "n_coded": presence.loc[carrying].sum(axis=1)})
    quote_id = typical_quote(candidates)
    return quote_id, texts.loc[quote_id]


def by_column(contributions: pd.DataFrame, column: str, values) -> pd.Series:
    """A mask by contribution id: rows whose ``column`` is one of ``values``."""
    values = [values] if isinstance(values, str) else list(values)
    return contributions.set_index("contribution_id")[column].isin(values)


def reach_in(prevalence: pd.DataFrame, group_col: str) -> pd.Series:
    """Per theme of a prevalence table: how many of its groups raise it (`groups_raising`)."""
    return groups_raising(prevalence.pivot(index=group_col, columns=item_column(prevalence), values="n").fillna(0))


def widest_agreement(prevalence: pd.DataFrame, group_col: str, presence, contributions, labels) -> Finding | None:
    """The theme (or tied themes) raised by the most groups shown, with its contributions.

    "Raised", not "agreed on": a group raises a theme when at least one of its contributions
    carries it, whatever it says about it (the positions table says that)."""
    shown = prevalence[~prevalence["suppressed"].astype(bool)]
    if shown.empty:
        return None
    item = item_column(shown)
    reach = reach_in(shown, group_col).reindex(shown[item].unique())
    totals = shown.groupby(item)[["n", "denominator"]].sum()
    best = sorted(leaders(reach), key=lambda i: -totals.loc[i, "n"])  # the theme with most contributions first
    n_groups = shown[group_col].nunique()
    first = best[0]
    top_group = shown[shown[item] == first].sort_values("share", ascending=False)[group_col].iloc[0]
    quote_id, quote = quote_for(presence, contributions, first, by_column(contributions, group_col, top_group))
    n, denominator = int(totals.loc[first, "n"]), int(totals.loc[first, "denominator"])
    counts = "; ".join(f"{name(i, labels)} in {int(totals.loc[i, 'n'])}" for i in best)
    if len(best) == 1:
        text = (f"Most widely raised: {name(first, labels)} was raised by {int(reach[first])} of the {n_groups} groups shown, "
                f"in {n} of their {denominator} statements ({percent(n / denominator)}).")
    else:
        text = (f"Most widely raised: {len(best)} themes tie, each raised by {int(reach[first])} of the {n_groups} groups shown: "
                f"{names([name(i, labels) for i in best])} (contributions carrying each, of {denominator}: {counts}).")
    return Finding(text, n, denominator, quote_id, quote, "prevalence_by_group", "most_widely_raised",
                   Claim("most_groups", tuple(best), largest=len(best) > 1), reach=(int(reach[first]), n_groups))


def sharpest_difference(representation: pd.DataFrame, group_col: str, presence, contributions, labels) -> Finding | None:
    """The group and theme with the largest adjusted residual: raised far more than by the others."""
    tested = representation.dropna(subset=["adjusted_residual"])
    tested = tested[tested["n"] >= 2]
    if tested.empty:
        return None
    item = item_column(tested)
    row = tested.sort_values(["adjusted_residual", "n"], ascending=False).iloc[0]
    others = representation[(representation[item] == row[item]) & (representation[group_col] != row[group_col])]
    other_n, other_d = int(others["n"].sum()), int(others["denominator"].sum())
    quote_id, quote = quote_for(presence, contributions, row[item], by_column(contributions, group_col, row[group_col]))
    return Finding(
        f"Sharpest difference: {name(row[group_col], labels)} raised {name(row[item], labels)} in "
        f"{int(row['n'])} of {int(row['denominator'])} statements ({percent(row['share'])}), against "
        f"{count(other_n, other_d)} among the other groups.",
        int(row["n"]), int(row["denominator"]), quote_id, quote, "representation_tests", "sharpest_difference",
        Claim("group_difference", (row[item],), higher=row[group_col], largest=True), compared=(other_n, other_d),
    )


def source_contrast(differences: pd.DataFrame, a: str, b: str, presence, contributions, labels) -> Finding | None:
    """The theme whose share differs most between two source sets, with its bootstrap interval."""
    pair = differences[(differences["source_a"] == a) & (differences["source_b"] == b)]
    if pair.empty:
        return None
    item = item_column(pair)
    row = pair.loc[pair["difference"].abs().idxmax()]
    higher = a if row["difference"] > 0 else b
    side, other = ("a", "b") if higher == a else ("b", "a")
    quote_id, quote = quote_for(presence, contributions, row[item], by_column(contributions, "source_set", higher))
    lower = b if higher == a else a
    return Finding(
        f"{name(a, labels)} against {name(b, labels)}: {name(row[item], labels)} appears in "
        f"{int(row['n_a'])} of {int(row['denominator_a'])} statements ({percent(row['share_a'])}) against "
        f"{int(row['n_b'])} of {int(row['denominator_b'])} ({percent(row['share_b'])}), a difference of "
        f"{row['difference'] * 100:+.0f} percentage points ({interval_words(row)}).",
        int(row[f"n_{side}"]), int(row[f"denominator_{side}"]), quote_id, quote, "source_differences", "source_contrast",
        Claim("source_difference", (row[item],), higher=higher, lower=lower, largest=True),
        compared=(int(row[f"n_{other}"]), int(row[f"denominator_{other}"])),
    )


def interval_words(row: pd.Series) -> str:
    """The bootstrap 95% interval of a source difference in plain words ("likely range"; the glossary
    explains it): resampling whole lists where the table has that interval, else contributions, saying which."""
    contribution = f"{row['ci_low'] * 100:+.0f} to {row['ci_high'] * 100:+.0f}"
    if "cluster_ci_low" in row.index and pd.notna(row["cluster_ci_low"]):
        return (f"likely range {row['cluster_ci_low'] * 100:+.0f} to {row['cluster_ci_high'] * 100:+.0f} when whole lists are "
                f"resampled, {contribution} when single statements are")
    if "cluster_note" in row.index and isinstance(row["cluster_note"], str) and row["cluster_note"]:
        return f"likely range {contribution} from resampling single statements, which treats them as independent; {row['cluster_note']}"
    return f"likely range {contribution}"


def voice_and_subject(voice: pd.DataFrame, comparison: str, presence, contributions, labels,
                      set_aside: Mapping[str, str] | None = None) -> Finding | None:
    """For one comparison, the theme with the largest gap between voice and subject.

    ``set_aside`` names sections whose items answer another question than the group's own
    view (section -> the question, from data/robustness.yaml); when the voice side holds any,
    the caveat says how many and gives the count without them."""
    table = voice[voice["comparison"] == comparison]
    if table.empty:
        return None
    item = item_column(table)
    wide = table.pivot(index=item, columns="side", values=["n", "denominator", "share"])
    gap = (wide[("share", "voice")] - wide[("share", "subject")]).abs()
    best = gap.idxmax()
    voice_groups = table.loc[table["side"] == "voice", "groups"].iloc[0].split("; ")
    subject_groups = table.loc[table["side"] == "subject", "groups"].iloc[0].split("; ")
    said_more = wide.loc[best, ("share", "voice")] >= wide.loc[best, ("share", "subject")]
    where = by_column(contributions, "speaker_group", voice_groups) if said_more else by_column(contributions, "subject_group", subject_groups)
    quote_id, quote = quote_for(presence, contributions, best, where)
    side, other = ("voice", "subject") if said_more else ("subject", "voice")
    subject_names = names([name(g, labels) for g in subject_groups])
    return Finding(
        f"{comparison.split(':')[0]}: {name(best, labels)} is in {int(wide.loc[best, ('n', 'voice')])} of "
        f"{int(wide.loc[best, ('denominator', 'voice')])} of their own statements ({percent(wide.loc[best, ('share', 'voice')])}) "
        f"and in {int(wide.loc[best, ('n', 'subject')])} of {int(wide.loc[best, ('denominator', 'subject')])} statements about "
        f"{subject_names} in {writers_about(contributions, subject_groups, labels)} ({percent(wide.loc[best, ('share', 'subject')])}).",
        int(wide.loc[best, ("n", side)]), int(wide.loc[best, ("denominator", side)]), quote_id, quote, "voice_vs_subject",
        "voice_subject: " + comparison.split(":")[0],
        Claim("voice_subject", (best,), higher=side, lower=other,
              voices=tuple(voice_groups), subjects=tuple(subject_groups), largest=True),
        compared=(int(wide.loc[best, ("n", other)]), int(wide.loc[best, ("denominator", other)])),
        caveat=set_aside_caveat(presence, contributions, voice_groups, best, set_aside or {}, comparison.split(":")[0]),
    )


def writers_about(contributions: pd.DataFrame, subjects: Sequence[str], labels: Mapping[str, str]) -> str:
    """The source sets, named, whose contributions are about one of ``subjects`` (their subject_group)."""
    about = contributions[contributions["subject_group"].isin(list(subjects))]
    return names([name(s, labels) for s in dict.fromkeys(about["source_set"])])


def set_aside_caveat(presence, contributions, voice_groups, item, set_aside: Mapping[str, str], who: str) -> str:
    """"N of the statements by <who> answer <question>; without those, n of d (s)." for the
    voice side (``who`` names it), or "" when none of its statements is in a set-aside section."""
    frame = contributions.set_index("contribution_id")
    voices = frame[frame["speaker_group"].isin(voice_groups)]
    aside = voices[voices["section"].isin(list(set_aside))]
    if aside.empty:
        return ""
    rest = voices.index.difference(aside.index)
    n_rest = int(presence.loc[presence.index.intersection(rest), item].sum())
    questions = " or ".join(sorted({set_aside[s] for s in aside["section"]}))
    return (f"{len(aside)} of the statements by {who} answer{'s' if len(aside) == 1 else ''} {questions}; without those, "
            f"{count(n_rest, len(rest))}.")


def prioritised_actions(contributions: pd.DataFrame, sections: tuple[str, str] | None, labels: Mapping[str, str] | None = None,
                        printed: Mapping[str, str] | None = None) -> Finding | None:
    """The action themes and how many of the document's example actions are listed under each
    (ties stated as ties). ``sections`` names the themes' and the examples' sections (the
    vocabulary's ``examples_of_parent``); ``printed`` the document's own words for a section
    (the vocabulary's ``as_printed``), quoted where given. The examples are some of the
    actions, so a count describes the examples, not the actions."""
    if sections is None:
        return None
    themes = contributions[contributions["section"] == sections[0]]
    examples = contributions[contributions["section"] == sections[1]]
    if themes.empty:
        return None
    printed = printed or {}
    under = examples["parent_id"].value_counts()
    attributed = int(examples["parent_id"].notna().sum())
    counts = themes.assign(n=themes["contribution_id"].map(under).fillna(0).astype(int)).sort_values("list_position")
    top = counts[counts["n"] == counts["n"].max()]
    first = top.iloc[0]
    quoted = names([f"“{text}”" for text in top["text"]])
    listed = (f"most are listed under “{first['text']}” ({int(first['n'])})" if len(top) == 1 else
              f"{len(top)} themes tie with {int(first['n'])} each: {quoted}")
    who = names([name(g, labels or {}) for g in dict.fromkeys(themes["speaker_group"])])
    themed = f"“{printed[sections[0]]}”" if sections[0] in printed else "grouped the actions"
    given = f"gives “{printed[sections[1]]}”" if sections[1] in printed else "lists examples of the actions"
    return Finding(
        f"Actions: {who} {themed} into {len(themes)} themes. The document {given}; of the {attributed} it places under a "
        f"theme, {listed}; {len(examples) - attributed} cannot be placed. How many votes each action had is not recorded anywhere.",
        int(first["n"]), attributed, first["contribution_id"], first["text"], "action_themes", "example_actions",
        Claim("most_examples", tuple(top["contribution_id"]), largest=len(top) > 1),
    )


def leading_theme(presence: pd.DataFrame, contributions: pd.DataFrame, source_set: str, title: str, labels,
                  word: str = "theme") -> Finding | None:
    """The most frequent theme (or code: ``word``) in one source set."""
    members = by_column(contributions, "source_set", source_set)
    ids = members[members].index
    if not len(ids):
        return None
    counts = presence.loc[presence.index.intersection(ids)].sum(axis=0).sort_values(ascending=False, kind="stable")
    if counts.empty or counts.iloc[0] == 0:
        return None
    best, n = counts.index[0], int(counts.iloc[0])
    tied = leaders(counts)
    quote_id, quote = quote_for(presence, contributions, best, members)
    text = (f"{title}: the most frequent {word} is {name(best, labels)}, in {n} of {len(ids)} statements ({percent(n / len(ids))})."
            if len(tied) == 1 else
            f"{title}: {len(tied)} {word}s tie as the most frequent, {names([name(i, labels) for i in tied])}, each in {n} of {len(ids)} statements ({percent(n / len(ids))}).")
    return Finding(text, n, len(ids), quote_id, quote, "themes_by_source_set", f"leading: {source_set}",
                   Claim("leading_item", tuple(tied), higher=source_set, largest=len(tied) > 1))


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


FINDINGS_COLUMNS = ("headline", "caveat", "n", "denominator", "quote_id", "quote", "table", "key")


def findings_table(findings: list[Finding]) -> pd.DataFrame:
    """The findings as a table for outputs/tables/findings.csv (the claim is in the robustness grid;
    the compared count and the reach are in the headline)."""
    return pd.DataFrame([{column: getattr(finding, column) for column in FINDINGS_COLUMNS} for finding in findings],
                        columns=list(FINDINGS_COLUMNS))


def claims_of(findings: Sequence[Finding]) -> dict[str, Claim]:
    """The claims the robustness grid re-tests, by finding key."""
    return {finding.key: finding.claim for finding in findings if finding.claim is not None}


def themes_raised_table(prevalence: pd.DataFrame, group_col: str, items: Sequence[str], labels: Mapping[str, str],
                        level_word: str) -> tuple[pd.DataFrame, str]:
    """How many of the groups shown raised each theme, with the contributions carrying it,
    most groups first (ties by contributions, then codebook order), and its caption. Raised
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
    caption = (f"How many of the {n_shown} groups shown raised each {level_word} (at least one contribution carrying it), "
               "whatever they said about it. Raising a theme is not agreeing about it. The contributions counted are the groups "
               "shown; a group with too few statements to show is left out, so the total is below the corpus's.")
    return table, caption


#: The adjusted residual from which a group's count for a theme is called unusually high.
MIN_RESIDUAL = 2.0


def differences_table(representation: pd.DataFrame, group_col: str, labels: Mapping[str, str], level_word: str,
                      min_residual: float = MIN_RESIDUAL, min_n: int = 2) -> tuple[pd.DataFrame, str]:
    """Every group x theme the group raised much more often than the other groups (adjusted
    residual at least ``min_residual``, at least ``min_n`` contributions), with the group's
    figures and the other groups' pooled figures on each row, and its caption. Whole-theme
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
    caption = (f"All {len(table)} groups and {level_word}s where a group raised the {level_word} much more often than the other "
               f"groups together (adjusted residual of {min_residual:g} or more, at least {min_n} contributions); descriptive, not "
               f"inference. Each row gives the group's own figures and the other groups' pooled figures.")
    return table, caption


def theme_tests_table(representation: pd.DataFrame, labels: Mapping[str, str], level_word: str) -> tuple[pd.DataFrame, str]:
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
    caption = (f"Whether each {level_word} is spread unevenly across the groups shown: a permutation test of the chi-square "
               "statistic. The Benjamini–Hochberg adjustment allows for testing many themes at once (it controls the "
               "expected share of false alarms among the themes called uneven). Descriptive only: the groups are not samples.")
    return table, caption


# --- robustness and positions, as the briefing shows them ------------------------------------

def robustness_note(finding: Finding, grid: pd.DataFrame) -> str:
    """One sentence on how the finding fares in the robustness grid: robust (`is_robust`), or
    which checks change it and how."""
    rows = grid[grid["finding"] == finding.key]
    if rows.empty:
        return "Not re-tested in the robustness grid."
    if is_robust(list(rows["verdict"])):
        return "Robust: holds under every robustness check that applies to it."
    changes = what_changes(rows).get(finding.key)
    if not changes:
        return "Not robust: no robustness check applies to it."
    return "Not robust: it " + "; ".join(f"{verdict} when {label} ({check})" for check, label, verdict in changes) + "."


def grid_table(grid: pd.DataFrame, findings: Sequence[Finding]) -> tuple[pd.DataFrame, str]:
    """The robustness grid as the briefing shows it: one row per finding (its lead-in), one
    column per check, each cell a verdict, a last column saying whether it is robust; and the
    caption naming every check."""
    lead = {f.key: f.headline.partition(": ")[0] for f in findings}
    table = verdict_table(grid)
    table.insert(0, "finding", table.pop("finding").map(lambda k: lead.get(k, k)))
    checks = grid.drop_duplicates("check")
    caption = ("Each headline finding recomputed with one choice changed: "
               + "; ".join(f"({c}) {label}" for c, label in zip(checks["check"], checks["label"]))
               + ". Holds: the finding stands at least half as strong; weakens: less than half as strong, a tie, or no longer "
                 "the largest; reverses: the opposite holds; does not apply: the check removes what the finding describes. "
                 "Robust means it holds under every check that applies.")
    return table, caption


def _group_names(groups: str, labels: Mapping[str, str]) -> str:
    return "; ".join(name(g, labels) for g in groups.split("; ")) if isinstance(groups, str) and groups else ""


def positions_table(by_group: pd.DataFrame, labels: Mapping[str, str], level_word: str,
                    link: Callable[[str], str] = ONE_PAGE.statement) -> tuple[pd.DataFrame, str, dict[str, list[str]]]:
    """`positions_summary` as the briefing shows it: per theme and statement function, the
    groups that raised it so, with their counts, and one quote; the caption; and each quote's
    link to its statement in the evidence explorer (``link``)."""
    summary = positions_summary(by_group, labels=labels)
    table = pd.DataFrame({level_word: [name(t, labels) for t in summary.iloc[:, 0]], "raised as": summary["statement_function"],
                          "groups (contributions)": summary["by_group"],
                          "a quote": [f"“{q}” ({i})" for q, i in zip(summary["quote"], summary["quote_id"])]})
    caption = (f"For each {level_word}, the groups that raised it as a hope, a problem, a need, a proposal or a strength, with how "
               "many of their contributions did so, and one quote from the group with most. Observations (statements that "
               "describe without judging) are left out here; every row is in the table behind it.")
    return table, caption, {"a quote": [link(i) for i in summary["quote_id"]]}


def opposing_table(opposing: pd.DataFrame, labels: Mapping[str, str],
                   link: Callable[[str], str] = ONE_PAGE.statement) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The curated opposite statements, both quoted, with their groups and the reason; and
    each quote's link to its statement in the evidence explorer (``link``)."""
    table = pd.DataFrame({
        "one says": [f"“{q}” ({name(g, labels)}, {i})" for q, g, i in zip(opposing["quote_a"], opposing["group_a"], opposing["statement_a"])],
        "another says": [f"“{q}” ({name(g, labels)}, {i})" for q, g, i in zip(opposing["quote_b"], opposing["group_b"], opposing["statement_b"])],
        "why they are opposite": opposing["reason"],
    })
    return table, {"one says": [link(i) for i in opposing["statement_a"]],
                   "another says": [link(i) for i in opposing["statement_b"]]}


def contrasts_table(contrasts: pd.DataFrame, labels: Mapping[str, str],
                    link: Callable[[str], str] = ONE_PAGE.statement) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Codes described as working by some groups and as going wrong by others, one quote each;
    and each quote's link to its statement in the evidence explorer (``link``)."""
    item = contrasts.columns[0]
    table = pd.DataFrame({
        "code": [name(c, labels) for c in contrasts[item]],
        "as a strength": [f"{_group_names(g, labels)} ({n}): “{q}” ({i})" for g, n, q, i in
                          zip(contrasts["groups_strength"], contrasts["n_strength"], contrasts["quote_strength"], contrasts["quote_strength_id"])],
        "as a problem": [f"{_group_names(g, labels)} ({n}): “{q}” ({i})" for g, n, q, i in
                         zip(contrasts["groups_problem"], contrasts["n_problem"], contrasts["quote_problem"], contrasts["quote_problem_id"])],
    })
    return table, {"as a strength": [link(i) for i in contrasts["quote_strength_id"]],
                   "as a problem": [link(i) for i in contrasts["quote_problem_id"]]}


def deviant_table(deviant: pd.DataFrame, labels: Mapping[str, str], level_word: str,
                  link: Callable[[str], str] = ONE_PAGE.statement) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Themes mostly judged one way, with the statements that judge them the other way; and
    each quote's link to its statement in the evidence explorer (``link``)."""
    item = deviant.columns[0]
    table = pd.DataFrame({
        level_word: [name(t, labels) for t in deviant[item]],
        "mostly": [f"{m} ({n})" for m, n in zip(deviant["majority"], deviant["n_majority"])],
        "against the grain": [f"{d} ({n}), from {_group_names(g, labels)}" for d, n, g in
                              zip(deviant["deviant"], deviant["n_deviant"], deviant["deviant_groups"])],
        "a quote": [f"“{q}” ({i})" for q, i in zip(deviant["quote"], deviant["quote_id"])],
    })
    return table, {"a quote": [link(i) for i in deviant["quote_id"]]}
