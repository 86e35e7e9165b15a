"""Key messages: the robust findings in plain words, each with its numbers and one short quote.

A key message restates a finding that holds under every robustness check (see
`analysis.compare.robustness`), from the same tables and the claim the grid re-tested, in
shorter words; `from_finding` turns one finding into its message. Every number comes from a
table the notebooks saved; the words around them are fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.compare.comparisons import typical_quote
from analysis.report.explorer import cell_anchor
from analysis.report.findings import set_aside_words

SHORT_QUOTE_WORDS = 25


@dataclass(frozen=True)
class KeyMessage:
    """One message: plain sentences, its count and denominator, and a short quote with its id."""

    text: str
    n: int
    denominator: int
    quote_id: str
    quote: str
    item: str
    group: str | None = None

    @property
    def anchor(self) -> str:
        """Where the evidence explorer holds every statement behind the message."""
        return cell_anchor(self.item, self.group) if self.item else f"c-{self.quote_id}"


def short_quote(presence: pd.DataFrame, contributions: pd.DataFrame, item: str, ids) -> tuple[str, str]:
    """The typical quote carrying ``item`` among ``ids``, preferring ones of at most 25 words."""
    texts = contributions.set_index("contribution_id")["text"]
    carrying = [i for i in presence.index[presence[item] == 1] if i in set(ids)]
    if not carrying:
        raise ValueError(f"no contribution carries {item!r} where asked")
    candidates = pd.DataFrame({"text": texts.loc[carrying], "n_coded": presence.loc[carrying].sum(axis=1)})
    short = candidates[candidates["text"].str.split().str.len() <= SHORT_QUOTE_WORDS]
    quote_id = typical_quote(short if len(short) else candidates)
    return quote_id, texts.loc[quote_id]


def ids_where(contributions: pd.DataFrame, column: str, value: str) -> list[str]:
    return contributions.loc[contributions[column] == value, "contribution_id"].tolist()


def name(labels: dict[str, str], key: str) -> str:
    """A readable name, as the data's vocabulary spells it."""
    return labels.get(key, key.replace("_", " "))


def theme_name(labels: dict[str, str], key: str) -> str:
    """A theme's name in mid-sentence: its first letter lower-cased unless it starts an acronym."""
    label = name(labels, key)
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def share(n: int, denominator: int) -> str:
    return f"{n / denominator:.0%}" if denominator else "none"


def widest_reach(prevalence, group_col, presence, contributions, labels, items) -> KeyMessage | None:
    """The theme (or tied themes) ``items`` raised by the most groups shown, with the statements carrying it."""
    shown = prevalence[~prevalence["suppressed"].astype(bool)]
    if shown.empty:
        return None
    item_col = _item_column(shown)
    mine = shown[shown[item_col].isin(items)]
    reach = mine[mine["n"] > 0].groupby(item_col)[group_col].nunique()
    totals = mine.groupby(item_col)[["n", "denominator"]].sum()
    first = sorted(items, key=lambda i: -totals.loc[i, "n"])[0]
    groups, n_groups = int(reach[first]), shown[group_col].nunique()
    n, d = int(totals.loc[first, "n"]), int(totals.loc[first, "denominator"])
    who = f"all {n_groups} groups" if groups == n_groups else f"{groups} of the {n_groups} groups"
    if len(items) == 1:
        text = f"{who[0].upper()}{who[1:]} raised {theme_name(labels, first)}. It came up in {n} of their {d} statements ({share(n, d)})."
    else:
        text = (f"{len(items)} themes were each raised by {who}: {and_list([theme_name(labels, i) for i in items])}. "
                f"The most common, {theme_name(labels, first)}, came up in {n} of their {d} statements ({share(n, d)}).")
    top_group = mine[mine[item_col] == first].sort_values("share", ascending=False)[group_col].iloc[0]
    quote_id, quote = short_quote(presence, contributions, first, ids_where(contributions, group_col, top_group))
    return KeyMessage(text, n, d, quote_id, quote, first)  # its evidence: the theme across every group


def clearest_group(representation, group_col, presence, contributions, labels, item: str, group: str) -> KeyMessage:
    """A group that raised a theme far more often than the other groups did."""
    item_col = _item_column(representation)
    row = representation[(representation[item_col] == item) & (representation[group_col] == group)].iloc[0]
    others = representation[(representation[item_col] == item) & (representation[group_col] != group)]
    n, d = int(row["n"]), int(row["denominator"])
    other_n, other_d = int(others["n"].sum()), int(others["denominator"].sum())
    quote_id, quote = short_quote(presence, contributions, item, ids_where(contributions, group_col, group))
    text = (f"{name(labels, group)} raised {theme_name(labels, item)} far more often than the other groups. "
            f"It was in {n} of their {d} statements ({share(n, d)}), against {other_n} of {other_d} "
            f"({share(other_n, other_d)}) from everyone else.")
    return KeyMessage(text, n, d, quote_id, quote, item, group)


