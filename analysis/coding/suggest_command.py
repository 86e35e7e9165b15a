"""``python -m analysis suggest``: suggested codes written apart from the coding, their
leave-one-source-out evaluation, and the CSV route for accepting them.

- ``suggest [--source ID]`` ranks codes (and statement functions where the section does not
  fix one) for every statement without consensus coding, or for every statement of source
  ID, with a model trained on the consensus of every other statement
  (:mod:`analysis.coding.suggest`). It writes ``<data>/suggestions/<source_id>.csv`` and, beside
  it, ``<source_id>.json``: the model's name and version, scikit-learn's version, the seed,
  the training data's size and sha256, the codebook version, the date, the CSV's sha256 and
  the model's leave-one-source-out accuracy on the training data. A file that already holds
  review decisions is never overwritten.
- ``suggest evaluate`` prints the leave-one-source-out tables (:mod:`analysis.coding.suggest_eval`).
- ``suggest accept FILE.csv --coder NAME`` appends every row whose ``decision`` is ``accept``
  to coding.csv as coder NAME (a new name, as ``qda merge`` requires); ``--consensus`` also
  writes them as the consensus, and the first coding (coder_a) it is built from, of statements
  that have no consensus. Rows a reviewer adds (a
  contribution, a code, ``accept``) count like the others.

Nothing under ``suggestions/`` is read by the analysis or counted in the briefing.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import sys
from pathlib import Path

import pandas as pd
import sklearn

from analysis.evidence.data import Data
from analysis.coding import suggest as sg
from analysis.coding.codebook import NOT_CODABLE, code_ids, load_codebook
from analysis.coding.coding_table import CODING_CSV, check_coder_name, consensus_where_missing, write_coding
from analysis.coding.functions import function_problems, read_section_functions, statement_function_ids
from analysis.coding.suggest_eval import evaluation, evaluation_markdown, evaluation_sample, leave_one_source_out
from analysis.evidence.loaders import load_contributions
from analysis.evidence.readers import DataValidationError, raise_if, read_csv
from analysis.evidence.validate import vocabulary_values
from analysis.evidence.vocabulary import CONSENSUS, FIRST_CODER
from analysis.params import DEFAULT_SEED
from analysis.paths import DATA_DIR, SUGGESTIONS_DIR, display_path

ACCEPT, REJECT = "accept", "reject"
REVIEW_COLUMNS = ("contribution_id", "code_id", "decision")
COUNTS = ("statements", "codes", "functions")  # the evaluation's columns that are counts


# ---------------------------------------------------------------- reading the data


def coding_table(data: Data) -> pd.DataFrame:
    """coding.csv as text (empty memos as ''), read through the project's CSV reader; not
    validated as a whole, since statements waiting for suggestions have no consensus yet."""
    frame, problems = data.csv(CODING_CSV)
    raise_if(problems)
    return frame.fillna("")


def targets(contributions: pd.DataFrame, coding: pd.DataFrame, source: str | None) -> pd.DataFrame:
    """The statements to suggest codes for: every statement of ``source``, or (None) every one
    without consensus coding. Raises ValueError for an unknown source."""
    if source is None:
        chosen = ~contributions["contribution_id"].isin(coding.loc[coding["coder"] == CONSENSUS, "contribution_id"])
    else:
        known = list(dict.fromkeys(contributions["source_id"]))
        if source not in known:
            raise ValueError(f"unknown source {source!r} (sources in contributions.csv: {', '.join(known)})")
        chosen = contributions["source_id"] == source
    return contributions[chosen].reset_index(drop=True)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def now_utc() -> str:
    """The time of writing (UTC, ISO 8601), or $SOURCE_DATE_EPOCH when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch.isdigit()
              else datetime.datetime.now(datetime.timezone.utc))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- suggest


def measured(training: pd.DataFrame, codebook: dict, section_function: dict, seed: int) -> dict:
    """The model's pooled leave-one-source-out figures on ``training``, or why there are none."""
    if training["source_id"].nunique() < 2:
        return {"method": "leave one source out", "not_measured": "the training data hold fewer than two sources"}
    functions = statement_function_ids(codebook)
    suggestions = leave_one_source_out(training, code_ids(codebook), functions, section_function, seed)
    summary, _ = evaluation(suggestions, training, codebook)
    pooled = summary.iloc[-1].drop("source")
    return {"method": "leave one source out", "command": "python -m analysis suggest evaluate",
            **{name: (None if pd.isna(value) else int(value) if name in COUNTS else round(float(value), 3))
               for name, value in pooled.items()}}


