"""The consensus coding: the first coder's coding with every logged decision applied, in order.

``reliability/reconciliation.csv`` logs every decision that makes the consensus differ from the
first coder, and every decision on a disagreement between the first test's two coders; later
tests' logs (:data:`LATER_RECONCILIATION_COLUMNS`) apply after it, in the order of tests.yaml.
:func:`reconciliation_problems` checks that the consensus in coding.csv is exactly that.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.evidence.data import Data
from analysis.coding.codebook import CODE_ID_PATTERN, CODEBOOK_YAML
from analysis.coding.coding_table import CODING_COLUMNS, CODING_CSV
from analysis.coding.functions import read_section_functions, statement_function_ids, without_untested_functions
from analysis.coding.recorded_tests import later_reconciliations
from analysis.coding.row_keys import FactorColumn, PairSpace, differences, member, minus, union
from analysis.evidence.readers import DataValidationError, Problem
from analysis.evidence.schema import ID_PATTERN, Column
from analysis.evidence.validate import CONTRIBUTIONS_CSV, read_checked_csv
from analysis.evidence.vocabulary import CONSENSUS, FIRST_CODER
from analysis.paths import display_path


RECONCILIATION_CSV = "reliability/reconciliation.csv"
FIRST_TEST_CODERS = (FIRST_CODER, "coder_b")  # the first test's two coders, each a column of its log

#: Columns of reliability/reconciliation.csv: every difference between coder_a and the consensus,
#: and every decision on a disagreement between coder_a and coder_b.
RECONCILIATION_COLUMNS: tuple[Column, ...] = (
    Column("contribution_id", "str", "The contribution.", pattern=ID_PATTERN),
    Column("code_id", "str", "The code decided on.", pattern=CODE_ID_PATTERN),
    Column("coder_a", "str", "Whether coder_a applied the code.", allowed=("present", "absent")),
    Column("coder_b", "str", "Whether coder_b applied the code; 'not coded' outside the reliability sample.", allowed=("present", "absent", "not coded")),
    Column("decision", "str", "Whether the consensus carries the code.", allowed=("present", "absent")),
    Column("reason", "str", "Why: a coder's error or omission against the codebook, or a codebook revision (named by version)."),
)


def build_consensus(coding: pd.DataFrame, reconciliation: pd.DataFrame, base: str = FIRST_CODER) -> pd.DataFrame:
    """The consensus rows: ``base``'s codes for every contribution with each reconciliation
    decision applied (present: the code is added, absent: removed). Memos: the base coder's
    memo where the code is kept, the reconciliation reason where it was added. Rows keep the
    base coder's order, added codes after the contribution's other codes."""
    decided = {(r.contribution_id, r.code_id): (r.decision, r.reason) for r in reconciliation.itertuples()}
    rows = coding[coding["coder"] == base]
    out: list[dict] = []
    by_contribution: dict[str, list[dict]] = {}
    for record in rows.to_dict("records"):
        by_contribution.setdefault(record["contribution_id"], []).append(record)
    added: dict[str, list[tuple[str, str]]] = {}
    for (cid, code), (decision, reason) in decided.items():
        if decision == "present" and not any(r["code_id"] == code for r in by_contribution.get(cid, [])):
            added.setdefault(cid, []).append((code, reason))
    for cid in list(by_contribution) + [c for c in added if c not in by_contribution]:
        for record in by_contribution.get(cid, []):
            if decided.get((cid, record["code_id"]), ("present",))[0] == "absent":
                continue
            out.append({"contribution_id": cid, "code_id": record["code_id"], "coder": CONSENSUS, "memo": record.get("memo", "") or ""})
        for code, reason in added.get(cid, []):
            out.append({"contribution_id": cid, "code_id": code, "coder": CONSENSUS, "memo": f"Reconciliation: {reason}"})
    return pd.DataFrame.from_records(out, columns=[c.name for c in CODING_COLUMNS])


#: Columns of a later test's reconciliation log (reliability/<test folder>/reconciliation.csv,
#: named by the test's ``reconciliation`` in reliability/tests.yaml): each decision changes the
#: consensus as it stood after every earlier log.
LATER_RECONCILIATION_COLUMNS: tuple[Column, ...] = (
    Column("contribution_id", "str", "The contribution.", pattern=ID_PATTERN),
    Column("code_id", "str", "The code or statement function decided on.", pattern=CODE_ID_PATTERN),
    Column("before", "str", "Whether the consensus carried it before this decision.", allowed=("present", "absent")),
    Column("second_coder", "str", "Whether the test's second coder applied it; 'not coded' outside the test's sample.", allowed=("present", "absent", "not coded")),
    Column("decision", "str", "Whether the consensus carries it now.", allowed=("present", "absent")),
    Column("reason", "str", "Why, by the codebook's rules (a coder's slip, or a codebook revision named by version)."),
)

def _fixed_function_ids(data: Data) -> pd.Series | None:
    """Contributions whose section fixes their statement function (data/vocabulary.yaml): the
    rule decides it, so a second coder's function there is no disagreement to reconcile. None
    when the vocabulary or contributions.csv cannot be read (their own checks report it)."""
    try:
        section_function = read_section_functions(data)
    except DataValidationError:
        return None
    contributions = data.table(CONTRIBUTIONS_CSV, ["contribution_id", "section"])
    if not section_function or contributions is None or not {"contribution_id", "section"} <= set(contributions.columns):
        return None
    return contributions.loc[contributions["section"].map(section_function).notna(), "contribution_id"]

def _first_consensus(base: np.ndarray, keys: np.ndarray, decisions: pd.Series) -> np.ndarray:
    """The consensus of :func:`build_consensus` as keys: ``base``'s less those decided absent,
    plus those decided present (a later decision on the same pair overrides an earlier one)."""
    last = ~pd.Series(keys).duplicated(keep="last").to_numpy()
    present = (decisions == "present").to_numpy()
    return union(minus(base, keys[last & ~present]), keys[last & present])


def _applied(consensus: np.ndarray, keys: np.ndarray, decisions: pd.Series) -> np.ndarray:
    """The consensus after a later log's decisions (present: added, absent: removed unless also added)."""
    present = (decisions == "present").to_numpy()
    return union(minus(consensus, keys[~present]), keys[present])


