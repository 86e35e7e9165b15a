"""Bring coding done in a QDA program back into ``data/coding.csv``, under a new coder name.

``python -m analysis qda merge FILE.qdpx --coder NAME`` reads the archive as ``qda import``
does, takes the codings of one user of the program (``--user``; by default the one user
who is not already a coder in coding.csv), and appends them to coding.csv as coder NAME.
NAME must be new: never ``consensus`` nor a coder already in the file, so nothing there is
overwritten. Codings with codes the codebook lacks cannot be merged (add the code to
data/codebook.yaml first); they are listed and left out, as are codings that match no
contribution. ``--consensus`` also writes them as the consensus, and as the first coding
(coder_a) it is built from, of contributions that have no consensus (a new source coded by
one person, as when suggested codes are reviewed); an existing consensus is never changed.
``--dry-run`` shows what would be merged and writes nothing.

After the merge, Krippendorff's alpha (nominal, :mod:`analysis.coding.alpha`) of NAME against
the consensus is reported, over every contribution x code decision on the contributions
NAME coded: a contribution NAME coded at all counts as read, so a code NAME did not apply
there is an "absent".
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from analysis.evidence.data import Data
from analysis.coding.alpha import nominal_alpha
from analysis.coding.reliability import presence
from analysis.evidence.validate import vocabulary_values
from analysis.coding.coding_table import check_coder_name, consensus_where_missing
from analysis.evidence.vocabulary import CONSENSUS, FIRST_CODER
from analysis.exchange.opendata import data_table, read_data
from analysis.paths import DATA_DIR



def add_merge_command(sub: argparse._SubParsersAction) -> None:
    merge = sub.add_parser("merge", help="append a program user's codings to data/coding.csv as a new coder",
                           description="Append the codings of one user of a QDA program to data/coding.csv under "
                                       "a new coder name (never consensus nor a coder already there), then report "
                                       "Krippendorff's alpha of that coder against the consensus.")
    merge.add_argument("path", type=Path, metavar="FILE.qdpx")
    merge.add_argument("--coder", required=True, help="the new coder name for these codings (lower-case letters, digits, _ or -)")
    merge.add_argument("--user", help="the program's user whose codings to merge (default: the one user who is not "
                                      "already a coder in coding.csv)")
    merge.add_argument("--data-dir", type=Path, default=DATA_DIR, help="the data folder (default: data)")
    merge.add_argument("--consensus", action="store_true", help="also write them as the consensus (and coder_a) of contributions that have no consensus")
    merge.add_argument("--dry-run", action="store_true", help="report what would be merged; write nothing")


def chosen_user(imported: pd.DataFrame, existing: set[str], user: str | None) -> str:
    """The program user whose codings are merged. Raises ValueError naming the choices."""
    users = sorted(set(imported["coder"]))
    if user is not None:
        if user not in users:
            raise ValueError(f"no codings by user {user!r} in the archive (users: {', '.join(users) or 'none'})")
        return user
    new = [u for u in users if u not in existing]
    if len(new) != 1:
        raise ValueError(f"the archive has {'no' if not new else 'several'} users who are not coders in coding.csv "
                         f"({', '.join(new) or 'users: ' + ', '.join(users)}); name one with --user")
    return new[0]


def merged_rows(imported: pd.DataFrame, user: str, coder: str, codebook_codes: set[str]
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows to append as ``coder``, rows left out because their code is not in the codebook)."""
    rows = imported[imported["coder"] == user].assign(coder=coder)
    known = rows["code_id"].isin(codebook_codes)
    columns = ["contribution_id", "code_id", "coder", "memo"]
    return rows.loc[known, columns].reset_index(drop=True), rows.loc[~known, columns].reset_index(drop=True)


def alpha_against_consensus(coding: pd.DataFrame, coder: str, codes: list[str]) -> tuple[float, int]:
    """(Krippendorff's alpha, nominal, of ``coder`` against the consensus over every
    contribution x code decision on the contributions ``coder`` coded; number of those
    contributions). Alpha is NaN when only one value occurs."""
    units = sorted(set(coding.loc[coding["coder"] == coder, "contribution_id"]))
    consensus = presence(coding, CONSENSUS, units, codes).to_numpy().ravel()
    theirs = presence(coding, coder, units, codes).to_numpy().ravel()
    return nominal_alpha(consensus, theirs), len(units)


def run_merge(args: argparse.Namespace, folder: Data) -> int:
    """The ``merge`` command into the opened data ``folder``. Raises QdaImportError or ValueError with one line."""
    from analysis.coding.coding_table import write_coding
    from analysis.exchange.qda import exchange_data, read_qdpx

    data = exchange_data(folder)
    path = folder.file("coding.csv")
    coding = data_table(folder, "coding.csv")
    existing = set(coding["coder"])
    check_coder_name(args.coder, existing, vocabulary_values(folder).get("coders"))
    _, imported, report = read_qdpx(args.path, folder)
    user = chosen_user(imported, existing, args.user)
    codes = [str(c["id"]) for c in read_data(folder).codebook.get("codes") or []]  # topic codes, for alpha
    rows, left_out = merged_rows(imported, user, args.coder, {str(c["id"]) for c in data.codebook["codes"]})
    print(report.summary())
    print(f"{len(rows)} codings by {user} to merge into {path} as coder {args.coder}.")
    for row in left_out.itertuples():
        print(f"  left out: {row.contribution_id} coded {row.code_id!r}, a code data/codebook.yaml does not have")
    if args.dry_run or rows.empty:
        print("nothing written" + (" (dry run)" if args.dry_run else ""))
        return 0
    consensus, kept = consensus_where_missing(rows, coding) if args.consensus else (rows.iloc[:0], [])
    if kept:
        print(f"  {len(kept)} contributions already have consensus coding, left as it is")
    merged = pd.concat([coding, rows, consensus], ignore_index=True)
    write_coding(merged, path)
    if args.consensus:
        print(f"  also written: {int((consensus['coder'] == FIRST_CODER).sum())} rows as {FIRST_CODER}, "
              f"{int((consensus['coder'] == CONSENSUS).sum())} as {CONSENSUS}")
    alpha, units = alpha_against_consensus(merged, args.coder, codes)
    print(f"wrote {path}; Krippendorff's alpha of {args.coder} against the consensus: "
          f"{alpha:.3f} over {units} contributions x {len(codes)} codes (the contributions {args.coder} coded)")
    return 0