def provenance(training: pd.DataFrame, codebook: dict, source_id: str, rows: pd.DataFrame, csv_bytes: bytes,
               seed: int, accuracy: dict) -> dict:
    """What made one suggestions file: model, training data, date, the file's own hash."""
    return {
        "coder": sg.SUGGESTED,
        "model": {"name": sg.MODEL_NAME, "version": sg.MODEL_VERSION, "library": f"scikit-learn {sklearn.__version__}",
                  "seed": seed, "top": sg.TOP, "propose_score": sg.PROPOSE_SCORE},
        "training": {"coder": CONSENSUS, "statements": len(training), "sources": sorted(set(training["source_id"])),
                     "sha256": sg.training_sha256(training), "codebook_version": str(codebook.get("version", ""))},
        "created": now_utc(),
        "suggestions": {"source_id": source_id, "statements": int(rows["contribution_id"].nunique()),
                        "rows": len(rows), "sha256": sha256_bytes(csv_bytes)},
        "accuracy": accuracy,
    }


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def has_decisions(path: Path) -> bool:
    """Whether a suggestions file already holds a reviewer's decisions (or cannot be read, so
    might)."""
    if not path.is_file():
        return False
    frame, _ = read_csv(path)
    return frame is None or ("decision" in frame.columns and frame["decision"].notna().any())


def write_together(files: dict[Path, bytes]) -> None:
    """Write every file beside itself first, then move each into place."""
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.with_name(path.name + ".part").write_bytes(data)
    for path in files:
        os.replace(path.with_name(path.name + ".part"), path)


def run_suggest(data: Data, source: str | None, seed: int) -> int:
    contributions = load_contributions(data)
    codebook = load_codebook(data)
    coding = coding_table(data)
    section_function = read_section_functions(data)
    chosen = targets(contributions, coding, source)
    if chosen.empty:
        print("nothing to suggest: every statement has consensus coding (name a source with --source to check one)")
        return 0
    folder = data.path / SUGGESTIONS_DIR
    reviewed = [folder / f"{s}.csv" for s in chosen["source_id"].unique() if has_decisions(folder / f"{s}.csv")]
    if reviewed:
        raise ValueError(f"{display_path(reviewed[0])} holds review decisions (or cannot be read): accept them "
                         "(python -m analysis suggest accept) or move the file before suggesting again")
    functions = statement_function_ids(codebook)
    consensus = coding[(coding["coder"] == CONSENSUS) & ~coding["contribution_id"].isin(chosen["contribution_id"])]
    training = sg.consensus_table(contributions, consensus, code_ids(codebook), functions, section_function)
    model = sg.fit(training, code_ids(codebook), functions, seed)
    suggestions = sg.suggest(model, chosen, section_function)
    accuracy = measured(training, codebook, section_function, seed)
    files: dict[Path, bytes] = {}
    for source_id, statements in chosen.groupby("source_id", sort=False):
        path = folder / f"{source_id}.csv"
        rows = suggestions[suggestions["contribution_id"].isin(statements["contribution_id"])]
        content = csv_bytes(rows)
        files[path] = content
        record = provenance(training, codebook, source_id, rows, content, seed, accuracy)
        files[path.with_suffix(".json")] = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_together(files)
    for path in files:
        if path.suffix == ".csv":
            print(f"wrote {display_path(path)} and {path.with_suffix('.json').name}")
    print(f"{len(chosen)} statements, top {sg.TOP} codes each, by {sg.MODEL_NAME} {sg.MODEL_VERSION} trained on "
          f"{len(training)} consensus statements; nothing here is counted until a reviewer accepts it.")
    if "not_measured" not in accuracy:
        print(f"measured leaving one source out: the top code is a consensus code in {accuracy['precision_top1']:.0%} of "
              f"statements, {accuracy['recall_top3']:.0%} of consensus codes are in the top {sg.TOP}, alpha over themes "
              f"{accuracy['theme_alpha']:.2f} (python -m analysis suggest evaluate for every source)")
    return 0


