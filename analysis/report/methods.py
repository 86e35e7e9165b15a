"""The briefing's methods text and its SRQR table, from the data folder.

``data/methods.md`` holds the methods in words, with every number left as a ``{name}`` that the
build fills in (:func:`methods_values`); ``data/srqr.csv`` says where the briefing answers each
item of the Standards for Reporting Qualitative Research (O'Brien et al. 2014), or why an item
does not apply.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.evidence.data import Data
from analysis.evidence.readers import raise_if

METHODS_MD = "methods.md"
SRQR_CSV = "srqr.csv"
AUDIT_MARK = "Audit of the consensus"
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)


def methods_markdown(data: Data, values: Mapping[str, object]) -> str:
    """``methods.md`` with its comment removed and every ``{name}`` filled from ``values``
    (a name without a value raises KeyError naming it)."""
    text, problems = data.text(METHODS_MD)
    raise_if(problems)
    return _COMMENT.sub("", text).format_map(dict(values)).strip()


def methods_values(contributions: pd.DataFrame, functions_from: pd.Series, n_lists: int, tests: Sequence[Mapping],
                   reconciliation: pd.DataFrame, codebook_version: str, function_status: Mapping) -> dict[str, object]:
    """The values ``methods.md`` names, computed from the data: contributions, lists, the
    reliability tests (``tests``: each with ``id``, ``codebook_version``, ``n_units``, ``blind``,
    ``current`` and ``note``), logged decisions (and those of the audit), how many statement
    functions come from a section and how many were coded (``functions_from``: "section" or
    "coding" per contribution), and whether the coded ones are counted (``function_status``:
    ``alpha``, ``threshold``, ``coded_counted``)."""
    alpha, threshold = function_status["alpha"], function_status["threshold"]
    if pd.isna(alpha):
        reliability = "No second coder has coded them yet, so they are not counted."
    else:
        reliability = (f"In the latest blind test of them, the second coder reached Krippendorff's alpha {alpha:.2f} (the "
                       f"study's threshold is {threshold:.3f}), " + ("so they are counted." if function_status["coded_counted"] else
                                                                    "so they are not counted."))
    return {
        "n_contributions": len(contributions),
        "n_lists": n_lists,
        "reliability_tests": "\n".join(test_line(test) for test in tests) or "   - (no test recorded in the data)",
        "n_decisions": len(reconciliation),
        "n_audit": int(reconciliation["reason"].astype(str).str.contains(AUDIT_MARK, regex=False).sum()),
        "n_fixed_function": int((functions_from == "section").sum()),
        "n_coded_function": int((functions_from == "coding").sum()),
        "codebook_version": codebook_version,
        "function_reliability": reliability,
    }


def test_line(test: Mapping) -> str:
    """One reliability test as a list item of the methods: size, codebook, blind or not, its note."""
    blind = "blind" if test.get("blind") else "not blind"
    current = "; its results decide what the briefing counts" if test.get("current") else ""
    return (f"   - {test['n_units']} contributions on codebook {test['codebook_version']} ({blind}{current}). "
            f"{' '.join(str(test.get('note', '')).split())}")


def srqr_table(data: Data) -> pd.DataFrame:
    """The SRQR items, each with where the briefing answers it (or why it does not apply)."""
    table = data.table(SRQR_CSV)
    return table.rename(columns={"item": "SRQR item", "topic": "topic", "where_answered": "where the briefing answers it"})


def logged_decisions(data: Data, log: str = "reliability/reconciliation.csv") -> pd.DataFrame:
    """The reconciliation log of the data folder; an empty log (columns contribution_id, code_id,
    reason) when the folder has none."""
    if not data.exists(log):
        return pd.DataFrame(columns=["contribution_id", "code_id", "reason"])
    return data.table(log)


def reliability_tests(data: Data) -> list[dict]:
    """The reliability tests of the data folder with their sample sizes (``n_units``), oldest
    first; an empty list when the folder records none."""
    from analysis.coding.reliability_tables import TESTS_YAML, load_tests, sample_ids

    if not data.exists(TESTS_YAML):
        return []
    return [{**test, "n_units": len(sample_ids(data, test))} for test in load_tests(data)]
