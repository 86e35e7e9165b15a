"""The curated pairs of opposite statements (``opposing_statements.csv``)."""

from __future__ import annotations


from analysis.coding.coding_table import CODING_CSV
from analysis.evidence.data import Data, once
from analysis.evidence.readers import Problem
from analysis.evidence.validate import CONTRIBUTIONS_CSV
from analysis.evidence.vocabulary import CONSENSUS
from analysis.paths import display_path


OPPOSING_CSV = "opposing_statements.csv"
OPPOSING_COLUMNS = ("statement_a", "statement_b", "code_id", "reason")


@once
def check_opposing(data: Data) -> list[Problem]:
    """Problems in ``opposing_statements.csv``, against the whole data folder (a run may leave
    sources out): an unreadable file, missing columns or cells, unknown contributions, a pair
    whose statements do not both carry its code in the consensus coding, a statement paired
    with itself. A data folder without the file has none; an unreadable contributions.csv or
    coding.csv is left to its own check."""
    if not data.exists(OPPOSING_CSV):
        return []
    table, problems = data.csv(OPPOSING_CSV)
    if table is None:
        return problems
    table = table.fillna("")
    shown = display_path(data.file(OPPOSING_CSV))
    missing = [c for c in OPPOSING_COLUMNS if c not in table.columns]
    if missing:
        return [Problem(shown, None, c, "missing column") for c in missing]
    contributions, coding = data.table(CONTRIBUTIONS_CSV), data.table(CODING_CSV)
    if contributions is None or coding is None or "contribution_id" not in contributions or not {"contribution_id", "code_id", "coder"} <= set(coding.columns):
        return []
    named = set(table["statement_a"]) | set(table["statement_b"])  # only these ids are looked up
    known = set(contributions["contribution_id"][contributions["contribution_id"].isin(named)].tolist())
    consensus = coding[coding["contribution_id"].isin(known) & (coding["coder"] == CONSENSUS)]
    carried = set(zip(consensus["contribution_id"].tolist(), consensus["code_id"].tolist()))
    for row, record in enumerate(table.to_dict("records"), start=1):
        for column in OPPOSING_COLUMNS:
            if not record[column].strip():
                problems.append(Problem(shown, row, column, "empty"))
        for column in ("statement_a", "statement_b"):
            cid = record[column]
            if cid and cid not in known:
                problems.append(Problem(shown, row, column, f"unknown contribution {cid!r}"))
            elif cid and record["code_id"] and (cid, record["code_id"]) not in carried:
                problems.append(Problem(shown, row, column, f"{cid} does not carry {record['code_id']} in the consensus coding"))
        if record["statement_a"] and record["statement_a"] == record["statement_b"]:
            problems.append(Problem(shown, row, "statement_b", "the same statement as statement_a"))
    return problems