def evaluation_tables(data: Data, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The leave-one-source-out evaluation of the suggested codes against the consensus
    (:func:`analysis.coding.suggest_eval.evaluation`; a large source by its
    :func:`~analysis.coding.suggest_eval.evaluation_sample`): a summary per source and pooled, and alpha per theme."""
    contributions = load_contributions(data)
    codebook = load_codebook(data)
    coding = coding_table(data)
    section_function = read_section_functions(data)
    table = evaluation_sample(sg.consensus_table(contributions, coding[coding["coder"] == CONSENSUS], code_ids(codebook),
                                                 statement_function_ids(codebook), section_function), seed)
    if table["source_id"].nunique() < 2:
        raise ValueError("leaving one source out needs consensus coding of two sources or more")
    suggestions = leave_one_source_out(table, code_ids(codebook), statement_function_ids(codebook), section_function, seed)
    return evaluation(suggestions, table, codebook)


def run_evaluate(data: Data, seed: int) -> int:
    summary, alphas = evaluation_tables(data, seed)
    print(f"Suggested codes against the consensus, leaving one source out ({sg.MODEL_NAME} {sg.MODEL_VERSION}, "
          f"scikit-learn {sklearn.__version__}, seed {seed}, {int(summary['statements'].iloc[-1])} statements):\n")
    print(evaluation_markdown(summary, alphas))
    return 0


# ---------------------------------------------------------------- review in a QDA program


def suggestion_memo(rank: int, score: str, others: list[tuple[str, str]]) -> str:
    """What a reviewer reads beside a suggested code in a QDA program."""
    also = "; ranked next: " + ", ".join(f"{code} {value}" for code, value in others) if others else ""
    return f"Suggested by {sg.MODEL_NAME} {sg.MODEL_VERSION} (rank {rank}, score {score}){also}."


def suggested_coding(data: Data) -> pd.DataFrame:
    """The proposed rows of every suggestions file of the data folder as coding rows of the
    coder :data:`~analysis.coding.suggest.SUGGESTED` (columns of coding.csv), each memo giving
    its rank and score and the codes ranked below it. Raises DataValidationError for a file
    that cannot be read."""
    rows = []
    for path in sorted((data.path / SUGGESTIONS_DIR).glob("*.csv")):
        frame, problems = data.csv(path.relative_to(data.path))
        raise_if(problems)
        frame = frame.fillna("")
        for (_, _), group in frame.groupby(["contribution_id", "kind"], sort=False):
            chosen = group["proposed"].str.lower() == "true"
            others = list(zip(group.loc[~chosen, "code_id"], group.loc[~chosen, "score"]))
            rows += [{"contribution_id": row.contribution_id, "code_id": row.code_id, "coder": sg.SUGGESTED,
                      "memo": suggestion_memo(int(row.rank), row.score, others)} for row in group[chosen].itertuples()]
    return pd.DataFrame(rows, columns=["contribution_id", "code_id", "coder", "memo"])


# ---------------------------------------------------------------- accept (the CSV route)


def accepted_rows(review: pd.DataFrame, known_ids: set[str], known_codes: set[str]) -> pd.DataFrame:
    """The rows whose decision is accept (contribution_id, code_id, memo). Raises ValueError
    naming every row with an unknown decision, contribution or code."""
    missing = [c for c in REVIEW_COLUMNS if c not in review.columns]
    if missing:
        raise ValueError(f"no column {', '.join(missing)} (a review file has {', '.join(REVIEW_COLUMNS)}, and memo)")
    review = review.fillna("").assign(decision=lambda f: f["decision"].str.strip().str.lower())
    problems = [f"row {n}: decision {d!r} is not {ACCEPT}, {REJECT} or empty"
                for n, d in enumerate(review["decision"], start=1) if d not in (ACCEPT, REJECT, "")]
    accepted = review[review["decision"] == ACCEPT]
    problems += [f"row {n + 1}: unknown contribution {cid!r}" for n, cid in accepted["contribution_id"].items() if cid not in known_ids]
    problems += [f"row {n + 1}: {code!r} is neither a code nor a statement function of the codebook"
                 for n, code in accepted["code_id"].items() if code not in known_codes]
    if problems:
        raise ValueError("the review file cannot be accepted:\n  " + "\n  ".join(problems))
    memo = accepted["memo"] if "memo" in accepted.columns else ""
    return (accepted.assign(memo=memo)[["contribution_id", "code_id", "memo"]]
            .drop_duplicates(["contribution_id", "code_id"]).reset_index(drop=True))


def rule_problems(rows: pd.DataFrame, contributions: pd.DataFrame, section_function: dict, functions: list[str]) -> list[str]:
    """What the accepted rows break: the statement-function rule, and not_codable beside another code."""
    reviewed = contributions[contributions["contribution_id"].isin(rows["contribution_id"])]
    problems = [f"{cid}: {message}" for cid, message in function_problems(reviewed, rows, section_function, functions)]
    codes = rows[~rows["code_id"].isin(functions)].groupby("contribution_id")["code_id"].agg(set)
    problems += [f"{cid}: {NOT_CODABLE} accepted with other codes ({', '.join(sorted(c - {NOT_CODABLE}))})"
                 for cid, c in codes.items() if NOT_CODABLE in c and len(c) > 1]
    problems += [f"{cid}: only a statement function accepted; accept a code (or {NOT_CODABLE}) too"
                 for cid in sorted(set(rows["contribution_id"]) - set(codes.index))]
    return problems


def run_accept(path: Path, data: Data, coder: str, as_consensus: bool, dry_run: bool) -> int:
    review, problems = read_csv(path)
    raise_if(problems)
    contributions = load_contributions(data)
    codebook = load_codebook(data)
    functions = statement_function_ids(codebook)
    coding = coding_table(data)
    check_coder_name(coder, set(coding["coder"]), vocabulary_values(data).get("coders"))
    rows = accepted_rows(review, set(contributions["contribution_id"]), {*code_ids(codebook), *functions})
    broken = rule_problems(rows, contributions, read_section_functions(data), functions)
    if broken:
        raise ValueError("the accepted rows break the coding rules (nothing written):\n  " + "\n  ".join(broken))
    decisions = review.fillna("")["decision"].str.strip().str.lower()
    waiting = sorted(set(review["contribution_id"].dropna()) - set(rows["contribution_id"]))
    print(f"{path}: {int((decisions == ACCEPT).sum())} rows accepted, {int((decisions == REJECT).sum())} rejected, "
          f"{int((decisions == '').sum())} undecided; {rows['contribution_id'].nunique()} statements coded by {coder}.")
    if waiting:
        print(f"  no code accepted yet for {len(waiting)} statements (left uncoded): {', '.join(waiting[:10])}"
              + (" ..." if len(waiting) > 10 else ""))
    new = rows.assign(coder=coder)
    consensus, kept = consensus_where_missing(new, coding) if as_consensus else (new.iloc[:0], [])
    if kept:
        print(f"  {len(kept)} statements already have consensus coding, left as it is: {', '.join(kept[:10])}")
    if dry_run or new.empty:
        print("nothing written" + (" (dry run)" if dry_run else ""))
        return 0
    target = data.path / CODING_CSV
    write_coding(pd.concat([coding, new, consensus], ignore_index=True), target)
    also = "".join(f", {int((consensus['coder'] == name).sum())} as {name}" for name in (FIRST_CODER, CONSENSUS)) if as_consensus else ""
    print(f"wrote {display_path(target)}: {len(new)} rows as {coder}{also}")
    return 0


# ---------------------------------------------------------------- command line


def parser() -> argparse.ArgumentParser:
    commands = argparse.ArgumentParser(
        prog="python -m analysis suggest",
        description="Rank likely codes for statements without consensus coding (or for one source), apart from the "
                    f"coding, in <data>/{SUGGESTIONS_DIR}/; nothing suggested is counted until a reviewer accepts it.")
    commands.add_argument("--source", help="suggest for every statement of this source (default: the statements without consensus coding)")
    commands.add_argument("--data-dir", type=Path, default=DATA_DIR, help="the data folder (default: data)")
    commands.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the model's seed (default: %(default)s)")
    sub = commands.add_subparsers(dest="command", metavar="COMMAND")
    evaluate = sub.add_parser("evaluate", help="leave-one-source-out accuracy against the consensus, as Markdown tables",
                              description="Train on every source but one, suggest for the one left out, and compare "
                                          "with the consensus; print the tables.")
    evaluate.add_argument("--data-dir", type=Path, default=DATA_DIR, help="the data folder (default: data)")
    evaluate.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the model's seed (default: %(default)s)")
    accept = sub.add_parser("accept", help="append the accepted rows of a reviewed suggestions file to coding.csv",
                            description="Append every row whose decision is 'accept' to coding.csv under a new coder "
                                        "name; rows with 'reject' or no decision are left out.")
    accept.add_argument("path", type=Path, metavar="FILE.csv")
    accept.add_argument("--coder", required=True, help="the reviewer's coder name (new: never consensus nor a coder already in coding.csv)")
    accept.add_argument("--consensus", action="store_true", help="also write the accepted rows as the consensus (and coder_a) of statements that have no consensus")
    accept.add_argument("--data-dir", type=Path, default=DATA_DIR, help="the data folder (default: data)")
    accept.add_argument("--dry-run", action="store_true", help="report what would be written; write nothing")
    return commands


def main(argv: list[str] | None = None) -> int:
    """Exit 0 on success, 1 for data or a review file that cannot be used, 2 for a file that cannot be read."""
    args = parser().parse_args(argv)
    if not args.data_dir.is_dir():
        print(f"error: {display_path(args.data_dir)}: no such data folder", file=sys.stderr)
        return 1
    try:
        if args.command == "evaluate":
            return run_evaluate(Data(args.data_dir), args.seed)
        if args.command == "accept":
            return run_accept(args.path, Data(args.data_dir), args.coder, args.consensus, args.dry_run)
        return run_suggest(Data(args.data_dir), args.source, args.seed)
    except DataValidationError as error:
        print("\n".join(str(problem) for problem in error.problems), file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: {error.filename or ''}: {error.strerror}", file=sys.stderr)
        return 2
