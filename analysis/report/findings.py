"""The briefing's findings, written from the tables the notebooks saved.

Each finding is one sentence whose numbers come from a table in ``outputs/tables/``, with its
count, its denominator and a quote (chosen by `analysis.compare.comparisons.typical_quote` among the
contributions the sentence is about). A function returns ``None`` when the data cannot
support its finding (for example when a profile leaves out a source), and the briefing
says nothing rather than something empty.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from analysis.compare.comparisons import typical_quote


@dataclass(frozen=True)
class Finding:
    """One finding: a sentence, its n and denominator, a quote with its id, and its table."""

    headline: str
    n: int
    denominator: int
    quote_id: str
    quote: str
    table: str


def percent(share: float) -> str:
    return f"{share:.0%}"


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


def widest_agreement(prevalence: pd.DataFrame, group_col: str, presence, contributions, labels) -> Finding | None:
    """The theme raised by the most groups (among groups shown), with its overall count."""
    shown = prevalence[~prevalence["suppressed"].astype(bool)]
    if shown.empty:
        return None
    item = item_column(shown)
    reach = shown[shown["n"] > 0].groupby(item)[group_col].nunique()
    totals = shown.groupby(item)[["n", "denominator"]].sum()
    ranked = totals.join(reach.rename("groups")).fillna({"groups": 0}).sort_values(["groups", "n"], ascending=False)
    best, row = ranked.index[0], ranked.iloc[0]
    n_groups = shown[group_col].nunique()
    top_group = shown[shown[item] == best].sort_values("share", ascending=False)[group_col].iloc[0]
    quote_id, quote = quote_for(presence, contributions, best, by_column(contributions, group_col, top_group))
    return Finding(
        f"Widest agreement: {labels.get(best, best)} was raised by {int(row['groups'])} of the {n_groups} groups shown, "
        f"in {int(row['n'])} of their {int(row['denominator'])} contributions ({percent(row['n'] / row['denominator'])}).",
        int(row["n"]), int(row["denominator"]), quote_id, quote, "prevalence_by_group",
    )


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
        f"Sharpest difference: {labels.get(row[group_col], row[group_col])} raised {labels.get(row[item], row[item])} in "
        f"{int(row['n'])} of {int(row['denominator'])} contributions ({percent(row['share'])}), against "
        f"{other_n} of {other_d} ({percent(other_n / other_d) if other_d else 'none'}) among the other groups "
        f"(adjusted residual {row['adjusted_residual']:.1f}; descriptive).",
        int(row["n"]), int(row["denominator"]), quote_id, quote, "representation_tests",
    )


def source_contrast(differences: pd.DataFrame, a: str, b: str, presence, contributions, labels) -> Finding | None:
    """The theme whose share differs most between two source sets, with its bootstrap interval."""
    pair = differences[(differences["source_a"] == a) & (differences["source_b"] == b)]
    if pair.empty:
        return None
    item = item_column(pair)
    row = pair.loc[pair["difference"].abs().idxmax()]
    higher = a if row["difference"] > 0 else b
    side = "a" if higher == a else "b"
    quote_id, quote = quote_for(presence, contributions, row[item], by_column(contributions, "source_set", higher))
    return Finding(
        f"{labels.get(a, a)} against {labels.get(b, b)}: {labels.get(row[item], row[item])} appears in "
        f"{int(row['n_a'])} of {int(row['denominator_a'])} contributions ({percent(row['share_a'])}) against "
        f"{int(row['n_b'])} of {int(row['denominator_b'])} ({percent(row['share_b'])}), a difference of "
        f"{row['difference'] * 100:+.0f} percentage points (bootstrap 95% interval {row['ci_low'] * 100:+.0f} to "
        f"{row['ci_high'] * 100:+.0f}).",
        int(row[f"n_{side}"]), int(row[f"denominator_{side}"]), quote_id, quote, "source_differences",
    )


def voice_and_subject(voice: pd.DataFrame, comparison: str, presence, contributions, labels) -> Finding | None:
    """For one comparison, the theme with the largest gap between voice and subject."""
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
    side = "voice" if said_more else "subject"
    subject_names = " and ".join(labels.get(g, g.replace("_", " ")) for g in subject_groups)
    return Finding(
        f"{comparison.split(':')[0]}: {labels.get(best, best)} is in {int(wide.loc[best, ('n', 'voice')])} of "
        f"{int(wide.loc[best, ('denominator', 'voice')])} of their own statements ({percent(wide.loc[best, ('share', 'voice')])}) "
        f"and in {int(wide.loc[best, ('n', 'subject')])} of {int(wide.loc[best, ('denominator', 'subject')])} of the review's "
        f"aspirations for {subject_names} ({percent(wide.loc[best, ('share', 'subject')])}).",
        int(wide.loc[best, ("n", side)]), int(wide.loc[best, ("denominator", side)]), quote_id, quote, "voice_vs_subject",
    )


def prioritised_actions(contributions: pd.DataFrame) -> Finding | None:
    """The facilitators' action themes and how many example actions the report lists under each."""
    themes = contributions[contributions["section"] == "action_theme"]
    examples = contributions[contributions["section"] == "example_action"]
    if themes.empty:
        return None
    under = examples["parent_id"].value_counts()
    attributed = int(examples["parent_id"].notna().sum())
    counts = themes.assign(n=themes["contribution_id"].map(under).fillna(0).astype(int))
    best = counts.sort_values(["n", "list_position"], ascending=[False, True]).iloc[0]
    return Finding(
        f"Actions: facilitators distilled the groups' prioritised actions into {len(themes)} themes. "
        f"The report lists most example actions under “{best['text']}”: {int(best['n'])} of the {attributed} "
        f"example actions it attributes to a theme ({len(examples) - attributed} cannot be attributed). "
        "How many votes each action had is not recorded anywhere.",
        int(best["n"]), attributed, best["contribution_id"], best["text"], "action_themes",
    )


