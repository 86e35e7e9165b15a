"""The briefing's account of the coding and its reliability, written from the saved tables.

Every number comes from the reliability tables of notebook 40 (``reliability_tests``,
``reliability_theme_alpha``, ``reliability_summary``, ``reliability_code_alpha``,
``reliability_disagreements``); the order of events is the one the tests' records give.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.coding.reliability import POOLED, THRESHOLD_RELIABLE, THRESHOLD_TENTATIVE
from analysis.coding.reliability_tables import STATUS_COUNTED, STATUS_NOT_COUNTED, STATUS_TENTATIVE, STATUS_TOO_RARE, status
from analysis.report.findings import names

FUNCTION_MEASURE = "statement function (where coded)"
HEADING_MEASURE = "statement function (fixed by heading)"


def threshold_text(value: float) -> str:
    """An alpha threshold as the text writes it: three decimals, or two where the third is 0 (0.667, 0.80)."""
    text = f"{value:.3f}"
    return text[:-1] if text.endswith("0") else text


TENTATIVE, RELIABLE = threshold_text(THRESHOLD_TENTATIVE), threshold_text(THRESHOLD_RELIABLE)


def _given(record: Mapping, field: str) -> bool:
    """Whether a test record has a text in ``field`` (a table cell may be missing or NaN)."""
    value = record.get(field)
    return isinstance(value, str) and bool(value.strip())


def _second_coder(test: Mapping) -> str:
    """The test's second coder as the text names them: blind, so seeing no heading, only when tests.yaml says the test was."""
    blind = test.get("blind")
    return "the blind coder, who saw no heading," if pd.notna(blind) and bool(blind) else "the second coder"


def _of(table: pd.DataFrame, test_id: str) -> pd.DataFrame:
    return table[table["test"] == test_id]


def _interval(row: Mapping) -> str:
    clustered = row.get("cluster_ci_low") if hasattr(row, "get") else None
    text = f"95% interval {row['ci_low']:.2f} to {row['ci_high']:.2f}"
    if clustered is not None and clustered == clustered:
        text += f"; {row['cluster_ci_low']:.2f} to {row['cluster_ci_high']:.2f} resampling whole lists"
    return text


