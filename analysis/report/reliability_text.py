"""The briefing's account of the coding and its reliability: its values, from the saved tables.

Every number comes from the reliability tables of notebook 40 (``reliability_tests``,
``reliability_theme_alpha``, ``reliability_summary``, ``reliability_code_alpha``,
``reliability_disagreements``); the order of events is the one the tests' records give. The words
are the macros of ``templates/sections/reliability_text.html.j2``, one per paragraph.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.coding.reliability import POOLED, THRESHOLD_RELIABLE, THRESHOLD_TENTATIVE
from analysis.coding.reliability_tables import STATUS_COUNTED, STATUS_NOT_COUNTED, STATUS_TENTATIVE, STATUS_TOO_RARE, status
from markupsafe import Markup

from analysis.report.markup import environment, phrase

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


def _was_blind(test: Mapping) -> bool:
    """Whether tests.yaml records the test as blind (its second coder saw no heading)."""
    blind = test.get("blind")
    return bool(pd.notna(blind) and bool(blind))


def _of(table: pd.DataFrame, test_id: str) -> pd.DataFrame:
    return table[table["test"] == test_id]


def _row(row: Mapping) -> dict:
    """A result row with its interval, and its cluster interval where it has one (None otherwise)."""
    clustered = row.get("cluster_ci_low") if hasattr(row, "get") else None
    values = dict(row)
    if clustered is None or clustered != clustered:
        values.update(cluster_ci_low=None, cluster_ci_high=None)
    return values


def _say(macro: str, **values) -> Markup:
    """One paragraph's words: the named macro of the reliability template, filled in."""
    return Markup(getattr(environment().get_template("sections/reliability_text.html.j2").module, macro)(**values)).strip()


def function_result(tests: pd.DataFrame, summary: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """The latest test that measured the statement function where it is coded, and its summary row."""
    measured = summary[summary["measure"] == FUNCTION_MEASURE]
    for test in reversed(list(tests.itertuples(index=False))):
        rows = measured[measured["test"] == test.id]
        if len(rows):
            return tests.set_index("id").loc[test.id], rows.iloc[0]
    return None


def reliability_paragraphs(tests: pd.DataFrame, themes: pd.DataFrame, summary: pd.DataFrame, codes: pd.DataFrame,
                           disagreements: pd.DataFrame, corpus_size: int, untested: Sequence[str]) -> list[Markup]:
    """The paragraphs: who coded what in what order, the current test's results where the briefing
    counts, the disagreements, the earlier tests as history, what is not yet tested."""
    current = tests[tests["current"].astype(bool)].iloc[0]
    themes, summary, codes = _of(themes, current["id"]), _of(summary, current["id"]).set_index("measure"), _of(codes, current["id"])
    theme_rows = themes[themes["code_id"] != POOLED]
    rows = codes[codes["code_id"] != POOLED]
    below = rows[rows["status"] == STATUS_NOT_COUNTED]
    disagreeing = _of(disagreements, current["id"])
    by_heading = int((disagreeing["settled_by"] == "section heading").sum()) if "settled_by" in disagreeing else 0
    n = int(current["n_units"])
    results = {
        "weakest": _row(summary.loc["weakest theme"]), "pooled": _row(summary.loc["pooled over themes"]),
        "n_themes": len(theme_rows), "reliable": RELIABLE, "tentative_floor": TENTATIVE,
        **{key: list(theme_rows.loc[theme_rows["status"] == status_, "label"]) for key, status_ in
           (("counted", STATUS_COUNTED), ("tentative", STATUS_TENTATIVE), ("not_counted", STATUS_NOT_COUNTED), ("too_rare", STATUS_TOO_RARE))},
        "masi": summary.loc["set of codes per contribution (MASI)", "alpha"], "n_rare": int((rows["status"] == STATUS_TOO_RARE).sum()),
        "n_codes": len(rows), "below": [phrase("code_alpha", label=row.label, alpha=row.alpha, n=int(row.positives)) for row in below.itertuples()],
    }
    paragraphs = [
        _say("who_coded", corpus_size=corpus_size),
        _say("relied_on", test=current, n=n),
        _say("results", v=results),
        _say("differences", n_disagreeing=len(disagreeing), n=n, by_heading=by_heading,
             adjudication=current["adjudication"] if _given(current, "adjudication") else ""),
    ]
    position = list(tests["id"]).index(current["id"])
    paragraphs += [_say("other_test", when="Earlier" if order < position else "Later", test=other._asdict())
                   for order, other in enumerate(tests.itertuples(index=False)) if other.id != current["id"]]
    if untested:
        paragraphs.append(_say("untested", names=list(untested)))
    return paragraphs


def function_paragraph(tests: pd.DataFrame, summary: pd.DataFrame) -> Markup:
    """How reliable the coded statement functions are, and what follows for the briefing."""
    result = function_result(tests, summary)
    if result is None:
        return _say("function_untested")
    test, row = result
    verdict = status(row["alpha"], 5)
    heading = summary[(summary["test"] == test.name) & (summary["measure"] == HEADING_MEASURE)]
    fixed = _row(heading.iloc[0]) if len(heading) else None
    return _say("function_result", test_id=test.name, version=test["codebook_version"], row=_row(row),
                counted=verdict == STATUS_COUNTED, tentative=verdict == STATUS_TENTATIVE, tentative_floor=TENTATIVE,
                heading=fixed, second_coder_blind=_was_blind(test), heading_verdict=status(fixed["alpha"], 5) if fixed else "")
