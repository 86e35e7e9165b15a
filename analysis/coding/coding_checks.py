"""The checks of the coding against the codebook, the contributions and the reconciliation
logs, and the loader that refuses a coding they find a problem in."""

from __future__ import annotations


import numpy as np
import pandas as pd

from analysis.coding.codebook import CODEBOOK_YAML, NOT_CODABLE, check_codebook, is_blank
from analysis.coding.coding_table import CODING_CSV, coding_schema_problems
from analysis.coding.consensus import reconciliation_problems
from analysis.coding.functions import function_problems, read_section_functions, statement_function_ids
from analysis.coding.row_keys import FactorColumn, factorised, marked, row_keys
from analysis.evidence.data import Data, once
from analysis.evidence.loaders import read_contribution_ids
from analysis.evidence.readers import DataValidationError, Problem
from analysis.evidence.validate import CONTRIBUTIONS_CSV
from analysis.evidence.vocabulary import CONSENSUS, FIRST_CODER
from analysis.paths import display_path


def _coding_row_problems(columns: dict[str, FactorColumn], shown: str, known_codes: set[str] | None, known_contributions: np.ndarray | None) -> list[Problem]:
    """Row problems of coding.csv, in row order: an unknown code (when the codebook could be
    read), an unknown contribution id (when contributions.csv could be read: ``known_contributions``
    says which of the contribution_id column's distinct values are), a duplicate of an earlier
    row (same contribution, code and coder)."""
    found: list[tuple[int, int, Problem]] = []  # (row, check, problem), sorted at the end
    if "code_id" in columns and known_codes is not None:
        code = columns["code_id"]
        unknown = np.flatnonzero(~code.missing() & ~code.isin(known_codes))
        found += [(row + 1, 0, Problem(shown, row + 1, "code_id", f"unknown code {value!r} (not in {CODEBOOK_YAML})"))
                  for row, value in zip(unknown.tolist(), code.at(unknown))]
    if "contribution_id" in columns and known_contributions is not None:
        cid = columns["contribution_id"]
        unknown = np.flatnonzero(~cid.missing() & ~known_contributions[cid.codes])
        found += [(row + 1, 1, Problem(shown, row + 1, "contribution_id", f"unknown contribution_id {value!r} (not in {CONTRIBUTIONS_CSV})"))
                  for row, value in zip(unknown.tolist(), cid.at(unknown))]
    key = ("contribution_id", "code_id", "coder")
    if set(key) <= set(columns):
        complete = np.flatnonzero(~np.logical_or.reduce([columns[name].missing() for name in key]))
        row_key = row_keys([columns[name] for name in key], complete)
        repeated = pd.Series(row_key).duplicated(keep="first").to_numpy()
        if repeated.any():
            first = pd.Series(complete).groupby(row_key, sort=False).transform("min").to_numpy()
            rows = complete[repeated]
            found += [(row + 1, 2, Problem(shown, row + 1, None, f"duplicate row: {cid} / {code} / {coder} is also row {earlier + 1}"))
                      for row, earlier, cid, code, coder in zip(rows.tolist(), first[repeated].tolist(), *(columns[name].at(rows) for name in key))]
    return [problem for _, _, problem in sorted(found, key=lambda item: item[:2])]

def _not_codable_combined(cid: FactorColumn, code: FactorColumn, consensus: np.ndarray, functions: list[str]) -> list[tuple[str, list[str]]]:
    """(contribution, its other codes) for every contribution whose consensus codes (statement
    functions aside) combine not_codable with another code, by contribution id."""
    rows = consensus & ~code.missing() & ~code.isin(functions)
    pairs = pd.DataFrame({"cid": cid.codes[rows], "code": code.codes[rows]}).drop_duplicates()
    not_codable = pairs["code"] == code.values.get_indexer([NOT_CODABLE])[0]
    combined = pairs["cid"].isin(pairs.loc[not_codable, "cid"]) & pairs["cid"].duplicated(keep=False)
    others = pairs[combined & ~not_codable]
    found = pd.DataFrame({"cid": cid.values[others["cid"]], "code": code.values[others["code"]]})
    return sorted((name, sorted(group.tolist())) for name, group in found.groupby("cid")["code"])


def _codes_of(cid: FactorColumn, code: FactorColumn, consensus: np.ndarray, contributions: set[str]) -> dict[str, set[str]]:
    """The consensus codes of the given contributions (those with none left out)."""
    rows = np.flatnonzero(consensus & cid.isin(contributions) & ~code.missing())
    codes_of: dict[str, set[str]] = {}
    for name, value in zip(cid.at(rows), code.at(rows)):
        codes_of.setdefault(name, set()).add(value)
    return codes_of


