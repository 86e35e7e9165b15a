"""Key messages: the robust findings in plain words.

A key message is a finding that holds under every robustness check (see
`analysis.compare.robustness`) with one sentence added for policy readers. Its numbers,
quote and caveat are the finding's own, so the two cannot disagree; `from_finding` writes the
sentence from the claim the grid re-tested and the finding's counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.report.explorer import finding_anchor
from analysis.report.findings import Finding, count, name, names, percent, theme_name, writers_about


@dataclass(frozen=True)
class KeyMessage:
    """A robust finding and its plain-words sentence; every number, the quote and the caveat are the finding's."""

    finding: Finding
    text: str

    @property
    def n(self) -> int:
        return self.finding.n

    @property
    def denominator(self) -> int:
        return self.finding.denominator

    @property
    def quote_id(self) -> str:
        return self.finding.quote_id

    @property
    def quote(self) -> str:
        return self.finding.quote

    @property
    def caveat(self) -> str:
        return self.finding.caveat

    @property
    def item(self) -> str:
        """The theme the numbers are about ("" when the finding is about something else)."""
        claim = self.finding.claim
        return "" if claim.kind == "most_examples" else claim.items[0]

    @property
    def group(self) -> str | None:
        """The group a group difference is about."""
        return self.finding.claim.higher if self.finding.claim.kind == "group_difference" else None

    @property
    def anchor(self) -> str:
        """Where the evidence explorer holds every statement behind the message."""
        return finding_anchor(self.finding)


def widest_reach(finding: Finding, labels) -> str:
    """The theme (or tied themes) raised by the most groups shown."""
    items = finding.claim.items
    groups, n_groups = finding.reach
    n, d = finding.n, finding.denominator
    who = f"all {n_groups} groups" if groups == n_groups else f"{groups} of the {n_groups} groups"
    if len(items) == 1:
        return f"{who[0].upper()}{who[1:]} raised {theme_name(items[0], labels)}. It came up in {n} of their {d} statements ({percent(n / d)})."
    return (f"{len(items)} themes were each raised by {who}: {names([theme_name(i, labels) for i in items])}. "
            f"The most common, {theme_name(items[0], labels)}, came up in {n} of their {d} statements ({percent(n / d)}).")


def clearest_group(finding: Finding, labels) -> str:
    """A group that raised a theme far more often than the other groups did."""
    claim = finding.claim
    return (f"{name(claim.higher, labels)} raised {theme_name(claim.items[0], labels)} far more often than the other groups. "
            f"It was in {finding.n} of their {finding.denominator} statements ({percent(finding.n / finding.denominator)}), "
            f"against {count(*finding.compared)} from everyone else.")


def source_gap(finding: Finding, labels) -> str:
    """One set of documents raising a theme more often than another."""
    claim = finding.claim
    return (f"{name(claim.higher, labels)} raised {theme_name(claim.items[0], labels)} more often than {name(claim.lower, labels)}: "
            f"in {count(finding.n, finding.denominator, 'statements')}, against {count(*finding.compared)}.")


def leading_in(finding: Finding, labels) -> str:
    """The theme (or tied themes) raised most often in one set of documents."""
    items = finding.claim.items
    what = (f"the theme raised most often was {theme_name(items[0], labels)}" if len(items) == 1 else
            f"{names([theme_name(i, labels) for i in items])} were raised most often, each")
    return f"In the {name(finding.claim.higher, labels)}, {what}: in {count(finding.n, finding.denominator, 'statements')}."


def voice_and_subject(finding: Finding, labels, contributions: pd.DataFrame) -> str:
    """What a group said of a theme in its own statements, beside what was written about that group."""
    claim = finding.claim
    own, about = ((finding.n, finding.denominator), finding.compared) if claim.higher == "voice" else \
        (finding.compared, (finding.n, finding.denominator))
    writers = writers_about(contributions, claim.subjects, labels)
    speakers = finding.headline.partition(": ")[0]
    return (f"{speakers} raised {theme_name(claim.items[0], labels)} in {own[0]} of their own {own[1]} statements "
            f"({percent(own[0] / own[1])}). {writers} raised it in {about[0]} of its {about[1]} statements about "
            f"{names([theme_name(g, labels) for g in claim.subjects])} ({percent(about[0] / about[1])}).")


def unranked_actions(finding: Finding, labels) -> str:
    """The action themes cannot be ranked: several tie for the most examples, and no votes survive."""
    tied = len(finding.claim.items)
    lead = (f"{tied} action themes tie for the most examples, with {finding.n} each of the {finding.denominator} "
            "example actions placed under a theme" if tied > 1 else
            f"One action theme has the most examples: {finding.n} of the {finding.denominator} placed under a theme")
    return f"The groups' prioritised actions cannot be ranked. {lead}, and no vote counts survive."


def from_finding(finding: Finding, contributions: pd.DataFrame, labels: Mapping[str, str]) -> KeyMessage | None:
    """A finding's key message: its plain-words sentence, written from its claim and its counts."""
    claim = finding.claim
    if claim is None:
        return None
    if claim.kind == "voice_subject":
        return KeyMessage(finding, voice_and_subject(finding, labels, contributions))
    writer = SENTENCES.get(claim.kind)
    return None if writer is None else KeyMessage(finding, writer(finding, labels))


#: The sentence for each kind of claim (a voice-and-subject claim also needs the contributions).
SENTENCES = {"most_groups": widest_reach, "group_difference": clearest_group, "source_difference": source_gap,
             "leading_item": leading_in, "most_examples": unranked_actions}


MESSAGES_COLUMNS = ("text", "caveat", "n", "denominator", "quote_id", "quote", "item", "group")


def messages_table(messages: list[KeyMessage]) -> pd.DataFrame:
    """The key messages as a table for outputs/tables/key_messages.csv, each with its finding's key."""
    return pd.DataFrame([{"finding": m.finding.key, **{column: getattr(m, column) for column in MESSAGES_COLUMNS}} for m in messages],
                        columns=["finding", *MESSAGES_COLUMNS])