def source_gap(differences, presence, contributions, labels, item: str, higher: str, lower: str) -> KeyMessage | None:
    """One set of documents raising a theme more often than another."""
    item_col = _item_column(differences)
    pair = differences[(differences[item_col] == item) & differences["source_a"].isin([higher, lower])
                       & differences["source_b"].isin([higher, lower])]
    if pair.empty:
        return None
    row = pair.iloc[0]
    more, less = ("a", "b") if row["source_a"] == higher else ("b", "a")
    n, d = int(row[f"n_{more}"]), int(row[f"denominator_{more}"])
    n_less, d_less = int(row[f"n_{less}"]), int(row[f"denominator_{less}"])
    quote_id, quote = short_quote(presence, contributions, item, ids_where(contributions, "source_set", higher))
    text = (f"{name(labels, higher)} raised {theme_name(labels, item)} more often than {name(labels, lower)}: "
            f"in {n} of {d} statements ({share(n, d)}), against {n_less} of {d_less} ({share(n_less, d_less)}).")
    return KeyMessage(text, n, d, quote_id, quote, item)


def leading_in(presence, contributions, source_set: str, labels, items) -> KeyMessage | None:
    """The theme (or tied themes) ``items`` raised most often in one set of documents."""
    ids = ids_where(contributions, "source_set", source_set)
    counts = presence.loc[presence.index.intersection(ids)].sum(axis=0)
    first, d = items[0], len(ids)
    n = int(counts[first])
    quote_id, quote = short_quote(presence, contributions, first, ids)
    what = (f"the theme raised most often was {theme_name(labels, first)}" if len(items) == 1 else
            f"{and_list([theme_name(labels, i) for i in items])} were raised most often, each")
    text = f"In the {name(labels, source_set)}, {what}: in {n} of {d} statements ({share(n, d)})."
    return KeyMessage(text, n, d, quote_id, quote, first)


def voice_and_subject(voice, presence, contributions, labels, item: str, voices, subjects, speakers: str,
                      set_aside: dict | None = None) -> KeyMessage | None:
    """What a group said of a theme in its own statements, beside what was written about that
    group; when some of its statements answer another question (``set_aside``), how many, and
    the count without them, as the finding says."""
    rows = voice[(voice["groups"] == "; ".join(voices)) & (voice["side"] == "voice")]
    if rows.empty:
        return None
    table = voice[voice["comparison"] == rows["comparison"].iloc[0]]
    own = table[(table["side"] == "voice") & (table[_item_column(table)] == item)].iloc[0]
    about = table[(table["side"] == "subject") & (table[_item_column(table)] == item)].iloc[0]
    written_about = contributions[contributions["subject_group"].isin(subjects)]
    writers = and_list([name(labels, s) for s in dict.fromkeys(written_about["source_set"])])
    n, d, n_about, d_about = int(own["n"]), int(own["denominator"]), int(about["n"]), int(about["denominator"])
    quote_id, quote = short_quote(presence, contributions, item, written_about["contribution_id"]
                                  if n_about / d_about >= n / d else ids_where_any(contributions, "speaker_group", voices))
    text = (f"{speakers} raised {theme_name(labels, item)} in {n} of their own {d} statements ({share(n, d)}). "
            f"{writers} raised it in {n_about} of its {d_about} statements about {and_list([theme_name(labels, g) for g in subjects])} "
            f"({share(n_about, d_about)}).")
    aside = set_aside_words(presence, contributions, list(voices), item, set_aside or {})
    if aside:
        text += f" {aside.removeprefix('; ').replace(' of them answer', ' of their statements answer', 1)}."
    return KeyMessage(text, n_about, d_about, quote_id, quote, item)


def unranked_actions(finding) -> KeyMessage:
    """The action themes cannot be ranked: several tie for the most examples, and no votes survive."""
    tied = len(finding.claim.items)
    lead = (f"{tied} action themes tie for the most examples, with {finding.n} each of the {finding.denominator} "
            "example actions placed under a theme" if tied > 1 else
            f"One action theme has the most examples: {finding.n} of the {finding.denominator} placed under a theme")
    text = f"The groups' prioritised actions cannot be ranked. {lead}, and no vote counts survive."
    return KeyMessage(text, finding.n, finding.denominator, finding.quote_id, finding.quote, "")


def from_finding(finding, prevalence, representation, differences, voice, presence, contributions, labels,
                 group_col, set_aside: dict | None = None) -> KeyMessage | None:
    """A finding's key message, from the claim it makes and the tables behind it; ``set_aside``
    (section -> the question it answers) keeps the finding's caveat on statements that answer
    another question."""
    claim = finding.claim
    if claim is None:
        return None
    if claim.kind == "most_groups":
        return widest_reach(prevalence, group_col, presence, contributions, labels, list(claim.items))
    if claim.kind == "group_difference":
        return clearest_group(representation, group_col, presence, contributions, labels, claim.items[0], claim.higher)
    if claim.kind == "source_difference" and differences is not None:
        return source_gap(differences, presence, contributions, labels, claim.items[0], claim.higher, claim.lower)
    if claim.kind == "leading_item":
        return leading_in(presence, contributions, claim.higher, labels, list(claim.items))
    if claim.kind == "voice_subject" and voice is not None:
        speakers = finding.headline.partition(": ")[0]
        return voice_and_subject(voice, presence, contributions, labels, claim.items[0], claim.voices, claim.subjects, speakers,
                                 set_aside or {})
    if claim.kind == "most_examples":
        return unranked_actions(finding)
    return None


def ids_where_any(contributions: pd.DataFrame, column: str, values) -> list[str]:
    return contributions.loc[contributions[column].isin(list(values)), "contribution_id"].tolist()


def and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _item_column(table: pd.DataFrame) -> str:
    return "theme_id" if "theme_id" in table.columns else "code_id"