def _presence(keys: np.ndarray, coded: np.ndarray, space: PairSpace, units: np.ndarray | None = None) -> np.ndarray:
    """For each key: "present" when among ``coded``, else "absent", or "not coded" when its
    contribution is not among ``units``."""
    value = np.where(member(keys, coded), "present", "absent").astype(object)
    if units is not None:
        value[~member(space.contribution(keys), units)] = "not coded"
    return value


def _disagreements(space: PairSpace, reference: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The distinct keys coded by only one of two coders, on the contributions the second coded."""
    reference = reference[member(space.contribution(reference), pd.unique(space.contribution(second)))]
    return np.concatenate([minus(reference, second), minus(second, reference)])


def _value_problems(log: pd.DataFrame, shown: str, checks: list[tuple[str, np.ndarray, Callable[[int], str]]]) -> list[Problem]:
    """A problem for each log cell that does not say what the coding has: ``checks`` are (column,
    what the coding has for each row, what to say about row i), reported row by row in order."""
    wrong = [value != log[column].to_numpy(object) for column, value, _ in checks]
    problems = []
    for row in np.flatnonzero(np.logical_or.reduce(wrong)).tolist():
        problems += [Problem(shown, row + 1, column, f"says {log[column].iat[row]} but {found(row)}")
                     for (column, _, found), mask in zip(checks, wrong) if mask[row]]
    return problems


def _later_logs(data: Data) -> list[tuple[dict, Path, pd.DataFrame | None, list[Problem]]]:
    """Every later test's reconciliation log, read and checked against its columns, in order."""
    return [(test, data.file(name), *read_checked_csv(data, name, LATER_RECONCILIATION_COLUMNS, {})) for test, name in later_reconciliations(data)]


def _later_log_problems(data: Data, later: list, space: PairSpace, rows: np.ndarray, coder: FactorColumn, consensus: np.ndarray) -> tuple[np.ndarray, list[Problem]]:
    """Apply every later reconciliation log to ``consensus`` (keys; ``rows`` are the coding rows'
    keys), checking each row's ``before`` and ``second_coder`` and that every disagreement in
    the test's sample has a decision (a statement function fixed by the contribution's section
    is decided by rule, not here; that last check waits until contributions.csv can be read)."""
    problems: list[Problem] = []
    function_ids = statement_function_ids(data.yaml(CODEBOOK_YAML)[0] or {})
    fixed = _fixed_function_ids(data) if later else None
    is_function = np.asarray(space.codes.isin(function_ids))
    for test, path, log, found in later:
        if log is None or found:
            problems += found
            continue
        shown, keys = display_path(path), space.log_keys(log)
        second = rows[coder.equals(test["second_coder"])]
        before, value = _presence(keys, consensus, space), _presence(keys, second, space, pd.unique(space.contribution(second)))
        cids, codes = log["contribution_id"].tolist(), log["code_id"].tolist()
        problems += _value_problems(log, shown, [
            ("before", before, lambda i: f"the consensus before this log has {cids[i]} / {codes[i]} {before[i]}"),
            ("second_coder", value, lambda i: f"{test['second_coder']} has it {value[i]}"),
        ])
        if fixed is not None:  # reconciled against the reference as it stood then (a later one, if the test records it)
            reconciled_against = test.get("later_reference") or test["reference"]
            differing = _disagreements(space, rows[coder.equals(reconciled_against)], second)
            code_is_function = is_function[space.code(differing)]
            in_scope = code_is_function if test.get("scope") == "functions" else np.ones(len(differing), dtype=bool)
            by_rule = code_is_function & np.asarray(space.contributions.isin(fixed))[space.contribution(differing)]
            problems += [Problem(shown, None, "code_id", f"the disagreement on {cid} / {code} between {reconciled_against} and {test['second_coder']} has no decision")
                         for cid, code in space.pairs(minus(differing[in_scope & ~by_rule], keys))]
        consensus = _applied(consensus, keys, log["decision"])
    return consensus, problems


def reconciliation_problems(data: Data, columns: dict[str, FactorColumn]) -> list[Problem]:
    """When reliability/reconciliation.csv exists: its own schema problems, and whether the
    consensus is exactly coder_a with the logged decisions applied (every change logged)."""
    if not data.exists(RECONCILIATION_CSV):
        return []
    log, problems = read_checked_csv(data, RECONCILIATION_CSV, RECONCILIATION_COLUMNS, {})
    if log is None or problems:
        return problems
    shown = display_path(data.file(RECONCILIATION_CSV))
    duplicated = log[log.duplicated(["contribution_id", "code_id"])]
    problems += [Problem(shown, int(i) + 1, None, f"second decision on {r.contribution_id} / {r.code_id}") for i, r in duplicated.iterrows()]
    cid, code, coder = columns["contribution_id"], columns["code_id"], columns["coder"]
    later = _later_logs(data)
    space = PairSpace.of(cid, code, [log] + [later_log for _, _, later_log, found in later if later_log is not None and not found])
    rows, keys = space.keys(cid, code), space.log_keys(log)
    of_a = rows[coder.equals(FIRST_CODER)]
    want, later_problems = _later_log_problems(data, later, space, rows, coder, _first_consensus(of_a, keys, log["decision"]))
    problems += later_problems
    have = rows[coder.equals(CONSENSUS)]
    coding_shown = display_path(data.file(CODING_CSV))
    extra, lacking = differences(have, want)
    problems += [Problem(coding_shown, None, "code_id", f"consensus {c} / {k} is neither coder_a's nor a logged decision in {RECONCILIATION_CSV} or a later test's log")
                 for c, k in space.pairs(extra)]
    problems += [Problem(coding_shown, None, "code_id", f"consensus lacks {c} / {k} (coder_a's code or a logged decision in {RECONCILIATION_CSV} or a later test's log)")
                 for c, k in space.pairs(lacking)]
    a, b = _compared(columns, rows, statement_function_ids(data.yaml(CODEBOOK_YAML)[0] or {}))
    applied, b_value = _presence(keys, of_a, space), _presence(keys, b, space, pd.unique(space.contribution(b)))
    problems += _value_problems(log, shown, [
        ("coder_a", applied, lambda i: f"coder_a's coding has it {applied[i]}"),
        ("coder_b", b_value, lambda i: f"coder_b's coding has it {b_value[i]}"),
    ])
    return problems + [Problem(shown, None, "code_id", f"the disagreement on {c} / {k} between coder_a and coder_b has no decision")
                       for c, k in space.pairs(minus(_disagreements(space, a, b), keys))]


def _compared(columns: dict[str, FactorColumn], rows: np.ndarray, function_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The keys of coder_a's and coder_b's rows as the first test compares them (statement
    functions only when both coded them: :func:`without_untested_functions`)."""
    code, coder = columns["code_id"], columns["coder"]
    first, second = FIRST_TEST_CODERS
    both = coder.equals(first) | coder.equals(second)
    frame = pd.DataFrame({"code_id": pd.Categorical.from_codes(code.codes[both], code.values),
                          "coder": pd.Categorical.from_codes(coder.codes[both], coder.values), "key": rows[both]})
    frame = without_untested_functions(frame, FIRST_TEST_CODERS, function_ids)
    return frame.loc[frame["coder"] == first, "key"].to_numpy(), frame.loc[frame["coder"] == second, "key"].to_numpy()