@once
def check_coding(data: Data) -> list[Problem]:
    """Problems in the codebook and the coding, and between them and the contributions.

    The codebook's own problems (:func:`check_codebook`); in coding.csv: missing or unexpected
    columns, empty cells, an unknown code, an unknown contribution id, an unknown coder, a
    duplicate row (same contribution, code and coder), a contribution with no consensus code,
    a consensus row combining not_codable with another code; in the codebook: an example that
    is not a known contribution or does not carry its code in the consensus coding.
    """
    problems = check_codebook(data)
    codebook, _ = data.yaml(CODEBOOK_YAML)
    known_codes = {str(c.get("id")) for c in (codebook or {}).get("codes") or [] if isinstance(c, dict)}
    functions = statement_function_ids(codebook or {})
    known_codes |= set(functions)
    contribution_ids = read_contribution_ids(data)
    frame, coding_problems = coding_schema_problems(data)
    problems += coding_problems
    if frame is None:
        return problems
    shown = display_path(data.file(CODING_CSV))
    columns = factorised(frame)
    # where each contribution's id is among coding.csv's (-1: nowhere), found once for both directions
    where = columns["contribution_id"].values.get_indexer(contribution_ids) if contribution_ids is not None and "contribution_id" in columns else None
    problems += _coding_row_problems(columns, shown, known_codes if codebook is not None else None,
                                     marked(len(columns["contribution_id"].values), where) if where is not None else None)
    if len(columns) < 3:
        return problems
    cid, code, coder = columns["contribution_id"], columns["code_id"], columns["coder"]
    consensus = coder.equals(CONSENSUS) & ~cid.missing()
    if where is not None:
        lacking = ~marked(len(cid.values), cid.codes[consensus])[where] | (where < 0)
        problems += [Problem(shown, None, "contribution_id", f"contribution {name} has no consensus code") for name in contribution_ids[lacking].tolist()]
    if codebook is None:  # without a codebook, functions are not told from codes
        return problems
    problems += [Problem(shown, None, "code_id", f"contribution {name}: {NOT_CODABLE} combined with other consensus codes ({', '.join(others)})")
                 for name, others in _not_codable_combined(cid, code, consensus, functions)]
    problems += _example_problems(data, codebook, cid, code, consensus, contribution_ids)
    return problems + reconciliation_problems(data, columns)


def _example_problems(data: Data, codebook: dict, cid: FactorColumn, code: FactorColumn, consensus: np.ndarray, contribution_ids: pd.Index | None) -> list[Problem]:
    """Each codebook example that is not a known contribution or does not carry its code in the consensus coding."""
    book = display_path(data.file(CODEBOOK_YAML))
    entries = [entry for entry in codebook.get("codes") or [] if isinstance(entry, dict) and not is_blank(entry.get("example"))]
    codes_of = _codes_of(cid, code, consensus, {str(entry["example"]) for entry in entries})
    known = set(contribution_ids[contribution_ids.isin([str(entry["example"]) for entry in entries])]) if contribution_ids is not None else set()
    problems = []
    for entry in entries:
        example, code_id = str(entry["example"]), str(entry.get("id"))
        if contribution_ids is not None and example not in known:
            problems.append(Problem(book, None, f"codes.{code_id}.example", f"unknown contribution id {example!r}"))
        elif code_id not in codes_of.get(example, set()):
            problems.append(Problem(book, None, f"codes.{code_id}.example", f"{example} does not carry {code_id} in the consensus coding"))
    return problems

@once
def check_statement_functions(data: Data) -> list[Problem]:
    """Problems with the statement functions in coding.csv (consensus and coder_a rows): by
    the rule of :mod:`analysis.coding.functions`, exactly one function per contribution in a
    section whose function is coded, none in a section that fixes it. A data folder without
    a vocabulary has no problem here."""
    try:
        section_function = read_section_functions(data)
    except DataValidationError:
        return []  # the vocabulary's own check reports it
    codebook, _ = data.yaml(CODEBOOK_YAML)
    if not section_function or codebook is None:
        return []
    contributions = data.table(CONTRIBUTIONS_CSV, ["contribution_id", "section"])
    coding = data.table(CODING_CSV, ["contribution_id", "code_id", "coder"])
    if contributions is None or coding is None:
        return []
    if not {"contribution_id", "section"} <= set(contributions.columns) or not {"contribution_id", "code_id", "coder"} <= set(coding.columns):
        return []
    shown = display_path(data.file(CODING_CSV))
    function_ids = statement_function_ids(codebook)
    coding = coding[coding["code_id"].isin(function_ids)]  # the rule looks at no other row
    problems = []
    for coder in (FIRST_CODER, CONSENSUS):
        rows = coding[coding["coder"] == coder]
        problems += [Problem(shown, None, "code_id", f"{coder} {cid}: {message}")
                     for cid, message in function_problems(contributions, rows, section_function, function_ids)]
    return problems

@once
def load_coding(data: Data, coder: str | None = None) -> pd.DataFrame:
    """coding.csv after :func:`check_coding` (raises DataValidationError), as text columns with
    empty memos as ''. ``coder`` keeps one coder's rows (a coder with no rows raises ValueError)."""
    problems = check_coding(data)
    if problems:
        raise DataValidationError(problems)
    frame = data.table(CODING_CSV)
    if coder is not None:
        if coder not in set(frame["coder"]):
            raise ValueError(f"unknown coder {coder!r} (coders in {CODING_CSV}: {', '.join(sorted(set(frame['coder'])))})")
        frame = frame[frame["coder"] == coder].reset_index(drop=True)
    return frame
