"""``python -m analysis qda``: export the project to QDA software, import a project or codebook
from it, or merge its coding (:mod:`analysis.exchange.merge`). The command line apart from the
REFI-QDA reading and writing it calls, so that neither of those modules imports the other."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from analysis.evidence.data import Data
from analysis.exchange.merge import add_merge_command, run_merge
from analysis.exchange.qda import (QDC_NAME, QDPX_NAME, QdaImportError, codebook_changes, codebook_report, exchange_data,
                                   read_qdc, read_qdpx, write_qdc, write_qdpx)
from analysis.paths import DATA_DIR, OUTPUTS_DIR, PROJECT_ROOT


def main(argv: list[str] | None = None) -> int:
    """Export, import, compare a codebook, or merge imported codings (see ``--help``).
    Exit 0 on success, 1 when an import leaves codings unmatched or an export is refused,
    2 when a file cannot be read."""
    parser = argparse.ArgumentParser(prog="python -m analysis qda",
                                     description="Exchange the coding with QDA software as REFI-QDA files.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    export = sub.add_parser("export", help="write the project (.qdpx) and the codebook (.qdc) to a folder",
                            description=f"Write {QDPX_NAME} and {QDC_NAME} into FOLDER.")
    export.add_argument("folder", nargs="?", type=Path, default=OUTPUTS_DIR, metavar="FOLDER",
                        help=f"where to write them (default: {OUTPUTS_DIR.relative_to(PROJECT_ROOT)}, as the build does)")
    export.add_argument("--data-dir", type=Path, default=DATA_DIR, help="the data folder (default: data)")
    export.add_argument("--suggestions", action="store_true",
                        help="also carry the proposed suggested codes (python -m analysis suggest) as the coder 'suggested', for review")
    read = sub.add_parser("import", help="read a .qdpx and report how its codings map to contributions",
                          description="Read a REFI-QDA project and map its codings to contributions by position.")
    read.add_argument("path", type=Path, metavar="FILE.qdpx")
    read.add_argument("--data-dir", type=Path, default=DATA_DIR, help="the data folder to match against (default: data)")
    read.add_argument("--coding-out", type=Path, metavar="CSV", help="also write the mapped coding as CSV here, for review")
    book = sub.add_parser("import-codebook", help="list new, changed and missing codes of a .qdc against the codebook",
                          description="Compare a REFI-QDA codebook file with data/codebook.yaml.")
    book.add_argument("path", type=Path, metavar="FILE.qdc")
    book.add_argument("--data-dir", type=Path, default=DATA_DIR, help="the data folder (default: data)")
    add_merge_command(sub)
    args = parser.parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status = run(args)
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    return status


def run(args: argparse.Namespace) -> int:
    """One ``qda`` command; every refusal is one line on standard error."""
    try:
        folder = Data(args.data_dir)
        if args.command == "export":
            written = [write_qdpx(folder, args.folder / QDPX_NAME, args.suggestions), write_qdc(folder, args.folder / QDC_NAME)]
            print("\n".join(f"wrote {path}" for path in written))
            return 0
        if args.command == "import-codebook":
            data = exchange_data(folder)
            examples = dict(zip(data.contributions["contribution_id"], data.contributions["text"]))
            changes = codebook_changes(read_qdc(args.path), data.codebook, examples)
            print(codebook_report(args.path, changes, folder.file("codebook.yaml")))
            return 0
        if args.command == "merge":
            return run_merge(args, folder)
        _, coding, report = read_qdpx(args.path, folder)
        if args.coding_out:
            coding.to_csv(args.coding_out, index=False, lineterminator="\n")
    except QdaImportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: {error.filename}: {error.strerror}", file=sys.stderr)
        return 2
    print(report.summary())
    if args.coding_out:
        print(f"wrote {args.coding_out}")
    return 1 if len(report.unmatched) else 0
