"""The briefing's methods text and its SRQR table, from the data folder.

``data/methods.md.j2`` holds the methods in words: Markdown written as a Jinja2 template, which
the build fills with the values of :func:`methods_values` (no number is typed in it). It is the
data folder's, not one of the project's templates, because it tells how this study was done (who
coded, what each coder saw); another data folder tells its own. ``data/srqr.csv`` says where the
briefing answers each item of the Standards for Reporting Qualitative Research (O'Brien et al.
2014), or why an item does not apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.evidence.data import Data
from analysis.evidence.readers import raise_if
from analysis.report.markup import plain_environment

METHODS_TEMPLATE = "methods.md.j2"
SRQR_CSV = "srqr.csv"
AUDIT_MARK = "Audit of the consensus"


def methods_markdown(data: Data, values: Mapping[str, object]) -> str:
    """The data folder's methods text (Markdown) filled in from ``values``; a name without a value
    raises jinja2's UndefinedError naming it."""
    text, problems = data.text(METHODS_TEMPLATE)
    raise_if(problems)
    return plain_environment().from_string(text).render(**values).strip()


def methods_values(contributions: pd.DataFrame, functions_from: pd.Series, n_lists: int, tests: Sequence[Mapping],
                   reconciliation: pd.DataFrame, codebook_version: str, function_status: Mapping) -> dict[str, object]:
    """The values the methods text names, computed from the data: contributions, lists, the
    reliability tests (``tests``: each with ``id``, ``codebook_version``, ``n_units``, ``blind``,
    ``current`` and ``note``), logged decisions (and those of the audit), how many statement
    functions come from a section and how many were coded (``functions_from``: "section" or
    "coding" per contribution), and how the coded ones fared (``function_status``: ``alpha``,
    missing when no test has covered them, ``threshold`` and ``coded_counted``)."""
    alpha = function_status["alpha"]
    return {
        "n_contributions": len(contributions),
        "n_lists": n_lists,
        "reliability_tests": [reliability_test_values(test) for test in tests],
        "n_decisions": len(reconciliation),
        "n_audit": int(reconciliation["reason"].astype(str).str.contains(AUDIT_MARK, regex=False).sum()),
        "n_fixed_function": int((functions_from == "section").sum()),
        "n_coded_function": int((functions_from == "coding").sum()),
        "codebook_version": codebook_version,
        "function_alpha": None if pd.isna(alpha) else float(alpha),
        "function_threshold": function_status["threshold"],
        "functions_counted": bool(function_status["coded_counted"]),
    }


def reliability_test_values(test: Mapping) -> dict[str, object]:
    """One reliability test as the methods text names it: its size, codebook, whether it was blind
    and whether its results decide what the briefing counts, and its note on one line."""
    return {"n_units": test["n_units"], "codebook_version": test["codebook_version"], "blind": bool(test.get("blind")),
            "current": bool(test.get("current")), "note": " ".join(str(test.get("note", "")).split())}


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