def function_result(tests: pd.DataFrame, summary: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """The latest test that measured the statement function where it is coded, and its summary row."""
    measured = summary[summary["measure"] == FUNCTION_MEASURE]
    for test in reversed(list(tests.itertuples(index=False))):
        rows = measured[measured["test"] == test.id]
        if len(rows):
            return tests.set_index("id").loc[test.id], rows.iloc[0]
    return None


def theme_sentence(themes: pd.DataFrame) -> str:
    """What the current test's theme statuses mean for the briefing."""
    rows = themes[themes["code_id"] != POOLED]
    by_status = {s: list(rows.loc[rows["status"] == s, "label"]) for s in (STATUS_COUNTED, STATUS_TENTATIVE, STATUS_NOT_COUNTED, STATUS_TOO_RARE)}
    if len(by_status[STATUS_COUNTED]) == len(rows):
        return f"All {len(rows)} themes reach {RELIABLE} or more, so every theme is counted."
    parts = [f"{len(by_status[STATUS_COUNTED])} of {len(rows)} themes reach {RELIABLE} or more and are counted"]
    if by_status[STATUS_TENTATIVE]:
        parts.append(f"{names(by_status[STATUS_TENTATIVE])} ({TENTATIVE} to {RELIABLE}) {'is' if len(by_status[STATUS_TENTATIVE]) == 1 else 'are'} counted as tentative and marked so")
    if by_status[STATUS_NOT_COUNTED]:
        parts.append(f"{names(by_status[STATUS_NOT_COUNTED])} (below {TENTATIVE}) {'is' if len(by_status[STATUS_NOT_COUNTED]) == 1 else 'are'} not counted")
    if by_status[STATUS_TOO_RARE]:
        parts.append(f"{names(by_status[STATUS_TOO_RARE])} {'was' if len(by_status[STATUS_TOO_RARE]) == 1 else 'were'} too rare in the sample to test")
    return "; ".join(parts) + "."


def _codes_not_counted(codes: pd.DataFrame) -> str:
    """A sentence naming the tested codes below the tentative threshold, which the briefing does not count."""
    below = codes[codes["status"] == STATUS_NOT_COUNTED]
    if below.empty:
        return ""
    listed = names([f"{row.label} ({row.alpha:.2f}, {int(row.positives)} contributions)" for row in below.itertuples()])
    return (f" {'One code' if len(below) == 1 else f'{len(below)} codes'} tested below {TENTATIVE} and "
            f"{'is' if len(below) == 1 else 'are'} not counted in this briefing: {listed}.")


def reliability_paragraphs(tests: pd.DataFrame, themes: pd.DataFrame, summary: pd.DataFrame, codes: pd.DataFrame,
                           disagreements: pd.DataFrame, corpus_size: int, untested: Sequence[str]) -> list[str]:
    """Markdown paragraphs: who coded what in what order, the current test's results where the
    briefing counts, the statement function, disagreements, the earlier tests as history."""
    current = tests[tests["current"].astype(bool)].iloc[0]
    themes, summary, codes = _of(themes, current["id"]), _of(summary, current["id"]).set_index("measure"), _of(codes, current["id"])
    weakest, pooled = summary.loc["weakest theme"], summary.loc["pooled over themes"]
    rows = codes[codes["code_id"] != POOLED]
    rare = rows[rows["status"] == STATUS_TOO_RARE]
    disagreeing = _of(disagreements, current["id"])
    n_disagreeing = len(disagreeing)
    by_heading = int((disagreeing["settled_by"] == "section heading").sum()) if "settled_by" in disagreeing else 0
    n = int(current["n_units"])
    paragraphs = [
        f"A first coder coded all {corpus_size} contributions, reading each in its context (its document, section and "
        "speaker). The consensus coding the analysis uses is that coding with every later decision applied and logged "
        "with its reason. No person coded: every coder, and the adjudicator, was a separate instance of a large language "
        "model (the methods say which, and what each saw).",
        f"**The reliability test this briefing relies on** ({current['id']}, codebook {current['codebook_version']}, "
        f"{n} contributions): {current['note']}",
        f"At the level this briefing counts, themes, the weakest theme is **{weakest['label']}** at Krippendorff's alpha "
        f"**{weakest['alpha']:.2f}** ({_interval(weakest)}); pooled over themes, alpha is {pooled['alpha']:.2f} "
        f"({_interval(pooled)}). {theme_sentence(themes)} Comparing each contribution's whole set of codes "
        f"(MASI distance), alpha is {summary.loc['set of codes per contribution (MASI)', 'alpha']:.2f}. {len(rare)} of "
        f"{len(rows)} codes were carried by fewer than five sampled contributions and are too rare to test one by one."
        + _codes_not_counted(rows),
    ]
    heading_note = (f"; on {by_heading} of them only in a statement function that the section's heading fixes, which the "
                    "heading rule decides and the agreement above measures" if by_heading else "")
    settled_by = f", {current['adjudication']}" if _given(current, "adjudication") else ""
    paragraphs.append(
        f"The two coders differed on {n_disagreeing} of the {n} contributions (codes or statement function{heading_note}). "
        f"Each {'other ' if by_heading else ''}difference was settled after the answers were committed{settled_by}, and logged with its reason."
    )
    position = list(tests["id"]).index(current["id"])
    for order, other in enumerate(tests.itertuples(index=False)):
        if other.id != current["id"]:
            when = "Earlier" if order < position else "Later"
            paragraphs.append(f"*{when} test ({other.id}, codebook {other.codebook_version}, {other.n_units} contributions).* {other.note}")
    if untested:
        paragraphs.append(f"Not yet tested (added or redefined after the test): {names(list(untested))}.")
    return paragraphs


def function_paragraph(tests: pd.DataFrame, summary: pd.DataFrame) -> str:
    """How reliable the coded statement functions are, and what follows for the briefing."""
    result = function_result(tests, summary)
    if result is None:
        return "The statement function has not been tested where it is coded, so coded functions are not counted."
    test, row = result
    verdict = status(row["alpha"], 5)
    follows = {
        STATUS_COUNTED: "so coded functions are counted.",
        STATUS_TENTATIVE: "so coded functions are counted as tentative.",
        STATUS_NOT_COUNTED: f"below {TENTATIVE}, so coded functions are not counted: hopes, problems, needs and proposals are "
                            "counted only where the document's own heading says which an item is.",
    }[verdict]
    text = (f"Where the statement function is coded (in sections whose heading does not fix it), the test {test.name} "
            f"(codebook {test['codebook_version']}, {int(row['n_units'])} contributions) gives alpha {row['alpha']:.2f} "
            f"({_interval(row)}), {follows}")
    heading = summary[(summary["test"] == test.name) & (summary["measure"] == HEADING_MEASURE)]
    if len(heading):
        fixed = heading.iloc[0]
        text += (f" The heading rule was tested too: for the {int(fixed['n_units'])} contributions whose section's heading fixes "
                 f"the function, {_second_coder(test)} agreed with the rule at alpha {fixed['alpha']:.2f} "
                 f"({_interval(fixed)}), {status(fixed['alpha'], 5)} by the same rule: a heading says what a list was asked "
                 "for, and some items answer otherwise.")
    return text
