"""The project's command line: python -m analysis <command>."""

from __future__ import annotations

import argparse


def parser() -> argparse.ArgumentParser:
    commands = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = commands.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="run every notebook and write the briefing (HTML and PDF)")
    build.add_argument("--params", default="params/default.yaml", help="run profile (YAML)")
    build.add_argument("--jobs", type=int, default=1, help="kernels the notebooks share (default 1: all in one, the least CPU)")
    build.add_argument("--outputs-dir", default=None, help="write outputs here instead of outputs/")
    build.add_argument("--figures-dir", default=None, help="write figures here instead of figures/")
    sub.add_parser("validate", help="check every data file; one line per problem")
    sub.add_parser("extract", help="rebuild data/contributions.csv from the source texts")
    sub.add_parser("qda", add_help=False,  # python -m analysis qda [COMMAND] --help lists the qda options
                   help="REFI-QDA exchange: export, import a .qdpx or .qdc from a QDA program, merge its coding")
    sub.add_parser("benchmark", help="time the build against the naive chain of command-line tools")
    return commands


def main(argv: list[str] | None = None) -> int:
    args, rest = parser().parse_known_args(argv)
    if args.command == "build":
        from analysis.report.build import main as build_main

        return build_main(args.params, jobs=args.jobs, outputs_dir=args.outputs_dir, figures_dir=args.figures_dir)
    if args.command == "validate":
        import analysis.coding.codes  # noqa: F401  (registers the codebook and coding checks)
        from analysis.evidence.validate import main as validate_main

        return validate_main(rest)
    if args.command == "extract":
        from analysis.evidence.corpus import main as extract_main

        return extract_main(rest)
    if args.command == "qda":
        from analysis.exchange.qda import main as qda_main

        return qda_main(rest)
    if args.command == "benchmark":
        from analysis.report.benchmark import main as benchmark_main

        return benchmark_main(rest)
    return 2