def leading_theme(presence: pd.DataFrame, contributions: pd.DataFrame, source_set: str, name: str, labels,
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
    quote_id, quote = quote_for(presence, contributions, best, members)
    return Finding(
        f"{name}: the most frequent {word} is {labels.get(best, best)}, in {n} of {len(ids)} contributions ({percent(n / len(ids))}).",
        n, len(ids), quote_id, quote, "themes_by_source_set",
    )


def action_themes_table(contributions: pd.DataFrame) -> pd.DataFrame:
    """The nine action themes, verbatim, with the number of example actions listed under each."""
    themes = contributions[contributions["section"] == "action_theme"]
    under = contributions.loc[contributions["section"] == "example_action", "parent_id"].value_counts()
    return pd.DataFrame({
        "contribution_id": themes["contribution_id"],
        "action_theme": themes["text"],
        "example_actions": themes["contribution_id"].map(under).fillna(0).astype(int),
    }).reset_index(drop=True)


def findings_table(findings: list[Finding]) -> pd.DataFrame:
    """The findings as a table for outputs/tables/findings.csv."""
    return pd.DataFrame([finding.__dict__ for finding in findings])


def lead_in_bold(headline: str) -> str:
    """The headline as HTML, its lead-in (up to the first colon) in bold."""
    lead, colon, rest = headline.partition(": ")
    return f"<strong>{html.escape(lead)}:</strong> {html.escape(rest)}" if colon else html.escape(headline)


def finding_html(finding: Finding) -> str:
    """A finding as the briefing shows it: sentence, n and denominator, quote with id, table."""
    return (
        '<div class="finding">'
        f"<p>{lead_in_bold(finding.headline)} <span class=\"nd\">(n = {finding.n}; denominator {finding.denominator})</span></p>"
        f'<blockquote class="quote">“{html.escape(finding.quote)}” <span class="cid">{html.escape(finding.quote_id)}</span></blockquote>'
        f'<p class="caveat">Table: <code>outputs/tables/{html.escape(finding.table)}.csv</code></p>'
        "</div>"
    )
